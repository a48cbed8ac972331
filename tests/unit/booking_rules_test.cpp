// SPEC §4 (bookings, buffers, capacity, holds) and §5 (notice, advance, per-day limit).
#include "support.hpp"

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::base_query;
using slotcraft::test::json;
using slotcraft::test::starts_of;
using Starts = std::vector<std::string>;

namespace {
json booked(const char* start, const char* end, const char* service = "svc") {
    return {{"start", start}, {"end", end}, {"service", service}};
}
}  // namespace

TEST_CASE("a booking blocks its own time but a slot may touch it") {
    json q = base_query();
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "11:00"}});
    q["resources"][0]["bookings"] = {booked("2026-03-02T09:30:00Z", "2026-03-02T10:00:00Z")};
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z"});
}

TEST_CASE("consecutive appointments are separated by prev.buffer_after + next.buffer_before") {
    json q = base_query();
    q["service"] = {{"id", "svc"}, {"duration", 30}, {"step", 5}, {"buffer_before", 10}};
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "11:00"}});
    json b = booked("2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
    b["buffer_after"] = 15;  // padded [09:00, 09:45)
    q["resources"][0]["bookings"] = {b};
    CHECK(starts_of(q) == Starts{"2026-03-02T09:55:00Z", "2026-03-02T10:00:00Z", "2026-03-02T10:05:00Z",
                                 "2026-03-02T10:10:00Z", "2026-03-02T10:15:00Z", "2026-03-02T10:20:00Z",
                                 "2026-03-02T10:25:00Z", "2026-03-02T10:30:00Z"});
}

TEST_CASE("a booking's own buffer before pushes earlier slots away") {
    json q = base_query();
    q["service"] = {{"id", "svc"}, {"duration", 30}, {"step", 15}, {"buffer_after", 5}};
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "11:00"}});
    json b = booked("2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z");
    b["buffer_before"] = 10;  // padded [09:50, 10:30)
    q["resources"][0]["bookings"] = {b};
    // 09:15 pads to 09:50 (touching), 09:30 pads to 10:05 (overlap).
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z", "2026-03-02T09:15:00Z", "2026-03-02T10:30:00Z"});
}

TEST_CASE("buffers may reach outside open time, and only the core must fit") {
    json q = base_query();
    q["service"] = {{"duration", 60}, {"buffer_before", 15}, {"buffer_after", 15}};
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "10:00"}});
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z"});
}

TEST_CASE("cancelled bookings block nothing") {
    json q = base_query();
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "10:00"}});
    json b = booked("2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
    b["status"] = "cancelled";
    q["resources"][0]["bookings"] = {b};
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z"});
}

TEST_CASE("a hold blocks until it expires, and at its expiry it blocks nothing") {
    json q = base_query();
    q["now"] = "2026-03-01T10:00:00Z";
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "10:00"}});
    json hold = booked("2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
    hold["status"] = "held";
    hold["expires"] = "2026-03-01T10:00:01Z";
    q["resources"][0]["bookings"] = {hold};
    CHECK(starts_of(q) == Starts{"2026-03-02T09:30:00Z"});
    q["resources"][0]["bookings"][0]["expires"] = "2026-03-01T10:00:00Z";
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z"});
}

TEST_CASE("a partially sold group slot reports the seats left and refuses more seats than remain") {
    json q = base_query();
    q["service"] = {{"id", "yoga"}, {"duration", 60}, {"capacity", 8}};
    q["resources"][0]["weekly"]["mon"] = test::hours({{"18:00", "20:00"}});
    json full_a = booked("2026-03-02T18:00:00Z", "2026-03-02T19:00:00Z", "yoga");
    full_a["seats"] = 5;
    json full_b = full_a;
    full_b["seats"] = 3;
    json partial = booked("2026-03-02T19:00:00Z", "2026-03-02T20:00:00Z", "yoga");
    partial["seats"] = 6;
    q["resources"][0]["bookings"] = {full_a, full_b, partial};

    auto slots = test::slots_of(q);
    REQUIRE(slots.size() == 1);
    CHECK(format_instant(slots[0].time.start) == "2026-03-02T19:00:00Z");
    CHECK(slots[0].seats_left == 2);

    q["seats"] = 2;
    CHECK(test::slots_of(q).size() == 1);
    q["seats"] = 3;
    CHECK(test::slots_of(q).empty());
}

TEST_CASE("a one-seat service never sells two seats") {
    json q = base_query();
    q["seats"] = 2;
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "10:00"}});
    CHECK(starts_of(q).empty());
    q["seats"] = 1;
    const auto slots = test::slots_of(q);
    REQUIRE(slots.size() == 2);
    CHECK(slots[0].seats_left == 1);
}

TEST_CASE("a group booking blocks the group slots it does not start with, and other services block it") {
    json q = base_query();
    q["service"] = {{"id", "yoga"}, {"duration", 60}, {"step", 30}, {"capacity", 8}};
    q["resources"][0]["weekly"]["mon"] = test::hours({{"18:00", "20:00"}});
    q["resources"][0]["bookings"] = {booked("2026-03-02T18:30:00Z", "2026-03-02T19:30:00Z", "yoga")};
    CHECK(starts_of(q) == Starts{"2026-03-02T18:30:00Z"});
    q["resources"][0]["bookings"][0]["service"] = "pilates";
    CHECK(starts_of(q).empty());
}

TEST_CASE("minimum notice keeps only starts at or after now + min_notice") {
    json q = base_query();
    q["now"] = "2026-03-02T08:00:00Z";
    q["service"] = {{"duration", 30}, {"min_notice", 90}};
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "11:00"}});
    CHECK(starts_of(q) == Starts{"2026-03-02T09:30:00Z", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z"});
}

TEST_CASE("maximum advance keeps only starts before now + max_advance") {
    json q = base_query();
    q["now"] = "2026-03-02T08:00:00Z";
    q["service"] = {{"duration", 30}, {"max_advance", 120}};
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "11:00"}});
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z"});
    q["service"]["max_advance"] = 0;
    CHECK(starts_of(q).size() == 4);
}

TEST_CASE("the daily limit counts bookings of the service by the resource's local date") {
    json q = base_query("Europe/Berlin");
    q["to"] = "2026-03-04T00:00:00Z";
    q["service"] = {{"id", "svc"}, {"duration", 60}, {"max_per_day", 1}};
    q["resources"][0]["weekly"] = {{"mon", test::hours({{"09:00", "10:00"}})}, {"tue", test::hours({{"09:00", "10:00"}})}};
    // 23:30Z on Monday is 00:30 on Tuesday in Berlin.
    q["resources"][0]["bookings"] = {booked("2026-03-02T23:30:00Z", "2026-03-03T00:00:00Z")};
    CHECK(starts_of(q) == Starts{"2026-03-02T08:00:00Z"});
    q["resources"][0]["bookings"][0]["service"] = "other";
    CHECK(starts_of(q) == Starts{"2026-03-02T08:00:00Z", "2026-03-03T08:00:00Z"});
}
