#pragma once

#include <sm/http.h>

#include <QList>
#include <QStringList>

#include <variant>

namespace sm {

// Route patterns ("/sessions/{id}/events") matched against a request path, segment
// by segment. Knows the difference between "no such path" and "path exists, but not
// for this method", so the listener can answer 404 vs 405 + Allow.
class HttpRouteTable {
public:
    struct Match {
        const HttpHandler *handler = nullptr;
        QStringList params;
    };
    struct NotFound {};
    struct MethodNotAllowed {
        QByteArrayList allowed;
    };
    using Lookup = std::variant<Match, NotFound, MethodNotAllowed>;

    void add(const QByteArray &method, const QString &pattern, HttpHandler handler);
    // `segments` are the percent-decoded path segments. HEAD falls back to GET.
    Lookup find(const QByteArray &method, const QStringList &segments) const;
    // Methods registered for a path (for CORS preflight and Allow), empty if none.
    QByteArrayList methodsFor(const QStringList &segments) const;

    static QStringList splitPath(const QByteArray &rawPath);

private:
    struct Route {
        QByteArray method;
        QStringList segments; // "{...}" marks a capture
        HttpHandler handler;
    };
    static bool matches(const Route &route, const QStringList &segments, QStringList *params);

    QList<Route> m_routes;
};

} // namespace sm
