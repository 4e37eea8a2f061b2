// JwtAuthenticator: HS256 JWTs (hand-built here with QMessageAuthenticationCode, so the
// tests do not trust libjwt to build what libjwt then checks) and API keys.
#include "auth/jwtauthenticator.h"
#include "config/config.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QTemporaryDir>
#include <QTest>

using sm::ErrorCode;
using sm::JwtAuthenticator;
using sm::Role;

namespace {

constexpr qint64 kNow = 1900000000; // the fixed clock of every test
constexpr qint64 kSkew = 30;
const QByteArray kSecret = "0123456789abcdef0123456789abcdef-test";
const QByteArray kAdminKey = "admin-key-0123456789";
const QByteArray kServiceKey = "service-key-0123456789";

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray signedToken(const QJsonObject &header, const QJsonObject &claims,
    const QByteArray &key = kSecret,
    QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256)
{
    const QByteArray input = base64Url(json(header)) + '.' + base64Url(json(claims));
    return input + '.' + base64Url(QMessageAuthenticationCode::hash(input, key, algorithm));
}

QJsonObject hs256Header()
{
    return {{"alg", "HS256"}, {"typ", "JWT"}};
}

QJsonObject validClaims()
{
    return {{"sub", "alice"}, {"role", "admin"}, {"iat", kNow - 10}, {"exp", kNow + 3600}};
}

QByteArray bearer(const QByteArray &credential)
{
    return "Bearer " + credential;
}

std::unique_ptr<JwtAuthenticator> makeAuthenticator(QStringList apiKeys = {})
{
    sm::Result<std::unique_ptr<JwtAuthenticator>> created
        = JwtAuthenticator::create({kSecret, std::chrono::seconds(kSkew), std::move(apiKeys),
            [] { return QDateTime::fromSecsSinceEpoch(kNow, Qt::UTC); }});
    if (!created)
        qFatal("authenticator: %s", qPrintable(created.error().message));
    return std::move(created).value();
}

} // namespace

class TestJwtAuthenticator : public QObject {
    Q_OBJECT

private slots:
    void validTokenGivesCaller();
    void roleDefaultsToUser();
    void schemeIsCaseInsensitive();
    void issuedTokenIsAccepted();
    void issueTokenRefusesEmptyUserAndBadTtl();
    void expiredTokenIsRefused();
    void tokenNotYetValidIsRefused();
    void clockSkewBoundary_data();
    void clockSkewBoundary();
    void forgedTokenIsRefused();
    void acceptedTokenIsRefusedOnceItExpires();
    void tokenSignedWithAnotherKeyIsRefusedAfterTheGenuineOneWasAccepted();
    void tamperedPayloadIsRefused();
    void otherAlgorithmsAreRefused_data();
    void otherAlgorithmsAreRefused();
    void criticalHeaderIsRefused();
    void badSubjectIsRefused_data();
    void badSubjectIsRefused();
    void badRoleIsRefused_data();
    void badRoleIsRefused();
    void missingOrNonNumericExpIsRefused();
    void malformedCredentialsAreRefused_data();
    void malformedCredentialsAreRefused();
    void apiKeyWithUserAuthenticates();
    void apiKeyWithoutUserGetsDigestId();
    void wrongApiKeyIsRefused();
    void badApiKeyEntriesAreConfigErrors_data();
    void badApiKeyEntriesAreConfigErrors();
    void shortSecretIsAConfigError();
    void fromConfigUsesTheDataDirSecret();
};

void TestJwtAuthenticator::validTokenGivesCaller()
{
    const sm::Result<sm::Caller> caller
        = makeAuthenticator()->authenticate(bearer(signedToken(hs256Header(), validClaims())));
    QVERIFY2(caller.ok(), qPrintable(caller.ok() ? QString() : caller.error().message));
    QCOMPARE(caller->userId, QStringLiteral("alice"));
    QCOMPARE(caller->role, Role::Admin);
    QVERIFY(caller->sessionScope.isEmpty());
}

void TestJwtAuthenticator::roleDefaultsToUser()
{
    QJsonObject claims = validClaims();
    claims.remove(QStringLiteral("role"));
    const sm::Result<sm::Caller> caller
        = makeAuthenticator()->authenticate(bearer(signedToken(hs256Header(), claims)));
    QVERIFY(caller.ok());
    QCOMPARE(caller->role, Role::User);
}

void TestJwtAuthenticator::schemeIsCaseInsensitive()
{
    const QByteArray token = signedToken(hs256Header(), validClaims());
    QVERIFY(makeAuthenticator()->authenticate("bearer   " + token + "  ").ok());
    QVERIFY(makeAuthenticator()->authenticate("BEARER " + token).ok());
}

void TestJwtAuthenticator::issuedTokenIsAccepted()
{
    const auto authenticator = makeAuthenticator();
    const sm::Result<QByteArray> token = authenticator->issueToken(
        QStringLiteral("bob"), Role::Service, std::chrono::seconds(600));
    QVERIFY(token.ok());
    const sm::Result<sm::Caller> caller = authenticator->authenticate(bearer(token.value()));
    QVERIFY2(caller.ok(), qPrintable(caller.ok() ? QString() : caller.error().message));
    QCOMPARE(caller->userId, QStringLiteral("bob"));
    QCOMPARE(caller->role, Role::Service);

    const QList<QByteArray> parts = token->split('.');
    QCOMPARE(parts.size(), 3);
    const QJsonObject header
        = QJsonDocument::fromJson(QByteArray::fromBase64(parts[0], QByteArray::Base64UrlEncoding))
              .object();
    QCOMPARE(header.value(u"alg").toString(), QStringLiteral("HS256"));
    const QJsonObject claims
        = QJsonDocument::fromJson(QByteArray::fromBase64(parts[1], QByteArray::Base64UrlEncoding))
              .object();
    QCOMPARE(claims.value(u"exp").toInteger(), kNow + 600);
    QCOMPARE(claims.value(u"iat").toInteger(), kNow);
    QCOMPARE(claims.value(u"role").toString(), QStringLiteral("service"));
}

void TestJwtAuthenticator::issueTokenRefusesEmptyUserAndBadTtl()
{
    const auto authenticator = makeAuthenticator();
    QCOMPARE(
        authenticator->issueToken(QString(), Role::User, std::chrono::seconds(60)).error().code,
        ErrorCode::BadRequest);
    QCOMPARE(authenticator->issueToken(QStringLiteral("a"), Role::User, std::chrono::seconds(0))
                 .error()
                 .code,
        ErrorCode::BadRequest);
}

void TestJwtAuthenticator::expiredTokenIsRefused()
{
    QJsonObject claims = validClaims();
    claims[QStringLiteral("exp")] = kNow - 3600;
    const sm::Result<sm::Caller> caller
        = makeAuthenticator()->authenticate(bearer(signedToken(hs256Header(), claims)));
    QVERIFY(!caller.ok());
    QCOMPARE(caller.error().code, ErrorCode::Unauthenticated);
    QCOMPARE(caller.error().message, QStringLiteral("token expired"));
}

void TestJwtAuthenticator::tokenNotYetValidIsRefused()
{
    QJsonObject claims = validClaims();
    claims[QStringLiteral("nbf")] = kNow + 600;
    const sm::Result<sm::Caller> caller
        = makeAuthenticator()->authenticate(bearer(signedToken(hs256Header(), claims)));
    QVERIFY(!caller.ok());
    QCOMPARE(caller.error().code, ErrorCode::Unauthenticated);
    QCOMPARE(caller.error().message, QStringLiteral("token not yet valid"));
}

void TestJwtAuthenticator::clockSkewBoundary_data()
{
    QTest::addColumn<QString>("claim");
    QTest::addColumn<qint64>("value");
    QTest::addColumn<QString>("refusal"); // empty: accepted
    QTest::newRow("exp just inside skew") << "exp" << kNow - kSkew + 1 << "";
    QTest::newRow("exp at skew") << "exp" << kNow - kSkew << "token expired";
    QTest::newRow("nbf at skew") << "nbf" << kNow + kSkew << "";
    QTest::newRow("nbf beyond skew") << "nbf" << kNow + kSkew + 1 << "token not yet valid";
    QTest::newRow("iat at skew") << "iat" << kNow + kSkew << "";
    QTest::newRow("iat beyond skew") << "iat" << kNow + kSkew + 1 << "token issued in the future";
}

void TestJwtAuthenticator::clockSkewBoundary()
{
    QFETCH(QString, claim);
    QFETCH(qint64, value);
    QFETCH(QString, refusal);
    QJsonObject claims = validClaims();
    claims[claim] = value;
    const sm::Result<sm::Caller> caller
        = makeAuthenticator()->authenticate(bearer(signedToken(hs256Header(), claims)));
    if (refusal.isEmpty()) {
        QVERIFY2(caller.ok(), qPrintable(caller.ok() ? QString() : caller.error().message));
    } else {
        QVERIFY(!caller.ok());
        QCOMPARE(caller.error().message, refusal);
    }
}

void TestJwtAuthenticator::forgedTokenIsRefused()
{
    const QByteArray forged
        = signedToken(hs256Header(), validClaims(), "another-secret-of-at-least-32-bytes!");
    const sm::Result<sm::Caller> caller = makeAuthenticator()->authenticate(bearer(forged));
    QVERIFY(!caller.ok());
    QCOMPARE(caller.error().code, ErrorCode::Unauthenticated);
    QCOMPARE(caller.error().message, QStringLiteral("invalid token signature"));
}

// Accepted tokens are remembered (VerifiedTokenCache); time must still run out for them.
void TestJwtAuthenticator::acceptedTokenIsRefusedOnceItExpires()
{
    qint64 now = kNow;
    const auto created = JwtAuthenticator::create({kSecret, std::chrono::seconds(kSkew), {},
        [&now] { return QDateTime::fromSecsSinceEpoch(now, Qt::UTC); }});
    QVERIFY(created.ok());
    const JwtAuthenticator &auth = *created.value();
    const QByteArray header = bearer(signedToken(hs256Header(), validClaims()));
    QVERIFY(auth.authenticate(header).ok());
    now = kNow + 3600 + kSkew - 1;
    QVERIFY(auth.authenticate(header).ok());
    now = kNow + 3600 + kSkew;
    const sm::Result<sm::Caller> caller = auth.authenticate(header);
    QVERIFY(!caller.ok());
    QCOMPARE(caller.error().message, QStringLiteral("token expired"));
}

void TestJwtAuthenticator::tokenSignedWithAnotherKeyIsRefusedAfterTheGenuineOneWasAccepted()
{
    const auto auth = makeAuthenticator();
    QVERIFY(auth->authenticate(bearer(signedToken(hs256Header(), validClaims()))).ok());
    const QByteArray forged
        = signedToken(hs256Header(), validClaims(), "another-secret-of-at-least-32-bytes!");
    const sm::Result<sm::Caller> caller = auth->authenticate(bearer(forged));
    QVERIFY(!caller.ok());
    QCOMPARE(caller.error().message, QStringLiteral("invalid token signature"));
}

void TestJwtAuthenticator::tamperedPayloadIsRefused()
{
    QList<QByteArray> parts = signedToken(hs256Header(), validClaims()).split('.');
    QJsonObject escalated = validClaims();
    escalated[QStringLiteral("sub")] = QStringLiteral("mallory");
    parts[1] = base64Url(json(escalated));
    const sm::Result<sm::Caller> caller
        = makeAuthenticator()->authenticate(bearer(parts.join('.')));
    QVERIFY(!caller.ok());
    QCOMPARE(caller.error().message, QStringLiteral("invalid token signature"));
}

void TestJwtAuthenticator::otherAlgorithmsAreRefused_data()
{
    QTest::addColumn<QByteArray>("token");
    const QByteArray unsignedInput
        = base64Url(json({{"alg", "none"}, {"typ", "JWT"}})) + '.' + base64Url(json(validClaims()));
    QTest::newRow("alg none, no signature") << unsignedInput + '.';
    QTest::newRow("alg none, with a signature") << unsignedInput + '.'
            + base64Url(QMessageAuthenticationCode::hash(
                unsignedInput, kSecret, QCryptographicHash::Sha256));
    QTest::newRow("HS512 with the right key") << signedToken(
        {{"alg", "HS512"}, {"typ", "JWT"}}, validClaims(), kSecret, QCryptographicHash::Sha512);
    QTest::newRow("HS384 with the right key")
        << signedToken({{"alg", "HS384"}}, validClaims(), kSecret, QCryptographicHash::Sha384);
    QTest::newRow("lower-case hs256") << signedToken({{"alg", "hs256"}}, validClaims());
    QTest::newRow("RS256 keyed with the secret") << signedToken({{"alg", "RS256"}}, validClaims());
    QTest::newRow("no alg") << signedToken({{"typ", "JWT"}}, validClaims());
}

void TestJwtAuthenticator::otherAlgorithmsAreRefused()
{
    QFETCH(QByteArray, token);
    const sm::Result<sm::Caller> caller = makeAuthenticator()->authenticate(bearer(token));
    QVERIFY(!caller.ok());
    QCOMPARE(caller.error().code, ErrorCode::Unauthenticated);
    QCOMPARE(caller.error().message,
        QStringLiteral("unsupported token algorithm: only HS256 is accepted"));
}

void TestJwtAuthenticator::criticalHeaderIsRefused()
{
    const QByteArray token
        = signedToken({{"alg", "HS256"}, {"crit", QJsonArray{"exp"}}}, validClaims());
    const sm::Result<sm::Caller> caller = makeAuthenticator()->authenticate(bearer(token));
    QVERIFY(!caller.ok());
    QCOMPARE(caller.error().message, QStringLiteral("unsupported critical token header"));
}

void TestJwtAuthenticator::badSubjectIsRefused_data()
{
    QTest::addColumn<QJsonValue>("sub"); // undefined: claim left out
    QTest::newRow("missing") << QJsonValue(QJsonValue::Undefined);
    QTest::newRow("empty") << QJsonValue(QString());
    QTest::newRow("number") << QJsonValue(42);
    QTest::newRow("null") << QJsonValue(QJsonValue::Null);
}

void TestJwtAuthenticator::badSubjectIsRefused()
{
    QFETCH(QJsonValue, sub);
    QJsonObject claims = validClaims();
    claims.remove(QStringLiteral("sub"));
    if (!sub.isUndefined())
        claims[QStringLiteral("sub")] = sub;
    const sm::Result<sm::Caller> caller
        = makeAuthenticator()->authenticate(bearer(signedToken(hs256Header(), claims)));
    QVERIFY(!caller.ok());
    QCOMPARE(caller.error().code, ErrorCode::Unauthenticated);
    QCOMPARE(caller.error().message, QStringLiteral("token has no sub claim"));
}

void TestJwtAuthenticator::badRoleIsRefused_data()
{
    QTest::addColumn<QJsonValue>("role");
    QTest::newRow("unknown") << QJsonValue("root");
    QTest::newRow("wrong case") << QJsonValue("Admin");
    QTest::newRow("number") << QJsonValue(2);
    QTest::newRow("list") << QJsonValue(QJsonArray{"admin"});
}

void TestJwtAuthenticator::badRoleIsRefused()
{
    QFETCH(QJsonValue, role);
    QJsonObject claims = validClaims();
    claims[QStringLiteral("role")] = role;
    const sm::Result<sm::Caller> caller
        = makeAuthenticator()->authenticate(bearer(signedToken(hs256Header(), claims)));
    QVERIFY(!caller.ok());
    QCOMPARE(caller.error().code, ErrorCode::Unauthenticated);
    QCOMPARE(caller.error().message, QStringLiteral("token role must be user, service or admin"));
}

void TestJwtAuthenticator::missingOrNonNumericExpIsRefused()
{
    QJsonObject claims = validClaims();
    claims.remove(QStringLiteral("exp"));
    const auto authenticator = makeAuthenticator();
    QCOMPARE(
        authenticator->authenticate(bearer(signedToken(hs256Header(), claims))).error().message,
        QStringLiteral("token has no exp claim"));
    claims[QStringLiteral("exp")] = QString::number(kNow + 3600);
    QCOMPARE(
        authenticator->authenticate(bearer(signedToken(hs256Header(), claims))).error().message,
        QStringLiteral("token time claims must be numbers"));
    // libjwt reads a fractional nbf as 0 ("no nbf"); it must still be enforced.
    claims[QStringLiteral("exp")] = kNow + 3600;
    claims[QStringLiteral("nbf")] = double(kNow) + 600.5;
    QCOMPARE(
        authenticator->authenticate(bearer(signedToken(hs256Header(), claims))).error().message,
        QStringLiteral("token not yet valid"));
}

void TestJwtAuthenticator::malformedCredentialsAreRefused_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<QString>("message");
    const QByteArray header = base64Url(json(hs256Header()));
    const QByteArray payload = base64Url(json(validClaims()));
    QTest::newRow("empty") << QByteArray() << "missing Authorization header";
    QTest::newRow("blank") << QByteArray("   ") << "missing Authorization header";
    QTest::newRow("basic scheme") << QByteArray("Basic YWxpY2U6cHc=")
                                  << "Authorization scheme must be Bearer";
    QTest::newRow("token without scheme")
        << signedToken(hs256Header(), validClaims()) << "Authorization scheme must be Bearer";
    QTest::newRow("bearer alone") << QByteArray("Bearer") << "missing bearer token";
    QTest::newRow("bearer and spaces") << QByteArray("Bearer    ") << "missing bearer token";
    QTest::newRow("two parts") << bearer(header + '.' + payload)
                               << "malformed token: expected three dot-separated parts";
    QTest::newRow("four parts") << bearer(header + '.' + payload + ".sig.extra")
                                << "malformed token: expected three dot-separated parts";
    QTest::newRow("header not base64url")
        << bearer("!!!." + payload + ".c2ln") << "malformed token header";
    QTest::newRow("header padded")
        << bearer(header + "==." + payload + ".c2ln") << "malformed token header";
    QTest::newRow("header not JSON")
        << bearer(base64Url("not json") + '.' + payload + ".c2ln") << "malformed token header";
    QTest::newRow("header JSON array")
        << bearer(base64Url("[1]") + '.' + payload + ".c2ln") << "malformed token header";
    QTest::newRow("empty header") << bearer("." + payload + ".c2ln") << "malformed token header";
    QTest::newRow("payload not base64url")
        << bearer(header + ".%%%.c2ln") << "malformed token payload";
    QTest::newRow("payload not JSON")
        << bearer(header + '.' + base64Url("{sub") + ".c2ln") << "malformed token payload";
    QTest::newRow("empty signature")
        << bearer(header + '.' + payload + '.') << "malformed token signature";
    QTest::newRow("signature with bad characters")
        << bearer(header + '.' + payload + ".a+b/") << "malformed token signature";
    QTest::newRow("huge header") << bearer(QByteArray(JwtAuthenticator::kMaxTokenBytes, 'e') + '.'
        + payload + ".c2ln") << "token too long";
}

void TestJwtAuthenticator::malformedCredentialsAreRefused()
{
    QFETCH(QByteArray, authorization);
    QFETCH(QString, message);
    const sm::Result<sm::Caller> caller
        = makeAuthenticator({QStringLiteral("%1:admin").arg(QLatin1String(kAdminKey))})
              ->authenticate(authorization);
    QVERIFY(!caller.ok());
    QCOMPARE(caller.error().code, ErrorCode::Unauthenticated);
    QCOMPARE(caller.error().message, message);
}

void TestJwtAuthenticator::apiKeyWithUserAuthenticates()
{
    const auto authenticator
        = makeAuthenticator({QStringLiteral("%1:admin:ops-bot").arg(QLatin1String(kAdminKey)),
            QStringLiteral("%1:service").arg(QLatin1String(kServiceKey))});
    const sm::Result<sm::Caller> caller = authenticator->authenticate(bearer(kAdminKey));
    QVERIFY(caller.ok());
    QCOMPARE(caller->userId, QStringLiteral("ops-bot"));
    QCOMPARE(caller->role, Role::Admin);
}

void TestJwtAuthenticator::apiKeyWithoutUserGetsDigestId()
{
    const auto authenticator
        = makeAuthenticator({QStringLiteral("%1:service").arg(QLatin1String(kServiceKey))});
    const sm::Result<sm::Caller> caller = authenticator->authenticate(bearer(kServiceKey));
    QVERIFY(caller.ok());
    const QByteArray digest = QCryptographicHash::hash(kServiceKey, QCryptographicHash::Sha256);
    QCOMPARE(
        caller->userId, QStringLiteral("apikey:") + QString::fromLatin1(digest.toHex().left(6)));
    QCOMPARE(caller->role, Role::Service);
}

void TestJwtAuthenticator::wrongApiKeyIsRefused()
{
    const auto authenticator
        = makeAuthenticator({QStringLiteral("%1:admin").arg(QLatin1String(kAdminKey))});
    for (const QByteArray &wrong : {QByteArray("admin-key-0123456788"), kAdminKey.chopped(1),
             kAdminKey + 'x', QByteArray("x")}) {
        const sm::Result<sm::Caller> caller = authenticator->authenticate(bearer(wrong));
        QVERIFY(!caller.ok());
        QCOMPARE(caller.error().code, ErrorCode::Unauthenticated);
        QCOMPARE(caller.error().message, QStringLiteral("unknown API key"));
    }
    // With no keys configured at all, a key is just as unknown.
    QCOMPARE(makeAuthenticator()->authenticate(bearer(kAdminKey)).error().message,
        QStringLiteral("unknown API key"));
}

void TestJwtAuthenticator::badApiKeyEntriesAreConfigErrors_data()
{
    QTest::addColumn<QStringList>("entries");
    QTest::addColumn<QString>("message");
    QTest::newRow("short key") << QStringList{"short-key:admin"}
                               << "entry 1: a key needs at least 16 characters";
    QTest::newRow("dot in key") << QStringList{"abcdefgh.ijklmnopq:admin"}
                                << "entry 1: a key needs at least 16 characters";
    QTest::newRow("no role") << QStringList{"abcdefghijklmnopq"}
                             << "entry 1: expected <key>:<role>[:<user>]";
    QTest::newRow("too many parts") << QStringList{"abcdefghijklmnopq:admin:bob:x"}
                                    << "entry 1: expected <key>:<role>[:<user>]";
    QTest::newRow("unknown role") << QStringList{"abcdefghijklmnopq:root"}
                                  << "entry 1: role must be user, service or admin";
    QTest::newRow("empty user") << QStringList{"abcdefghijklmnopq:user:"}
                                << "entry 1: the user after the second ':' is empty";
    QTest::newRow("duplicate") << QStringList{"abcdefghijklmnopq:user", "abcdefghijklmnopq:admin"}
                               << "entry 2: the same key is listed twice";
}

void TestJwtAuthenticator::badApiKeyEntriesAreConfigErrors()
{
    QFETCH(QStringList, entries);
    QFETCH(QString, message);
    const auto created
        = JwtAuthenticator::create({kSecret, std::chrono::seconds(kSkew), entries, {}});
    QVERIFY(!created.ok());
    QCOMPARE(created.error().code, ErrorCode::BadRequest);
    QVERIFY2(
        created.error().message.startsWith(QStringLiteral("config key \"api_keys\": ") + message),
        qPrintable(created.error().message));
    QVERIFY(!created.error().message.contains(entries.first().section(u':', 0, 0)));
}

void TestJwtAuthenticator::shortSecretIsAConfigError()
{
    const auto created
        = JwtAuthenticator::create({QByteArray(31, 'k'), std::chrono::seconds(kSkew), {}, {}});
    QVERIFY(!created.ok());
    QCOMPARE(created.error().code, ErrorCode::BadRequest);
    QCOMPARE(created.error().message,
        QStringLiteral("config key \"jwt_secret\": must be at least 32 bytes, got 31"));
}

void TestJwtAuthenticator::fromConfigUsesTheDataDirSecret()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    sm::Config config;
    QVERIFY(
        config
            .loadSetArguments({QStringLiteral("data_dir=") + dir.filePath("data"),
                QStringLiteral("jwt_clock_skew=0"),
                QStringLiteral("api_keys=") + QLatin1String(kAdminKey) + QStringLiteral(":admin")})
            .ok());
    QVERIFY(config.resolveHost().ok());
    auto created = JwtAuthenticator::fromConfig(config);
    QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().message));
    const auto &authenticator = created.value();
    QVERIFY(QFile::exists(dir.filePath("data/jwt-secret")));
    const sm::Result<QByteArray> token
        = authenticator->issueToken(QStringLiteral("carol"), Role::User, std::chrono::seconds(60));
    QVERIFY(token.ok());
    QCOMPARE(authenticator->authenticate(bearer(token.value()))->userId, QStringLiteral("carol"));
    QCOMPARE(authenticator->authenticate(bearer(kAdminKey))->role, Role::Admin);
}

QTEST_GUILESS_MAIN(TestJwtAuthenticator)
#include "tst_jwtauthenticator.moc"
