// SPEC §3: candidate starts for the window, clock and free alignments.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::base_query;
using slotcraft::test::json;
using slotcraft::test::starts_of;
using Starts = std::vector<std::string>;

TEST_CASE("a 30-minute slot may not start in the last 20 minutes of a window") {
    json q = base_query();
    q["service"] = {{"duration", 30}, {"step", 10}};
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "10:00"}});
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z", "2026-03-02T09:10:00Z", "2026-03-02T09:20:00Z",
                                 "2026-03-02T09:30:00Z"});
}

TEST_CASE("the step defaults to the duration") {
    json q = base_query();
    q["service"] = {{"duration", 40}};
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "11:00"}});
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z", "2026-03-02T09:40:00Z", "2026-03-02T10:20:00Z"});
}

TEST_CASE("the window grid restarts at every window and does not depend on the query start") {
    json q = base_query();
    q["from"] = "2026-03-02T09:10:00Z";
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "10:00"}});
    q["resources"][0]["breaks"] = json::array();
    q["resources"][0]["overrides"] = {{"2026-03-02", test::hours({{"09:00", "10:00"}, {"10:20", "11:00"}})}};
    CHECK(starts_of(q) == Starts{"2026-03-02T09:30:00Z", "2026-03-02T10:20:00Z"});
}

TEST_CASE("the query range keeps starts with from <= s < to") {
    json q = base_query();
    q["from"] = "2026-03-02T09:30:00Z";
    q["to"] = "2026-03-02T10:30:00Z";
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "12:00"}});
    CHECK(starts_of(q) == Starts{"2026-03-02T09:30:00Z", "2026-03-02T10:00:00Z"});
}

TEST_CASE("clock alignment uses local wall times that are whole multiples of the step") {
    json q = base_query("Asia/Kathmandu");  // UTC+05:45
    q["service"] = {{"duration", 30}, {"align", "clock"}};
    q["from"] = "2026-03-01T00:00:00Z";
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:10", "11:00"}});
    CHECK(starts_of(q) == Starts{"2026-03-02T03:45:00Z", "2026-03-02T04:15:00Z", "2026-03-02T04:45:00Z"});
    q["service"]["align"] = "window";
    CHECK(starts_of(q) == Starts{"2026-03-02T03:25:00Z", "2026-03-02T03:55:00Z", "2026-03-02T04:25:00Z"});
}

TEST_CASE("clock alignment skips wall times that do not exist on the spring-forward day") {
    json q = base_query("America/New_York");
    q["from"] = "2026-03-08T00:00:00Z";
    q["to"] = "2026-03-09T00:00:00Z";
    q["service"] = {{"duration", 30}, {"step", 45}, {"align", "clock"}};
    q["resources"][0]["weekly"]["sun"] = test::hours({{"00:00", "06:00"}});
    // Wall 00:00 00:45 01:30 (02:15 does not exist) 03:00 03:45 04:30 05:15.
    CHECK(starts_of(q) == Starts{"2026-03-08T05:00:00Z", "2026-03-08T05:45:00Z", "2026-03-08T06:30:00Z",
                                 "2026-03-08T07:00:00Z", "2026-03-08T07:45:00Z", "2026-03-08T08:30:00Z",
                                 "2026-03-08T09:15:00Z"});
    q["service"]["align"] = "window";
    CHECK(starts_of(q) == Starts{"2026-03-08T05:00:00Z", "2026-03-08T05:45:00Z", "2026-03-08T06:30:00Z",
                                 "2026-03-08T07:15:00Z", "2026-03-08T08:00:00Z", "2026-03-08T08:45:00Z",
                                 "2026-03-08T09:30:00Z"});
}

TEST_CASE("clock alignment offers both instants of the repeated fall-back hour") {
    json q = base_query("America/New_York");
    q["from"] = "2026-11-01T00:00:00Z";
    q["to"] = "2026-11-02T00:00:00Z";
    q["service"] = {{"duration", 60}, {"align", "clock"}};
    q["resources"][0]["weekly"]["sun"] = test::hours({{"00:00", "04:00"}});  // 04:00Z .. 09:00Z
    CHECK(starts_of(q) == Starts{"2026-11-01T04:00:00Z", "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z",
                                 "2026-11-01T07:00:00Z", "2026-11-01T08:00:00Z"});
}

TEST_CASE("a clock step counts from each local midnight") {
    json q = base_query();
    q["to"] = "2026-03-04T00:00:00Z";
    q["service"] = {{"duration", 25}, {"align", "clock"}};
    q["resources"][0]["weekly"] = {{"mon", test::hours({{"23:00", "24:00"}})}, {"tue", test::hours({{"00:00", "01:00"}})}};
    // 23:20 and 23:45 are multiples of 25 minutes; the next day starts again at 00:00.
    CHECK(starts_of(q) == Starts{"2026-03-02T23:20:00Z", "2026-03-02T23:45:00Z", "2026-03-03T00:00:00Z",
                                 "2026-03-03T00:25:00Z"});
}

TEST_CASE("free alignment starts the moment the previous booking and both buffers allow") {
    json q = base_query();
    q["service"] = {{"id", "svc"}, {"duration", 30}, {"align", "free"}, {"buffer_before", 5}, {"buffer_after", 10}};
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "12:00"}});
    q["resources"][0]["bookings"] = {{{"start", "2026-03-02T09:00:00Z"}, {"end", "2026-03-02T09:30:00Z"},
                                      {"service", "other"}, {"buffer_after", 10}}};
    // Padded booking [09:00, 09:40) widened by the service's buffers: [08:50, 09:45).
    CHECK(starts_of(q) == Starts{"2026-03-02T09:45:00Z", "2026-03-02T10:15:00Z", "2026-03-02T10:45:00Z",
                                 "2026-03-02T11:15:00Z"});
    q["service"]["align"] = "window";
    CHECK(starts_of(q) == Starts{"2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z", "2026-03-02T11:00:00Z",
                                 "2026-03-02T11:30:00Z"});
}

TEST_CASE("free alignment keeps same-service group bookings as seats, not obstacles") {
    json q = base_query();
    q["service"] = {{"id", "yoga"}, {"duration", 60}, {"align", "free"}, {"capacity", 10}};
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "12:00"}});
    q["resources"][0]["bookings"] = {{{"start", "2026-03-02T09:00:00Z"}, {"end", "2026-03-02T10:00:00Z"},
                                      {"service", "yoga"}, {"seats", 4}}};
    const auto slots = test::slots_of(q);
    REQUIRE(slots.size() == 3);
    CHECK(format_instant(slots[0].time.start) == "2026-03-02T09:00:00Z");
    CHECK(slots[0].seats_left == 6);
    CHECK(slots[1].seats_left == 10);
    q["resources"][0]["bookings"][0]["service"] = "massage";
    CHECK(starts_of(q) == Starts{"2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z"});
}

TEST_CASE("windows of neighbouring dates that overlap each keep their grid") {
    json q = base_query();
    q["to"] = "2026-03-04T00:00:00Z";
    q["service"] = {{"duration", 60}};
    // Monday's overnight range runs to 02:00 Tuesday; Tuesday opens at 00:30.
    q["resources"][0]["weekly"] = {{"mon", test::hours({{"23:00", "02:00"}})}, {"tue", test::hours({{"00:30", "02:30"}})}};
    CHECK(starts_of(q) == Starts{"2026-03-02T23:00:00Z", "2026-03-03T00:00:00Z", "2026-03-03T00:30:00Z",
                                 "2026-03-03T01:00:00Z", "2026-03-03T01:30:00Z"});
}

TEST_CASE("a slot built from its members with braces equals the one find_slots lists, and an empty slot has none") {
    json q = base_query();
    q["service"] = {{"duration", 30}};
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "09:30"}});
    const std::vector<slot> listed = test::slots_of(q);
    REQUIRE(listed.size() == 1);
    const std::string& id = q["resources"][0]["id"].get_ref<const std::string&>();
    CHECK(listed[0] == slot{{test::at("2026-03-02T09:00:00Z"), test::at("2026-03-02T09:30:00Z")}, {id}, 1});
    CHECK_FALSE(listed[0] == slot{{test::at("2026-03-02T09:00:00Z"), test::at("2026-03-02T09:30:00Z")}, {id}, 2});
    const slot empty;
    CHECK(empty.time == interval{});
    CHECK(empty.resources.empty());
    CHECK(empty.seats_left == 0);
    CHECK(empty.pools.empty());
}
