#pragma once

#include <sm/event.h>

#include <QByteArray>
#include <QCache>
#include <QString>

namespace sse {

// Formats each event's SSE frame once and hands the same bytes (implicitly shared) to
// every connection of the session, so fan-out costs a lookup per subscriber, not a
// serialization. The hub delivers one event to all of a session's subscribers in a row,
// so the last frame answers almost every lookup; a bounded cache behind it serves the
// replays of clients that resume together (e.g. after a proxy restart).
class SseFrameCache {
public:
    explicit SseFrameCache(qint64 maxBytes = 8 * 1024 * 1024);

    QByteArray frame(const QString &sessionId, const sm::Event &event);

    // "id: <epoch>-<seq>\nevent: <type>\ndata: <json>\n\n"; several data lines when the
    // JSON spans lines.
    static QByteArray format(const sm::Event &event);
    static QByteArray retryFrame(int retryMs);
    static QByteArray heartbeatFrame();
    // An event without an id, so the client's Last-Event-ID stays where it was.
    static QByteArray adviceFrame(const QByteArray &type, const QByteArray &jsonData);

private:
    static QByteArray cacheKey(const QString &sessionId, const sm::Event &event);

    QString m_lastSession;
    sm::EventId m_lastId;
    QByteArray m_lastType;
    QByteArray m_lastFrame;
    QCache<QByteArray, QByteArray> m_frames;
};

} // namespace sse
