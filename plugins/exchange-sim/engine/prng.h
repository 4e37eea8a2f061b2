#pragma once

#include <array>
#include <cstdint>

namespace sm::exchange {

class ByteReader;
class ByteWriter;

// xoshiro256** seeded through splitmix64. Hand-rolled rather than <random> distributions
// because those may produce different sequences on different standard libraries, and
// replays must be identical everywhere.
class Prng {
public:
    explicit Prng(std::uint64_t seed);

    std::uint64_t next();
    // Uniform in [0, bound), bound > 0. Multiply-shift (Lemire) without the rejection step:
    // the bias is below bound / 2^32, irrelevant for a market simulation.
    std::uint32_t below(std::uint32_t bound);

    void encode(ByteWriter &out) const;
    bool decode(ByteReader &in);

    bool operator==(const Prng &) const = default;

private:
    std::array<std::uint64_t, 4> m_state{};
};

} // namespace sm::exchange
