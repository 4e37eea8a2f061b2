#pragma once

#include <sm/session.h>

#include <QDateTime>
#include <QVariant>

class QSqlQuery;

namespace smsqlite {

// How a sm::Session maps onto a row of the `sessions` table: timestamps as integer
// milliseconds since the epoch (NULL for an invalid QDateTime), JSON objects as compact
// text, the token hash as a blob.
class SessionRow {
public:
    // The stored columns in the order read() expects them, for SELECT and RETURNING.
    static const QString &columns();
    // Binds every column of `session` to the placeholders ":<column>".
    static void bind(QSqlQuery &query, const sm::Session &session);
    // Binds ":id" and the columns an update replaces: state, metadata, context, worker,
    // last_updated.
    static void bindUpdatable(QSqlQuery &query, const sm::Session &session);
    // The session in the current row of a query that selected columns().
    static sm::Session read(const QSqlQuery &query);

    static QVariant timestamp(const QDateTime &time);
    static QVariant text(const QString &value);
    static QString stateName(sm::SessionState state);
};

} // namespace smsqlite
