#include "hellobackend.h"

#include <QJsonDocument>

namespace hello {

HelloBackend::HelloBackend(QString greeting, sm::BackendEventSink *sink)
    : m_greeting(std::move(greeting)), m_sink(sink)
{
}

sm::Result<QJsonObject> HelloBackend::handle(const QJsonObject &request)
{
    const QString type = request.value(QLatin1String("type")).toString();
    if (type != QLatin1String("echo")) {
        return sm::makeError(
            sm::ErrorCode::BadRequest,
            QStringLiteral("unknown request type \"%1\" (hello answers \"echo\")").arg(type));
    }
    ++m_count;
    m_sink->emitEvent("hello.echo", {{QStringLiteral("count"), m_count}, {QStringLiteral("echo"), request}});
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("echo")},
                       {QStringLiteral("greeting"), m_greeting},
                       {QStringLiteral("count"), m_count},
                       {QStringLiteral("echo"), request}};
}

QByteArray HelloBackend::snapshot() const
{
    return QJsonDocument(QJsonObject{{QStringLiteral("count"), m_count}}).toJson(QJsonDocument::Compact);
}

sm::Result<void> HelloBackend::restore(const QByteArray &snapshot)
{
    const QJsonValue count = QJsonDocument::fromJson(snapshot).object().value(QLatin1String("count"));
    if (!count.isDouble() || count.toInteger(-1) < 0) {
        return sm::makeError(sm::ErrorCode::BadRequest,
                             QStringLiteral("hello snapshot must be {\"count\": <non-negative integer>}"));
    }
    m_count = count.toInteger();
    return {};
}

} // namespace hello
