#include "arrayliteral.h"

#include <QJsonDocument>

#include <utility>

namespace smpg {

ArrayLiteral::ArrayLiteral(qsizetype elements)
{
    m_text.reserve(elements * 24 + 2);
}

void ArrayLiteral::append(QStringView element)
{
    m_text.append(m_text.isEmpty() ? u'{' : u',');
    m_text.append(u'"');
    for (const QChar c : element) {
        if (c == u'"' || c == u'\\')
            m_text.append(u'\\');
        m_text.append(c);
    }
    m_text.append(u'"');
}

void ArrayLiteral::append(qint64 number)
{
    append(QString::number(number));
}

void ArrayLiteral::appendNull()
{
    m_text.append(m_text.isEmpty() ? QStringLiteral("{NULL") : QStringLiteral(",NULL"));
}

void ArrayLiteral::appendEpochMs(const QDateTime &time)
{
    if (time.isValid())
        append(time.toMSecsSinceEpoch());
    else
        appendNull();
}

void ArrayLiteral::appendObject(const QJsonObject &object)
{
    // An empty object needs no JSON writer.
    append(object.isEmpty() ? QStringLiteral("{}")
                            : QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)));
}

QString ArrayLiteral::take()
{
    if (m_text.isEmpty())
        return QStringLiteral("{}");
    m_text.append(u'}');
    return std::exchange(m_text, QString());
}

} // namespace smpg
