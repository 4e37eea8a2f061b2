#pragma once

#include <mutex>
#include <vector>

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
    // The instruments of one (method, code) pair, looked up in the registry once.
    struct CallInstruments {
        const char *method;
        const char *code;
        sm::Counter *calls;
        sm::Histogram *duration;
    };
    CallInstruments instrumentsFor(const char *method, const char *code);

    sm::Metrics &m_metrics;
    std::mutex m_mutex;
    std::vector<CallInstruments> m_callInstruments;
};

} // namespace smgrpc
