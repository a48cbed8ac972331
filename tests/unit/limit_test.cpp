// `limit` (an extension of SPEC §8): the first slots of the full answer,
// found without computing the rest; and the compact slot table.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::json;

namespace {

/// Four people over three weeks, in zones around the world (`any`) or in
/// Europe (`all`, so that their hours overlap); two are away the first week
/// and two are booked part of every day, so the first slots come late and
/// from different people.
json mixed_team(const char* mode) {
    const bool together = std::string_view(mode) == "all";
    json q = test::base_query();
    q["mode"] = mode;
    q["from"] = "2026-03-02T00:00:00Z";
    q["to"] = "2026-03-23T00:00:00Z";
    q["now"] = "2026-03-01T00:00:00Z";
    q["service"] = {{"id", "call"}, {"duration", 45}, {"step", 15}, {"buffer_after", 5}};
    q["resources"] = json::array();
    const json day = test::hours({{"09:00", "12:00"}, {"13:00", "17:00"}});
    const json week = {{"mon", day}, {"tue", day}, {"wed", day}, {"thu", day}, {"fri", day}};
    const std::vector<std::pair<const char*, const char*>> people{
        {"ana", together ? "Europe/London" : "America/New_York"},
        {"raj", together ? "Europe/Lisbon" : "Asia/Kathmandu"},
        {"eva", "Europe/Berlin"},
        {"tom", together ? "Europe/Paris" : "Australia/Sydney"}};
    for (const auto& [id, zone_name] : people)
        q["resources"].push_back({{"id", id}, {"timezone", zone_name}, {"weekly", week}, {"bookings", json::array()}});
    // raj and tom are away for the first week; ana is booked most mornings.
    q["resources"][1]["time_off"] = {{{"start", "2026-03-01T00:00:00Z"}, {"end", "2026-03-09T00:00:00Z"}}};
    q["resources"][3]["time_off"] = {{{"start", "2026-03-01T00:00:00Z"}, {"end", "2026-03-09T06:00:00Z"}}};
    for (int d = 2; d <= 20; ++d) {
        const std::string date = fmt::format("2026-03-{:02}", d);
        q["resources"][0]["bookings"].push_back(
            {{"start", date + "T14:00:00Z"}, {"end", date + "T16:30:00Z"}, {"service", "call"}});
        q["resources"][2]["bookings"].push_back(
            {{"start", date + "T08:00:00Z"}, {"end", date + "T10:45:00Z"}, {"service", "call"}});
    }
    return q;
}

std::vector<slot> first(std::vector<slot> all, std::size_t n) {
    if (all.size() > n) all.resize(n);
    return all;
}

}  // namespace

TEST_CASE("limit gives the first slots of the full answer, in any and all mode") {
    for (const char* mode : {"any", "all"}) {
        json q = mixed_team(mode);
        const std::vector<slot> all = test::slots_of(q);
        REQUIRE(all.size() > 3);
        for (int limit : {1, 2, 3, 17, 100, 5000}) {
            CAPTURE(mode);
            CAPTURE(limit);
            q["limit"] = limit;
            CHECK(test::slots_of(q) == first(all, static_cast<std::size_t>(limit)));
        }
    }
}

TEST_CASE("limit finds the first slot when it lies weeks after from") {
    json q = mixed_team("any");
    for (json& r : q["resources"])
        r["time_off"] = {{{"start", "2026-03-01T00:00:00Z"}, {"end", "2026-03-18T12:00:00Z"}}};
    const std::vector<slot> all = test::slots_of(q);
    REQUIRE_FALSE(all.empty());
    CHECK(all.front().time.start >= test::at("2026-03-18T12:00:00Z"));
    q["limit"] = 1;
    CHECK(test::slots_of(q) == first(all, 1));
    q["mode"] = "all";
    const std::vector<slot> together = [&] { json full = q; full.erase("limit"); return test::slots_of(full); }();
    CHECK(test::slots_of(q) == first(together, 1));
}

TEST_CASE("limit 0 or no limit means every slot, and a negative limit is refused naming it") {
    json q = mixed_team("any");
    const std::vector<slot> all = test::slots_of(q);
    q["limit"] = 0;
    CHECK(test::slots_of(q) == all);
    q["limit"] = -1;
    CHECK(test::refused_field(q) == "limit");
    q["limit"] = "one";
    CHECK(test::refused_field(q) == "limit");
}

namespace {

/// A query over 2026 at a one-minute step, its resources still to be given.
json all_year_at_one_minute() {
    json q = test::base_query();
    q["now"] = "2026-01-01T00:00:00Z";
    q["from"] = "2026-01-01T00:00:00Z";
    q["to"] = "2027-01-01T00:00:00Z";
    q["service"] = {{"id", "s"}, {"duration", 1}, {"step", 1}};
    q["resources"] = json::array();
    return q;
}
/// `count` people (or rooms) named `prefix0`, `prefix1`, ... open all day every day in UTC.
json open_all_the_time(const char* prefix, int count) {
    const json day = test::hours({{"00:00", "24:00"}});
    const json week = {{"mon", day}, {"tue", day}, {"wed", day}, {"thu", day}, {"fri", day}, {"sat", day}, {"sun", day}};
    json out = json::array();
    for (int i = 0; i < count; ++i) out.push_back({{"id", fmt::format("{}{}", prefix, i)}, {"timezone", "UTC"}, {"weekly", week}});
    return out;
}

}  // namespace

TEST_CASE("an answer of more free starts than max_answer_starts is refused naming the query, and a limit answers it") {
    // Eleven people open all year at a one-minute step: 11 x 525,600 starts. It used
    // to be computed whole, until memory ran out (the OOM killer ends such a process).
    json q = all_year_at_one_minute();
    q["resources"] = open_all_the_time("r", 11);
    CHECK(test::refused_field(q) == "query");
    q["limit"] = 3;
    CHECK(test::slots_of(q).size() == 3);
    q["limit"] = 0;
    while (q["resources"].size() > 1) q["resources"].erase(1);  // one person: 525,600 slots, within the bound
    CHECK(test::slots_of(q).size() == 525'600);
}

TEST_CASE("the free members of a pool count towards max_answer_starts, and a limit still answers") {
    // One person open all year at a one-minute step with a pool of twenty rooms
    // open as long: 525,600 slots of twenty free rooms each. The rooms were not
    // counted, so such a query ran until memory ran out.
    json q = all_year_at_one_minute();
    q["resources"] = open_all_the_time("anna", 1);
    q["pools"] = json::array({{{"id", "rooms"}, {"resources", open_all_the_time("room", 20)}}});
    CHECK(test::refused_field(q) == "query");
    q["limit"] = 3;
    const std::vector<slot> first = test::slots_of(q);
    REQUIRE(first.size() == 3);
    CHECK(first[0].pools.at(0).members.size() == 20);
}

TEST_CASE("the slot table names each slot's resources by their position in the query") {
    const slot_query q = query_from_json(mixed_team("any"));
    const slot_table table = find_slot_table(q);
    const std::vector<slot> slots = find_slots(q);
    REQUIRE(table.size() == slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const auto& row = table.rows[i];
        CHECK(row.time == slots[i].time);
        CHECK(row.seats_left == slots[i].seats_left);
        resource_ids ids;
        for (std::uint32_t r : table.resources_of(row)) ids.push_back(q.resources[r].id);
        CHECK(ids == slots[i].resources);
    }
}

TEST_CASE("with a limit, a later week in which one person alone is free lists that person, not a partner of the week before") {
    // ana and bo share Monday 09:00-11:00 in the first week, so its slots list both;
    // ana is away from then on, so the second week's search has bo's list alone.
    json q = test::base_query();
    q["to"] = "2026-03-16T00:00:00Z";
    q["service"]["duration"] = 60;
    q["mode"] = "any";
    const json monday = {{"mon", test::hours({{"09:00", "11:00"}})}};
    q["resources"] = json::array({{{"id", "ana"}, {"timezone", "UTC"}, {"weekly", monday}},
                                  {{"id", "bo"}, {"timezone", "UTC"}, {"weekly", monday}}});
    q["resources"][0]["time_off"] = {{{"start", "2026-03-08T00:00:00Z"}, {"end", "2026-03-16T00:00:00Z"}}};
    const std::vector<slot> all = test::slots_of(q);
    REQUIRE(all.size() == 4);
    CHECK(all[1].resources == resource_ids{"ana", "bo"});
    CHECK(all[2].resources == resource_ids{"bo"});
    CHECK(all[3].resources == resource_ids{"bo"});
    q["limit"] = 4;  // searched a week at a time: the first week's rows name two people each
    CHECK(test::slots_of(q) == all);
    q["limit"] = 3;
    CHECK(test::slots_of(q) == first(all, 3));
}
