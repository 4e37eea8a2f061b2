#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

namespace sm::exchange {

// Prices are integers in the engine's smallest price unit (what a unit is worth, e.g. 0.01,
// is the UI's business); an instrument's tick size is a multiple of that unit. Keeping
// floating point out of the engine makes matching, PnL and replays exact and portable.
using Price = std::int64_t;
using Qty = std::int64_t;
// Engine-assigned, unique within one Exchange; 0 never names an order.
using OrderId = std::uint64_t;
// Index of an instrument in its Exchange's configuration.
using InstrumentId = std::uint32_t;
using AccountId = std::uint32_t;

inline constexpr OrderId kNoOrderId = 0;
inline constexpr InstrumentId kNoInstrument = std::numeric_limits<InstrumentId>::max();
// A session (the user) trades against one synthetic counterparty: the market generator.
inline constexpr AccountId kSessionAccount = 1;
inline constexpr AccountId kMarketAccount = 2;

enum class Side : std::uint8_t { Buy, Sell };
enum class OrderKind : std::uint8_t { Limit, Market };
// Market orders always behave as ioc: their unfilled remainder is cancelled, never rested.
enum class TimeInForce : std::uint8_t { Gtc, Ioc };

enum class OrderStatus : std::uint8_t {
    New, // accepted, nothing filled yet
    PartiallyFilled,
    Filled,
    Cancelled, // by request or as an unfilled ioc/market remainder; may carry earlier fills
    Rejected,
};
// Highest enumerator, for decoders validating untrusted bytes; keep in step with the enum.
inline constexpr OrderStatus kLastOrderStatus = OrderStatus::Rejected;

enum class RejectReason : std::uint8_t {
    None,
    UnknownSymbol,
    NonPositiveQuantity,
    QuantityTooLarge,
    InvalidOrderId, // zero, or the id of an order already resting in the book
    PriceNotOnTick,
    PriceOutOfBand,
    NoLiquidity,     // market order while the opposite side of the book is empty
    UnknownOrder,    // cancel of an id that is not (or no longer) known to the requester
    TooLateToCancel, // cancel lost the race: the order is already filled, cancelled or rejected
};
inline constexpr RejectReason kLastRejectReason = RejectReason::TooLateToCancel;

enum class CancelReason : std::uint8_t { Requested, UnfilledRemainder };

enum class ConfigError : std::uint8_t {
    None,
    NoInstruments,
    EmptySymbol,
    DuplicateSymbol,
    InvalidTickSize,
    InvalidInitialPrice,
    InvalidBand,
    InvalidMaxQuantity,
    InvalidGenerator,
    InvalidCapacity,
};

enum class SnapshotError : std::uint8_t { BadMagic, UnsupportedVersion, Corrupt };

constexpr Side opposite(Side side)
{
    return side == Side::Buy ? Side::Sell : Side::Buy;
}

std::string_view describe(OrderStatus status);
std::string_view describe(RejectReason reason);
std::string_view describe(ConfigError error);
std::string_view describe(SnapshotError error);

} // namespace sm::exchange
