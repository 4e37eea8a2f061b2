#include "auth/jwtsecret.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryFile>

#include <array>

#include <unistd.h>

namespace sm {

namespace {

constexpr qsizetype kGeneratedBytes = 32;

QByteArray generateSecretText()
{
    std::array<quint32, kGeneratedBytes / sizeof(quint32)> words;
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    const QByteArray bytes(reinterpret_cast<const char *>(words.data()), kGeneratedBytes);
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

} // namespace

/*
 * A configured secret is used as given but must be long enough: a short HMAC key can be
 * brute-forced from any one token. An empty one means the data directory's file.
 */
Result<QByteArray> JwtSecret::resolve(const QString &configured, const QString &dataDir)
{
    if (configured.isEmpty())
        return loadOrCreate(dataDir);
    const QByteArray secret = configured.toUtf8();
    if (secret.size() < kMinimumBytes)
        return makeError(ErrorCode::BadRequest,
            QStringLiteral("config key \"jwt_secret\": must be at least %1 bytes, "
                           "got %2 (leave it empty to generate one)")
                .arg(kMinimumBytes)
                .arg(secret.size()));
    return secret;
}

/*
 * Loads <dataDir>/jwt-secret, creating it first when it does not exist. Creation is a
 * rename of a complete 0600 temporary file that never replaces an existing one, so two
 * processes starting together end up with the same secret.
 */
Result<QByteArray> JwtSecret::loadOrCreate(const QString &dataDir)
{
    const QString path = QDir(dataDir).filePath(QLatin1String(kFileName));
    if (!QFile::exists(path)) {
        if (Result<void> created = create(dataDir, path); !created)
            return created.error();
    }
    return load(path);
}

Result<QByteArray> JwtSecret::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Internal,
            QStringLiteral("jwt secret file %1: cannot read: %2").arg(path, file.errorString()));
    const QByteArray secret = file.readAll().trimmed();
    if (secret.size() < kMinimumBytes)
        return makeError(ErrorCode::BadRequest,
            QStringLiteral("jwt secret file %1: holds %2 bytes, at least %3 are needed")
                .arg(path, QString::number(secret.size()), QString::number(kMinimumBytes)));
    return secret;
}

Result<void> JwtSecret::create(const QString &dataDir, const QString &path)
{
    if (!QDir().mkpath(dataDir))
        return makeError(ErrorCode::Internal,
            QStringLiteral("jwt secret: cannot create directory %1").arg(dataDir));
    // QTemporaryFile creates its file with mode 0600 from the start.
    QTemporaryFile file(path + QStringLiteral(".XXXXXX"));
    const QByteArray text = generateSecretText() + '\n';
    if (!file.open() || file.write(text) != text.size() || !file.flush()
        || ::fsync(file.handle()) != 0)
        return makeError(ErrorCode::Internal,
            QStringLiteral("jwt secret file %1: cannot write: %2").arg(path, file.errorString()));
    // Renamed, the file would still be auto-removed under its new name.
    if (file.rename(path)) {
        file.setAutoRemove(false);
        return {};
    }
    // Losing the race to another process is fine: its file is complete, load() reads it.
    if (!QFile::exists(path))
        return makeError(ErrorCode::Internal,
            QStringLiteral("jwt secret file %1: cannot create: %2").arg(path, file.errorString()));
    return {};
}

} // namespace sm
