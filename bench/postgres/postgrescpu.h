#pragma once

#include <QtGlobal>

// CPU time of a PostgreSQL server, for CPU-per-operation figures: on a shared 2-core box
// the database takes its share of the cores, and CPU time moves less with the load than
// the wall clock.
class PostgresCpu {
public:
    // utime + stime of `postmaster`, of every process whose parent it is (backends, WAL
    // writer, checkpointer) and of its children that have exited, in microseconds; 0 when
    // `postmaster` is 0.
    static double treeUs(qint64 postmaster);
};
