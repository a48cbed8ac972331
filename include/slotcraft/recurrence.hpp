#pragma once
/// \file
/// Recurring bookings: RFC 5545 RRULEs expanded in a resource's local time
/// so "every Tuesday 17:00" stays 17:00 on the wall clock
/// across DST changes.

#include <slotcraft/time.hpp>
#include <slotcraft/tz.hpp>

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace slotcraft {

/// The most occurrences one rule may expand to.
inline constexpr std::size_t max_recurrence_occurrences = 1000;

/// The starts of the occurrences of `rrule`, oldest first.
///
/// `first_start` is the first occurrence (the rule's DTSTART). Its local date
/// and wall time in `where` anchor the rule; every occurrence is a local wall
/// time turned into an instant by `zone::to_utc` (SPEC §1: a wall time skipped
/// by a DST gap moves forward by the gap, a repeated one is the earlier
/// instant), so "every Tuesday 17:00" stays 17:00 across DST changes.
/// Occurrences on a local date in `except_dates` (EXDATE) are left out; as in
/// RFC 5545 they still count towards `COUNT`.
///
/// `rrule` is the value of an RRULE (`FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10`, an
/// optional leading `RRULE:` is accepted, names in any case) with any RFC 5545
/// part: `FREQ` (`DAILY`, `WEEKLY`, `MONTHLY` or `YEARLY`), `INTERVAL`,
/// `BYDAY` (positions like `2TU`, `-1FR` under `MONTHLY` and `YEARLY`),
/// `BYMONTHDAY` (negatives count from the month's end), `BYYEARDAY`,
/// `BYWEEKNO`, `BYMONTH`, `BYSETPOS`, `BYHOUR`, `BYMINUTE`, `BYSECOND` (0),
/// `WKST`, and `COUNT` or `UNTIL`; one of the last two is required, since a
/// booking series must end. `UNTIL` is inclusive: a UTC date-time (`...Z`)
/// bounds the occurrences' instants, a date (`YYYYMMDD`) or a date-time
/// without `Z` their local date or wall time. `first_start` must itself be
/// the rule's first occurrence (RFC 5545 leaves a DTSTART the rule does not
/// produce undefined). docs/calendars.md has the details.
///
/// \throws error (invalid_argument, field `rrule`) for a rule outside RFC 5545,
/// a frequency finer than daily, a combination RFC 5545 forbids, one that does
/// not end, one with more than `max_recurrence_occurrences` occurrences, or
/// one that leaves no occurrence (UNTIL before the first start, every
/// occurrence excepted).
[[nodiscard]] std::vector<instant> expand_recurrence(std::string_view rrule, const zone& where, instant first_start,
                                                     std::span<const local_date> except_dates = {});

}  // namespace slotcraft
