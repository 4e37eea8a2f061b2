#pragma once

#include <QJsonObject>
#include <QString>

namespace sm {

class ConnectionMonitorCore;
class SessionStreamHub;

// What the dashboard's session view shows beside the stored session: its open
// connections as the connection monitor scored them (transport, peer, quality, RTT,
// backlog) and its stream (events published so far this epoch, the most recent ones).
// The page derives the event rate from successive events_total readings. Host thread.
class SessionLiveView {
public:
    static constexpr int kRecentEvents = 20;

    SessionLiveView(const SessionStreamHub &streams, const ConnectionMonitorCore &connections);

    QJsonObject read(const QString &sessionId) const;

private:
    QJsonObject readStream(const QString &sessionId) const;

    const SessionStreamHub &m_streams;
    const ConnectionMonitorCore &m_connections;
};

} // namespace sm
