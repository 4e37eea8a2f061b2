#pragma once

#include "engine/types.h"

#include <string>

namespace sm::exchange {

// A session's new order as the client states it.
struct OrderRequest {
    std::string symbol;
    std::string clientOrderId;
    Side side = Side::Buy;
    OrderKind kind = OrderKind::Limit;
    TimeInForce tif = TimeInForce::Gtc;
    Price price = 0; // ignored for market orders
    Qty qty = 0;
    bool operator==(const OrderRequest &) const = default;
};

} // namespace sm::exchange
