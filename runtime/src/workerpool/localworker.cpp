#include "workerpool/localworker.h"

#include <sm/logger.h>

#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>
#include <optional>
#include <sys/prctl.h>
#include <unistd.h>

namespace sm {

namespace {

std::optional<LogLevel> levelNamed(const QString &name)
{
    if (name == QLatin1String("debug"))
        return LogLevel::Debug;
    if (name == QLatin1String("info"))
        return LogLevel::Info;
    if (name == QLatin1String("warning"))
        return LogLevel::Warning;
    if (name == QLatin1String("error"))
        return LogLevel::Error;
    return std::nullopt;
}

} // namespace

LocalWorker::LocalWorker(QString id, Options options, Logger &logger, QObject *parent)
    : QObject(parent)
    , m_id(std::move(id))
    , m_options(std::move(options))
    , m_logger(logger)
{
    m_process.setProcessChannelMode(QProcess::ForwardedOutputChannel);
    // A runtime killed with -9 must not leave its workers behind.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    connect(&m_process, &QProcess::readyReadStandardError, this, &LocalWorker::readStandardError);
    connect(&m_process, &QProcess::finished, this, &LocalWorker::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, &LocalWorker::onError);
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, this, &LocalWorker::kill);
}

LocalWorker::~LocalWorker()
{
    m_process.disconnect(this);
    if (m_process.state() != QProcess::NotRunning) {
        // Not waited for: the kernel reaps it once we exit, and SIGKILL cannot be ignored.
        ::kill(pid_t(m_process.processId()), SIGKILL);
    }
}

void LocalWorker::start()
{
    m_process.start(m_options.program, m_options.arguments);
}

void LocalWorker::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    m_killTimer.start(m_options.stopGraceMs);
}

void LocalWorker::kill()
{
    if (m_process.state() != QProcess::NotRunning)
        m_process.kill();
}

QStringList LocalWorker::forwardedArguments(const QStringList &runtimeArguments)
{
    static const QStringList kForwarded{QStringLiteral("--config"), QStringLiteral("--plugin-path"),
                                        QStringLiteral("--set")};
    QStringList forwarded;
    for (qsizetype i = 1; i < runtimeArguments.size(); ++i) {
        const QString &argument = runtimeArguments.at(i);
        const qsizetype equals = argument.indexOf(u'=');
        const QString option = equals > 0 ? argument.left(equals) : argument;
        if (!kForwarded.contains(option))
            continue;
        if (equals > 0) {
            forwarded << option << argument.mid(equals + 1);
        } else if (i + 1 < runtimeArguments.size()) {
            forwarded << option << runtimeArguments.at(++i);
        }
    }
    return forwarded;
}

void LocalWorker::readStandardError()
{
    m_pending += m_process.readAllStandardError();
    qsizetype newline;
    while ((newline = m_pending.indexOf('\n')) >= 0) {
        handleLine(m_pending.left(newline));
        m_pending.remove(0, newline + 1);
    }
}

// The worker logs like the runtime (one JSON object per line): its "listening" line gives
// the port, anything else goes to our log with the worker's id added.
void LocalWorker::handleLine(const QByteArray &line)
{
    if (line.trimmed().isEmpty())
        return;
    QJsonObject object = QJsonDocument::fromJson(line).object();
    if (object.isEmpty()) {
        m_logger.info(QString::fromUtf8(line), {{"worker", m_id}});
        return;
    }
    if (object.value("message").toString() == QLatin1String("listening")
        && object.value("component").toString() == QLatin1String("worker")) {
        emit listening(quint16(object.value("port").toInt()));
        return;
    }
    const QString message = object.take("message").toString();
    const LogLevel level = levelNamed(object.take("level").toString()).value_or(LogLevel::Info);
    object.remove("time");
    object.insert("worker", m_id);
    object.insert("worker_component", object.take("component"));
    m_logger.log(level, message, object);
}

void LocalWorker::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_killTimer.stop();
    readStandardError();
    if (m_exitSignalled)
        return;
    m_exitSignalled = true;
    emit exited(status == QProcess::CrashExit ? QStringLiteral("killed or crashed")
                                              : QStringLiteral("exited with code %1").arg(exitCode));
}

void LocalWorker::onError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart || m_exitSignalled)
        return;
    m_exitSignalled = true;
    emit exited(QStringLiteral("failed to start: ") + m_process.errorString());
}

} // namespace sm
