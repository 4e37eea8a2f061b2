#include "engine/sessionorder.h"

#include "engine/bytereader.h"
#include "engine/bytewriter.h"

#include <utility>

namespace sm::exchange {

namespace {

constexpr std::size_t kEncodedExecutionBytes = 8 + 8;

void encodeRequest(const OrderRequest &request, ByteWriter &out)
{
    out.str(request.symbol);
    out.str(request.clientOrderId);
    out.enumeration(request.side);
    out.enumeration(request.kind);
    out.enumeration(request.tif);
    out.i64(request.price);
    out.i64(request.qty);
}

OrderRequest decodeRequest(ByteReader &in)
{
    OrderRequest request;
    request.symbol = in.str();
    request.clientOrderId = in.str();
    request.side = in.enumeration(Side::Sell);
    request.kind = in.enumeration(OrderKind::Market);
    request.tif = in.enumeration(TimeInForce::Ioc);
    request.price = in.i64();
    request.qty = in.i64();
    return request;
}

} // namespace

SessionOrder::SessionOrder(OrderId id, InstrumentId instrument, OrderRequest request)
    : m_id(id)
    , m_instrument(instrument)
    , m_request(std::move(request))
{
}

Qty SessionOrder::remainingQty() const
{
    return isOpen() ? m_request.qty - m_filledQty : 0;
}

Price SessionOrder::averagePrice() const
{
    return m_filledQty == 0 ? 0 : (m_filledNotional + m_filledQty / 2) / m_filledQty;
}

bool SessionOrder::isOpen() const
{
    return m_status == OrderStatus::New || m_status == OrderStatus::PartiallyFilled;
}

void SessionOrder::applyFill(Price price, Qty qty)
{
    m_filledQty += qty;
    m_filledNotional += price * qty;
    m_executions.push_back(Execution{price, qty});
    m_status = m_filledQty == m_request.qty ? OrderStatus::Filled : OrderStatus::PartiallyFilled;
}

void SessionOrder::markCancelled()
{
    m_status = OrderStatus::Cancelled;
}

void SessionOrder::markRejected(RejectReason reason)
{
    m_status = OrderStatus::Rejected;
    m_rejectReason = reason;
}

void SessionOrder::encode(ByteWriter &out) const
{
    out.u64(m_id);
    out.u32(m_instrument);
    encodeRequest(m_request, out);
    out.enumeration(m_status);
    out.enumeration(m_rejectReason);
    out.i64(m_filledQty);
    out.i64(m_filledNotional);
    out.u32(static_cast<std::uint32_t>(m_executions.size()));
    for (const Execution &execution : m_executions) {
        out.i64(execution.price);
        out.i64(execution.qty);
    }
}

SessionOrder SessionOrder::decode(ByteReader &in)
{
    const OrderId id = in.u64();
    const InstrumentId instrument = in.u32();
    SessionOrder order(id, instrument, decodeRequest(in));
    order.m_status = in.enumeration(kLastOrderStatus);
    order.m_rejectReason = in.enumeration(kLastRejectReason);
    order.m_filledQty = in.i64();
    order.m_filledNotional = in.i64();
    order.m_executions.resize(in.count(kEncodedExecutionBytes));
    for (Execution &execution : order.m_executions) {
        execution.price = in.i64();
        execution.qty = in.i64();
    }
    return order;
}

} // namespace sm::exchange
