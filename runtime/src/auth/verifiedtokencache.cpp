#include "auth/verifiedtokencache.h"

namespace sm {

std::optional<Caller> VerifiedTokenCache::find(const QByteArray &token, double nowSecs) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_entries.constFind(token);
    if (it == m_entries.cend() || nowSecs < it->validFromSecs || nowSecs >= it->validUntilSecs)
        return std::nullopt; // outside its window the full check gives the precise error
    return it->caller;
}

void VerifiedTokenCache::insert(const QByteArray &token, const Caller &caller,
                                double validFromSecs, double validUntilSecs)
{
    QMutexLocker lock(&m_mutex);
    // Expired entries are never looked at again; clearing when full drops them too,
    // and costs one re-verification per token still in use.
    if (m_entries.size() >= m_capacity)
        m_entries.clear();
    m_entries.insert(token, Entry{caller, validFromSecs, validUntilSecs});
}

} // namespace sm
