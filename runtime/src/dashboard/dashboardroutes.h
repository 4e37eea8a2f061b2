#pragma once

#include <sm/caller.h>
#include <sm/http.h>

#include <functional>
#include <memory>

namespace sm {

class Authenticator;
class DashboardAssets;
class DashboardFeed;
class HttpListener;
class SessionLiveView;
class WorkerDirectory;

// The dashboard on the runtime's HTTP listener, all but the page itself for the admin
// role only (a Bearer token, or ?token= where a browser cannot set headers):
//   GET  /dashboard/, /dashboard/{file}      the page (static, embedded)
//   WS   /dashboard/live?token=...           the live feed (DashboardFeed)
//   GET  /admin/dashboard                    the feed's current state (the page's login check)
//   GET  /admin/sessions/{id}/live           connections and recent events (SessionLiveView)
//   POST /admin/workers/{id}/drain|restart   through the WorkerDirectory
//   POST /admin/drain                        drains this node (see RuntimeHost::drain)
class DashboardRoutes {
public:
    struct Actions {
        WorkerDirectory *workers = nullptr; // null: back-ends run in process
        std::function<void()> drainNode;
        std::function<int()> drainWindowSecs;
        std::shared_ptr<const SessionLiveView> sessionView; // kept by its route
    };

    static void install(HttpListener &listener, const Authenticator &auth, DashboardFeed &feed, Actions actions);
    // The admin caller of a request, from its Authorization header or ?token=.
    static Result<Caller> authorizeAdmin(const Authenticator &auth, const HttpRequest &request);

private:
    static void installPage(HttpListener &listener);
    static void installWorkerActions(HttpListener &listener, const Authenticator &auth, const Actions &actions);
    static void installSessionView(HttpListener &listener, const Authenticator &auth,
                                   std::shared_ptr<const SessionLiveView> view);
};

} // namespace sm
