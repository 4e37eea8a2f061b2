#pragma once

#include <sm/result.h>

#include <QSqlDatabase>

namespace sm {
class Logger;
}

namespace smsqlite {

// The database layout and how to get there from any older one. The version lives in
// the one-row table `schema_version`; migration N takes a database from version N - 1
// to N in one transaction, so a crash mid-way leaves the previous version intact.
class SqliteSchema {
public:
    // The version this code reads and writes.
    static int currentVersion();

    // Applies the missing migrations in order. Refuses (Internal) a database written by a
    // newer version; Unavailable when the database cannot be read or written.
    static sm::Result<void> migrate(QSqlDatabase &database, sm::Logger *logger);
};

} // namespace smsqlite
