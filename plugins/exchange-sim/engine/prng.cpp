#include "engine/prng.h"

#include "engine/bytereader.h"
#include "engine/bytewriter.h"

#include <algorithm>
#include <bit>

namespace sm::exchange {

namespace {

std::uint64_t splitmix64(std::uint64_t &state)
{
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

} // namespace

Prng::Prng(std::uint64_t seed)
{
    // splitmix64 never yields an all-zero xoshiro state, which would be a fixed point.
    for (std::uint64_t &word : m_state)
        word = splitmix64(seed);
}

std::uint64_t Prng::next()
{
    const std::uint64_t result = std::rotl(m_state[1] * 5, 7) * 9;
    const std::uint64_t t = m_state[1] << 17;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= t;
    m_state[3] = std::rotl(m_state[3], 45);
    return result;
}

std::uint32_t Prng::below(std::uint32_t bound)
{
    return static_cast<std::uint32_t>(((next() >> 32) * bound) >> 32);
}

void Prng::encode(ByteWriter &out) const
{
    for (const std::uint64_t word : m_state)
        out.u64(word);
}

bool Prng::decode(ByteReader &in)
{
    for (std::uint64_t &word : m_state)
        word = in.u64();
    if (std::all_of(m_state.begin(), m_state.end(), [](std::uint64_t word) { return word == 0; }))
        in.fail();
    return in.ok();
}

} // namespace sm::exchange
