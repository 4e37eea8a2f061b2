#pragma once

#include <sm/http.h>

#include <QHash>
#include <QString>

namespace sm {

// The dashboard page's files, bundled at build time and compiled into the binary as Qt
// resources under :/dashboard/. Answers conditional GETs (ETag) and sets caching:
// index.html is revalidated on every load, the bundle may be cached for an hour.
class DashboardAssets {
public:
    // `name` is the file name within the bundle ("index.html", "app.js").
    HttpResponse serve(const QString &name, const HttpRequest &request);

private:
    struct Asset {
        QByteArray bytes;
        QByteArray etag;
        QByteArray contentType;
        QByteArray cacheControl;
    };
    const Asset *load(const QString &name);

    QHash<QString, Asset> m_cache;
};

} // namespace sm
