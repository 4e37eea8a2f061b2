#include "auth/jwtauthenticator.h"

#include "auth/jwtsecret.h"
#include "config/config.h"

#include <QJsonDocument>
#include <QRegularExpression>

#include <jwt.h>

#include <cstdlib>
#include <limits>

namespace sm {

namespace {

using JwtHandle = std::unique_ptr<jwt_t, decltype(&jwt_free)>;

constexpr QLatin1String kAlgorithm("HS256");

Error unauthenticated(const char *reason)
{
    return makeError(ErrorCode::Unauthenticated, QString::fromLatin1(reason));
}

bool isBase64Url(QByteArrayView part)
{
    static const QRegularExpression alphabet(QStringLiteral("^[A-Za-z0-9_-]+$"));
    return alphabet.match(QString::fromLatin1(part)).hasMatch();
}

// One JWT part as a JSON object; nullopt unless it is strict base64url of an object.
std::optional<QJsonObject> decodeJsonPart(QByteArrayView part)
{
    if (!isBase64Url(part))
        return std::nullopt;
    const auto decoded = QByteArray::fromBase64Encoding(part.toByteArray(),
        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(*decoded, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

// When claims that callerFromClaims() accepted stay acceptable: the same exp, nbf and iat
// tests, as a window of seconds since the epoch.
std::pair<double, double> validityWindow(const QJsonObject &claims, double skew)
{
    double from = -std::numeric_limits<double>::infinity();
    for (const char16_t *name : {u"nbf", u"iat"}) {
        if (claims.contains(name))
            from = std::max(from, claims.value(name).toDouble() - skew);
    }
    return {from, claims.value(u"exp").toDouble() + skew};
}

std::optional<Role> roleFromClaim(const QJsonValue &claim)
{
    if (claim.isUndefined())
        return Role::User;
    for (Role role : {Role::User, Role::Service, Role::Admin}) {
        if (claim.isString() && claim.toString() == QLatin1String(roleName(role)))
            return role;
    }
    return std::nullopt;
}

} // namespace

JwtAuthenticator::JwtAuthenticator(Options options, ApiKeyRing apiKeys)
    : m_options(std::move(options))
    , m_apiKeys(std::move(apiKeys))
{
    if (!m_options.clock)
        m_options.clock = [] { return QDateTime::currentDateTimeUtc(); };
}

/*
 * Checks the secret's length and parses the API keys; errors name the config key.
 */
Result<std::unique_ptr<JwtAuthenticator>> JwtAuthenticator::create(Options options)
{
    if (options.secret.size() < JwtSecret::kMinimumBytes)
        return makeError(ErrorCode::BadRequest,
            QStringLiteral("config key \"jwt_secret\": must be at least %1 bytes, got %2")
                .arg(JwtSecret::kMinimumBytes)
                .arg(options.secret.size()));
    if (options.clockSkew.count() < 0)
        return makeError(ErrorCode::BadRequest,
            QStringLiteral("config key \"jwt_clock_skew\": must not be negative"));
    Result<ApiKeyRing> apiKeys = ApiKeyRing::fromEntries(options.apiKeys);
    if (!apiKeys)
        return apiKeys.error();
    return std::unique_ptr<JwtAuthenticator>(
        new JwtAuthenticator(std::move(options), std::move(apiKeys).value()));
}

Result<std::unique_ptr<JwtAuthenticator>> JwtAuthenticator::fromConfig(
    const Config &config, Clock clock)
{
    Result<QByteArray> secret = JwtSecret::resolve(
        config.string(QStringLiteral("jwt_secret")), config.string(QStringLiteral("data_dir")));
    if (!secret)
        return secret.error();
    return create(Options{std::move(secret).value(),
        std::chrono::seconds(config.integer(QStringLiteral("jwt_clock_skew"))),
        config.list(QStringLiteral("api_keys")), std::move(clock)});
}

/*
 * Accepts "Bearer <credential>" (scheme without case, RFC 7235). A credential with dots
 * is a JWT, one without is an API key. Failure messages are short and never contain
 * the credential.
 */
Result<Caller> JwtAuthenticator::authenticate(QByteArrayView authorization) const
{
    const QByteArray header = authorization.toByteArray().trimmed();
    if (header.isEmpty())
        return unauthenticated("missing Authorization header");
    const qsizetype space = header.indexOf(' ');
    const QByteArray scheme = space < 0 ? header : header.left(space);
    if (scheme.compare("Bearer", Qt::CaseInsensitive) != 0)
        return unauthenticated("Authorization scheme must be Bearer");
    const QByteArray credential = space < 0 ? QByteArray() : header.mid(space + 1).trimmed();
    if (credential.isEmpty())
        return unauthenticated("missing bearer token");
    if (credential.size() > kMaxTokenBytes)
        return unauthenticated("token too long");
    return credential.contains('.') ? authenticateJwt(credential) : authenticateApiKey(credential);
}

Result<Caller> JwtAuthenticator::authenticateApiKey(QByteArrayView key) const
{
    std::optional<Caller> caller = m_apiKeys.match(key);
    if (!caller)
        return unauthenticated("unknown API key");
    return *caller;
}

/*
 * The header is checked before libjwt sees the token: only HS256 is accepted, since
 * libjwt verifies with whatever algorithm the token names. libjwt then checks the
 * signature, and the claims are read from the payload parsed here: libjwt's
 * jwt_get_grant_int() returns 0 without an error for a non-integer number, which would
 * silently turn {"nbf": 1.5e9} into "no nbf".
 */
Result<Caller> JwtAuthenticator::authenticateJwt(const QByteArray &token) const
{
    if (std::optional<Caller> cached = m_verified.find(token, double(nowSecs())))
        return *cached;
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return unauthenticated("malformed token: expected three dot-separated parts");
    const std::optional<QJsonObject> header = decodeJsonPart(parts[0]);
    if (!header)
        return unauthenticated("malformed token header");
    if (header->value(u"alg").toString() != kAlgorithm)
        return unauthenticated("unsupported token algorithm: only HS256 is accepted");
    // RFC 7515 4.1.11: extensions marked critical must be understood; none are.
    if (header->contains(u"crit"))
        return unauthenticated("unsupported critical token header");
    const std::optional<QJsonObject> claims = decodeJsonPart(parts[1]);
    if (!claims)
        return unauthenticated("malformed token payload");
    if (!isBase64Url(parts[2]))
        return unauthenticated("malformed token signature");
    if (Result<void> verified = verifySignature(token); !verified)
        return verified.error();
    Result<Caller> caller = callerFromClaims(*claims);
    if (caller) {
        const auto [from, until] = validityWindow(*claims, double(m_options.clockSkew.count()));
        m_verified.insert(token, caller.value(), from, until);
    }
    return caller;
}

Result<void> JwtAuthenticator::verifySignature(const QByteArray &token) const
{
    jwt_t *decoded = nullptr;
    const int status = jwt_decode(&decoded, token.constData(),
        reinterpret_cast<const unsigned char *>(m_options.secret.constData()),
        int(m_options.secret.size()));
    const JwtHandle handle(decoded, &jwt_free);
    if (status != 0 || !handle)
        return unauthenticated("invalid token signature");
    if (jwt_get_alg(handle.get()) != JWT_ALG_HS256)
        return unauthenticated("unsupported token algorithm: only HS256 is accepted");
    return {};
}

/*
 * sub (required), role (default user), exp (required), nbf and iat (optional). Times
 * are NumericDates; the clock skew widens every window by the same amount.
 */
Result<Caller> JwtAuthenticator::callerFromClaims(const QJsonObject &claims) const
{
    const QJsonValue subject = claims.value(u"sub");
    if (!subject.isString() || subject.toString().isEmpty())
        return unauthenticated("token has no sub claim");
    const std::optional<Role> role = roleFromClaim(claims.value(u"role"));
    if (!role)
        return unauthenticated("token role must be user, service or admin");
    for (const char16_t *name : {u"exp", u"nbf", u"iat"}) {
        if (claims.contains(name) && !claims.value(name).isDouble())
            return unauthenticated("token time claims must be numbers");
    }
    if (!claims.contains(u"exp"))
        return unauthenticated("token has no exp claim");

    const double now = double(nowSecs());
    const double skew = double(m_options.clockSkew.count());
    if (now >= claims.value(u"exp").toDouble() + skew)
        return unauthenticated("token expired");
    if (claims.contains(u"nbf") && now < claims.value(u"nbf").toDouble() - skew)
        return unauthenticated("token not yet valid");
    if (claims.contains(u"iat") && claims.value(u"iat").toDouble() > now + skew)
        return unauthenticated("token issued in the future");

    Caller caller;
    caller.userId = subject.toString();
    caller.role = *role;
    return caller;
}

/*
 * Issues a token this authenticator accepts, with libjwt, for the `token` command.
 */
Result<QByteArray> JwtAuthenticator::issueToken(
    const QString &userId, Role role, std::chrono::seconds ttl) const
{
    if (userId.isEmpty())
        return makeError(
            ErrorCode::BadRequest, QStringLiteral("token: the user must not be empty"));
    if (ttl.count() <= 0)
        return makeError(ErrorCode::BadRequest, QStringLiteral("token: the ttl must be positive"));
    jwt_t *created = nullptr;
    if (jwt_new(&created) != 0)
        return makeError(ErrorCode::Internal, QStringLiteral("token: libjwt could not allocate"));
    const JwtHandle jwt(created, &jwt_free);
    const qint64 now = nowSecs();
    const bool built = jwt_set_alg(jwt.get(), JWT_ALG_HS256,
                           reinterpret_cast<const unsigned char *>(m_options.secret.constData()),
                           int(m_options.secret.size()))
            == 0
        && jwt_add_grant(jwt.get(), "sub", userId.toUtf8().constData()) == 0
        && jwt_add_grant(jwt.get(), "role", roleName(role)) == 0
        && jwt_add_grant_int(jwt.get(), "iat", long(now)) == 0
        && jwt_add_grant_int(jwt.get(), "exp", long(now + ttl.count())) == 0;
    char *encoded = built ? jwt_encode_str(jwt.get()) : nullptr;
    if (!encoded)
        return makeError(ErrorCode::Internal, QStringLiteral("token: libjwt could not encode"));
    const QByteArray token(encoded);
    std::free(encoded);
    return token;
}

qint64 JwtAuthenticator::nowSecs() const
{
    return m_options.clock().toSecsSinceEpoch();
}

} // namespace sm
