// `session-manager worker` as a real process behind a real gRPC channel: the Attach
// protocol (welcome, assign, request/reply, events, ping, snapshots, release), bad input,
// and a session rebuilt on a second worker from snapshot + journal after kill -9.
#include "attachclient.h"
#include "testhostcontext.h"
#include "workerunder.h"

#include <sm/backend.h>
#include <sm/plugin.h>

#include <QJsonDocument>
#include <QPluginLoader>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <map>

using namespace sm::worker::v1;
using Message = AttachClient::Message;

namespace {

constexpr int kTickMs = 20;
constexpr quint32 kSnapshotIntervalMs = 150;

const std::string kSubscribe = R"({"type":"subscribe","symbols":["SIM-A","SIM-B"]})";
const std::string kLimitBuy = R"({"type":"order","side":"buy","symbol":"SIM-A","kind":"limit","tif":"gtc",)"
                              R"("price":100.25,"qty":10,"client_order_id":"c1"})";
const std::string kMarketSell = R"({"type":"order","side":"sell","symbol":"SIM-B","kind":"market","qty":3,)"
                                R"("client_order_id":"c2"})";

QStringList fastTicks()
{
    return {QStringLiteral("--set"), QStringLiteral("exchange-sim.tick_interval_ms=%1").arg(kTickMs)};
}

auto replyTo(quint64 callId)
{
    return [callId](const Message &m) { return m.has_reply() && m.reply().call_id() == callId; };
}

auto eventOf(const std::string &session, quint64 minOpSeq = 0)
{
    return [session, minOpSeq](const Message &m) {
        return m.has_event() && m.event().session_id() == session && m.event().op_seq() >= minOpSeq;
    };
}

auto is(Message::BodyCase body)
{
    return [body](const Message &m) { return m.body_case() == body; };
}

QJsonObject json(const std::string &bytes)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(bytes)).object();
}

// One emitted event: (op_seq, type, data) as the worker puts them on the wire.
struct OpEvent {
    quint64 opSeq;
    std::string type;
    std::string data;
    bool operator==(const OpEvent &) const = default;
};

char *toString(const OpEvent &e)
{
    return qstrdup(QStringLiteral("op %1 %2 %3").arg(e.opSeq).arg(QString::fromStdString(e.type),
                                                                   QString::fromStdString(e.data)).toUtf8());
}

std::vector<OpEvent> eventsOf(const std::vector<Message> &messages, const std::string &session)
{
    std::vector<OpEvent> events;
    for (const Message &m : messages) {
        if (m.has_event() && m.event().session_id() == session)
            events.push_back({m.event().op_seq(), m.event().type(), m.event().data_json()});
    }
    return events;
}

// The exchange driven in this process, never interrupted: the reference a restored
// session must match. Journaled op_seq -> handle(), every other op_seq -> tick().
class ReferenceRun : public sm::BackendEventSink {
public:
    ReferenceRun(sm::BackendFactory &factory, quint64 seed)
        : m_backend(factory.createBackend(QStringLiteral("reference"), seed, this))
    {
    }
    std::vector<OpEvent> run(const std::map<quint64, std::string> &requests, quint64 lastOpSeq)
    {
        for (m_opSeq = 1; m_opSeq <= lastOpSeq; ++m_opSeq) {
            const auto request = requests.find(m_opSeq);
            if (request == requests.end())
                m_backend->tick();
            else
                (void)m_backend->handle(json(request->second));
        }
        return m_events;
    }

private:
    void emitEvent(const QByteArray &type, const QJsonObject &data) override
    {
        m_events.push_back({m_opSeq, type.toStdString(), QJsonDocument(data).toJson(QJsonDocument::Compact).toStdString()});
    }

    std::unique_ptr<sm::SessionBackend> m_backend;
    quint64 m_opSeq = 0;
    std::vector<OpEvent> m_events;
};

} // namespace

class TestWorkerProcess : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_loader = std::make_unique<QPluginLoader>(QStringLiteral(EXCHANGE_SIM_PLUGIN_PATH));
        m_plugin = qobject_cast<sm::Plugin *>(m_loader->instance());
        QVERIFY2(m_plugin, qPrintable(m_loader->errorString()));
        m_host = std::make_unique<TestHostContext>(QStringLiteral("exchange-sim"), QJsonObject{});
        QVERIFY(m_plugin->configure(*m_host).ok());
    }

    void welcomeComesFirstAndNamesTheWorker()
    {
        WorkerUnder worker(fastTicks());
        QVERIFY2(worker.start(), worker.output().constData());
        AttachClient client(worker.port());
        QVERIFY(client.send(AttachClient::hello(kSnapshotIntervalMs)));
        const auto first = client.waitFor([](const Message &) { return true; });
        QVERIFY(first && first->has_welcome());
        QCOMPARE(qint64(first->welcome().pid()), worker.pid());
        QCOMPARE(first->welcome().backend(), std::string("exchange-sim"));
        QCOMPARE(first->welcome().tick_interval_ms(), quint32(kTickMs));
        QCOMPARE(QString::fromStdString(first->welcome().worker_id()),
                 QStringLiteral("127.0.0.1:%1/%2").arg(worker.port()).arg(worker.pid()));
    }

    // The plugin dir also holds store and transport plugins (built as dependencies of this test).
    void workerRunsOnlyBackEndPluginsAndNoHttpListener()
    {
        WorkerUnder worker(fastTicks());
        QVERIFY(worker.start());
        QCOMPARE(worker.stop(), 0);
        QStringList started;
        for (const QByteArray &line : worker.output().split('\n')) {
            const QJsonObject entry = QJsonDocument::fromJson(line).object();
            if (entry.value("message").toString() == QLatin1String("plugin started"))
                started << entry.value("plugin").toString();
            QVERIFY2(entry.value("component").toString() != QLatin1String("http"), line.constData());
        }
        QCOMPARE(started, QStringList{QStringLiteral("exchange-sim")});
    }

    void orderIsAckedAndEventsCarryIncreasingOpSeq()
    {
        WorkerUnder worker(fastTicks());
        QVERIFY(worker.start());
        AttachClient client(worker.port());
        client.send(AttachClient::hello(kSnapshotIntervalMs));
        client.send(AttachClient::assign("s1", 7));
        const auto assigned = client.waitFor(is(Message::kAssigned));
        QVERIFY(assigned && assigned->assigned().ok());
        QCOMPARE(assigned->assigned().session_id(), std::string("s1"));

        client.send(AttachClient::request(1, "s1", kSubscribe));
        client.send(AttachClient::request(2, "s1", kLimitBuy));
        const auto subscribed = client.waitFor(replyTo(1));
        const auto ack = client.waitFor(replyTo(2));
        QVERIFY(subscribed && subscribed->reply().ok());
        QVERIFY(ack && ack->reply().ok());
        QCOMPARE(json(ack->reply().body_json()).value("type").toString(), QStringLiteral("order.ack"));
        QVERIFY(ack->reply().op_seq() > subscribed->reply().op_seq());
        QVERIFY(client.waitFor(eventOf("s1", ack->reply().op_seq() + 5)));

        quint64 previous = 0;
        bool sawMarketData = false;
        for (const Message &m : client.received()) {
            const quint64 opSeq = m.has_event() ? m.event().op_seq() : m.has_reply() ? m.reply().op_seq() : previous;
            QVERIFY2(opSeq >= previous, "op_seq went backwards");
            previous = opSeq;
            sawMarketData = sawMarketData || (m.has_event() && m.event().type().rfind("market.", 0) == 0);
        }
        QVERIFY(sawMarketData);
        const std::vector<OpEvent> events = eventsOf(client.received(), "s1");
        const bool ackEventAtReplyOp = std::any_of(events.begin(), events.end(), [&](const OpEvent &e) {
            return e.type == "order.ack" && e.opSeq == ack->reply().op_seq();
        });
        QVERIFY(ackEventAtReplyOp);
    }

    void eventsQueuedBehindAWriteArriveBatchedAndInOrder()
    {
        WorkerUnder worker(fastTicks());
        QVERIFY(worker.start());
        AttachClient client(worker.port());
        client.send(AttachClient::hello(kSnapshotIntervalMs));
        std::vector<std::string> sessions;
        for (int i = 0; i < 40; ++i) {
            sessions.push_back("s" + std::to_string(i));
            client.send(AttachClient::assign(sessions.back(), quint64(i + 1)));
            client.send(AttachClient::request(quint64(i + 1), sessions.back(), kSubscribe));
        }
        QVERIFY(client.waitFor(replyTo(40)));
        for (const std::string &session : sessions)
            QVERIFY(client.waitFor(eventOf(session, 10)));

        QVERIFY2(client.batchesReceived() > 0, "a tick's burst of events went out one message each");
        for (const std::string &session : sessions) {
            quint64 previous = 0;
            bool previousWasLast = true;
            for (const Message &m : client.received()) {
                if (!m.has_event() || m.event().session_id() != session)
                    continue;
                const quint64 opSeq = m.event().op_seq();
                QVERIFY2(opSeq >= previous, "op_seq went backwards");
                QVERIFY2(opSeq == previous || previousWasLast, "an operation's events were interleaved with the next one's");
                previous = opSeq;
                previousWasLast = m.event().last_of_op();
            }
        }
    }

    void pingIsAnsweredWithPongAndCounters()
    {
        WorkerUnder worker(fastTicks());
        QVERIFY(worker.start());
        AttachClient client(worker.port());
        client.send(AttachClient::hello(kSnapshotIntervalMs));
        client.send(AttachClient::assign("a", 1));
        client.send(AttachClient::assign("b", 2));
        client.send(AttachClient::request(1, "a", kSubscribe));
        RuntimeMessage ping;
        ping.mutable_ping()->set_seq(42);
        ping.mutable_ping()->set_sent_at_us(123456);
        client.send(ping);
        const auto pong = client.waitFor(is(Message::kPong));
        QVERIFY(pong);
        QCOMPARE(pong->pong().seq(), quint64(42));
        QCOMPARE(pong->pong().sent_at_us(), qint64(123456));
        QCOMPARE(pong->pong().sessions(), quint32(2));
        QCOMPARE(pong->pong().requests_total(), quint64(1));
    }

    void snapshotsArriveWhileTheSessionChanges()
    {
        WorkerUnder worker(fastTicks());
        QVERIFY(worker.start());
        AttachClient client(worker.port());
        client.send(AttachClient::hello(kSnapshotIntervalMs));
        client.send(AttachClient::assign("s", 9));
        const auto first = client.waitFor(is(Message::kSnapshot), 5000);
        const auto second = client.waitFor(is(Message::kSnapshot), 5000);
        QVERIFY(first && second);
        QCOMPARE(first->snapshot().session_id(), std::string("s"));
        QVERIFY(!first->snapshot().snapshot().empty());
        QVERIFY(first->snapshot().op_seq() > 0);
        QVERIFY(second->snapshot().op_seq() > first->snapshot().op_seq());
        // At most one per interval: ticks every 20 ms, snapshots every 150 ms.
        QVERIFY(second->snapshot().op_seq() - first->snapshot().op_seq() >= 3);
    }

    // One interval's snapshots of many sessions come over the whole interval, slice by
    // slice, not as one burst that would hold up everything behind it.
    void snapshotsOfManySessionsAreSpreadOverTheInterval()
    {
        constexpr quint32 kIntervalMs = 300;
        constexpr int kSessions = 40;
        WorkerUnder worker(fastTicks());
        QVERIFY(worker.start());
        AttachClient client(worker.port());
        client.send(AttachClient::hello(kIntervalMs));
        for (int i = 0; i < kSessions; ++i)
            client.send(AttachClient::assign("s" + std::to_string(i), quint64(i + 1)));
        QTest::qWait(int(kIntervalMs) * 2); // every session has ticked and been snapshotted once
        const auto from = std::chrono::steady_clock::now();
        QTest::qWait(int(kIntervalMs) * 2);

        const std::vector<Message> messages = client.received();
        const std::vector<std::chrono::steady_clock::time_point> at = client.receivedAt();
        std::map<std::string, std::chrono::steady_clock::time_point> firstSnapshot;
        for (size_t i = 0; i < messages.size(); ++i) {
            if (messages[i].has_snapshot() && at[i] >= from)
                firstSnapshot.try_emplace(messages[i].snapshot().session_id(), at[i]);
        }
        QCOMPARE(int(firstSnapshot.size()), kSessions);
        const auto [earliest, latest] = std::minmax_element(
            firstSnapshot.begin(), firstSnapshot.end(), [](const auto &a, const auto &b) { return a.second < b.second; });
        const auto spreadMs = std::chrono::duration_cast<std::chrono::milliseconds>(latest->second - earliest->second);
        QVERIFY2(spreadMs.count() >= qint64(kIntervalMs) / 3,
                 qPrintable(QStringLiteral("one interval's snapshots came within %1 ms").arg(spreadMs.count())));
    }

    void releaseAnswersWithAFinalSnapshotAndForgetsTheSession()
    {
        WorkerUnder worker(fastTicks());
        QVERIFY(worker.start());
        AttachClient client(worker.port());
        client.send(AttachClient::hello(kSnapshotIntervalMs));
        client.send(AttachClient::assign("kept", 3));
        client.send(AttachClient::assign("ended", 4));
        client.send(AttachClient::request(1, "kept", kSubscribe));
        QVERIFY(client.waitFor(replyTo(1)));
        RuntimeMessage release;
        release.mutable_release()->set_session_id("kept");
        client.send(release);
        release.mutable_release()->set_session_id("ended");
        release.mutable_release()->set_discard(true);
        client.send(release);

        const auto kept = client.waitFor(is(Message::kReleased));
        const auto ended = client.waitFor(is(Message::kReleased));
        QVERIFY(kept && ended);
        QCOMPARE(kept->released().session_id(), std::string("kept"));
        QVERIFY(!kept->released().snapshot().empty());
        QVERIFY(kept->released().op_seq() >= 1);
        QCOMPARE(ended->released().session_id(), std::string("ended"));
        QVERIFY(ended->released().snapshot().empty());

        client.send(AttachClient::request(2, "kept", kSubscribe));
        const auto gone = client.waitFor(replyTo(2));
        QVERIFY(gone && !gone->reply().ok());
        QCOMPARE(gone->reply().error_code(), std::string("not_found"));
    }

    void requestForAnUnknownSessionIsNotFound()
    {
        WorkerUnder worker(fastTicks());
        QVERIFY(worker.start());
        AttachClient client(worker.port());
        client.send(AttachClient::hello(kSnapshotIntervalMs));
        client.send(AttachClient::request(5, "nobody", kSubscribe));
        const auto reply = client.waitFor(replyTo(5));
        QVERIFY(reply);
        QVERIFY(!reply->reply().ok());
        QCOMPARE(reply->reply().error_code(), std::string("not_found"));
        QCOMPARE(reply->reply().session_id(), std::string("nobody"));
        QCOMPARE(reply->reply().op_seq(), quint64(0));
    }

    void malformedRequestIsBadRequestAndTheWorkerLivesOn()
    {
        WorkerUnder worker(fastTicks());
        QVERIFY(worker.start());
        AttachClient client(worker.port());
        client.send(AttachClient::hello(kSnapshotIntervalMs));
        client.send(AttachClient::assign("s", 5));
        client.send(AttachClient::request(1, "s", "{not json"));
        client.send(AttachClient::request(2, "s", "[1,2]"));
        client.send(AttachClient::request(3, "s", R"({"type":"teleport"})"));
        client.send(AttachClient::request(4, "s", kSubscribe));
        const auto broken = client.waitFor(replyTo(1));
        const auto array = client.waitFor(replyTo(2));
        const auto unknown = client.waitFor(replyTo(3));
        const auto fine = client.waitFor(replyTo(4));
        QVERIFY(broken && array && unknown && fine);
        for (const auto &bad : {broken, array, unknown}) {
            QVERIFY(!bad->reply().ok());
            QCOMPARE(bad->reply().error_code(), std::string("bad_request"));
            QVERIFY(!bad->reply().error_message().empty());
        }
        // Refused before the back-end: no operation. Refused by the back-end: one.
        QCOMPARE(broken->reply().op_seq(), quint64(0));
        QCOMPARE(array->reply().op_seq(), quint64(0));
        QVERIFY(unknown->reply().op_seq() > 0);
        QVERIFY(fine->reply().ok());
        QVERIFY(client.send(RuntimeMessage(AttachClient::hello(kSnapshotIntervalMs))));
    }

    void sigtermEndsAttachedStreamsAndExitsCleanly()
    {
        WorkerUnder worker(fastTicks());
        QVERIFY(worker.start());
        AttachClient client(worker.port());
        client.send(AttachClient::hello(kSnapshotIntervalMs));
        client.send(AttachClient::assign("s", 1));
        QVERIFY(client.waitFor(is(Message::kAssigned)));
        QCOMPARE(worker.stop(), 0);
        const auto end = client.waitForEnd();
        QVERIFY(end);
        QCOMPARE(end->error_code(), grpc::StatusCode::UNAVAILABLE);
    }

    void messageBeforeHelloEndsTheStream()
    {
        WorkerUnder worker(fastTicks());
        QVERIFY(worker.start());
        AttachClient client(worker.port());
        client.send(AttachClient::assign("s", 1));
        const auto end = client.waitForEnd();
        QVERIFY(end);
        QCOMPARE(end->error_code(), grpc::StatusCode::FAILED_PRECONDITION);
        AttachClient again(worker.port());
        again.send(AttachClient::hello(kSnapshotIntervalMs));
        QVERIFY(again.waitFor(is(Message::kWelcome)));
    }

    // Session A runs on worker 1 (requests and ticks), which is killed with SIGKILL. Worker 2
    // gets A's first snapshot, the journal of requests after it, and the last complete op_seq:
    // what it emits next must be exactly what an uninterrupted exchange emits.
    void restoredSessionContinuesExactlyWhereItLeftOff()
    {
        constexpr quint64 kSeed = 4242;
        const std::string session = "restored";
        std::map<quint64, std::string> requests; // op_seq -> request, as the runtime's journal

        WorkerUnder first(fastTicks());
        QVERIFY(first.start());
        AttachClient before(first.port());
        before.send(AttachClient::hello(kSnapshotIntervalMs));
        before.send(AttachClient::assign(session, kSeed));
        quint64 callId = 0;
        const auto call = [&](const std::string &body) {
            before.send(AttachClient::request(++callId, session, body));
            const auto reply = before.waitFor(replyTo(callId));
            QVERIFY(reply && reply->reply().op_seq() > 0);
            requests[reply->reply().op_seq()] = body;
        };
        call(kSubscribe);
        call(kLimitBuy);
        const auto snapshot = before.waitFor(is(Message::kSnapshot), 5000);
        QVERIFY(snapshot);
        QTest::qWait(3 * kTickMs);
        call(kMarketSell);
        call(R"({"type":"cancel","client_order_id":"c1"})");
        QVERIFY(before.waitFor(eventOf(session, requests.rbegin()->first + 10)));
        first.killHard();
        QVERIFY(before.waitForEnd());

        // The last op seen may have been cut off half-way through its events: resume after
        // the op before it, and expect the cut op's events again from the start.
        const std::vector<OpEvent> seen = eventsOf(before.received(), session);
        QVERIFY(!seen.empty());
        const quint64 lastSeen = seen.back().opSeq;
        QVERIFY(requests.rbegin()->first < lastSeen);
        const quint64 resume = lastSeen - 1;

        RuntimeMessage assign = AttachClient::assign(session, kSeed);
        assign.mutable_assign()->set_snapshot(snapshot->snapshot().snapshot());
        assign.mutable_assign()->set_snapshot_op_seq(snapshot->snapshot().op_seq());
        for (const auto &[opSeq, body] : requests) {
            if (opSeq <= snapshot->snapshot().op_seq())
                continue;
            JournalEntry *entry = assign.mutable_assign()->add_journal();
            entry->set_op_seq(opSeq);
            entry->set_request_json(body);
        }
        QCOMPARE(assign.assign().journal_size(), 2);
        assign.mutable_assign()->set_resume_op_seq(resume);

        WorkerUnder second(fastTicks());
        QVERIFY(second.start());
        AttachClient after(second.port());
        after.send(AttachClient::hello(kSnapshotIntervalMs));
        after.send(assign);
        const auto assigned = after.waitFor(is(Message::kAssigned));
        QVERIFY(assigned && assigned->assigned().ok());
        QVERIFY(after.waitFor(eventOf(session, resume + 30)));

        const std::vector<OpEvent> resumed = eventsOf(after.received(), session);
        QVERIFY(resumed.front().opSeq == resume + 1);
        const quint64 lastComplete = resumed.back().opSeq - 1;
        std::vector<OpEvent> stitched;
        std::copy_if(seen.begin(), seen.end(), std::back_inserter(stitched),
                     [&](const OpEvent &e) { return e.opSeq <= resume; });
        std::copy_if(resumed.begin(), resumed.end(), std::back_inserter(stitched),
                     [&](const OpEvent &e) { return e.opSeq <= lastComplete; });

        ReferenceRun reference(*m_plugin->backendFactory(), kSeed);
        const std::vector<OpEvent> expected = reference.run(requests, lastComplete);
        qInfo("compared %zu events over %llu ops (resumed at op %llu, snapshot at op %llu)", expected.size(),
              qulonglong(lastComplete), qulonglong(resume), qulonglong(snapshot->snapshot().op_seq()));
        QCOMPARE(stitched.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i)
            QCOMPARE(stitched[i], expected[i]);
        // What worker 1 sent of the cut op is a prefix of that op's full events.
        std::vector<OpEvent> cut;
        std::copy_if(seen.begin(), seen.end(), std::back_inserter(cut), [&](const OpEvent &e) { return e.opSeq == lastSeen; });
        for (size_t i = 0; i < cut.size(); ++i)
            QCOMPARE(cut[i], resumed[i]);
    }

private:
    std::unique_ptr<QPluginLoader> m_loader;
    sm::Plugin *m_plugin = nullptr;
    std::unique_ptr<TestHostContext> m_host;
};

QTEST_GUILESS_MAIN(TestWorkerProcess)
#include "tst_workerprocess.moc"
