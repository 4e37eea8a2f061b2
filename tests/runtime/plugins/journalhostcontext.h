#pragma once

#include <sm/hostcontext.h>
#include <sm/logger.h>

#include <QStringList>

namespace smtest {

// The host context the fixture plugins get: what a plugin logs is appended to a journal
// shared by all plugins of a test as "<plugin id>:<message>", which is how the fixtures
// report their lifecycle calls in order. The fixtures use nothing else of the host.
class JournalHostContext : public sm::HostContext, private sm::Logger {
public:
    JournalHostContext(QString pluginId, QStringList &journal)
        : m_pluginId(std::move(pluginId)), m_journal(journal)
    {
    }

    QString pluginId() const override { return m_pluginId; }
    QJsonValue setting(const QString &) const override { return {}; }
    sm::Logger &logger() override { return *this; }
    sm::Metrics &metrics() override { unused("metrics"); }
    sm::SessionService &sessions() override { unused("sessions"); }
    sm::StreamHub &streams() override { unused("streams"); }
    sm::HttpRouter &http() override { unused("http"); }
    const sm::Authenticator &auth() const override { unused("auth"); }

private:
    void log(sm::LogLevel, const QString &message, const QJsonObject &) override
    {
        m_journal.append(m_pluginId + u':' + message);
    }
    bool enabled(sm::LogLevel) const override { return true; }

    [[noreturn]] static void unused(const char *service)
    {
        qFatal("fixture plugins do not use the host's %s", service);
    }

    QString m_pluginId;
    QStringList &m_journal;
};

} // namespace smtest
