// SPEC §7: bad input is refused with an error naming the field, before any work.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::base_query;
using slotcraft::test::json;
using slotcraft::test::refused_field;

namespace {
json valid() {
    json q = base_query();
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "10:00"}});
    q["resources"][0]["bookings"] = {{{"start", "2026-03-02T09:00:00Z"}, {"end", "2026-03-02T09:30:00Z"}}};
    q["resources"][0]["time_off"] = {{{"start", "2026-03-02T11:00:00Z"}, {"end", "2026-03-02T12:00:00Z"}}};
    return q;
}
}  // namespace

TEST_CASE("the valid base query is accepted") { CHECK(refused_field(valid()).empty()); }

TEST_CASE("an unknown time zone is refused") {
    json q = valid();
    q["resources"][0]["timezone"] = "Europe/Atlantis";
    CHECK(refused_field(q) == "resources[0].timezone");
}

TEST_CASE("an HH:MM out of range is refused with its position") {
    json q = valid();
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "10:00"}, {"09:00", "24:30"}});
    CHECK(refused_field(q) == "resources[0].weekly.mon[1][1]");
    q = valid();
    q["resources"][0]["breaks"] = json::array({json::array({"7:00", "08:00"})});
    CHECK(refused_field(q) == "resources[0].breaks[0][0]");
    q = valid();
    q["resources"][0]["overrides"] = {{"2026-03-02", test::hours({{"10:61", "11:00"}})}};
    CHECK(refused_field(q) == "resources[0].overrides.2026-03-02[0][0]");
}

TEST_CASE("intervals whose end is not after their start are refused") {
    json q = valid();
    q["to"] = q["from"];
    CHECK(refused_field(q) == "to");
    q = valid();
    q["resources"][0]["bookings"][0]["end"] = "2026-03-02T08:00:00Z";
    CHECK(refused_field(q) == "resources[0].bookings[0].end");
    q = valid();
    q["resources"][0]["time_off"][0]["end"] = "2026-03-02T11:00:00Z";
    CHECK(refused_field(q) == "resources[0].time_off[0].end");
}

TEST_CASE("duration and step must be positive") {
    json q = valid();
    q["service"]["duration"] = 0;
    CHECK(refused_field(q) == "service.duration");
    q["service"]["duration"] = -30;
    CHECK(refused_field(q) == "service.duration");
    q = valid();
    q["service"]["step"] = 0;
    CHECK(refused_field(q) == "service.step");
}

TEST_CASE("negative buffers or notice are refused") {
    for (const char* field : {"buffer_before", "buffer_after", "min_notice", "max_advance", "max_per_day"}) {
        CAPTURE(field);
        json q = valid();
        q["service"][field] = -1;
        CHECK(refused_field(q) == std::string("service.") + field);
    }
    json q = valid();
    q["resources"][0]["bookings"][0]["buffer_after"] = -5;
    CHECK(refused_field(q) == "resources[0].bookings[0].buffer_after");
}

TEST_CASE("capacity and seats below 1 are refused") {
    json q = valid();
    q["service"]["capacity"] = 0;
    CHECK(refused_field(q) == "service.capacity");
    q = valid();
    q["seats"] = 0;
    CHECK(refused_field(q) == "seats");
    q = valid();
    q["resources"][0]["bookings"][0]["seats"] = 0;
    CHECK(refused_field(q) == "resources[0].bookings[0].seats");
}

TEST_CASE("a query range longer than 366 days is refused, and exactly 366 days is accepted") {
    json q = valid();
    q["from"] = "2026-01-01T00:00:00Z";
    q["to"] = "2027-01-02T00:00:00Z";
    CHECK(refused_field(q).empty());
    q["to"] = "2027-01-02T00:00:01Z";
    CHECK(refused_field(q) == "to");
}

TEST_CASE("a query whose last slot would end after the year 9999 is refused naming to") {
    json q = valid();
    q["now"] = "9999-12-30T00:00:00Z";
    q["from"] = "9999-12-31T00:00:00Z";
    q["to"] = "9999-12-31T23:30:01Z";  // a 30-minute slot at 23:30:00 would end at 10000-01-01T00:00:00Z
    CHECK(refused_field(q) == "to");
    q["to"] = "9999-12-31T23:30:00Z";
    CHECK(refused_field(q).empty());
}

TEST_CASE("malformed ISO 8601 is refused") {
    json q = valid();
    q["now"] = "yesterday";
    CHECK(refused_field(q) == "now");
    q = valid();
    q["resources"][0]["bookings"][0]["start"] = "2026-03-02 09:00";
    CHECK(refused_field(q) == "resources[0].bookings[0].start");
}

TEST_CASE("unknown align, mode, status and weekday are refused") {
    json q = valid();
    q["service"]["align"] = "grid";
    CHECK(refused_field(q) == "service.align");
    q = valid();
    q["mode"] = "some";
    CHECK(refused_field(q) == "mode");
    q = valid();
    q["resources"][0]["bookings"][0]["status"] = "pending";
    CHECK(refused_field(q) == "resources[0].bookings[0].status");
    q = valid();
    q["resources"][0]["weekly"]["monday"] = json::array();
    CHECK(refused_field(q) == "resources[0].weekly.monday");
}

TEST_CASE("missing required fields are refused by name") {
    for (const char* field : {"now", "from", "to", "service", "resources"}) {
        CAPTURE(field);
        json q = valid();
        q.erase(field);
        CHECK(refused_field(q) == field);
    }
    json q = valid();
    q["service"].erase("duration");
    CHECK(refused_field(q) == "service.duration");
    for (const char* field : {"id", "timezone", "weekly"}) {
        CAPTURE(field);
        q = valid();
        q["resources"][0].erase(field);
        CHECK(refused_field(q) == std::string("resources[0].") + field);
    }
}

TEST_CASE("values of the wrong type are refused by name") {
    json q = valid();
    q["service"]["duration"] = "30";
    CHECK(refused_field(q) == "service.duration");
    q["service"]["duration"] = 30.5;
    CHECK(refused_field(q) == "service.duration");
    q = valid();
    q["resources"] = json::object();
    CHECK(refused_field(q) == "resources");
    q = valid();
    q["resources"][0]["weekly"]["mon"] = {"09:00", "10:00"};
    CHECK(refused_field(q) == "resources[0].weekly.mon[0]");
}

TEST_CASE("a held booking without its expiry, duplicate ids and no resources are refused") {
    json q = valid();
    q["resources"][0]["bookings"][0]["status"] = "held";
    CHECK(refused_field(q) == "resources[0].bookings[0].expires");
    q = valid();
    q["resources"].push_back(q["resources"][0]);
    CHECK(refused_field(q) == "resources[1].id");
    q = valid();
    q["resources"] = json::array();
    CHECK(refused_field(q) == "resources");
}

TEST_CASE("among many resources the first problem in query order is named, a repeated id included") {
    json q = valid();
    const json one = q["resources"][0];
    q["resources"] = json::array();
    for (const char* id : {"a", "b", "c", "b", "a"}) {
        json r = one;
        r["id"] = id;
        q["resources"].push_back(r);
    }
    CHECK(refused_field(q) == "resources[3].id");
    q["resources"][2]["bookings"][0]["seats"] = 0;  // an earlier problem wins
    CHECK(refused_field(q) == "resources[2].bookings[0].seats");
    q["resources"][2]["bookings"][0]["seats"] = 1;
    q["resources"][4]["id"] = "d";
    q["resources"][3]["id"] = "e";
    CHECK(refused_field(q) == "");
}

TEST_CASE("text that is not JSON is refused as the query") {
    try {
        (void)parse_query("{\"now\": ");
        FAIL("accepted");
    } catch (const error& e) {
        CHECK(e.field() == "query");
        CHECK(e.category() == error_category::invalid_argument);
    }
}

TEST_CASE("the C++ API validates the same rules without JSON") {
    slot_query q = query_from_json(valid());
    q.asked.duration = minutes{0};
    CHECK_THROWS_WITH_AS((void)find_slots(q), "service.duration: must be > 0 minutes (got 0)", error);
    q = query_from_json(valid());
    q.resources[0].bookings[0].seats = 0;
    CHECK_THROWS_AS((void)explain(q, q.from), error);
}
