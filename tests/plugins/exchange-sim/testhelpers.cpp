#include "testhelpers.h"

#include <QDebugStateSaver>

namespace sm::exchange {

namespace {

// The enums print as numbers: stable, and their order is documented in types.h.
template <typename Enum>
int code(Enum value)
{
    return static_cast<int>(value);
}

void print(QDebug &d, const Accepted &e)
{
    d << "Accepted(inst" << e.instrument << "id" << e.orderId << "acct" << e.account << "side" << code(e.side)
      << "kind" << code(e.kind) << "tif" << code(e.tif) << e.qty << "@" << e.price << ")";
}

void print(QDebug &d, const Rejected &e)
{
    d << "Rejected(inst" << e.instrument << "id" << e.orderId << "acct" << e.account << "reason"
      << code(e.reason) << ")";
}

void print(QDebug &d, const CancelRejected &e)
{
    d << "CancelRejected(inst" << e.instrument << "id" << e.orderId << "acct" << e.account << "reason"
      << code(e.reason) << ")";
}

void print(QDebug &d, const Filled &e)
{
    d << "Filled(inst" << e.instrument << "id" << e.orderId << "acct" << e.account << "side" << code(e.side)
      << e.qty << "@" << e.price << "remaining" << e.remaining << (e.aggressor ? "aggressor" : "resting")
      << ")";
}

void print(QDebug &d, const Trade &e)
{
    d << "Trade(inst" << e.instrument << e.qty << "@" << e.price << "aggressor side" << code(e.aggressorSide)
      << ")";
}

void print(QDebug &d, const Cancelled &e)
{
    d << "Cancelled(inst" << e.instrument << "id" << e.orderId << "acct" << e.account << "qty"
      << e.cancelledQty << "reason" << code(e.reason) << ")";
}

void print(QDebug &d, const TopOfBook &e)
{
    d << "TopOfBook(inst" << e.instrument << e.bidQty << "@" << e.bidPrice << "/" << e.askQty << "@"
      << e.askPrice << ")";
}

void print(QDebug &d, const LevelDelta &e)
{
    d << "LevelDelta(inst" << e.instrument << "side" << code(e.side) << e.price << "qty" << e.qty << "orders"
      << e.orders << ")";
}

} // namespace

QDebug operator<<(QDebug debug, const Event &event)
{
    const QDebugStateSaver saver(debug);
    debug.noquote();
    std::visit([&debug](const auto &e) { print(debug, e); }, event);
    return debug;
}

} // namespace sm::exchange
