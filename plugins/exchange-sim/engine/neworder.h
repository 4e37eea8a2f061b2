#pragma once

#include "engine/types.h"

namespace sm::exchange {

// An order as an OrderBook sees it: already routed, with its engine-assigned id.
struct NewOrder {
    OrderId id = kNoOrderId;
    AccountId account = 0;
    Side side = Side::Buy;
    OrderKind kind = OrderKind::Limit;
    TimeInForce tif = TimeInForce::Gtc;
    Price price = 0; // ignored for market orders
    Qty qty = 0;
};

} // namespace sm::exchange
