#pragma once

namespace sm {
class Counter;
class Gauge;
class Histogram;
class Metrics;
} // namespace sm

namespace sse {

// The plugin's instruments in the host registry (exported at /metrics).
struct SseMetrics {
    explicit SseMetrics(sm::Metrics &metrics);

    sm::Gauge &connections;
    sm::Counter &eventsSent;
    sm::Counter &eventsDropped;
    sm::Counter &slowConsumerDisconnects;
    sm::Counter &reconnects;
    sm::Histogram &flushSeconds;
};

} // namespace sse
