#pragma once

#include <sm/caller.h>

#include <QByteArray>
#include <QHash>
#include <QMutex>

#include <optional>

namespace sm {

// JWTs whose signature and claims were already checked, keyed by the token's exact bytes,
// with the window (seconds since the epoch, clock skew included) in which they stay valid.
// A browser or service sends the same token on every request; this spares each repeat the
// base64 and JSON decoding and the HMAC. Only accepted tokens are stored, so a forged or
// altered token never matches. Thread-safe; bounded by forgetting everything when full.
class VerifiedTokenCache {
public:
    explicit VerifiedTokenCache(qsizetype capacity = 4096) : m_capacity(capacity) {}

    // The caller of `token` if it was verified and `nowSecs` lies in its window.
    std::optional<Caller> find(const QByteArray &token, double nowSecs) const;
    void insert(const QByteArray &token, const Caller &caller, double validFromSecs,
                double validUntilSecs);

private:
    struct Entry {
        Caller caller;
        double validFromSecs;
        double validUntilSecs;
    };

    qsizetype m_capacity;
    mutable QMutex m_mutex;
    QHash<QByteArray, Entry> m_entries;
};

} // namespace sm
