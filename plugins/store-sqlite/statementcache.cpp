#include "statementcache.h"

#include <QSqlError>

namespace smsqlite {

StatementCache::StatementCache(QSqlDatabase database) : m_database(std::move(database)) {}

sm::Result<QSqlQuery *> StatementCache::prepared(const QString &sql)
{
    if (const auto found = m_statements.constFind(sql); found != m_statements.constEnd())
        return found->get();
    auto query = std::make_shared<QSqlQuery>(m_database);
    // Rows are read once, in order: without this QtSql keeps a copy of every row read.
    query->setForwardOnly(true);
    if (!query->prepare(sql)) {
        return sm::makeError(sm::ErrorCode::Unavailable,
                             QStringLiteral("cannot prepare \"%1\": %2").arg(sql, query->lastError().text()));
    }
    QSqlQuery *statement = query.get();
    m_statements.insert(sql, std::move(query));
    return statement;
}

} // namespace smsqlite
