#pragma once

#include <cstdint>
#include <vector>

namespace sm::exchange::bench {

// Order statistics of per-operation latencies in nanoseconds.
struct LatencySummary {
    double mean = 0;
    std::uint32_t p50 = 0;
    std::uint32_t p90 = 0;
    std::uint32_t p99 = 0;
    std::uint32_t p999 = 0;
    std::uint32_t max = 0;
    std::uint64_t totalNs = 0;

    // Sorts `samples` in place (the caller's scratch copy); empty input gives all zeros.
    static LatencySummary of(std::vector<std::uint32_t> &samples);
};

} // namespace sm::exchange::bench
