#include "engine/types.h"

namespace sm::exchange {

std::string_view describe(OrderStatus status)
{
    switch (status) {
    case OrderStatus::New:
        return "new";
    case OrderStatus::PartiallyFilled:
        return "partially filled";
    case OrderStatus::Filled:
        return "filled";
    case OrderStatus::Cancelled:
        return "cancelled";
    case OrderStatus::Rejected:
        return "rejected";
    }
    return "invalid status"; // only reachable through a value cast from outside the enum
}

std::string_view describe(RejectReason reason)
{
    switch (reason) {
    case RejectReason::None:
        return "none";
    case RejectReason::UnknownSymbol:
        return "unknown symbol";
    case RejectReason::NonPositiveQuantity:
        return "quantity must be positive";
    case RejectReason::QuantityTooLarge:
        return "quantity above the instrument's maximum";
    case RejectReason::InvalidOrderId:
        return "invalid or duplicate order id";
    case RejectReason::PriceNotOnTick:
        return "price not on tick size";
    case RejectReason::PriceOutOfBand:
        return "price outside the price band";
    case RejectReason::NoLiquidity:
        return "no liquidity for market order";
    case RejectReason::UnknownOrder:
        return "unknown order";
    case RejectReason::TooLateToCancel:
        return "too late to cancel";
    }
    return "invalid reason";
}

std::string_view describe(ConfigError error)
{
    switch (error) {
    case ConfigError::None:
        return "none";
    case ConfigError::NoInstruments:
        return "no instruments configured";
    case ConfigError::EmptySymbol:
        return "empty symbol";
    case ConfigError::DuplicateSymbol:
        return "duplicate symbol";
    case ConfigError::InvalidTickSize:
        return "tick size must be positive";
    case ConfigError::InvalidInitialPrice:
        return "initial price must be positive, on tick and at most 1e9";
    case ConfigError::InvalidBand:
        return "price band must be between 1 and 9999 basis points";
    case ConfigError::InvalidMaxQuantity:
        return "maximum order quantity must be between 1 and 1e9";
    case ConfigError::InvalidGenerator:
        return "invalid market generator settings";
    case ConfigError::InvalidCapacity:
        return "expected orders per book above 1048576";
    }
    return "invalid error";
}

std::string_view describe(SnapshotError error)
{
    switch (error) {
    case SnapshotError::BadMagic:
        return "not an exchange snapshot";
    case SnapshotError::UnsupportedVersion:
        return "unsupported snapshot version";
    case SnapshotError::Corrupt:
        return "corrupt snapshot";
    }
    return "invalid error";
}

} // namespace sm::exchange
