#include "sqlitestatement.h"

#include <sqlite3.h>

#include <utility>

namespace smsqlite {

sm::Result<SqliteStatement> SqliteStatement::prepare(sqlite3 *database, const QString &sql)
{
    const QByteArray text = sql.toUtf8();
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v3(database, text.constData(), int(text.size()), SQLITE_PREPARE_PERSISTENT, &statement,
                           nullptr) != SQLITE_OK) {
        return sm::makeError(sm::ErrorCode::Unavailable, QStringLiteral("cannot prepare \"%1\": %2")
                                                             .arg(sql, QString::fromUtf8(sqlite3_errmsg(database))));
    }
    return SqliteStatement(database, statement, sql);
}

SqliteStatement::SqliteStatement(sqlite3 *database, sqlite3_stmt *statement, QString sql)
    : m_database(database), m_statement(statement), m_sql(std::move(sql))
{
}

SqliteStatement::SqliteStatement(SqliteStatement &&other) noexcept
    : m_database(other.m_database),
      m_statement(std::exchange(other.m_statement, nullptr)),
      m_sql(std::move(other.m_sql))
{
}

SqliteStatement &SqliteStatement::operator=(SqliteStatement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_statement);
        m_database = other.m_database;
        m_statement = std::exchange(other.m_statement, nullptr);
        m_sql = std::move(other.m_sql);
    }
    return *this;
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

void SqliteStatement::bindText(int parameter, const QString &value)
{
    // utf16() of a null QString is "", so NULL never reaches a NOT NULL column.
    sqlite3_bind_text16(m_statement, parameter, value.utf16(), int(value.size() * 2), SQLITE_TRANSIENT);
}

void SqliteStatement::bindUtf8(int parameter, const QByteArray &value)
{
    sqlite3_bind_text(m_statement, parameter, value.isNull() ? "" : value.constData(), int(value.size()),
                      SQLITE_TRANSIENT);
}

void SqliteStatement::bindBlob(int parameter, const QByteArray &value)
{
    // A null data pointer would bind NULL; an empty blob is what an unset value means.
    if (value.isEmpty())
        sqlite3_bind_zeroblob(m_statement, parameter, 0);
    else
        sqlite3_bind_blob(m_statement, parameter, value.constData(), int(value.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::bindInt64(int parameter, qint64 value)
{
    sqlite3_bind_int64(m_statement, parameter, value);
}

void SqliteStatement::bindNull(int parameter)
{
    sqlite3_bind_null(m_statement, parameter);
}

sm::Result<bool> SqliteStatement::step()
{
    switch (sqlite3_step(m_statement)) {
    case SQLITE_ROW: return true;
    case SQLITE_DONE: return false;
    default: break;
    }
    // The message before finish(), which would replace it.
    const QString message = QString::fromUtf8(sqlite3_errmsg(m_database));
    finish();
    return sm::makeError(sm::ErrorCode::Unavailable,
                         QStringLiteral("session store: \"%1\" failed: %2").arg(m_sql, message));
}

int SqliteStatement::changes() const
{
    return sqlite3_changes(m_database);
}

void SqliteStatement::finish()
{
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

qint64 SqliteStatement::int64(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

QString SqliteStatement::text(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return QString::fromUtf8(data, sqlite3_column_bytes(m_statement, column));
}

QByteArray SqliteStatement::bytes(int column) const
{
    const auto *data = static_cast<const char *>(sqlite3_column_blob(m_statement, column));
    return QByteArray(data, sqlite3_column_bytes(m_statement, column));
}

QByteArray SqliteStatement::utf8View(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return QByteArray::fromRawData(data, sqlite3_column_bytes(m_statement, column));
}

} // namespace smsqlite
