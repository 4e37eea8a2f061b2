#pragma once

#include "sqlitestatement.h"

#include <sm/result.h>

#include <QHash>
#include <QString>

#include <memory>

namespace smsqlite {

// Prepared statements of one connection, prepared on first use and reused afterwards:
// parsing and planning SQL costs more than executing a single-row insert.
class StatementCache {
public:
    explicit StatementCache(sqlite3 *database);

    // The statement for `sql`, finished and ready for binding; owned by the cache.
    // Destroy the cache before the connection is closed.
    sm::Result<SqliteStatement *> prepared(const QString &sql);

private:
    sqlite3 *m_database = nullptr;
    QHash<QString, std::shared_ptr<SqliteStatement>> m_statements;
};

} // namespace smsqlite
