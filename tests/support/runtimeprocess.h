#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

// The built session-manager binary as a real process for end-to-end tests: its own
// temporary data directory, an ephemeral HTTP port read back from its log, and no
// workers (back-ends in process) unless the test says otherwise.
class RuntimeProcess {
public:
    RuntimeProcess();
    ~RuntimeProcess();

    void addSetting(const QString &key, const QString &value); // --set key=value
    void addArguments(const QStringList &args);
    void setEnvironment(const QProcessEnvironment &env);

    // Starts `session-manager run` and waits until its HTTP listener is up. On failure
    // returns false; output() tells why.
    bool start(int timeoutMs = 20000);
    quint16 httpPort() const { return m_port; }
    qint64 processId() const { return m_process.processId(); }
    QUrl url(const QString &pathAndQuery) const;
    QString dataDir() const { return m_dataDir.path(); }
    // A JWT from `session-manager token` with the same data dir and settings.
    QString token(const QString &user, const QString &role = QStringLiteral("user")) const;
    QByteArray output() const;
    // SIGTERM, then waits; the exit code (or -1 if it had to be killed).
    int stop();
    // Waits for the process to exit by itself (no signal); its exit code, or -1 if it
    // crashed or is still running after `timeoutMs`.
    int waitForExit(int timeoutMs);
    void kill();

    static QString binary();
    // Runs the binary once with `args` to completion: {exit code, stdout+stderr}.
    static QPair<int, QByteArray> runOnce(const QStringList &args,
                                         const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
                                         int timeoutMs = 20000);

private:
    QStringList settingArgs() const;
    void readOutput();

    QTemporaryDir m_dataDir;
    QStringList m_settings;
    QStringList m_extraArgs;
    QProcessEnvironment m_env;
    QProcess m_process;
    QByteArray m_output;
    quint16 m_port = 0;
};
