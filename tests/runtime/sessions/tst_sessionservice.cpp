#include "sessiontestbed.h"

#include <QJsonObject>
#include <QtTest>

using namespace sm;

namespace {

Caller user(const QString &name)
{
    return Caller{name, Role::User, QString(), QString()};
}

Caller admin()
{
    return Caller{"ops", Role::Admin, QString(), QString()};
}

class Recorder : public StreamSubscriber {
public:
    void onEvent(const Event &event) override { types.append(event.type); }
    qint64 backlogBytes() const override { return 0; }
    void onClosed(const QByteArray &reason) override { closedReason = reason; }
    QList<QByteArray> types;
    QByteArray closedReason;
};

} // namespace

class TestSessionService : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<SessionTestBed> bed;

    CreatedSession create(const Caller &caller, CreateSessionRequest request = {})
    {
        auto created = bed->await<CreatedSession>([&](auto done) {
            bed->service().create(caller, std::move(request), done);
        });
        if (!created.ok())
            qFatal("create failed: %s", qPrintable(created.error().message));
        return created.value();
    }
    Result<Session> get(const Caller &caller, const QString &id)
    {
        return bed->await<Session>([&](auto done) { bed->service().get(caller, id, done); });
    }
    Result<Session> update(const Caller &caller, const QString &id, UpdateSessionRequest request)
    {
        return bed->await<Session>([&](auto done) { bed->service().update(caller, id, request, done); });
    }

private slots:
    void init()
    {
        bed = std::make_unique<SessionTestBed>();
        QString error;
        QVERIFY2(bed->open(&error), qPrintable(error));
    }
    void cleanup() { bed.reset(); }

    void createReturnsTheTokenOnceAndStoresOnlyItsHash()
    {
        CreateSessionRequest request;
        request.metadata = QJsonObject{{"client_version", "1.0.3"}};
        const CreatedSession created = create(user("alice"), request);
        QCOMPARE(created.token.size(), 43); // 256 bits, base64url
        QCOMPARE(created.session.id.size(), 22); // 128 bits, base64url
        QCOMPARE(created.session.userId, QString("alice"));
        QCOMPARE(created.session.state, SessionState::Active);
        QCOMPARE(created.session.version, 1);
        const Session stored = get(user("alice"), created.session.id).value();
        QCOMPARE(stored.metadata["client_version"].toString(), QString("1.0.3"));
        QVERIFY(!stored.tokenHash.isEmpty());
        QVERIFY(!stored.tokenHash.contains(created.token.toUtf8()));
        QVERIFY(!sessionToJson(stored).contains("token"));
    }

    void createAppliesDefaultAndRequestedLifetimes()
    {
        CreateSessionRequest request;
        request.ttlSecs = 120;
        request.idleTimeoutSecs = 30;
        const Session s = create(user("alice"), request).session;
        QCOMPARE(s.absoluteExpiresAt, bed->now().addSecs(120));
        QCOMPARE(s.expiresAt(), bed->now().addSecs(30));
        const Session d = create(user("alice")).session;
        QCOMPARE(d.absoluteExpiresAt, bed->now().addSecs(3600));
        QCOMPARE(d.idleTimeoutSecs, 900);
    }

    void createRejectsOutOfRangeLifetimes()
    {
        CreateSessionRequest request;
        request.ttlSecs = 0;
        auto r = bed->await<CreatedSession>([&](auto done) { bed->service().create(user("a"), request, done); });
        QCOMPARE(r.error().code, ErrorCode::BadRequest);
        request.ttlSecs = 86401;
        r = bed->await<CreatedSession>([&](auto done) { bed->service().create(user("a"), request, done); });
        QCOMPARE(r.error().code, ErrorCode::BadRequest);
    }

    void usersCreateOnlyForThemselvesServicesForAnyone()
    {
        CreateSessionRequest request;
        request.userId = "bob";
        auto denied = bed->await<CreatedSession>([&](auto done) { bed->service().create(user("alice"), request, done); });
        QCOMPARE(denied.error().code, ErrorCode::PermissionDenied);
        const Caller service{"billing", Role::Service, QString(), QString()};
        QCOMPARE(create(service, request).session.userId, QString("bob"));
    }

    void anotherUsersSessionIsNotFoundButAdminsSeeIt()
    {
        const QString id = create(user("alice")).session.id;
        QCOMPARE(get(user("mallory"), id).error().code, ErrorCode::NotFound);
        QVERIFY(get(admin(), id).ok());
        QCOMPARE(get(user("alice"), "no-such-id").error().code, ErrorCode::NotFound);
        QCOMPARE(get(user("alice"), "../../etc/passwd").error().code, ErrorCode::NotFound);
    }

    void updateWithTheCurrentVersionBumpsIt()
    {
        const QString id = create(user("alice")).session.id;
        UpdateSessionRequest request;
        request.metadata = QJsonObject{{"k", "v"}};
        request.expectedVersion = 1;
        const Session s = update(user("alice"), id, request).value();
        QCOMPARE(s.version, 2);
        QCOMPARE(s.metadata["k"].toString(), QString("v"));
    }

    void updateWithAStaleVersionIsAConflictAndChangesNothing()
    {
        const QString id = create(user("alice")).session.id;
        UpdateSessionRequest first;
        first.state = SessionState::Idle;
        QVERIFY(update(user("alice"), id, first).ok());
        UpdateSessionRequest stale;
        stale.metadata = QJsonObject{{"lost", true}};
        stale.expectedVersion = 1;
        QCOMPARE(update(user("alice"), id, stale).error().code, ErrorCode::VersionConflict);
        const Session now = get(user("alice"), id).value();
        QCOMPARE(now.version, 2);
        QVERIFY(!now.metadata.contains("lost"));
    }

    void concurrentUpdatesWithoutIfMatchBothLand()
    {
        const QString id = create(user("alice")).session.id;
        int answered = 0;
        int succeeded = 0;
        QEventLoop loop;
        for (const char *key : {"a", "b", "c"}) {
            UpdateSessionRequest request;
            request.metadata = QJsonObject{{key, true}};
            bed->service().update(user("alice"), id, request, [&](Result<Session> r) {
                succeeded += r.ok() ? 1 : 0;
                if (++answered == 3)
                    loop.quit();
            });
        }
        loop.exec();
        QCOMPARE(succeeded, 3);
        QCOMPARE(get(user("alice"), id).value().version, 4);
    }

    void illegalTransitionsAreRefused()
    {
        const QString id = create(user("alice")).session.id;
        UpdateSessionRequest expire;
        expire.state = SessionState::Expired;
        QCOMPARE(update(user("alice"), id, expire).error().code, ErrorCode::IllegalTransition);
        UpdateSessionRequest terminate;
        terminate.state = SessionState::Terminated;
        QVERIFY(update(user("alice"), id, terminate).ok());
        UpdateSessionRequest revive;
        revive.state = SessionState::Active;
        QCOMPARE(update(user("alice"), id, revive).error().code, ErrorCode::IllegalTransition);
        UpdateSessionRequest metadata;
        metadata.metadata = QJsonObject{{"x", 1}};
        QCOMPARE(update(user("alice"), id, metadata).error().code, ErrorCode::IllegalTransition);
    }

    void activeAndIdleMayAlternate()
    {
        const QString id = create(user("alice")).session.id;
        UpdateSessionRequest idle;
        idle.state = SessionState::Idle;
        QCOMPARE(update(user("alice"), id, idle).value().state, SessionState::Idle);
        UpdateSessionRequest active;
        active.state = SessionState::Active;
        QCOMPARE(update(user("alice"), id, active).value().state, SessionState::Active);
    }

    void removeTerminatesAndClosesTheStreamsAndIsIdempotent()
    {
        const QString id = create(user("alice")).session.id;
        Recorder recorder;
        auto subscription = bed->streams().subscribe(id, std::nullopt, &recorder);
        auto removed = bed->await<void>([&](auto done) { bed->service().remove(user("alice"), id, done); });
        QVERIFY(removed.ok());
        QCOMPARE(recorder.types, (QList<QByteArray>{"session.terminated"}));
        QCOMPARE(recorder.closedReason, QByteArray("session.terminated"));
        QCOMPARE(get(user("alice"), id).value().state, SessionState::Terminated);
        auto again = bed->await<void>([&](auto done) { bed->service().remove(user("alice"), id, done); });
        QVERIFY(again.ok());
        auto other = bed->await<void>([&](auto done) { bed->service().remove(user("bob"), id, done); });
        QCOMPARE(other.error().code, ErrorCode::NotFound);
    }

    void updatesArePublishedOnTheSessionStream()
    {
        const QString id = create(user("alice")).session.id;
        Recorder recorder;
        auto subscription = bed->streams().subscribe(id, std::nullopt, &recorder);
        UpdateSessionRequest request;
        request.metadata = QJsonObject{{"k", 1}};
        QVERIFY(update(user("alice"), id, request).ok());
        QCOMPARE(recorder.types, (QList<QByteArray>{"session.updated"}));
    }

    void idleSessionExpiresAndItsStreamIsClosed()
    {
        CreateSessionRequest request;
        request.idleTimeoutSecs = 10;
        const QString id = create(user("alice"), request).session.id;
        Recorder recorder;
        auto subscription = bed->streams().subscribe(id, std::nullopt, &recorder);
        bed->advance(9);
        bed->sweep();
        QCOMPARE(get(admin(), id).value().state, SessionState::Active);
        bed->advance(2);
        bed->sweep();
        const Session expired = get(admin(), id).value();
        QCOMPARE(expired.state, SessionState::Expired);
        QCOMPARE(expired.version, 2);
        QCOMPARE(recorder.types, (QList<QByteArray>{"session.expired"}));
        QCOMPARE(recorder.closedReason, QByteArray("session.expired"));
    }

    void touchKeepsAnIdleSessionAliveUntilItsAbsoluteDeadline()
    {
        CreateSessionRequest request;
        request.idleTimeoutSecs = 10;
        request.ttlSecs = 25;
        const QString id = create(user("alice"), request).session.id;
        for (int i = 0; i < 3; ++i) {
            bed->advance(8);
            auto touched = bed->await<Session>([&](auto done) { bed->service().touch(user("alice"), id, done); });
            QVERIFY(touched.ok());
            QCOMPARE(touched->version, 1); // activity is not a write of the session's content
            bed->sweep();
            QCOMPARE(get(admin(), id).value().state, SessionState::Active);
        }
        bed->advance(2); // 26 s after creation: past the absolute deadline
        bed->sweep();
        QCOMPARE(get(admin(), id).value().state, SessionState::Expired);
    }

    void listShowsUsersOnlyTheirOwnSessionsInPages()
    {
        for (int i = 0; i < 5; ++i)
            create(user("alice"));
        create(user("bob"));
        QStringList seen;
        QString cursor;
        do {
            ListSessionsQuery query;
            query.limit = 2;
            query.cursor = cursor;
            auto page = bed->await<SessionPage>([&](auto done) { bed->service().list(user("alice"), query, done); });
            QVERIFY(page.ok());
            for (const Session &s : page->sessions) {
                QCOMPARE(s.userId, QString("alice"));
                seen << s.id;
            }
            cursor = page->nextCursor;
        } while (!cursor.isEmpty());
        QCOMPARE(seen.size(), 5);
        QCOMPARE(QSet<QString>(seen.begin(), seen.end()).size(), 5);

        ListSessionsQuery others;
        others.userId = "bob";
        auto none = bed->await<SessionPage>([&](auto done) { bed->service().list(user("alice"), others, done); });
        QVERIFY(none->sessions.isEmpty());
        auto all = bed->await<SessionPage>([&](auto done) { bed->service().list(admin(), ListSessionsQuery{}, done); });
        QCOMPARE(all->sessions.size(), 6);
    }

    void sessionTokenAuthenticatesOnlyItsOwnSession()
    {
        const CreatedSession a = create(user("alice"));
        const CreatedSession b = create(user("alice"));
        auto caller = bed->await<Caller>([&](auto done) {
            bed->service().authenticateSessionToken(a.session.id, a.token, done);
        });
        QVERIFY(caller.ok());
        QCOMPARE(caller->sessionScope, a.session.id);
        QVERIFY(get(caller.value(), a.session.id).ok());
        QCOMPARE(get(caller.value(), b.session.id).error().code, ErrorCode::NotFound);
        auto wrong = bed->await<Caller>([&](auto done) {
            bed->service().authenticateSessionToken(a.session.id, b.token, done);
        });
        QCOMPARE(wrong.error().code, ErrorCode::Unauthenticated);
    }

    void stoppingTheStoreClosesItOnItsOwnThreadAfterTheQueuedWrites()
    {
        bool created = false;
        bed->service().create(user("alice"), {}, [&](Result<CreatedSession> result) { created = result.ok(); });
        bed->storeExecutor().stop(); // with the insert still queued
        // SQLite folds the write-ahead log into the file and deletes it when the last
        // connection closes: a store closed from another thread (or not at all) leaves it.
        QVERIFY(!QFileInfo::exists(bed->dataDir() + "/sessions.db-wal"));
        QTRY_VERIFY(created); // its answer was sent before the store closed
    }

    void callsAfterTheStoreStoppedAreAnsweredUnavailable()
    {
        const QString id = create(user("alice")).session.id;
        bed->storeExecutor().stop();
        QCOMPARE(get(user("alice"), id).error().code, ErrorCode::Unavailable);
        UpdateSessionRequest request;
        request.metadata = QJsonObject{{"late", true}};
        QCOMPARE(update(user("alice"), id, request).error().code, ErrorCode::Unavailable);
    }

    void requestWithoutABackEndIsUnavailable()
    {
        const QString id = create(user("alice")).session.id;
        auto reply = bed->await<QJsonObject>([&](auto done) {
            bed->service().request(user("alice"), id, QJsonObject{{"type", "book"}}, done);
        });
        QCOMPARE(reply.error().code, ErrorCode::Unavailable);
    }
};

QTEST_GUILESS_MAIN(TestSessionService)
#include "tst_sessionservice.moc"
