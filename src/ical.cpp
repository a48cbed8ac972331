// iCalendar output with libical (see include/slotcraft/ical.hpp).
#include "rrule.hpp"

#include <slotcraft/error.hpp>
#include <slotcraft/ical.hpp>

#include <fmt/format.h>
#include <libical/ical.h>

#include <algorithm>
#include <climits>
#include <ctime>
#include <memory>
#include <span>
#include <vector>

namespace slotcraft {
namespace {

struct component_free {
    void operator()(icalcomponent* c) const noexcept { icalcomponent_free(c); }
};
using component_handle = std::unique_ptr<icalcomponent, component_free>;

/// A DATE-TIME value of the wall time `local`, in UTC (with its `Z`) when
/// `in_utc`. It is made from its text: libical's setters from an
/// icaltimetype write a year after 3000 as 00000000T000000, and a booking
/// may be in the year 9999.
icalvalue* datetime_value(date::local_seconds local, bool in_utc) {
    const std::string text = date::format(in_utc ? "%Y%m%dT%H%M%SZ" : "%Y%m%dT%H%M%S", local);
    return icalvalue_new_from_string(ICAL_DATETIME_VALUE, text.c_str());
}

/// A property of `kind` with the UTC DATE-TIME `t`.
icalproperty* utc_property(icalproperty_kind kind, instant t) {
    icalproperty* p = icalproperty_new(kind);
    icalproperty_set_value(p, datetime_value(date::local_seconds{t.time_since_epoch()}, true));
    return p;
}

icalproperty_status status_of(booking_status s) {
    switch (s) {
        case booking_status::confirmed: return ICAL_STATUS_CONFIRMED;
        case booking_status::held: return ICAL_STATUS_TENTATIVE;
        case booking_status::cancelled: return ICAL_STATUS_CANCELLED;
    }
    return ICAL_STATUS_NONE;
}

icalcomponent* event_of(const calendar_entry& entry, instant stamp) {
    const booking_record& b = entry.booking;
    icalcomponent* event = icalcomponent_new_vevent();
    icalcomponent_add_property(event, icalproperty_new_uid((b.id + "@slotcraft").c_str()));
    icalcomponent_add_property(event, utc_property(ICAL_DTSTAMP_PROPERTY, stamp));
    icalcomponent_add_property(event, utc_property(ICAL_DTSTART_PROPERTY, b.time.start));
    icalcomponent_add_property(event, utc_property(ICAL_DTEND_PROPERTY, b.time.end));
    icalcomponent_add_property(event, utc_property(ICAL_CREATED_PROPERTY, b.created_at));
    icalcomponent_add_property(event, utc_property(ICAL_LASTMODIFIED_PROPERTY, b.updated_at));
    const auto changed = std::clamp<std::int64_t>((b.updated_at - b.created_at).count(), 0, INT_MAX);
    icalcomponent_add_property(event, icalproperty_new_sequence(static_cast<int>(changed)));
    icalcomponent_add_property(event, icalproperty_new_status(status_of(b.status)));
    if (!entry.summary.empty()) icalcomponent_add_property(event, icalproperty_new_summary(entry.summary.c_str()));
    if (!entry.location.empty()) icalcomponent_add_property(event, icalproperty_new_location(entry.location.c_str()));
    if (!entry.description.empty())
        icalcomponent_add_property(event, icalproperty_new_description(entry.description.c_str()));
    if (!b.series.empty())
        icalcomponent_add_property(event, icalproperty_new_relatedto((b.series + "@slotcraft").c_str()));
    return event;
}

bool is_utc(const std::string& time_zone) { return time_zone == "UTC" || time_zone == "Etc/UTC"; }

/// The wall time of `t` on the local date of `on` in `tz`, with `TZID`
/// `tz_name` (or in UTC for a UTC zone).
icalproperty* with_wall_time(icalproperty* p, const zone& tz, const std::string& tz_name, instant on,
                             std::chrono::seconds wall) {
    if (is_utc(tz_name)) {
        icalproperty_set_value(p, datetime_value(date::local_seconds{on.time_since_epoch()}, true));
        return p;
    }
    icalproperty_set_value(p, datetime_value(date::local_seconds{tz.date_of(on)} + wall, false));
    icalproperty_add_parameter(p, icalparameter_new_tzid(tz_name.c_str()));
    return p;
}

/// The wall time of `t` on its local date in `tz`.
std::chrono::seconds clock_time(const zone& tz, instant t) { return tz.to_local(t) - date::local_seconds{tz.date_of(t)}; }

/// The wall time the rule gave the occurrence at `at`, which EXDATE and
/// RECURRENCE-ID must name: its clock time, unless that is none of the
/// rule's (a DST gap moved the occurrence later, SPEC §1), then the rule's
/// time of that day that lands on `at`.
std::chrono::seconds rule_wall_time(const zone& tz, instant at, std::span<const std::chrono::seconds> times) {
    const std::chrono::seconds clock = clock_time(tz, at);
    if (std::find(times.begin(), times.end(), clock) != times.end()) return clock;
    const local_date day = tz.date_of(at);
    for (const std::chrono::seconds t : times)
        if (tz.to_utc(day, std::chrono::duration_cast<minutes>(t)) == at) return t;
    return clock;
}

/// The series' master VEVENT followed by its cancelled overrides.
std::vector<icalcomponent*> events_of(const calendar_series& s, instant stamp) {
    const zone tz = zone::locate(s.time_zone, "time_zone");
    const instant first = s.rule.first_start;
    const std::chrono::seconds wall = clock_time(tz, first);
    const std::vector<std::chrono::seconds> times =
        detail::times_of_day(detail::parse_rrule(s.rule.rrule), tz.to_local(first));
    const std::string uid = s.rule.id + "@slotcraft";
    calendar_entry master = s.master;
    master.booking.series.clear();  // the series is the event itself
    icalcomponent* event = event_of(master, stamp);
    const auto replace = [&](icalproperty_kind kind, icalproperty* value) {
        icalproperty* old = icalcomponent_get_first_property(event, kind);
        icalcomponent_remove_property(event, old);
        icalproperty_free(old);
        icalcomponent_add_property(event, value);
    };
    replace(ICAL_UID_PROPERTY, icalproperty_new_uid(uid.c_str()));
    replace(ICAL_DTSTART_PROPERTY, with_wall_time(icalproperty_new(ICAL_DTSTART_PROPERTY), tz, s.time_zone, first, wall));
    const instant first_end = first + s.length;
    const std::chrono::seconds end_wall = clock_time(tz, first_end);
    if (is_utc(s.time_zone) ||
        tz.to_utc(tz.date_of(first_end), std::chrono::duration_cast<minutes>(end_wall)) == first_end) {
        replace(ICAL_DTEND_PROPERTY,
                with_wall_time(icalproperty_new(ICAL_DTEND_PROPERTY), tz, s.time_zone, first_end, end_wall));
    } else {
        // The end is in the second of a repeated hour, which a wall time names
        // the first of (RFC 5545 §3.3.5): a DTEND would be at or before DTSTART.
        icalproperty* dtend = icalcomponent_get_first_property(event, ICAL_DTEND_PROPERTY);
        icalcomponent_remove_property(event, dtend);
        icalproperty_free(dtend);
        icalcomponent_add_property(event, icalproperty_new_duration(icaldurationtype_from_int(
                                              static_cast<int>(std::chrono::seconds{s.length}.count()))));
    }
    icalcomponent_add_property(event, icalproperty_new_rrule(icalrecurrencetype_from_string(s.rule.rrule.c_str())));
    for (const instant skipped : s.excluded)
        icalcomponent_add_property(event, with_wall_time(icalproperty_new(ICAL_EXDATE_PROPERTY), tz, s.time_zone, skipped,
                                                         rule_wall_time(tz, skipped, times)));
    std::vector<icalcomponent*> out{event};
    for (const auto& [occurrence, entry] : s.cancelled) {
        calendar_entry moved = entry;
        moved.booking.series.clear();
        icalcomponent* override_event = event_of(moved, stamp);
        icalproperty* old = icalcomponent_get_first_property(override_event, ICAL_UID_PROPERTY);
        icalcomponent_remove_property(override_event, old);
        icalproperty_free(old);
        icalcomponent_add_property(override_event, icalproperty_new_uid(uid.c_str()));
        icalcomponent_add_property(override_event,
                                   with_wall_time(icalproperty_new(ICAL_RECURRENCEID_PROPERTY), tz, s.time_zone,
                                                  occurrence, rule_wall_time(tz, occurrence, times)));
        out.push_back(override_event);
    }
    return out;
}

/// The VTIMEZONE libical builds from the system's zone data, with `TZID` the IANA name.
icalcomponent* vtimezone_of(const std::string& time_zone) {
    icaltimezone* known = icaltimezone_get_builtin_timezone(time_zone.c_str());
    icalcomponent* source = known != nullptr ? icaltimezone_get_component(known) : nullptr;
    if (source == nullptr) reject("time_zone", fmt::format("libical has no VTIMEZONE for \"{}\"", time_zone));
    icalcomponent* copy = icalcomponent_new_clone(source);
    icalproperty* tzid = icalcomponent_get_first_property(copy, ICAL_TZID_PROPERTY);
    icalproperty_set_tzid(tzid, time_zone.c_str());
    return copy;
}

}  // namespace

bool ics_zone_available(const std::string& time_zone) {
    if (is_utc(time_zone)) return true;
    icaltimezone* known = icaltimezone_get_builtin_timezone(time_zone.c_str());
    return known != nullptr && icaltimezone_get_component(known) != nullptr;
}

std::string write_ics(std::span<const calendar_entry> entries, instant stamp) { return write_ics(entries, {}, stamp); }

std::string write_ics(std::span<const calendar_entry> entries, std::span<const calendar_series> series,
                      instant stamp) {
    const component_handle calendar(icalcomponent_new_vcalendar());
    icalcomponent_add_property(calendar.get(), icalproperty_new_version("2.0"));
    icalcomponent_add_property(calendar.get(), icalproperty_new_prodid("-//slotcraft//slotcraft//EN"));
    icalcomponent_add_property(calendar.get(), icalproperty_new_calscale("GREGORIAN"));
    std::vector<std::string> zones;
    for (const calendar_series& s : series)
        if (!is_utc(s.time_zone) && std::find(zones.begin(), zones.end(), s.time_zone) == zones.end())
            zones.push_back(s.time_zone);
    for (const std::string& name : zones) icalcomponent_add_component(calendar.get(), vtimezone_of(name));
    for (const calendar_series& s : series)
        for (icalcomponent* event : events_of(s, stamp)) icalcomponent_add_component(calendar.get(), event);
    for (const calendar_entry& entry : entries) icalcomponent_add_component(calendar.get(), event_of(entry, stamp));
    char* text = icalcomponent_as_ical_string_r(calendar.get());  // folded at 75 octets, CRLF line ends
    const std::unique_ptr<char, decltype(&icalmemory_free_buffer)> owned(text, &icalmemory_free_buffer);
    return text != nullptr ? std::string(text) : std::string();
}

}  // namespace slotcraft
