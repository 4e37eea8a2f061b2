#pragma once

#include <QByteArray>
#include <QString>

namespace sm {

// Random identifiers and secrets for sessions. Ids are 128 bits and tokens 256 bits from
// the system CSPRNG, base64url without padding. Only a token's SHA-256 is ever stored.
class SessionIds {
public:
    static QString newSessionId();
    static QString newToken();
    static QByteArray hashToken(const QString &token);
    // Compares in time independent of where the first difference is.
    static bool equalHashes(const QByteArray &a, const QByteArray &b);
    // A 64-bit seed derived from the session id, for deterministic back-ends.
    static quint64 seedFor(const QString &sessionId);
};

} // namespace sm
