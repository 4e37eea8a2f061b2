#pragma once

#include <sm/caller.h>
#include <sm/http.h>
#include <sm/result.h>

#include <QByteArray>
#include <QSet>
#include <QUrlQuery>

#include <optional>

namespace sm {
class Authenticator;
}

namespace sse {

// The pieces every route shares: who is calling, how errors look, and the ETag forms of
// a session version.
class HttpSupport {
public:
    // The caller behind the Authorization header, with the request's id for the logs.
    static sm::Result<sm::Caller> authenticate(const sm::Authenticator &auth,
                                               const sm::HttpRequest &request);

    // The error body of the contract; 503 adds `Retry-After`, 401 `WWW-Authenticate`.
    static sm::HttpResponse errorResponse(const sm::Error &error);

    // Query parameters a route does not know are refused, like unknown body fields.
    static sm::Result<void> checkQueryKeys(const QUrlQuery &query, const QSet<QString> &allowed);

    static QByteArray etag(qint64 version);
    // `If-Match: "<version>"` → that version; absent or `*` → none (last write wins).
    // Weak or list forms cannot name one version of a session and are refused.
    static sm::Result<std::optional<qint64>> parseIfMatch(const QByteArray &header);
};

} // namespace sse
