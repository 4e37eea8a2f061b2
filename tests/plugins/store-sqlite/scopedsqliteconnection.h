#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QVariant>

// A raw QSQLITE connection for looking at (or preparing) a database file behind the
// store's back; removed again when it goes out of scope.
class ScopedSqliteConnection {
public:
    explicit ScopedSqliteConnection(const QString &path);
    ~ScopedSqliteConnection();
    ScopedSqliteConnection(const ScopedSqliteConnection &) = delete;
    ScopedSqliteConnection &operator=(const ScopedSqliteConnection &) = delete;

    bool isOpen() const;
    // Runs `sql`; on failure records a QTest failure and answers false.
    bool exec(const QString &sql);
    // The first column of the first row of `sql`, invalid when there is none.
    QVariant scalar(const QString &sql);

private:
    QString m_name;
    QSqlDatabase m_database;
};
