#pragma once

#include <sm/http.h>

#include <QPointer>

namespace sm {

class HttpConnection;
class HttpConnectionExchange;

// A streamed response body (SSE) on an HttpConnection. Its body is delimited by the
// end of the connection (no Content-Length, "Connection: close"), which EventSource,
// curl and proxies all understand and which needs no chunk framing per write.
class HttpSocketStream : public HttpStream,
                         public std::enable_shared_from_this<HttpSocketStream> {
public:
    HttpSocketStream(HttpConnection *connection, std::shared_ptr<HttpConnectionExchange> exchange);

    bool write(const QByteArray &bytes) override;
    qint64 bytesQueued() const override;
    bool isOpen() const override;
    void close() override;
    void abort() override;
    void setClosedHandler(std::function<void()> handler) override;
    qintptr socketDescriptor() const override;

    // Called by the connection when the client went away or the connection ended.
    void notifyClosed();

private:
    QPointer<HttpConnection> m_connection;
    std::shared_ptr<HttpConnectionExchange> m_exchange;
    std::function<void()> m_closedHandler;
    bool m_open = true;
    bool m_notified = false;
};

} // namespace sm
