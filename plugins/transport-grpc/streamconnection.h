#pragma once

#include "callinfo.h"
#include "connectionfigures.h"
#include "outboundqueue.h"

#include "session.pb.h"

#include <sm/callback.h>
#include <sm/caller.h>
#include <sm/session.h>
#include <sm/streamhub.h>

#include <grpcpp/support/status.h>

#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>

#include <memory>
#include <optional>

namespace smgrpc {

class StreamRegistry;

// One StreamEvents or Connect call on the host thread: authenticates it like the SSE
// endpoint (Bearer token, or the session token), touches the session, subscribes to the
// session's stream in the hub and pushes each event into the call's bounded queue. A
// Connect stream also answers requests and pings and measures the round trip of the
// server's own pings. Owned by the StreamRegistry until gRPC is done with the call.
class StreamConnection : public QObject, public sm::StreamSubscriber {
public:
    enum class Kind { Events, Connect };

    StreamConnection(StreamRegistry &registry, Kind kind, std::shared_ptr<OutboundQueue> queue, CallInfo info,
                     ConnectionFigures figures);
    ~StreamConnection() override;

    void open(const std::string &sessionId, const std::string &lastEventId, const std::string &sessionToken,
              quint32 maxBatch);
    // Connect: one message from the client, in arrival order.
    void handle(const sm::v1::ConnectRequest &message);
    // Connect: the client will send nothing more; end once the pending replies are queued.
    void halfClosed();
    // Periodic: the server ping on Connect, and a touch when the idle deadline nears.
    void tick();
    // The plugin is stopping: reconnect advice, then UNAVAILABLE.
    void shutdown();
    // From the connection monitor: `quality` or `reconnect` advice for this client only;
    // and the end of the stream (UNAVAILABLE, so that it resumes elsewhere) after the
    // replies still pending.
    void advise(const QByteArray &type, const QByteArray &jsonData);
    void closeForReconnect();

    void onEvent(const sm::Event &event) override;
    qint64 backlogBytes() const override;
    void onClosed(const QByteArray &reason) override;

    ConnectionFigures figures() const;
    const CallInfo &info() const { return m_info; }
    double lastFlushMs() const;

private:
    enum class Phase { AwaitingOpen, Opening, Open };

    void authenticate(const QString &sessionId, const QString &token, sm::Callback<sm::Caller> done);
    void refuse(const sm::Error &error);
    void subscribe(const sm::Caller &caller, const sm::Session &session, std::optional<sm::EventId> after);
    void dispatch(const sm::v1::ConnectRequest &message);
    void submit(const sm::v1::ClientRequest &request);
    void pong(quint64 nonce);
    void reply(const std::string &correlationId, const sm::Result<QJsonObject> &result);
    void sendAdviceEvent(const QByteArray &type, const QByteArray &jsonData);
    void sendReconnectAdvice(const std::string &reason);
    void sendQualityAdvice(const QJsonObject &scored);
    bool send(std::unique_ptr<google::protobuf::Message> message);
    bool accepted(OutboundQueue::Push push);
    void cutOff(const QString &reason);
    void endWhenIdle(const grpc::Status &status);
    void end(const grpc::Status &status, bool dropQueued = false);
    void touchIfIdleDeadlineNears();

    StreamRegistry &m_registry;
    const Kind m_kind;
    std::shared_ptr<OutboundQueue> m_queue;
    const CallInfo m_info;
    ConnectionFigures m_figures;
    Phase m_phase;
    sm::Caller m_caller;
    std::unique_ptr<sm::Subscription> m_subscription;
    qint64 m_idleTimeoutSecs = 0;
    QElapsedTimer m_sinceTouch;
    QList<sm::v1::ConnectRequest> m_early; // Connect messages that arrived while opening
    int m_pendingRequests = 0;
    std::optional<grpc::Status> m_endWhenIdle;
    bool m_ended = false;
    bool m_replaying = false; // inside StreamHub::subscribe(), which replays the history first
    quint64 m_pingNonce = 0;
    QElapsedTimer m_pingSent;
};

} // namespace smgrpc
