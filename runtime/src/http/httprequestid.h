#pragma once

#include <QByteArray>
#include <QString>

namespace sm {

// The id a request is logged and answered under: the client's X-Request-Id when it
// is 1..64 characters of [A-Za-z0-9._-] (safe to echo and log), else a fresh random one.
QString requestIdFor(const QByteArray &clientValue);

} // namespace sm
