#include "http/httproutetable.h"

#include <QUrl>

namespace sm {

namespace {
bool isCapture(const QString &segment)
{
    return segment.size() >= 2 && segment.startsWith(u'{') && segment.endsWith(u'}');
}
} // namespace

void HttpRouteTable::add(const QByteArray &method, const QString &pattern, HttpHandler handler)
{
    m_routes.append(Route{method.toUpper(), splitPath(pattern.toUtf8()), std::move(handler)});
}

HttpRouteTable::Lookup HttpRouteTable::find(const QByteArray &method,
                                            const QStringList &segments) const
{
    const Route *headFallback = nullptr;
    QStringList params;
    for (const Route &route : m_routes) {
        if (route.method != method && !(method == "HEAD" && route.method == "GET"))
            continue;
        if (!matches(route, segments, &params))
            continue;
        if (route.method == method)
            return Match{&route.handler, params};
        headFallback = headFallback ? headFallback : &route;
    }
    if (headFallback) {
        matches(*headFallback, segments, &params);
        return Match{&headFallback->handler, params};
    }
    QByteArrayList allowed = methodsFor(segments);
    if (allowed.isEmpty())
        return NotFound{};
    return MethodNotAllowed{allowed};
}

QByteArrayList HttpRouteTable::methodsFor(const QStringList &segments) const
{
    QByteArrayList methods;
    for (const Route &route : m_routes) {
        if (!methods.contains(route.method) && matches(route, segments, nullptr))
            methods.append(route.method);
    }
    if (methods.contains("GET") && !methods.contains("HEAD"))
        methods.append("HEAD");
    return methods;
}

// Splits before decoding, so an encoded "/" (%2F) stays inside its segment.
QStringList HttpRouteTable::splitPath(const QByteArray &rawPath)
{
    QStringList segments;
    for (const QByteArray &raw : rawPath.split('/')) {
        if (!raw.isEmpty())
            segments.append(QUrl::fromPercentEncoding(raw));
    }
    return segments;
}

bool HttpRouteTable::matches(const Route &route, const QStringList &segments, QStringList *params)
{
    if (route.segments.size() != segments.size())
        return false;
    QStringList captured;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        if (isCapture(route.segments[i]))
            captured.append(segments[i]);
        else if (route.segments[i] != segments[i])
            return false;
    }
    if (params)
        *params = std::move(captured);
    return true;
}

} // namespace sm
