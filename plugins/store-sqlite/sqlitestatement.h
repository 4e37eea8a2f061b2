#pragma once

#include <sm/result.h>

#include <QByteArray>
#include <QString>

struct sqlite3;
struct sqlite3_stmt;

namespace smsqlite {

// One prepared statement on the SQLite connection underneath QtSql's QSQLITE driver,
// used through SQLite's own API: binding and reading columns without QVariant, QSqlField
// and their allocations costs a fraction of going through QSqlQuery, and these
// statements run once per session write.
//
// Parameters are numbered from 1 as in SQL's "?NNN"; columns from 0. A row read by
// step() stays valid until the next step(), reset() or finish().
class SqliteStatement {
public:
    static sm::Result<SqliteStatement> prepare(sqlite3 *database, const QString &sql);

    SqliteStatement(SqliteStatement &&other) noexcept;
    SqliteStatement &operator=(SqliteStatement &&other) noexcept;
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;
    ~SqliteStatement();

    // Text, never NULL: a null QString is stored as "" for the NOT NULL columns.
    void bindText(int parameter, const QString &value);
    // UTF-8 text, e.g. a JSON document.
    void bindUtf8(int parameter, const QByteArray &value);
    void bindBlob(int parameter, const QByteArray &value);
    void bindInt64(int parameter, qint64 value);
    void bindNull(int parameter);

    // Runs the statement up to its next row: true when a row is ready to read, false
    // when the statement is done.
    sm::Result<bool> step();
    // Rows changed by the last INSERT, UPDATE or DELETE that ran to its end.
    int changes() const;
    // Ends the run so that it holds no lock, and forgets the bound values.
    void finish();

    bool isNull(int column) const;
    qint64 int64(int column) const;
    QString text(int column) const;
    QByteArray bytes(int column) const;
    // The column's UTF-8 text without a copy; valid only until the next step().
    QByteArray utf8View(int column) const;

private:
    SqliteStatement(sqlite3 *database, sqlite3_stmt *statement, QString sql);

    sqlite3 *m_database = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    QString m_sql;
};

} // namespace smsqlite
