#include "clientaddressresolver.h"

#include <sm/http.h>

#include <QJsonArray>
#include <QStringList>

namespace sse {

namespace {
// IPv4 peers of a dual-stack socket arrive as ::ffff:a.b.c.d; compare them as IPv4.
QHostAddress normalized(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}

// One `for=` value of Forwarded or one X-Forwarded-For entry: `1.2.3.4`, `1.2.3.4:80`,
// `"[2001:db8::1]:4711"` or `2001:db8::1`. Null for obfuscated names ("unknown", "_x").
QHostAddress parseNode(QByteArray node)
{
    node = node.trimmed();
    if (node.size() >= 2 && node.startsWith('"') && node.endsWith('"'))
        node = node.mid(1, node.size() - 2);
    if (node.startsWith('[')) {
        const qsizetype close = node.indexOf(']');
        node = close > 0 ? node.mid(1, close - 1) : QByteArray();
    } else if (node.count(':') == 1) {
        node.truncate(node.indexOf(':'));
    }
    QHostAddress address;
    if (!address.setAddress(QString::fromLatin1(node)))
        return {};
    return normalized(address);
}

// All values of a header sent several times, joined as one list (RFC 9110 5.3).
QByteArray joinedHeader(const sm::HttpRequest &request, QByteArrayView name)
{
    QByteArray joined;
    for (const auto &[key, value] : request.headers) {
        if (key == name)
            joined += (joined.isEmpty() ? QByteArray() : QByteArray(",")) + value;
    }
    return joined;
}

QStringList settingEntries(const QJsonValue &setting)
{
    QStringList entries;
    if (setting.isArray()) {
        for (const QJsonValue &entry : setting.toArray())
            entries << entry.toString();
    } else if (setting.isString()) {
        entries = setting.toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
    }
    return entries;
}
} // namespace

/*!
 * Reads the `trusted_proxies` setting. An entry that is neither an address nor a subnet
 * is refused with its text, so a typo fails the plugin's configure() visibly.
 */
sm::Result<ClientAddressResolver> ClientAddressResolver::fromSetting(const QJsonValue &trustedProxies)
{
    ClientAddressResolver resolver;
    for (const QString &raw : settingEntries(trustedProxies)) {
        const QString entry = raw.trimmed();
        if (entry.isEmpty())
            continue;
        Subnet subnet = entry.contains(QLatin1Char('/')) ? QHostAddress::parseSubnet(entry)
                                                         : Subnet(QHostAddress(entry), -1);
        if (subnet.first.isNull()) {
            return sm::makeError(sm::ErrorCode::BadRequest,
                                 QStringLiteral("trusted_proxies: '%1' is not an address or subnet")
                                     .arg(entry));
        }
        subnet.first = normalized(subnet.first);
        if (subnet.second < 0)
            subnet.second = subnet.first.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128;
        resolver.m_trusted << subnet;
    }
    return resolver;
}

/*!
 * The client address for \a request: the TCP peer, or, when the peer is a trusted
 * proxy, the right-most address of the forwarding chain that is not a trusted proxy.
 */
QHostAddress ClientAddressResolver::clientAddress(const sm::HttpRequest &request) const
{
    QHostAddress client = normalized(request.peerAddress);
    if (!isTrusted(client))
        return client;
    const QList<QHostAddress> chain = forwardedChain(request);
    for (auto it = chain.crbegin(); it != chain.crend(); ++it) {
        if (it->isNull())
            break; // an obfuscated hop: nothing before it can be attributed
        client = *it;
        if (!isTrusted(client))
            break;
    }
    return client;
}

bool ClientAddressResolver::isTrusted(const QHostAddress &address) const
{
    for (const Subnet &subnet : m_trusted) {
        if (address.isInSubnet(subnet))
            return true;
    }
    return false;
}

// The forwarding chain from the original client to the proxy nearest us. Forwarded wins
// over X-Forwarded-For when both are present (it is the standard one).
QList<QHostAddress> ClientAddressResolver::forwardedChain(const sm::HttpRequest &request) const
{
    QList<QHostAddress> chain;
    const QByteArray forwarded = joinedHeader(request, "forwarded");
    if (!forwarded.isEmpty()) {
        for (const QByteArray &element : forwarded.split(',')) {
            for (const QByteArray &pair : element.split(';')) {
                const QByteArray trimmed = pair.trimmed();
                if (trimmed.toLower().startsWith("for="))
                    chain << parseNode(trimmed.mid(4));
            }
        }
        return chain;
    }
    const QByteArray forwardedFor = joinedHeader(request, "x-forwarded-for");
    if (!forwardedFor.isEmpty()) {
        for (const QByteArray &node : forwardedFor.split(','))
            chain << parseNode(node);
    }
    return chain;
}

} // namespace sse
