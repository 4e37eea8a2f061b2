#pragma once

#include "engine/event.h"

#include <QDataStream>
#include <QString>

#include <optional>
#include <vector>

namespace exsim {

// Per instrument: whether the session subscribed to it, the last quote the session was
// sent, and the market-data changes of the request or tick being published. Coalescing
// happens here: one market.quote per symbol per call, and only when the top of book
// differs from the last one sent; one market.book per symbol per call with the final
// state of each level that changed.
class MarketDataState {
public:
    explicit MarketDataState(std::vector<QString> symbols);

    std::size_t size() const { return m_instruments.size(); }
    const QString &symbol(sm::exchange::InstrumentId id) const { return m_instruments[id].symbol; }

    // Both return whether the subscription changed.
    bool subscribe(sm::exchange::InstrumentId id);
    bool unsubscribe(sm::exchange::InstrumentId id);
    bool isSubscribed(sm::exchange::InstrumentId id) const { return m_instruments[id].subscribed; }
    std::vector<QString> subscribedSymbols() const;

    // Engine market data of the call in progress; ignored for unsubscribed instruments.
    void noteQuote(const sm::exchange::TopOfBook &top);
    void noteLevel(const sm::exchange::LevelDelta &delta);

    // The pending quote if it differs from the last one sent (which it then becomes).
    std::optional<sm::exchange::TopOfBook> takeQuote(sm::exchange::InstrumentId id);
    // The pending level changes; the state keeps its buffer for reuse.
    const std::vector<sm::exchange::LevelDelta> &pendingLevels(sm::exchange::InstrumentId id) const;
    void clearPending(sm::exchange::InstrumentId id);

    // Subscriptions and last quotes: what later calls depend on.
    void save(QDataStream &out) const;
    bool load(QDataStream &in);

private:
    struct Instrument {
        QString symbol;
        bool subscribed = false;
        std::optional<sm::exchange::TopOfBook> lastSent;
        std::optional<sm::exchange::TopOfBook> pendingQuote;
        std::vector<sm::exchange::LevelDelta> pendingLevels;
    };

    std::vector<Instrument> m_instruments;
};

} // namespace exsim
