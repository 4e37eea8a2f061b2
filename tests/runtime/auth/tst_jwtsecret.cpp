// JwtSecret: the configured secret, or <data_dir>/jwt-secret created once with mode 0600.
#include "auth/jwtsecret.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include <thread>
#include <vector>

using sm::JwtSecret;

namespace {

int fileMode(const QString &path)
{
    struct stat info { };
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 07777);
}

} // namespace

class TestJwtSecret : public QObject {
    Q_OBJECT

private slots:
    void init();

    void secretFileIsCreatedWith0600AndReused();
    void missingDirectoriesAreCreated();
    void concurrentCreationAgreesOnOneSecret();
    void configuredSecretIsUsedAsGiven();
    void shortConfiguredSecretIsAConfigError();
    void shortSecretFileIsRefused();
    void unwritableDataDirIsAClearError();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestJwtSecret::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestJwtSecret::secretFileIsCreatedWith0600AndReused()
{
    const sm::Result<QByteArray> first = JwtSecret::loadOrCreate(m_dir->path());
    QVERIFY2(first.ok(), qPrintable(first.ok() ? QString() : first.error().message));
    const QString path = m_dir->filePath(QStringLiteral("jwt-secret"));
    QCOMPARE(fileMode(path), 0600);
    // 32 random bytes as unpadded base64url: 43 characters.
    QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]{43}$"))
                .match(QString::fromLatin1(first.value()))
                .hasMatch());
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files), QStringList{"jwt-secret"});

    const sm::Result<QByteArray> second = JwtSecret::resolve(QString(), m_dir->path());
    QVERIFY(second.ok());
    QCOMPARE(second.value(), first.value());

    QVERIFY(QFile::remove(path));
    const sm::Result<QByteArray> regenerated = JwtSecret::loadOrCreate(m_dir->path());
    QVERIFY(regenerated.ok());
    QVERIFY(regenerated.value() != first.value());
}

void TestJwtSecret::missingDirectoriesAreCreated()
{
    const QString dataDir = m_dir->filePath(QStringLiteral("a/b/data"));
    QVERIFY(JwtSecret::loadOrCreate(dataDir).ok());
    QCOMPARE(fileMode(dataDir + QStringLiteral("/jwt-secret")), 0600);
}

void TestJwtSecret::concurrentCreationAgreesOnOneSecret()
{
    constexpr int kThreads = 8;
    std::vector<QByteArray> secrets(kThreads);
    std::vector<std::thread> threads;
    const QString dataDir = m_dir->filePath(QStringLiteral("race"));
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&secrets, dataDir, i] {
            const sm::Result<QByteArray> secret = JwtSecret::loadOrCreate(dataDir);
            secrets[i] = secret.ok() ? secret.value() : QByteArray();
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    QVERIFY(!secrets.front().isEmpty());
    for (const QByteArray &secret : secrets)
        QCOMPARE(secret, secrets.front());
    QCOMPARE(QDir(dataDir).entryList(QDir::Files), QStringList{"jwt-secret"});
}

void TestJwtSecret::configuredSecretIsUsedAsGiven()
{
    const QString configured = QStringLiteral("a-configured-secret-of-32-bytes!!");
    const sm::Result<QByteArray> secret = JwtSecret::resolve(configured, m_dir->path());
    QVERIFY(secret.ok());
    QCOMPARE(secret.value(), configured.toUtf8());
    QVERIFY(!QFile::exists(m_dir->filePath(QStringLiteral("jwt-secret"))));
}

void TestJwtSecret::shortConfiguredSecretIsAConfigError()
{
    const sm::Result<QByteArray> secret
        = JwtSecret::resolve(QStringLiteral("tooshort"), m_dir->path());
    QVERIFY(!secret.ok());
    QCOMPARE(secret.error().code, sm::ErrorCode::BadRequest);
    QCOMPARE(secret.error().message,
        QStringLiteral("config key \"jwt_secret\": must be at least 32 bytes, got 8 (leave it "
                       "empty to generate one)"));
}

void TestJwtSecret::shortSecretFileIsRefused()
{
    const QString path = m_dir->filePath(QStringLiteral("jwt-secret"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("short\n");
    file.close();
    const sm::Result<QByteArray> secret = JwtSecret::loadOrCreate(m_dir->path());
    QVERIFY(!secret.ok());
    QCOMPARE(secret.error().message,
        QStringLiteral("jwt secret file %1: holds 5 bytes, at least 32 are needed").arg(path));
}

void TestJwtSecret::unwritableDataDirIsAClearError()
{
    // A regular file where a directory should be: refused even for root.
    const QString blocker = m_dir->filePath(QStringLiteral("blocker"));
    QFile file(blocker);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    const sm::Result<QByteArray> secret
        = JwtSecret::loadOrCreate(blocker + QStringLiteral("/data"));
    QVERIFY(!secret.ok());
    QCOMPARE(secret.error().message,
        QStringLiteral("jwt secret: cannot create directory %1/data").arg(blocker));
}

QTEST_GUILESS_MAIN(TestJwtSecret)
#include "tst_jwtsecret.moc"
