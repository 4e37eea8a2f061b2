#include <sm/event.h>

namespace sm {

QByteArray EventId::toString() const
{
    return QByteArray::number(epoch) + '-' + QByteArray::number(seq);
}

std::optional<EventId> EventId::parse(QByteArrayView text)
{
    const qsizetype dash = text.indexOf('-');
    if (dash <= 0 || dash == text.size() - 1 || text.size() > 41)
        return std::nullopt;
    bool epochOk = false;
    bool seqOk = false;
    // toULongLong accepts a leading '+' or spaces; require plain digits.
    for (char c : text) {
        if (c != '-' && (c < '0' || c > '9'))
            return std::nullopt;
    }
    const quint64 epoch = text.first(dash).toULongLong(&epochOk);
    const quint64 seq = text.sliced(dash + 1).toULongLong(&seqOk);
    if (!epochOk || !seqOk)
        return std::nullopt;
    return EventId{epoch, seq};
}

} // namespace sm
