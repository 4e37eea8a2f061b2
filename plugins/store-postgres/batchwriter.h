#pragma once

#include <sm/result.h>
#include <sm/session.h>
#include <sm/store.h>

#include <QHash>
#include <QList>

namespace smpg {

class PostgresConnection;

// Applies one batch of writes as a group commit: one set-based statement per run of
// same-kind writes on distinct ids (so order within the batch is kept). A batch of one run
// is that one autocommitted statement; several runs share a transaction, each run under a
// savepoint. A run that fails as a whole is retried write by write, so one bad write cannot
// fail the others. Results are reported ok only after the commit succeeded.
class BatchWriter {
public:
    explicit BatchWriter(PostgresConnection &connection) : m_connection(connection) {}

    QList<sm::Result<sm::Session>> write(const QList<sm::StoreWrite> &writes);

private:
    using Run = QList<qsizetype>; // indices into the batch

    // Runs of writes that one statement can apply; writes no statement may apply (no id)
    // get their error in `results` instead.
    static QList<Run> splitIntoRuns(const QList<sm::StoreWrite> &writes,
                                    QList<sm::Result<sm::Session>> &results);

    QList<sm::Result<sm::Session>> writeInTransaction(const QList<sm::StoreWrite> &writes,
                                                      const QList<Run> &runs,
                                                      QList<sm::Result<sm::Session>> results);
    // Applies `run` inside the open transaction; an error only when the batch must be
    // abandoned (connection lost).
    sm::Result<void> applyRun(const QList<sm::StoreWrite> &writes, const Run &run,
                  QList<sm::Result<sm::Session>> &results);
    // One statement for the whole run, answering one result per write of the run.
    sm::Result<QList<sm::Result<sm::Session>>> execute(const QList<sm::StoreWrite> &writes,
                                                       const Run &run);
    sm::Result<QList<sm::Result<sm::Session>>> insert(const QList<const sm::StoreWrite *> &run);
    sm::Result<QList<sm::Result<sm::Session>>> modify(sm::StoreWrite::Kind kind,
                                                      const QList<const sm::StoreWrite *> &run);
    // Why the writes of `run` whose rows the statement did not return failed.
    sm::Result<QList<sm::Result<sm::Session>>>
    explainMissing(const QList<const sm::StoreWrite *> &run, const QHash<QString, sm::Session> &changed);

    sm::Result<void> savepoint(const char *command);

    PostgresConnection &m_connection;
};

} // namespace smpg
