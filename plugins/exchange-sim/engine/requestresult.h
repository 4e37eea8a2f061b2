#pragma once

#include "engine/types.h"

namespace sm::exchange {

// Synchronous answer to a submit or cancel; the full story is in the events.
struct RequestResult {
    // The new order's id (assigned even when rejected), or the cancel's target.
    OrderId orderId = kNoOrderId;
    RejectReason reason = RejectReason::None;

    bool ok() const { return reason == RejectReason::None; }
};

} // namespace sm::exchange
