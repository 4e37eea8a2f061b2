#include "privatepostgresserver.h"

#include <QFile>
#include <QProcess>
#include <QTcpServer>

namespace {

int freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace

PrivatePostgresServer::PrivatePostgresServer() : m_port(freePort())
{
    // The server runs as the postgres user when we are root: it must reach its directory.
    QFile::setPermissions(m_dir.path(), QFile::permissions(m_dir.path()) | QFile::ExeOther | QFile::ReadOther);
    m_serverDir = m_dir.filePath(QStringLiteral("pg"));
}

PrivatePostgresServer::~PrivatePostgresServer()
{
    run(QStringLiteral("stop"));
}

QProcess *PrivatePostgresServer::launch(const QString &action)
{
    auto *process = new QProcess(this);
    process->setProcessChannelMode(QProcess::ForwardedChannels);
    process->start(QStringLiteral("bash"),
                   {QStringLiteral(SM_PG_TEST_SERVER_SCRIPT), action, m_serverDir, QString::number(m_port)});
    return process;
}

bool PrivatePostgresServer::run(const QString &action)
{
    QProcess *process = launch(action);
    const bool ok = waitFinished(process) && process->exitStatus() == QProcess::NormalExit
        && process->exitCode() == 0;
    process->deleteLater();
    return ok;
}

bool waitFinished(QProcess *process, int timeoutMs)
{
    return process->state() == QProcess::NotRunning || process->waitForFinished(timeoutMs);
}
