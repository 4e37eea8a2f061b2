#pragma once

#include <QObject>
#include <QString>
#include <QTemporaryDir>

class QProcess;

// A PostgreSQL server of one test's own (tests/support/postgres-test-server.sh in a
// temporary directory, on a free port), which the test may stop and start at will without
// disturbing the server the other tests share. Stopped when destroyed.
class PrivatePostgresServer : public QObject {
    Q_OBJECT
public:
    PrivatePostgresServer();
    ~PrivatePostgresServer() override;

    int port() const { return m_port; }

    // Starts the script's "start" or "stop" without waiting; the process belongs to this
    // object and forwards the script's output.
    QProcess *launch(const QString &action);
    // Runs it to the end: false when it failed (its output says why).
    bool run(const QString &action);

private:
    QTemporaryDir m_dir;
    QString m_serverDir;
    int m_port = 0;
};

// QProcess::waitForFinished() is false for a process that has already finished.
bool waitFinished(QProcess *process, int timeoutMs = 120000);
