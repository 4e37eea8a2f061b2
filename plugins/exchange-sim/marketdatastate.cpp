#include "marketdatastate.h"

#include <algorithm>
#include <utility>

namespace exsim {

using sm::exchange::InstrumentId;
using sm::exchange::LevelDelta;
using sm::exchange::TopOfBook;

MarketDataState::MarketDataState(std::vector<QString> symbols)
{
    m_instruments.resize(symbols.size());
    for (std::size_t i = 0; i < symbols.size(); ++i)
        m_instruments[i].symbol = std::move(symbols[i]);
}

bool MarketDataState::subscribe(InstrumentId id)
{
    Instrument &instrument = m_instruments[id];
    const bool changed = !instrument.subscribed;
    instrument.subscribed = true;
    return changed;
}

bool MarketDataState::unsubscribe(InstrumentId id)
{
    Instrument &instrument = m_instruments[id];
    const bool changed = instrument.subscribed;
    instrument = Instrument{std::move(instrument.symbol), false, std::nullopt, std::nullopt, {}};
    return changed;
}

std::vector<QString> MarketDataState::subscribedSymbols() const
{
    std::vector<QString> symbols;
    for (const Instrument &instrument : m_instruments) {
        if (instrument.subscribed)
            symbols.push_back(instrument.symbol);
    }
    return symbols;
}

void MarketDataState::noteQuote(const TopOfBook &top)
{
    Instrument &instrument = m_instruments[top.instrument];
    if (instrument.subscribed)
        instrument.pendingQuote = top;
}

// The engine reports each level at most once per operation, but a tick runs many
// operations: a later report of the same level replaces the earlier one.
void MarketDataState::noteLevel(const LevelDelta &delta)
{
    Instrument &instrument = m_instruments[delta.instrument];
    if (!instrument.subscribed)
        return;
    const auto sameLevel = [&delta](const LevelDelta &other) {
        return other.side == delta.side && other.price == delta.price;
    };
    auto found = std::find_if(instrument.pendingLevels.begin(), instrument.pendingLevels.end(), sameLevel);
    if (found != instrument.pendingLevels.end())
        *found = delta;
    else
        instrument.pendingLevels.push_back(delta);
}

std::optional<TopOfBook> MarketDataState::takeQuote(InstrumentId id)
{
    Instrument &instrument = m_instruments[id];
    std::optional<TopOfBook> pending = std::exchange(instrument.pendingQuote, std::nullopt);
    if (!pending || pending == instrument.lastSent)
        return std::nullopt;
    instrument.lastSent = pending;
    return pending;
}

const std::vector<LevelDelta> &MarketDataState::pendingLevels(InstrumentId id) const
{
    return m_instruments[id].pendingLevels;
}

void MarketDataState::clearPending(InstrumentId id)
{
    m_instruments[id].pendingQuote.reset();
    m_instruments[id].pendingLevels.clear();
}

void MarketDataState::save(QDataStream &out) const
{
    out << quint32(m_instruments.size());
    for (const Instrument &instrument : m_instruments) {
        const TopOfBook last = instrument.lastSent.value_or(TopOfBook{});
        out << instrument.subscribed << instrument.lastSent.has_value() << qint64(last.bidPrice)
            << qint64(last.bidQty) << qint64(last.askPrice) << qint64(last.askQty);
    }
}

bool MarketDataState::load(QDataStream &in)
{
    quint32 count = 0;
    in >> count;
    if (in.status() != QDataStream::Ok || count != m_instruments.size())
        return false;
    for (std::size_t id = 0; id < m_instruments.size(); ++id) {
        bool subscribed = false;
        bool hasLast = false;
        qint64 bidPrice = 0, bidQty = 0, askPrice = 0, askQty = 0;
        in >> subscribed >> hasLast >> bidPrice >> bidQty >> askPrice >> askQty;
        Instrument &instrument = m_instruments[id];
        instrument.subscribed = subscribed;
        instrument.lastSent.reset();
        if (hasLast)
            instrument.lastSent = TopOfBook{InstrumentId(id), bidPrice, bidQty, askPrice, askQty};
    }
    return in.status() == QDataStream::Ok;
}

} // namespace exsim
