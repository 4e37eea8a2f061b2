#include "callinfo.h"

#include <sm/authenticator.h>

#include <grpcpp/server_context.h>

#include <atomic>

namespace smgrpc {

namespace {
constexpr qsizetype kMaxRequestIdLength = 64;

// The same rule as the HTTP listener: a client's id is kept only when it cannot
// garble a log line.
bool isSaneRequestId(const QByteArray &id)
{
    if (id.isEmpty() || id.size() > kMaxRequestIdLength)
        return false;
    for (char c : id) {
        const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '_' || c == '-';
        if (!allowed)
            return false;
    }
    return true;
}

QString generatedRequestId()
{
    static std::atomic<quint64> next{1};
    return QStringLiteral("grpc-%1").arg(next.fetch_add(1, std::memory_order_relaxed), 0, 16);
}

QByteArray metadataValue(const grpc::ServerContextBase &context, const char *name)
{
    const auto &metadata = context.client_metadata();
    const auto it = metadata.find(name);
    return it == metadata.end() ? QByteArray() : QByteArray(it->second.data(), qsizetype(it->second.size()));
}
// gRPC names peers "ipv4:1.2.3.4:5678" or "ipv6:[::1]:5678".
QString addressOf(const QString &peer)
{
    QString address = peer.section(QLatin1Char(':'), 1);
    const qsizetype portColon = address.lastIndexOf(QLatin1Char(':'));
    if (portColon > 0)
        address.truncate(portColon);
    if (address.startsWith(QLatin1Char('[')) && address.endsWith(QLatin1Char(']')))
        address = address.mid(1, address.size() - 2);
    return address;
}
} // namespace

CallInfo CallInfo::from(const grpc::ServerContextBase &context)
{
    CallInfo info;
    info.authorization = metadataValue(context, "authorization");
    const QByteArray requestId = metadataValue(context, "x-request-id");
    info.requestId = isSaneRequestId(requestId) ? QString::fromLatin1(requestId) : generatedRequestId();
    info.peer = QString::fromStdString(context.peer());
    info.clientAddress = addressOf(info.peer);
    return info;
}

sm::Result<sm::Caller> CallInfo::authenticate(const sm::Authenticator &auth) const
{
    sm::Result<sm::Caller> caller = auth.authenticate(authorization);
    if (caller)
        caller->requestId = requestId;
    return caller;
}

} // namespace smgrpc
