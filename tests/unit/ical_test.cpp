// iCalendar output (src/ical.cpp), parsed back with libical.
#include <slotcraft/ical.hpp>

#include <doctest/doctest.h>
#include <libical/ical.h>

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

}  // namespace
}  // namespace slotcraft
