#pragma once

#include <sm/session.h>
#include <sm/store.h>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVariantList>

#include <utility>

class QSqlQuery;

namespace smpg {

// Translates between sm::Session and the `sessions` table: the column list every SELECT and
// RETURNING uses, the row reader that matches it, and the parameters that carry a whole
// batch of writes into one set-based statement (arrays for unnest, JSON for
// json_to_recordset).
class SessionRowCodec {
public:
    // The columns readSession() expects, prefixed with `alias` ("s." or empty).
    static QString columns(const QString &alias = {});
    static sm::Session readSession(const QSqlQuery &query);

    // A batch of inserts as one PostgreSQL array literal per column, in the order of
    // insertArrayColumns(), for unnest(): the server reads the rows without a JSON document
    // to parse, and no per-row JSON object is built here. Timestamps are epoch milliseconds.
    static QVariantList insertArrays(const QList<const sm::StoreWrite *> &writes);
    // (name, array type) of each array insertArrays() fills, e.g. ("created_ms", "bigint[]").
    static const QList<std::pair<QString, QString>> &insertArrayColumns();

    // Rows for json_to_recordset: the changed fields plus the expected version for
    // updates, the new activity time for touches, the id for deletes. Timestamps are
    // epoch milliseconds.
    static QByteArray batchJson(const QList<const sm::StoreWrite *> &writes);
    // The json_to_recordset column definition that matches batchJson() for `kind` (not
    // Insert).
    static QString recordDefinition(sm::StoreWrite::Kind kind);

    // UTC with milliseconds, the form PostgreSQL parses as timestamptz; null if invalid.
    static QString timestampText(const QDateTime &time);
};

} // namespace smpg
