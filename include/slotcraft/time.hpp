#pragma once
/// \file
/// Instants, half-open intervals and their ISO 8601 text form (SPEC §1).

#include <slotcraft/error.hpp>

#include <date/date.h>
#include <fmt/compile.h>
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace slotcraft {

/// A point on the UTC time line, one-second resolution.
using instant = std::chrono::sys_seconds;
using std::chrono::minutes;

/// The first and the last instant slotcraft reads and writes: the years
/// 0001-9999 in UTC, which ISO 8601 text spells with four digits.
inline constexpr instant earliest_instant{date::sys_days{date::year{1} / 1 / 1}};
inline constexpr instant latest_instant{date::sys_days{date::year{9999} / 12 / 31} + std::chrono::seconds{86399}};

/// A half-open interval `[start, end)` of instants.
struct interval {
    instant start{};
    instant end{};

    friend constexpr auto operator<=>(const interval&, const interval&) = default;

    [[nodiscard]] constexpr bool empty() const noexcept { return end <= start; }
    [[nodiscard]] constexpr std::chrono::seconds length() const noexcept {
        return empty() ? std::chrono::seconds{0} : end - start;
    }
    [[nodiscard]] constexpr bool contains(instant t) const noexcept { return start <= t && t < end; }
    /// True when `inner` lies inside this interval (an empty `inner` never does).
    [[nodiscard]] constexpr bool covers(const interval& inner) const noexcept {
        return !inner.empty() && start <= inner.start && inner.end <= end;
    }
    /// Half-open overlap: intervals that only touch do not overlap.
    [[nodiscard]] constexpr bool overlaps(const interval& other) const noexcept {
        return start < other.end && other.start < end;
    }
};

namespace detail {

inline std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t count) {
    if (pos + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace detail

/// Parses an ISO 8601 / RFC 3339 instant: `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed
/// by `Z` or an offset `±HH:MM`. Fractions of a second are truncated. A local
/// time without an offset is refused: it does not name an instant.
/// \throws error (invalid_argument) naming `field`.
inline instant parse_instant(std::string_view text, const std::string& field = "time") {
    const auto fail = [&](const char* why) -> instant {
        reject(field, fmt::format("{} (got \"{}\"; expected ISO 8601 like 2026-03-29T01:30:00Z or "
                                  "2026-03-29T01:30:00+01:00)",
                                  why, text.substr(0, 64)));
    };
    const auto y = detail::digits(text, 0, 4);
    const auto mo = detail::digits(text, 5, 2);
    const auto d = detail::digits(text, 8, 2);
    const auto h = detail::digits(text, 11, 2);
    const auto mi = detail::digits(text, 14, 2);
    if (!y || !mo || !d || !h || !mi || text[4] != '-' || text[7] != '-' ||
        (text[10] != 'T' && text[10] != 't') || text[13] != ':')
        return fail("malformed ISO 8601 instant");
    std::size_t pos = 16;
    int sec = 0;
    if (pos < text.size() && text[pos] == ':') {
        const auto s = detail::digits(text, pos + 1, 2);
        if (!s) return fail("malformed seconds");
        sec = *s;
        pos += 3;
        if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
            std::size_t end = pos + 1;
            while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
            if (end == pos + 1) return fail("malformed fraction of a second");
            pos = end;
        }
    }
    std::chrono::seconds offset{0};
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const auto oh = detail::digits(text, pos + 1, 2);
        const auto om = detail::digits(text, pos + 4, 2);
        if (!oh || !om || text[pos + 3] != ':' || *oh > 23 || *om > 59)
            return fail("malformed UTC offset");
        offset = std::chrono::hours{*oh} + std::chrono::minutes{*om};
        if (text[pos] == '-') offset = -offset;
        pos += 6;
    } else {
        return fail("missing `Z` or UTC offset");
    }
    if (pos != text.size()) return fail("unexpected text after the instant");

    const date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*mo)},
                                   date::day{static_cast<unsigned>(*d)}};
    if (*y < 1 || !ymd.ok()) return fail("no such calendar date");
    if (*h > 23 || *mi > 59 || sec > 59) return fail("time of day out of range");
    const auto local = date::sys_days{ymd}.time_since_epoch() + std::chrono::hours{*h} +
                       std::chrono::minutes{*mi} + std::chrono::seconds{sec};
    const instant t{std::chrono::duration_cast<std::chrono::seconds>(local) - offset};
    // 9999-12-31T23:00:00-05:00 is in the year 10000 in UTC, which no answer could spell.
    if (t < earliest_instant || t > latest_instant) return fail("outside the years 0001-9999 in UTC");
    return t;
}


/// Appends `format_instant(t)` to `out` (what a writer of many instants uses).
inline void append_instant(std::string& out, instant t) {
    // date's calendar and fmt's digits: date::format builds a stream each call (about a microsecond), which
    // the audit of every booking would pay several times.
    const date::sys_days day = std::chrono::floor<date::days>(t);
    const date::year_month_day ymd{day};
    if (ymd.year() < date::year{0} || ymd.year() > date::year{9999}) {
        out += date::format("%FT%TZ", t);
        return;
    }
    const auto seconds = (t - day).count();
    // Into a buffer, then appended at once: through a back_inserter fmt
    // pushes one character at a time (a fifth of an in-memory booking).
    std::array<char, 20> text{};
    const char* end = fmt::format_to(text.data(), FMT_COMPILE("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z"),
                                     static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                                     static_cast<unsigned>(ymd.day()), seconds / 3600, seconds / 60 % 60, seconds % 60);
    out.append(text.data(), static_cast<std::size_t>(end - text.data()));
}

/// Formats an instant as UTC ISO 8601 with `Z` (`2026-03-29T00:30:00Z`).
/// (fmt's chrono formatting goes through the process's local zone; date's does not.)
inline std::string format_instant(instant t) {
    std::string out;
    out.reserve(20);
    append_instant(out, t);
    return out;
}

}  // namespace slotcraft
