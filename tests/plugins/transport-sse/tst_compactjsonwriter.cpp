#include "compactjsonwriter.h"

#include <QJsonDocument>
#include <QTest>

#include <limits>

using sse::CompactJsonWriter;

namespace {
QByteArray written(const QJsonObject &object)
{
    CompactJsonWriter json;
    json.value(object);
    return json.take();
}

QByteArray byQt(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}
} // namespace

class TestCompactJsonWriter : public QObject {
    Q_OBJECT

private slots:
    void objectsMatchQtCompactOutputByteForByte_data()
    {
        QTest::addColumn<QJsonObject>("object");
        QTest::newRow("empty") << QJsonObject();
        QTest::newRow("scalars") << QJsonObject{{"b", true}, {"a", false}, {"n", QJsonValue()},
                                                {"s", "text"}, {"i", 42}, {"neg", -7}};
        QTest::newRow("escapes") << QJsonObject{{"q\"k", "a\"b\\c/d\b\f\n\r\t"},
                                                {"ctl", QString(QChar(1)) + QChar(0x1f) + QChar(0x7f)}};
        QTest::newRow("unicode") << QJsonObject{{"é", "grüße 日本 \U0001F600"}};
        QTest::newRow("lone surrogates")
            << QJsonObject{{"s", QString(QChar(0xd800)) + "x" + QChar(0xdc00)}};
        QTest::newRow("doubles") << QJsonObject{{"half", 0.5}, {"big", 1e300}, {"tiny", 1e-300},
                                                {"whole", 3.0}, {"e15", 1e15}, {"pi", 3.141592653589793}};
        QTest::newRow("large integers")
            << QJsonObject{{"max", std::numeric_limits<qint64>::max()},
                           {"min", std::numeric_limits<qint64>::min()}};
        QTest::newRow("nested") << QJsonObject{{"o", QJsonObject{{"x", QJsonArray{1, "two", QJsonArray{}, QJsonObject{}}}}},
                                               {"a", QJsonArray{QJsonValue(), true, 2.5}}};
    }

    void objectsMatchQtCompactOutputByteForByte()
    {
        QFETCH(QJsonObject, object);
        QCOMPARE(written(object), byQt(object));
    }

    void parsedNumbersKeepTheirForm()
    {
        const QJsonObject parsed =
            QJsonDocument::fromJson("{\"i\":1000000000000000,\"d\":1e15,\"f\":2.50,\"x\":12345678901234567890}")
                .object();
        QCOMPARE(written(parsed), byQt(parsed));
    }

    void nonFiniteNumbersAreNull()
    {
        const QJsonObject object{{"inf", std::numeric_limits<double>::infinity()},
                                 {"nan", std::numeric_limits<double>::quiet_NaN()}};
        QCOMPARE(written(object), QByteArray("{\"inf\":null,\"nan\":null}"));
    }

    void membersAreSeparatedAcrossNestedObjects()
    {
        CompactJsonWriter json;
        json.beginObject();
        json.key(QLatin1String("a"));
        json.beginObject();
        json.key(QLatin1String("b"));
        json.value(qint64(1));
        json.key(QLatin1String("c"));
        json.null();
        json.endObject();
        json.key(QLatin1String("d"));
        json.value(QLatin1String("x\"y"));
        json.key(QLatin1String("e"));
        json.value(QLatin1String("plain"));
        json.endObject();
        QCOMPARE(json.take(), QByteArray("{\"a\":{\"b\":1,\"c\":null},\"d\":\"x\\\"y\",\"e\":\"plain\"}"));
    }

    void timestampsMatchQtIsoDateWithMilliseconds_data()
    {
        QTest::addColumn<QDateTime>("time");
        QTest::newRow("now") << QDateTime::currentDateTimeUtc();
        QTest::newRow("epoch") << QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
        QTest::newRow("before epoch") << QDateTime::fromMSecsSinceEpoch(-1, Qt::UTC);
        QTest::newRow("leap day") << QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59, 999), Qt::UTC);
        QTest::newRow("year 2000") << QDateTime(QDate(2000, 3, 1), QTime(0, 0, 0, 1), Qt::UTC);
        QTest::newRow("year 1") << QDateTime(QDate(1, 1, 1), QTime(12, 0), Qt::UTC);
        QTest::newRow("year 9999") << QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59, 5), Qt::UTC);
        QTest::newRow("local time") << QDateTime(QDate(2026, 6, 1), QTime(8, 30), Qt::LocalTime);
        QTest::newRow("offset") << QDateTime(QDate(2026, 6, 1), QTime(8, 30), Qt::OffsetFromUTC, 3600);
        QTest::newRow("year 10000") << QDateTime(QDate(10000, 1, 1), QTime(0, 0), Qt::UTC);
    }

    void timestampsMatchQtIsoDateWithMilliseconds()
    {
        QFETCH(QDateTime, time);
        CompactJsonWriter json;
        json.timestamp(time);
        const QString expected = time.toUTC().toString(Qt::ISODateWithMs);
        QCOMPARE(json.take(), QJsonDocument(QJsonArray{expected}).toJson(QJsonDocument::Compact).sliced(1).chopped(1));
    }

    void invalidTimestampIsEmptyString()
    {
        CompactJsonWriter json;
        json.timestamp(QDateTime());
        QCOMPARE(json.take(), QByteArray("\"\""));
    }
};

QTEST_GUILESS_MAIN(TestCompactJsonWriter)
#include "tst_compactjsonwriter.moc"
