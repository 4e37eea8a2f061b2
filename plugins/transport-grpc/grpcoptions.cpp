#include "grpcoptions.h"

#include <sm/hostcontext.h>

#include <QJsonValue>

namespace smgrpc {

namespace {
// The host validates declared settings against the metadata; this re-check keeps the
// plugin safe with a host (or a test) that passes them through unchecked.
sm::Result<int> intSetting(const sm::HostContext &host, const QString &key, int fallback, int min, int max)
{
    const QJsonValue value = host.setting(key);
    if (value.isNull() || value.isUndefined())
        return fallback;
    bool ok = value.isDouble();
    int number = value.toInt();
    if (value.isString())
        number = value.toString().toInt(&ok);
    if (!ok || number < min || number > max) {
        return sm::makeError(sm::ErrorCode::BadRequest,
                             QStringLiteral("%1 must be a whole number from %2 to %3").arg(key).arg(min).arg(max));
    }
    return number;
}

QString stringSetting(const sm::HostContext &host, const QString &key, const QString &fallback = {})
{
    const QJsonValue value = host.setting(key);
    return value.isString() ? value.toString().trimmed() : fallback;
}
} // namespace

sm::Result<GrpcOptions> GrpcOptions::fromHost(const sm::HostContext &host)
{
    GrpcOptions options;
    options.listenAddress = stringSetting(host, QStringLiteral("grpc_listen"), options.listenAddress);
    if (options.listenAddress.isEmpty())
        return sm::makeError(sm::ErrorCode::BadRequest, QStringLiteral("grpc_listen must be host:port"));

    struct IntKey {
        const char *name;
        int *target;
        int min;
        int max;
    };
    const IntKey keys[] = {
        {"keepalive_time", &options.keepaliveTimeSecs, 1, 7200},
        {"keepalive_timeout", &options.keepaliveTimeoutSecs, 1, 600},
        {"max_message_bytes", &options.maxMessageBytes, 1024, 64 * 1024 * 1024},
        {"max_stream_queue", &options.maxStreamQueue, 1, 1000000},
        {"max_pending_requests", &options.maxPendingRequests, 1, 100000},
        {"ping_interval", &options.pingIntervalSecs, 1, 300},
        {"shutdown_deadline_ms", &options.shutdownDeadlineMs, 0, 600000},
    };
    for (const IntKey &key : keys) {
        auto value = intSetting(host, QString::fromLatin1(key.name), *key.target, key.min, key.max);
        if (!value)
            return value.error();
        *key.target = value.value();
    }

    options.tlsCertFile = stringSetting(host, QStringLiteral("tls_cert_file"));
    options.tlsKeyFile = stringSetting(host, QStringLiteral("tls_key_file"));
    if (options.tlsCertFile.isEmpty() != options.tlsKeyFile.isEmpty()) {
        return sm::makeError(sm::ErrorCode::BadRequest,
                             QStringLiteral("tls_cert_file and tls_key_file must be set together"));
    }
    return options;
}

} // namespace smgrpc
