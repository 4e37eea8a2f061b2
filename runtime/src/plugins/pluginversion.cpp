#include "pluginversion.h"

#include <QRegularExpression>

namespace sm {

/*!
    Parses "x.y.z" with three non-negative decimal numbers and nothing else, or
    returns nothing. Pre-release suffixes are not part of the format: a plugin's
    compatibility is decided by numbers alone.
*/
std::optional<PluginVersion> PluginVersion::parse(const QString &text)
{
    static const QRegularExpression format(QStringLiteral("^(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})$"));
    const QRegularExpressionMatch match = format.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    return PluginVersion{match.captured(1).toInt(), match.captured(2).toInt(), match.captured(3).toInt()};
}

QString PluginVersion::toString() const
{
    return QStringLiteral("%1.%2.%3").arg(major).arg(minor).arg(patch);
}

} // namespace sm
