// iCalendar output with libical (see include/slotcraft/ical.hpp).
#include <slotcraft/ical.hpp>

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

}  // namespace

std::string write_ics(std::span<const calendar_entry> entries, instant stamp) {
    const component_handle calendar(icalcomponent_new_vcalendar());
    icalcomponent_add_property(calendar.get(), icalproperty_new_version("2.0"));
    icalcomponent_add_property(calendar.get(), icalproperty_new_prodid("-//slotcraft//slotcraft//EN"));
    icalcomponent_add_property(calendar.get(), icalproperty_new_calscale("GREGORIAN"));
    for (const calendar_entry& entry : entries) icalcomponent_add_component(calendar.get(), event_of(entry, stamp));
    char* text = icalcomponent_as_ical_string_r(calendar.get());  // folded at 75 octets, CRLF line ends
    const std::unique_ptr<char, decltype(&icalmemory_free_buffer)> owned(text, &icalmemory_free_buffer);
    return text != nullptr ? std::string(text) : std::string();
}

}  // namespace slotcraft
