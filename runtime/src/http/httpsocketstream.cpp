#include "http/httpsocketstream.h"

#include "http/httpconnection.h"
#include "http/httpconnectionexchange.h"

namespace sm {

HttpSocketStream::HttpSocketStream(HttpConnection *connection,
                                   std::shared_ptr<HttpConnectionExchange> exchange)
    : m_connection(connection), m_exchange(std::move(exchange))
{
}

bool HttpSocketStream::write(const QByteArray &bytes)
{
    if (!isOpen())
        return false;
    m_connection->writeStream(*m_exchange, bytes);
    return true;
}

qint64 HttpSocketStream::bytesQueued() const
{
    return isOpen() ? m_connection->queuedBytes(*m_exchange) : 0;
}

bool HttpSocketStream::isOpen() const
{
    return m_open && m_connection && m_connection->isOpen();
}

qintptr HttpSocketStream::socketDescriptor() const
{
    return isOpen() ? m_connection->socketDescriptor() : -1;
}

void HttpSocketStream::close()
{
    const auto keepAlive = shared_from_this(); // the closed handler may drop the last owner
    if (isOpen())
        m_connection->endStream(*m_exchange);
    notifyClosed();
}

void HttpSocketStream::abort()
{
    const auto keepAlive = shared_from_this(); // the closed handler may drop the last owner
    if (isOpen())
        m_connection->abort(); // notifies this stream through notifyClosed()
    notifyClosed();
}

void HttpSocketStream::setClosedHandler(std::function<void()> handler)
{
    m_closedHandler = std::move(handler);
    if (!isOpen())
        notifyClosed(); // closed before anyone listened: still runs exactly once
}

// The handler may drop the last reference to this stream, so it is moved out first
// and nothing of `this` is touched after it runs.
void HttpSocketStream::notifyClosed()
{
    m_open = false;
    if (m_notified || !m_closedHandler)
        return;
    m_notified = true;
    const std::function<void()> handler = std::move(m_closedHandler);
    m_closedHandler = nullptr;
    handler();
}

} // namespace sm
