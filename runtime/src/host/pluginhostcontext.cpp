#include "host/pluginhostcontext.h"

#include "config/config.h"

namespace sm {

PluginHostContext::PluginHostContext(QString pluginId, const Services &services)
    : m_pluginId(std::move(pluginId)), m_services(services), m_logger(*services.log, m_pluginId)
{
}

// A plugin's own keys are stored as "<plugin-id>.<key>"; anything else is a host key.
QJsonValue PluginHostContext::setting(const QString &key) const
{
    const QJsonValue own = m_services.config->value(m_pluginId + QLatin1Char('.') + key);
    if (!own.isNull() && !own.isUndefined())
        return own;
    if (key.contains(QLatin1Char('.')))
        return QJsonValue();
    return m_services.config->value(key);
}

} // namespace sm
