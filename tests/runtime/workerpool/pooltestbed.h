#pragma once

#include "apiclient.h"
#include "runtimeprocess.h"
#include "sseclient.h"

#include <QJsonObject>
#include <QString>

#include <memory>

// The real runtime with real worker processes behind REST, as the worker-pool tests drive
// it: sessions, their requests, the admin view of the pool, and stream checks.
class PoolTestbed {
public:
    struct SessionRef {
        QString id;
        QString token;
    };

    PoolTestbed();
    ~PoolTestbed();

    // Settings and environment before start(); exchange-sim ticks every 20 ms and workers
    // snapshot every 200 ms unless a test says otherwise.
    RuntimeProcess &runtime() { return *m_runtime; }
    // Starts the runtime with `localWorkers` and waits until `expectedWorkers` (default:
    // the local ones) are live.
    bool start(int localWorkers, int expectedWorkers = -1);
    int stop();

    SessionRef createSession();
    ApiReply request(const SessionRef &session, const QJsonObject &body);
    ApiReply admin(const QByteArray &method, const QString &path, const QByteArray &body = {});
    QUrl eventsUrl(const SessionRef &session) const;

    QJsonObject poolStatus();
    QJsonObject workerStatus(const QString &workerId);
    int liveWorkers();
    bool waitForLiveWorkers(int count, int timeoutMs = 30000);
    QString workerOf(const SessionRef &session);
    qint64 pidOf(const QString &workerId);
    // Best ask of SIM-A once the session's book has three levels (subscribed to SIM-A).
    double waitForBestAsk(const SessionRef &session);
    // Subscribes to SIM-A and SIM-B, buys 2 at market (a position) and rests a buy of 3
    // well below the market under `clientOrderId`; false when any of it failed.
    bool tradeAndRest(const SessionRef &session, const QString &clientOrderId);

private:
    std::unique_ptr<RuntimeProcess> m_runtime;
    std::unique_ptr<ApiClient> m_api;
    QString m_user;
    QString m_admin;
};

// Ids are "<epoch>-<seq>": one epoch, sequence numbers increasing by one, no reset.
void verifyNoGap(const QList<SseFrame> &events);
// Waits (generously, the box may be loaded) until the stream has more than `count` frames;
// says what it saw when it gives up.
bool waitForFramesBeyond(SseClient &stream, qsizetype count);
bool hasEventTypes(const QList<SseFrame> &frames, const QList<QByteArray> &types);
