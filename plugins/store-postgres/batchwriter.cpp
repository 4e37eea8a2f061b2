#include "batchwriter.h"

#include "postgresconnection.h"
#include "sessionrowcodec.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlQuery>

namespace smpg {

namespace {

using Results = QList<sm::Result<sm::Session>>;
using Kind = sm::StoreWrite::Kind;

QString json(const QByteArray &document)
{
    return QString::fromUtf8(document);
}

QByteArray idsJson(const QList<const sm::StoreWrite *> &writes)
{
    QJsonArray ids;
    for (const sm::StoreWrite *write : writes)
        ids.append(write->session.id);
    return QJsonDocument(ids).toJson(QJsonDocument::Compact);
}

// The timestamptz of the epoch milliseconds in column `column` of the batch rows `x`.
QString timestampFromMs(const char *column)
{
    return QStringLiteral("'epoch'::timestamptz + x.%1 * interval '1 millisecond'").arg(QLatin1String(column));
}

QString modifyStatement(Kind kind)
{
    const QString source = QStringLiteral("json_to_recordset(?::json) AS x(%1)")
                               .arg(SessionRowCodec::recordDefinition(kind));
    const QString returning = SessionRowCodec::columns(QStringLiteral("s."));
    switch (kind) {
    case Kind::Update:
        // The version check is the optimistic lock: a concurrent writer makes it miss.
        return QStringLiteral(
                   "UPDATE sessions AS s SET state = x.state, metadata = coalesce(x.metadata, '{}'),"
                   " context = coalesce(x.context, '{}'), worker = coalesce(x.worker, ''),"
                   " last_updated = coalesce(%3, now()), version = s.version + 1"
                   " FROM %1 WHERE s.id = x.id AND s.version = x.expected_version RETURNING %2")
            .arg(source, returning, timestampFromMs("last_updated_ms"));
    case Kind::Touch:
        return QStringLiteral("UPDATE sessions AS s SET last_activity = %3"
                              " FROM %1 WHERE s.id = x.id RETURNING %2")
            .arg(source, returning, timestampFromMs("last_activity_ms"));
    case Kind::Delete:
        return QStringLiteral("DELETE FROM sessions AS s USING %1 WHERE s.id = x.id RETURNING %2")
            .arg(source, returning);
    case Kind::Insert:
        break;
    }
    return {};
}

// One row per element of the arrays SessionRowCodec::insertArrays() binds. No ON CONFLICT:
// its speculative insertion costs an extra index probe and WAL record per row, for ids
// that are random and all but never taken. A taken id fails the statement instead, and
// the batch is then applied write by write (see write()), where it fails that write alone.
QString insertStatement()
{
    QStringList arrays;
    QStringList names;
    for (const auto &[name, type] : SessionRowCodec::insertArrayColumns()) {
        arrays.append(QStringLiteral("?::") + type);
        names.append(name);
    }
    return QStringLiteral(
               "INSERT INTO sessions (id, user_id, state, version, created_at, last_updated,"
               " last_activity, absolute_expires_at, idle_timeout_secs, metadata, context, worker, token_hash)"
               " SELECT x.id, x.user_id, x.state, x.version, %1, %2, %3, %4, x.idle_timeout_secs,"
               " x.metadata, x.context, x.worker, x.token_hash FROM unnest(%5) AS x(%6)")
        .arg(timestampFromMs("created_ms"), timestampFromMs("last_updated_ms"),
             timestampFromMs("last_activity_ms"), timestampFromMs("absolute_expires_ms"),
             arrays.join(QStringLiteral(", ")), names.join(QStringLiteral(", ")));
}

sm::Error notFound(const QString &id)
{
    return sm::makeError(sm::ErrorCode::NotFound, QStringLiteral("session %1 not found").arg(id));
}

} // namespace

Results BatchWriter::write(const QList<sm::StoreWrite> &writes)
{
    Results results(writes.size(), sm::makeError(sm::ErrorCode::Internal, QStringLiteral("not applied")));
    const QList<Run> runs = splitIntoRuns(writes, results);
    if (runs.size() == 1) {
        // One statement is atomic and durable on its own: no BEGIN, SAVEPOINT and COMMIT
        // round trips for the common batch of same-kind writes.
        auto outcome = execute(writes, runs.first());
        if (outcome) {
            for (qsizetype i = 0; i < runs.first().size(); ++i)
                results[runs.first().at(i)] = outcome->at(i);
            return results;
        }
        if (m_connection.isBroken())
            return Results(writes.size(), outcome.error());
        // Nothing was applied: a lone write failed on its own; otherwise find the write
        // at fault in a transaction.
        if (runs.first().size() == 1) {
            results[runs.first().first()] = outcome.error();
            return results;
        }
    }
    return runs.isEmpty() ? results : writeInTransaction(writes, runs, results);
}

Results BatchWriter::writeInTransaction(const QList<sm::StoreWrite> &writes, const QList<Run> &runs,
                                        Results results)
{
    if (auto begun = m_connection.begin(); !begun)
        return Results(writes.size(), begun.error());
    for (const Run &run : runs) {
        if (auto applied = applyRun(writes, run, results); !applied) {
            m_connection.rollback();
            return Results(writes.size(), applied.error());
        }
    }
    if (auto committed = m_connection.commit(); !committed) {
        // The outcome of a COMMIT that failed on the wire is unknown: never report it ok.
        for (auto &result : results) {
            if (result.ok())
                result = committed.error();
        }
    }
    return results;
}

QList<BatchWriter::Run> BatchWriter::splitIntoRuns(const QList<sm::StoreWrite> &writes, Results &results)
{
    QList<Run> runs;
    QSet<QString> idsInRun;
    for (qsizetype i = 0; i < writes.size(); ++i) {
        const sm::StoreWrite &write = writes.at(i);
        if (write.session.id.isEmpty()) {
            results[i] = sm::makeError(sm::ErrorCode::BadRequest, QStringLiteral("session id is empty"));
            continue;
        }
        if (runs.isEmpty() || write.kind != writes.at(runs.last().first()).kind
            || idsInRun.contains(write.session.id)) {
            runs.append(Run{});
            idsInRun.clear();
        }
        runs.last().append(i);
        idsInRun.insert(write.session.id);
    }
    return runs;
}

sm::Result<void> BatchWriter::applyRun(const QList<sm::StoreWrite> &writes, const Run &run,
                                       Results &results)
{
    if (auto saved = savepoint("SAVEPOINT batch_run"); !saved)
        return saved;
    auto outcome = execute(writes, run);
    if (outcome) {
        for (qsizetype i = 0; i < run.size(); ++i)
            results[run.at(i)] = outcome->at(i);
        return {};
    }
    if (m_connection.isBroken())
        return outcome.error();
    if (auto undone = savepoint("ROLLBACK TO SAVEPOINT batch_run"); !undone)
        return undone;
    if (run.size() == 1) {
        results[run.first()] = outcome.error();
        return {};
    }
    // Some write made the whole statement fail (e.g. a value PostgreSQL rejects): find it
    // by applying the writes one at a time.
    for (qsizetype index : run) {
        if (auto applied = applyRun(writes, Run{index}, results); !applied)
            return applied;
    }
    return {};
}

sm::Result<Results> BatchWriter::execute(const QList<sm::StoreWrite> &writes, const Run &run)
{
    QList<const sm::StoreWrite *> selected;
    selected.reserve(run.size());
    for (qsizetype index : run)
        selected.append(&writes.at(index));
    const Kind kind = selected.first()->kind;
    return kind == Kind::Insert ? insert(selected) : modify(kind, selected);
}

sm::Result<Results> BatchWriter::insert(const QList<const sm::StoreWrite *> &run)
{
    static const QString sql = insertStatement();
    auto query = m_connection.executePrepared(sql, SessionRowCodec::insertArrays(run));
    if (!query && query.error().code == sm::ErrorCode::AlreadyExists && run.size() == 1)
        return sm::makeError(sm::ErrorCode::AlreadyExists,
                             QStringLiteral("session %1 already exists").arg(run.first()->session.id));
    if (!query)
        return query.error();
    Results results;
    results.reserve(run.size());
    for (const sm::StoreWrite *write : run)
        results.append(write->session);
    return results;
}

sm::Result<Results> BatchWriter::modify(Kind kind, const QList<const sm::StoreWrite *> &run)
{
    static const QString statements[] = {{}, modifyStatement(Kind::Update), modifyStatement(Kind::Touch),
                                         modifyStatement(Kind::Delete)};
    static_assert(int(Kind::Insert) == 0 && int(Kind::Update) == 1 && int(Kind::Touch) == 2
                  && int(Kind::Delete) == 3);
    auto query = m_connection.executePrepared(statements[int(kind)], {json(SessionRowCodec::batchJson(run))});
    if (!query)
        return query.error();
    QHash<QString, sm::Session> changed;
    while (query.value()->next()) {
        sm::Session session = SessionRowCodec::readSession(*query.value());
        changed.insert(session.id, std::move(session));
    }
    if (changed.size() == run.size() || kind != Kind::Update) {
        Results results;
        for (const sm::StoreWrite *write : run) {
            auto found = changed.constFind(write->session.id);
            results.append(found != changed.cend() ? sm::Result<sm::Session>(*found)
                                                   : notFound(write->session.id));
        }
        return results;
    }
    return explainMissing(run, changed);
}

sm::Result<Results> BatchWriter::explainMissing(const QList<const sm::StoreWrite *> &run,
                                                const QHash<QString, sm::Session> &changed)
{
    auto query = m_connection.exec(
        QStringLiteral("SELECT id, version FROM sessions"
                       " WHERE id IN (SELECT json_array_elements_text(?::json))"),
        {json(idsJson(run))});
    if (!query)
        return query.error();
    QHash<QString, qint64> storedVersions;
    while (query->next())
        storedVersions.insert(query->value(0).toString(), query->value(1).toLongLong());
    Results results;
    for (const sm::StoreWrite *write : run) {
        const QString &id = write->session.id;
        if (auto found = changed.constFind(id); found != changed.cend())
            results.append(*found);
        else if (storedVersions.contains(id))
            results.append(sm::makeError(
                sm::ErrorCode::VersionConflict,
                QStringLiteral("session %1 is at version %2, not %3")
                    .arg(id)
                    .arg(storedVersions.value(id))
                    .arg(write->expectedVersion)));
        else
            results.append(notFound(id));
    }
    return results;
}

sm::Result<void> BatchWriter::savepoint(const char *command)
{
    auto done = m_connection.exec(QString::fromLatin1(command));
    if (!done)
        return done.error();
    return {};
}

} // namespace smpg
