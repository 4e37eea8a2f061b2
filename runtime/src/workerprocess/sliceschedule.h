#pragma once

#include <QStringView>

namespace sm {

// Spreads periodic per-session work of a worker (ticks, snapshots) over its interval.
// Doing it for every session at the same instant made one burst per interval: the
// worker's Qt thread was busy for the whole burst and the runtime received all of it at
// once, so requests arriving then waited (the tail of the request round trip). The
// interval is cut into slices of at least kMinSliceMs; each session belongs to one slice
// (by a hash of its id, stable for the life of the process) and has its turn once per
// interval, when its slice comes.
class SliceSchedule {
public:
    static constexpr int kMinSliceMs = 5;
    static constexpr int kMaxSlices = 20;

    // `intervalMs` > 0. The slice count divides the interval, so the tick rate is exact.
    explicit SliceSchedule(int intervalMs);

    int sliceCount() const { return m_sliceCount; }
    int slicePeriodMs() const { return m_slicePeriodMs; }
    int sliceOf(QStringView sessionId) const;

    // The slice whose sessions have their turn now; call once per slice period.
    int advance();

private:
    int m_sliceCount = 1;
    int m_slicePeriodMs = 0;
    int m_current = -1;
};

} // namespace sm
