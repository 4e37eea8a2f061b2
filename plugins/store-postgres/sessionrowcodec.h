#pragma once

#include <sm/session.h>
#include <sm/store.h>

#include <QByteArray>
#include <QList>
#include <QString>

class QSqlQuery;

namespace smpg {

// Translates between sm::Session and the `sessions` table: the column list every SELECT and
// RETURNING uses, the row reader that matches it, and the JSON documents that carry a
// whole batch of writes into one set-based statement (json_to_recordset).
class SessionRowCodec {
public:
    // The columns readSession() expects, prefixed with `alias` ("s." or empty).
    static QString columns(const QString &alias = {});
    static sm::Session readSession(const QSqlQuery &query);

    // Rows for json_to_recordset: full sessions for inserts, the changed fields plus the
    // expected version for updates, the new activity time for touches, the id for deletes.
    static QByteArray batchJson(const QList<const sm::StoreWrite *> &writes);
    // The json_to_recordset column definition that matches batchJson() for `kind`.
    static QString recordDefinition(sm::StoreWrite::Kind kind);

    // UTC with milliseconds, the form PostgreSQL parses as timestamptz; null if invalid.
    static QString timestampText(const QDateTime &time);
};

} // namespace smpg
