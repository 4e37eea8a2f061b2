#pragma once

#include "sessionmove.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <vector>

namespace sm {

// Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam): a session goes to the
// first worker clockwise from its hash whose load is below ceil(loadFactor * average). Deterministic.
class ConsistentHashRouter {
public:
    explicit ConsistentHashRouter(double loadFactor = 1.25, int virtualNodesPerWorker = 128);

    // Replaces the set of live workers; returns the sessions that must move (from -> to),
    // and applies them. Removing a worker moves exactly its sessions (+ what the bound forces);
    // adding one moves about 1/n of the sessions to it.
    QList<SessionMove> setWorkers(const QStringList &workerIds);
    // The session's worker, placing it first if it is new; empty when there are no workers.
    QString route(const QString &sessionId);
    void forget(const QString &sessionId);            // session ended
    QString workerOf(const QString &sessionId) const; // empty when not placed
    int load(const QString &workerId) const;
    QStringList workers() const;
    double share(const QString &workerId) const;      // load / placed sessions (0 when none)
    int sessionCount() const;

private:
    struct RingPoint {
        quint64 position;
        int worker;
    };
    struct Placement {
        int worker;
        quint64 hash;
    };
    struct Displaced {
        quint64 hash;
        QString sessionId;
        QString from;
    };

    int workerIndex(const QString &workerId) const;
    int capacityFor(qsizetype sessions) const;
    qsizetype firstPointFrom(quint64 hash) const;
    int walkToFreeWorker(quint64 hash, int capacity) const;
    bool prefersAddedWorker(quint64 hash, int current, const std::vector<bool> &added) const;
    void rebuildRing();
    std::vector<Displaced> remapPlacements(const QStringList &previous, const std::vector<bool> &added);
    std::vector<Displaced> evictOverCapacity(int capacity);
    void place(std::vector<Displaced> &displaced, int capacity, QList<SessionMove> &moves);

    double m_loadFactor;
    int m_virtualNodes;
    QStringList m_workers;        // sorted, so indices do not depend on the caller's order
    std::vector<RingPoint> m_ring; // sorted by position
    std::vector<int> m_loads;     // by worker index
    QHash<QString, Placement> m_placements;
};

} // namespace sm
