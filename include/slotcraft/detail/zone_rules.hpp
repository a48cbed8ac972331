#pragma once
/// \file
/// Time-zone lookups that stay right after the last transition the system
/// database lists.
///
/// Debian's TZif files (`/usr/share/zoneinfo`) list explicit transitions only
/// up to 2037; the ones after that are given by the POSIX TZ string in the
/// file's footer (RFC 8536 §3.3). `date/tz.h` in its system-database mode
/// ignores the footer and keeps the last listed offset forever, so slotcraft
/// reads the footer itself (`footer_rule`) and evaluates it (`zone_rule`) for
/// the instants after the listed transitions (`offset_at`, `local_info_at`).

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

/// The directory of the system time-zone database (the one `date/tz.h` reads
/// in its system-database mode on Linux).
#ifndef SLOTCRAFT_ZONEINFO_DIR
#define SLOTCRAFT_ZONEINFO_DIR "/usr/share/zoneinfo"
#endif

namespace slotcraft::detail {

/// A POSIX TZ string with the RFC 8536 §3.3.1 extensions: the rule a zone
/// follows after the transitions its TZif file lists.
///
/// `std offset [dst [offset] ,start[/time],end[/time]]`, for example
/// `EST5EDT,M3.2.0,M11.1.0`, `<+0545>-5:45`, `<-04>4<-03>,M9.1.6/24,M4.1.6/24`
/// or `IST-1GMT0,M10.5.0,M3.5.0/1` (Dublin: "daylight" time is one hour
/// *behind* standard time in winter).
///
/// `info` answers with the same `date::sys_info` / `date::local_info` as
/// `date::time_zone::get_info`. `sys_info::save` is the real daylight-saving
/// amount (daylight offset minus standard offset, negative for Dublin's
/// winter); date's system-database mode reports one minute for any daylight
/// period instead, so test `save != 0`, not its value.
class zone_rule {
public:
    /// Parses a POSIX TZ string; nullopt for anything that is not one (a
    /// daylight name without rules, whose meaning POSIX leaves open, included).
    [[nodiscard]] static std::optional<zone_rule> parse(std::string_view text) {
        zone_rule rule;
        cursor in{text};
        const auto std_offset = in.name(rule.std_abbrev_) ? in.duration(24, false) : std::nullopt;
        if (!std_offset) return std::nullopt;
        rule.std_offset_ = -*std_offset;  // POSIX counts west of Greenwich as positive
        if (in.done()) return rule;

        if (!in.name(rule.dst_abbrev_)) return std::nullopt;
        rule.has_dst_ = true;
        rule.dst_offset_ = rule.std_offset_ + std::chrono::hours{1};
        if (!in.done() && !in.peek(',')) {
            const auto dst_offset = in.duration(24, false);
            if (!dst_offset) return std::nullopt;
            rule.dst_offset_ = -*dst_offset;
        }
        if (!in.take(',') || !in.change(rule.start_) || !in.take(',') || !in.change(rule.end_) || !in.done())
            return std::nullopt;
        return rule;
    }

    [[nodiscard]] const std::string& std_abbrev() const noexcept { return std_abbrev_; }
    /// The standard UTC offset, east of Greenwich positive.
    [[nodiscard]] std::chrono::seconds std_offset() const noexcept { return std_offset_; }
    /// False for a constant offset (`<+0545>-5:45`).
    [[nodiscard]] bool has_dst() const noexcept { return has_dst_; }
    [[nodiscard]] const std::string& dst_abbrev() const noexcept { return dst_abbrev_; }
    /// The daylight-saving UTC offset, east of Greenwich positive.
    [[nodiscard]] std::chrono::seconds dst_offset() const noexcept { return dst_offset_; }

    /// The period containing `t`. Without daylight saving, or with it all year,
    /// the period is unbounded (`begin`/`end` as date's first and last period).
    [[nodiscard]] date::sys_info info(date::sys_seconds t) const {
        const transitions around = transitions_around(year_of(t.time_since_epoch()));
        const std::size_t next = static_cast<std::size_t>(
            std::upper_bound(around.at.begin(), around.at.begin() + around.count, t,
                             [](date::sys_seconds x, const transition& tr) { return x < tr.when; }) -
            around.at.begin());
        return period(around, next);
    }

    /// What local time `t` means, with date's conventions: `unique` (`first`
    /// is the period), `nonexistent` (in a gap: `first` is the period before
    /// it, `second` the one after) or `ambiguous` (in an overlap: `first` is the
    /// earlier period, `second` the later).
    [[nodiscard]] date::local_info info(date::local_seconds t) const {
        const transitions around = transitions_around(year_of(t.time_since_epoch()));
        date::local_info result{};
        int found = 0;
        for (std::size_t i = 0; i <= around.count; ++i) {
            date::sys_info p = period(around, i);
            const date::sys_seconds as_utc{t.time_since_epoch() - p.offset};
            if (p.begin <= as_utc && as_utc < p.end) {
                if (found == 0) result.first = std::move(p);
                else if (found == 1) result.second = std::move(p);
                ++found;
            }
        }
        if (found == 1) {
            result.result = date::local_info::unique;
        } else if (found > 1) {
            result.result = date::local_info::ambiguous;  // more than two would need transitions minutes apart
        } else {
            // A gap: the first period whose local end is not after `t` and
            // whose successor begins locally after `t`.
            result.result = date::local_info::nonexistent;
            for (std::size_t i = 0; i < around.count; ++i) {
                date::sys_info before = period(around, i);
                date::sys_info after = period(around, i + 1);
                if (before.end.time_since_epoch() + before.offset <= t.time_since_epoch() &&
                    t.time_since_epoch() < after.begin.time_since_epoch() + after.offset) {
                    result.first = std::move(before);
                    result.second = std::move(after);
                    break;
                }
            }
        }
        return result;
    }

private:
    /// One end of daylight saving: a day of the year and a local time of day.
    struct change_rule {
        enum class day_kind : unsigned char {
            julian,          ///< `Jn`, 1..365, February 29 is never counted
            zero_based,      ///< `n`, 0..365, February 29 is counted
            month_week_day,  ///< `Mm.w.d`: weekday d (0 = Sunday) of week w (5 = last) of month m
        };
        day_kind kind = day_kind::month_week_day;
        int day = 0;  // n for julian / zero_based
        unsigned month = 1;
        unsigned week = 1;
        unsigned weekday = 0;
        std::chrono::seconds time{std::chrono::hours{2}};  // local time of day, -167h..167h

        [[nodiscard]] date::local_days day_in(int year) const {
            const date::year y{year};
            switch (kind) {
                case day_kind::julian: {
                    const int leap_day = (y.is_leap() && day >= 60) ? 1 : 0;
                    return date::local_days{y / date::January / 1} + date::days{day - 1 + leap_day};
                }
                case day_kind::zero_based:
                    return date::local_days{y / date::January / 1} + date::days{day};
                case day_kind::month_week_day:
                    break;
            }
            const date::month m{month};
            const date::weekday wd{weekday};
            if (week == 5) return date::local_days{y / m / date::weekday_last{wd}};
            return date::local_days{y / m / wd[week]};
        }
    };

    /// A change between standard and daylight time.
    struct transition {
        date::sys_seconds when{};
        bool to_dst = false;
    };
    /// The effective transitions of a few years around a query, in order.
    struct transitions {
        std::array<transition, 12> at{};
        std::size_t count = 0;
        bool dst_before_first = false;  // the state before at[0] (or throughout, when count == 0)
    };

    /// A reading position in a TZ string.
    struct cursor {
        std::string_view text;
        std::size_t pos = 0;

        [[nodiscard]] bool done() const noexcept { return pos == text.size(); }
        [[nodiscard]] bool peek(char c) const noexcept { return pos < text.size() && text[pos] == c; }
        bool take(char c) noexcept {
            if (!peek(c)) return false;
            ++pos;
            return true;
        }
        static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
        static bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

        /// An abbreviation: 3+ letters, or `<...>` around 3+ letters, digits, `+`, `-`.
        bool name(std::string& out) {
            const std::size_t start = pos;
            if (take('<')) {
                while (pos < text.size() && (is_alpha(text[pos]) || is_digit(text[pos]) || text[pos] == '+' ||
                                             text[pos] == '-'))
                    ++pos;
                if (pos - start - 1 < 3 || !take('>')) return false;
                out.assign(text.substr(start + 1, pos - start - 2));
                return true;
            }
            while (pos < text.size() && is_alpha(text[pos])) ++pos;
            if (pos - start < 3) return false;
            out.assign(text.substr(start, pos - start));
            return true;
        }

        /// An unsigned number of 1..`max_digits` digits.
        std::optional<int> number(std::size_t max_digits) {
            const std::size_t start = pos;
            int value = 0;
            while (pos < text.size() && pos - start < max_digits && is_digit(text[pos]))
                value = value * 10 + (text[pos++] - '0');
            if (pos == start) return std::nullopt;
            return value;
        }

        /// `[+-]hh[:mm[:ss]]` with `hh <= max_hours` (2 digits for offsets, 3
        /// for transition times); the sign as written.
        std::optional<std::chrono::seconds> duration(int max_hours, bool three_digit_hours) {
            int sign = 1;
            if (take('-')) sign = -1;
            else (void)take('+');
            const auto h = number(three_digit_hours ? 3 : 2);
            if (!h || *h > max_hours) return std::nullopt;
            int total = *h * 3600;
            for (int unit : {60, 1}) {
                if (!take(':')) break;
                const std::size_t start = pos;
                const auto part = number(2);
                if (!part || pos - start != 2 || *part > 59) return std::nullopt;
                total += *part * unit;
            }
            return std::chrono::seconds{sign * total};
        }

        /// `date[/time]` with date `Jn`, `n` or `Mm.w.d`.
        bool change(change_rule& out) {
            if (take('J')) {
                const auto n = number(3);
                if (!n || *n < 1 || *n > 365) return false;
                out.kind = change_rule::day_kind::julian;
                out.day = *n;
            } else if (take('M')) {
                const auto m = number(2);
                if (!m || *m < 1 || *m > 12 || !take('.')) return false;
                const auto w = number(1);
                if (!w || *w < 1 || *w > 5 || !take('.')) return false;
                const auto d = number(1);
                if (!d || *d > 6) return false;
                out.kind = change_rule::day_kind::month_week_day;
                out.month = static_cast<unsigned>(*m);
                out.week = static_cast<unsigned>(*w);
                out.weekday = static_cast<unsigned>(*d);
            } else {
                const auto n = number(3);
                if (!n || *n > 365) return false;
                out.kind = change_rule::day_kind::zero_based;
                out.day = *n;
            }
            if (take('/')) {
                const auto t = duration(167, true);
                if (!t) return false;
                out.time = *t;
            }
            return true;
        }
    };

    template <class Duration>
    [[nodiscard]] static int year_of(Duration since_epoch) {
        const date::sys_days day = date::floor<date::days>(date::sys_seconds{
            std::chrono::duration_cast<std::chrono::seconds>(since_epoch)});
        // Keep year - 2 .. year + 2 inside date's year range.
        return std::clamp(static_cast<int>(date::year_month_day{day}.year()), -32000, 32000);
    }

    /// The changes of years `year - 2 .. year + 2`; only the ones inside that
    /// span (where the state before them is known) are kept, and only those
    /// that change between standard and daylight time. Ties put the end of
    /// daylight time first, so that the permanent-daylight encoding
    /// (`0/0,J365/25`: the end of one year meets the start of the next) keeps
    /// daylight time all year.
    [[nodiscard]] transitions transitions_around(int year) const {
        transitions out;
        out.dst_before_first = false;
        if (!has_dst_) return out;
        std::array<transition, 10> raw{};
        std::size_t n = 0;
        for (int y = year - 2; y <= year + 2; ++y) {
            raw[n++] = {change_utc(start_, y, std_offset_), true};
            raw[n++] = {change_utc(end_, y, dst_offset_), false};
        }
        std::sort(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(n),
                  [](const transition& a, const transition& b) {
                      return a.when != b.when ? a.when < b.when : (!a.to_dst && b.to_dst);
                  });
        // Collapse ties: the state after a group of simultaneous changes is
        // that of its last change.
        std::array<transition, 10> groups{};
        std::size_t g = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (g > 0 && groups[g - 1].when == raw[i].when) groups[g - 1].to_dst = raw[i].to_dst;
            else groups[g++] = raw[i];
        }
        // The first group only sets the state; the last one has no successor
        // to confirm it and stays out.
        bool state = groups[0].to_dst;
        out.dst_before_first = state;
        for (std::size_t i = 1; i + 1 < g; ++i) {
            if (groups[i].to_dst == state) continue;
            state = groups[i].to_dst;
            out.at[out.count++] = groups[i];
        }
        return out;
    }

    [[nodiscard]] static date::sys_seconds change_utc(const change_rule& rule, int year, std::chrono::seconds offset) {
        return date::sys_seconds{rule.day_in(year).time_since_epoch() + rule.time - offset};
    }

    /// Period `i` of `around`: before `at[0]` for 0, between `at[i - 1]` and `at[i]` else.
    [[nodiscard]] date::sys_info period(const transitions& around, std::size_t i) const {
        bool dst = around.dst_before_first;
        if (i > 0) dst = around.at[i - 1].to_dst;
        date::sys_info out;
        out.begin = i > 0 ? around.at[i - 1].when : date::sys_seconds{date::sys_days{date::year::min() / date::January / 1}};
        out.end = i < around.count ? around.at[i].when
                                   : date::sys_seconds{date::sys_days{date::year::max() / date::December / 31}};
        out.offset = dst ? dst_offset_ : std_offset_;
        out.save = dst ? std::chrono::duration_cast<std::chrono::minutes>(dst_offset_ - std_offset_)
                       : std::chrono::minutes{0};
        out.abbrev = dst ? dst_abbrev_ : std_abbrev_;
        return out;
    }

    std::string std_abbrev_;
    std::chrono::seconds std_offset_{0};
    bool has_dst_ = false;
    std::string dst_abbrev_;
    std::chrono::seconds dst_offset_{0};
    change_rule start_;  // standard -> daylight, local time in standard time
    change_rule end_;    // daylight -> standard, local time in daylight time
};

/// The footer (the POSIX TZ string after the version 2+ data) of a TZif file,
/// per RFC 8536 §3; nullopt for a version 1 file or anything malformed.
inline std::optional<std::string> tzif_footer(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return std::nullopt;
    std::string data;
    char buffer[4096];
    while (file.read(buffer, sizeof buffer) || file.gcount() > 0) {
        data.append(buffer, static_cast<std::size_t>(file.gcount()));
        if (data.size() > (std::size_t{16} << 20)) return std::nullopt;  // no TZif file is this big
    }
    constexpr std::uint64_t header_size = 44;
    const auto be32 = [&](std::uint64_t at) {
        std::uint64_t v = 0;
        for (std::uint64_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(data[at + i]);
        return v;
    };
    // Checks the header at `at` and returns where its data block ends.
    const auto block_end = [&](std::uint64_t at, std::uint64_t time_size) -> std::optional<std::uint64_t> {
        if (data.size() < at + header_size || data.compare(at, 4, "TZif") != 0) return std::nullopt;
        const std::uint64_t isutcnt = be32(at + 20), isstdcnt = be32(at + 24), leapcnt = be32(at + 28),
                            timecnt = be32(at + 32), typecnt = be32(at + 36), charcnt = be32(at + 40);
        return at + header_size + timecnt * (time_size + 1) + typecnt * 6 + charcnt +
               leapcnt * (time_size + 4) + isstdcnt + isutcnt;
    };
    const auto first = block_end(0, 4);
    if (!first || data[4] == '\0') return std::nullopt;  // version 1: no footer
    const auto second = block_end(*first, 8);
    if (!second || *second >= data.size() || data[*second] != '\n') return std::nullopt;
    const std::size_t close = data.find('\n', *second + 1);
    if (close == std::string::npos) return std::nullopt;
    return data.substr(*second + 1, close - *second - 1);
}

/// The rule after the listed transitions of `zone_name` (read once per zone
/// from its TZif file's footer), or nullptr when the file has none or it does
/// not parse. The pointer stays valid for the rest of the program.
inline const zone_rule* footer_rule(std::string_view zone_name) {
    struct cache {
        std::mutex mutex;
        std::map<std::string, std::unique_ptr<const zone_rule>, std::less<>> rules;
    };
    static cache shared;

    const std::lock_guard<std::mutex> lock(shared.mutex);
    if (const auto found = shared.rules.find(zone_name); found != shared.rules.end()) return found->second.get();

    std::unique_ptr<const zone_rule> rule;
    const bool safe_name = !zone_name.empty() && zone_name.front() != '/' &&
                           zone_name.find('\0') == std::string_view::npos &&
                           ("/" + std::string(zone_name) + "/").find("/../") == std::string::npos;
    if (safe_name) {
        if (const auto footer = tzif_footer(std::string(SLOTCRAFT_ZONEINFO_DIR) + "/" + std::string(zone_name))) {
            if (auto parsed = zone_rule::parse(*footer)) rule = std::make_unique<const zone_rule>(std::move(*parsed));
        }
    }
    return shared.rules.emplace(std::string(zone_name), std::move(rule)).first->second.get();
}

/// True when `info` is the open-ended last entry of the listed transitions.
inline bool past_listed_transitions(const date::sys_info& info) {
    return info.end >= date::sys_days{date::year{10000} / 1 / 1};
}

/// `listed`, date's open-ended last period, as far as `rule` continues it:
/// it ends at the rule's next transition instead of never.
inline date::sys_info continue_listed(const date::sys_info& listed, const zone_rule& rule) {
    date::sys_info out = rule.info(listed.begin);
    out.begin = listed.begin;
    return out;
}

/// The period of `zone` in force at `t`, after the listed transitions from `rule`.
inline date::sys_info sys_info_at(const date::time_zone& zone, const zone_rule* rule, date::sys_seconds t) {
    date::sys_info info = zone.get_info(t);
    if (rule == nullptr || !past_listed_transitions(info)) return info;
    date::sys_info out = rule->info(t);
    if (out.begin < info.begin) out.begin = info.begin;
    return out;
}

/// The UTC offset in force at `t`.
inline std::chrono::seconds offset_at(const date::time_zone& zone, const zone_rule* rule, date::sys_seconds t) {
    return sys_info_at(zone, rule, t).offset;
}

/// What local time `t` means: unique, in a gap, or in an overlap.
inline date::local_info local_info_at(const date::time_zone& zone, const zone_rule* rule, date::local_seconds t) {
    date::local_info info = zone.get_info(t);
    if (rule == nullptr) return info;
    if (info.result == date::local_info::unique) {
        if (!past_listed_transitions(info.first)) return info;
        // Past the table date sees a single offset forever; the rule knows
        // the gaps and overlaps that follow.
        date::local_info out = rule->info(t);
        if (out.first.begin < info.first.begin) out.first.begin = info.first.begin;
        return out;
    }
    // A gap or overlap at the last listed transition: date has it right, but
    // its later period never ends.
    if (past_listed_transitions(info.second)) info.second = continue_listed(info.second, *rule);
    return info;
}

}  // namespace slotcraft::detail
