#include "engine/position.h"

#include "engine/bytereader.h"
#include "engine/bytewriter.h"

#include <algorithm>

namespace sm::exchange {

namespace {

Qty magnitude(Qty qty)
{
    return qty < 0 ? -qty : qty;
}

// cost * part / whole without forming the full product, which could overflow int64.
// Truncates; the rounding remainder stays in the cost of the still-open quantity.
std::int64_t share(std::int64_t cost, Qty part, Qty whole)
{
    return cost / whole * part + cost % whole * part / whole;
}

} // namespace

void Position::applyFill(Side side, Price price, Qty qty)
{
    const bool increases = m_qty == 0 || (m_qty > 0) == (side == Side::Buy);
    if (increases) {
        m_qty += side == Side::Buy ? qty : -qty;
        m_cost += price * qty;
        return;
    }
    const Qty closing = std::min(qty, magnitude(m_qty));
    close(closing, price);
    const Qty opening = qty - closing;
    if (opening > 0) { // flipped through flat: the excess opens at the fill price
        m_qty = side == Side::Buy ? opening : -opening;
        m_cost = price * opening;
    }
}

Price Position::averageCost() const
{
    const Qty open = magnitude(m_qty);
    return open == 0 ? 0 : (m_cost + open / 2) / open;
}

void Position::encode(ByteWriter &out) const
{
    out.i64(m_qty);
    out.i64(m_cost);
    out.i64(m_realised);
}

bool Position::decode(ByteReader &in)
{
    m_qty = in.i64();
    m_cost = in.i64();
    m_realised = in.i64();
    return in.ok();
}

void Position::close(Qty qty, Price price)
{
    const Qty open = magnitude(m_qty);
    // Closing everything releases the exact remaining cost, so no rounding residue survives.
    const std::int64_t released = qty == open ? m_cost : share(m_cost, qty, open);
    const std::int64_t proceeds = price * qty;
    m_realised += m_qty > 0 ? proceeds - released : released - proceeds;
    m_cost -= released;
    m_qty += m_qty > 0 ? -qty : qty;
}

} // namespace sm::exchange
