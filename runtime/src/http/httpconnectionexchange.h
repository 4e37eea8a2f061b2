#pragma once

#include <sm/http.h>

#include <QElapsedTimer>
#include <QPointer>

namespace sm {

class HttpConnection;
class HttpSocketStream;

// One request on one connection and the response it is owed. Handlers hold it as an
// sm::HttpExchange (shared), possibly past the connection's life: every call checks the
// connection through a QPointer and does nothing once the client is gone.
class HttpConnectionExchange : public HttpExchange,
                               public std::enable_shared_from_this<HttpConnectionExchange> {
public:
    enum class State { Waiting, Responded, Streaming, StreamEnded, Upgraded };

    HttpConnectionExchange(HttpConnection *connection, HttpRequest request, QByteArray rawPath);

    const HttpRequest &request() const override { return m_request; }
    void respond(HttpResponse response) override;
    std::shared_ptr<HttpStream> startStream(int status, const HttpHeaders &headers) override;
    bool isClientConnected() const override;

    // Runtime-internal: hands the connection to the WebSocket server (see HttpConnection).
    bool upgradeToWebSocket();

    // Connection side.
    HttpRequest &mutableRequest() { return m_request; }
    const QByteArray &rawPath() const { return m_rawPath; }
    State state = State::Waiting;
    bool closeAfter = false;     // the connection ends after this response
    bool upgradeRequested = false; // "Connection: upgrade" + "Upgrade: websocket"
    bool upgradeEligible = false;  // first request of its read: its bytes can be rolled back
    QByteArray output;           // encoded bytes not yet handed to the socket
    int status = 0;
    qint64 bytesSent = 0;
    QElapsedTimer elapsed;
    std::weak_ptr<HttpSocketStream> stream;

private:
    bool connectionOpen() const;

    QPointer<HttpConnection> m_connection;
    HttpRequest m_request;
    QByteArray m_rawPath;
};

} // namespace sm
