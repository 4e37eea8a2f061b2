#include "latencysummary.h"

#include <algorithm>
#include <numeric>

namespace sm::exchange::bench {

namespace {

// Nearest-rank percentile of sorted samples.
std::uint32_t percentile(const std::vector<std::uint32_t> &sorted, double fraction)
{
    const auto rank = static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[rank];
}

} // namespace

LatencySummary LatencySummary::of(std::vector<std::uint32_t> &samples)
{
    if (samples.empty())
        return {};
    std::sort(samples.begin(), samples.end());
    LatencySummary summary;
    summary.totalNs = std::accumulate(samples.begin(), samples.end(), std::uint64_t{0});
    summary.mean = static_cast<double>(summary.totalNs) / static_cast<double>(samples.size());
    summary.p50 = percentile(samples, 0.50);
    summary.p90 = percentile(samples, 0.90);
    summary.p99 = percentile(samples, 0.99);
    summary.p999 = percentile(samples, 0.999);
    summary.max = samples.back();
    return summary;
}

} // namespace sm::exchange::bench
