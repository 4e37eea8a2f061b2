#include "app/commandline.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    // Qt's glib event dispatcher is quadratic in the number of sockets (thousands of SSE
    // clients); it must be ruled out before QCoreApplication exists.
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("session-manager"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SM_VERSION));
    return sm::CommandLine::exec(QCoreApplication::arguments());
}
