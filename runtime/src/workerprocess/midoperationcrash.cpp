#include "workerprocess/midoperationcrash.h"

#include "workerprocess/attachstream.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QThread>

#include <csignal>
#include <unistd.h>

namespace sm {

namespace {

constexpr int kWriteWaitMs = 5000;
// After gRPC reports the last write done, time for the bytes to leave the socket.
constexpr int kSettleMs = 100;

} // namespace

MidOperationCrash::MidOperationCrash()
    : m_triggerPath(qEnvironmentVariable("SM_TEST_CRASH_MID_OPERATION"))
{
}

void MidOperationCrash::beforeRequestEvent(bool lastOfOp, AttachStream &stream)
{
    if (lastOfOp && m_eventsSent > 0 && QFile::remove(m_triggerPath))
        crashOnceWritten(stream);
    ++m_eventsSent;
}

void MidOperationCrash::crashOnceWritten(AttachStream &stream)
{
    const QDeadlineTimer deadline(kWriteWaitMs);
    while (!stream.allWritten() && !deadline.hasExpired())
        QThread::msleep(5);
    QThread::msleep(kSettleMs);
    ::kill(::getpid(), SIGKILL);
}

} // namespace sm
