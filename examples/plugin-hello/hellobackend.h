#pragma once

#include <sm/backend.h>

namespace hello {

// The back-end state of one session: a count of the echoes answered so far.
//   request {"type":"echo", ...}  ->  reply {"type":"echo","greeting","count","echo":<request>}
// and an event "hello.echo" {"count","echo"} for every echo. The count is the whole
// state, so it is also the snapshot.
class HelloBackend : public sm::SessionBackend {
public:
    HelloBackend(QString greeting, sm::BackendEventSink *sink);

    sm::Result<QJsonObject> handle(const QJsonObject &request) override;
    void tick() override {}
    QByteArray snapshot() const override;
    sm::Result<void> restore(const QByteArray &snapshot) override;

private:
    QString m_greeting;
    sm::BackendEventSink *m_sink;
    qint64 m_count = 0;
};

} // namespace hello
