#include "auth/apikeyring.h"

#include <QCryptographicHash>
#include <QRegularExpression>

namespace sm {

namespace {

QByteArray digestOf(QByteArrayView key)
{
    return QCryptographicHash::hash(key, QCryptographicHash::Sha256);
}

// Every byte is looked at whatever the inputs: the time taken says nothing about where
// two digests first differ.
bool equalInConstantTime(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

std::optional<Role> roleFromName(const QString &name)
{
    for (Role role : {Role::User, Role::Service, Role::Admin}) {
        if (name == QLatin1String(roleName(role)))
            return role;
    }
    return std::nullopt;
}

Error entryError(qsizetype index, const QString &problem)
{
    return makeError(ErrorCode::BadRequest,
        QStringLiteral("config key \"api_keys\": entry %1: %2").arg(index + 1).arg(problem));
}

} // namespace

/*
 * Parses the api_keys entries. Duplicate keys are refused: which role would win is
 * not something an operator should have to guess.
 */
Result<ApiKeyRing> ApiKeyRing::fromEntries(const QStringList &entries)
{
    static const QRegularExpression keyCharacters(QStringLiteral("^[A-Za-z0-9_~+/=-]+$"));
    ApiKeyRing ring;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QStringList parts = entries[i].split(u':');
        if (parts.size() < 2 || parts.size() > 3)
            return entryError(i, QStringLiteral("expected <key>:<role>[:<user>]"));
        const QString &key = parts[0];
        if (key.size() < kMinimumKeyLength || !keyCharacters.match(key).hasMatch())
            return entryError(i,
                QStringLiteral("a key needs at least %1 characters of "
                               "A-Z a-z 0-9 _ ~ + / = -")
                    .arg(kMinimumKeyLength));
        const std::optional<Role> role = roleFromName(parts[1]);
        if (!role)
            return entryError(i, QStringLiteral("role must be user, service or admin"));
        if (parts.size() == 3 && parts[2].isEmpty())
            return entryError(i, QStringLiteral("the user after the second ':' is empty"));
        Entry entry{digestOf(key.toUtf8()), Caller{}};
        for (const Entry &existing : std::as_const(ring.m_entries)) {
            if (existing.digest == entry.digest)
                return entryError(i, QStringLiteral("the same key is listed twice"));
        }
        entry.caller.role = *role;
        entry.caller.userId = parts.size() == 3
            ? parts[2]
            : QStringLiteral("apikey:") + QString::fromLatin1(entry.digest.toHex().left(6));
        ring.m_entries.append(std::move(entry));
    }
    return ring;
}

std::optional<Caller> ApiKeyRing::match(QByteArrayView presentedKey) const
{
    // Hashing first makes every comparison the same length; no early exit on a hit.
    const QByteArray presented = digestOf(presentedKey);
    const Entry *matched = nullptr;
    for (const Entry &entry : m_entries) {
        if (equalInConstantTime(entry.digest, presented))
            matched = &entry;
    }
    return matched ? std::optional<Caller>(matched->caller) : std::nullopt;
}

} // namespace sm
