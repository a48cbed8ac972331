// SPEC §6: several resources in `any` (round robin) and `all` (collective) mode.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::json;
using slotcraft::test::slots_of;
using Ids = slotcraft::resource_ids;

namespace {
json team(const char* mode) {
    json q = test::base_query();
    q["mode"] = mode;
    q["resources"] = json::array();
    for (const char* id : {"carol", "bob", "alice"})
        q["resources"].push_back({{"id", id}, {"timezone", "UTC"}, {"weekly", {{"mon", test::hours({{"09:00", "10:00"}})}}}});
    return q;
}
json booked(const char* start, const char* end) { return {{"start", start}, {"end", end}, {"service", "x"}}; }
}  // namespace

TEST_CASE("any mode lists every free resource, the one with fewest bookings in range first, ties by id") {
    json q = team("any");
    q["resources"][2]["bookings"] = {booked("2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z")};  // alice: 1
    const auto slots = slots_of(q);
    REQUIRE(slots.size() == 2);
    CHECK(slots[0].resources == Ids{"bob", "carol", "alice"});
    CHECK(slots[1].resources == Ids{"bob", "carol", "alice"});
}

TEST_CASE("any mode offers a slot while at least one resource is free") {
    json q = team("any");
    q["resources"][1]["bookings"] = {booked("2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z")};  // bob busy at 09:00
    q["resources"][0]["bookings"] = {booked("2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z")};  // carol too
    const auto slots = slots_of(q);
    REQUIRE(slots.size() == 2);
    CHECK(slots[0].resources == Ids{"alice"});
    // At 09:30 everyone is free; alice has no bookings, bob and carol one each.
    CHECK(slots[1].resources == Ids{"alice", "bob", "carol"});
}

TEST_CASE("bookings outside the query range do not count against a resource's preference") {
    json q = team("any");
    q["resources"][1]["bookings"] = {booked("2026-03-05T09:00:00Z", "2026-03-05T09:30:00Z"),
                                     booked("2026-03-06T09:00:00Z", "2026-03-06T09:30:00Z")};
    CHECK(slots_of(q)[0].resources == Ids{"alice", "bob", "carol"});
}

TEST_CASE("all mode offers only starts where every resource is free, listed in query order") {
    json q = team("all");
    CHECK(slots_of(q).size() == 2);
    CHECK(slots_of(q)[0].resources == Ids{"carol", "bob", "alice"});
    q["resources"][1]["bookings"] = {booked("2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z")};
    const auto slots = slots_of(q);
    REQUIRE(slots.size() == 1);
    CHECK(format_instant(slots[0].time.start) == "2026-03-02T09:30:00Z");
}

TEST_CASE("each resource keeps its own grid and the same start appears once") {
    json q = team("any");
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:15", "10:15"}});  // carol
    const auto slots = slots_of(q);
    std::vector<std::string> starts;
    for (const slot& s : slots) starts.push_back(format_instant(s.time.start));
    CHECK(starts == std::vector<std::string>{"2026-03-02T09:00:00Z", "2026-03-02T09:15:00Z", "2026-03-02T09:30:00Z",
                                             "2026-03-02T09:45:00Z"});
    CHECK(slots[0].resources == Ids{"alice", "bob"});
    CHECK(slots[1].resources == Ids{"carol"});
    q["mode"] = "all";
    CHECK(slots_of(q).empty());
}

TEST_CASE("seats left is the preferred resource's in any mode and the minimum in all mode") {
    json q = team("any");
    q["service"] = {{"id", "class"}, {"duration", 60}, {"capacity", 10}};
    json sold = {{"start", "2026-03-02T09:00:00Z"}, {"end", "2026-03-02T10:00:00Z"}, {"service", "class"}, {"seats", 7}};
    q["resources"][2]["bookings"] = {sold};  // alice: 3 left, but one booking
    sold["seats"] = 4;
    q["resources"][1]["bookings"] = {sold};  // bob: 6 left, one booking
    auto slots = slots_of(q);
    REQUIRE(slots.size() == 1);
    CHECK(slots[0].resources == Ids{"carol", "alice", "bob"});
    CHECK(slots[0].seats_left == 10);
    q["mode"] = "all";
    slots = slots_of(q);
    REQUIRE(slots.size() == 1);
    CHECK(slots[0].seats_left == 3);
}

TEST_CASE("resources in different zones each follow their own local hours") {
    json q = team("any");
    q["resources"][0]["timezone"] = "Asia/Kathmandu";  // carol 09:00 local = 03:15Z
    q["resources"][1]["timezone"] = "America/New_York";  // bob 09:00 local = 14:00Z
    q["resources"].erase(2);
    const auto slots = slots_of(q);
    std::vector<std::string> starts;
    for (const slot& s : slots) starts.push_back(format_instant(s.time.start));
    CHECK(starts == std::vector<std::string>{"2026-03-02T03:15:00Z", "2026-03-02T03:45:00Z", "2026-03-02T14:00:00Z",
                                             "2026-03-02T14:30:00Z"});
}
