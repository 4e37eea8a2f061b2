// grpc.health.v1 follows the runtime's readiness: POST /admin/drain turns both services
// NOT_SERVING at once, while calls are still served and before the runtime stops; the
// connection monitor's drain advice reaches gRPC streams (a `reconnect` event with reason
// "drain", then UNAVAILABLE).
#include "grpctestruntime.h"

#include "apiclient.h"
#include "health.grpc.pb.h"

#include <QTest>

#include <memory>

using namespace sm::v1;
using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

namespace {
constexpr int kDrainWindowSecs = 4;

HealthCheckResponse::ServingStatus check(Health::Stub &health, const std::string &service)
{
    grpc::ClientContext context;
    authorize(context, QString());
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    const grpc::Status status = health.Check(&context, request, &response);
    return status.ok() ? response.status() : HealthCheckResponse::UNKNOWN;
}
} // namespace

class TestGrpcHealth : public QObject {
    Q_OBJECT

private slots:
    void drainTurnsHealthNotServingWhileCallsAreStillServed();
};

void TestGrpcHealth::drainTurnsHealthNotServingWhileCallsAreStillServed()
{
    GrpcTestRuntime runtime;
    runtime.addSetting("drain_window", QString::number(kDrainWindowSecs));
    QVERIFY2(runtime.start(), runtime.process().output().constData());
    ApiClient api(runtime.process().url("/"));
    const QString admin = runtime.token("ops", "admin");
    auto channel = runtime.channel();
    auto stub = SessionService::NewStub(channel);
    auto health = Health::NewStub(channel);
    QCOMPARE(check(*health, ""), HealthCheckResponse::SERVING);
    QCOMPARE(check(*health, "sm.v1.SessionService"), HealthCheckResponse::SERVING);

    // Two open streams: the drain advises them kDrainWindowSecs / 2 apart, so the runtime
    // keeps running that long after POST /admin/drain.
    CreateSessionResponse created;
    {
        grpc::ClientContext context;
        authorize(context, admin);
        CreateSessionRequest request;
        request.set_user_id("drainer");
        QVERIFY(stub->CreateSession(&context, request, &created).ok());
    }
    StreamEventsRequest streamRequest;
    streamRequest.set_session_id(created.session().session_id());
    grpc::ClientContext firstContext, secondContext;
    authorize(firstContext, admin, 30000);
    authorize(secondContext, admin, 30000);
    auto first = stub->StreamEvents(&firstContext, streamRequest);
    auto second = stub->StreamEvents(&secondContext, streamRequest);
    QTRY_VERIFY_WITH_TIMEOUT(runtime.metrics().contains("sm_connections{transport=\"grpc\"} 2"), 5000);

    grpc::ClientContext watchContext;
    authorize(watchContext, QString(), 30000);
    HealthCheckRequest watchRequest;
    watchRequest.set_service("sm.v1.SessionService");
    auto watch = health->Watch(&watchContext, watchRequest);
    HealthCheckResponse status;
    QVERIFY(watch->Read(&status));
    QCOMPARE(status.status(), HealthCheckResponse::SERVING);

    QCOMPARE(api.send("POST", "/admin/drain", admin).status, 202);
    QVERIFY(watch->Read(&status));
    QCOMPARE(status.status(), HealthCheckResponse::NOT_SERVING);
    QCOMPARE(check(*health, ""), HealthCheckResponse::NOT_SERVING);
    {
        // Not ready is not stopped: calls are still answered.
        grpc::ClientContext context;
        authorize(context, admin);
        GetSessionRequest request;
        request.set_session_id(created.session().session_id());
        Session session;
        const grpc::Status got = stub->GetSession(&context, request, &session);
        QVERIFY2(got.ok(), got.error_message().c_str());
    }

    Event event;
    QList<Event> received;
    while (first->Read(&event))
        received << event;
    QCOMPARE(first->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
    QVERIFY(!received.isEmpty());
    QCOMPARE(received.last().type(), "reconnect");
    QCOMPARE(received.last().id(), "");
    QCOMPARE(received.last().data_json(), R"({"reason":"drain"})");
    while (second->Read(&event)) {
    }
    QCOMPARE(second->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
    QCOMPARE(runtime.stop(), 0);
}

QTEST_GUILESS_MAIN(TestGrpcHealth)
#include "tst_grpc_health.moc"
