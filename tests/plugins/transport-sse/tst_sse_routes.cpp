// Route-by-route checks of the REST session API over loopback against a real runtime.
#include "apiclient.h"
#include "runtimeprocess.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <memory>

class TestSseRoutes : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void createAnswers201WithLocationEtagAndToken();
    void createRecordsThePeerAsIpAddressAndIgnoresClientClaims();
    void createTrustsForwardedForOnlyFromTrustedProxies();
    void createForAnotherUserNeedsPrivilege();
    void getAnswersTheSessionWithItsEtag();
    void updateWithCurrentIfMatchBumpsVersion();
    void updateWithStaleIfMatchIs412();
    void updateWithoutIfMatchIsLastWriteWins();
    void illegalTransitionIs409();
    void deleteIs204AndEndsTheSession();
    void userSeesAnotherUsersSessionAsNotFound();
    void listPagesThroughEverySessionOnce();
    void listFiltersByState();
    void userListHoldsOnlyOwnSessions();
    void listRejectsBadLimitAndState();
    void requestIsAnsweredByTheBackend();
    void requestWithoutBackendIs503WithRetryAfter();
    void publishIsForServicesAndAnswers202WithEventId();
    void missingCredentialsAre401WithChallenge();

private:
    QString createSession(const QString &token, const QByteArray &body = "{}");

    std::unique_ptr<RuntimeProcess> m_runtime;
    std::unique_ptr<ApiClient> m_api;
    QString m_alice;
    QString m_bob;
    QString m_admin;
    QString m_service;
};

void TestSseRoutes::initTestCase()
{
    m_runtime = std::make_unique<RuntimeProcess>();
    // 127.0.0.2 is a "proxy" the tests can connect from; 127.0.0.1 stays an untrusted peer.
    m_runtime->addSetting("trusted_proxies", "127.0.0.2");
    QVERIFY2(m_runtime->start(), m_runtime->output().constData());
    m_api = std::make_unique<ApiClient>(m_runtime->url("/"));
    m_alice = m_runtime->token("alice");
    m_bob = m_runtime->token("bob");
    m_admin = m_runtime->token("root", "admin");
    m_service = m_runtime->token("pricer", "service");
    QVERIFY(!m_alice.isEmpty() && !m_admin.isEmpty() && !m_service.isEmpty());
}

void TestSseRoutes::cleanupTestCase()
{
    if (m_runtime)
        QCOMPARE(m_runtime->stop(), 0);
}

QString TestSseRoutes::createSession(const QString &token, const QByteArray &body)
{
    const ApiReply reply = m_api->send("POST", "/sessions", token, body);
    if (reply.status != 201)
        qWarning() << "create failed" << reply.status << reply.body;
    return reply.json().value("session_id").toString();
}

void TestSseRoutes::createAnswers201WithLocationEtagAndToken()
{
    const ApiReply reply = m_api->send("POST", "/sessions", m_alice,
                                       R"({"metadata":{"client_version":"2.1"},"ttl":600,"idle_timeout":120})");
    QCOMPARE(reply.status, 201);
    const QJsonObject session = reply.json();
    const QString id = session.value("session_id").toString();
    QVERIFY(QRegularExpression("^[A-Za-z0-9_-]{22}$").match(id).hasMatch());
    QCOMPARE(reply.header("location"), "/sessions/" + id.toUtf8());
    QCOMPARE(reply.header("etag"), '"' + QByteArray::number(session.value("version").toInteger()) + '"');
    QVERIFY(reply.header("content-type").startsWith("application/json"));
    QVERIFY(session.value("token").toString().size() >= 16);
    QCOMPARE(session.value("user_id").toString(), QStringLiteral("alice"));
    QCOMPARE(session.value("state").toString(), QStringLiteral("active"));
    QCOMPARE(session.value("idle_timeout").toInteger(), 120);
    QCOMPARE(session.value("metadata").toObject().value("client_version").toString(), QStringLiteral("2.1"));

    // The token is shown once: a later read never carries it.
    const ApiReply again = m_api->send("GET", "/sessions/" + id, m_alice);
    QCOMPARE(again.status, 200);
    QVERIFY(!again.json().contains("token"));
}

void TestSseRoutes::createRecordsThePeerAsIpAddressAndIgnoresClientClaims()
{
    const ApiReply reply = m_api->send("POST", "/sessions", m_alice, R"({"metadata":{"ip_address":"6.6.6.6"}})",
                                       {{"X-Forwarded-For", "198.51.100.9"}});
    QCOMPARE(reply.status, 201);
    QCOMPARE(reply.json().value("metadata").toObject().value("ip_address").toString(), QStringLiteral("127.0.0.1"));
}

void TestSseRoutes::createTrustsForwardedForOnlyFromTrustedProxies()
{
    const QByteArray body = "{}";
    const QByteArray request = "POST /sessions HTTP/1.1\r\nHost: test\r\nAuthorization: " + ApiClient::bearer(m_alice)
        + "\r\nContent-Type: application/json\r\nX-Forwarded-For: 203.0.113.50, 127.0.0.2\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    const ApiReply viaProxy = m_api->sendRaw(request, QHostAddress("127.0.0.2"));
    QCOMPARE(viaProxy.status, 201);
    QCOMPARE(viaProxy.json().value("metadata").toObject().value("ip_address").toString(),
             QStringLiteral("203.0.113.50"));

    const ApiReply direct = m_api->sendRaw(request, QHostAddress("127.0.0.1"));
    QCOMPARE(direct.status, 201);
    QCOMPARE(direct.json().value("metadata").toObject().value("ip_address").toString(), QStringLiteral("127.0.0.1"));
}

void TestSseRoutes::createForAnotherUserNeedsPrivilege()
{
    const ApiReply asService = m_api->send("POST", "/sessions", m_service, R"({"user_id":"dave"})");
    QCOMPARE(asService.status, 201);
    QCOMPARE(asService.json().value("user_id").toString(), QStringLiteral("dave"));

    const ApiReply asUser = m_api->send("POST", "/sessions", m_alice, R"({"user_id":"dave"})");
    QCOMPARE(asUser.status, 403);
    QCOMPARE(asUser.errorCode(), QStringLiteral("permission_denied"));
}

void TestSseRoutes::getAnswersTheSessionWithItsEtag()
{
    const QString id = createSession(m_alice);
    const ApiReply reply = m_api->send("GET", "/sessions/" + id, m_alice);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json().value("session_id").toString(), id);
    QCOMPARE(reply.header("etag"), QByteArray("\"1\""));
    QCOMPARE(reply.header("cache-control"), QByteArray("no-store"));

    const ApiReply admin = m_api->send("GET", "/sessions/" + id, m_admin);
    QCOMPARE(admin.status, 200);

    const ApiReply missing = m_api->send("GET", "/sessions/AAAAAAAAAAAAAAAAAAAAAA", m_alice);
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.errorCode(), QStringLiteral("not_found"));
    QVERIFY(!missing.json().value("error").toObject().value("message").toString().isEmpty());
}

void TestSseRoutes::updateWithCurrentIfMatchBumpsVersion()
{
    const QString id = createSession(m_alice);
    const ApiReply reply = m_api->send("PUT", "/sessions/" + id, m_alice, R"({"metadata":{"theme":"dark"},"state":"idle"})",
                                       {{"If-Match", "\"1\""}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("etag"), QByteArray("\"2\""));
    QCOMPARE(reply.json().value("version").toInteger(), 2);
    QCOMPARE(reply.json().value("state").toString(), QStringLiteral("idle"));
    QCOMPARE(reply.json().value("metadata").toObject().value("theme").toString(), QStringLiteral("dark"));
}

void TestSseRoutes::updateWithStaleIfMatchIs412()
{
    const QString id = createSession(m_alice);
    QCOMPARE(m_api->send("PUT", "/sessions/" + id, m_alice, R"({"metadata":{"n":1}})").status, 200);
    const ApiReply stale = m_api->send("PUT", "/sessions/" + id, m_alice, R"({"metadata":{"n":2}})",
                                       {{"If-Match", "\"1\""}});
    QCOMPARE(stale.status, 412);
    QCOMPARE(stale.errorCode(), QStringLiteral("version_conflict"));
    const ApiReply current = m_api->send("GET", "/sessions/" + id, m_alice);
    QCOMPARE(current.json().value("metadata").toObject().value("n").toInt(), 1);
}

void TestSseRoutes::updateWithoutIfMatchIsLastWriteWins()
{
    const QString id = createSession(m_alice);
    QCOMPARE(m_api->send("PUT", "/sessions/" + id, m_alice, R"({"metadata":{"n":1}})").status, 200);
    const ApiReply second = m_api->send("PUT", "/sessions/" + id, m_alice, R"({"metadata":{"n":2}})");
    QCOMPARE(second.status, 200);
    QCOMPARE(second.header("etag"), QByteArray("\"3\""));
    QCOMPARE(second.json().value("metadata").toObject().value("n").toInt(), 2);
}

void TestSseRoutes::illegalTransitionIs409()
{
    const QString id = createSession(m_alice);
    const ApiReply expire = m_api->send("PUT", "/sessions/" + id, m_alice, R"({"state":"expired"})");
    QCOMPARE(expire.status, 409);
    QCOMPARE(expire.errorCode(), QStringLiteral("illegal_transition"));
    QCOMPARE(m_api->send("DELETE", "/sessions/" + id, m_alice).status, 204);
    const ApiReply revive = m_api->send("PUT", "/sessions/" + id, m_alice, R"({"state":"active"})");
    QCOMPARE(revive.status, 409);
    QCOMPARE(revive.errorCode(), QStringLiteral("illegal_transition"));
}

void TestSseRoutes::deleteIs204AndEndsTheSession()
{
    const QString id = createSession(m_alice);
    const ApiReply removed = m_api->send("DELETE", "/sessions/" + id, m_alice);
    QCOMPARE(removed.status, 204);
    QVERIFY(removed.body.isEmpty());
    const ApiReply after = m_api->send("GET", "/sessions/" + id, m_alice);
    QCOMPARE(after.status, 200);
    QCOMPARE(after.json().value("state").toString(), QStringLiteral("terminated"));
    QCOMPARE(m_api->send("DELETE", "/sessions/" + id, m_alice).status, 204); // idempotent
}

void TestSseRoutes::userSeesAnotherUsersSessionAsNotFound()
{
    const QString id = createSession(m_alice);
    for (const QByteArray &method : {QByteArray("GET"), QByteArray("PUT"), QByteArray("DELETE")}) {
        const ApiReply reply = m_api->send(method, "/sessions/" + id, m_bob, method == "PUT" ? "{}" : "");
        QCOMPARE(reply.status, 404);
        QCOMPARE(reply.errorCode(), QStringLiteral("not_found"));
    }
    QCOMPARE(m_api->send("GET", "/sessions/" + id, m_alice).json().value("state").toString(), QStringLiteral("active"));
}

void TestSseRoutes::listPagesThroughEverySessionOnce()
{
    QSet<QString> created;
    for (int i = 0; i < 5; ++i)
        created << createSession(m_service, R"({"user_id":"carol"})");
    QSet<QString> seen;
    QString cursor;
    int pages = 0;
    do {
        QString path = "/sessions?user_id=carol&limit=2";
        if (!cursor.isEmpty())
            path += "&cursor=" + QUrl::toPercentEncoding(cursor);
        const ApiReply page = m_api->send("GET", path, m_admin);
        QCOMPARE(page.status, 200);
        const QJsonArray sessions = page.json().value("sessions").toArray();
        QVERIFY(sessions.size() <= 2);
        for (const QJsonValue &session : sessions) {
            QCOMPARE(session.toObject().value("user_id").toString(), QStringLiteral("carol"));
            QVERIFY2(!seen.contains(session.toObject().value("session_id").toString()), "a session on two pages");
            seen << session.toObject().value("session_id").toString();
        }
        const QJsonValue next = page.json().value("next_cursor");
        QVERIFY(next.isNull() || next.isString());
        cursor = next.toString();
        QVERIFY(++pages <= 4);
    } while (!cursor.isEmpty());
    QCOMPARE(seen, created);
}

void TestSseRoutes::listFiltersByState()
{
    const QString idle = createSession(m_service, R"({"user_id":"erin"})");
    createSession(m_service, R"({"user_id":"erin"})");
    QCOMPARE(m_api->send("PUT", "/sessions/" + idle, m_admin, R"({"state":"idle"})").status, 200);
    const ApiReply page = m_api->send("GET", "/sessions?user_id=erin&state=idle", m_admin);
    QCOMPARE(page.status, 200);
    const QJsonArray sessions = page.json().value("sessions").toArray();
    QCOMPARE(sessions.size(), 1);
    QCOMPARE(sessions.first().toObject().value("session_id").toString(), idle);
}

void TestSseRoutes::userListHoldsOnlyOwnSessions()
{
    createSession(m_bob);
    const ApiReply page = m_api->send("GET", "/sessions?limit=500", m_alice);
    QCOMPARE(page.status, 200);
    const QJsonArray sessions = page.json().value("sessions").toArray();
    QVERIFY(!sessions.isEmpty());
    for (const QJsonValue &session : sessions)
        QCOMPARE(session.toObject().value("user_id").toString(), QStringLiteral("alice"));
}

void TestSseRoutes::listRejectsBadLimitAndState()
{
    for (const char *query : {"limit=0", "limit=501", "limit=abc", "limit=-1", "state=sleepy", "colour=red"}) {
        const ApiReply reply = m_api->send("GET", QStringLiteral("/sessions?") + QLatin1String(query), m_admin);
        QVERIFY2(reply.status == 400, query);
        QCOMPARE(reply.errorCode(), QStringLiteral("bad_request"));
    }
}

void TestSseRoutes::requestIsAnsweredByTheBackend()
{
    const QString id = createSession(m_alice);
    const ApiReply reply = m_api->send("POST", "/sessions/" + id + "/request", m_alice, R"({"type":"positions"})");
    QVERIFY2(reply.status == 200, reply.body.constData());
    QVERIFY(!reply.json().isEmpty());

    const ApiReply notAnObject = m_api->send("POST", "/sessions/" + id + "/request", m_alice, "[1]");
    QCOMPARE(notAnObject.status, 400);
    QCOMPARE(notAnObject.errorCode(), QStringLiteral("bad_request"));
}

void TestSseRoutes::requestWithoutBackendIs503WithRetryAfter()
{
    RuntimeProcess degraded;
    degraded.addSetting("disabled_plugins", "exchange-sim");
    QVERIFY2(degraded.start(), degraded.output().constData());
    ApiClient api(degraded.url("/"));
    const QString token = degraded.token("alice");
    const QString id = api.send("POST", "/sessions", token, "{}").json().value("session_id").toString();
    const ApiReply reply = api.send("POST", "/sessions/" + id + "/request", token, R"({"type":"positions"})");
    QCOMPARE(reply.status, 503);
    QCOMPARE(reply.errorCode(), QStringLiteral("unavailable"));
    QCOMPARE(reply.header("retry-after"), QByteArray("1"));
    QCOMPARE(degraded.stop(), 0);
}

void TestSseRoutes::publishIsForServicesAndAnswers202WithEventId()
{
    const QString id = createSession(m_alice);
    const QByteArray event = R"({"type":"app.note","data":{"text":"hi"}})";
    const ApiReply published = m_api->send("POST", "/sessions/" + id + "/events", m_service, event);
    QCOMPARE(published.status, 202);
    QVERIFY(QRegularExpression("^\\d+-\\d+$").match(published.json().value("id").toString()).hasMatch());

    const ApiReply asOwner = m_api->send("POST", "/sessions/" + id + "/events", m_alice, event);
    QCOMPARE(asOwner.status, 403);
    QCOMPARE(asOwner.errorCode(), QStringLiteral("permission_denied"));

    const ApiReply unknown = m_api->send("POST", "/sessions/AAAAAAAAAAAAAAAAAAAAAA/events", m_service, event);
    QCOMPARE(unknown.status, 404);

    QCOMPARE(m_api->send("DELETE", "/sessions/" + id, m_alice).status, 204);
    const ApiReply ended = m_api->send("POST", "/sessions/" + id + "/events", m_admin, event);
    QCOMPARE(ended.status, 409);
    QCOMPARE(ended.errorCode(), QStringLiteral("illegal_transition"));
}

void TestSseRoutes::missingCredentialsAre401WithChallenge()
{
    const ApiReply reply = m_api->send("GET", "/sessions");
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.errorCode(), QStringLiteral("unauthenticated"));
    QCOMPARE(reply.header("www-authenticate"), QByteArray("Bearer"));
}

QTEST_GUILESS_MAIN(TestSseRoutes)
#include "tst_sse_routes.moc"
