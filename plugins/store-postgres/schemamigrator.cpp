#include "schemamigrator.h"

#include "postgresconnection.h"

#include <QSqlQuery>

#include <algorithm>
#include <array>

namespace smpg {

namespace {

struct Migration {
    int version;
    const char *description;
    const char *sql;
};

// Append only: a released migration never changes, a new schema is a new entry.
constexpr std::array kMigrations{
    Migration{1, "sessions table and indexes", R"sql(
CREATE FUNCTION sm_session_deadline(absolute_expires_at timestamptz, last_activity timestamptz,
                                    idle_timeout_secs bigint)
RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN idle_timeout_secs > 0 AND last_activity IS NOT NULL
                THEN least(absolute_expires_at, last_activity + idle_timeout_secs * interval '1 second')
                ELSE absolute_expires_at END
$$;
CREATE TABLE sessions (
    id text PRIMARY KEY,
    user_id text NOT NULL,
    state text NOT NULL CHECK (state IN ('active', 'idle', 'terminated', 'expired')),
    version bigint NOT NULL,
    created_at timestamptz NOT NULL,
    last_updated timestamptz NOT NULL,
    last_activity timestamptz,
    absolute_expires_at timestamptz,
    idle_timeout_secs bigint NOT NULL DEFAULT 0,
    expires_at timestamptz GENERATED ALWAYS AS
        (sm_session_deadline(absolute_expires_at, last_activity, idle_timeout_secs)) STORED,
    metadata jsonb NOT NULL DEFAULT '{}',
    context jsonb NOT NULL DEFAULT '{}',
    worker text NOT NULL DEFAULT '',
    token_hash bytea
);
CREATE INDEX sessions_listing ON sessions (created_at, id);
CREATE INDEX sessions_by_user ON sessions (user_id, created_at, id);
CREATE INDEX sessions_by_state ON sessions (state, created_at, id);
CREATE INDEX sessions_due ON sessions (expires_at) WHERE state IN ('active', 'idle');
CREATE INDEX sessions_final ON sessions (last_updated) WHERE state IN ('terminated', 'expired');
)sql"},
    // Every write of a session's version (and every insert and delete) tells the other
    // runtimes sharing the database; touches only move last_activity and stay quiet.
    Migration{2, "change notifications", R"sql(
CREATE FUNCTION sm_notify_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed sessions := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
    PERFORM pg_notify('sm_session_changes',
                      json_build_object('id', changed.id, 'version', changed.version)::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER sessions_inserted_or_deleted AFTER INSERT OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sm_notify_session_change();
CREATE TRIGGER sessions_updated AFTER UPDATE ON sessions
    FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version)
    EXECUTE FUNCTION sm_notify_session_change();
)sql"},
    // Cheaper writes. One notification per statement (a JSON array of [id, version] pairs,
    // several for a statement whose changes exceed a payload) instead of a PL/pgSQL call and a
    // pg_notify per row. Updates that leave the state alone touch no indexed column, so
    // PostgreSQL can apply them in place (HOT, room left by the fill factor) without new
    // index entries: the purge index moves from last_updated to ended_at, which is only set
    // for final sessions. Inserts (always active) skip the state index, which keeps only
    // the states a listing cannot find quickly through sessions_listing.
    Migration{3, "statement-level notifications, HOT updates", R"sql(
DROP TRIGGER sessions_inserted_or_deleted ON sessions;
DROP TRIGGER sessions_updated ON sessions;
DROP FUNCTION sm_notify_session_change();
-- Sends `entries` ([id, version] JSON texts) in payloads below the 8,000-byte limit: runs
-- of entries up to 3,900 bytes share one, a longer entry goes alone (as a row trigger sent it).
CREATE FUNCTION sm_notify_in_chunks(entries text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sm_session_changes', '[' || string_agg(entry, ',') || ']')
    FROM (SELECT entry,
                 CASE WHEN octet_length(entry) > 3900 THEN -n
                      ELSE sum(octet_length(entry) + 1) OVER (ORDER BY n) / 3900 END AS chunk
          FROM unnest(entries) WITH ORDINALITY AS e(entry, n)) AS numbered
    GROUP BY chunk;
END
$$;
CREATE FUNCTION sm_notify_session_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sm_notify_in_chunks(array(SELECT json_build_array(id, version)::text FROM changed));
    RETURN NULL;
END
$$;
CREATE FUNCTION sm_notify_session_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sm_notify_in_chunks(array(
        SELECT json_build_array(n.id, n.version)::text FROM changed AS n JOIN previous AS o ON o.id = n.id
        WHERE o.version IS DISTINCT FROM n.version));
    RETURN NULL;
END
$$;
CREATE TRIGGER sessions_inserted AFTER INSERT ON sessions REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION sm_notify_session_changes();
CREATE TRIGGER sessions_deleted AFTER DELETE ON sessions REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION sm_notify_session_changes();
CREATE TRIGGER sessions_updated AFTER UPDATE ON sessions REFERENCING OLD TABLE AS previous NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION sm_notify_session_updates();
ALTER TABLE sessions SET (fillfactor = 80);
ALTER TABLE sessions ADD COLUMN ended_at timestamptz GENERATED ALWAYS AS
    (CASE WHEN state IN ('terminated', 'expired') THEN last_updated END) STORED;
DROP INDEX sessions_final;
CREATE INDEX sessions_final ON sessions (ended_at) WHERE ended_at IS NOT NULL;
DROP INDEX sessions_by_state;
CREATE INDEX sessions_by_state ON sessions (state, created_at, id) WHERE state <> 'active';
)sql"},
};

// Key of the session-level advisory lock held while migrating ("SMPGMIGR").
constexpr qint64 kMigrationLockKey = 0x534d50474d494752;

sm::Result<int> currentVersion(PostgresConnection &connection)
{
    auto exists = connection.exec(QStringLiteral("SELECT to_regclass('schema_version') IS NOT NULL"));
    if (!exists)
        return exists.error();
    if (exists->next() && !exists->value(0).toBool()) {
        auto created = connection.exec(QStringLiteral(
            "CREATE TABLE schema_version ("
            " version integer PRIMARY KEY,"
            " description text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"));
        if (!created)
            return created.error();
    }
    auto query = connection.exec(QStringLiteral("SELECT coalesce(max(version), 0) FROM schema_version"));
    if (!query)
        return query.error();
    query->next();
    return query->value(0).toInt();
}

sm::Result<void> apply(PostgresConnection &connection, const Migration &migration)
{
    if (auto begun = connection.begin(); !begun)
        return begun;
    auto changed = connection.exec(QString::fromUtf8(migration.sql));
    if (changed) {
        changed = connection.exec(
            QStringLiteral("INSERT INTO schema_version (version, description) VALUES (?, ?)"),
            {migration.version, QString::fromUtf8(migration.description)});
    }
    if (!changed) {
        connection.rollback();
        return sm::makeError(changed.error().code,
                             QStringLiteral("schema migration %1 (%2) failed: %3")
                                 .arg(migration.version)
                                 .arg(QString::fromUtf8(migration.description), changed.error().message));
    }
    return connection.commit();
}

sm::Result<int> migrateLocked(PostgresConnection &connection, int targetVersion)
{
    auto current = currentVersion(connection);
    if (!current)
        return current;
    if (current.value() > SchemaMigrator::latestVersion())
        return sm::makeError(
            sm::ErrorCode::Internal,
            QStringLiteral("database %1 has schema version %2, newer than the %3 this store-postgres "
                           "plugin knows; upgrade the plugin (the database is left untouched)")
                .arg(connection.config().describe())
                .arg(current.value())
                .arg(SchemaMigrator::latestVersion()));
    for (const Migration &migration : kMigrations) {
        if (migration.version <= current.value() || migration.version > targetVersion)
            continue;
        if (auto applied = apply(connection, migration); !applied)
            return applied.error();
    }
    return std::max(current.value(), std::min(targetVersion, SchemaMigrator::latestVersion()));
}

} // namespace

int SchemaMigrator::latestVersion()
{
    return kMigrations.back().version;
}

sm::Result<int> SchemaMigrator::migrate(PostgresConnection &connection, int targetVersion)
{
    auto locked = connection.exec(QStringLiteral("SELECT pg_advisory_lock(?)"), {kMigrationLockKey});
    if (!locked)
        return locked.error();
    auto migrated = migrateLocked(connection, targetVersion);
    // Unlock even after a failure; a broken connection has released the lock anyway.
    (void)connection.exec(QStringLiteral("SELECT pg_advisory_unlock(?)"), {kMigrationLockKey});
    return migrated;
}

} // namespace smpg
