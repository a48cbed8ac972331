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

/// A recurring series as one event with an RRULE, for write_ics.
struct calendar_series {
    /// The rule; `rule.rrule` is written as it is (RFC 5545 wants a UTC UNTIL).
    series_record rule{};
    std::string time_zone{};  ///< IANA name: DTSTART, EXDATE and RECURRENCE-ID are its wall times
    minutes length{0};        ///< of every occurrence
    /// Summary, location and description of the series; `master.booking`
    /// gives its status, creation and last change.
    calendar_entry master{};
    /// Occurrences (as the rule places them) that are not booked: EXDATEs.
    std::vector<instant> excluded{};
    /// Occurrences whose booking was cancelled, each with its rule-placed start.
    std::vector<std::pair<instant, calendar_entry>> cancelled{};
};

/// Whether write_ics can write wall times of `time_zone` (libical knows its
/// VTIMEZONE, or it is UTC).
[[nodiscard]] bool ics_zone_available(const std::string& time_zone);

/// A VCALENDAR with one VEVENT per entry: `UID` `<booking id>@slotcraft`
/// (stable, so a calendar that imports the file again updates its events),
/// `DTSTART`/`DTEND` of the booking's core interval in UTC, `STATUS`
/// `CONFIRMED`, `TENTATIVE` (a hold) or `CANCELLED`, `CREATED`,
/// `LAST-MODIFIED`, `SEQUENCE` (seconds between creation and the last
/// change, so every change raises it), `RELATED-TO` the series for an
/// occurrence of one, and `DTSTAMP` `stamp`.
[[nodiscard]] std::string write_ics(std::span<const calendar_entry> entries, instant stamp);

/// As above, and one VEVENT per series (`UID` `<series id>@slotcraft`,
/// `DTSTART`/`DTEND` with `TZID` the zone's IANA name, `RRULE`, an `EXDATE`
/// per excluded occurrence) with a `RECURRENCE-ID` override marked
/// `STATUS:CANCELLED` per cancelled occurrence, and a VTIMEZONE per zone used.
[[nodiscard]] std::string write_ics(std::span<const calendar_entry> entries, std::span<const calendar_series> series,
                                    instant stamp);

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
