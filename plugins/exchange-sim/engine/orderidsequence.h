#pragma once

#include "engine/types.h"

namespace sm::exchange {

// Hands out the engine-assigned order ids of one Exchange. Session and generator orders
// share the sequence so ids stay unique across accounts and instruments.
class OrderIdSequence {
public:
    explicit OrderIdSequence(OrderId first = 1)
        : m_next(first)
    {
    }

    OrderId next() { return m_next++; }
    OrderId peek() const { return m_next; }

private:
    OrderId m_next;
};

} // namespace sm::exchange
