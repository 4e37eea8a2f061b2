#include "storecontracttests.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

#include <algorithm>

namespace {

using sm::Session;
using sm::SessionState;
using sm::StoreWrite;

// An instant with a millisecond part, so a store that drops milliseconds is caught.
const QDateTime kBase = QDateTime::fromMSecsSinceEpoch(1'700'000'000'123, Qt::UTC);

QDateTime at(qint64 offsetMs)
{
    return kBase.addMSecs(offsetMs);
}

Session makeSession(const QString &id, const QString &userId = QStringLiteral("alice"),
                    SessionState state = SessionState::Active)
{
    Session session;
    session.id = id;
    session.userId = userId;
    session.state = state;
    session.version = 1;
    session.createdAt = kBase;
    session.lastUpdated = kBase;
    session.lastActivity = kBase;
    session.absoluteExpiresAt = kBase.addSecs(3600);
    session.metadata = {{"client_version", "1.0"}};
    session.worker = QStringLiteral("worker-1");
    session.tokenHash = QByteArray(32, '\x5a');
    return session;
}

StoreWrite insertOf(const Session &session)
{
    return StoreWrite{StoreWrite::Kind::Insert, session, 0};
}

StoreWrite updateOf(const Session &session, qint64 expectedVersion)
{
    return StoreWrite{StoreWrite::Kind::Update, session, expectedVersion};
}

StoreWrite touchOf(const QString &id, const QDateTime &lastActivity)
{
    Session session;
    session.id = id;
    session.lastActivity = lastActivity;
    return StoreWrite{StoreWrite::Kind::Touch, session, 0};
}

StoreWrite deleteOf(const QString &id)
{
    Session session;
    session.id = id;
    return StoreWrite{StoreWrite::Kind::Delete, session, 0};
}

// "ok", or the error's wire name: what the contract fixes about a result.
template <typename T>
QString outcome(const sm::Result<T> &result)
{
    return result.ok() ? QStringLiteral("ok") : QString::fromLatin1(sm::errorCodeName(result.error().code));
}

template <typename T>
QByteArray failureText(const sm::Result<T> &result)
{
    if (result.ok())
        return "ok";
    return QByteArray(sm::errorCodeName(result.error().code)) + ": " + result.error().message.toUtf8();
}

#define VERIFY_OK(result) QVERIFY2((result).ok(), failureText(result).constData())

QString json(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString timeText(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QStringLiteral("(invalid)");
}

// The first field in which two sessions differ, or empty when they are equal.
QString sessionDifference(const Session &actual, const Session &expected)
{
    const QList<std::tuple<const char *, QString, QString>> fields = {
        {"id", actual.id, expected.id},
        {"userId", actual.userId, expected.userId},
        {"state", sm::sessionStateName(actual.state), sm::sessionStateName(expected.state)},
        {"version", QString::number(actual.version), QString::number(expected.version)},
        {"createdAt", timeText(actual.createdAt), timeText(expected.createdAt)},
        {"lastUpdated", timeText(actual.lastUpdated), timeText(expected.lastUpdated)},
        {"lastActivity", timeText(actual.lastActivity), timeText(expected.lastActivity)},
        {"absoluteExpiresAt", timeText(actual.absoluteExpiresAt), timeText(expected.absoluteExpiresAt)},
        {"idleTimeoutSecs", QString::number(actual.idleTimeoutSecs), QString::number(expected.idleTimeoutSecs)},
        {"metadata", json(actual.metadata), json(expected.metadata)},
        {"context", json(actual.context), json(expected.context)},
        {"worker", actual.worker, expected.worker},
        {"tokenHash", QString::fromLatin1(actual.tokenHash.toHex()), QString::fromLatin1(expected.tokenHash.toHex())},
    };
    for (const auto &[name, got, wanted] : fields) {
        if (got != wanted)
            return QStringLiteral("%1: got \"%2\", expected \"%3\"").arg(QLatin1String(name), got, wanted);
    }
    return {};
}

QStringList idsOf(const QList<Session> &sessions)
{
    QStringList ids;
    for (const Session &session : sessions)
        ids.append(session.id);
    return ids;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

} // namespace

StoreContractTests::StoreContractTests(StoreMaker createFresh, StoreMaker reopen, QObject *parent)
    : QObject(parent), m_createFresh(std::move(createFresh)), m_reopen(std::move(reopen))
{
}

void StoreContractTests::init()
{
    m_store = m_createFresh();
    QVERIFY(m_store);
    const auto opened = m_store->open();
    VERIFY_OK(opened);
}

void StoreContractTests::cleanup()
{
    if (m_store)
        m_store->close();
    m_store.reset();
}

sm::Result<Session> StoreContractTests::writeOne(const StoreWrite &write)
{
    const auto results = m_store->write({write});
    if (results.size() != 1) {
        return sm::makeError(sm::ErrorCode::Internal,
                             QStringLiteral("write() answered %1 results for one write").arg(results.size()));
    }
    return results.first();
}

bool StoreContractTests::insertAll(const QList<Session> &sessions)
{
    QList<StoreWrite> writes;
    for (const Session &session : sessions)
        writes.append(insertOf(session));
    const auto results = m_store->write(writes);
    return results.size() == sessions.size()
        && std::all_of(results.cbegin(), results.cend(), [](const auto &result) { return result.ok(); });
}

// Follows the cursors to the end; an empty list with a test failure when a page fails.
QStringList StoreContractTests::listAllIds(sm::ListSessionsQuery query)
{
    QStringList ids;
    for (int pages = 0; pages < 1000; ++pages) {
        const auto page = m_store->list(query);
        if (!page) {
            QTest::qFail(failureText(page).constData(), __FILE__, __LINE__);
            return {};
        }
        ids += idsOf(page->sessions);
        if (page->nextCursor.isEmpty())
            return ids;
        query.cursor = page->nextCursor;
    }
    QTest::qFail("list() never reached a last page", __FILE__, __LINE__);
    return {};
}

void StoreContractTests::insertThenGetReturnsEveryField()
{
    Session session = makeSession(QStringLiteral("Zx9-full_session_0001"), QStringLiteral("user-ü"),
                                  SessionState::Idle);
    session.version = 3;
    session.lastUpdated = at(1'007);
    session.lastActivity = at(2'009);
    session.absoluteExpiresAt = at(3'600'001);
    session.idleTimeoutSecs = 900;
    session.metadata = {{"ip_address", "203.0.113.9"},
                        {"client_version", "2.1.0"},
                        {"nested", QJsonObject{{"list", QJsonArray{1, 2.5, "three", true}}}}};
    session.context = {{"cash", 1000.25}, {"symbols", QJsonArray{"AAPL", "MSFT"}}};
    session.worker = QStringLiteral("worker-2");
    session.tokenHash = QByteArray::fromHex("00ff10ee20dd30cc40bb50aa6099708880779066a055b044c033d022e011f000");

    const auto inserted = writeOne(insertOf(session));
    VERIFY_OK(inserted);
    QCOMPARE(sessionDifference(inserted.value(), session), QString());

    const auto stored = m_store->get(session.id);
    VERIFY_OK(stored);
    QCOMPARE(sessionDifference(stored.value(), session), QString());
    QCOMPARE(stored->createdAt.timeSpec(), Qt::UTC);
    QCOMPARE(stored->expiresAt(), at(2'009).addSecs(900));
}

void StoreContractTests::insertKeepsUnsetFieldsUnset()
{
    Session session = makeSession(QStringLiteral("bare"));
    session.lastActivity = QDateTime();
    session.metadata = {};
    session.worker.clear();
    session.tokenHash.clear();
    VERIFY_OK(writeOne(insertOf(session)));

    const auto stored = m_store->get(session.id);
    VERIFY_OK(stored);
    QVERIFY(!stored->lastActivity.isValid());
    QVERIFY(stored->metadata.isEmpty());
    QVERIFY(stored->context.isEmpty());
    QVERIFY(stored->worker.isEmpty());
    QVERIFY(stored->tokenHash.isEmpty());
    QCOMPARE(stored->expiresAt(), session.absoluteExpiresAt);
}

void StoreContractTests::insertOfTakenIdIsAlreadyExistsAndKeepsTheOriginal()
{
    const Session original = makeSession(QStringLiteral("taken"), QStringLiteral("alice"));
    VERIFY_OK(writeOne(insertOf(original)));

    const auto duplicate = writeOne(insertOf(makeSession(QStringLiteral("taken"), QStringLiteral("mallory"))));
    QCOMPARE(outcome(duplicate), QStringLiteral("already_exists"));

    const auto stored = m_store->get(original.id);
    VERIFY_OK(stored);
    QCOMPARE(stored->userId, QStringLiteral("alice"));
}

void StoreContractTests::insertWithoutIdIsRejected()
{
    const auto inserted = writeOne(insertOf(makeSession(QString())));
    QCOMPARE(outcome(inserted), QStringLiteral("bad_request"));
}

void StoreContractTests::getOfUnknownIdIsNotFound()
{
    QCOMPARE(outcome(m_store->get(QStringLiteral("nobody-home"))), QStringLiteral("not_found"));
}

void StoreContractTests::updateWithCurrentVersionReplacesWritableFieldsAndBumpsVersion()
{
    const Session original = makeSession(QStringLiteral("upd"));
    VERIFY_OK(writeOne(insertOf(original)));

    Session change = original;
    change.state = SessionState::Idle;
    change.metadata = {{"client_version", "2.0"}};
    change.context = {{"seed", 42}};
    change.worker = QStringLiteral("worker-9");
    change.lastUpdated = at(5'005);
    // Not writable through Update: the store keeps what it has.
    change.userId = QStringLiteral("mallory");
    change.createdAt = at(9'999);
    change.lastActivity = at(9'999);
    change.absoluteExpiresAt = at(9'999);
    change.idleTimeoutSecs = 1;
    change.tokenHash = QByteArray(32, '\x01');

    Session expected = original;
    expected.state = SessionState::Idle;
    expected.metadata = change.metadata;
    expected.context = change.context;
    expected.worker = change.worker;
    expected.lastUpdated = change.lastUpdated;
    expected.version = 2;

    const auto updated = writeOne(updateOf(change, 1));
    VERIFY_OK(updated);
    QCOMPARE(sessionDifference(updated.value(), expected), QString());
    const auto stored = m_store->get(original.id);
    VERIFY_OK(stored);
    QCOMPARE(sessionDifference(stored.value(), expected), QString());
}

void StoreContractTests::updateWithStaleVersionIsConflictAndLeavesRowUnchanged()
{
    Session session = makeSession(QStringLiteral("stale"));
    VERIFY_OK(writeOne(insertOf(session)));
    session.metadata = {{"winner", "first"}};
    const auto first = writeOne(updateOf(session, 1));
    VERIFY_OK(first);

    session.metadata = {{"winner", "second"}};
    session.state = SessionState::Terminated;
    QCOMPARE(outcome(writeOne(updateOf(session, 1))), QStringLiteral("version_conflict"));

    const auto stored = m_store->get(session.id);
    VERIFY_OK(stored);
    QCOMPARE(sessionDifference(stored.value(), first.value()), QString());
}

void StoreContractTests::writeToUnknownIdIsNotFound_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("update") << int(StoreWrite::Kind::Update);
    QTest::newRow("touch") << int(StoreWrite::Kind::Touch);
    QTest::newRow("delete") << int(StoreWrite::Kind::Delete);
}

void StoreContractTests::writeToUnknownIdIsNotFound()
{
    QFETCH(int, kind);
    VERIFY_OK(writeOne(insertOf(makeSession(QStringLiteral("someone-else")))));
    StoreWrite write{StoreWrite::Kind(kind), makeSession(QStringLiteral("ghost")), 1};
    QCOMPARE(outcome(writeOne(write)), QStringLiteral("not_found"));
    QCOMPARE(outcome(m_store->get(QStringLiteral("ghost"))), QStringLiteral("not_found"));
}

void StoreContractTests::touchChangesOnlyLastActivity()
{
    const Session original = makeSession(QStringLiteral("touchy"));
    VERIFY_OK(writeOne(insertOf(original)));

    Session touch = makeSession(original.id, QStringLiteral("mallory"), SessionState::Terminated);
    touch.lastActivity = at(60'000);
    touch.lastUpdated = at(60'000);
    touch.metadata = {{"ignored", true}};
    const auto touched = writeOne(StoreWrite{StoreWrite::Kind::Touch, touch, 0});
    VERIFY_OK(touched);

    Session expected = original;
    expected.lastActivity = at(60'000);
    QCOMPARE(sessionDifference(touched.value(), expected), QString());
    const auto stored = m_store->get(original.id);
    VERIFY_OK(stored);
    QCOMPARE(sessionDifference(stored.value(), expected), QString());
}

void StoreContractTests::touchPushesTheIdleDeadlineOut()
{
    Session session = makeSession(QStringLiteral("idle-60s"));
    session.idleTimeoutSecs = 60;
    VERIFY_OK(writeOne(insertOf(session)));

    VERIFY_OK(writeOne(touchOf(session.id, at(30'000))));

    const auto early = m_store->expireDue(at(61'000), 10);
    VERIFY_OK(early);
    QVERIFY2(early->isEmpty(), "expired at the deadline from before the touch");
    const auto due = m_store->expireDue(at(90'000), 10);
    VERIFY_OK(due);
    QCOMPARE(idsOf(due.value()), QStringList{session.id});
}

void StoreContractTests::deleteRemovesTheSession()
{
    const Session session = makeSession(QStringLiteral("doomed"));
    VERIFY_OK(writeOne(insertOf(session)));
    const auto deleted = writeOne(deleteOf(session.id));
    VERIFY_OK(deleted);
    QCOMPARE(outcome(m_store->get(session.id)), QStringLiteral("not_found"));
    QCOMPARE(outcome(writeOne(deleteOf(session.id))), QStringLiteral("not_found"));
}

void StoreContractTests::emptyBatchAnswersNothing()
{
    QVERIFY(m_store->write({}).isEmpty());
}

void StoreContractTests::batchCommitsTheWritesAroundFailedOnes()
{
    VERIFY_OK(writeOne(insertOf(makeSession(QStringLiteral("b")))));
    const QList<StoreWrite> batch = {
        insertOf(makeSession(QStringLiteral("a"))),
        updateOf(makeSession(QStringLiteral("b")), 7),
        insertOf(makeSession(QStringLiteral("c"))),
        insertOf(makeSession(QStringLiteral("a"))),
        touchOf(QStringLiteral("ghost"), at(1)),
        deleteOf(QStringLiteral("b")),
    };

    const auto results = m_store->write(batch);

    QStringList outcomes;
    for (const auto &result : results)
        outcomes.append(outcome(result));
    QCOMPARE(outcomes, (QStringList{"ok", "version_conflict", "ok", "already_exists", "not_found", "ok"}));
    VERIFY_OK(m_store->get(QStringLiteral("a")));
    VERIFY_OK(m_store->get(QStringLiteral("c")));
    QCOMPARE(outcome(m_store->get(QStringLiteral("b"))), QStringLiteral("not_found"));
}

void StoreContractTests::batchWritesSeeEarlierWritesOfTheSameBatch()
{
    Session session = makeSession(QStringLiteral("chain"));
    Session changed = session;
    changed.state = SessionState::Idle;
    const auto results = m_store->write({insertOf(session), updateOf(changed, 1),
                                         touchOf(session.id, at(10)), updateOf(session, 2)});

    QCOMPARE(results.size(), 4);
    QList<qint64> versions;
    for (const auto &result : results) {
        VERIFY_OK(result);
        versions.append(result->version);
    }
    QCOMPARE(versions, (QList<qint64>{1, 2, 2, 3}));
    const auto stored = m_store->get(session.id);
    VERIFY_OK(stored);
    QCOMPARE(stored->version, 3);
    QCOMPARE(stored->state, SessionState::Active);
    QCOMPARE(stored->lastActivity, at(10));
}

void StoreContractTests::listFiltersByUserAndState()
{
    QVERIFY(insertAll({makeSession("a1", "alice"), makeSession("a2", "alice"),
                       makeSession("a3", "alice", SessionState::Idle), makeSession("b1", "bob"),
                       makeSession("b2", "bob", SessionState::Terminated)}));
    auto query = [](std::optional<QString> user, std::optional<SessionState> state) {
        sm::ListSessionsQuery q;
        q.userId = std::move(user);
        q.state = state;
        q.limit = 500;
        return q;
    };

    QCOMPARE(sorted(listAllIds(query(std::nullopt, std::nullopt))), (QStringList{"a1", "a2", "a3", "b1", "b2"}));
    QCOMPARE(sorted(listAllIds(query("alice", std::nullopt))), (QStringList{"a1", "a2", "a3"}));
    QCOMPARE(sorted(listAllIds(query(std::nullopt, SessionState::Active))), (QStringList{"a1", "a2", "b1"}));
    QCOMPARE(sorted(listAllIds(query("bob", SessionState::Terminated))), QStringList{"b2"});
    QCOMPARE(listAllIds(query("carol", std::nullopt)), QStringList());
}

void StoreContractTests::listPagesCoverEveryRowOnceInCreationOrder()
{
    // 25 sessions over 5 creation instants: ties are broken by id. Inserted in an order
    // that is neither, so a store returning insertion order fails.
    QList<Session> sessions;
    for (int i = 0; i < 25; ++i) {
        Session session = makeSession(QStringLiteral("s%1").arg((i * 7) % 25, 2, 10, QLatin1Char('0')));
        session.createdAt = at(((i * 3) % 5) * 1000);
        sessions.append(session);
    }
    QVERIFY(insertAll(sessions));
    std::sort(sessions.begin(), sessions.end(), [](const Session &a, const Session &b) {
        return std::pair(a.createdAt, a.id) < std::pair(b.createdAt, b.id);
    });

    sm::ListSessionsQuery query;
    query.limit = 5;
    int pages = 0;
    QStringList ids;
    for (;;) {
        const auto page = m_store->list(query);
        VERIFY_OK(page);
        ++pages;
        QVERIFY(page->sessions.size() <= 5);
        ids += idsOf(page->sessions);
        if (page->nextCursor.isEmpty())
            break;
        QVERIFY(pages < 10);
        query.cursor = page->nextCursor;
    }
    QCOMPARE(ids, idsOf(sessions));
    QCOMPARE(pages, 5); // a full last page carries no cursor to an empty one
}

void StoreContractTests::listPagingIsStableWhileRowsAreInserted()
{
    QList<Session> sessions;
    for (int i = 0; i < 10; ++i) {
        Session session = makeSession(QStringLiteral("p%1").arg(i));
        session.createdAt = at(1000 + i);
        sessions.append(session);
    }
    QVERIFY(insertAll(sessions));

    sm::ListSessionsQuery query;
    query.limit = 4;
    const auto first = m_store->list(query);
    VERIFY_OK(first);
    Session earlier = makeSession(QStringLiteral("early-bird"));
    earlier.createdAt = at(0);
    Session later = makeSession(QStringLiteral("late-comer"));
    later.createdAt = at(5000);
    QVERIFY(insertAll({earlier, later}));

    query.cursor = first->nextCursor;
    const QStringList ids = idsOf(first->sessions) + listAllIds(query);
    QCOMPARE(ids, idsOf(sessions) + QStringList{later.id});
}

void StoreContractTests::listClampsTheLimit()
{
    QList<Session> sessions;
    for (int i = 0; i < 501; ++i)
        sessions.append(makeSession(QStringLiteral("n%1").arg(i, 3, 10, QLatin1Char('0'))));
    QVERIFY(insertAll(sessions));

    for (int tooSmall : {0, -5}) {
        sm::ListSessionsQuery query;
        query.limit = tooSmall;
        const auto page = m_store->list(query);
        VERIFY_OK(page);
        QCOMPARE(page->sessions.size(), 1);
        QVERIFY(!page->nextCursor.isEmpty());
    }
    sm::ListSessionsQuery query;
    query.limit = 100000;
    const auto page = m_store->list(query);
    VERIFY_OK(page);
    QCOMPARE(page->sessions.size(), 500);
    QVERIFY(!page->nextCursor.isEmpty());
}

void StoreContractTests::listRejectsMalformedCursor()
{
    VERIFY_OK(writeOne(insertOf(makeSession(QStringLiteral("x")))));
    sm::ListSessionsQuery query;
    query.cursor = QStringLiteral("not a cursor!");
    QCOMPARE(outcome(m_store->list(query)), QStringLiteral("bad_request"));
}

void StoreContractTests::expireDueTakesOnlyDueActiveOrIdleSessions()
{
    const QDateTime now = at(10'000);
    auto withDeadline = [](const QString &id, SessionState state, const QDateTime &absolute) {
        Session session = makeSession(id, QStringLiteral("alice"), state);
        session.absoluteExpiresAt = absolute;
        return session;
    };
    Session idleTimedOut = withDeadline("idle-timed-out", SessionState::Active, at(3'600'000));
    idleTimedOut.idleTimeoutSecs = 5;
    Session recentlyActive = withDeadline("recently-active", SessionState::Active, at(3'600'000));
    recentlyActive.idleTimeoutSecs = 5;
    recentlyActive.lastActivity = at(9'000);
    QVERIFY(insertAll({
        withDeadline("active-due", SessionState::Active, at(9'999)),
        withDeadline("idle-due", SessionState::Idle, at(1'000)),
        withDeadline("due-exactly-now", SessionState::Active, now),
        idleTimedOut,
        withDeadline("not-due", SessionState::Active, at(10'001)),
        recentlyActive,
        withDeadline("terminated", SessionState::Terminated, at(1'000)),
        withDeadline("already-expired", SessionState::Expired, at(1'000)),
    }));

    const auto expired = m_store->expireDue(now, 100);
    VERIFY_OK(expired);
    QCOMPARE(sorted(idsOf(expired.value())),
             (QStringList{"active-due", "due-exactly-now", "idle-due", "idle-timed-out"}));
    for (const Session &session : expired.value()) {
        QCOMPARE(session.state, SessionState::Expired);
        QCOMPARE(session.version, 2);
        QCOMPARE(session.lastUpdated, now);
        const auto stored = m_store->get(session.id);
        VERIFY_OK(stored);
        QCOMPARE(sessionDifference(stored.value(), session), QString());
    }
    for (const char *untouched : {"not-due", "recently-active", "terminated", "already-expired"}) {
        const auto stored = m_store->get(QLatin1String(untouched));
        VERIFY_OK(stored);
        QCOMPARE(stored->version, 1);
    }
    const auto again = m_store->expireDue(now, 100);
    VERIFY_OK(again);
    QVERIFY(again->isEmpty());
}

void StoreContractTests::expireDueTakesAtMostLimit()
{
    QList<Session> sessions;
    for (int i = 0; i < 5; ++i) {
        Session session = makeSession(QStringLiteral("due-%1").arg(i));
        session.absoluteExpiresAt = at(i);
        sessions.append(session);
    }
    QVERIFY(insertAll(sessions));

    QStringList taken;
    for (int expectedCount : {2, 2, 1, 0}) {
        const auto expired = m_store->expireDue(at(60'000), 2);
        VERIFY_OK(expired);
        QCOMPARE(expired->size(), expectedCount);
        taken += idsOf(expired.value());
    }
    QCOMPARE(sorted(taken), idsOf(sessions));
}

void StoreContractTests::purgeFinalDeletesOnlyFinalSessionsUpdatedBefore()
{
    auto updatedAt = [](const QString &id, SessionState state, const QDateTime &lastUpdated) {
        Session session = makeSession(id, QStringLiteral("alice"), state);
        session.lastUpdated = lastUpdated;
        return session;
    };
    const QDateTime cutoff = at(3'600'000);
    QVERIFY(insertAll({
        updatedAt("old-terminated", SessionState::Terminated, at(0)),
        updatedAt("old-expired", SessionState::Expired, at(0)),
        updatedAt("recent-terminated", SessionState::Terminated, cutoff),
        updatedAt("old-active", SessionState::Active, at(0)),
        updatedAt("old-idle", SessionState::Idle, at(0)),
    }));

    const auto purged = m_store->purgeFinal(cutoff, 100);
    VERIFY_OK(purged);
    QCOMPARE(purged.value(), 2);
    QCOMPARE(outcome(m_store->get(QStringLiteral("old-terminated"))), QStringLiteral("not_found"));
    QCOMPARE(outcome(m_store->get(QStringLiteral("old-expired"))), QStringLiteral("not_found"));
    QCOMPARE(sorted(listAllIds({})), (QStringList{"old-active", "old-idle", "recent-terminated"}));
}

void StoreContractTests::purgeFinalTakesAtMostLimit()
{
    QList<Session> sessions;
    for (int i = 0; i < 3; ++i)
        sessions.append(makeSession(QStringLiteral("t%1").arg(i), QStringLiteral("alice"), SessionState::Terminated));
    QVERIFY(insertAll(sessions));

    QList<int> counts;
    for (int round = 0; round < 3; ++round) {
        const auto purged = m_store->purgeFinal(at(1), 2);
        VERIFY_OK(purged);
        counts.append(purged.value());
    }
    QCOMPARE(counts, (QList<int>{2, 1, 0}));
}

void StoreContractTests::pingAnswersOnOpenStore()
{
    VERIFY_OK(m_store->ping());
}

void StoreContractTests::callsAfterCloseAreUnavailable()
{
    m_store->close();
    QCOMPARE(outcome(m_store->ping()), QStringLiteral("unavailable"));
    QCOMPARE(outcome(m_store->get(QStringLiteral("x"))), QStringLiteral("unavailable"));
    const auto results = m_store->write({insertOf(makeSession("x")), insertOf(makeSession("y"))});
    QCOMPARE(results.size(), 2);
    QCOMPARE(outcome(results.at(0)), QStringLiteral("unavailable"));
    QCOMPARE(outcome(results.at(1)), QStringLiteral("unavailable"));
}

void StoreContractTests::sessionsSurviveReopen()
{
    Session session = makeSession(QStringLiteral("durable"));
    session.context = {{"orders", QJsonArray{1, 2, 3}}};
    VERIFY_OK(writeOne(insertOf(session)));
    session.state = SessionState::Idle;
    const auto updated = writeOne(updateOf(session, 1));
    VERIFY_OK(updated);
    VERIFY_OK(writeOne(insertOf(makeSession(QStringLiteral("gone")))));
    VERIFY_OK(writeOne(deleteOf(QStringLiteral("gone"))));

    m_store->close();
    m_store = m_reopen();
    QVERIFY(m_store);
    VERIFY_OK(m_store->open());

    const auto stored = m_store->get(session.id);
    VERIFY_OK(stored);
    QCOMPARE(sessionDifference(stored.value(), updated.value()), QString());
    QCOMPARE(outcome(m_store->get(QStringLiteral("gone"))), QStringLiteral("not_found"));
}
