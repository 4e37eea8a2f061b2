#include "runtimeprocess.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>

RuntimeProcess::RuntimeProcess() : m_env(QProcessEnvironment::systemEnvironment())
{
    // Ephemeral ports so parallel tests never collide; no drain window so a stop is quick.
    // Tests override any of these with addSetting() (the last --set wins).
    m_settings << QStringLiteral("http_listen=127.0.0.1:0") << QStringLiteral("grpc_listen=127.0.0.1:0")
               << QStringLiteral("worker_count=0") << QStringLiteral("drain_window=0")
               << QStringLiteral("data_dir=") + m_dataDir.path();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

RuntimeProcess::~RuntimeProcess()
{
    if (m_process.state() != QProcess::NotRunning)
        stop();
}

QString RuntimeProcess::binary()
{
    return QStringLiteral(SM_RUNTIME_BINARY);
}

void RuntimeProcess::addSetting(const QString &key, const QString &value)
{
    m_settings << key + QLatin1Char('=') + value;
}

void RuntimeProcess::addArguments(const QStringList &args)
{
    m_extraArgs << args;
}

void RuntimeProcess::setEnvironment(const QProcessEnvironment &env)
{
    m_env = env;
}

QStringList RuntimeProcess::settingArgs() const
{
    QStringList args;
    for (const QString &setting : m_settings)
        args << QStringLiteral("--set") << setting;
    return args;
}

void RuntimeProcess::readOutput()
{
    m_output += m_process.readAll();
}

// The runtime logs {"component":"http","message":"listening","port":N} once its
// listener is bound; that is the readiness signal (and how port 0 is resolved).
bool RuntimeProcess::start(int timeoutMs)
{
    m_process.setProcessEnvironment(m_env);
    m_process.start(binary(), QStringList{QStringLiteral("run")} + settingArgs() + m_extraArgs);
    if (!m_process.waitForStarted(timeoutMs))
        return false;
    QDeadlineTimer deadline(timeoutMs);
    qsizetype scanned = 0;
    while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
        m_process.waitForReadyRead(100);
        readOutput();
        qsizetype newline;
        while ((newline = m_output.indexOf('\n', scanned)) >= 0) {
            const QJsonObject line = QJsonDocument::fromJson(m_output.mid(scanned, newline - scanned)).object();
            scanned = newline + 1;
            if (line.value("message").toString() == QLatin1String("listening")
                && line.value("component").toString() == QLatin1String("http")) {
                m_port = quint16(line.value("port").toInt());
                return m_port != 0;
            }
        }
    }
    readOutput();
    return false;
}

QUrl RuntimeProcess::url(const QString &pathAndQuery) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(pathAndQuery));
}

QString RuntimeProcess::token(const QString &user, const QString &role) const
{
    const QStringList args = QStringList{QStringLiteral("token"), QStringLiteral("--user"), user,
                                         QStringLiteral("--role"), role}
        + settingArgs() + m_extraArgs;
    QProcess process;
    process.setProcessEnvironment(m_env);
    process.start(binary(), args);
    process.waitForFinished(20000);
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

QByteArray RuntimeProcess::output() const
{
    return m_output;
}

int RuntimeProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return m_process.exitCode();
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(15000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
        readOutput();
        return -1;
    }
    readOutput();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

int RuntimeProcess::waitForExit(int timeoutMs)
{
    const bool exited = m_process.state() == QProcess::NotRunning || m_process.waitForFinished(timeoutMs);
    readOutput();
    if (!exited)
        return -1;
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

void RuntimeProcess::kill()
{
    m_process.kill();
    m_process.waitForFinished(5000);
    readOutput();
}

QPair<int, QByteArray> RuntimeProcess::runOnce(const QStringList &args, const QProcessEnvironment &env,
                                               int timeoutMs)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(binary(), args);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return {-1, process.readAll()};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAll()};
}
