#include "consistenthashrouter.h"

#include "stablehash.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace sm {

namespace {

constexpr quint64 kGoldenGamma = 0x9E3779B97F4A7C15ULL;

bool containsSorted(const QStringList &sorted, const QString &value)
{
    return std::binary_search(sorted.cbegin(), sorted.cend(), value);
}

// The order in which displaced sessions are handled, so that moves depend only on the inputs.
template <typename Session>
void sortByHashThenId(std::vector<Session> &sessions)
{
    std::sort(sessions.begin(), sessions.end(), [](const Session &a, const Session &b) {
        return a.hash != b.hash ? a.hash < b.hash : a.sessionId < b.sessionId;
    });
}

} // namespace

ConsistentHashRouter::ConsistentHashRouter(double loadFactor, int virtualNodesPerWorker)
    // Below 1 the bound could leave no worker with room.
    : m_loadFactor(std::max(1.0, loadFactor))
    , m_virtualNodes(std::max(1, virtualNodesPerWorker))
{
}

// Moves are chosen incrementally, not by recomputing every placement: sessions of removed
// workers are re-placed; sessions whose clockwise walk now meets an added worker before
// their current one go to it (the classic consistent-hashing move); finally workers above
// the new bound (it shrinks when workers are added) give up their excess. Every step
// visits sessions in (hash, id) order, so the result depends only on the inputs.
QList<SessionMove> ConsistentHashRouter::setWorkers(const QStringList &workerIds)
{
    QStringList next = workerIds;
    next.removeAll(QString());
    next.sort();
    next.removeDuplicates();
    if (next == m_workers)
        return {};

    const QStringList previous = std::exchange(m_workers, next);
    std::vector<bool> added(m_workers.size());
    for (qsizetype i = 0; i < m_workers.size(); ++i)
        added[i] = !containsSorted(previous, m_workers.at(i));
    rebuildRing();

    QList<SessionMove> moves;
    std::vector<Displaced> displaced = remapPlacements(previous, added);
    const int capacity = capacityFor(m_placements.size() + qsizetype(displaced.size()));
    place(displaced, capacity, moves);
    if (!m_workers.isEmpty()) {
        std::vector<Displaced> evicted = evictOverCapacity(capacity);
        place(evicted, capacity, moves);
    }
    return moves;
}

// The hot path: one hash lookup for a placed session, no allocation.
QString ConsistentHashRouter::route(const QString &sessionId)
{
    const auto found = m_placements.constFind(sessionId);
    if (found != m_placements.cend())
        return m_workers.at(found->worker);
    if (m_workers.isEmpty())
        return {};
    const quint64 hash = stableHash(sessionId);
    const int worker = walkToFreeWorker(hash, capacityFor(m_placements.size() + 1));
    m_placements.insert(sessionId, Placement{worker, hash});
    ++m_loads[worker];
    return m_workers.at(worker);
}

void ConsistentHashRouter::forget(const QString &sessionId)
{
    const auto found = m_placements.constFind(sessionId);
    if (found == m_placements.cend())
        return;
    --m_loads[found->worker];
    m_placements.erase(found);
}

QString ConsistentHashRouter::workerOf(const QString &sessionId) const
{
    const auto found = m_placements.constFind(sessionId);
    return found == m_placements.cend() ? QString() : m_workers.at(found->worker);
}

int ConsistentHashRouter::load(const QString &workerId) const
{
    const int index = workerIndex(workerId);
    return index < 0 ? 0 : m_loads[index];
}

QStringList ConsistentHashRouter::workers() const
{
    return m_workers;
}

double ConsistentHashRouter::share(const QString &workerId) const
{
    return m_placements.isEmpty() ? 0.0 : double(load(workerId)) / double(m_placements.size());
}

int ConsistentHashRouter::sessionCount() const
{
    return int(m_placements.size());
}

int ConsistentHashRouter::workerIndex(const QString &workerId) const
{
    const auto found = std::lower_bound(m_workers.cbegin(), m_workers.cend(), workerId);
    return found != m_workers.cend() && *found == workerId ? int(found - m_workers.cbegin()) : -1;
}

// ceil(loadFactor * average load), the most sessions a worker may hold.
int ConsistentHashRouter::capacityFor(qsizetype sessions) const
{
    if (m_workers.isEmpty())
        return 0;
    return int(std::ceil(m_loadFactor * double(sessions) / double(m_workers.size())));
}

qsizetype ConsistentHashRouter::firstPointFrom(quint64 hash) const
{
    const auto found = std::lower_bound(m_ring.cbegin(), m_ring.cend(), hash,
                                        [](const RingPoint &point, quint64 value) {
                                            return point.position < value;
                                        });
    return found == m_ring.cend() ? 0 : found - m_ring.cbegin();
}

// Always finds a worker: with loadFactor >= 1 the capacities add up to at least the
// number of sessions, so while one is being placed some worker has room.
int ConsistentHashRouter::walkToFreeWorker(quint64 hash, int capacity) const
{
    const qsizetype start = firstPointFrom(hash);
    const qsizetype size = qsizetype(m_ring.size());
    for (qsizetype step = 0; step < size; ++step) {
        const int worker = m_ring[(start + step) % size].worker;
        if (m_loads[worker] < capacity)
            return worker;
    }
    Q_ASSERT_X(false, "ConsistentHashRouter", "no worker below capacity");
    return m_ring[start].worker;
}

bool ConsistentHashRouter::prefersAddedWorker(quint64 hash, int current,
                                              const std::vector<bool> &added) const
{
    const qsizetype start = firstPointFrom(hash);
    const qsizetype size = qsizetype(m_ring.size());
    for (qsizetype step = 0; step < size; ++step) {
        const int worker = m_ring[(start + step) % size].worker;
        if (worker == current)
            return false;
        if (added[worker])
            return true;
    }
    return false;
}

void ConsistentHashRouter::rebuildRing()
{
    m_ring.clear();
    m_ring.reserve(size_t(m_workers.size()) * size_t(m_virtualNodes));
    for (int worker = 0; worker < int(m_workers.size()); ++worker) {
        const quint64 base = stableHash(m_workers.at(worker));
        for (int node = 1; node <= m_virtualNodes; ++node)
            m_ring.push_back(RingPoint{mixBits(base + quint64(node) * kGoldenGamma), worker});
    }
    // Ties broken by worker index, itself from the sorted ids: independent of input order.
    std::sort(m_ring.begin(), m_ring.end(), [](const RingPoint &a, const RingPoint &b) {
        return a.position != b.position ? a.position < b.position : a.worker < b.worker;
    });
    m_loads.assign(size_t(m_workers.size()), 0);
}

// Re-indexes the kept placements for the new worker list and takes out the sessions that
// must be placed again: those of removed workers and those that prefer an added worker.
std::vector<ConsistentHashRouter::Displaced>
ConsistentHashRouter::remapPlacements(const QStringList &previous, const std::vector<bool> &added)
{
    const bool anyAdded = std::find(added.cbegin(), added.cend(), true) != added.cend();
    std::vector<Displaced> displaced;
    for (auto it = m_placements.begin(); it != m_placements.end();) {
        const QString &from = previous.at(it->worker);
        const int worker = workerIndex(from);
        if (worker < 0 || (anyAdded && prefersAddedWorker(it->hash, worker, added))) {
            displaced.push_back(Displaced{it->hash, it.key(), from});
            it = m_placements.erase(it);
            continue;
        }
        it->worker = worker;
        ++m_loads[worker];
        ++it;
    }
    return displaced;
}

// Workers above `capacity` give up their excess, the sessions last in (hash, id) order.
std::vector<ConsistentHashRouter::Displaced> ConsistentHashRouter::evictOverCapacity(int capacity)
{
    std::vector<std::vector<Displaced>> byWorker(m_workers.size());
    bool anyOver = false;
    for (int load : m_loads)
        anyOver = anyOver || load > capacity;
    if (!anyOver)
        return {};
    for (auto it = m_placements.cbegin(); it != m_placements.cend(); ++it) {
        if (m_loads[it->worker] > capacity)
            byWorker[it->worker].push_back(Displaced{it->hash, it.key(), m_workers.at(it->worker)});
    }
    std::vector<Displaced> evicted;
    for (size_t worker = 0; worker < byWorker.size(); ++worker) {
        std::vector<Displaced> &sessions = byWorker[worker];
        if (sessions.empty())
            continue;
        sortByHashThenId(sessions);
        for (size_t i = size_t(capacity); i < sessions.size(); ++i) {
            --m_loads[worker];
            m_placements.remove(sessions[i].sessionId);
            evicted.push_back(std::move(sessions[i]));
        }
    }
    return evicted;
}

void ConsistentHashRouter::place(std::vector<Displaced> &displaced, int capacity,
                                 QList<SessionMove> &moves)
{
    sortByHashThenId(displaced);
    for (Displaced &session : displaced) {
        if (m_workers.isEmpty()) {
            moves.append(SessionMove{session.sessionId, session.from, QString()});
            continue;
        }
        const int worker = walkToFreeWorker(session.hash, capacity);
        m_placements.insert(session.sessionId, Placement{worker, session.hash});
        ++m_loads[worker];
        if (m_workers.at(worker) != session.from)
            moves.append(SessionMove{std::move(session.sessionId), std::move(session.from),
                                     m_workers.at(worker)});
    }
}

} // namespace sm
