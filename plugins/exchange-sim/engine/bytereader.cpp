#include "engine/bytereader.h"

namespace sm::exchange {

ByteReader::ByteReader(std::string_view bytes)
    : m_bytes(bytes)
{
}

std::uint8_t ByteReader::u8()
{
    return static_cast<std::uint8_t>(littleEndian(1));
}

std::uint16_t ByteReader::u16()
{
    return static_cast<std::uint16_t>(littleEndian(2));
}

std::uint32_t ByteReader::u32()
{
    return static_cast<std::uint32_t>(littleEndian(4));
}

std::uint64_t ByteReader::u64()
{
    return littleEndian(8);
}

std::int64_t ByteReader::i64()
{
    return static_cast<std::int64_t>(u64());
}

std::string_view ByteReader::raw(std::size_t size)
{
    if (!m_ok || m_bytes.size() - m_position < size) {
        fail();
        return {};
    }
    const std::string_view result = m_bytes.substr(m_position, size);
    m_position += size;
    return result;
}

std::string ByteReader::str()
{
    return std::string(raw(u32()));
}

std::size_t ByteReader::count(std::size_t minBytesPerElement)
{
    const std::size_t elements = u32();
    if (elements > (m_bytes.size() - m_position) / minBytesPerElement)
        fail();
    return m_ok ? elements : 0;
}

void ByteReader::fail()
{
    m_ok = false;
}

bool ByteReader::ok() const
{
    return m_ok;
}

bool ByteReader::atEnd() const
{
    return m_position == m_bytes.size();
}

std::uint64_t ByteReader::littleEndian(std::size_t bytes)
{
    const std::string_view field = raw(bytes);
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < field.size(); ++i)
        value |= static_cast<std::uint64_t>(static_cast<unsigned char>(field[i])) << (8 * i);
    return value;
}

} // namespace sm::exchange
