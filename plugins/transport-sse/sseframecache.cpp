#include "sseframecache.h"

namespace sse {

namespace {
// Per-subscriber events (a `reset` tells one client what it lost) must never be shared.
bool isShareable(const sm::Event &event)
{
    return event.type != "reset";
}

// An event type ends at the line break: a CR or LF inside it would start a new field.
QByteArray singleLine(QByteArray text)
{
    return text.replace('\r', ' ').replace('\n', ' ');
}

void appendData(QByteArray &frame, const QByteArray &data)
{
    if (!data.contains('\n') && !data.contains('\r')) {
        frame += "data: " + data + '\n';
        return;
    }
    QByteArray normalized = data;
    normalized.replace("\r\n", "\n").replace('\r', '\n');
    for (const QByteArray &line : normalized.split('\n'))
        frame += "data: " + line + '\n';
}
} // namespace

SseFrameCache::SseFrameCache(qint64 maxBytes) : m_frames(maxBytes) {}

/*!
 * The frame of \a event in \a sessionId's stream, formatted at most once while cached.
 */
QByteArray SseFrameCache::frame(const QString &sessionId, const sm::Event &event)
{
    if (!isShareable(event))
        return format(event);
    if (event.id == m_lastId && event.type == m_lastType && sessionId == m_lastSession)
        return m_lastFrame;

    const QByteArray key = cacheKey(sessionId, event);
    QByteArray frame;
    if (const QByteArray *cached = m_frames.object(key)) {
        frame = *cached;
    } else {
        frame = format(event);
        m_frames.insert(key, new QByteArray(frame), frame.size());
    }
    m_lastSession = sessionId;
    m_lastId = event.id;
    m_lastType = event.type;
    m_lastFrame = frame;
    return frame;
}

QByteArray SseFrameCache::format(const sm::Event &event)
{
    QByteArray frame;
    frame.reserve(event.data.size() + event.type.size() + 64);
    frame += "id: " + event.id.toString() + '\n';
    frame += "event: " + singleLine(event.type) + '\n';
    appendData(frame, event.data);
    frame += '\n';
    return frame;
}

QByteArray SseFrameCache::retryFrame(int retryMs)
{
    return "retry: " + QByteArray::number(retryMs) + "\n\n";
}

QByteArray SseFrameCache::heartbeatFrame()
{
    return QByteArrayLiteral(": hb\n\n");
}

QByteArray SseFrameCache::adviceFrame(const QByteArray &type, const QByteArray &jsonData)
{
    QByteArray frame = "event: " + singleLine(type) + '\n';
    appendData(frame, jsonData);
    frame += '\n';
    return frame;
}

QByteArray SseFrameCache::cacheKey(const QString &sessionId, const sm::Event &event)
{
    return sessionId.toUtf8() + ' ' + event.id.toString() + ' ' + event.type;
}

} // namespace sse
