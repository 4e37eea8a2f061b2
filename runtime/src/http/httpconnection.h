#pragma once

#include "http/httprequestparser.h"
#include "http/httpwire.h"

#include <QObject>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>


namespace sm {

class HttpConnection;
class HttpConnectionExchange;

struct HttpConnectionSettings {
    HttpParserLimits limits;
    std::chrono::milliseconds idleTimeout{60000};    // keep-alive wait for the next request
    std::chrono::milliseconds requestTimeout{30000}; // first byte of a request to its last
    std::chrono::milliseconds closeTimeout{10000};   // flushing the last response before abort
    int maxPipelinedRequests = 32;                   // parsed, unanswered; reading pauses above
    qint64 readBufferBytes = 64 * 1024;              // socket buffer while reading is paused
};

// What the connection asks of its listener.
struct HttpConnectionHooks {
    std::function<void(const std::shared_ptr<HttpConnectionExchange> &)> dispatch;
    std::function<void(const HttpRequest &, HttpHeaders &)> decorate;  // request id, CORS
    std::function<void(const HttpConnectionExchange &)> completed;      // access log
    std::function<void(QTcpSocket *)> webSocketHandover;
    std::function<void(HttpConnection *)> finished; // erase it; the connection deletes itself later
};

// One client connection: reads and frames requests, hands each to the listener as an
// exchange, and writes responses strictly in request order, even when handlers answer
// out of order. Owns its socket; nothing else writes to it.
//
// This replaces QtHttpServer 6.4's per-socket handling, which cannot be made correct
// from its public API (checked against 6.4.2): it buffers a whole body before any
// handler runs (no early 413), drops a request with an oversized header instead of
// answering 431, closes silently on malformed input (no 400), has no read or idle
// timeouts, ignores "Connection: close", writes out of order when handlers answer
// asynchronously, and writes pipelined replies into an open SSE stream.
class HttpConnection : public QObject {
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, const HttpConnectionSettings &settings,
                   HttpConnectionHooks hooks, QObject *parent = nullptr);
    ~HttpConnection() override;

    bool isOpen() const { return !m_finished; }
    qintptr socketDescriptor() const { return m_socket ? m_socket->socketDescriptor() : -1; }
    void abort();

    // Exchange and stream side; all no-ops once the connection is finished.
    void respond(HttpConnectionExchange &exchange, HttpResponse response, bool closeAfter = false);
    std::shared_ptr<HttpStream> startStream(HttpConnectionExchange &exchange, int status,
                                            const HttpHeaders &headers);
    void writeStream(HttpConnectionExchange &exchange, const QByteArray &bytes);
    void endStream(HttpConnectionExchange &exchange);
    qint64 queuedBytes(const HttpConnectionExchange &exchange) const;
    bool handOverWebSocket(HttpConnectionExchange &exchange);

private:
    enum class TimerMode { None, Idle, Request, Closing };

    void onReadyRead();
    void takeRequests();
    void settleTransaction();
    void answerParseError(const HttpParseError &error);
    void sendContinueIfExpected();
    void admit(ParsedRequest parsed, bool upgradeEligible);
    void pump();
    void send(const QByteArray &bytes);
    bool finishFront();
    void closeGracefully();
    void shutdownWriteWhenFlushed();
    void teardown();
    void updateTimer();
    void armTimer(TimerMode mode, std::chrono::milliseconds timeout);
    void onTimeout();
    bool readingPaused() const;
    void resumeReading();
    std::shared_ptr<HttpConnectionExchange> makeExchange(const ParsedRequest &parsed);

    QPointer<QTcpSocket> m_socket;
    QHostAddress m_peer;
    QElapsedTimer m_lastActivity;
    HttpConnectionSettings m_settings;
    HttpConnectionHooks m_hooks;
    HttpRequestParser m_parser;
    QList<std::shared_ptr<HttpConnectionExchange>> m_queue;
    QTimer m_timer;
    TimerMode m_timerMode = TimerMode::None;
    quint64 m_requestsSeen = 0;
    quint64 m_timedRequest = 0;
    bool m_closing = false;   // no more requests are read; ends after the queued replies
    bool m_streaming = false; // the front exchange owns the rest of the connection
    bool m_finished = false;
    bool m_continueSent = false;
    bool m_inTransaction = false; // bytes since the first head began can be rolled back
    bool m_admittedInTransaction = false;
};

} // namespace sm
