#pragma once
/// \file
/// A resource's working rules (weekly hours, date overrides, breaks, time off)
/// and the open time they produce (SPEC §2).

#include <slotcraft/interval_set.hpp>
#include <slotcraft/tz.hpp>

#include <array>
#include <map>
#include <span>
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

/// Everything that decides when one resource is open, in its own zone.
struct schedule {
    zone time_zone = zone::locate("UTC");
    weekly_hours weekly{};
    /// Replaces the weekly ranges of one local date; an empty list is a day off.
    std::map<local_date, std::vector<local_range>> overrides{};
    /// Daily breaks, cut out of every local date (overrides included).
    std::vector<local_range> breaks{};
    /// UTC intervals when the resource is away (vacation, external busy time).
    std::vector<interval> time_off{};

    /// `hours(D)` of SPEC §2: the override for `day` if any, else the weekly ranges.
    [[nodiscard]] std::span<const local_range> hours_on(local_date day) const {
        if (auto it = overrides.find(day); it != overrides.end()) return it->second;
        return weekly.on(date::weekday{day});
    }
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

/// The local dates whose hours can touch `span`: any date's ranges lie within
/// its own and the next local day, so a margin of two dates on each side
/// covers every offset and transition.
[[nodiscard]] inline std::pair<local_date, local_date> dates_touching(const zone& tz, interval span) {
    return {tz.date_of(span.start) - date::days{2}, tz.date_of(span.end) + date::days{1}};
}

/// Computes the open time of `rules` for every local date that can touch `span`.
[[nodiscard]] inline open_time compute_open_time(const schedule& rules, interval span) {
    const auto [first, last] = dates_touching(rules.time_zone, span);
    open_time out;
    out.time_off = interval_set(rules.time_off);

    std::vector<interval> pieces;
    for (local_date day = first - date::days{1}; day <= last + date::days{1}; day += date::days{1})
        for (const local_range& range : rules.breaks) pieces.push_back(rules.time_zone.to_utc(day, range));
    out.breaks = interval_set(std::move(pieces));
    const interval_set closed = out.breaks | out.time_off;

    std::vector<interval> all_hours;
    std::vector<interval> all_open;
    for (local_date day = first; day <= last; day += date::days{1}) {
        pieces.clear();
        for (const local_range& range : rules.hours_on(day)) pieces.push_back(rules.time_zone.to_utc(day, range));
        const interval_set hours_of_day(pieces);
        for (const interval& part : hours_of_day) all_hours.push_back(part);
        for (const interval& part : hours_of_day - closed) {
            out.windows.push_back({day, part});
            all_open.push_back(part);
        }
    }
    out.hours = interval_set(std::move(all_hours));
    out.open = interval_set(std::move(all_open));
    return out;
}

}  // namespace slotcraft
