#include "http/httpconnectionexchange.h"

#include "http/httpconnection.h"

namespace sm {

HttpConnectionExchange::HttpConnectionExchange(HttpConnection *connection, HttpRequest request,
                                               QByteArray rawPath)
    : m_connection(connection), m_request(std::move(request)), m_rawPath(std::move(rawPath))
{
}

void HttpConnectionExchange::respond(HttpResponse response)
{
    if (connectionOpen())
        m_connection->respond(*this, std::move(response));
}

std::shared_ptr<HttpStream> HttpConnectionExchange::startStream(int status,
                                                                const HttpHeaders &headers)
{
    return connectionOpen() ? m_connection->startStream(*this, status, headers) : nullptr;
}

bool HttpConnectionExchange::isClientConnected() const
{
    return connectionOpen();
}

bool HttpConnectionExchange::upgradeToWebSocket()
{
    return connectionOpen() && m_connection->handOverWebSocket(*this);
}

bool HttpConnectionExchange::connectionOpen() const
{
    return m_connection && m_connection->isOpen();
}

} // namespace sm
