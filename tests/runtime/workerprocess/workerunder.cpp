#include "workerunder.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

WorkerUnder::WorkerUnder(QStringList extraArguments)
{
    m_arguments << QStringLiteral("worker") << QStringLiteral("--listen") << QStringLiteral("127.0.0.1:0")
                << QStringLiteral("--backend") << QStringLiteral("exchange-sim") << QStringLiteral("--plugin-path")
                << QFileInfo(QStringLiteral(EXCHANGE_SIM_PLUGIN_PATH)).absolutePath() << extraArguments;
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

WorkerUnder::~WorkerUnder()
{
    if (m_process.state() != QProcess::NotRunning)
        killHard();
}

bool WorkerUnder::start(int timeoutMs)
{
    m_process.start(QStringLiteral(SM_RUNTIME_BINARY), m_arguments);
    if (!m_process.waitForStarted(timeoutMs))
        return false;
    QDeadlineTimer deadline(timeoutMs);
    qsizetype scanned = 0;
    while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
        m_process.waitForReadyRead(100);
        m_output += m_process.readAll();
        qsizetype newline;
        while ((newline = m_output.indexOf('\n', scanned)) >= 0) {
            const QJsonObject line = QJsonDocument::fromJson(m_output.mid(scanned, newline - scanned)).object();
            scanned = newline + 1;
            if (line.value("component").toString() == QLatin1String("worker")
                && line.value("message").toString() == QLatin1String("listening")) {
                m_port = quint16(line.value("port").toInt());
                return m_port != 0 && line.value("pid").toInteger() == m_process.processId();
            }
        }
    }
    return false;
}

QByteArray WorkerUnder::output()
{
    m_output += m_process.readAll();
    return m_output;
}

void WorkerUnder::killHard()
{
    m_process.kill();
    m_process.waitForFinished(5000);
    output();
}

int WorkerUnder::stop()
{
    m_process.terminate();
    if (!m_process.waitForFinished(15000)) {
        killHard();
        return -1;
    }
    output();
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}
