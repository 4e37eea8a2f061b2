#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace sm::exchange {

// Reads what ByteWriter wrote. Failure is sticky: after the first short read or invalid
// value every read returns zero and ok() stays false, so decoders check once at the end
// instead of after every field.
class ByteReader {
public:
    explicit ByteReader(std::string_view bytes);

    std::uint8_t u8();
    std::uint16_t u16();
    std::uint32_t u32();
    std::uint64_t u64();
    std::int64_t i64();
    std::string_view raw(std::size_t size);
    std::string str();
    // An element count that the remaining input can actually hold, so a corrupt count
    // cannot make a decoder reserve or loop over absurd sizes.
    std::size_t count(std::size_t minBytesPerElement);

    // Reads an enum written by ByteWriter::enumeration; values past `last` fail the reader.
    template <typename Enum>
    Enum enumeration(Enum last)
    {
        const std::uint8_t value = u8();
        if (value > static_cast<std::uint8_t>(last))
            fail();
        return ok() ? static_cast<Enum>(value) : Enum{};
    }

    void fail();
    bool ok() const;
    bool atEnd() const;

private:
    std::uint64_t littleEndian(std::size_t bytes);

    std::string_view m_bytes;
    std::size_t m_position = 0;
    bool m_ok = true;
};

} // namespace sm::exchange
