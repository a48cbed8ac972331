// SPEC §12: the order of a slot's free resources in `any` mode.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::json;
using slotcraft::test::refused_field;

namespace {

/// r1, r2 and r3 free on Monday 09:00-10:00 UTC for an hour-long service;
/// r1 has two bookings starting in the range, r2 one, r3 none (all in the
/// afternoon, out of the way of the slot).
json three_resources() {
    json q = test::base_query();
    q["service"]["duration"] = 60;
    q["resources"] = json::array();
    const auto booking_at = [](const char* start, const char* end) {
        return json{{"start", start}, {"end", end}, {"service", "other"}};
    };
    for (const auto& [id, count] : {std::pair{"r1", 2}, {"r2", 1}, {"r3", 0}}) {
        json r{{"id", id}, {"timezone", "UTC"}, {"weekly", {{"mon", test::hours({{"09:00", "10:00"}})}}},
               {"bookings", json::array()}};
        if (count >= 1) r["bookings"].push_back(booking_at("2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z"));
        if (count >= 2) r["bookings"].push_back(booking_at("2026-03-02T16:00:00Z", "2026-03-02T17:00:00Z"));
        q["resources"].push_back(r);
    }
    return q;
}

/// The resources of the one slot, preferred first.
std::vector<std::string> order_of(const json& query) {
    const auto slots = test::slots_of(query);
    REQUIRE(slots.size() == 1);
    return {slots[0].resources.begin(), slots[0].resources.end()};
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_CASE("least_booked, the default, orders by bookings in the range, then id") {
    json q = three_resources();
    CHECK(order_of(q) == Ids{"r3", "r2", "r1"});
    q["assign"] = {{"strategy", "least_booked"}};
    CHECK(order_of(q) == Ids{"r3", "r2", "r1"});
}

TEST_CASE("weighted orders by bookings per weight, exactly, and puts weight 0 last") {
    json q = three_resources();
    q["assign"] = {{"strategy", "weighted"}, {"weights", {{"r1", 4}}}};
    CHECK(order_of(q) == Ids{"r3", "r1", "r2"});  // 0/1, 2/4, 1/1
    q["assign"]["weights"]["r3"] = 0;
    CHECK(order_of(q) == Ids{"r1", "r2", "r3"});  // weight 0 after every positive weight
    q["assign"]["weights"] = {{"r1", 2}};
    CHECK(order_of(q) == Ids{"r3", "r1", "r2"});  // 2/2 ties 1/1: by id
    q["assign"]["weights"] = {{"r1", 0}, {"r2", 0}, {"r3", 0}};
    CHECK(order_of(q) == Ids{"r1", "r2", "r3"});  // all weight 0: by id
}

TEST_CASE("priority orders by priority, highest first, then bookings, then id") {
    json q = three_resources();
    q["assign"] = {{"strategy", "priority"}, {"priorities", {{"r1", 5}}}};
    CHECK(order_of(q) == Ids{"r1", "r3", "r2"});
    q["assign"]["priorities"] = {{"r1", 1}, {"r2", 1}};
    CHECK(order_of(q) == Ids{"r2", "r1", "r3"});
    // Weights do not matter to `priority`, nor priorities to `weighted`.
    q["assign"]["weights"] = {{"r3", 100}};
    CHECK(order_of(q) == Ids{"r2", "r1", "r3"});
}

TEST_CASE("the preferred resource's seats are the slot's seats, and all mode keeps the query's order") {
    json q = three_resources();
    q["service"]["capacity"] = 3;
    q["service"]["id"] = "class";
    q["resources"][0]["bookings"].push_back(
        json{{"start", "2026-03-02T09:00:00Z"}, {"end", "2026-03-02T10:00:00Z"}, {"service", "class"}});
    CHECK(test::slots_of(q)[0].seats_left == 3);  // r3 first
    q["assign"] = {{"strategy", "priority"}, {"priorities", {{"r1", 1}}}};
    CHECK(test::slots_of(q)[0].seats_left == 2);  // r1 first, one seat taken
    q["mode"] = "all";
    CHECK(order_of(q) == Ids{"r1", "r2", "r3"});
}

TEST_CASE("a bad strategy, weight or priority is refused naming assign's field") {
    json q = three_resources();
    q["assign"] = {{"strategy", "round_robin"}};
    CHECK(refused_field(q) == "assign.strategy");
    q["assign"] = {{"strategy", 1}};
    CHECK(refused_field(q) == "assign.strategy");
    q["assign"] = json::array();
    CHECK(refused_field(q) == "assign");
    q["assign"] = {{"weights", {{"r9", 1}}}};
    CHECK(refused_field(q) == "assign.weights");
    q["assign"] = {{"weights", {{"r1", -1}}}};
    CHECK(refused_field(q) == "assign.weights");
    q["assign"] = {{"weights", {{"r1", "2"}}}};
    CHECK(refused_field(q) == "assign.weights");
    q["assign"] = {{"weights", json::array({1})}};
    CHECK(refused_field(q) == "assign.weights");
    q["assign"] = {{"priorities", {{"r2", -3}}}};
    CHECK(refused_field(q) == "assign.priorities");
    q["assign"] = {{"priorities", {{"nobody", 1}}}};
    CHECK(refused_field(q) == "assign.priorities");
    q["assign"] = {{"strategy", "weighted"}, {"weights", {{"r1", 0}}}, {"priorities", {{"r3", 7}}}};
    CHECK(refused_field(q).empty());
}

TEST_CASE("a weight or priority that is not a whole number is refused naming its resource") {
    json q = three_resources();
    const auto message_for = [&](const json& assign) {
        q["assign"] = assign;
        try {
            (void)test::slots_of(q);
        } catch (const error& e) {
            return e.field() + ": " + e.message();
        }
        return std::string{};
    };
    const std::string weight = message_for({{"weights", {{"r1", 2}, {"r2", "lex 3"}}}});
    CHECK(weight.starts_with("assign.weights: \"r2\": "));
    const std::string priority = message_for({{"priorities", {{"r3", 1.5}}}});
    CHECK(priority.starts_with("assign.priorities: \"r3\": "));
    CHECK(priority.find("whole number") != std::string::npos);
}
