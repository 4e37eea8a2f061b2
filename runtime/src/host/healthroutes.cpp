#include "host/healthroutes.h"

#include "metrics/metricsregistry.h"

#include <sm/http.h>

#include <QJsonArray>

namespace sm {

void HealthRoutes::install(HttpRouter &router, const MetricsRegistry &metrics, ReadinessProbe probe)
{
    router.addRoute("GET", QStringLiteral("/healthz"), [](const HttpExchangePtr &exchange) {
        exchange->respond(HttpResponse::json(200, {{"status", "ok"}}));
    });
    router.addRoute("GET", QStringLiteral("/readyz"), [probe](const HttpExchangePtr &exchange) {
        const Readiness state = probe();
        QJsonArray reasons;
        if (!state.storeReachable)
            reasons.append(QStringLiteral("store unreachable"));
        if (!state.backendAvailable)
            reasons.append(QStringLiteral("no back-end available"));
        if (state.draining)
            reasons.append(QStringLiteral("draining"));
        const bool ready = reasons.isEmpty();
        QJsonObject body{{"status", ready ? "ready" : "not_ready"},
                         {"store", state.storeReachable ? "reachable" : "unreachable"},
                         {"backend", state.backendAvailable ? "available" : "unavailable"},
                         {"draining", state.draining}};
        if (!ready)
            body.insert("reasons", reasons);
        HttpResponse response = HttpResponse::json(ready ? 200 : 503, body);
        if (!ready)
            response.headers.append(qMakePair(QByteArray("retry-after"), QByteArray("1")));
        exchange->respond(std::move(response));
    });
    router.addRoute("GET", QStringLiteral("/metrics"), [&metrics](const HttpExchangePtr &exchange) {
        exchange->respond(HttpResponse{200,
                                       {{"content-type", "text/plain; version=0.0.4; charset=utf-8"}},
                                       metrics.exposition()});
    });
}

} // namespace sm
