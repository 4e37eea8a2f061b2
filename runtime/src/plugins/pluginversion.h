#pragma once

#include <QString>

#include <compare>
#include <optional>

namespace sm {

// A plugin version "major.minor.patch" as written in plugin metadata.
struct PluginVersion {
    int major = 0;
    int minor = 0;
    int patch = 0;

    static std::optional<PluginVersion> parse(const QString &text);
    QString toString() const;

    friend auto operator<=>(const PluginVersion &, const PluginVersion &) = default;
};

} // namespace sm
