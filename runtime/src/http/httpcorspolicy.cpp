#include "http/httpcorspolicy.h"

namespace sm {

namespace {
constexpr QByteArrayView kAllowedHeaders =
    "Authorization, Content-Type, If-Match, Last-Event-ID, X-Request-Id";
constexpr QByteArrayView kExposedHeaders = "ETag, Location, Retry-After, X-Request-Id";
constexpr QByteArrayView kPreflightMaxAgeSeconds = "600";
} // namespace

HttpCorsPolicy::HttpCorsPolicy(QStringList allowedOrigins)
{
    for (const QString &origin : allowedOrigins) {
        if (origin == u"*")
            m_anyOrigin = true;
        else if (!origin.isEmpty())
            m_origins.append(origin.toUtf8());
    }
    if (m_anyOrigin)
        m_origins.append("*");
}

bool HttpCorsPolicy::allows(const QByteArray &origin) const
{
    return !origin.isEmpty() && (m_anyOrigin || m_origins.contains(origin));
}

bool HttpCorsPolicy::isPreflight(const HttpRequest &request)
{
    return request.method == "OPTIONS" && !request.header("origin").isEmpty()
           && !request.header("access-control-request-method").isEmpty();
}

HttpResponse HttpCorsPolicy::preflightResponse(const HttpRequest &request,
                                               const QByteArrayList &methods) const
{
    HttpResponse response = HttpResponse::empty(204);
    QByteArrayList allowed = methods;
    allowed.append("OPTIONS");
    response.headers.append({"Access-Control-Allow-Methods", allowed.join(", ")});
    response.headers.append({"Access-Control-Allow-Headers", kAllowedHeaders.toByteArray()});
    response.headers.append({"Access-Control-Max-Age", kPreflightMaxAgeSeconds.toByteArray()});
    decorate(request.header("origin"), response.headers);
    return response;
}

void HttpCorsPolicy::decorate(const QByteArray &origin, HttpHeaders &headers) const
{
    if (!allows(origin))
        return;
    const bool listed = m_origins.contains(origin);
    headers.append({QByteArray("Access-Control-Allow-Origin"), listed ? origin : QByteArray("*")});
    if (listed) // credentials only for an origin named in the configuration, never for "*"
        headers.append({QByteArray("Access-Control-Allow-Credentials"), QByteArray("true")});
    headers.append({"Access-Control-Expose-Headers", kExposedHeaders.toByteArray()});
    headers.append({QByteArray("Vary"), QByteArray("Origin")});
}

} // namespace sm
