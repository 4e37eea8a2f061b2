// Bad input against every route: each case must get its status and error code, and the
// target session must be exactly as it was (same version, same metadata, same state).
#include "apiclient.h"
#include "jwtforge.h"
#include "runtimeprocess.h"

#include <QTest>

#include <memory>

namespace {
const QByteArray kJwtSecret = "transport-sse-bad-input-secret-0123456789abcdef";

enum class As { Nobody, Alice, Bob, Service, Expired, Forged, AliceWithStaleIfMatch, AliceWithMalformedIfMatch,
                AliceWithBadLastEventId };
} // namespace

Q_DECLARE_METATYPE(As)

class TestSseBadInput : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void refusedAndSessionUnchanged_data();
    void refusedAndSessionUnchanged();
    void oversizedBodyIs413AndSessionUnchanged();
    void headerFloodIs431AndSessionUnchanged();

private:
    QString tokenFor(As who) const;
    QJsonObject adminView() const;
    void verifyUnchanged();

    std::unique_ptr<RuntimeProcess> m_runtime;
    std::unique_ptr<ApiClient> m_api;
    QString m_alice;
    QString m_bob;
    QString m_admin;
    QString m_service;
    QString m_sessionId;
    QJsonObject m_baseline;
};

void TestSseBadInput::initTestCase()
{
    m_runtime = std::make_unique<RuntimeProcess>();
    m_runtime->addSetting("jwt_secret", QString::fromLatin1(kJwtSecret));
    m_runtime->addSetting("jwt_clock_skew", "0");
    QVERIFY2(m_runtime->start(), m_runtime->output().constData());
    m_api = std::make_unique<ApiClient>(m_runtime->url("/"));
    m_alice = m_runtime->token("alice");
    m_bob = m_runtime->token("bob");
    m_admin = m_runtime->token("root", "admin");
    m_service = m_runtime->token("pricer", "service");

    const ApiReply created = m_api->send("POST", "/sessions", m_alice, R"({"metadata":{"plan":"gold"}})");
    QCOMPARE(created.status, 201);
    m_sessionId = created.json().value("session_id").toString();
    // Move it past version 1 so a stale If-Match is distinguishable from a fresh one.
    QCOMPARE(m_api->send("PUT", "/sessions/" + m_sessionId, m_alice, R"({"metadata":{"plan":"gold","n":1}})").status, 200);
    m_baseline = adminView();
    QCOMPARE(m_baseline.value("version").toInteger(), 2);
}

void TestSseBadInput::cleanupTestCase()
{
    if (m_runtime)
        QCOMPARE(m_runtime->stop(), 0);
}

QString TestSseBadInput::tokenFor(As who) const
{
    switch (who) {
    case As::Nobody: return {};
    case As::Alice:
    case As::AliceWithStaleIfMatch:
    case As::AliceWithMalformedIfMatch:
    case As::AliceWithBadLastEventId: return m_alice;
    case As::Bob: return m_bob;
    case As::Service: return m_service;
    case As::Expired: return JwtForge::sign(kJwtSecret, "alice", "user", -60);
    case As::Forged: return JwtForge::sign("not-the-secret-not-the-secret-not-the-secret!!", "alice", "admin", 3600);
    }
    return {};
}

QJsonObject TestSseBadInput::adminView() const
{
    const ApiReply reply = m_api->send("GET", "/sessions/" + m_sessionId, m_admin);
    return reply.status == 200 ? reply.json() : QJsonObject();
}

void TestSseBadInput::verifyUnchanged()
{
    const QJsonObject now = adminView();
    QCOMPARE(now.value("version"), m_baseline.value("version"));
    QCOMPARE(now.value("state"), m_baseline.value("state"));
    QCOMPARE(now.value("metadata"), m_baseline.value("metadata"));
    QCOMPARE(now.value("last_updated"), m_baseline.value("last_updated"));
}

void TestSseBadInput::refusedAndSessionUnchanged_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path"); // {id} = the session under test
    QTest::addColumn<As>("who");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");

    const QString session = "/sessions/{id}";
    QTest::newRow("PUT malformed JSON") << QByteArray("PUT") << session << As::Alice << QByteArray(R"({"state":)") << 400 << "bad_request";
    QTest::newRow("PUT body not an object") << QByteArray("PUT") << session << As::Alice << QByteArray("[]") << 400 << "bad_request";
    QTest::newRow("PUT state wrong type") << QByteArray("PUT") << session << As::Alice << QByteArray(R"({"state":5})") << 400 << "bad_request";
    QTest::newRow("PUT state unknown") << QByteArray("PUT") << session << As::Alice << QByteArray(R"({"state":"asleep"})") << 400 << "bad_request";
    QTest::newRow("PUT metadata not object") << QByteArray("PUT") << session << As::Alice << QByteArray(R"({"metadata":"x"})") << 400 << "bad_request";
    QTest::newRow("PUT unknown field") << QByteArray("PUT") << session << As::Alice << QByteArray(R"({"metadata":{},"owner":"bob"})") << 400 << "bad_request";
    QTest::newRow("PUT missing token") << QByteArray("PUT") << session << As::Nobody << QByteArray(R"({"metadata":{}})") << 401 << "unauthenticated";
    QTest::newRow("PUT expired token") << QByteArray("PUT") << session << As::Expired << QByteArray(R"({"metadata":{}})") << 401 << "unauthenticated";
    QTest::newRow("PUT forged token") << QByteArray("PUT") << session << As::Forged << QByteArray(R"({"metadata":{}})") << 401 << "unauthenticated";
    QTest::newRow("PUT other user") << QByteArray("PUT") << session << As::Bob << QByteArray(R"({"metadata":{}})") << 404 << "not_found";
    QTest::newRow("PUT stale If-Match") << QByteArray("PUT") << session << As::AliceWithStaleIfMatch << QByteArray(R"({"metadata":{}})") << 412 << "version_conflict";
    QTest::newRow("PUT illegal transition") << QByteArray("PUT") << session << As::Alice << QByteArray(R"({"state":"expired"})") << 409 << "illegal_transition";
    QTest::newRow("DELETE other user") << QByteArray("DELETE") << session << As::Bob << QByteArray() << 404 << "not_found";
    QTest::newRow("DELETE forged token") << QByteArray("DELETE") << session << As::Forged << QByteArray() << 401 << "unauthenticated";
    QTest::newRow("POST sessions unknown field") << QByteArray("POST") << "/sessions" << As::Alice << QByteArray(R"({"ttl":60,"colour":"red"})") << 400 << "bad_request";
    QTest::newRow("POST sessions ttl wrong type") << QByteArray("POST") << "/sessions" << As::Alice << QByteArray(R"({"ttl":"60"})") << 400 << "bad_request";
    QTest::newRow("POST sessions ttl fraction") << QByteArray("POST") << "/sessions" << As::Alice << QByteArray(R"({"ttl":1.5})") << 400 << "bad_request";
    QTest::newRow("POST sessions metadata array") << QByteArray("POST") << "/sessions" << As::Alice << QByteArray(R"({"metadata":[1]})") << 400 << "bad_request";
    QTest::newRow("POST request malformed") << QByteArray("POST") << session + "/request" << As::Alice << QByteArray("{nope") << 400 << "bad_request";
    QTest::newRow("POST request other user") << QByteArray("POST") << session + "/request" << As::Bob << QByteArray(R"({"type":"positions"})") << 404 << "not_found";
    QTest::newRow("POST events as user") << QByteArray("POST") << session + "/events" << As::Alice << QByteArray(R"({"type":"x","data":{}})") << 403 << "permission_denied";
    QTest::newRow("POST events missing type") << QByteArray("POST") << session + "/events" << As::Service << QByteArray(R"({"data":{}})") << 400 << "bad_request";
    QTest::newRow("POST events bad type") << QByteArray("POST") << session + "/events" << As::Service << QByteArray(R"({"type":"a\nb"})") << 400 << "bad_request";
    QTest::newRow("POST events reserved type") << QByteArray("POST") << session + "/events" << As::Service << QByteArray(R"({"type":"reset"})") << 400 << "bad_request";
    QTest::newRow("POST events data scalar") << QByteArray("POST") << session + "/events" << As::Service << QByteArray(R"({"type":"x","data":3})") << 400 << "bad_request";
    QTest::newRow("PUT malformed If-Match") << QByteArray("PUT") << session << As::AliceWithMalformedIfMatch << QByteArray(R"({"metadata":{}})") << 400 << "bad_request";
    QTest::newRow("GET events bad Last-Event-ID header") << QByteArray("GET") << session + "/events" << As::AliceWithBadLastEventId << QByteArray() << 400 << "bad_request";
    QTest::newRow("GET events bad Last-Event-ID query") << QByteArray("GET") << session + "/events?last_event_id=12" << As::Alice << QByteArray() << 400 << "bad_request";
    QTest::newRow("GET events forged session token") << QByteArray("GET") << session + "/events?token=forged" << As::Nobody << QByteArray() << 401 << "unauthenticated";
    QTest::newRow("GET events other user") << QByteArray("GET") << session + "/events" << As::Bob << QByteArray() << 404 << "not_found";
    QTest::newRow("GET events unknown parameter") << QByteArray("GET") << session + "/events?tokn=x" << As::Alice << QByteArray() << 400 << "bad_request";
    QTest::newRow("GET list bad limit") << QByteArray("GET") << "/sessions?limit=0" << As::Alice << QByteArray() << 400 << "bad_request";
}

void TestSseBadInput::refusedAndSessionUnchanged()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(As, who);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);

    RawHeaders headers;
    if (who == As::AliceWithStaleIfMatch)
        headers.emplaceBack("If-Match", "\"1\"");
    if (who == As::AliceWithMalformedIfMatch)
        headers.emplaceBack("If-Match", "W/\"2\"");
    if (who == As::AliceWithBadLastEventId)
        headers.emplaceBack("Last-Event-ID", "1-2-3");
    const ApiReply reply = m_api->send(method, path.replace("{id}", m_sessionId), tokenFor(who), body, headers);
    QVERIFY2(reply.status == status, qPrintable(QString("status %1: %2").arg(reply.status).arg(QString::fromUtf8(reply.body))));
    QCOMPARE(reply.errorCode(), code);
    QVERIFY(!reply.json().value("error").toObject().value("message").toString().isEmpty());
    verifyUnchanged();
}

void TestSseBadInput::oversizedBodyIs413AndSessionUnchanged()
{
    const QByteArray body = R"({"metadata":{"blob":")" + QByteArray(2 * 1024 * 1024, 'x') + R"("}})";
    const QByteArray request = "PUT /sessions/" + m_sessionId.toUtf8() + " HTTP/1.1\r\nHost: test\r\nAuthorization: "
        + ApiClient::bearer(m_alice) + "\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    const ApiReply reply = m_api->sendRaw(request);
    QCOMPARE(reply.status, 413);
    QCOMPARE(reply.errorCode(), QStringLiteral("payload_too_large"));
    verifyUnchanged();
}

void TestSseBadInput::headerFloodIs431AndSessionUnchanged()
{
    QByteArray flood;
    for (int i = 0; i < 2000; ++i)
        flood += "X-Flood-" + QByteArray::number(i) + ": " + QByteArray(64, 'f') + "\r\n";
    const QByteArray request = "PUT /sessions/" + m_sessionId.toUtf8() + " HTTP/1.1\r\nHost: test\r\nAuthorization: "
        + ApiClient::bearer(m_alice) + "\r\n" + flood + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    const ApiReply reply = m_api->sendRaw(request);
    QCOMPARE(reply.status, 431);
    QCOMPARE(reply.errorCode(), QStringLiteral("headers_too_large"));
    verifyUnchanged();
}

QTEST_GUILESS_MAIN(TestSseBadInput)
#include "tst_sse_badinput.moc"
