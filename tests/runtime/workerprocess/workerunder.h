#pragma once

#include <QProcess>
#include <QStringList>

// A real `session-manager worker --listen 127.0.0.1:0` process with the exchange-sim
// plugin; its port is read back from the "listening" line it logs on stderr.
class WorkerUnder {
public:
    explicit WorkerUnder(QStringList extraArguments = {});
    ~WorkerUnder();

    bool start(int timeoutMs = 20000);
    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    QByteArray output();
    void killHard(); // SIGKILL, as a crash would
    // SIGTERM; the exit code, or -1 when it had to be killed or crashed.
    int stop();

private:
    QStringList m_arguments;
    QProcess m_process;
    QByteArray m_output;
    quint16 m_port = 0;
};
