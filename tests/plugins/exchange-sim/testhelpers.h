#pragma once

#include "engine/event.h"
#include "engine/instrumentconfig.h"
#include "engine/neworder.h"
#include "engine/types.h"

#include <QDebug>

#include <variant>
#include <vector>

namespace sm::exchange {

// Lets QCOMPARE print events (and vectors of them) when a comparison fails.
QDebug operator<<(QDebug debug, const Event &event);

namespace test {

// Instrument used by the book tests: tick 5, reference 10'000, band [9'000, 11'000].
inline InstrumentConfig testInstrument()
{
    return InstrumentConfig{"TEST", 5, 10'000, 1000, 1000};
}

inline NewOrder limitOrder(OrderId id, Side side, Price price, Qty qty, TimeInForce tif = TimeInForce::Gtc,
    AccountId account = kSessionAccount)
{
    return NewOrder{id, account, side, OrderKind::Limit, tif, price, qty};
}

inline NewOrder marketOrder(OrderId id, Side side, Qty qty, AccountId account = kSessionAccount)
{
    return NewOrder{id, account, side, OrderKind::Market, TimeInForce::Ioc, 0, qty};
}

template <typename T>
std::vector<T> eventsOf(const std::vector<Event> &events)
{
    std::vector<T> matching;
    for (const Event &event : events) {
        if (const T *typed = std::get_if<T>(&event))
            matching.push_back(*typed);
    }
    return matching;
}

} // namespace test
} // namespace sm::exchange
