#include "engine/bytewriter.h"

#include <utility>

namespace sm::exchange {

void ByteWriter::u8(std::uint8_t value)
{
    littleEndian(value, 1);
}

void ByteWriter::u16(std::uint16_t value)
{
    littleEndian(value, 2);
}

void ByteWriter::u32(std::uint32_t value)
{
    littleEndian(value, 4);
}

void ByteWriter::u64(std::uint64_t value)
{
    littleEndian(value, 8);
}

void ByteWriter::i64(std::int64_t value)
{
    // Two's complement reinterpretation is well defined since C++20.
    u64(static_cast<std::uint64_t>(value));
}

void ByteWriter::raw(std::string_view bytes)
{
    m_bytes.append(bytes);
}

void ByteWriter::str(std::string_view text)
{
    u32(static_cast<std::uint32_t>(text.size()));
    raw(text);
}

std::string ByteWriter::take()
{
    return std::exchange(m_bytes, {});
}

void ByteWriter::littleEndian(std::uint64_t value, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        m_bytes.push_back(static_cast<char>((value >> (8 * i)) & 0xffU));
}

} // namespace sm::exchange
