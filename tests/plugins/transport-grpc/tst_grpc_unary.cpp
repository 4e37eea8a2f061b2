// The unary RPCs of sm.v1.SessionService over a real channel against a real runtime:
// each RPC, each error code with its ErrorInfo details and trailer, and bad input.
#include "grpctestruntime.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>

using namespace sm::v1;

class TestGrpcUnary : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void createReturnsSessionTokenAndClientAddress();
    void getReturnsTheSameSession();
    void updateWithCurrentVersionChangesStateAndMetadata();
    void updateWithStaleVersionIsFailedPreconditionVersionConflict();
    void illegalTransitionIsFailedPreconditionIllegalTransition();
    void deleteTerminatesTheSession();
    void listFiltersAndPaginatesWithCursor();
    void submitRequestReturnsTheBackendReply();
    void backendRejectionIsInvalidArgument();
    void anotherUsersSessionIsNotFound();
    void unknownAndMalformedIdsAreNotFound();
    void missingOrForgedTokenIsUnauthenticated();
    void userCreatingForAnotherUserIsPermissionDenied();
    void serviceMayCreateForAnotherUser();
    void badInputIsInvalidArgumentNamingTheField_data();
    void badInputIsInvalidArgumentNamingTheField();
    void oversizedMessageIsResourceExhausted();
    void errorCarriesTrailerAndRpcStatusDetails();
    void unavailableBackendIsUnavailable();

private:
    CreateSessionResponse create(const QString &token, const std::string &metadata = "{}");

    std::unique_ptr<GrpcTestRuntime> m_runtime;
    std::unique_ptr<SessionService::Stub> m_stub;
    QString m_alice;
    QString m_bob;
    QString m_service;
};

void TestGrpcUnary::initTestCase()
{
    m_runtime = std::make_unique<GrpcTestRuntime>();
    QVERIFY2(m_runtime->start(), m_runtime->process().output().constData());
    m_stub = m_runtime->stub();
    m_alice = m_runtime->token("alice");
    m_bob = m_runtime->token("bob");
    m_service = m_runtime->token("pricer", "service");
}

void TestGrpcUnary::cleanupTestCase()
{
    m_stub.reset();
    if (m_runtime)
        QCOMPARE(m_runtime->stop(), 0);
}

CreateSessionResponse TestGrpcUnary::create(const QString &token, const std::string &metadata)
{
    grpc::ClientContext context;
    authorize(context, token);
    CreateSessionRequest request;
    request.set_metadata_json(metadata);
    CreateSessionResponse response;
    const grpc::Status status = m_stub->CreateSession(&context, request, &response);
    if (!status.ok())
        qWarning("CreateSession failed: %s", status.error_message().c_str());
    return response;
}

void TestGrpcUnary::createReturnsSessionTokenAndClientAddress()
{
    const CreateSessionResponse created = create(m_alice, R"({"client_version":"2.1"})");
    const Session &session = created.session();
    QCOMPARE(session.session_id().size(), size_t(22));
    QCOMPARE(session.user_id(), "alice");
    QCOMPARE(session.state(), SESSION_STATE_ACTIVE);
    QCOMPARE(session.version(), 1);
    QVERIFY(!created.token().empty());
    QVERIFY(session.created_at().seconds() > 0);
    QVERIFY(session.expires_at().seconds() > session.created_at().seconds());
    const QJsonObject metadata = QJsonDocument::fromJson(QByteArray::fromStdString(session.metadata_json())).object();
    QCOMPARE(metadata.value("client_version").toString(), QStringLiteral("2.1"));
    QCOMPARE(metadata.value("ip_address").toString(), QStringLiteral("127.0.0.1"));
}

void TestGrpcUnary::getReturnsTheSameSession()
{
    const Session created = create(m_alice).session();
    grpc::ClientContext context;
    authorize(context, m_alice);
    GetSessionRequest request;
    request.set_session_id(created.session_id());
    Session session;
    const grpc::Status status = m_stub->GetSession(&context, request, &session);
    QVERIFY2(status.ok(), status.error_message().c_str());
    QCOMPARE(session.session_id(), created.session_id());
    QCOMPARE(session.version(), created.version());
    QCOMPARE(session.metadata_json(), created.metadata_json());
}

void TestGrpcUnary::updateWithCurrentVersionChangesStateAndMetadata()
{
    const Session created = create(m_alice).session();
    grpc::ClientContext context;
    authorize(context, m_alice);
    UpdateSessionRequest request;
    request.set_session_id(created.session_id());
    request.set_state(SESSION_STATE_IDLE);
    request.set_metadata_json(R"({"note":"parked"})");
    request.set_expected_version(created.version());
    Session session;
    const grpc::Status status = m_stub->UpdateSession(&context, request, &session);
    QVERIFY2(status.ok(), status.error_message().c_str());
    QCOMPARE(session.state(), SESSION_STATE_IDLE);
    QCOMPARE(session.version(), created.version() + 1);
    QCOMPARE(session.metadata_json(), R"({"note":"parked"})");
}

void TestGrpcUnary::updateWithStaleVersionIsFailedPreconditionVersionConflict()
{
    const Session created = create(m_alice).session();
    for (int attempt = 0; attempt < 2; ++attempt) {
        grpc::ClientContext context;
        authorize(context, m_alice);
        UpdateSessionRequest request;
        request.set_session_id(created.session_id());
        request.set_metadata_json(R"({"attempt":1})");
        request.set_expected_version(created.version());
        Session session;
        const grpc::Status status = m_stub->UpdateSession(&context, request, &session);
        if (attempt == 0) {
            QVERIFY2(status.ok(), status.error_message().c_str());
            continue;
        }
        QCOMPARE(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
        QCOMPARE(errorCode(status), QStringLiteral("version_conflict"));
    }
}

void TestGrpcUnary::illegalTransitionIsFailedPreconditionIllegalTransition()
{
    const Session created = create(m_alice).session();
    for (const SessionState state : {SESSION_STATE_TERMINATED, SESSION_STATE_ACTIVE}) {
        grpc::ClientContext context;
        authorize(context, m_alice);
        UpdateSessionRequest request;
        request.set_session_id(created.session_id());
        request.set_state(state);
        Session session;
        const grpc::Status status = m_stub->UpdateSession(&context, request, &session);
        if (state == SESSION_STATE_TERMINATED) {
            QVERIFY2(status.ok(), status.error_message().c_str());
            continue;
        }
        // A terminated session is final.
        QCOMPARE(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
        QCOMPARE(errorCode(status), QStringLiteral("illegal_transition"));
    }
}

void TestGrpcUnary::deleteTerminatesTheSession()
{
    const Session created = create(m_alice).session();
    {
        grpc::ClientContext context;
        authorize(context, m_alice);
        DeleteSessionRequest request;
        request.set_session_id(created.session_id());
        DeleteSessionResponse response;
        const grpc::Status status = m_stub->DeleteSession(&context, request, &response);
        QVERIFY2(status.ok(), status.error_message().c_str());
    }
    grpc::ClientContext context;
    authorize(context, m_alice);
    GetSessionRequest request;
    request.set_session_id(created.session_id());
    Session session;
    const grpc::Status status = m_stub->GetSession(&context, request, &session);
    QVERIFY2(status.ok(), status.error_message().c_str());
    QCOMPARE(session.state(), SESSION_STATE_TERMINATED);
}

void TestGrpcUnary::listFiltersAndPaginatesWithCursor()
{
    const QString carol = m_runtime->token("carol");
    QSet<std::string> createdIds;
    for (int i = 0; i < 3; ++i)
        createdIds.insert(create(carol).session().session_id());

    QSet<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
        grpc::ClientContext context;
        authorize(context, carol);
        ListSessionsRequest request;
        request.set_limit(2);
        request.set_cursor(cursor);
        request.set_state(SESSION_STATE_ACTIVE);
        ListSessionsResponse page;
        const grpc::Status status = m_stub->ListSessions(&context, request, &page);
        QVERIFY2(status.ok(), status.error_message().c_str());
        QVERIFY(page.sessions_size() <= 2);
        for (const Session &session : page.sessions()) {
            QCOMPARE(session.user_id(), "carol");
            seen.insert(session.session_id());
        }
        cursor = page.next_cursor();
        ++pages;
    } while (!cursor.empty() && pages < 10);
    QCOMPARE(seen, createdIds);
    QVERIFY(pages >= 2);
}

void TestGrpcUnary::submitRequestReturnsTheBackendReply()
{
    const Session created = create(m_alice).session();
    grpc::ClientContext context;
    authorize(context, m_alice);
    SubmitRequestRequest request;
    request.set_session_id(created.session_id());
    request.set_request_json(R"({"type":"positions"})");
    SubmitRequestResponse response;
    const grpc::Status status = m_stub->SubmitRequest(&context, request, &response);
    QVERIFY2(status.ok(), status.error_message().c_str());
    const QJsonObject reply = QJsonDocument::fromJson(QByteArray::fromStdString(response.reply_json())).object();
    QCOMPARE(reply.value("type").toString(), QStringLiteral("positions"));
}

void TestGrpcUnary::backendRejectionIsInvalidArgument()
{
    const Session created = create(m_alice).session();
    grpc::ClientContext context;
    authorize(context, m_alice);
    SubmitRequestRequest request;
    request.set_session_id(created.session_id());
    request.set_request_json(R"({"type":"teleport"})");
    SubmitRequestResponse response;
    const grpc::Status status = m_stub->SubmitRequest(&context, request, &response);
    QCOMPARE(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    QCOMPARE(errorCode(status), QStringLiteral("bad_request"));
    QVERIFY(QString::fromStdString(status.error_message()).contains("teleport"));
}

void TestGrpcUnary::anotherUsersSessionIsNotFound()
{
    const Session created = create(m_alice).session();
    grpc::ClientContext context;
    authorize(context, m_bob);
    GetSessionRequest request;
    request.set_session_id(created.session_id());
    Session session;
    const grpc::Status status = m_stub->GetSession(&context, request, &session);
    QCOMPARE(status.error_code(), grpc::StatusCode::NOT_FOUND);
    QCOMPARE(errorCode(status), QStringLiteral("not_found"));

    grpc::ClientContext privileged;
    authorize(privileged, m_service);
    QVERIFY(m_stub->GetSession(&privileged, request, &session).ok());
}

void TestGrpcUnary::unknownAndMalformedIdsAreNotFound()
{
    const std::vector<std::string> ids{"AAAAAAAAAAAAAAAAAAAAAA", "../../etc/passwd", "%00", std::string(300, 'x')};
    for (const std::string &id : ids) {
        grpc::ClientContext context;
        authorize(context, m_alice);
        GetSessionRequest request;
        request.set_session_id(id);
        Session session;
        const grpc::Status status = m_stub->GetSession(&context, request, &session);
        QCOMPARE(status.error_code(), grpc::StatusCode::NOT_FOUND);
    }
}

void TestGrpcUnary::missingOrForgedTokenIsUnauthenticated()
{
    const QString forged = m_alice.left(m_alice.size() - 4) + QStringLiteral("AAAA");
    for (const QString &token : {QString(), QStringLiteral("not-a-token"), forged}) {
        grpc::ClientContext context;
        authorize(context, token);
        ListSessionsRequest request;
        ListSessionsResponse page;
        const grpc::Status status = m_stub->ListSessions(&context, request, &page);
        QCOMPARE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
        QCOMPARE(errorCode(status), QStringLiteral("unauthenticated"));
    }
}

void TestGrpcUnary::userCreatingForAnotherUserIsPermissionDenied()
{
    grpc::ClientContext context;
    authorize(context, m_alice);
    CreateSessionRequest request;
    request.set_user_id("bob");
    CreateSessionResponse response;
    const grpc::Status status = m_stub->CreateSession(&context, request, &response);
    QCOMPARE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    QCOMPARE(errorCode(status), QStringLiteral("permission_denied"));
}

void TestGrpcUnary::serviceMayCreateForAnotherUser()
{
    grpc::ClientContext context;
    authorize(context, m_service);
    CreateSessionRequest request;
    request.set_user_id("dave");
    request.set_ttl_secs(120);
    request.set_idle_timeout_secs(60);
    CreateSessionResponse response;
    const grpc::Status status = m_stub->CreateSession(&context, request, &response);
    QVERIFY2(status.ok(), status.error_message().c_str());
    QCOMPARE(response.session().user_id(), "dave");
    QCOMPARE(response.session().idle_timeout_secs(), 60);
}

void TestGrpcUnary::badInputIsInvalidArgumentNamingTheField_data()
{
    QTest::addColumn<int>("call");
    QTest::addColumn<QString>("field");
    QTest::newRow("get without id") << 0 << "session_id";
    QTest::newRow("create with metadata not an object") << 1 << "metadata_json";
    QTest::newRow("create with broken metadata JSON") << 2 << "metadata_json";
    QTest::newRow("create with zero ttl") << 3 << "ttl_secs";
    QTest::newRow("create with empty user id") << 4 << "user_id";
    QTest::newRow("update with unspecified state") << 5 << "state";
    QTest::newRow("update with negative version") << 6 << "expected_version";
    QTest::newRow("list with limit above 500") << 7 << "limit";
    QTest::newRow("submit without request") << 8 << "request_json";
    QTest::newRow("submit with an array") << 9 << "request_json";
    QTest::newRow("delete without id") << 10 << "session_id";
}

void TestGrpcUnary::badInputIsInvalidArgumentNamingTheField()
{
    QFETCH(int, call);
    QFETCH(QString, field);
    const std::string id = create(m_alice).session().session_id();
    grpc::ClientContext context;
    authorize(context, m_alice);
    grpc::Status status;
    CreateSessionRequest createRequest;
    CreateSessionResponse created;
    UpdateSessionRequest update;
    update.set_session_id(id);
    SubmitRequestRequest submit;
    submit.set_session_id(id);
    Session session;
    switch (call) {
    case 0: status = m_stub->GetSession(&context, GetSessionRequest(), &session); break;
    case 1: createRequest.set_metadata_json("[1,2]"); break;
    case 2: createRequest.set_metadata_json("{\"a\":"); break;
    case 3: createRequest.set_ttl_secs(0); break;
    case 4: createRequest.set_user_id(""); break;
    case 5: update.set_state(SESSION_STATE_UNSPECIFIED); break;
    case 6: update.set_expected_version(-1); break;
    case 7: {
        ListSessionsRequest list;
        list.set_limit(501);
        ListSessionsResponse page;
        status = m_stub->ListSessions(&context, list, &page);
        break;
    }
    case 8: break;
    case 9: submit.set_request_json("[]"); break;
    case 10: {
        DeleteSessionResponse deleted;
        status = m_stub->DeleteSession(&context, DeleteSessionRequest(), &deleted);
        break;
    }
    }
    if (call >= 1 && call <= 4)
        status = m_stub->CreateSession(&context, createRequest, &created);
    else if (call == 5 || call == 6)
        status = m_stub->UpdateSession(&context, update, &session);
    else if (call == 8 || call == 9) {
        SubmitRequestResponse reply;
        status = m_stub->SubmitRequest(&context, submit, &reply);
    }
    QCOMPARE(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    QCOMPARE(errorCode(status), QStringLiteral("bad_request"));
    QVERIFY2(QString::fromStdString(status.error_message()).contains(field), status.error_message().c_str());
}

void TestGrpcUnary::oversizedMessageIsResourceExhausted()
{
    grpc::ClientContext context;
    authorize(context, m_alice);
    CreateSessionRequest request;
    request.set_metadata_json(R"({"blob":")" + std::string(2 * 1024 * 1024, 'x') + R"("})");
    CreateSessionResponse response;
    const grpc::Status status = m_stub->CreateSession(&context, request, &response);
    QCOMPARE(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    // The server lives on.
    QVERIFY(!create(m_alice).session().session_id().empty());
}

void TestGrpcUnary::errorCarriesTrailerAndRpcStatusDetails()
{
    grpc::ClientContext context;
    authorize(context, m_alice);
    GetSessionRequest request;
    request.set_session_id("AAAAAAAAAAAAAAAAAAAAAA");
    Session session;
    const grpc::Status status = m_stub->GetSession(&context, request, &session);
    QCOMPARE(status.error_code(), grpc::StatusCode::NOT_FOUND);
    const auto trailer = context.GetServerTrailingMetadata().find("sm-error-code");
    QVERIFY(trailer != context.GetServerTrailingMetadata().end());
    QCOMPARE(std::string(trailer->second.data(), trailer->second.size()), "not_found");
    ErrorStatus details;
    QVERIFY(details.ParseFromString(status.error_details()));
    QCOMPARE(details.code(), int(grpc::StatusCode::NOT_FOUND));
    QCOMPARE(details.details(0).type_url(), "type.googleapis.com/sm.v1.ErrorInfo");
    ErrorInfo info;
    QVERIFY(details.details(0).UnpackTo(&info));
    QCOMPARE(info.message(), status.error_message());
}

void TestGrpcUnary::unavailableBackendIsUnavailable()
{
    GrpcTestRuntime degraded;
    degraded.addSetting("disabled_plugins", "exchange-sim");
    QVERIFY2(degraded.start(), degraded.process().output().constData());
    auto stub = degraded.stub();
    const QString alice = degraded.token("alice");
    CreateSessionResponse created;
    {
        grpc::ClientContext context;
        authorize(context, alice);
        QVERIFY(stub->CreateSession(&context, CreateSessionRequest(), &created).ok());
    }
    grpc::ClientContext context;
    authorize(context, alice);
    SubmitRequestRequest request;
    request.set_session_id(created.session().session_id());
    request.set_request_json(R"({"type":"positions"})");
    SubmitRequestResponse response;
    const grpc::Status status = stub->SubmitRequest(&context, request, &response);
    QCOMPARE(status.error_code(), grpc::StatusCode::UNAVAILABLE);
    QCOMPARE(errorCode(status), QStringLiteral("unavailable"));
    stub.reset();
    QCOMPARE(degraded.stop(), 0);
}

QTEST_GUILESS_MAIN(TestGrpcUnary)
#include "tst_grpc_unary.moc"
