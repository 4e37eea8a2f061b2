#include "dashboard/dashboardroutes.h"

#include "dashboard/dashboardassets.h"
#include "dashboard/dashboardfeed.h"
#include "dashboard/sessionliveview.h"
#include "http/httplistener.h"
#include "workerpool/workerdirectory.h"

#include <sm/authenticator.h>

namespace sm {

Result<Caller> DashboardRoutes::authorizeAdmin(const Authenticator &auth, const HttpRequest &request)
{
    QByteArray authorization = request.header("authorization");
    if (authorization.isEmpty() && request.query.hasQueryItem(QStringLiteral("token")))
        authorization = "Bearer " + request.query.queryItemValue(QStringLiteral("token")).toUtf8();
    Result<Caller> caller = auth.authenticate(authorization);
    if (caller.ok() && caller.value().role != Role::Admin)
        return makeError(ErrorCode::PermissionDenied, QStringLiteral("the dashboard needs the admin role"));
    return caller;
}

void DashboardRoutes::install(HttpListener &listener, const Authenticator &auth, DashboardFeed &feed,
                              Actions actions)
{
    installPage(listener);
    listener.addWebSocketRoute(
        QStringLiteral("/dashboard/live"), [&feed](QWebSocket *socket) { feed.addClient(socket); },
        [&auth](const HttpRequest &request) -> Result<void> {
            if (Result<Caller> caller = authorizeAdmin(auth, request); !caller.ok())
                return caller.error();
            return {};
        });
    listener.addRoute("GET", QStringLiteral("/admin/dashboard"), [&auth, &feed](const HttpExchangePtr &exchange) {
        if (Result<Caller> caller = authorizeAdmin(auth, exchange->request()); !caller.ok())
            return exchange->respond(HttpResponse::error(caller.error()));
        exchange->respond(HttpResponse::json(200, feed.state()));
    });
    installWorkerActions(listener, auth, actions);
    if (actions.sessionView)
        installSessionView(listener, auth, actions.sessionView);
    listener.addRoute("POST", QStringLiteral("/admin/drain"), [&auth, actions](const HttpExchangePtr &exchange) {
        if (Result<Caller> caller = authorizeAdmin(auth, exchange->request()); !caller.ok())
            return exchange->respond(HttpResponse::error(caller.error()));
        actions.drainNode();
        exchange->respond(HttpResponse::json(
            202, {{"status", "draining"}, {"window_s", actions.drainWindowSecs()}}));
    });
}

// The page is public (it holds no data; it asks for a token and uses it for the rest).
void DashboardRoutes::installPage(HttpListener &listener)
{
    auto assets = std::make_shared<DashboardAssets>();
    listener.addRoute("GET", QStringLiteral("/dashboard"), [assets](const HttpExchangePtr &exchange) {
        exchange->respond(assets->serve(QStringLiteral("index.html"), exchange->request()));
    });
    listener.addRoute("GET", QStringLiteral("/dashboard/{file}"), [assets](const HttpExchangePtr &exchange) {
        const HttpRequest &request = exchange->request();
        exchange->respond(assets->serve(request.pathParams.value(0), request));
    });
}

// The stored session itself comes from GET /sessions/{id}; this adds what only this node
// knows live, so an unknown id simply has no connections and no events.
void DashboardRoutes::installSessionView(HttpListener &listener, const Authenticator &auth,
                                         std::shared_ptr<const SessionLiveView> view)
{
    listener.addRoute("GET", QStringLiteral("/admin/sessions/{id}/live"), [&auth, view](const HttpExchangePtr &exchange) {
        const HttpRequest &request = exchange->request();
        if (Result<Caller> caller = authorizeAdmin(auth, request); !caller.ok())
            return exchange->respond(HttpResponse::error(caller.error()));
        exchange->respond(HttpResponse::json(200, view->read(request.pathParams.value(0))));
    });
}

void DashboardRoutes::installWorkerActions(HttpListener &listener, const Authenticator &auth, const Actions &actions)
{
    using Action = Result<void> (WorkerDirectory::*)(const QString &);
    const std::pair<const char *, Action> kinds[] = {{"drain", &WorkerDirectory::drain},
                                                     {"restart", &WorkerDirectory::restart}};
    for (const auto &kind : kinds) {
        const QString verb = QLatin1String(kind.first);
        const Action action = kind.second;
        WorkerDirectory *workers = actions.workers;
        listener.addRoute("POST", QStringLiteral("/admin/workers/{id}/") + verb,
                          [&auth, workers, action, verb](const HttpExchangePtr &exchange) {
            const HttpRequest &request = exchange->request();
            if (Result<Caller> caller = authorizeAdmin(auth, request); !caller.ok())
                return exchange->respond(HttpResponse::error(caller.error()));
            if (!workers) {
                return exchange->respond(HttpResponse::error(
                    409, "conflict", QStringLiteral("no worker processes: back-ends run in process")));
            }
            const QString id = request.pathParams.value(0);
            if (Result<void> done = (workers->*action)(id); !done.ok())
                return exchange->respond(HttpResponse::error(done.error()));
            exchange->respond(HttpResponse::json(202, {{"worker", id}, {"action", verb}}));
        });
    }
}

} // namespace sm
