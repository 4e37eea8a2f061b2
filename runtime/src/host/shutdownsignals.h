#pragma once

#include <QObject>

class QSocketNotifier;

namespace sm {

// Turns SIGTERM and SIGINT into a Qt signal on the host thread (self-pipe: the handler
// only writes a byte, which is async-signal-safe). SIGPIPE is ignored. Create it for the
// serving phase only: once it is destroyed, SIGTERM and SIGINT are ignored for the rest
// of the teardown.
class ShutdownSignals : public QObject {
    Q_OBJECT
public:
    explicit ShutdownSignals(QObject *parent = nullptr);
    ~ShutdownSignals() override;

signals:
    void shutdownRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace sm
