#pragma once
// (Not installed.) Text walked code point by code point with Boost.Locale's UTF-8 decoder
// (which refuses overlong forms, surrogates and cut-off sequences), for the
// checks that refuse text which is not UTF-8: the scheduler's ids and names,
// read_ics, and the SQL stores' text columns.

#include <boost/locale/utf.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string_view>

namespace slotcraft::detail {

/// Calls `each(code_point, byte offset)` for each character of `text` in
/// order, up to the first byte that does not begin a valid UTF-8 sequence;
/// returns that byte's offset, or nullopt when all of `text` is UTF-8.
template <class Each>
[[nodiscard]] std::optional<std::size_t> for_each_code_point(std::string_view text, Each&& each) {
    using utf8 = boost::locale::utf::utf_traits<char>;
    for (auto at = text.begin(); at != text.end();) {
        const std::size_t offset = static_cast<std::size_t>(at - text.begin());
        const boost::locale::utf::code_point c = utf8::decode(at, text.end());
        if (c == boost::locale::utf::illegal || c == boost::locale::utf::incomplete) return offset;
        each(c, offset);
    }
    return std::nullopt;
}

/// Whether all of `text` is UTF-8; ASCII (what ids and most names are) is
/// answered without decoding.
[[nodiscard]] inline bool is_utf8(std::string_view text) {
    if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) return true;
    return !for_each_code_point(text, [](boost::locale::utf::code_point, std::size_t) {});
}

}  // namespace slotcraft::detail
