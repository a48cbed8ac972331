// iCalendar output (src/ical.cpp), parsed back with libical.
#include <slotcraft/ical.hpp>
#include <slotcraft/scheduler.hpp>
#include <slotcraft/storage/memory_store.hpp>

#include <doctest/doctest.h>
#include <libical/ical.h>

#include <ctime>
#include <memory>
#include <string>
#include <vector>

namespace slotcraft {
namespace {

struct component_free {
    void operator()(icalcomponent* c) const noexcept { icalcomponent_free(c); }
};

calendar_entry entry(std::string id, booking_status status, std::string summary) {
    return {.booking = {.id = std::move(id), .resource = "anna", .service = "cut",
                        .time = {parse_instant("2026-03-17T16:00:00Z"), parse_instant("2026-03-17T16:45:00Z")},
                        .status = status, .series = "sr_1",
                        .created_at = parse_instant("2026-03-01T10:00:00Z"),
                        .updated_at = parse_instant("2026-03-01T10:05:00Z")},
            .summary = std::move(summary), .location = "Salon, Tverskaya 1; 2nd floor"};
}

TEST_CASE("an iCalendar file of bookings parses back with libical, escaped and folded") {
    const std::string long_title(120, 'x');
    const std::vector<calendar_entry> entries{entry("bk_1", booking_status::confirmed, "Haircut, wash; style"),
                                              entry("bk_2", booking_status::cancelled, long_title)};
    const std::string text = write_ics(entries, parse_instant("2026-03-02T00:00:00Z"));
    for (std::size_t from = 0, nl = text.find("\r\n"); nl != std::string::npos; from = nl + 2, nl = text.find("\r\n", from))
        CHECK(nl - from <= 75);  // RFC 5545 §3.1: lines are folded at 75 octets
    CHECK(text.find("Haircut\\, wash\\; style") != std::string::npos);  // TEXT escaping

    const std::unique_ptr<icalcomponent, component_free> calendar(icalparser_parse_string(text.c_str()));
    REQUIRE(calendar != nullptr);
    std::vector<std::string> uids;
    for (icalcomponent* event = icalcomponent_get_first_component(calendar.get(), ICAL_VEVENT_COMPONENT);
         event != nullptr; event = icalcomponent_get_next_component(calendar.get(), ICAL_VEVENT_COMPONENT)) {
        uids.emplace_back(icalcomponent_get_uid(event));
        CHECK(icaltime_as_timet(icalcomponent_get_dtstart(event)) == 1773763200);  // 2026-03-17T16:00:00Z
        CHECK(icaltime_as_timet(icalcomponent_get_dtend(event)) == 1773765900);
        CHECK(std::string(icalcomponent_get_location(event)) == "Salon, Tverskaya 1; 2nd floor");
        CHECK(icalproperty_get_sequence(icalcomponent_get_first_property(event, ICAL_SEQUENCE_PROPERTY)) == 300);
    }
    CHECK(uids == std::vector<std::string>{"bk_1@slotcraft", "bk_2@slotcraft"});
    icalcomponent* second = icalcomponent_get_first_component(calendar.get(), ICAL_VEVENT_COMPONENT);
    second = icalcomponent_get_next_component(calendar.get(), ICAL_VEVENT_COMPONENT);
    CHECK(icalcomponent_get_status(second) == ICAL_STATUS_CANCELLED);
    CHECK(std::string(icalcomponent_get_summary(second)) == long_title);  // unfolded whole
}

TEST_CASE("a booking after the year 3000 is written with its own dates, up to the year 9999") {
    calendar_entry late = entry("bk_9", booking_status::confirmed, "Haircut");
    late.booking.time = {parse_instant("3001-01-03T10:00:00Z"), parse_instant("9999-12-31T23:59:59Z")};
    const std::string text = write_ics(std::span(&late, 1), parse_instant("3001-01-01T00:00:00Z"));
    CHECK(text.find("DTSTART:30010103T100000Z\r\n") != std::string::npos);  // libical's time_t reader left these 00000000T000000
    CHECK(text.find("DTEND:99991231T235959Z\r\n") != std::string::npos);
    CHECK(text.find("DTSTAMP:30010101T000000Z\r\n") != std::string::npos);
    CHECK(text.find("00000000T") == std::string::npos);
}

void collect_start(icalcomponent* /*event*/, icaltime_span* span, void* data) {
    static_cast<std::vector<std::time_t>*>(data)->push_back(span->start);
}

TEST_CASE("a series exported as an RRULE expands with libical to the booked occurrences, 09:00 local across DST") {
    using namespace std::chrono_literals;
    const auto db = open_memory_store();
    scheduler s(*db);
    s.put_location({.id = "salon"});
    location_schedule tuesdays{.location = "salon"};
    tuesdays.weekly.set(date::Tuesday, {local_range::parse("09:00", "19:00")});
    s.put_resource({.id = "anna", .time_zone = "Europe/Berlin", .schedules = {tuesdays}});
    s.put_service({.rules = {.id = "cut", .duration = 45min}, .name = "Cut"});
    s.link("anna", "cut");
    const instant now = parse_instant("2026-03-01T00:00:00Z");
    const series_outcome out = s.book_recurring(
        {.first = {.resource = "anna", .service = "cut", .start = parse_instant("2026-03-17T08:00:00Z")},
         .rrule = "FREQ=WEEKLY;BYDAY=TU;COUNT=5", .except_dates = {local_date{date::year{2026} / 4 / 7}}},
        now);
    REQUIRE(out.booked.size() == 4);
    (void)s.cancel(out.booked[1].id, "", now);
    (void)s.reschedule(out.booked[3].id, parse_instant("2026-04-14T08:30:00Z"), now);
    const std::string text = s.export_ics({.resource = "anna"}, now);

    const std::unique_ptr<icalcomponent, component_free> calendar(icalparser_parse_string(text.c_str()));
    REQUIRE(calendar != nullptr);
    icalcomponent* master = nullptr;
    icalcomponent* cancelled = nullptr;
    std::vector<std::string> others;
    for (icalcomponent* event = icalcomponent_get_first_component(calendar.get(), ICAL_VEVENT_COMPONENT);
         event != nullptr; event = icalcomponent_get_next_component(calendar.get(), ICAL_VEVENT_COMPONENT)) {
        if (icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY) != nullptr) master = event;
        else if (icalcomponent_get_first_property(event, ICAL_RECURRENCEID_PROPERTY) != nullptr) cancelled = event;
        else others.emplace_back(icalcomponent_get_uid(event));
    }
    REQUIRE(master != nullptr);
    REQUIRE(cancelled != nullptr);
    CHECK(std::string(icalcomponent_get_uid(master)) == out.series + "@slotcraft");
    CHECK(std::string(icalcomponent_get_uid(cancelled)) == out.series + "@slotcraft");
    CHECK(icalcomponent_get_status(cancelled) == ICAL_STATUS_CANCELLED);
    CHECK(others == std::vector<std::string>{out.booked[3].id + "@slotcraft"});  // the moved occurrence

    // libical expands RRULE minus EXDATE in the VTIMEZONE of the file.
    std::vector<std::time_t> starts;
    const icaltimezone* utc = icaltimezone_get_utc_timezone();
    icalcomponent_foreach_recurrence(master, icaltime_from_timet_with_zone(1767225600, 0, utc),   // 2026-01-01
                                     icaltime_from_timet_with_zone(1798761600, 0, utc),          // 2027-01-01
                                     collect_start, &starts);
    const auto t = [](std::string_view iso) { return static_cast<std::time_t>(parse_instant(iso).time_since_epoch().count()); };
    CHECK(starts == std::vector<std::time_t>{t("2026-03-17T08:00:00Z"), t("2026-03-24T08:00:00Z"),
                                             t("2026-03-31T07:00:00Z")});
    const icaltimetype recurrence = icalcomponent_get_recurrenceid(cancelled);
    CHECK(icaltime_as_timet_with_zone(recurrence, icaltimezone_get_builtin_timezone("Europe/Berlin")) ==
          t("2026-03-24T08:00:00Z"));
}

}  // namespace
}  // namespace slotcraft
