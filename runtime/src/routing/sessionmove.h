#pragma once

#include <QString>

namespace sm {

// One session that must change worker after the set of live workers changed.
// `to` is empty when no worker is left (the session is then unplaced).
struct SessionMove {
    QString sessionId;
    QString from;
    QString to;
};

} // namespace sm
