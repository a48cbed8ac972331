// RRULE expansion with libical (see include/slotcraft/recurrence.hpp).
#include <slotcraft/error.hpp>
#include <slotcraft/recurrence.hpp>

#include <fmt/format.h>
#include <libical/ical.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>

namespace slotcraft {
namespace {

[[noreturn]] void bad_rule(const std::string& message) { reject("rrule", message); }

struct iterator_free {
    void operator()(icalrecur_iterator* it) const noexcept { icalrecur_iterator_free(it); }
};
using iterator_handle = std::unique_ptr<icalrecur_iterator, iterator_free>;

/// Refuses the parts outside slotcraft's subset, naming them (libical would
/// either reject them without saying which or accept parts we do not support).
void check_parts(std::string_view rule) {
    constexpr std::array<std::string_view, 7> known{"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL", "WKST"};
    std::size_t pos = 0;
    while (pos <= rule.size()) {
        const std::size_t end = std::min(rule.find(';', pos), rule.size());
        const std::string_view part = rule.substr(pos, end - pos);
        const std::size_t eq = part.find('=');
        if (eq == std::string_view::npos || eq == 0 || eq + 1 == part.size())
            bad_rule(fmt::format("\"{}\" is not a NAME=VALUE part", part));
        const std::string_view name = part.substr(0, eq);
        if (std::find(known.begin(), known.end(), name) == known.end())
            bad_rule(fmt::format("the part {} is not supported (use FREQ, INTERVAL, BYDAY, BYMONTHDAY, COUNT, UNTIL, "
                                 "WKST)",
                                 name));
        pos = end + 1;
    }
}

bool has_values(const short* values) { return values[0] != ICAL_RECURRENCE_ARRAY_MAX; }

icaltimetype floating(date::local_seconds t) {
    const auto day = date::floor<date::days>(t);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss clock{t - day};
    icaltimetype out = icaltime_null_time();
    out.year = static_cast<int>(ymd.year());
    out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
    out.hour = static_cast<int>(clock.hours().count());
    out.minute = static_cast<int>(clock.minutes().count());
    out.second = static_cast<int>(clock.seconds().count());
    out.is_date = 0;
    return out;
}

local_date date_of(const icaltimetype& t) {
    return local_date{date::year{t.year} / static_cast<unsigned>(t.month) / static_cast<unsigned>(t.day)};
}

date::local_seconds local_of(const icaltimetype& t) {
    return date::local_seconds{date_of(t)} + std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} +
           std::chrono::seconds{t.second};
}

/// Whether an occurrence at local `at` (instant `start`) is past UNTIL.
struct until_bound {
    icaltimetype until;
    [[nodiscard]] bool passed(date::local_seconds at, instant start) const {
        if (until.is_date != 0) return date::floor<date::days>(at) > date_of(until);
        if (icaltime_is_utc(until) != 0)
            return start > instant{std::chrono::seconds{static_cast<std::int64_t>(icaltime_as_timet(until))}};
        return at > local_of(until);
    }
};

}  // namespace

std::vector<instant> expand_recurrence(std::string_view rrule, const zone& where, instant first_start,
                                       std::span<const local_date> except_dates) {
    std::string_view rule = rrule;
    if (rule.starts_with("RRULE:")) rule.remove_prefix(6);
    if (rule.empty()) bad_rule("must not be empty");
    check_parts(rule);

    icalerror_clear_errno();
    icalrecurrencetype parsed = icalrecurrencetype_from_string(std::string(rule).c_str());
    if (parsed.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
        icalerror_clear_errno();
        bad_rule(fmt::format("\"{}\" is not a valid RFC 5545 recurrence rule", rule));
    }
    if (parsed.freq != ICAL_DAILY_RECURRENCE && parsed.freq != ICAL_WEEKLY_RECURRENCE &&
        parsed.freq != ICAL_MONTHLY_RECURRENCE)
        bad_rule("FREQ must be DAILY, WEEKLY or MONTHLY");
    if (parsed.interval < 1) bad_rule("INTERVAL must be at least 1");
    const bool ends_by_count = parsed.count > 0;
    const bool ends_by_until = icaltime_is_null_time(parsed.until) == 0;
    if (!ends_by_count && !ends_by_until) bad_rule("a booking series must end: give COUNT or UNTIL");
    if (ends_by_count && static_cast<std::size_t>(parsed.count) > max_recurrence_occurrences)
        bad_rule(fmt::format("COUNT may be at most {}", max_recurrence_occurrences));
    for (int i = 0; i < ICAL_BY_DAY_SIZE && parsed.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i)
        if (icalrecurrencetype_day_position(parsed.by_day[i]) != 0 && parsed.freq != ICAL_MONTHLY_RECURRENCE)
            bad_rule("a BYDAY with a position (like 2TU) needs FREQ=MONTHLY");
    if (has_values(parsed.by_month_day) && parsed.freq == ICAL_WEEKLY_RECURRENCE)
        bad_rule("BYMONTHDAY does not go with FREQ=WEEKLY");

    // UNTIL is applied here, against the zone's instants, not by libical,
    // which would compare a UTC bound with floating local times.
    const std::optional<until_bound> bound =
        ends_by_until ? std::optional<until_bound>(until_bound{parsed.until}) : std::nullopt;
    parsed.until = icaltime_null_time();

    const date::local_seconds anchor = where.to_local(first_start);
    const local_date first_day = date::floor<date::days>(anchor);
    const minutes wall = std::chrono::duration_cast<minutes>(anchor - date::local_seconds{first_day});
    const iterator_handle it(icalrecur_iterator_new(parsed, floating(anchor)));
    if (!it) {
        icalerror_clear_errno();
        bad_rule(fmt::format("libical cannot iterate \"{}\"", rule));
    }

    std::vector<instant> out;
    bool first = true;
    for (icaltimetype t = icalrecur_iterator_next(it.get()); icaltime_is_null_time(t) == 0;
         t = icalrecur_iterator_next(it.get())) {
        const local_date day = date_of(t);
        const instant start = where.to_utc(day, wall);
        if (first) {
            if (day != first_day)
                bad_rule(fmt::format("the first start ({}) is not an occurrence of the rule; start the series on "
                                     "{}, its first occurrence",
                                     date::format("%a %F", first_day), date::format("%a %F", day)));
            first = false;
        }
        if (bound && bound->passed(local_of(t), start)) break;
        if (std::find(except_dates.begin(), except_dates.end(), day) == except_dates.end()) out.push_back(start);
        if (out.size() > max_recurrence_occurrences)
            bad_rule(fmt::format("more than {} occurrences; end the rule sooner", max_recurrence_occurrences));
    }
    if (first) bad_rule("the rule has no occurrence");
    return out;
}

}  // namespace slotcraft
