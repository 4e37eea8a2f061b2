#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringView>

namespace smpg {

// Builds one PostgreSQL array literal ({"a","b",NULL}) element by element: a batch of rows
// travels as one array per column, which the server unnests, instead of a JSON document
// it would have to parse.
class ArrayLiteral {
public:
    explicit ArrayLiteral(qsizetype elements);

    void append(QStringView element);
    void append(qint64 number);
    void appendNull();
    // Epoch milliseconds, or NULL for an invalid time.
    void appendEpochMs(const QDateTime &time);
    // Compact JSON text.
    void appendObject(const QJsonObject &object);

    // The literal; the builder is empty afterwards.
    QString take();

private:
    QString m_text;
};

} // namespace smpg
