#include "engine/exchange.h"

#include "engine/bytereader.h"
#include "engine/bytewriter.h"

#include <algorithm>
#include <utility>
#include <variant>

namespace sm::exchange {

namespace {

constexpr std::string_view kSnapshotMagic = "SMXE";
// Bump on any change to the encoding; restore refuses other versions.
constexpr std::uint16_t kSnapshotVersion = 1;
// Smallest encoded SessionOrder: fixed fields plus empty strings and no executions.
constexpr std::size_t kEncodedOrderBytes = 8 + 4 + 4 + 4 + 3 + 8 + 8 + 1 + 1 + 8 + 8 + 4;
constexpr std::size_t kEncodedIdBytes = 8;

std::vector<OrderBook> makeBooks(const ExchangeConfig &config)
{
    std::vector<OrderBook> books;
    books.reserve(config.instruments.size());
    for (std::size_t i = 0; i < config.instruments.size(); ++i)
        books.emplace_back(static_cast<InstrumentId>(i), config.instruments[i], config.expectedOrdersPerBook);
    return books;
}

NewOrder toNewOrder(OrderId id, const OrderRequest &request)
{
    return NewOrder{id, kSessionAccount, request.side, request.kind, request.tif, request.price, request.qty};
}

} // namespace

Expected<Exchange, ConfigError> Exchange::create(ExchangeConfig config)
{
    if (const ConfigError error = config.validate(); error != ConfigError::None)
        return error;
    return Exchange(std::move(config));
}

Expected<Exchange, SnapshotError> Exchange::restore(std::string_view snapshot)
{
    ByteReader in(snapshot);
    const std::string_view magic = in.raw(kSnapshotMagic.size());
    const std::uint16_t version = in.u16();
    if (!in.ok())
        return SnapshotError::Corrupt;
    if (magic != kSnapshotMagic)
        return SnapshotError::BadMagic;
    if (version != kSnapshotVersion)
        return SnapshotError::UnsupportedVersion;
    ExchangeConfig config = ExchangeConfig::decode(in);
    if (!in.ok() || config.validate() != ConfigError::None)
        return SnapshotError::Corrupt;
    Exchange exchange(std::move(config));
    if (!exchange.decodeState(in) || !in.atEnd())
        return SnapshotError::Corrupt;
    return exchange;
}

Exchange::Exchange(ExchangeConfig config)
    : m_config(std::move(config))
    , m_books(makeBooks(m_config))
    , m_positions(m_books.size())
    , m_generator(m_config.generator, m_config.seed, m_books)
{
}

RequestResult Exchange::submit(const OrderRequest &request, std::vector<Event> &out)
{
    const std::size_t first = out.size();
    const OrderId id = m_ids.next();
    const std::optional<InstrumentId> instrument = instrumentId(request.symbol);
    m_orders.emplace(id, SessionOrder(id, instrument.value_or(kNoInstrument), request));
    const RejectReason reason = instrument ? m_books[*instrument].submit(toNewOrder(id, request), out)
                                           : rejectUnknownSymbol(id, out);
    track(std::span<const Event>(out).subspan(first));
    return RequestResult{id, reason};
}

RequestResult Exchange::cancel(OrderId id, std::vector<Event> &out)
{
    const std::size_t first = out.size();
    const SessionOrder *target = order(id);
    // An open session order is always resting: ioc and market orders close within submit().
    const RejectReason reason = target && target->isOpen()
        ? m_books[target->instrument()].cancel(id, kSessionAccount, out)
        : rejectCancel(id, out);
    track(std::span<const Event>(out).subspan(first));
    return RequestResult{id, reason};
}

void Exchange::step(std::vector<Event> &out)
{
    const std::size_t first = out.size();
    m_generator.step(m_books, m_ids, out);
    track(std::span<const Event>(out).subspan(first));
}

std::optional<BookSnapshot> Exchange::book(std::string_view symbol, std::size_t depth) const
{
    const std::optional<InstrumentId> instrument = instrumentId(symbol);
    if (!instrument)
        return std::nullopt;
    return m_books[*instrument].snapshot(depth);
}

std::optional<InstrumentId> Exchange::instrumentId(std::string_view symbol) const
{
    const auto &instruments = m_config.instruments;
    const auto it = std::find_if(instruments.begin(), instruments.end(),
        [symbol](const InstrumentConfig &instrument) { return instrument.symbol == symbol; });
    if (it == instruments.end())
        return std::nullopt;
    return static_cast<InstrumentId>(it - instruments.begin());
}

const std::string &Exchange::symbol(InstrumentId instrument) const
{
    return m_config.instruments[instrument].symbol;
}

const SessionOrder *Exchange::order(OrderId id) const
{
    const auto it = m_orders.find(id);
    return it == m_orders.end() ? nullptr : &it->second;
}

std::vector<const SessionOrder *> Exchange::openOrders() const
{
    std::vector<const SessionOrder *> open;
    for (const auto &[id, order] : m_orders) {
        if (order.isOpen())
            open.push_back(&order);
    }
    return open;
}

std::vector<const SessionOrder *> Exchange::recentOrders() const
{
    std::vector<const SessionOrder *> recent;
    recent.reserve(m_closed.size());
    for (const OrderId id : m_closed)
        recent.push_back(order(id));
    return recent;
}

const Position *Exchange::position(std::string_view symbol) const
{
    const std::optional<InstrumentId> instrument = instrumentId(symbol);
    return instrument ? &m_positions[*instrument] : nullptr;
}

std::string Exchange::snapshot() const
{
    ByteWriter out;
    out.raw(kSnapshotMagic);
    out.u16(kSnapshotVersion);
    m_config.encode(out);
    out.u64(m_ids.peek());
    for (const OrderBook &book : m_books)
        book.encode(out);
    for (const Position &position : m_positions)
        position.encode(out);
    m_generator.encode(out);
    encodeOrders(out);
    return out.take();
}

RejectReason Exchange::rejectUnknownSymbol(OrderId id, std::vector<Event> &out) const
{
    out.push_back(Rejected{kNoInstrument, id, kSessionAccount, RejectReason::UnknownSymbol});
    return RejectReason::UnknownSymbol;
}

RejectReason Exchange::rejectCancel(OrderId id, std::vector<Event> &out) const
{
    const SessionOrder *target = order(id);
    const RejectReason reason = target ? RejectReason::TooLateToCancel : RejectReason::UnknownOrder;
    out.push_back(CancelRejected{target ? target->instrument() : kNoInstrument, id, kSessionAccount, reason});
    return reason;
}

void Exchange::track(std::span<const Event> events)
{
    for (const Event &event : events)
        std::visit([this](const auto &e) { apply(e); }, event);
}

void Exchange::apply(const Filled &fill)
{
    SessionOrder *order = sessionOrder(fill.orderId, fill.account);
    if (!order)
        return;
    m_positions[fill.instrument].applyFill(fill.side, fill.price, fill.qty);
    order->applyFill(fill.price, fill.qty);
    retireIfClosed(*order);
}

void Exchange::apply(const Cancelled &cancelled)
{
    if (SessionOrder *order = sessionOrder(cancelled.orderId, cancelled.account)) {
        order->markCancelled();
        retireIfClosed(*order);
    }
}

void Exchange::apply(const Rejected &rejected)
{
    if (SessionOrder *order = sessionOrder(rejected.orderId, rejected.account)) {
        order->markRejected(rejected.reason);
        retireIfClosed(*order);
    }
}

SessionOrder *Exchange::sessionOrder(OrderId id, AccountId account)
{
    if (account != kSessionAccount)
        return nullptr;
    const auto it = m_orders.find(id);
    return it == m_orders.end() ? nullptr : &it->second;
}

void Exchange::retireIfClosed(const SessionOrder &order)
{
    if (order.isOpen())
        return;
    m_closed.push_back(order.id());
    while (m_closed.size() > m_config.recentOrderLimit) {
        m_orders.erase(m_closed.front());
        m_closed.pop_front();
    }
}

bool Exchange::decodeState(ByteReader &in)
{
    m_ids = OrderIdSequence(in.u64());
    for (OrderBook &book : m_books)
        book.decode(in);
    for (Position &position : m_positions)
        position.decode(in);
    m_generator.decode(in, m_books);
    decodeOrders(in);
    return in.ok();
}

void Exchange::encodeOrders(ByteWriter &out) const
{
    out.u32(static_cast<std::uint32_t>(m_orders.size()));
    for (const auto &[id, order] : m_orders)
        order.encode(out);
    out.u32(static_cast<std::uint32_t>(m_closed.size()));
    for (const OrderId id : m_closed)
        out.u64(id);
}

void Exchange::decodeOrders(ByteReader &in)
{
    const std::size_t orderCount = in.count(kEncodedOrderBytes);
    for (std::size_t i = 0; i < orderCount && in.ok(); ++i) {
        SessionOrder order = SessionOrder::decode(in);
        // Open orders rest in a book, so they must name one; only rejects may lack it.
        const bool validInstrument
            = order.instrument() < m_books.size() || (order.instrument() == kNoInstrument && !order.isOpen());
        if (!validInstrument || order.id() >= m_ids.peek()
            || !m_orders.emplace(order.id(), std::move(order)).second)
            in.fail();
    }
    const std::size_t closedCount = in.count(kEncodedIdBytes);
    for (std::size_t i = 0; i < closedCount && in.ok(); ++i) {
        const SessionOrder *closed = order(in.u64());
        if (!closed || closed->isOpen())
            in.fail();
        else
            m_closed.push_back(closed->id());
    }
}

} // namespace sm::exchange
