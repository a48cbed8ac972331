#pragma once
/// \file
/// Local wall time → UTC per SPEC §1, on Howard Hinnant's `date/tz.h` and the
/// system time-zone database.

#include <slotcraft/detail/zone_rules.hpp>
#include <slotcraft/error.hpp>
#include <slotcraft/time.hpp>

#include <date/tz.h>

#include <array>
#include <chrono>
#include <compare>
#include <string>
#include <string_view>
#include <vector>

namespace slotcraft {

/// A wall-clock time of day, `00:00` to `24:00` (the next local midnight).
class wall_time {
public:
    constexpr wall_time() = default;
    /// \throws error (invalid_argument) unless `0 <= minutes <= 1440`.
    static wall_time from_minutes(int minutes_since_midnight, const std::string& field = "time") {
        if (minutes_since_midnight < 0 || minutes_since_midnight > 24 * 60)
            reject(field, fmt::format("time of day must be 00:00..24:00 (got {} minutes)",
                                      minutes_since_midnight));
        return wall_time{minutes_since_midnight};
    }
    /// Parses exactly `HH:MM`, `00:00` to `24:00`.
    /// \throws error (invalid_argument) naming `field`.
    static wall_time parse(std::string_view text, const std::string& field = "time") {
        const auto h = detail::digits(text, 0, 2);
        const auto m = detail::digits(text, 3, 2);
        if (text.size() != 5 || text[2] != ':' || !h || !m)
            reject(field, fmt::format("expected a local time HH:MM, got \"{}\"", text.substr(0, 32)));
        if (*h > 24 || *m > 59 || (*h == 24 && *m != 0))
            reject(field, fmt::format("local time {} is out of range 00:00..24:00", text));
        return wall_time{*h * 60 + *m};
    }

    [[nodiscard]] constexpr minutes since_midnight() const noexcept { return minutes{minutes_}; }
    [[nodiscard]] std::string to_string() const { return fmt::format("{:02}:{:02}", minutes_ / 60, minutes_ % 60); }

    friend constexpr auto operator<=>(const wall_time&, const wall_time&) = default;

private:
    constexpr explicit wall_time(int m) : minutes_(m) {}
    int minutes_ = 0;
};

/// A local range `[from, to)` of one day; `to <= from` runs overnight and ends
/// on the next local date.
struct local_range {
    wall_time from;
    wall_time to;

    /// Parses two `HH:MM` times (`local_range::parse("22:00", "02:00")`).
    /// \throws error (invalid_argument) naming `field`.
    static local_range parse(std::string_view from, std::string_view to, const std::string& field = "range") {
        return {wall_time::parse(from, field + "[0]"), wall_time::parse(to, field + "[1]")};
    }

    friend constexpr auto operator<=>(const local_range&, const local_range&) = default;
    [[nodiscard]] constexpr bool overnight() const noexcept { return to <= from; }
};

/// A local calendar date (no zone attached: always used with a `zone`).
using local_date = date::local_days;

/// The Monday on or before `day`: the first day of its ISO week.
[[nodiscard]] inline local_date monday_of(local_date day) { return day - (date::weekday{day} - date::Monday); }

/// An IANA time zone from the system database, with SPEC §1 conversions.
/// After the last transition the database lists (2037 in Debian's files) the
/// zone's ongoing rule from the same file applies.
class zone {
public:
    /// Looks up an IANA name (`Europe/Berlin`).
    /// \throws error (invalid_argument) naming `field` for an unknown zone.
    static zone locate(std::string_view name, const std::string& field = "timezone") {
        // The system's zoneinfo folder also holds `localtime`, a link to the
        // host's own zone: answers would then depend on the machine.
        if (name == "localtime")
            reject(field, "\"localtime\" is this machine's zone, not an IANA name; give one such as Europe/Berlin");
        try {
            const date::time_zone* found = date::locate_zone(name);
            return zone{found, detail::footer_rule(found->name())};
        } catch (const std::runtime_error&) {
            reject(field, fmt::format("unknown time zone \"{}\"", name.substr(0, 64)));
        }
    }

    [[nodiscard]] std::string_view name() const { return zone_->name(); }
    [[nodiscard]] const date::time_zone* get() const noexcept { return zone_; }

    /// The instant of local wall time `at` on local date `day` (SPEC §1): in a
    /// gap the offset in force before the transition is used (the time moves
    /// later by the gap), in an overlap the earlier instant is taken.
    [[nodiscard]] instant to_utc(local_date day, minutes at) const {
        const date::local_seconds local{day.time_since_epoch() + at};
        // For a unique time `first` is the only offset; for a gap it is the one
        // before the transition; for an overlap it is the earlier instant's.
        const auto info = detail::local_info_at(*zone_, rule_, local);
        return instant{local.time_since_epoch() - info.first.offset};
    }
    [[nodiscard]] instant to_utc(local_date day, wall_time at) const { return to_utc(day, at.since_midnight()); }

    /// The instants whose local wall time is `at` on `day`: none in a gap,
    /// two in an overlap (earlier first), else one.
    struct wall_instants {
        std::array<instant, 2> at{};
        int count = 0;
        [[nodiscard]] auto begin() const noexcept { return at.begin(); }
        [[nodiscard]] auto end() const noexcept { return at.begin() + count; }
    };
    [[nodiscard]] wall_instants instants_at(local_date day, minutes at) const {
        const date::local_seconds local{day.time_since_epoch() + at};
        const auto info = detail::local_info_at(*zone_, rule_, local);
        wall_instants found;
        if (info.result == date::local_info::nonexistent) return found;
        found.at[found.count++] = instant{local.time_since_epoch() - info.first.offset};
        if (info.result == date::local_info::ambiguous)
            found.at[found.count++] = instant{local.time_since_epoch() - info.second.offset};
        return found;
    }

    /// The local wall-clock time of an instant.
    [[nodiscard]] date::local_seconds to_local(instant t) const {
        return date::local_seconds{t.time_since_epoch() + detail::offset_at(*zone_, rule_, t)};
    }
    /// The local date an instant falls on.
    [[nodiscard]] local_date date_of(instant t) const { return date::floor<date::days>(to_local(t)); }

    /// The UTC interval of `range` on local `day` (SPEC §1); empty when the
    /// converted end is not after the converted start.
    [[nodiscard]] interval to_utc(local_date day, const local_range& range) const {
        const local_date end_day = range.overnight() ? day + date::days{1} : day;
        return {to_utc(day, range.from), to_utc(end_day, range.to)};
    }

    friend bool operator==(const zone& a, const zone& b) noexcept { return a.zone_ == b.zone_; }

    /// The period (UTC offset and its bounds) in force at `t`.
    [[nodiscard]] date::sys_info period_at(instant t) const { return detail::sys_info_at(*zone_, rule_, t); }

private:
    zone(const date::time_zone* z, const detail::zone_rule* rule) : zone_(z), rule_(rule) {}
    const date::time_zone* zone_;
    const detail::zone_rule* rule_;  // the rule after the listed transitions, if any
};

/// The UTC offsets of one zone around a span of instants, read from the
/// database once, so that the conversions of `zone` cost a few comparisons
/// instead of a database lookup each. Answers are those of `zone` for every
/// input: a local time near a transition (in a gap, an overlap, or too close
/// to one to be sure) and any time outside the span are asked of `zone`.
class zone_offsets {
public:
    /// Reads the offsets of `tz` that can matter to local dates around `span`
    /// (a week of margin on each side).
    zone_offsets(const zone& tz, interval span) : zone_(tz) {
        const instant cover_start = span.start - margin;
        const instant cover_end = span.end + margin;
        // The periods overlapping the cover, consecutive equal offsets merged.
        for (instant t = cover_start; t < cover_end;) {
            const date::sys_info info = tz.period_at(t);
            if (info.end <= t) break;  // no progress: leave the rest to `zone`
            const instant begin = std::max(info.begin, t);
            if (!periods_.empty() && periods_.back().offset == info.offset && periods_.back().end == begin)
                periods_.back().end = info.end;
            else
                periods_.push_back({begin, info.end, info.offset});
            t = info.end;
        }
        if (periods_.empty()) return;
        periods_.front().begin = std::max(periods_.front().begin, cover_start);
        periods_.back().end = std::min(periods_.back().end, cover_end);
        // A local time is unique in period i when it lies in i's local range
        // and in no other period's; one day inside each end of the cover, no
        // period outside it can reach.
        const std::chrono::seconds day{86400};
        for (std::size_t i = 0; i < periods_.size(); ++i) {
            const period& p = periods_[i];
            std::chrono::seconds lo = p.begin.time_since_epoch() + p.offset;
            std::chrono::seconds hi = p.end.time_since_epoch() + p.offset;
            for (std::size_t j = 0; j < periods_.size(); ++j) {
                if (j < i) lo = std::max(lo, periods_[j].end.time_since_epoch() + periods_[j].offset);
                if (j > i) hi = std::min(hi, periods_[j].begin.time_since_epoch() + periods_[j].offset);
            }
            lo = std::max(lo, cover_start.time_since_epoch() + 2 * day);
            hi = std::min(hi, cover_end.time_since_epoch() - 2 * day);
            if (lo < hi) unique_.push_back({date::local_seconds{lo}, date::local_seconds{hi}, p.offset});
        }
    }

    [[nodiscard]] const zone& time_zone() const noexcept { return zone_; }

    /// As `zone::to_utc`.
    [[nodiscard]] instant to_utc(local_date day, minutes at) const {
        const date::local_seconds local{day.time_since_epoch() + at};
        if (const local_period* p = unique_at(local)) return instant{local.time_since_epoch() - p->offset};
        return zone_.to_utc(day, at);
    }
    [[nodiscard]] instant to_utc(local_date day, wall_time at) const { return to_utc(day, at.since_midnight()); }
    /// As `zone::to_utc` for a range.
    [[nodiscard]] interval to_utc(local_date day, const local_range& range) const {
        const local_date end_day = range.overnight() ? day + date::days{1} : day;
        return {to_utc(day, range.from), to_utc(end_day, range.to)};
    }
    /// As `zone::instants_at`.
    [[nodiscard]] zone::wall_instants instants_at(local_date day, minutes at) const {
        const date::local_seconds local{day.time_since_epoch() + at};
        if (const local_period* p = unique_at(local)) {
            zone::wall_instants found;
            found.at[found.count++] = instant{local.time_since_epoch() - p->offset};
            return found;
        }
        return zone_.instants_at(day, at);
    }
    /// As `zone::to_local`.
    [[nodiscard]] date::local_seconds to_local(instant t) const {
        for (const period& p : periods_)
            if (p.begin <= t && t < p.end) return date::local_seconds{t.time_since_epoch() + p.offset};
        return zone_.to_local(t);
    }
    /// As `zone::date_of`.
    [[nodiscard]] local_date date_of(instant t) const { return date::floor<date::days>(to_local(t)); }

private:
    static constexpr std::chrono::days margin{7};

    struct period {
        instant begin;
        instant end;
        std::chrono::seconds offset;
    };
    struct local_period {
        date::local_seconds begin;
        date::local_seconds end;
        std::chrono::seconds offset;
    };

    [[nodiscard]] const local_period* unique_at(date::local_seconds t) const noexcept {
        for (const local_period& p : unique_)
            if (p.begin <= t && t < p.end) return &p;
        return nullptr;
    }

    zone zone_;
    std::vector<period> periods_;        // by time, disjoint
    std::vector<local_period> unique_;   // local times that map to exactly one instant
};

}  // namespace slotcraft
