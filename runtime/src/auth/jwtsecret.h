#pragma once

#include <sm/result.h>

#include <QByteArray>
#include <QString>

namespace sm {

// Where the HS256 key comes from: the jwt_secret setting, or else the file
// <data_dir>/jwt-secret, created on first run. The file holds 32 random bytes as
// base64url text and that text is the key, so copying the file's content into
// SM_JWT_SECRET on another replica gives the same key.
class JwtSecret {
public:
    static constexpr qsizetype kMinimumBytes = 32;
    static constexpr const char *kFileName = "jwt-secret";

    static Result<QByteArray> resolve(const QString &configured, const QString &dataDir);
    static Result<QByteArray> loadOrCreate(const QString &dataDir);

private:
    static Result<QByteArray> load(const QString &path);
    static Result<void> create(const QString &dataDir, const QString &path);
};

} // namespace sm
