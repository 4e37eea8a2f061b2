#include "ssemetrics.h"

#include <sm/metrics.h>

namespace sse {

SseMetrics::SseMetrics(sm::Metrics &metrics)
    : connections(metrics.gauge("sm_sse_connections", "Open Server-Sent-Events connections"))
    , eventsSent(metrics.counter("sm_sse_events_sent_total", "Events written to SSE connections"))
    , eventsDropped(metrics.counter("sm_sse_events_dropped_total",
                                    "Events not written because the SSE connection had gone"))
    , slowConsumerDisconnects(metrics.counter("sm_sse_slow_consumer_disconnects_total",
                                              "SSE clients cut off because their backlog grew too large"))
    , reconnects(metrics.counter("sm_sse_reconnects_total",
                                 "SSE subscriptions that resumed with a Last-Event-ID"))
    , flushSeconds(metrics.histogram("sm_sse_flush_duration_seconds",
                                     "Time from writing to an SSE connection until its queue was empty",
                                     {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                      1, 2.5, 5, 10}))
{
}

} // namespace sse
