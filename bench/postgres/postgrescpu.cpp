#include "postgrescpu.h"

#include <QDir>
#include <QFile>

#include <unistd.h>

double PostgresCpu::treeUs(qint64 postmaster)
{
    if (postmaster == 0)
        return 0;
    const double usPerTick = 1e6 / double(sysconf(_SC_CLK_TCK));
    double total = 0;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        // Fields after "(comm) ": state ppid ... utime (12th) stime cutime cstime (15th).
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() < 15)
            continue;
        if (entry.toLongLong() == postmaster) {
            // cutime + cstime: the backends that have exited (closed connections).
            total += double(fields.at(11).toLongLong() + fields.at(12).toLongLong() + fields.at(13).toLongLong()
                            + fields.at(14).toLongLong()) * usPerTick;
        } else if (fields.at(1).toLongLong() == postmaster) {
            total += double(fields.at(11).toLongLong() + fields.at(12).toLongLong()) * usPerTick;
        }
    }
    return total;
}
