#pragma once
/// \file
/// iCalendar (RFC 5545) files of bookings, written with libical so that
/// escaping and line folding are right.

#include <slotcraft/catalog.hpp>

#include <span>
#include <string>

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

}  // namespace slotcraft
