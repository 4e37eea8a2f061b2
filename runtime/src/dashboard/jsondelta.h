#pragma once

#include <QJsonObject>

namespace sm {

// The compact difference between two dashboard states, two levels deep: a top-level
// value that changed is sent whole unless both sides are objects, in which case only
// their changed members are sent (a removed member as null). apply() is what the page
// does with it (dashboard/src/state.js mirrors it).
class JsonDelta {
public:
    static QJsonObject between(const QJsonObject &before, const QJsonObject &after);
    static void apply(QJsonObject &state, const QJsonObject &delta);
};

} // namespace sm
