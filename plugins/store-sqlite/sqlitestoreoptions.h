#pragma once

#include <QString>

namespace smsqlite {

// What a SqliteSessionStore needs to know, resolved by the plugin from its settings.
struct SqliteStoreOptions {
    QString path;                          // absolute or relative to the working directory
    QString synchronous = QStringLiteral("FULL"); // FULL or NORMAL
    int busyTimeoutMs = 5000;
    int cacheSizeKiB = 64 * 1024;
};

} // namespace smsqlite
