#pragma once

namespace sm {

class Authenticator;
class HttpRouter;
class WorkerPool;

// The operators' view of the worker pool on the runtime's HTTP listener (admin role):
//   GET /admin/workers            {"workers":[{id, address, pid, state, sessions, ...}],
//                                  "local_count", "sessions", "failovers_total", "moved_sessions_total"}
//   PUT /admin/workers {"count":N} changes the number of local workers; answers as GET.
//   GET /admin/sessions/{id}/worker {"session_id", "worker"}: where a session runs now.
class WorkerAdminRoutes {
public:
    static void install(HttpRouter &router, const Authenticator &auth, WorkerPool &pool);
};

} // namespace sm
