#pragma once

#include <sm/result.h>
#include <sm/session.h>
#include <sm/sessionservice.h>

#include <QDateTime>
#include <QJsonObject>
#include <QList>

#include <functional>
#include <memory>

namespace sm {

// One write in a group commit.
struct StoreWrite {
    enum class Kind {
        Insert,  // `session` is new; AlreadyExists if its id is taken
        Update,  // replace state/metadata/context/worker/lastUpdated and set version =
                 // expectedVersion + 1, only if the stored version is `expectedVersion`
        Touch,   // set lastActivity only; version unchanged
        Delete,  // remove the row
    };
    Kind kind = Kind::Insert;
    Session session;
    qint64 expectedVersion = 0;
};

// Change notification from a store (another runtime changed a session). Used by stores
// shared between runtime replicas; a single-process store never emits any.
struct StoreChange {
    QString sessionId;
    qint64 version = 0;
};

// A session store. The host creates it through StorePlugin::createStore, moves nothing
// across threads itself, and calls every method below on one dedicated store thread it
// owns — so a store may keep thread-affine connections (QtSql) and block on I/O.
// open() runs first on that thread, close() last.
class SessionStore {
public:
    virtual ~SessionStore() = default;

    // Called by the store on the store thread when another process changed a session
    // (stores shared by several runtimes). The host sets it before open().
    using ChangeHandler = std::function<void(const StoreChange &)>;
    virtual void setChangeHandler(ChangeHandler handler) { (void)handler; }

    virtual Result<void> open() = 0;
    virtual void close() = 0;

    // Applies the writes in one transaction when possible and answers one result per write,
    // in order. A failed write (conflict, not found) does not fail the others; a store
    // failure (I/O, connection lost) answers Unavailable for every write not committed.
    // A write is reported ok only after its commit is durable.
    virtual QList<Result<Session>> write(const QList<StoreWrite> &writes) = 0;

    virtual Result<Session> get(const QString &id) = 0;
    virtual Result<SessionPage> list(const ListSessionsQuery &query) = 0;

    // Marks up to `limit` active or idle sessions whose deadline is at or before `now` as
    // expired (version + 1) and returns them. Safe when several runtimes share the store.
    virtual Result<QList<Session>> expireDue(const QDateTime &now, int limit) = 0;
    // Deletes final (terminated/expired) sessions last updated before `before`.
    virtual Result<int> purgeFinal(const QDateTime &before, int limit) = 0;

    // Cheap reachability check for /readyz.
    virtual Result<void> ping() = 0;
};

} // namespace sm
