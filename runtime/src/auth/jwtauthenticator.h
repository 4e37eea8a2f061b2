#pragma once

#include "auth/apikeyring.h"
#include "auth/verifiedtokencache.h"

#include <sm/authenticator.h>

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

#include <chrono>
#include <functional>
#include <memory>

namespace sm {

class Config;

// The host's Authenticator: "Bearer <jwt>" with an HS256 JWT (libjwt checks the
// signature; alg, sub, role, exp, nbf and iat are checked here), or "Bearer <api key>".
// Const; its only mutable state is the thread-safe cache of verified tokens: callable
// from any thread.
class JwtAuthenticator final : public Authenticator {
public:
    using Clock = std::function<QDateTime()>;

    // Longer credentials are refused before any decoding.
    static constexpr qsizetype kMaxTokenBytes = 8192;

    struct Options {
        QByteArray secret; // at least JwtSecret::kMinimumBytes
        std::chrono::seconds clockSkew{30}; // tolerance for exp, nbf and iat
        QStringList apiKeys; // "<key>:<role>[:<user>]"
        Clock clock; // empty: the system clock
    };

    static Result<std::unique_ptr<JwtAuthenticator>> create(Options options);
    // From a resolved Config: jwt_secret (or <data_dir>/jwt-secret, created when
    // missing), jwt_clock_skew and api_keys.
    static Result<std::unique_ptr<JwtAuthenticator>> fromConfig(
        const Config &config, Clock clock = {});

    Result<Caller> authenticate(QByteArrayView authorization) const override;

    // An HS256 JWT with sub, role, iat and exp = now + ttl (`session-manager token`).
    Result<QByteArray> issueToken(const QString &userId, Role role, std::chrono::seconds ttl) const;

private:
    JwtAuthenticator(Options options, ApiKeyRing apiKeys);

    Result<Caller> authenticateApiKey(QByteArrayView key) const;
    Result<Caller> authenticateJwt(const QByteArray &token) const;
    Result<void> verifySignature(const QByteArray &token) const;
    Result<Caller> callerFromClaims(const QJsonObject &claims) const;
    qint64 nowSecs() const;

    Options m_options;
    ApiKeyRing m_apiKeys;
    mutable VerifiedTokenCache m_verified; // thread-safe itself
};

} // namespace sm
