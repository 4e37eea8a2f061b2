#include "clientaddressresolver.h"

#include <sm/http.h>

#include <QJsonArray>
#include <QTest>

using sse::ClientAddressResolver;

namespace {
sm::HttpRequest requestFrom(const QString &peer, const sm::HttpHeaders &headers = {})
{
    sm::HttpRequest request;
    request.peerAddress = QHostAddress(peer);
    request.headers = headers;
    return request;
}

ClientAddressResolver resolver(const QJsonValue &setting)
{
    auto made = ClientAddressResolver::fromSetting(setting);
    if (!made)
        qFatal("%s", qPrintable(made.error().message));
    return made.value();
}
} // namespace

class TestClientAddressResolver : public QObject {
    Q_OBJECT

private slots:
    void untrustedPeerHeadersAreIgnored()
    {
        const auto r = resolver(QJsonArray{"10.0.0.0/8"});
        const auto request = requestFrom("203.0.113.7", {{"x-forwarded-for", "1.2.3.4"},
                                                         {"forwarded", "for=5.6.7.8"}});
        QCOMPARE(r.clientAddress(request), QHostAddress("203.0.113.7"));
    }

    void noTrustedProxiesMeansThePeer()
    {
        const auto r = resolver(QJsonValue());
        QCOMPARE(r.clientAddress(requestFrom("127.0.0.1", {{"x-forwarded-for", "1.2.3.4"}})),
                 QHostAddress("127.0.0.1"));
    }

    void trustedPeerYieldsNearestUntrustedHop()
    {
        const auto r = resolver(QJsonArray{"10.0.0.0/8", "192.0.2.1"});
        // client (spoofed 9.9.9.9) -> 198.51.100.4 -> trusted 10.1.1.1 -> trusted peer 192.0.2.1
        const auto request = requestFrom("192.0.2.1", {{"x-forwarded-for", "9.9.9.9, 198.51.100.4, 10.1.1.1"}});
        QCOMPARE(r.clientAddress(request), QHostAddress("198.51.100.4"));
    }

    void repeatedHeadersFormOneChain()
    {
        const auto r = resolver(QJsonArray{"127.0.0.1"});
        const auto request = requestFrom("127.0.0.1", {{"x-forwarded-for", "198.51.100.4"},
                                                       {"x-forwarded-for", "127.0.0.1"}});
        QCOMPARE(r.clientAddress(request), QHostAddress("198.51.100.4"));
    }

    void forwardedWinsAndItsNodeFormsAreParsed_data()
    {
        QTest::addColumn<QByteArray>("forwarded");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << QByteArray("for=198.51.100.4") << "198.51.100.4";
        QTest::newRow("with port, quoted") << QByteArray(R"(for="198.51.100.4:8443";proto=https)") << "198.51.100.4";
        QTest::newRow("ipv6") << QByteArray(R"(For="[2001:db8::17]:4711")") << "2001:db8::17";
        QTest::newRow("two elements") << QByteArray("for=9.9.9.9, for=198.51.100.4;by=10.0.0.1") << "198.51.100.4";
    }

    void forwardedWinsAndItsNodeFormsAreParsed()
    {
        QFETCH(QByteArray, forwarded);
        QFETCH(QString, expected);
        const auto r = resolver(QStringLiteral("10.0.0.0/8"));
        const auto request = requestFrom("10.0.0.2", {{"forwarded", forwarded}, {"x-forwarded-for", "7.7.7.7"}});
        QCOMPARE(r.clientAddress(request), QHostAddress(expected));
    }

    void obfuscatedHopStopsTheWalk()
    {
        const auto r = resolver(QJsonArray{"10.0.0.0/8"});
        const auto request = requestFrom("10.0.0.2", {{"forwarded", "for=9.9.9.9, for=unknown, for=10.0.0.3"}});
        QCOMPARE(r.clientAddress(request), QHostAddress("10.0.0.3"));
    }

    void ipv4MappedPeerMatchesIpv4Subnet()
    {
        const auto r = resolver(QJsonArray{"127.0.0.0/8"});
        const auto request = requestFrom("::ffff:127.0.0.1", {{"x-forwarded-for", "198.51.100.4"}});
        QCOMPARE(r.clientAddress(request), QHostAddress("198.51.100.4"));
    }

    void invalidEntryIsRefusedByName()
    {
        auto made = ClientAddressResolver::fromSetting(QJsonArray{"10.0.0.0/8", "proxy.local"});
        QVERIFY(!made.ok());
        QVERIFY(made.error().message.contains("proxy.local"));
    }
};

QTEST_GUILESS_MAIN(TestClientAddressResolver)
#include "tst_clientaddressresolver.moc"
