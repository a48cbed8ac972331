// iCalendar output with libical (see include/slotcraft/ical.hpp).
#include <slotcraft/error.hpp>
#include <slotcraft/ical.hpp>
#include <slotcraft/interval_set.hpp>

#include <fmt/format.h>
#include <libical/ical.h>

#include <algorithm>
#include <climits>
#include <ctime>
#include <memory>

namespace slotcraft {
namespace {

struct component_free {
    void operator()(icalcomponent* c) const noexcept { icalcomponent_free(c); }
};
using component_handle = std::unique_ptr<icalcomponent, component_free>;

icaltimetype utc(instant t) {
    return icaltime_from_timet_with_zone(static_cast<time_t>(t.time_since_epoch().count()), 0,
                                         icaltimezone_get_utc_timezone());
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
    icalcomponent_add_property(event, icalproperty_new_dtstamp(utc(stamp)));
    icalcomponent_add_property(event, icalproperty_new_dtstart(utc(b.time.start)));
    icalcomponent_add_property(event, icalproperty_new_dtend(utc(b.time.end)));
    icalcomponent_add_property(event, icalproperty_new_created(utc(b.created_at)));
    icalcomponent_add_property(event, icalproperty_new_lastmodified(utc(b.updated_at)));
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
        icalproperty_set_value(p, icalvalue_new_datetime(utc(on)));
        return p;
    }
    const date::local_seconds local = date::local_seconds{tz.date_of(on)} + wall;
    const auto day = date::floor<date::days>(local);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss clock{local - day};
    icaltimetype t = icaltime_null_time();
    t.year = static_cast<int>(ymd.year());
    t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
    t.hour = static_cast<int>(clock.hours().count());
    t.minute = static_cast<int>(clock.minutes().count());
    t.second = static_cast<int>(clock.seconds().count());
    icalproperty_set_value(p, icalvalue_new_datetime(t));
    icalproperty_add_parameter(p, icalparameter_new_tzid(tz_name.c_str()));
    return p;
}

/// The series' master VEVENT followed by its cancelled overrides.
std::vector<icalcomponent*> events_of(const calendar_series& s, instant stamp) {
    const zone tz = zone::locate(s.time_zone, "time_zone");
    const instant first = s.rule.first_start;
    const std::chrono::seconds wall = tz.to_local(first) - date::local_seconds{tz.date_of(first)};
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
    replace(ICAL_DTSTART_PROPERTY, with_wall_time(icalproperty_new_dtstart(utc(first)), tz, s.time_zone, first, wall));
    const instant first_end = first + s.length;
    const std::chrono::seconds end_wall = tz.to_local(first_end) - date::local_seconds{tz.date_of(first_end)};
    replace(ICAL_DTEND_PROPERTY,
            with_wall_time(icalproperty_new_dtend(utc(first_end)), tz, s.time_zone, first_end, end_wall));
    icalcomponent_add_property(event, icalproperty_new_rrule(icalrecurrencetype_from_string(s.rule.rrule.c_str())));
    for (const instant skipped : s.excluded)
        icalcomponent_add_property(event,
                                   with_wall_time(icalproperty_new_exdate(utc(skipped)), tz, s.time_zone, skipped, wall));
    std::vector<icalcomponent*> out{event};
    for (const auto& [occurrence, entry] : s.cancelled) {
        calendar_entry moved = entry;
        moved.booking.series.clear();
        icalcomponent* override_event = event_of(moved, stamp);
        icalproperty* old = icalcomponent_get_first_property(override_event, ICAL_UID_PROPERTY);
        icalcomponent_remove_property(override_event, old);
        icalproperty_free(old);
        icalcomponent_add_property(override_event, icalproperty_new_uid(uid.c_str()));
        icalcomponent_add_property(override_event, with_wall_time(icalproperty_new_recurrenceid(utc(occurrence)), tz,
                                                                  s.time_zone, occurrence, wall));
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

// ---- reading busy time -------------------------------------------------------------

namespace slotcraft {
namespace {

[[noreturn]] void bad_file(std::size_t line, const std::string& message) {
    reject("ics", fmt::format("line {}: {}", line, message));
}

/// A content line after unfolding, with the physical line it starts on.
struct content_line {
    std::size_t number = 0;
    std::string text;
};

std::vector<content_line> unfold(std::string_view text) {
    std::vector<content_line> out;
    std::size_t number = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        ++number;
        pos = end + 1;
        if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
            if (out.empty()) bad_file(number, "a continuation line with nothing to continue");
            out.back().text.append(line.substr(1));
        } else if (!line.empty()) {
            out.push_back({number, std::string(line)});
        }
    }
    return out;
}

std::string_view name_of(std::string_view line) {
    return line.substr(0, std::min(line.find(':'), line.find(';')));
}

/// `YYYYMMDD`, `YYYYMMDDTHHMMSS` or `...Z`, comma-separated.
bool dates_ok(std::string_view values) {
    std::size_t pos = 0;
    while (pos <= values.size()) {
        const std::size_t end = std::min(values.find(',', pos), values.size());
        const std::string_view v = values.substr(pos, end - pos);
        const bool shape = (v.size() == 8 || v.size() == 15 || v.size() == 16) &&
                           std::all_of(v.begin(), v.begin() + 8, [](char c) { return c >= '0' && c <= '9'; }) &&
                           (v.size() == 8 || (v[8] == 'T' && std::all_of(v.begin() + 9, v.begin() + 15,
                                                                          [](char c) { return c >= '0' && c <= '9'; }) &&
                                              (v.size() == 15 || v[15] == 'Z')));
        if (!shape) return false;
        const icaltimetype t = icaltime_from_string(std::string(v).c_str());
        if (icaltime_is_null_time(t) != 0 || icaltime_is_valid_time(t) == 0 || t.month < 1 || t.month > 12 ||
            t.day < 1 || t.day > icaltime_days_in_month(t.month, t.year) || t.hour > 23 || t.minute > 59 ||
            t.second > 60)
            return false;
        pos = end + 1;
    }
    return true;
}

/// Refuses what libical would read silently wrong or skip: the line of the
/// first problem is the error's.
void check_lines(const std::vector<content_line>& lines) {
    std::vector<std::string> open;
    for (const content_line& line : lines) {
        const std::string_view text = line.text;
        const std::size_t colon = text.find(':');
        if (colon == std::string_view::npos || colon == 0) bad_file(line.number, "expected NAME:VALUE");
        const std::string_view name = name_of(text);
        const std::string_view value = text.substr(colon + 1);
        if (name == "BEGIN") {
            if (open.empty() && value != "VCALENDAR") bad_file(line.number, "the file must start with BEGIN:VCALENDAR");
            open.emplace_back(value);
            continue;
        }
        if (name == "END") {
            if (open.empty() || open.back() != value)
                bad_file(line.number, open.empty() ? std::string("END without BEGIN")
                                                   : fmt::format("END:{} inside {}", value, open.back()));
            open.pop_back();
            continue;
        }
        if (open.empty()) bad_file(line.number, "a property outside BEGIN:VCALENDAR ... END:VCALENDAR");
        icalerror_clear_errno();
        icalproperty* parsed = icalproperty_new_from_string(std::string(text).c_str());
        if (parsed == nullptr) bad_file(line.number, fmt::format("libical cannot read \"{}\"", text.substr(0, 60)));
        icalproperty_free(parsed);
        if ((name == "DTSTART" || name == "DTEND" || name == "EXDATE" || name == "RECURRENCE-ID") && !dates_ok(value))
            bad_file(line.number, fmt::format("\"{}\" is not a date or date-time", value));
    }
    if (!open.empty()) bad_file(lines.empty() ? 0 : lines.back().number, fmt::format("{} is not closed", open.back()));
    if (lines.empty()) bad_file(0, "the file is empty");
}

/// Where a VEVENT's times live.
struct time_reader {
    icalcomponent* calendar;
    const zone& floating;
    std::size_t line;

    [[nodiscard]] instant at(icaltimetype t, const char* tzid) const {
        if (t.is_date != 0 || (tzid == nullptr && icaltime_is_utc(t) == 0)) return local(floating, t);
        if (icaltime_is_utc(t) != 0) return instant{std::chrono::seconds{icaltime_as_timet(t)}};
        try {
            return local(zone::locate(tzid, "tzid"), t);
        } catch (const error&) {
            icaltimezone* own = icalcomponent_get_timezone(calendar, tzid);
            if (own == nullptr) bad_file(line, fmt::format("TZID \"{}\" is neither an IANA zone nor a VTIMEZONE of the file", tzid));
            return instant{std::chrono::seconds{icaltime_as_timet_with_zone(t, own)}};
        }
    }

    static instant local(const zone& where, icaltimetype t) {
        const local_date day{date::year{t.year} / static_cast<unsigned>(t.month) / static_cast<unsigned>(t.day)};
        if (t.is_date != 0) return where.to_utc(day, minutes{0});
        return where.to_utc(day, std::chrono::hours{t.hour} + minutes{t.minute}) + std::chrono::seconds{t.second};
    }
};

const char* tzid_of(icalproperty* p) {
    if (p == nullptr) return nullptr;
    icalparameter* tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    return tz != nullptr ? icalparameter_get_tzid(tz) : nullptr;
}

/// The line a VEVENT starts on, the `index`-th of the file.
std::size_t event_line(const std::vector<content_line>& lines, std::size_t index) {
    std::size_t seen = 0;
    for (const content_line& l : lines)
        if (l.text == "BEGIN:VEVENT" && seen++ == index) return l.number;
    return 0;
}

}  // namespace

std::vector<interval> read_ics_busy(std::string_view text, const zone& floating, interval window) {
    const std::vector<content_line> lines = unfold(text);
    check_lines(lines);
    std::string joined;
    for (const content_line& l : lines) joined += l.text + "\r\n";
    const component_handle calendar(icalparser_parse_string(joined.c_str()));
    if (!calendar) bad_file(1, "libical cannot read the calendar");

    interval_set busy;
    std::size_t index = 0;
    for (icalcomponent* event = icalcomponent_get_first_component(calendar.get(), ICAL_VEVENT_COMPONENT);
         event != nullptr; event = icalcomponent_get_next_component(calendar.get(), ICAL_VEVENT_COMPONENT), ++index) {
        const std::size_t line = event_line(lines, index);
        if (icalproperty* transp = icalcomponent_get_first_property(event, ICAL_TRANSP_PROPERTY);
            transp != nullptr && icalproperty_get_transp(transp) == ICAL_TRANSP_TRANSPARENT)
            continue;
        if (icalcomponent_get_status(event) == ICAL_STATUS_CANCELLED) continue;
        icalproperty* start_prop = icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY);
        if (start_prop == nullptr) bad_file(line, "a VEVENT without DTSTART");
        const time_reader read{calendar.get(), floating, line};
        const icaltimetype start = icalproperty_get_dtstart(start_prop);
        const char* start_zone = tzid_of(start_prop);

        // The length, kept in wall time for all-day and zoned events.
        icaltimetype end = icaltime_null_time();
        if (icalproperty* end_prop = icalcomponent_get_first_property(event, ICAL_DTEND_PROPERTY))
            end = icalproperty_get_dtend(end_prop);
        else if (icalproperty* length = icalcomponent_get_first_property(event, ICAL_DURATION_PROPERTY))
            end = icaltime_add(start, icalproperty_get_duration(length));
        else if (start.is_date != 0)
            end = icaltime_add(start, icaldurationtype_from_int(24 * 60 * 60));
        else
            continue;  // RFC 5545 §3.6.1: it ends where it starts
        const icaldurationtype length = icaltime_subtract(end, start);

        std::vector<instant> skipped;
        for (icalproperty* ex = icalcomponent_get_first_property(event, ICAL_EXDATE_PROPERTY); ex != nullptr;
             ex = icalcomponent_get_next_property(event, ICAL_EXDATE_PROPERTY))
            skipped.push_back(read.at(icalproperty_get_exdate(ex), tzid_of(ex) != nullptr ? tzid_of(ex) : start_zone));

        const auto add = [&](icaltimetype occurrence) {
            const instant from = read.at(occurrence, start_zone);
            if (std::find(skipped.begin(), skipped.end(), from) != skipped.end()) return;
            const instant to = read.at(icaltime_add(occurrence, length), start_zone);
            if (to > from && to > window.start && from < window.end) busy.add({from, to});
        };
        icalproperty* rule = icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY);
        if (rule == nullptr) {
            add(start);
            continue;
        }
        const std::unique_ptr<icalrecur_iterator, void (*)(icalrecur_iterator*)> it(
            icalrecur_iterator_new(icalproperty_get_rrule(rule), start), &icalrecur_iterator_free);
        if (!it) bad_file(line, "libical cannot iterate the RRULE");
        std::size_t count = 0;
        for (icaltimetype t = icalrecur_iterator_next(it.get()); icaltime_is_null_time(t) == 0;
             t = icalrecur_iterator_next(it.get())) {
            if (read.at(t, start_zone) >= window.end) break;
            if (++count > 100000) bad_file(line, "an RRULE with more than 100000 occurrences in the window");
            add(t);
        }
    }
    return {busy.begin(), busy.end()};
}

}  // namespace slotcraft
