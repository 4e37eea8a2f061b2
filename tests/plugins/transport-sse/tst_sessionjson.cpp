#include "sessionjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using sse::SessionJson;

namespace {
sm::Session sampleSession()
{
    sm::Session session;
    session.id = QStringLiteral("AbC_dEf-0123456789xyzQ");
    session.userId = QStringLiteral("alice \"the\" user/ü");
    session.state = sm::SessionState::Idle;
    session.version = 17;
    session.createdAt = QDateTime(QDate(2026, 11, 23), QTime(18, 42, 30, 123), Qt::UTC);
    session.lastUpdated = session.createdAt.addMSecs(1500);
    session.lastActivity = session.createdAt.addSecs(60);
    session.absoluteExpiresAt = session.createdAt.addSecs(3600);
    session.idleTimeoutSecs = 900;
    session.metadata = QJsonObject{{"client_version", "1.0.3"}, {"ip_address", "127.0.0.1"}, {"n", 5}};
    session.context = QJsonObject{{"book", QJsonArray{QJsonValue(1.5), QJsonValue(2), QJsonObject{{"k", QJsonValue()}}}}};
    return session;
}

QByteArray byQt(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}
} // namespace

class TestSessionJson : public QObject {
    Q_OBJECT

private slots:
    void matchesSessionToJsonByteForByte()
    {
        const sm::Session session = sampleSession();
        QCOMPARE(SessionJson::encode(session), byQt(sm::sessionToJson(session)));
    }

    void workerAndEmptyFieldsMatchToo()
    {
        sm::Session session = sampleSession();
        session.worker = QStringLiteral("worker-2");
        session.state = sm::SessionState::Terminated;
        session.metadata = {};
        session.context = {};
        session.lastActivity = QDateTime(); // never touched: expiry falls back to the absolute one
        session.idleTimeoutSecs = 0;
        QCOMPARE(SessionJson::encode(session), byQt(sm::sessionToJson(session)));
    }

    void tokenIsAddedInKeyOrder()
    {
        const sm::Session session = sampleSession();
        QJsonObject expected = sm::sessionToJson(session);
        expected.insert("token", "tok_en-123");
        QCOMPARE(SessionJson::encodeWithToken(session, QStringLiteral("tok_en-123")), byQt(expected));
    }
};

QTEST_GUILESS_MAIN(TestSessionJson)
#include "tst_sessionjson.moc"
