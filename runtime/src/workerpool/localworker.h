#pragma once

#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>

namespace sm {

class Logger;

// One local worker process: `<this executable> worker --listen 127.0.0.1:0 ...`. It dies
// with the runtime (PR_SET_PDEATHSIG), tells its port through its "listening" log line on
// stderr, and has its other log lines forwarded to the runtime's log. Never blocks.
class LocalWorker : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString program;       // the runtime's own executable
        QStringList arguments; // everything after the program
        int stopGraceMs = 2000; // SIGTERM, then SIGKILL after this
    };

    LocalWorker(QString id, Options options, Logger &logger, QObject *parent = nullptr);
    ~LocalWorker() override;

    void start();
    // SIGTERM now, SIGKILL if it has not exited after the grace period.
    void stop();
    // SIGKILL now (a hung worker).
    void kill();
    qint64 pid() const { return m_process.processId(); }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    // The worker arguments that carry this runtime's configuration (config file, plugin
    // paths, --set values) from its own command line.
    static QStringList forwardedArguments(const QStringList &runtimeArguments);

signals:
    void listening(quint16 port);
    // Exit, crash or failure to start; emitted once.
    void exited(const QString &reason);

private:
    void readStandardError();
    void handleLine(const QByteArray &line);
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onError(QProcess::ProcessError error);

    QString m_id;
    Options m_options;
    Logger &m_logger;
    QProcess m_process;
    QTimer m_killTimer;
    QByteArray m_pending;
    bool m_exitSignalled = false;
};

} // namespace sm
