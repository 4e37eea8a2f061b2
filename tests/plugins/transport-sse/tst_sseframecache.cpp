#include "sseframecache.h"

#include <QTest>

using sse::SseFrameCache;

class TestSseFrameCache : public QObject {
    Q_OBJECT

private slots:
    void formatsIdEventAndData()
    {
        const sm::Event event{{7, 42}, "market.quote", R"({"bid":1})"};
        QCOMPARE(SseFrameCache::format(event),
                 QByteArray("id: 7-42\nevent: market.quote\ndata: {\"bid\":1}\n\n"));
    }

    void multiLineDataBecomesSeveralDataFields()
    {
        const sm::Event event{{1, 1}, "x", "{\r\n\"a\": 1\n}"};
        QCOMPARE(SseFrameCache::format(event), QByteArray("id: 1-1\nevent: x\ndata: {\ndata: \"a\": 1\ndata: }\n\n"));
    }

    void lineBreaksInTypeCannotStartNewFields()
    {
        const sm::Event event{{1, 1}, "a\nid: 9-9", "{}"};
        QCOMPARE(SseFrameCache::format(event), QByteArray("id: 1-1\nevent: a id: 9-9\ndata: {}\n\n"));
    }

    void sameEventSharesOneBuffer()
    {
        SseFrameCache cache;
        const sm::Event event{{1, 5}, "order.fill", R"({"qty":3})"};
        const QByteArray first = cache.frame("s1", event);
        const QByteArray second = cache.frame("s1", event);
        QCOMPARE(second, first);
        QVERIFY(first.isSharedWith(second)); // formatted once, not per subscriber
    }

    void cachedFramesSurviveInterleavedSessions()
    {
        SseFrameCache cache;
        const sm::Event a{{1, 1}, "t", R"({"a":1})"};
        const sm::Event b{{1, 1}, "t", R"({"b":1})"};
        const QByteArray firstA = cache.frame("A", a);
        const QByteArray frameB = cache.frame("B", b); // same id, other session
        QVERIFY(frameB.contains("\"b\""));
        QVERIFY(cache.frame("A", a).isSharedWith(firstA));
    }

    void resetEventsAreNeverShared()
    {
        SseFrameCache cache;
        const sm::Event one{{1, 3}, "reset", R"({"requested":"1-1"})"};
        const sm::Event two{{1, 3}, "reset", R"({"requested":"1-2"})"};
        QVERIFY(cache.frame("s", one).contains("1-1"));
        QVERIFY(cache.frame("s", two).contains("1-2"));
    }

    void controlFrames()
    {
        QCOMPARE(SseFrameCache::retryFrame(2000), QByteArray("retry: 2000\n\n"));
        QCOMPARE(SseFrameCache::heartbeatFrame(), QByteArray(": hb\n\n"));
        QCOMPARE(SseFrameCache::adviceFrame("reconnect", R"({"reason":"shutdown"})"),
                 QByteArray("event: reconnect\ndata: {\"reason\":\"shutdown\"}\n\n"));
    }
};

QTEST_GUILESS_MAIN(TestSseFrameCache)
#include "tst_sseframecache.moc"
