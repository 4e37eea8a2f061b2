#include "statementcache.h"

namespace smsqlite {

StatementCache::StatementCache(sqlite3 *database) : m_database(database) {}

sm::Result<SqliteStatement *> StatementCache::prepared(const QString &sql)
{
    if (const auto found = m_statements.constFind(sql); found != m_statements.constEnd())
        return found->get();
    auto statement = SqliteStatement::prepare(m_database, sql);
    if (!statement)
        return statement.error();
    auto owned = std::make_shared<SqliteStatement>(std::move(statement.value()));
    SqliteStatement *pointer = owned.get();
    m_statements.insert(sql, std::move(owned));
    return pointer;
}

} // namespace smsqlite
