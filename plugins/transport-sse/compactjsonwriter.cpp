#include "compactjsonwriter.h"

#include <QLocale>
#include <QVariant>

#include <algorithm>
#include <cmath>

namespace sse {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void appendHexEscape(QByteArray &out, char16_t unit)
{
    const char escape[] = {'\\', 'u', kHexDigits[(unit >> 12) & 0xf], kHexDigits[(unit >> 8) & 0xf],
                           kHexDigits[(unit >> 4) & 0xf], kHexDigits[unit & 0xf]};
    out.append(escape, sizeof escape);
}

// Appends `value` zero-padded to `width` digits.
void appendDigits(char *&cursor, int value, int width)
{
    for (int i = width - 1; i >= 0; --i) {
        cursor[i] = char('0' + value % 10);
        value /= 10;
    }
    cursor += width;
}

struct CivilDate {
    int year;
    int month;
    int day;
};

// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
CivilDate civilFromDays(qint64 days)
{
    days += 719468;
    const qint64 era = (days >= 0 ? days : days - 146096) / 146097;
    const qint64 dayOfEra = days - era * 146097;
    const qint64 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 monthIndex = (5 * dayOfYear + 2) / 153;
    const int day = int(dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    const int month = int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
    return {int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), month, day};
}

} // namespace

CompactJsonWriter::CompactJsonWriter(qsizetype reserve)
{
    m_out.reserve(reserve);
}

void CompactJsonWriter::beginObject()
{
    m_out.append('{');
    m_first = true;
}

void CompactJsonWriter::endObject()
{
    m_out.append('}');
    m_first = false; // the object just closed was a value of its parent
}

void CompactJsonWriter::key(QLatin1String name)
{
    separate();
    m_out.append('"');
    m_out.append(name.data(), name.size()); // keys are plain ASCII literals
    m_out.append("\":", 2);
}

void CompactJsonWriter::separate()
{
    if (!m_first)
        m_out.append(',');
    m_first = false;
}

void CompactJsonWriter::value(QStringView text)
{
    m_out.append('"');
    writeEscaped(text);
    m_out.append('"');
}

void CompactJsonWriter::value(QLatin1String text)
{
    const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
    });
    if (!plain) {
        value(QString(text));
        return;
    }
    m_out.append('"');
    m_out.append(text.data(), text.size());
    m_out.append('"');
}

void CompactJsonWriter::value(qint64 number)
{
    m_out.append(QByteArray::number(number));
}

void CompactJsonWriter::null()
{
    m_out.append("null", 4);
}

void CompactJsonWriter::value(const QJsonValue &json)
{
    switch (json.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: null(); break;
    case QJsonValue::Bool: json.toBool() ? m_out.append("true", 4) : m_out.append("false", 5); break;
    case QJsonValue::Double: writeNumber(json); break;
    case QJsonValue::String: value(json.toString()); break;
    case QJsonValue::Array: value(json.toArray()); break;
    case QJsonValue::Object: value(json.toObject()); break;
    }
}

void CompactJsonWriter::value(const QJsonObject &object)
{
    m_out.append('{');
    bool first = true;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!first)
            m_out.append(',');
        first = false;
        value(it.key());
        m_out.append(':');
        value(it.value());
    }
    m_out.append('}');
}

void CompactJsonWriter::value(const QJsonArray &array)
{
    m_out.append('[');
    bool first = true;
    for (const QJsonValue &element : array) {
        if (!first)
            m_out.append(',');
        first = false;
        value(element);
    }
    m_out.append(']');
}

// QJsonValue keeps whole numbers parsed from JSON as integers and writes them as such;
// doubles go out in their shortest round-trip form, non-finite ones as null.
void CompactJsonWriter::writeNumber(const QJsonValue &json)
{
    const QVariant number = json.toVariant();
    if (number.typeId() == QMetaType::LongLong) {
        value(number.toLongLong());
        return;
    }
    const double d = number.toDouble();
    if (std::isfinite(d))
        m_out.append(QByteArray::number(d, 'g', QLocale::FloatingPointShortest));
    else
        null();
}

// JSON's mandatory escapes plus \u00XX for the other control characters; everything
// else as UTF-8. A lone surrogate, which UTF-8 cannot carry, is escaped as \uXXXX.
void CompactJsonWriter::writeEscaped(QStringView text)
{
    const char16_t *cursor = text.utf16();
    const char16_t *const end = cursor + text.size();
    while (cursor != end) {
        const char16_t unit = *cursor++;
        if (unit >= 0x20 && unit < 0x80 && unit != '"' && unit != '\\') {
            m_out.append(char(unit));
            continue;
        }
        switch (unit) {
        case '"': m_out.append("\\\"", 2); continue;
        case '\\': m_out.append("\\\\", 2); continue;
        case '\b': m_out.append("\\b", 2); continue;
        case '\f': m_out.append("\\f", 2); continue;
        case '\n': m_out.append("\\n", 2); continue;
        case '\r': m_out.append("\\r", 2); continue;
        case '\t': m_out.append("\\t", 2); continue;
        default: break;
        }
        char32_t codePoint = unit;
        if (unit < 0x20) {
            appendHexEscape(m_out, unit);
            continue;
        }
        if (QChar::isHighSurrogate(unit) && cursor != end && QChar::isLowSurrogate(*cursor)) {
            codePoint = QChar::surrogateToUcs4(unit, *cursor++);
        } else if (QChar::isSurrogate(unit)) {
            appendHexEscape(m_out, unit);
            continue;
        }
        if (codePoint < 0x800) {
            m_out.append(char(0xc0 | (codePoint >> 6)));
        } else if (codePoint < 0x10000) {
            m_out.append(char(0xe0 | (codePoint >> 12)));
            m_out.append(char(0x80 | ((codePoint >> 6) & 0x3f)));
        } else {
            m_out.append(char(0xf0 | (codePoint >> 18)));
            m_out.append(char(0x80 | ((codePoint >> 12) & 0x3f)));
            m_out.append(char(0x80 | ((codePoint >> 6) & 0x3f)));
        }
        m_out.append(char(0x80 | (codePoint & 0x3f)));
    }
}

void CompactJsonWriter::timestamp(const QDateTime &time)
{
    if (!time.isValid()) {
        value(QStringView());
        return;
    }
    const qint64 msecs = time.toMSecsSinceEpoch();
    const qint64 msPerDay = 86400000;
    const qint64 days = msecs >= 0 ? msecs / msPerDay : (msecs - msPerDay + 1) / msPerDay;
    const qint64 msOfDay = msecs - days * msPerDay;
    const CivilDate date = civilFromDays(days);
    if (date.year < 0 || date.year > 9999) { // Qt's own form for years ISO 8601 cannot hold in four digits
        value(time.toUTC().toString(Qt::ISODateWithMs));
        return;
    }
    char text[26]; // "yyyy-MM-ddTHH:mm:ss.zzzZ" with its quotes
    char *cursor = text;
    *cursor++ = '"';
    appendDigits(cursor, date.year, 4);
    *cursor++ = '-';
    appendDigits(cursor, date.month, 2);
    *cursor++ = '-';
    appendDigits(cursor, date.day, 2);
    *cursor++ = 'T';
    appendDigits(cursor, int(msOfDay / 3600000), 2);
    *cursor++ = ':';
    appendDigits(cursor, int(msOfDay / 60000 % 60), 2);
    *cursor++ = ':';
    appendDigits(cursor, int(msOfDay / 1000 % 60), 2);
    *cursor++ = '.';
    appendDigits(cursor, int(msOfDay % 1000), 3);
    *cursor++ = 'Z';
    *cursor++ = '"';
    m_out.append(text, cursor - text);
}

} // namespace sse
