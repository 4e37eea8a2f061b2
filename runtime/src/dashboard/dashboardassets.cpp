#include "dashboard/dashboardassets.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRegularExpression>

namespace sm {

namespace {
QByteArray contentTypeFor(const QString &name)
{
    if (name.endsWith(u".html"))
        return "text/html; charset=utf-8";
    if (name.endsWith(u".js"))
        return "text/javascript; charset=utf-8";
    if (name.endsWith(u".css"))
        return "text/css; charset=utf-8";
    if (name.endsWith(u".svg"))
        return "image/svg+xml";
    return "application/octet-stream";
}
} // namespace

HttpResponse DashboardAssets::serve(const QString &name, const HttpRequest &request)
{
    const Asset *asset = load(name);
    if (!asset)
        return HttpResponse::error(404, "not_found", QStringLiteral("no dashboard file %1").arg(name));
    HttpResponse response;
    response.headers = {{"content-type", asset->contentType},
                        {"cache-control", asset->cacheControl},
                        {"etag", asset->etag},
                        {"x-content-type-options", "nosniff"}};
    if (name.endsWith(u".html")) {
        response.headers.append(qMakePair(
            QByteArray("content-security-policy"),
            QByteArray("default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
                       "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")));
    }
    if (request.header("if-none-match") == asset->etag) {
        response.status = 304;
        return response;
    }
    response.body = asset->bytes;
    return response;
}

const DashboardAssets::Asset *DashboardAssets::load(const QString &name)
{
    if (const auto cached = m_cache.constFind(name); cached != m_cache.constEnd())
        return &*cached;
    static const QRegularExpression plainName(QStringLiteral("^[A-Za-z0-9_.-]+$"));
    if (!plainName.match(name).hasMatch() || name.startsWith(u'.'))
        return nullptr;
    QFile file(QStringLiteral(":/dashboard/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return nullptr;
    Asset asset;
    asset.bytes = file.readAll();
    asset.etag = '"' + QCryptographicHash::hash(asset.bytes, QCryptographicHash::Sha1).toHex().left(16) + '"';
    asset.contentType = contentTypeFor(name);
    asset.cacheControl = name.endsWith(u".html") ? "no-cache" : "public, max-age=3600";
    return &*m_cache.insert(name, asset);
}

} // namespace sm
