#pragma once

#include "engine/orderrequest.h"
#include "engine/types.h"

#include <sm/result.h>

#include <QJsonObject>

#include <cstddef>
#include <vector>

namespace sm::exchange {
class Exchange;
}

namespace exsim {

// A parsed "order" request. `refusal` is set when the request is well formed but can
// never become an engine order (a price that is not a whole number of price units): it
// is answered with an order.reject like the engine's own rejections.
struct ParsedOrder {
    sm::exchange::OrderRequest request;
    sm::exchange::RejectReason refusal = sm::exchange::RejectReason::None;
};

// Reads the JSON requests of the exchange-sim protocol (docs/exchange-sim.md). Malformed
// input (missing or wrong-typed fields, unknown values) is a BadRequest whose message
// names the field.
class RequestCodec {
public:
    static sm::Result<QString> type(const QJsonObject &request);
    static sm::Result<ParsedOrder> order(const QJsonObject &request);
    // The id to cancel; kNoOrderId for a string that cannot name any order.
    static sm::Result<sm::exchange::OrderId> cancelTarget(const QJsonObject &request);
    // "symbols": a non-empty array of symbols the exchange lists.
    static sm::Result<std::vector<sm::exchange::InstrumentId>> symbols(const QJsonObject &request,
                                                                      const sm::exchange::Exchange &exchange);
    // "symbol": one symbol the exchange lists.
    static sm::Result<sm::exchange::InstrumentId> symbol(const QJsonObject &request,
                                                         const sm::exchange::Exchange &exchange);
    // "depth": optional, 1..1000; `fallback` when absent.
    static sm::Result<std::size_t> depth(const QJsonObject &request, std::size_t fallback);
};

} // namespace exsim
