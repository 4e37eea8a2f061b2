#include "http/eventloopsetup.h"

#include <QAbstractEventDispatcher>
#include <QByteArray>
#include <QCoreApplication>

namespace sm {

void preferUnixEventDispatcher()
{
    Q_ASSERT_X(!QCoreApplication::instance(), "preferUnixEventDispatcher",
               "must run before QCoreApplication is constructed");
    qputenv("QT_NO_GLIB", "1");
}

bool usesGlibEventDispatcher()
{
    const QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    return dispatcher
           && QByteArray(dispatcher->metaObject()->className()).contains("Glib");
}

} // namespace sm
