#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace sm::exchange {

// Appends fixed-width little-endian fields so snapshots are byte-identical on every platform.
class ByteWriter {
public:
    void u8(std::uint8_t value);
    void u16(std::uint16_t value);
    void u32(std::uint32_t value);
    void u64(std::uint64_t value);
    void i64(std::int64_t value);
    void raw(std::string_view bytes);
    // Length-prefixed (u32) string.
    void str(std::string_view text);

    template <typename Enum>
    void enumeration(Enum value)
    {
        static_assert(std::is_same_v<std::underlying_type_t<Enum>, std::uint8_t>);
        u8(static_cast<std::uint8_t>(value));
    }

    std::string take();

private:
    void littleEndian(std::uint64_t value, int bytes);

    std::string m_bytes;
};

} // namespace sm::exchange
