#pragma once

#include <sm/session.h>

#include <QByteArray>
#include <QString>

namespace smsqlite {

class SqliteStatement;

// How a sm::Session maps onto a row of the `sessions` table: timestamps as integer
// milliseconds since the epoch (NULL for an invalid QDateTime), JSON objects as compact
// text, the token hash as a blob.
//
// Statements name their parameters by number: column c of columns() is bound to
// "?<c + 1>" (id is ?1, token_hash ?13), and a statement's own extra values start at
// kFirstFreeParameter.
class SessionRow {
public:
    enum Column { Id, UserId, State, Version, CreatedAt, LastUpdated, LastActivity, AbsoluteExpiresAt,
                  IdleTimeout, Metadata, Context, Worker, TokenHash, ColumnCount };
    static constexpr int kFirstFreeParameter = ColumnCount + 1;
    static constexpr int parameter(Column column) { return column + 1; }

    // The stored columns in the order read() expects them, for SELECT and RETURNING.
    static const QString &columns();
    // Binds every column of `session` to its parameter.
    static void bind(SqliteStatement &statement, const sm::Session &session);
    // Binds id and the columns an update replaces: state, metadata, context, worker,
    // last_updated.
    static void bindUpdatable(SqliteStatement &statement, const sm::Session &session);
    // The session in the current row of a statement that selected columns().
    static sm::Session read(const SqliteStatement &statement);

    // Binds a timestamp as milliseconds since the epoch, or NULL when it is not valid.
    static void bindTimestamp(SqliteStatement &statement, int parameter, const QDateTime &time);
    static QString stateName(sm::SessionState state);
};

} // namespace smsqlite
