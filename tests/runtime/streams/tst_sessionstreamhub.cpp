#include "logging/jsonlogger.h"
#include "metrics/metricsregistry.h"
#include "streams/sessionstreamhub.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace sm;

namespace {

// A subscriber that records what it gets; its backlog is set by the test.
class Recorder : public StreamSubscriber {
public:
    void onEvent(const Event &event) override { events.append(event); }
    qint64 backlogBytes() const override { return backlog; }
    void onClosed(const QByteArray &reason) override { closedReason = reason; }

    QList<QByteArray> types() const
    {
        QList<QByteArray> out;
        for (const Event &e : events)
            out.append(e.type);
        return out;
    }
    QList<quint64> seqs() const
    {
        QList<quint64> out;
        for (const Event &e : events)
            out.append(e.id.seq);
        return out;
    }

    QList<Event> events;
    qint64 backlog = 0;
    QByteArray closedReason;
};

QJsonObject dataOf(const Event &event)
{
    return QJsonDocument::fromJson(event.data).object();
}

} // namespace

class TestSessionStreamHub : public QObject {
    Q_OBJECT

private:
    JsonLogger m_log;
    JsonLogger::Component m_logger{m_log, "test"};
    MetricsRegistry m_metrics;

    SessionStreamHub::Options options(int history = 4, qint64 backlog = 1000)
    {
        SessionStreamHub::Options o;
        o.epoch = 7;
        o.historyPerSession = history;
        o.maxBacklogBytes = backlog;
        return o;
    }

private slots:
    void initTestCase() { m_log.setLevel(LogLevel::Error); }

    void eventIdsAreEpochDashSequence()
    {
        SessionStreamHub hub(options(), m_logger, m_metrics);
        QCOMPARE(hub.publish("s1", "a", "{}").toString(), QByteArray("7-1"));
        QCOMPARE(hub.publish("s1", "a", "{}").toString(), QByteArray("7-2"));
        QCOMPARE(hub.publish("s2", "a", "{}").toString(), QByteArray("7-1"));
    }

    void eventIdParsingRejectsMalformedIds()
    {
        QVERIFY(EventId::parse("7-3").has_value());
        QCOMPARE(EventId::parse("12-34")->seq, 34u);
        for (const char *bad : {"", "7", "-3", "7-", "a-1", "7-3-4", "+7-3", " 7-3", "7--3",
                                "99999999999999999999999-1"})
            QVERIFY2(!EventId::parse(bad).has_value(), bad);
    }

    void liveSubscriberReceivesEventsInOrder()
    {
        SessionStreamHub hub(options(), m_logger, m_metrics);
        Recorder r;
        auto sub = hub.subscribe("s1", std::nullopt, &r);
        hub.publish("s1", "a", "{\"n\":1}");
        hub.publish("s2", "other", "{}");
        hub.publish("s1", "b", "{\"n\":2}");
        QCOMPARE(r.types(), (QList<QByteArray>{"a", "b"}));
        QCOMPARE(r.seqs(), (QList<quint64>{1, 2}));
        QCOMPARE(dataOf(r.events[1])["n"].toInt(), 2);
    }

    void resumeReplaysEverythingAfterTheGivenId()
    {
        SessionStreamHub hub(options(), m_logger, m_metrics);
        for (int i = 0; i < 3; ++i)
            hub.publish("s1", "e", "{}");
        Recorder r;
        auto sub = hub.subscribe("s1", EventId{7, 1}, &r);
        QCOMPARE(r.seqs(), (QList<quint64>{2, 3}));
        hub.publish("s1", "e", "{}");
        QCOMPARE(r.seqs(), (QList<quint64>{2, 3, 4}));
    }

    void resumeFromTheLatestIdReplaysNothing()
    {
        SessionStreamHub hub(options(), m_logger, m_metrics);
        hub.publish("s1", "e", "{}");
        Recorder r;
        auto sub = hub.subscribe("s1", EventId{7, 1}, &r);
        QVERIFY(r.events.isEmpty());
    }

    void resumeFromEvictedHistoryGetsResetThenWhatIsLeft()
    {
        SessionStreamHub hub(options(/*history*/ 3), m_logger, m_metrics);
        for (int i = 0; i < 6; ++i)
            hub.publish("s1", "e", "{}"); // ring now holds 4..6
        Recorder r;
        auto sub = hub.subscribe("s1", EventId{7, 1}, &r);
        QCOMPARE(r.types(), (QList<QByteArray>{"reset", "e", "e", "e"}));
        QCOMPARE(r.seqs(), (QList<quint64>{3, 4, 5, 6}));
        const QJsonObject reset = dataOf(r.events[0]);
        QCOMPARE(reset["reason"].toString(), QString("history_evicted"));
        QCOMPARE(reset["requested"].toString(), QString("7-1"));
        QCOMPARE(reset["first_available"].toString(), QString("7-4"));
    }

    void resumeFromAnotherEpochGetsReset()
    {
        SessionStreamHub hub(options(), m_logger, m_metrics);
        hub.publish("s1", "e", "{}");
        Recorder r;
        auto sub = hub.subscribe("s1", EventId{6, 9}, &r);
        QCOMPARE(r.types(), (QList<QByteArray>{"reset", "e"}));
        QCOMPARE(dataOf(r.events[0])["reason"].toString(), QString("epoch_changed"));
    }

    void resumeFromTheFutureGetsResetAndGoesLive()
    {
        SessionStreamHub hub(options(), m_logger, m_metrics);
        hub.publish("s1", "e", "{}");
        Recorder r;
        auto sub = hub.subscribe("s1", EventId{7, 50}, &r);
        QCOMPARE(r.types(), (QList<QByteArray>{"reset"}));
        QCOMPARE(dataOf(r.events[0])["reason"].toString(), QString("unknown_position"));
        hub.publish("s1", "e", "{}");
        QCOMPARE(r.seqs().last(), 2u);
    }

    void slowSubscriberIsCutOffAndOthersContinue()
    {
        SessionStreamHub hub(options(4, /*backlog*/ 100), m_logger, m_metrics);
        Recorder slow;
        Recorder fast;
        auto s1 = hub.subscribe("s1", std::nullopt, &slow);
        auto s2 = hub.subscribe("s1", std::nullopt, &fast);
        hub.publish("s1", "e", "{}");
        slow.backlog = 101;
        hub.publish("s1", "e", "{}");
        hub.publish("s1", "e", "{}");
        QCOMPARE(slow.closedReason, QByteArray("slow_consumer"));
        QCOMPARE(slow.events.size(), 1);
        QCOMPARE(fast.events.size(), 3);
        QCOMPARE(hub.subscriberCount("s1"), 1);
    }

    void slowSubscriberIsCutOffDuringReplay()
    {
        SessionStreamHub hub(options(8, 100), m_logger, m_metrics);
        for (int i = 0; i < 5; ++i)
            hub.publish("s1", "e", "{}");
        Recorder r;
        r.backlog = 500;
        auto sub = hub.subscribe("s1", EventId{7, 0}, &r);
        QCOMPARE(r.closedReason, QByteArray("slow_consumer"));
        QVERIFY(r.events.isEmpty());
        QCOMPARE(hub.subscriberCount("s1"), 0);
    }

    void closeSessionSendsFinalEventAndClosesEverySubscriber()
    {
        SessionStreamHub hub(options(), m_logger, m_metrics);
        Recorder a;
        Recorder b;
        auto s1 = hub.subscribe("s1", std::nullopt, &a);
        auto s2 = hub.subscribe("s1", std::nullopt, &b);
        hub.closeSession("s1", "session.terminated", "{}");
        QCOMPARE(a.types(), (QList<QByteArray>{"session.terminated"}));
        QCOMPARE(a.closedReason, QByteArray("session.terminated"));
        QCOMPARE(b.closedReason, QByteArray("session.terminated"));
        QCOMPARE(hub.subscriberCount("s1"), 0);
    }

    void subscriberMayUnsubscribeFromInsideItsCallback()
    {
        SessionStreamHub hub(options(), m_logger, m_metrics);
        struct SelfRemoving : Recorder {
            std::unique_ptr<Subscription> sub;
            void onEvent(const Event &event) override
            {
                Recorder::onEvent(event);
                sub.reset();
            }
        } selfRemoving;
        Recorder other;
        selfRemoving.sub = hub.subscribe("s1", std::nullopt, &selfRemoving);
        auto s2 = hub.subscribe("s1", std::nullopt, &other);
        hub.publish("s1", "e", "{}");
        hub.publish("s1", "e", "{}");
        QCOMPARE(selfRemoving.events.size(), 1);
        QCOMPARE(other.events.size(), 2);
        QCOMPARE(hub.subscriberCount("s1"), 1);
    }

    void destroyedSubscriptionStopsDelivery()
    {
        SessionStreamHub hub(options(), m_logger, m_metrics);
        Recorder r;
        auto sub = hub.subscribe("s1", std::nullopt, &r);
        hub.publish("s1", "e", "{}");
        sub.reset();
        hub.publish("s1", "e", "{}");
        QCOMPARE(r.events.size(), 1);
    }

    void historyIsBoundedPerSession()
    {
        SessionStreamHub hub(options(3), m_logger, m_metrics);
        for (int i = 0; i < 100; ++i)
            hub.publish("s1", "e", "{}");
        Recorder r;
        auto sub = hub.subscribe("s1", EventId{7, 97}, &r);
        QCOMPARE(r.seqs(), (QList<quint64>{98, 99, 100}));
    }

    void eventBytesAreSharedNotCopiedPerSubscriber()
    {
        SessionStreamHub hub(options(), m_logger, m_metrics);
        Recorder a;
        Recorder b;
        auto s1 = hub.subscribe("s1", std::nullopt, &a);
        auto s2 = hub.subscribe("s1", std::nullopt, &b);
        hub.publish("s1", "e", QByteArray(1000, 'x'));
        QCOMPARE(a.events[0].data.constData(), b.events[0].data.constData());
    }
};

QTEST_GUILESS_MAIN(TestSessionStreamHub)
#include "tst_sessionstreamhub.moc"
