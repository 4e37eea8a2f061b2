#pragma once

#include <sm/backend.h>

namespace hello {

// Creates one HelloBackend per session. Echo back-ends have no clock, so no ticks.
class HelloBackendFactory : public sm::BackendFactory {
public:
    void setGreeting(const QString &greeting) { m_greeting = greeting; }

    std::unique_ptr<sm::SessionBackend> createBackend(const QString &sessionId, quint64 seed,
                                                      sm::BackendEventSink *sink) override;
    int tickIntervalMs() const override { return 0; }

private:
    QString m_greeting = QStringLiteral("hello");
};

} // namespace hello
