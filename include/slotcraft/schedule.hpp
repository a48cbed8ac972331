#pragma once
/// \file
/// A resource's working rules (weekly hours or a rotation of weeks, date
/// overrides, breaks, time off) and the open time they produce (SPEC §2, §9).

#include <slotcraft/error.hpp>
#include <slotcraft/interval_set.hpp>
#include <slotcraft/tz.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace slotcraft {

/// Working ranges per weekday, Monday first.
class weekly_hours {
public:
    /// The ranges of `day`'s weekday.
    [[nodiscard]] std::span<const local_range> on(date::weekday day) const {
        return by_weekday_[day.iso_encoding() - 1];
    }
    void set(date::weekday day, std::vector<local_range> ranges) {
        by_weekday_[day.iso_encoding() - 1] = std::move(ranges);
    }
    friend bool operator==(const weekly_hours&, const weekly_hours&) = default;

private:
    std::array<std::vector<local_range>, 7> by_weekday_{};
};

/// Weekly patterns that repeat in a cycle (SPEC §9): the week holding the
/// anchor date uses the first, the next week the second, and so on, round and
/// round, backwards too for dates before the anchor. Weeks start on Monday.
struct weekly_rotation {
    local_date anchor{};
    std::vector<weekly_hours> weeks{};  ///< 1 to max_weeks patterns

    static constexpr std::size_t max_weeks = 52;

    /// The pattern of the week holding `day`: `weeks[k mod n]`, with `k` the
    /// whole weeks from the Monday on or before the anchor to the Monday on or
    /// before `day` (negative before it) and `mod` never negative. No weeks
    /// (which validate refuses) is a week without hours.
    [[nodiscard]] const weekly_hours& week_of(local_date day) const {
        static const weekly_hours closed{};
        if (weeks.empty()) return closed;
        const auto n = static_cast<long long>(weeks.size());
        const long long k = (monday_of(day) - monday_of(anchor)).count() / 7;
        return weeks[static_cast<std::size_t>(((k % n) + n) % n)];
    }

    /// invalid_argument naming `field` for no weeks or more than max_weeks.
    void validate(const std::string& field) const { check_week_count(weeks.size(), field); }

    /// The check of validate on a count alone, for readers that refuse a long
    /// list before reading it.
    static void check_week_count(std::size_t count, const std::string& field) {
        if (count == 0) reject(field, "a rotation needs at least one week");
        if (count > max_weeks) reject(field, fmt::format("a rotation has at most {} weeks (got {})", max_weeks, count));
    }

    friend bool operator==(const weekly_rotation&, const weekly_rotation&) = default;
};

/// invalid_argument naming `field` (the rotation's) for a rotation beside
/// weekly hours, or one of no weeks or too many; nothing for no rotation.
inline void validate_rotation(const weekly_hours& weekly, const std::optional<weekly_rotation>& rotation,
                              const std::string& field) {
    if (!rotation) return;
    if (weekly != weekly_hours{}) reject(field, "give either weekly hours or a rotation, not both");
    rotation->validate(field);
}

/// Everything that decides when one resource is open, in its own zone.
struct schedule {
    zone time_zone = zone::locate("UTC");
    weekly_hours weekly{};
    /// When set, the weeks cycle through its patterns and `weekly` must be
    /// empty (SPEC §9).
    std::optional<weekly_rotation> rotation{};
    /// Replaces the weekly ranges of one local date; an empty list is a day off.
    std::map<local_date, std::vector<local_range>> overrides{};
    /// Daily breaks, cut out of every local date (overrides included).
    std::vector<local_range> breaks{};
    /// UTC intervals when the resource is away (vacation, external busy time).
    std::vector<interval> time_off{};

    /// `hours(D)` of SPEC §2 and §9: the override for `day` if any, else the
    /// ranges of its weekday in its week of the rotation, or in `weekly`.
    [[nodiscard]] std::span<const local_range> hours_on(local_date day) const {
        if (auto it = overrides.find(day); it != overrides.end()) return it->second;
        if (rotation) return rotation->week_of(day).on(date::weekday{day});
        return weekly.on(date::weekday{day});
    }

    /// invalid_argument naming `field` (the rotation's) for a rotation beside
    /// weekly hours, or one of no weeks or too many.
    void validate_rotation(const std::string& field) const { slotcraft::validate_rotation(weekly, rotation, field); }
};

/// One maximal interval of `open(D)`, with the local date `D` it belongs to.
struct window {
    local_date day;
    interval span;
    friend constexpr auto operator<=>(const window&, const window&) = default;
};

/// The open time of one resource around a span of instants (SPEC §2), with the
/// pieces kept apart so that a refusal can say which rule closed the time.
struct open_time {
    std::vector<window> windows;  ///< the windows of every date, by date then start
    interval_set open;            ///< the union of `open(D)` over all dates
    interval_set hours;           ///< the union of `hours(D)` before breaks and time off
    interval_set breaks;          ///< every break converted for every date around the span
    interval_set time_off;        ///< the resource's time off
};

namespace detail {

/// `dates_touching` for a `zone` or its `zone_offsets`.
template <class Zone>
std::pair<local_date, local_date> dates_touching(const Zone& tz, interval span) {
    constexpr std::chrono::hours whole_day{24};
    local_date first = tz.date_of(span.start) - date::days{1};
    local_date last = tz.date_of(span.end);
    // The clock jumped in the day before `span.start`: a range can end past a
    // skipped day, up to 24 h later (SPEC §1: a wall time in a gap moves later).
    if (tz.to_local(span.start) - tz.to_local(span.start - whole_day) != whole_day)
        first = std::min(first, tz.date_of(span.start - whole_day));
    // The clock went back in the day before `span.end`: a later date's range
    // can begin at its earlier instant, before `span.end` (SPEC §1: overlap).
    if (tz.to_local(span.end) - tz.to_local(span.end - whole_day) != whole_day)
        last = std::max(last, tz.date_of(span.end + whole_day));
    return {first, last};
}

}  // namespace detail

/// The local dates whose hours can touch `span`: from the day before the
/// local date of `span.start` (its overnight ranges reach into that date) to
/// the local date of `span.end`. A date's ranges and breaks lie within its
/// own and the next local day, so earlier dates end by the local midnight
/// at or before `span.start` and later ones begin after `span.end`, unless
/// the clock jumped in the day before either end (by up to a day, as
/// Kiritimati's did in 1994 and Alaska's in 1867); then the dates reach a
/// day further that way.
[[nodiscard]] inline std::pair<local_date, local_date> dates_touching(const zone& tz, interval span) {
    return detail::dates_touching(tz, span);
}
/// As above, with the zone's offsets already read.
[[nodiscard]] inline std::pair<local_date, local_date> dates_touching(const zone_offsets& tz, interval span) {
    return detail::dates_touching(tz, span);
}

/// Computes the open time of `rules` for every local date that can touch
/// `span` into `out`, reusing its memory, with `offsets` of
/// `rules.time_zone` covering `span`.
inline void compute_open_time(const schedule& rules, interval span, const zone_offsets& offsets, open_time& out) {
    const auto [first, last] = dates_touching(offsets, span);
    out.windows.clear();
    out.open.clear();
    out.hours.clear();
    out.breaks.clear();
    if (rules.time_off.empty()) out.time_off.clear();
    else out.time_off = interval_set(rules.time_off);  // any order: one sort, not an insertion each
    const auto days = static_cast<std::size_t>((last - first).count() + 1);
    out.breaks.reserve((days + 2) * rules.breaks.size());
    for (local_date day = first - date::days{1}; day <= last + date::days{1}; day += date::days{1})
        for (const local_range& range : rules.breaks) out.breaks.add(offsets.to_utc(day, range));
    interval_set breaks_and_time_off;
    if (!out.time_off.empty()) breaks_and_time_off = out.breaks | out.time_off;
    const std::span<const interval> cuts = out.time_off.empty() ? out.breaks.parts() : breaks_and_time_off.parts();

    out.windows.reserve(days * 2);
    out.hours.reserve(days * 2);
    std::array<interval, 8> few{};  // hours(D) of up to 8 ranges without allocating
    std::vector<interval> many;
    for (local_date day = first; day <= last; day += date::days{1}) {
        // hours(D), converted and united (usually one or two ranges, in order).
        const std::span<const local_range> ranges = rules.hours_on(day);
        std::span<interval> day_hours;
        if (ranges.size() <= few.size()) {
            day_hours = std::span<interval>(few.data(), ranges.size());
        } else {
            many.resize(ranges.size());
            day_hours = many;
        }
        std::size_t count = 0;
        for (const local_range& range : ranges) {
            const interval piece = offsets.to_utc(day, range);
            if (!piece.empty()) day_hours[count++] = piece;
        }
        day_hours = day_hours.first(count);
        if (!std::is_sorted(day_hours.begin(), day_hours.end())) std::sort(day_hours.begin(), day_hours.end());
        std::size_t kept = 0;
        for (const interval& piece : day_hours) {
            if (kept > 0 && piece.start <= day_hours[kept - 1].end)
                day_hours[kept - 1].end = std::max(day_hours[kept - 1].end, piece.end);
            else
                day_hours[kept++] = piece;
        }
        // open(D) = hours(D) minus breaks and time off; its maximal parts are the windows.
        for (interval part : day_hours.first(kept)) {
            out.hours.add(part);
            auto cut = std::lower_bound(cuts.begin(), cuts.end(), part.start,
                                        [](const interval& c, instant t) { return c.end <= t; });
            for (; cut != cuts.end() && cut->start < part.end; ++cut) {
                if (cut->start > part.start) out.windows.push_back({day, {part.start, cut->start}});
                part.start = std::max(part.start, cut->end);
                if (part.empty()) break;
            }
            if (!part.empty()) out.windows.push_back({day, part});
        }
    }
    out.open.reserve(out.windows.size());
    for (const window& w : out.windows) out.open.add(w.span);
}

/// Computes the open time of `rules` for every local date that can touch
/// `span`, with `offsets` of `rules.time_zone` covering `span`.
[[nodiscard]] inline open_time compute_open_time(const schedule& rules, interval span, const zone_offsets& offsets) {
    open_time out;
    compute_open_time(rules, span, offsets, out);
    return out;
}

/// Computes the open time of `rules` for every local date that can touch `span`.
[[nodiscard]] inline open_time compute_open_time(const schedule& rules, interval span) {
    return compute_open_time(rules, span, zone_offsets(rules.time_zone, span));
}

}  // namespace slotcraft
