#pragma once
/// \file
/// iCalendar (RFC 5545) files of bookings, written with libical so that
/// escaping and line folding are right.

#include <slotcraft/catalog.hpp>
#include <slotcraft/tz.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace slotcraft {

/// What a calendar shows for one booking.
struct calendar_entry {
    booking_record booking{};
    std::string summary{};      ///< the event's title, e.g. the service's name
    std::string location{};     ///< where, e.g. the location's name
    std::string description{};  ///< free text
};

/// A VCALENDAR with one VEVENT per entry: `UID` `<booking id>@slotcraft`
/// (stable, so a calendar that imports the file again updates its events),
/// `DTSTART`/`DTEND` of the booking's core interval in UTC, `STATUS`
/// `CONFIRMED`, `TENTATIVE` (a hold) or `CANCELLED`, `CREATED`,
/// `LAST-MODIFIED`, `SEQUENCE` (seconds between creation and the last
/// change, so every change raises it), `RELATED-TO` the series for an
/// occurrence of one, and `DTSTAMP` `stamp`.
[[nodiscard]] std::string write_ics(std::span<const calendar_entry> entries, instant stamp);

/// The busy time of an iCalendar file: every VEVENT that overlaps `window`,
/// recurring ones expanded (RRULE with EXDATE, RDATE ignored) up to the
/// window's end; events with `TRANSP:TRANSPARENT` or `STATUS:CANCELLED`
/// block nothing and are left out. Times with `Z` are UTC; with a `TZID`
/// that names an IANA zone, that zone's wall time (otherwise the file's
/// VTIMEZONE of that name); without either ("floating"), and all-day events
/// (`VALUE=DATE`, whole local days), in `floating`. An event without `DTEND`
/// or `DURATION` lasts a day when all-day and blocks nothing otherwise.
/// Sorted by start, overlapping ones merged.
/// \throws error (invalid_argument, field `ics`) naming the line of the
/// first problem: a line that is not `NAME[;PARAMS]:VALUE`, an unbalanced
/// BEGIN/END, a bad date or rule, a VEVENT without DTSTART, an unknown TZID.
[[nodiscard]] std::vector<interval> read_ics_busy(std::string_view text, const zone& floating, interval window);

}  // namespace slotcraft
