#include "http/httpconnection.h"

#include "http/httpconnectionexchange.h"
#include "http/httprequestid.h"
#include "http/httpsocketstream.h"

#include <QUrl>

#include <sys/socket.h>

namespace sm {

HttpConnection::HttpConnection(QTcpSocket *socket, const HttpConnectionSettings &settings,
                               HttpConnectionHooks hooks, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_peer(socket->peerAddress())
    , m_settings(settings)
    , m_hooks(std::move(hooks))
    , m_parser(settings.limits)
{
    socket->setParent(this);
    // Bounds what Qt buffers while reading is paused, so TCP pushes back on the client.
    socket->setReadBufferSize(settings.readBufferBytes);
    // Without TCP_NODELAY an SSE event written while the previous one is unacknowledged
    // waits for the client's delayed ACK (40-200 ms on Linux): every response and stream
    // write here is one complete message, so Nagle's coalescing only adds latency.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_timer.setSingleShot(true);
    m_lastActivity.start();
    connect(&m_timer, &QTimer::timeout, this, &HttpConnection::onTimeout);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::teardown);
    updateTimer();
}

HttpConnection::~HttpConnection()
{
    // The socket is a child and dies after this body; its abort() must not call back.
    if (m_socket)
        m_socket->disconnect(this);
}

void HttpConnection::onReadyRead()
{
    if (m_finished)
        return;
    if (m_closing || m_streaming) {
        // Bytes after the last request we answer (e.g. a request pipelined behind an
        // SSE request) are drained, never parsed: nothing may be written into a stream.
        m_socket->skip(m_socket->bytesAvailable());
        return;
    }
    if (readingPaused())
        return;
    if (m_parser.idle() && m_queue.isEmpty() && !m_inTransaction) {
        m_socket->startTransaction();
        m_inTransaction = true;
        m_admittedInTransaction = false;
    }
    m_parser.feed(m_socket->readAll());
    takeRequests();
    settleTransaction();
}

// Keeps the bytes of a first request head readable again until we know it is not a
// WebSocket upgrade, which the WebSocket server must read from the socket itself.
void HttpConnection::settleTransaction()
{
    if (m_finished || !m_inTransaction)
        return;
    if (m_admittedInTransaction || m_parser.headComplete() || m_parser.error()) {
        m_socket->commitTransaction();
        m_inTransaction = false;
    }
}

void HttpConnection::takeRequests()
{
    while (!m_finished && !m_closing && !m_streaming) {
        std::optional<ParsedRequest> parsed = m_parser.next();
        if (!parsed)
            break;
        const bool upgradeEligible = m_inTransaction && !m_admittedInTransaction;
        m_admittedInTransaction = m_inTransaction;
        admit(std::move(*parsed), upgradeEligible);
    }
    if (m_finished || m_closing || m_streaming)
        return;
    if (m_parser.error())
        answerParseError(*m_parser.error());
    else
        sendContinueIfExpected();
    updateTimer();
}

void HttpConnection::admit(ParsedRequest parsed, bool upgradeEligible)
{
    ++m_requestsSeen;
    m_continueSent = false;
    m_lastActivity.start();
    auto exchange = makeExchange(parsed);
    exchange->upgradeEligible = upgradeEligible;
    exchange->upgradeRequested = parsed.isWebSocketUpgrade();
    // Connection: close (or HTTP/1.0 without keep-alive): nothing after it is read.
    exchange->closeAfter = parsed.wantsClose();
    m_closing = m_closing || exchange->closeAfter;
    m_queue.append(exchange);
    m_hooks.dispatch(exchange);
}

std::shared_ptr<HttpConnectionExchange> HttpConnection::makeExchange(const ParsedRequest &parsed)
{
    const qsizetype queryStart = parsed.target.indexOf('?');
    const QByteArray rawPath = parsed.target.first(queryStart < 0 ? parsed.target.size() : queryStart);
    HttpRequest request;
    request.method = parsed.method;
    request.path = QUrl::fromPercentEncoding(rawPath);
    if (queryStart >= 0)
        request.query = QUrlQuery(QString::fromUtf8(parsed.target.sliced(queryStart + 1)));
    request.headers = parsed.headers;
    request.body = parsed.body;
    request.peerAddress = m_peer;
    request.requestId = requestIdFor(parsed.header("x-request-id"));
    auto exchange = std::make_shared<HttpConnectionExchange>(this, std::move(request), rawPath);
    exchange->elapsed.start();
    return exchange;
}

void HttpConnection::answerParseError(const HttpParseError &error)
{
    auto exchange = makeExchange(m_parser.current());
    m_queue.append(exchange);
    respond(*exchange, HttpResponse::error(error.status, error.code, error.message), true);
}

// curl and others wait (about a second) for "100 Continue" before sending a body.
// Only sent when nothing is queued ahead, so it cannot land inside another response.
void HttpConnection::sendContinueIfExpected()
{
    if (m_continueSent || !m_parser.headComplete() || !m_parser.current().expectsContinue()
        || !m_queue.isEmpty())
        return;
    send(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
    m_continueSent = true;
}

void HttpConnection::respond(HttpConnectionExchange &exchange, HttpResponse response,
                             bool closeAfter)
{
    if (m_finished || exchange.state != HttpConnectionExchange::State::Waiting)
        return;
    m_hooks.decorate(exchange.request(), response.headers);
    exchange.closeAfter = exchange.closeAfter || closeAfter;
    m_closing = m_closing || exchange.closeAfter;
    exchange.status = response.status;
    exchange.output += encodeHttpResponse(
        response, HttpFraming{!exchange.closeAfter, exchange.request().method == "HEAD", false});
    exchange.state = HttpConnectionExchange::State::Responded;
    pump();
}

std::shared_ptr<HttpStream> HttpConnection::startStream(HttpConnectionExchange &exchange,
                                                        int status, const HttpHeaders &headers)
{
    if (m_finished || exchange.state != HttpConnectionExchange::State::Waiting)
        return nullptr;
    HttpResponse head{status, headers, {}};
    m_hooks.decorate(exchange.request(), head.headers);
    exchange.status = status;
    exchange.output += encodeHttpResponse(head, HttpFraming{false, false, true});
    exchange.state = HttpConnectionExchange::State::Streaming;
    m_closing = true; // the stream owns the rest of the connection
    auto stream = std::make_shared<HttpSocketStream>(this, exchange.shared_from_this());
    exchange.stream = stream;
    pump();
    return stream;
}

void HttpConnection::writeStream(HttpConnectionExchange &exchange, const QByteArray &bytes)
{
    if (m_finished || exchange.state != HttpConnectionExchange::State::Streaming)
        return;
    if (m_queue.first().get() != &exchange || !exchange.output.isEmpty()) {
        exchange.output += bytes; // still behind earlier responses
        return;
    }
    send(bytes);
    exchange.bytesSent += bytes.size();
}

void HttpConnection::endStream(HttpConnectionExchange &exchange)
{
    if (m_finished || exchange.state != HttpConnectionExchange::State::Streaming)
        return;
    exchange.state = HttpConnectionExchange::State::StreamEnded;
    pump();
}

qint64 HttpConnection::queuedBytes(const HttpConnectionExchange &exchange) const
{
    if (m_finished)
        return 0;
    const bool front = !m_queue.isEmpty() && m_queue.first().get() == &exchange;
    return exchange.output.size() + (front ? m_socket->bytesToWrite() : 0);
}

// Writes every response that is due, front first: a later response waits for all
// earlier ones, whatever order the handlers answered in.
void HttpConnection::pump()
{
    while (!m_finished && !m_queue.isEmpty()) {
        HttpConnectionExchange &front = *m_queue.first();
        if (!front.output.isEmpty()) {
            send(front.output);
            front.bytesSent += front.output.size();
            front.output.clear();
        }
        m_streaming = front.state == HttpConnectionExchange::State::Streaming;
        if (front.state == HttpConnectionExchange::State::Waiting || m_streaming)
            break;
        if (!finishFront())
            return;
    }
    updateTimer();
    resumeReading();
}

/*!
 * Hands \a bytes to the kernel at once while nothing is queued in Qt's write buffer; only
 * what the kernel does not take (or a failed send, whose error Qt then reports itself)
 * goes through QTcpSocket. QTcpSocket copies writes under 256 bytes, such as an SSE event,
 * into a 32 KiB buffer it allocates per socket and keeps for the socket's lifetime, and
 * sends them one event-loop pass later: per fanned-out event and subscriber that was a
 * write notifier armed, a poll wake-up and a copy, and per idle stream the buffer.
 */
void HttpConnection::send(const QByteArray &bytes)
{
    qsizetype sent = 0;
    if (m_socket->bytesToWrite() == 0) {
        const ssize_t n = ::send(int(m_socket->socketDescriptor()), bytes.constData(),
                                 size_t(bytes.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        sent = n > 0 ? qsizetype(n) : 0;
    }
    if (sent < bytes.size())
        m_socket->write(sent == 0 ? bytes : bytes.sliced(sent));
}

bool HttpConnection::finishFront()
{
    m_lastActivity.start(); // idleness counts from the last response
    const auto front = m_queue.takeFirst();
    m_hooks.completed(*front);
    if (front->closeAfter || front->state == HttpConnectionExchange::State::StreamEnded) {
        closeGracefully();
        return false;
    }
    return true;
}

// Ends the connection after the queued bytes: FIN once they are written (the client
// still reads the last response even if it was sending more), abort if that stalls.
void HttpConnection::closeGracefully()
{
    m_closing = true;
    armTimer(TimerMode::Closing, m_settings.closeTimeout);
    if (m_socket->bytesToWrite() == 0) {
        shutdownWriteWhenFlushed();
        return;
    }
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpConnection::shutdownWriteWhenFlushed);
}

void HttpConnection::shutdownWriteWhenFlushed()
{
    if (m_finished || m_socket->bytesToWrite() > 0)
        return;
    disconnect(m_socket, &QTcpSocket::bytesWritten, this, nullptr);
    // Qt has no half-close; the peer's EOF then arrives as `disconnected`.
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
}

void HttpConnection::abort()
{
    if (m_finished)
        return;
    // abort() emits `disconnected` synchronously: leave every container first.
    teardown();
    m_socket->abort();
}

void HttpConnection::teardown()
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    const auto queue = std::exchange(m_queue, {});
    for (const auto &exchange : queue) {
        if (exchange->bytesSent == 0)
            exchange->status = 499; // the client left before its response went out
        m_hooks.completed(*exchange);
        if (const auto stream = exchange->stream.lock())
            stream->notifyClosed();
    }
    m_hooks.finished(this);
    deleteLater();
}

bool HttpConnection::handOverWebSocket(HttpConnectionExchange &exchange)
{
    if (m_finished || !exchange.upgradeEligible || !m_inTransaction || m_queue.size() != 1
        || m_queue.first().get() != &exchange)
        return false;
    m_socket->rollbackTransaction(); // the WebSocket server reads the handshake itself
    m_inTransaction = false;
    m_finished = true;
    m_timer.stop();
    m_queue.clear();
    exchange.state = HttpConnectionExchange::State::Upgraded;
    exchange.status = 101;
    m_socket->disconnect(this);
    QTcpSocket *socket = m_socket;
    m_socket = nullptr;
    socket->setParent(nullptr);
    m_hooks.completed(exchange);
    m_hooks.finished(this);
    m_hooks.webSocketHandover(socket);
    deleteLater();
    return true;
}

bool HttpConnection::readingPaused() const
{
    return m_queue.size() >= m_settings.maxPipelinedRequests;
}

void HttpConnection::resumeReading()
{
    if (m_finished || m_closing || m_streaming || readingPaused() || m_socket->bytesAvailable() == 0)
        return;
    QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

void HttpConnection::updateTimer()
{
    if (m_finished || m_timerMode == TimerMode::Closing)
        return;
    if (m_streaming) {
        m_timer.stop();
        m_timerMode = TimerMode::None;
    } else if (!m_parser.idle()) {
        // Armed once per request, at its first byte: trickling bytes does not extend it.
        if (m_timerMode != TimerMode::Request || m_timedRequest != m_requestsSeen) {
            m_timedRequest = m_requestsSeen;
            armTimer(TimerMode::Request, m_settings.requestTimeout);
        }
    } else if (m_timerMode != TimerMode::Idle) {
        // Stays armed while requests are answered: stopping and re-arming it for every
        // request cost two timer-list updates each; onTimeout() checks instead.
        armTimer(TimerMode::Idle, m_settings.idleTimeout);
    }
}

void HttpConnection::armTimer(TimerMode mode, std::chrono::milliseconds timeout)
{
    m_timerMode = mode;
    m_timer.start(timeout);
}

void HttpConnection::onTimeout()
{
    switch (m_timerMode) {
    case TimerMode::Idle: {
        // The idle timer is not re-armed per request; it checks instead. A connection
        // whose request is still being answered is not idle.
        const auto idleFor = std::chrono::milliseconds(m_lastActivity.elapsed());
        if (!m_queue.isEmpty())
            armTimer(TimerMode::Idle, m_settings.idleTimeout);
        else if (idleFor < m_settings.idleTimeout)
            armTimer(TimerMode::Idle, m_settings.idleTimeout - idleFor);
        else
            closeGracefully();
        break;
    }
    case TimerMode::Request: {
        m_timerMode = TimerMode::None;
        auto exchange = makeExchange(m_parser.current());
        m_queue.append(exchange);
        respond(*exchange,
                HttpResponse::error(408, "request_timeout",
                                    QStringLiteral("request not received in time")),
                true);
        break;
    }
    case TimerMode::Closing: abort(); break;
    case TimerMode::None: break;
    }
}

} // namespace sm
