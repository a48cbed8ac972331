#pragma once
// RFC 5545 recurrence rules, parsed and expanded in local wall time: the one
// expander behind expand_recurrence (booking series) and read_ics (busy time).
// docs/calendars.md says what it does where RFC 5545 leaves a choice.

#include <slotcraft/time.hpp>
#include <slotcraft/tz.hpp>

#include <date/date.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotcraft::detail {

/// `text` in upper case (ASCII): iCalendar names and rule parts are case-insensitive.
[[nodiscard]] std::string upper(std::string_view text);

enum class frequency { daily, weekly, monthly, yearly };

/// One BYDAY entry: every `day` (position 0), or the n-th / n-th last of the
/// month or year.
struct weekday_position {
    int position = 0;
    date::weekday day{};
};

/// An UNTIL: a date bounds local dates, a date-time without `Z` wall times,
/// one with `Z` instants.
struct rrule_until {
    enum class kind { date, floating, utc };
    kind form = kind::date;
    date::local_seconds local{};  ///< the date (at 00:00) or the wall time
    instant utc{};                ///< for kind::utc
};

struct rrule {
    frequency freq = frequency::daily;
    int interval = 1;
    std::optional<long long> count;
    std::optional<rrule_until> until;
    std::vector<int> by_second, by_minute, by_hour, by_month_day, by_year_day, by_week_no, by_month, by_set_pos;
    std::vector<weekday_position> by_day;
    date::weekday week_start = date::Monday;
};

/// Parses an RRULE value (an optional leading `RRULE:` is accepted; names in
/// any case). \throws error (invalid_argument, field `field`) for a part that
/// is not RFC 5545, a frequency finer than DAILY, or a combination RFC 5545
/// forbids, naming the part.
[[nodiscard]] rrule parse_rrule(std::string_view text, const std::string& field = "rrule");

/// Whether an occurrence at wall time `local` (instant `at`) is past UNTIL.
[[nodiscard]] bool past_until(const rrule_until& until, date::local_seconds local, instant at);

/// Past a UTC UNTIL, whether to look on: wall times in a DST gap move later
/// (SPEC §1), so an instant past UNTIL may be followed by one before it, for a day.
[[nodiscard]] bool may_come_back(const rrule_until& until, instant at);

/// The wall times of day of the rule's occurrences from DTSTART `start`,
/// sorted: every BYHOUR x BYMINUTE x BYSECOND, each defaulting to `start`'s.
[[nodiscard]] std::vector<std::chrono::seconds> times_of_day(const rrule& rule, date::local_seconds start);

/// Refuses a series' first start whose wall time in `where` names an earlier
/// instant: the second of a repeated hour, which a wall time never names
/// (RFC 5545 §3.3.5, SPEC §1), so the rule's first occurrence would be an
/// hour before the start asked. \throws error (invalid_argument) naming `field`.
void refuse_second_of_repeated_hour(const zone& where, instant first_start, const std::string& field);

/// Calls `next` with the rule's occurrences at or after `start` (the rule's
/// DTSTART, which anchors the periods and the defaults), oldest first, as
/// local wall times, until `next` returns false or the periods pass
/// `last_day`. COUNT and UNTIL are the caller's to apply. With `days_left`,
/// every day looked at in a period costs one, and the expansion stops once
/// none is left (`*days_left` then negative): a rule that rarely matches
/// (`BYMONTH=2;BYMONTHDAY=29;BYDAY=MO` from the year 1) looks at hundreds of
/// days for each occurrence, or for none.
void expand_rrule(const rrule& rule, date::local_seconds start, date::local_days last_day,
                  const std::function<bool(date::local_seconds)>& next, long long* days_left = nullptr);

}  // namespace slotcraft::detail
