#pragma once

#include <QStringView>
#include <QtGlobal>

namespace sm {

// A 64-bit hash that is the same in every build and on every platform (unlike std::hash
// or qHash, which may be seeded per process): placements computed by two runtimes, or by
// one runtime before and after a restart, agree. Defined over the UTF-16 code units.
quint64 stableHash(QStringView text);

// The murmur3 64-bit finalizer: spreads every input bit over the whole word.
quint64 mixBits(quint64 value);

} // namespace sm
