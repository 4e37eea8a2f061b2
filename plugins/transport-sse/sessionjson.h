#pragma once

#include <sm/session.h>

#include <QByteArray>
#include <QString>

namespace sse {

// The REST body of one session: the bytes QJsonDocument(sm::sessionToJson(session))
// .toJson(Compact) gives (plus "token" after a create), written directly by
// CompactJsonWriter without the QJsonObject in between.
class SessionJson {
public:
    static QByteArray encode(const sm::Session &session);
    // With the session token, shown once: in the answer to POST /sessions.
    static QByteArray encodeWithToken(const sm::Session &session, const QString &token);

private:
    static QByteArray write(const sm::Session &session, const QString *token);
};

} // namespace sse
