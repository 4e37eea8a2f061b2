#include "testhostcontext.h"

#include <QtGlobal>

TestHostContext::TestHostContext(QString pluginId, QJsonObject settings)
    : m_pluginId(std::move(pluginId)), m_settings(std::move(settings))
{
}

QString TestHostContext::pluginId() const
{
    return m_pluginId;
}

QJsonValue TestHostContext::setting(const QString &key) const
{
    // Null, not undefined, for an unknown key: what the host promises.
    return m_settings.contains(key) ? m_settings.value(key) : QJsonValue();
}

sm::Logger &TestHostContext::logger()
{
    return m_logger;
}

const RecordingLogger &TestHostContext::recordedLog() const
{
    return m_logger;
}

sm::Metrics &TestHostContext::metrics()
{
    qFatal("TestHostContext: plugin %s asked for metrics, which this test does not provide",
           qPrintable(m_pluginId));
}

sm::SessionService &TestHostContext::sessions()
{
    qFatal("TestHostContext: plugin %s asked for the session service", qPrintable(m_pluginId));
}

sm::StreamHub &TestHostContext::streams()
{
    qFatal("TestHostContext: plugin %s asked for the stream hub", qPrintable(m_pluginId));
}

sm::HttpRouter &TestHostContext::http()
{
    qFatal("TestHostContext: plugin %s asked for the HTTP router", qPrintable(m_pluginId));
}

const sm::Authenticator &TestHostContext::auth() const
{
    qFatal("TestHostContext: plugin %s asked for the authenticator", qPrintable(m_pluginId));
}
