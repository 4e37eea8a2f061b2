#pragma once

#include <sm/http.h>

#include <QStringList>

namespace sm {

// Cross-origin rules for browsers calling the API from another origin. "*" allows any
// origin but never with credentials; explicitly listed origins get credentials too.
class HttpCorsPolicy {
public:
    explicit HttpCorsPolicy(QStringList allowedOrigins);

    bool isEnabled() const { return !m_origins.isEmpty(); }
    bool allows(const QByteArray &origin) const;
    static bool isPreflight(const HttpRequest &request);
    // 204 for an allowed preflight, listing `methods` (those routed for the path).
    HttpResponse preflightResponse(const HttpRequest &request, const QByteArrayList &methods) const;
    // Adds the Access-Control-* headers a response to `origin` needs.
    void decorate(const QByteArray &origin, HttpHeaders &headers) const;

private:
    QByteArrayList m_origins;
    bool m_anyOrigin = false;
};

} // namespace sm
