#pragma once

#include <sm/result.h>

#include <QDateTime>
#include <QString>

namespace smpg {

// The position after the last session of a page, in list order (created_at, id). Opaque
// to clients: base64url of "<created_at ms>:<id>".
struct ListCursor {
    QDateTime createdAt;
    QString id;

    QString encode() const;
    static sm::Result<ListCursor> decode(const QString &text);
};

} // namespace smpg
