#pragma once

#include <sm/result.h>

#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <memory>

namespace smsqlite {

// Prepared statements of one connection, prepared on first use and reused afterwards:
// parsing and planning SQL costs more than executing a single-row insert.
class StatementCache {
public:
    explicit StatementCache(QSqlDatabase database);

    // The statement for `sql`, ready for bindValue()/exec(); owned by the cache. Destroy
    // the cache before the connection is removed.
    sm::Result<QSqlQuery *> prepared(const QString &sql);

private:
    QSqlDatabase m_database;
    QHash<QString, std::shared_ptr<QSqlQuery>> m_statements;
};

} // namespace smsqlite
