#pragma once

#include <QString>

namespace sm {
class Counter;
class Gauge;
class Histogram;
class Metrics;
} // namespace sm

namespace smgrpc {

// The plugin's instruments in the host registry (exported at /metrics). Thread-safe.
class GrpcMetrics {
public:
    explicit GrpcMetrics(sm::Metrics &metrics);

    // One finished call: counted by method and gRPC code name.
    void callFinished(const char *method, const char *code, double seconds);

    sm::Gauge &streams;
    sm::Gauge &queuedMessages;
    sm::Counter &eventsSent;
    sm::Counter &messagesDropped;
    sm::Counter &slowConsumerDisconnects;
    sm::Counter &reconnects;
    sm::Histogram &pingRttSeconds;

private:
    sm::Metrics &m_metrics;
};

} // namespace smgrpc
