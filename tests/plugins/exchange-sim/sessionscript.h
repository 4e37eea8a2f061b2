#pragma once

#include "engine/event.h"
#include "engine/exchange.h"
#include "engine/prng.h"

#include <cstdint>
#include <vector>

namespace sm::exchange::test {

// Drives an Exchange the way a UI session would: generator steps interleaved with session
// orders of every kind (including invalid ones) and cancels (including stale ones). The
// script's own randomness is seeded, so copies of a script replay the same calls against
// exchanges in the same state.
class SessionScript {
public:
    explicit SessionScript(std::uint64_t seed);

    void run(Exchange &exchange, int calls, std::vector<Event> &out);

private:
    void submitRandomOrder(Exchange &exchange, std::vector<Event> &out);
    void cancelRandomOrder(Exchange &exchange, std::vector<Event> &out);
    Price priceNearTouch(const Exchange &exchange, const InstrumentConfig &instrument);

    Prng m_rng;
};

} // namespace sm::exchange::test
