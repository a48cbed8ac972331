// One function says why a start is refused; listed slots explain as bookable.
#include "support.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace slotcraft;
using slotcraft::test::base_query;
using slotcraft::test::json;
using slotcraft::test::reasons_at;
using Codes = std::vector<reason_code>;

namespace {
json working_day() {
    json q = base_query();
    q["now"] = "2026-03-02T06:00:00Z";
    q["service"] = {{"id", "svc"}, {"duration", 30}, {"buffer_after", 10}};
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "17:00"}});
    q["resources"][0]["breaks"] = test::hours({{"12:00", "13:00"}});
    q["resources"][0]["time_off"] = {{{"start", "2026-03-02T15:00:00Z"}, {"end", "2026-03-02T16:00:00Z"}}};
    q["resources"][0]["bookings"] = {{{"id", "b-7"}, {"start", "2026-03-02T10:00:00Z"},
                                      {"end", "2026-03-02T10:30:00Z"}, {"service", "svc"}, {"buffer_after", 10}}};
    return q;
}
}  // namespace

TEST_CASE("a free start has no reasons") {
    CHECK(reasons_at(working_day(), "2026-03-02T09:00:00Z").empty());
}

TEST_CASE("a start before opening is outside hours") {
    CHECK(reasons_at(working_day(), "2026-03-02T08:00:00Z") == Codes{reason_code::outside_hours});
}

TEST_CASE("a start whose service runs past closing is outside hours") {
    json q = working_day();
    q["service"]["duration"] = 45;
    q["service"]["step"] = 30;
    CHECK(reasons_at(q, "2026-03-02T16:30:00Z") == Codes{reason_code::outside_hours});
}

TEST_CASE("a start in a break, in time off, or both, names each") {
    CHECK(reasons_at(working_day(), "2026-03-02T12:00:00Z") == Codes{reason_code::on_break});
    CHECK(reasons_at(working_day(), "2026-03-02T15:30:00Z") == Codes{reason_code::time_off});
    json q = working_day();
    q["resources"][0]["time_off"][0]["start"] = "2026-03-02T11:00:00Z";
    q["service"]["duration"] = 120;
    q["service"]["step"] = 30;
    CHECK(reasons_at(q, "2026-03-02T11:00:00Z") == Codes{reason_code::on_break, reason_code::time_off});
}

TEST_CASE("a start overlapping a booking is busy and names it, and one touching only its buffer is a buffer clash") {
    const json q = working_day();
    CHECK(reasons_at(q, "2026-03-02T10:00:00Z") == Codes{reason_code::busy});
    CHECK(explain(query_from_json(q), test::at("2026-03-02T10:00:00Z")).front().reasons.front().booking == "b-7");
    // 10:30 + its own buffer is fine, but the booking's 10-minute buffer runs to 10:40.
    CHECK(reasons_at(q, "2026-03-02T10:30:00Z") == Codes{reason_code::buffer});
    // 09:30 core ends 10:00, its own 10-minute buffer runs into the booking.
    CHECK(reasons_at(q, "2026-03-02T09:30:00Z") == Codes{reason_code::buffer});
}

TEST_CASE("notice, advance, daily limit and seats each explain themselves") {
    json q = working_day();
    q["now"] = "2026-03-02T09:00:00Z";
    q["service"]["min_notice"] = 60;
    q["service"]["max_advance"] = 240;
    CHECK(reasons_at(q, "2026-03-02T09:00:00Z") == Codes{reason_code::too_soon});
    CHECK(reasons_at(q, "2026-03-02T13:00:00Z") == Codes{reason_code::too_far_ahead});
    q["service"]["max_per_day"] = 1;
    CHECK(reasons_at(q, "2026-03-02T11:00:00Z") == Codes{reason_code::daily_limit});
    q["service"]["max_per_day"] = 0;
    q["seats"] = 2;
    CHECK(reasons_at(q, "2026-03-02T11:00:00Z") == Codes{reason_code::no_seats});
}

TEST_CASE("a start between grid points is off the grid") {
    CHECK(reasons_at(working_day(), "2026-03-02T09:10:00Z") == Codes{reason_code::off_grid});
}

TEST_CASE("every reason that applies is reported, not just the first") {
    json q = working_day();
    q["now"] = "2026-03-02T10:00:00Z";
    q["service"]["min_notice"] = 60;
    CHECK(reasons_at(q, "2026-03-02T10:10:00Z") == Codes{reason_code::too_soon, reason_code::busy, reason_code::off_grid});
}

TEST_CASE("every listed slot explains as bookable for the resource listed first, and a near miss does not") {
    std::ifstream file(SLOTCRAFT_SOURCE_DIR "/examples/queries/demo_week.json");
    REQUIRE(file);
    std::stringstream text;
    text << file.rdbuf();
    const slot_query q = parse_query(text.str());
    const auto slots = find_slots(q);
    REQUIRE(slots.size() > 20);
    for (const slot& s : slots) {
        for (const resource_refusal& r : explain(q, s.time.start)) {
            const bool listed = std::find(s.resources.begin(), s.resources.end(), r.resource) != s.resources.end();
            CAPTURE(format_instant(s.time.start));
            CAPTURE(r.resource);
            CHECK(listed == r.reasons.empty());
        }
    }
}
