#pragma once
// A stable sort of {offset, position} pairs by offset, for the few hundred
// bookings of one view: least significant byte first, one counting pass for
// each byte the largest offset uses. Boost's spreadsort hands inputs this
// small to a comparison sort; std::sort took about half as long again for
// W1's 500 bookings (docs/performance.md, issue 20).

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace slotcraft::detail {

/// An item to sort: its offset from the smallest key, and where it came from.
struct offset_key {
    std::uint64_t offset;
    std::uint32_t position;
};

/// Sorts `items` by offset; equal offsets keep their order. `buffer` is
/// scratch, kept by the caller so that its memory is reused.
inline void radix_sort_stable(std::vector<offset_key>& items, std::vector<offset_key>& buffer) {
    std::uint64_t largest = 0;
    for (const offset_key& k : items) largest |= k.offset;
    const std::size_t passes = (static_cast<std::size_t>(std::bit_width(largest)) + 7) / 8;
    std::array<std::array<std::uint32_t, 256>, 8> counts;  // per pass: of each byte, then its first place
    for (std::size_t p = 0; p < passes; ++p) counts[p].fill(0);
    for (const offset_key& k : items)
        for (std::size_t p = 0; p < passes; ++p) ++counts[p][(k.offset >> (8 * p)) & 0xff];
    buffer.resize(items.size());
    for (std::size_t p = 0; p < passes; ++p) {
        std::uint32_t before = 0;
        for (std::uint32_t& n : counts[p]) before += std::exchange(n, before);
        for (const offset_key& k : items) buffer[counts[p][(k.offset >> (8 * p)) & 0xff]++] = k;
        items.swap(buffer);
    }
}

}  // namespace slotcraft::detail
