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

void GrpcMetrics::callFinished(const char *method, const char *code, double seconds)
{
    const CallInstruments instruments = instrumentsFor(method, code);
    instruments.calls->increment();
    instruments.duration->observe(seconds);
}

// Method and code are static strings from a small fixed set (bounded label cardinality),
// so they are compared by address: a call costs a short scan instead of building labels
// and a registry lookup (the registry keeps the instruments alive).
GrpcMetrics::CallInstruments GrpcMetrics::instrumentsFor(const char *method, const char *code)
{
    std::lock_guard lock(m_mutex);
    for (const CallInstruments &known : m_callInstruments) {
        if (known.method == method && known.code == code)
            return known;
    }
    const QString methodName = QString::fromLatin1(method);
    const sm::MetricLabels labels{{QStringLiteral("method"), methodName},
                                  {QStringLiteral("code"), QString::fromLatin1(code)}};
    sm::Counter &calls =
        m_metrics.counter("sm_grpc_calls_total", "Finished gRPC calls by method and status code", labels);
    sm::Histogram &duration = m_metrics.histogram("sm_grpc_call_duration_seconds", "gRPC call duration by method",
                                                  kLatencyBuckets, {{QStringLiteral("method"), methodName}});
    m_callInstruments.push_back(CallInstruments{method, code, &calls, &duration});
    return m_callInstruments.back();
}

} // namespace smgrpc
