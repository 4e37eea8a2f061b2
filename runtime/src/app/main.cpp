#include "app/commandline.h"
#include "http/eventloopsetup.h"

#include <QCoreApplication>

#include <sys/resource.h>

namespace {
// Every SSE client is a file descriptor: take the hard limit, not the shell's soft 1024.
void raiseFileDescriptorLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}
} // namespace

int main(int argc, char *argv[])
{
    sm::preferUnixEventDispatcher(); // before QCoreApplication exists
    raiseFileDescriptorLimit();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("session-manager"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SM_VERSION));
    return sm::CommandLine::exec(QCoreApplication::arguments());
}
