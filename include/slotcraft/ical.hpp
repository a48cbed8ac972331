#pragma once
/// \file
/// iCalendar (RFC 5545) files of bookings, written with libical so that
/// escaping and line folding are right.

#include <slotcraft/catalog.hpp>
#include <slotcraft/tz.hpp>

#include <compare>
#include <cstddef>
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

/// A line of an iCalendar file that read_ics passed over, and why.
struct ics_skipped_line {
    std::size_t line = 0;  ///< the physical line, from 1
    std::string reason;
    friend auto operator<=>(const ics_skipped_line&, const ics_skipped_line&) = default;
};

/// What read_ics found: the busy time and the lines it passed over.
struct ics_busy {
    std::vector<interval> busy;                ///< sorted, overlapping and touching ones merged
    std::vector<ics_skipped_line> skipped;     ///< at most 1000, then one line saying how many more
};

/// The largest iCalendar text read_ics reads (16 MiB).
inline constexpr std::size_t max_ics_bytes = std::size_t{16} * 1024 * 1024;

/// The busy time of an iCalendar text (RFC 5545) in `window`, read the way
/// docs/calendars.md describes: every VEVENT of every VCALENDAR in the text
/// that overlaps `window` (whole, not cut to it) and is neither
/// `STATUS:CANCELLED` nor `TRANSP:TRANSPARENT`; recurring ones expanded (every
/// RRULE, RDATE including periods, less EXDATE and EXRULE) with
/// `RECURRENCE-ID` overrides taking out the occurrence they replace; of
/// several versions of one event the highest `SEQUENCE`. Times with `Z` are
/// UTC; a `TZID` that names an IANA zone is that zone, any other the file's
/// VTIMEZONE of that name (or an IANA name after a path prefix, or a Windows
/// zone name); floating times and all-day events (whole local days) are in
/// `floating`. Each occurrence lasts the event's exact length (nominal days
/// for all-day events and DURATION days), so DST changes do not stretch it.
///
/// Lines that are not content lines, text outside any VCALENDAR, VEVENTs
/// without DTSTART and empty RRULEs are skipped and listed; properties that
/// do not shape busy time are not read.
/// \throws error (invalid_argument, field `ics`) naming the line of the
/// first problem that would make busy time wrong: an unbalanced BEGIN/END, no
/// VCALENDAR, an unreadable date, duration, rule or SEQUENCE, an unknown
/// TZID, DTEND before DTSTART, a value its VALUE parameter does not allow,
/// more than 1,000,000 occurrences of the file's events before the window's end; a text over `max_ics_bytes`. Field `window` for an
/// empty window.
[[nodiscard]] ics_busy read_ics(std::string_view text, const zone& floating, interval window);

}  // namespace slotcraft
