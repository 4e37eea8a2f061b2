#pragma once

#include <sm/caller.h>
#include <sm/result.h>

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QStringList>

#include <optional>

namespace sm {

// The configured API keys ("<key>:<role>[:<user>]" each). Only SHA-256 digests of the
// keys are kept, and a presented key is compared with every one of them in constant
// time, so neither timing nor a memory dump gives a key away.
class ApiKeyRing {
public:
    // Keys are at least kMinimumKeyLength characters of [A-Za-z0-9_~+/=-]: no '.', so a
    // key can never be taken for a JWT. Errors name the entry by position, never the key.
    static constexpr qsizetype kMinimumKeyLength = 16;

    static Result<ApiKeyRing> fromEntries(const QStringList &entries);

    // The caller a key stands for: the entry's user, or "apikey:<6 hex digits of the
    // key's SHA-256>" when none is given.
    std::optional<Caller> match(QByteArrayView presentedKey) const;
    bool isEmpty() const { return m_entries.isEmpty(); }

private:
    struct Entry {
        QByteArray digest;
        Caller caller;
    };

    QList<Entry> m_entries;
};

} // namespace sm
