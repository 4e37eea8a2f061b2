#include "scopedsqliteconnection.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <atomic>

ScopedSqliteConnection::ScopedSqliteConnection(const QString &path)
{
    static std::atomic<int> counter{0};
    m_name = QStringLiteral("test-raw-sqlite-%1").arg(++counter);
    m_database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
    m_database.setDatabaseName(path);
    m_database.open();
}

ScopedSqliteConnection::~ScopedSqliteConnection()
{
    m_database.close();
    m_database = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

bool ScopedSqliteConnection::isOpen() const
{
    return m_database.isOpen();
}

bool ScopedSqliteConnection::exec(const QString &sql)
{
    QSqlQuery query(m_database);
    if (query.exec(sql))
        return true;
    const QByteArray message = "SQL failed: " + sql.toUtf8() + ": " + query.lastError().text().toUtf8();
    QTest::qFail(message.constData(), __FILE__, __LINE__);
    return false;
}

QVariant ScopedSqliteConnection::scalar(const QString &sql)
{
    QSqlQuery query(m_database);
    if (!query.exec(sql) || !query.next())
        return {};
    return query.value(0);
}
