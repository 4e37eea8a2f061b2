#pragma once

#include <functional>

namespace sm {

class HttpRouter;
class MetricsRegistry;

// /healthz (the process answers), /readyz (ready to take traffic, with the reasons when
// not) and /metrics (Prometheus text) on the runtime's HTTP listener. No auth on health.
class HealthRoutes {
public:
    struct Readiness {
        bool storeReachable = false;
        bool backendAvailable = false;
        bool draining = false;

        bool ready() const { return storeReachable && backendAvailable && !draining; }
    };
    using ReadinessProbe = std::function<Readiness()>;

    static void install(HttpRouter &router, const MetricsRegistry &metrics, ReadinessProbe probe);
};

} // namespace sm
