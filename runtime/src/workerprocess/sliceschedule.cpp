#include "workerprocess/sliceschedule.h"

#include <QHashFunctions>

#include <algorithm>

namespace sm {

namespace {
// The largest slice count up to `limit` that divides `intervalMs`.
int slicesDividing(int intervalMs, int limit)
{
    for (int slices = std::max(1, limit); slices > 1; --slices) {
        if (intervalMs % slices == 0)
            return slices;
    }
    return 1;
}
} // namespace

SliceSchedule::SliceSchedule(int intervalMs)
    : m_sliceCount(slicesDividing(intervalMs, std::min(kMaxSlices, intervalMs / kMinSliceMs)))
    , m_slicePeriodMs(intervalMs / m_sliceCount)
{
}

int SliceSchedule::sliceOf(QStringView sessionId) const
{
    return int(qHash(sessionId, 0) % uint(m_sliceCount));
}

int SliceSchedule::advance()
{
    m_current = (m_current + 1) % m_sliceCount;
    return m_current;
}

} // namespace sm
