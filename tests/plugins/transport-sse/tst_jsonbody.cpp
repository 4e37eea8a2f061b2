#include "jsonbody.h"

#include <QTest>

using sse::JsonBody;

class TestJsonBody : public QObject {
    Q_OBJECT

private slots:
    void emptyBodyIsAnEmptyObjectWhenAllowed()
    {
        auto body = JsonBody::parse("  ", {"a"});
        QVERIFY(body.ok());
        QVERIFY(body->object().isEmpty());
        auto strict = JsonBody::parse("", {"a"}, false);
        QVERIFY(!strict.ok());
        QCOMPARE(strict.error().code, sm::ErrorCode::BadRequest);
    }

    void malformedJsonIsRefusedWithItsOffset()
    {
        auto body = JsonBody::parse(R"({"a": )", {"a"});
        QVERIFY(!body.ok());
        QVERIFY2(body.error().message.contains("offset"), qPrintable(body.error().message));
    }

    void nonObjectBodiesAreRefused()
    {
        for (const QByteArray &text : {QByteArray("[]"), QByteArray("3"), QByteArray("\"x\""), QByteArray("null")}) {
            auto body = JsonBody::parse(text, {});
            QVERIFY2(!body.ok(), text.constData());
            QCOMPARE(body.error().code, sm::ErrorCode::BadRequest);
        }
    }

    void unknownFieldsAreNamedInSortedOrder()
    {
        auto body = JsonBody::parse(R"({"zeta":1,"ttl":2,"alpha":3})", {"ttl"});
        QVERIFY(!body.ok());
        QCOMPARE(body.error().message, QStringLiteral("unknown field 'alpha', 'zeta'"));
    }

    void typedAccessorsReportWrongTypesNamingTheField()
    {
        auto body = JsonBody::parse(R"({"s":1,"o":[],"i":"3"})", {"s", "o", "i"});
        QVERIFY(body.ok());
        QVERIFY(body->string("s").error().message.contains("'s'"));
        QVERIFY(body->object("o").error().message.contains("'o'"));
        QVERIFY(body->integer("i", 0, 10).error().message.contains("'i'"));
    }

    void absentFieldsAreEmptyOptionals()
    {
        auto body = JsonBody::parse("{}", {"s", "o", "i"});
        QVERIFY(body.ok());
        QVERIFY(!body->string("s").value().has_value());
        QVERIFY(!body->object("o").value().has_value());
        QVERIFY(!body->integer("i", 0, 1).value().has_value());
    }

    void integersMustBeWholeAndInRange_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("whole") << QByteArray(R"({"n":60})") << true;
        QTest::newRow("lower bound") << QByteArray(R"({"n":1})") << true;
        QTest::newRow("fraction") << QByteArray(R"({"n":1.5})") << false;
        QTest::newRow("below") << QByteArray(R"({"n":0})") << false;
        QTest::newRow("above") << QByteArray(R"({"n":1001})") << false;
        QTest::newRow("huge") << QByteArray(R"({"n":1e300})") << false;
        QTest::newRow("bool") << QByteArray(R"({"n":true})") << false;
        QTest::newRow("null") << QByteArray(R"({"n":null})") << false;
    }

    void integersMustBeWholeAndInRange()
    {
        QFETCH(QByteArray, json);
        QFETCH(bool, accepted);
        auto body = JsonBody::parse(json, {"n"});
        QVERIFY(body.ok());
        auto n = body->integer("n", 1, 1000);
        QCOMPARE(n.ok(), accepted);
    }

    void parseObjectAcceptsAnyFields()
    {
        auto object = JsonBody::parseObject(R"({"type":"book","symbol":"X"})", false);
        QVERIFY(object.ok());
        QCOMPARE(object->value("symbol").toString(), QStringLiteral("X"));
    }
};

QTEST_GUILESS_MAIN(TestJsonBody)
#include "tst_jsonbody.moc"
