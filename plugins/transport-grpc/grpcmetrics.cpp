#include "grpcmetrics.h"

#include <sm/metrics.h>

namespace smgrpc {

namespace {
const QList<double> kLatencyBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

GrpcMetrics::GrpcMetrics(sm::Metrics &metrics)
    : streams(metrics.gauge("sm_grpc_streams", "Open StreamEvents and Connect streams"))
    , queuedMessages(metrics.gauge("sm_grpc_queued_messages",
                                   "Messages waiting to be written to gRPC streams (sampled)"))
    , eventsSent(metrics.counter("sm_grpc_events_sent_total", "Events queued for gRPC streams"))
    , messagesDropped(metrics.counter("sm_grpc_messages_dropped_total",
                                      "Messages a gRPC stream could not take (gone or over its bound)"))
    , slowConsumerDisconnects(metrics.counter("sm_grpc_slow_consumer_disconnects_total",
                                              "gRPC streams ended with RESOURCE_EXHAUSTED: the client fell behind"))
    , reconnects(metrics.counter("sm_grpc_reconnects_total",
                                 "gRPC streams that resumed from a last event id"))
    , pingRttSeconds(metrics.histogram("sm_grpc_ping_rtt_seconds",
                                       "Round trip of server pings on Connect streams", kLatencyBuckets))
    , m_metrics(metrics)
{
}

// The registry returns the same instrument for the same labels; the method and code sets
// are small and fixed, so the label cardinality is bounded.
void GrpcMetrics::callFinished(const char *method, const char *code, double seconds)
{
    const sm::MetricLabels labels{{QStringLiteral("method"), QString::fromLatin1(method)},
                                  {QStringLiteral("code"), QString::fromLatin1(code)}};
    m_metrics.counter("sm_grpc_calls_total", "Finished gRPC calls by method and status code", labels)
        .increment();
    m_metrics
        .histogram("sm_grpc_call_duration_seconds", "gRPC call duration by method",
                   kLatencyBuckets, {{QStringLiteral("method"), QString::fromLatin1(method)}})
        .observe(seconds);
}

} // namespace smgrpc
