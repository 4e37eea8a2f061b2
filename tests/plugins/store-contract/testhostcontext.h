#pragma once

#include "recordinglogger.h"

#include <sm/hostcontext.h>

#include <QJsonObject>

// An sm::HostContext for loading a plugin in a test: settings from a JSON object (own
// keys and host keys alike) and a RecordingLogger. The services a store plugin has no
// business using (sessions, streams, HTTP, auth, metrics) end the test with qFatal, so
// a plugin that reaches for them is caught.
class TestHostContext : public sm::HostContext {
public:
    TestHostContext(QString pluginId, QJsonObject settings);

    QString pluginId() const override;
    QJsonValue setting(const QString &key) const override;

    sm::Logger &logger() override;
    sm::Metrics &metrics() override;
    sm::SessionService &sessions() override;
    sm::StreamHub &streams() override;
    sm::HttpRouter &http() override;
    const sm::Authenticator &auth() const override;

    const RecordingLogger &recordedLog() const;

private:
    QString m_pluginId;
    QJsonObject m_settings;
    RecordingLogger m_logger;
};
