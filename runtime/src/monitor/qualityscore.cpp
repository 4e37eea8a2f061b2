#include "monitor/qualityscore.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace sm {

namespace {
// Each factor loses its weight linearly between "good" (no loss) and "bad" (all of it).
// The weights add up to 100.
struct Factor {
    const char *name;
    double weight;
    double good;
    double bad;
};
constexpr Factor kRtt{"rtt", 20, 100, 1000};                      // ms
constexpr Factor kBacklog{"backlog", 25, 64 * 1024, 512 * 1024};  // bytes queued
constexpr Factor kFlush{"flush", 20, 250, 5000};                  // ms to empty the queue
constexpr Factor kDrops{"drops", 20, 0, 10};                      // events lost, last minute
constexpr Factor kReconnects{"reconnects", 15, 1, 6};             // resumes, last 5 minutes

double loss(const Factor &factor, double value)
{
    const double fraction = (value - factor.good) / (factor.bad - factor.good);
    return factor.weight * std::clamp(fraction, 0.0, 1.0);
}
} // namespace

QualityScore QualityScore::compute(const Inputs &inputs)
{
    struct Loss {
        const Factor *factor;
        double points;
    };
    std::vector<Loss> losses{
        {&kRtt, inputs.rttMs < 0 ? 0.0 : loss(kRtt, inputs.rttMs)},
        {&kBacklog, loss(kBacklog, double(inputs.backlogBytes))},
        {&kFlush, loss(kFlush, inputs.flushMs)},
        {&kDrops, loss(kDrops, double(inputs.recentDrops))},
        {&kReconnects, loss(kReconnects, double(inputs.recentReconnects))},
    };
    std::stable_sort(losses.begin(), losses.end(),
                     [](const Loss &a, const Loss &b) { return a.points > b.points; });
    QualityScore result;
    double total = 0;
    for (const Loss &each : losses) {
        total += each.points;
        if (each.points >= each.factor->weight / 2)
            result.reasons << QLatin1String(each.factor->name);
    }
    result.score = int(std::lround(std::clamp(100.0 - total, 0.0, 100.0)));
    return result;
}

} // namespace sm
