#include "workerpool/workeradminroutes.h"

#include "workerpool/workerpool.h"

#include <sm/authenticator.h>
#include <sm/http.h>

#include <QJsonArray>
#include <QJsonDocument>

namespace sm {

namespace {

const char *stateName(WorkerStatus::State state)
{
    switch (state) {
    case WorkerStatus::State::Starting:
        return "starting";
    case WorkerStatus::State::Live:
        return "live";
    case WorkerStatus::State::Draining:
        return "draining";
    case WorkerStatus::State::Dead:
        return "dead";
    }
    return "dead";
}

HttpResponse errorResponse(const Error &error)
{
    HttpResponse response = HttpResponse::error(error);
    if (error.code == ErrorCode::Unavailable)
        response.headers.emplaceBack("retry-after", "1");
    else if (error.code == ErrorCode::Unauthenticated)
        response.headers.emplaceBack("www-authenticate", "Bearer");
    return response;
}

Result<void> requireAdmin(const Authenticator &auth, const HttpRequest &request)
{
    Result<Caller> caller = auth.authenticate(request.header("authorization"));
    if (!caller.ok())
        return caller.error();
    if (caller->role != Role::Admin)
        return makeError(ErrorCode::PermissionDenied, "the admin role is required");
    return {};
}

QJsonObject statusJson(const WorkerStatus &status)
{
    return QJsonObject{{"id", status.id},
                       {"address", status.address},
                       {"pid", status.pid},
                       {"state", stateName(status.state)},
                       {"sessions", status.sessions},
                       {"requests_per_second", status.requestsPerSecond},
                       {"p99_request_ms", status.p99RequestMs},
                       {"heartbeat_age_ms", status.heartbeatAgeMs},
                       {"restarts", status.restarts},
                       {"ring_share", status.ringShare}};
}

QJsonObject poolJson(const WorkerPool &pool)
{
    QJsonArray workers;
    for (const WorkerStatus &status : pool.workers())
        workers.append(statusJson(status));
    return QJsonObject{{"workers", workers},
                       {"local_count", pool.localWorkerCount()},
                       {"sessions", pool.sessionCount()},
                       {"failovers_total", qint64(pool.failoversTotal())},
                       {"moved_sessions_total", qint64(pool.movedSessionsTotal())},
                       {"parked_total", qint64(pool.parkedTotal())}};
}

Result<int> parseCount(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return makeError(ErrorCode::BadRequest, "the body must be a JSON object {\"count\":N}");
    const QJsonObject object = document.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() != QLatin1String("count"))
            return makeError(ErrorCode::BadRequest, QStringLiteral("unknown field '%1'").arg(it.key()));
    }
    const QJsonValue count = object.value("count");
    if (!count.isDouble() || count.toDouble() != double(count.toInt()))
        return makeError(ErrorCode::BadRequest, "count must be an integer");
    return count.toInt();
}

} // namespace

void WorkerAdminRoutes::install(HttpRouter &router, const Authenticator &auth, WorkerPool &pool)
{
    router.addRoute("GET", QStringLiteral("/admin/workers"), [&auth, &pool](const HttpExchangePtr &exchange) {
        if (Result<void> allowed = requireAdmin(auth, exchange->request()); !allowed.ok())
            return exchange->respond(errorResponse(allowed.error()));
        exchange->respond(HttpResponse::json(200, poolJson(pool)));
    });
    router.addRoute("PUT", QStringLiteral("/admin/workers"), [&auth, &pool](const HttpExchangePtr &exchange) {
        if (Result<void> allowed = requireAdmin(auth, exchange->request()); !allowed.ok())
            return exchange->respond(errorResponse(allowed.error()));
        Result<int> count = parseCount(exchange->request().body);
        if (!count.ok())
            return exchange->respond(errorResponse(count.error()));
        if (Result<void> scaled = pool.setLocalWorkerCount(count.value()); !scaled.ok())
            return exchange->respond(errorResponse(scaled.error()));
        exchange->respond(HttpResponse::json(200, poolJson(pool)));
    });
    router.addRoute("GET", QStringLiteral("/admin/sessions/{id}/worker"), [&auth, &pool](const HttpExchangePtr &exchange) {
        if (Result<void> allowed = requireAdmin(auth, exchange->request()); !allowed.ok())
            return exchange->respond(errorResponse(allowed.error()));
        const QString id = exchange->request().pathParams.value(0);
        exchange->respond(HttpResponse::json(200, {{"session_id", id}, {"worker", pool.workerOf(id)}}));
    });
}

} // namespace sm
