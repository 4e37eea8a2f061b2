#include "dashboard/sessionliveview.h"

#include "monitor/connectionmonitorcore.h"
#include "streams/sessionstreamhub.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sm {

SessionLiveView::SessionLiveView(const SessionStreamHub &streams, const ConnectionMonitorCore &connections)
    : m_streams(streams), m_connections(connections)
{
}

QJsonObject SessionLiveView::read(const QString &sessionId) const
{
    QJsonArray connections;
    for (const ConnectionMonitorCore::Scored &scored : m_connections.connectionsOf(sessionId)) {
        const ConnectionSample &sample = scored.sample;
        connections.append(QJsonObject{{"transport", scored.transport},
                                       {"peer", sample.peer},
                                       {"user_id", sample.userId},
                                       {"score", scored.quality.score},
                                       {"reasons", QJsonArray::fromStringList(scored.quality.reasons)},
                                       {"rtt_ms", sample.rttMs < 0 ? QJsonValue() : QJsonValue(sample.rttMs)},
                                       {"backlog_bytes", sample.backlogBytes},
                                       {"flush_ms", sample.flushMs},
                                       {"drops", double(sample.drops)},
                                       {"reconnects", double(sample.reconnects)},
                                       {"connected_ms", sample.connectedMs}});
    }
    return QJsonObject{{"session_id", sessionId}, {"connections", connections}, {"stream", readStream(sessionId)}};
}

QJsonObject SessionLiveView::readStream(const QString &sessionId) const
{
    const QList<Event> events = m_streams.recentEvents(sessionId, kRecentEvents);
    QJsonArray recent;
    for (const Event &event : events) {
        recent.append(QJsonObject{{"id", QString::fromLatin1(event.id.toString())},
                                  {"type", QString::fromUtf8(event.type)},
                                  {"data", QJsonDocument::fromJson(event.data).object()}});
    }
    const double published = events.isEmpty() ? 0 : double(events.last().id.seq);
    return QJsonObject{{"events_total", published}, {"recent", recent}};
}

} // namespace sm
