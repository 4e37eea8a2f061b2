#pragma once

#include <QString>

#include <optional>

namespace smsqlite {

// The position after the last row of a list page: its (created_at, id) key, the order
// the list is sorted by. Clients see it only as an opaque base64url string.
struct PageCursor {
    qint64 createdAtMs = 0;
    QString id;

    QString encode() const;
    // Nullopt when `text` was not produced by encode().
    static std::optional<PageCursor> decode(const QString &text);
};

} // namespace smsqlite
