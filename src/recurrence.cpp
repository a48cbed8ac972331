// Booking series: RRULEs expanded in a resource's local time (see
// include/slotcraft/recurrence.hpp and docs/calendars.md).
#include "rrule.hpp"

#include <slotcraft/error.hpp>
#include <slotcraft/recurrence.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace slotcraft {
namespace {

[[noreturn]] void bad_rule(const std::string& message) { reject("rrule", message); }

}  // namespace

namespace detail {

void refuse_second_of_repeated_hour(const zone& where, instant first_start, const std::string& field) {
    const date::local_seconds local = where.to_local(first_start);
    const local_date day = date::floor<date::days>(local);
    const auto wall = std::chrono::floor<minutes>(local - date::local_seconds{day});
    const instant named = where.to_utc(day, wall) + (local - date::local_seconds{day} - wall);
    if (named != first_start)
        reject(field, fmt::format("{} is the second {} of that night in {}, and a rule's wall time names the first "
                                  "({}); start the series at a time the clock shows once",
                                  format_instant(first_start), date::format("%H:%M", local), where.name(),
                                  format_instant(named)));
}

}  // namespace detail

std::vector<instant> expand_recurrence(std::string_view rrule, const zone& where, instant first_start,
                                       std::span<const local_date> except_dates) {
    const detail::rrule rule = detail::parse_rrule(rrule);
    if (!rule.count && !rule.until) bad_rule("a booking series must end: give COUNT or UNTIL");
    if (rule.count && static_cast<std::size_t>(*rule.count) > max_recurrence_occurrences)
        bad_rule(fmt::format("COUNT may be at most {}", max_recurrence_occurrences));

    detail::refuse_second_of_repeated_hour(where, first_start, "first_start");
    const date::local_seconds anchor = where.to_local(first_start);
    // The rule ends by COUNT or UNTIL (the expander itself stops where no occurrence can follow).
    const date::local_days last_day =
        rule.until ? date::floor<date::days>(rule.until->local) + date::days{1} : date::local_days{date::year{9999} / 12 / 31};
    std::vector<instant> out;
    long long produced = 0;
    std::optional<date::local_seconds> first;
    detail::expand_rrule(rule, anchor, last_day, [&](date::local_seconds at) {
        if (!first) {
            first = at;
            if (at != anchor)
                bad_rule(fmt::format("the first start ({}) is not an occurrence of the rule; start the series on "
                                     "{}, its first occurrence",
                                     date::format("%a %F %T", anchor), date::format("%a %F %T", at)));
        }
        if (rule.count && ++produced > *rule.count) return false;
        const local_date day = date::floor<date::days>(at);
        const std::chrono::seconds wall = at - date::local_seconds{day};
        if (wall % minutes{1} != std::chrono::seconds{0})
            bad_rule("occurrences start on whole minutes: BYSECOND may only be 0");
        const instant start = where.to_utc(day, std::chrono::duration_cast<minutes>(wall));
        if (rule.until && detail::past_until(*rule.until, at, start)) return detail::may_come_back(*rule.until, start);
        if (std::find(except_dates.begin(), except_dates.end(), day) == except_dates.end()) out.push_back(start);
        if (out.size() > max_recurrence_occurrences)
            bad_rule(fmt::format("more than {} occurrences; end the rule sooner", max_recurrence_occurrences));
        return true;
    });
    if (!first) bad_rule("the rule has no occurrence");
    if (rule.count && produced < *rule.count)
        bad_rule(fmt::format("the rule has {} occurrence(s) before the year 10000, fewer than its COUNT={}; a series "
                             "must end within the years 0001-9999",
                             produced, *rule.count));
    // Wall times in a DST gap move later (SPEC §1) and may pass or meet the next ones.
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    if (out.empty())
        bad_rule(rule.until ? "the series would be empty: UNTIL is before its first start, or every occurrence is "
                              "excepted"
                            : "the series would be empty: every occurrence is excepted");
    return out;
}

}  // namespace slotcraft
