// Single-book, single-core benchmark of the matching engine on a realistic add/cancel/cross
// mix (see OrderFlow). The operations are decided once against a live book and replayed
// verbatim, so timed loops contain nothing but OrderBook calls.
//
//   BM_MatchingMixThroughput  whole replay timed as one block: operations per second.
//   BM_MatchingMixLatency     every operation timed with steady_clock into a preallocated
//                             array: p50/p90/p99/p99.9/max per operation and per kind.
//                             Latencies include one clock read (clock_overhead_ns).

#include "engine/orderbook.h"
#include "latencysummary.h"
#include "orderflow.h"

#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <vector>

using namespace sm::exchange;
using namespace sm::exchange::bench;

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kFlowSeed = 20'240'601;
constexpr std::size_t kTargetOpenOrders = 5'000;
constexpr std::size_t kExpectedOrders = 16'384;
constexpr int kWarmUpOperations = 1'000'000;
constexpr std::size_t kMeasuredOperations = 4'000'000;
constexpr std::size_t kEventCapacity = 4'096;

InstrumentConfig benchInstrument()
{
    return InstrumentConfig{"BENCH", 1, 100'000, 5'000, 1'000'000};
}

// A book plus the flow that drives it. Warm-up is deterministic, so every benchmark starts
// from exactly the state in which the measured operations were recorded.
struct Market {
    OrderBook book{0, benchInstrument(), kExpectedOrders};
    OrderFlow flow{kFlowSeed, kTargetOpenOrders};
};

FlowAction advance(Market &market, std::vector<Event> &out)
{
    out.clear();
    const FlowAction action = market.flow.next(market.book);
    OrderFlow::perform(market.book, action, out);
    market.flow.settle(action, market.book);
    return action;
}

Market warmMarket()
{
    Market market;
    std::vector<Event> out;
    out.reserve(kEventCapacity);
    for (int i = 0; i < kWarmUpOperations; ++i)
        advance(market, out);
    return market;
}

const std::vector<FlowAction> &recordedActions()
{
    static const std::vector<FlowAction> actions = [] {
        Market market = warmMarket();
        std::vector<FlowAction> recorded;
        recorded.reserve(kMeasuredOperations);
        std::vector<Event> out;
        out.reserve(kEventCapacity);
        while (recorded.size() < kMeasuredOperations)
            recorded.push_back(advance(market, out));
        return recorded;
    }();
    return actions;
}

std::uint32_t nanosecondsBetween(Clock::time_point start, Clock::time_point stop)
{
    return static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count());
}

// Median cost of the timing itself: back-to-back clock reads.
std::uint32_t clockOverhead()
{
    std::vector<std::uint32_t> samples(100'000);
    for (std::uint32_t &sample : samples) {
        const auto start = Clock::now();
        sample = nanosecondsBetween(start, Clock::now());
    }
    return LatencySummary::of(samples).p50;
}

struct LatencyReport {
    LatencySummary all;
    std::array<LatencySummary, 3> byKind; // indexed by FlowOp
    std::array<double, 3> percentByKind{};
    std::uint32_t clockOverheadNs = 0;
};

std::optional<LatencyReport> latencyReport;

LatencyReport summarise(const std::vector<FlowAction> &actions, const std::vector<std::uint32_t> &latencies)
{
    std::array<std::vector<std::uint32_t>, 3> byKind;
    for (std::size_t i = 0; i < actions.size(); ++i)
        byKind[static_cast<std::size_t>(actions[i].op)].push_back(latencies[i]);
    LatencyReport report;
    std::vector<std::uint32_t> all = latencies;
    report.all = LatencySummary::of(all);
    for (std::size_t kind = 0; kind < byKind.size(); ++kind) {
        report.percentByKind[kind]
            = 100.0 * static_cast<double>(byKind[kind].size()) / static_cast<double>(actions.size());
        report.byKind[kind] = LatencySummary::of(byKind[kind]);
    }
    report.clockOverheadNs = clockOverhead();
    return report;
}

void publish(benchmark::State &state, const LatencyReport &report, std::size_t operations)
{
    const auto seconds = static_cast<double>(report.all.totalNs) * 1e-9;
    state.counters["engine_ops_per_s"] = static_cast<double>(operations) / seconds;
    state.counters["mean_ns"] = report.all.mean;
    state.counters["p50_ns"] = report.all.p50;
    state.counters["p90_ns"] = report.all.p90;
    state.counters["p99_ns"] = report.all.p99;
    state.counters["p99.9_ns"] = report.all.p999;
    state.counters["max_ns"] = report.all.max;
    state.counters["clock_overhead_ns"] = report.clockOverheadNs;
    const std::array<const char *, 3> names{"add", "cancel", "cross"};
    for (std::size_t kind = 0; kind < names.size(); ++kind) {
        const std::string name = names[kind];
        state.counters[name + "_pct"] = report.percentByKind[kind];
        state.counters[name + "_p50_ns"] = report.byKind[kind].p50;
        state.counters[name + "_p99_ns"] = report.byKind[kind].p99;
    }
}

void BM_MatchingMixThroughput(benchmark::State &state)
{
    const std::vector<FlowAction> &actions = recordedActions();
    std::vector<Event> out;
    out.reserve(kEventCapacity);
    for (auto _ : state) {
        state.PauseTiming();
        Market market = warmMarket();
        state.ResumeTiming();
        for (const FlowAction &action : actions) {
            out.clear();
            OrderFlow::perform(market.book, action, out);
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    const auto operations = static_cast<double>(state.iterations()) * static_cast<double>(actions.size());
    state.counters["ops_per_s"] = benchmark::Counter(operations, benchmark::Counter::kIsRate);
    state.counters["ns_per_op"]
        = benchmark::Counter(operations, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_MatchingMixLatency(benchmark::State &state)
{
    const std::vector<FlowAction> &actions = recordedActions();
    std::vector<std::uint32_t> latencies(actions.size());
    std::vector<Event> out;
    out.reserve(kEventCapacity);
    Market market = warmMarket();
    for (auto _ : state) {
        for (std::size_t i = 0; i < actions.size(); ++i) {
            out.clear();
            const auto start = Clock::now();
            OrderFlow::perform(market.book, actions[i], out);
            latencies[i] = nanosecondsBetween(start, Clock::now());
        }
    }
    latencyReport = summarise(actions, latencies);
    publish(state, *latencyReport, actions.size());
    state.counters["open_orders_at_end"] = static_cast<double>(market.book.openOrderCount());
    const BookSnapshot depth = market.book.snapshot(std::numeric_limits<std::size_t>::max());
    state.counters["levels_at_end"] = static_cast<double>(depth.bids.size() + depth.asks.size());
}

BENCHMARK(BM_MatchingMixThroughput)->Iterations(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MatchingMixLatency)->Iterations(1)->Unit(benchmark::kMillisecond);

void printSummary(const LatencyReport &report)
{
    std::printf("\nsummary: %zu ops (add %.1f%% / cancel %.1f%% / cross %.1f%%), engine-only %.2f Mops/s, "
                "per-op latency p50 %u ns, p90 %u ns, p99 %u ns, p99.9 %u ns, max %u ns "
                "(includes ~%u ns clock read)\n",
        kMeasuredOperations, report.percentByKind[0], report.percentByKind[1], report.percentByKind[2],
        static_cast<double>(kMeasuredOperations) / static_cast<double>(report.all.totalNs) * 1e3,
        report.all.p50, report.all.p90, report.all.p99, report.all.p999, report.all.max,
        report.clockOverheadNs);
}

} // namespace

int main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (latencyReport)
        printSummary(*latencyReport);
    return 0;
}
