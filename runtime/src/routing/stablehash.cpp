#include "stablehash.h"

namespace sm {

namespace {

constexpr quint64 kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr quint64 kPrime2 = 0xC2B2AE3D27D4EB4FULL;

quint64 rotateLeft(quint64 value, int bits)
{
    return (value << bits) | (value >> (64 - bits));
}

// Folds one 64-bit word into the state (the xxHash64 round, with a rotation so that
// words at different positions do not cancel).
quint64 absorb(quint64 state, quint64 word)
{
    state ^= rotateLeft(word * kPrime2, 31) * kPrime1;
    return rotateLeft(state, 27) * kPrime1 + kPrime2;
}

} // namespace

quint64 mixBits(quint64 value)
{
    value ^= value >> 33;
    value *= 0xFF51AFD7ED558CCDULL;
    value ^= value >> 33;
    value *= 0xC4CEB9FE1A85EC53ULL;
    value ^= value >> 33;
    return value;
}

quint64 stableHash(QStringView text)
{
    const char16_t *units = text.utf16();
    const qsizetype size = text.size();
    quint64 state = kPrime2 ^ quint64(size);
    qsizetype i = 0;
    // Four code units per word, assembled explicitly so the result does not depend on
    // the machine's byte order.
    for (; i + 4 <= size; i += 4) {
        const quint64 word = quint64(units[i]) | quint64(units[i + 1]) << 16
            | quint64(units[i + 2]) << 32 | quint64(units[i + 3]) << 48;
        state = absorb(state, word);
    }
    quint64 tail = 0;
    for (int shift = 0; i < size; ++i, shift += 16)
        tail |= quint64(units[i]) << shift;
    return mixBits(absorb(state, tail));
}

} // namespace sm
