#include "httpsupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using sse::HttpSupport;

class TestHttpSupport : public QObject {
    Q_OBJECT

private slots:
    void ifMatch_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<qint64>("version"); // -1 = no condition
        QTest::newRow("absent") << QByteArray() << true << qint64(-1);
        QTest::newRow("star") << QByteArray("*") << true << qint64(-1);
        QTest::newRow("quoted") << QByteArray("\"12\"") << true << qint64(12);
        QTest::newRow("spaces") << QByteArray("  \"3\" ") << true << qint64(3);
        QTest::newRow("unquoted") << QByteArray("12") << false << qint64(0);
        QTest::newRow("weak") << QByteArray("W/\"12\"") << false << qint64(0);
        QTest::newRow("list") << QByteArray("\"1\", \"2\"") << false << qint64(0);
        QTest::newRow("empty quotes") << QByteArray("\"\"") << false << qint64(0);
        QTest::newRow("sign") << QByteArray("\"-1\"") << false << qint64(0);
        QTest::newRow("overflow") << QByteArray("\"99999999999999999999\"") << false << qint64(0);
    }

    void ifMatch()
    {
        QFETCH(QByteArray, header);
        QFETCH(bool, valid);
        QFETCH(qint64, version);
        auto parsed = HttpSupport::parseIfMatch(header);
        QCOMPARE(parsed.ok(), valid);
        if (valid)
            QCOMPARE(parsed.value().value_or(-1), version);
        else
            QCOMPARE(parsed.error().code, sm::ErrorCode::BadRequest);
    }

    void etagQuotesTheVersion() { QCOMPARE(HttpSupport::etag(7), QByteArray("\"7\"")); }

    void unavailableAsksToRetry()
    {
        const auto response = HttpSupport::errorResponse({sm::ErrorCode::Unavailable, "store down"});
        QCOMPARE(response.status, 503);
        QVERIFY(response.headers.contains(qMakePair(QByteArray("retry-after"), QByteArray("1"))));
        const QJsonObject error = QJsonDocument::fromJson(response.body).object().value("error").toObject();
        QCOMPARE(error.value("code").toString(), QStringLiteral("unavailable"));
        QCOMPARE(error.value("message").toString(), QStringLiteral("store down"));
    }

    void unauthenticatedNamesTheScheme()
    {
        const auto response = HttpSupport::errorResponse({sm::ErrorCode::Unauthenticated, "no token"});
        QCOMPARE(response.status, 401);
        QVERIFY(response.headers.contains(qMakePair(QByteArray("www-authenticate"), QByteArray("Bearer"))));
    }

    void unknownQueryParametersAreNamed()
    {
        QUrlQuery query("limit=3&lmit=4");
        auto checked = HttpSupport::checkQueryKeys(query, {"limit"});
        QVERIFY(!checked.ok());
        QVERIFY(checked.error().message.contains("'lmit'"));
        QVERIFY(HttpSupport::checkQueryKeys(QUrlQuery("limit=3"), {"limit"}).ok());
    }
};

QTEST_GUILESS_MAIN(TestHttpSupport)
#include "tst_httpsupport.moc"
