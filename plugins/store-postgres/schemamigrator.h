#pragma once

#include <sm/result.h>

namespace smpg {

class PostgresConnection;

// Brings the database schema to the version this plugin knows. Migrations are numbered,
// each applied in its own transaction and recorded in `schema_version`; an advisory lock
// serializes runtimes that start together. A database migrated by a newer plugin is
// refused rather than used with a schema this code does not understand.
class SchemaMigrator {
public:
    static int latestVersion();

    // Applies the migrations up to `targetVersion` (older schemas are made this way for
    // tests) and answers the schema version the database is at afterwards.
    static sm::Result<int> migrate(PostgresConnection &connection, int targetVersion = latestVersion());

    // The channel the schema's triggers NOTIFY on, one notification per statement with a
    // payload [["<id>", <version>], ...].
    static const char *changeChannel() { return "sm_session_changes"; }
};

} // namespace smpg
