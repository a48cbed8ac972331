// SPEC §10: a person and a room together: every pool needs a free member at a start.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::base_query;
using slotcraft::test::json;
using slotcraft::test::reasons_at;
using slotcraft::test::refused_field;
using slotcraft::test::slots_of;
using slotcraft::test::starts_of;
using Starts = std::vector<std::string>;

namespace {

/// A resource open on Mondays `from`-`to` in `zone`.
json monday_resource(std::string_view id, std::string_view zone, const char* from, const char* to) {
    return json{{"id", id}, {"timezone", zone}, {"weekly", {{"mon", test::hours({{from, to}})}}}};
}

json booking_at(std::string_view start, std::string_view end, std::string_view service = "svc") {
    return json{{"start", start}, {"end", end}, {"service", service}};
}

/// Anna works 09:00-12:00 Berlin time on Mondays; the service takes an hour.
json anna_query() {
    json q = base_query("Europe/Berlin");
    q["resources"][0] = monday_resource("anna", "Europe/Berlin", "09:00", "12:00");
    q["service"]["duration"] = 60;
    return q;
}

/// The free members of each slot's pools, as JSON (`{"room": ["room-a"]}` per slot).
std::vector<json> pools_of(const json& q) {
    std::vector<json> out;
    const auto answer = slots_to_json(find_slots(query_from_json(q)));
    for (const auto& s : answer["slots"]) out.push_back(json::parse(s["pools"].dump()));
    return out;
}

}  // namespace

TEST_CASE("a start needs a free member of every pool, and the slot lists the free ones") {
    // Anna's starts are 08:00, 09:00 and 10:00 UTC (CET). Room A is open 08:00-10:00 UTC,
    // room B 09:00-11:00 UTC with a booking 09:00-09:30 UTC of another service.
    json q = anna_query();
    json room_b = monday_resource("room-b", "UTC", "09:00", "11:00");
    room_b["bookings"] = json::array({booking_at("2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z", "other")});
    q["pools"] = json::array({{{"id", "room"}, {"resources", {monday_resource("room-a", "UTC", "08:00", "10:00"), room_b}}}});
    CHECK(starts_of(q) == Starts{"2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"});
    CHECK(pools_of(q) == std::vector<json>{{{"room", {"room-a"}}}, {{"room", {"room-a"}}}, {{"room", {"room-b"}}}});
    // A second pool whose only chair is free at 09:00 UTC alone leaves that start.
    q["pools"].push_back({{"id", "chair"}, {"resources", {monday_resource("chair-1", "UTC", "09:00", "10:00")}}});
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z"});
    CHECK(pools_of(q) == std::vector<json>{{{"room", {"room-a"}}, {"chair", {"chair-1"}}}});
    // Without pools the answer has no `pools` at all (SPEC §8 as before).
    q.erase("pools");
    CHECK_FALSE(slots_to_json(find_slots(query_from_json(q)))["slots"][0].contains("pools"));
}

TEST_CASE("the free members of a pool are listed fewest bookings in the query range first, ties by id") {
    json q = anna_query();
    json room_a = monday_resource("room-a", "UTC", "00:00", "24:00");
    json room_b = room_a;
    room_b["id"] = "room-b";
    // Room A has two bookings starting in the range (after Anna's hours), room B one, and one
    // the Sunday before, which does not count.
    room_a["bookings"] = json::array({booking_at("2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z"),
                                      booking_at("2026-03-02T16:00:00Z", "2026-03-02T17:00:00Z")});
    room_b["bookings"] = json::array({booking_at("2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z"),
                                      booking_at("2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z")});
    q["pools"] = json::array({{{"id", "room"}, {"resources", {room_a, room_b}}}});
    CHECK(pools_of(q) == std::vector<json>(3, {{"room", {"room-b", "room-a"}}}));
    room_b["bookings"].push_back(booking_at("2026-03-02T18:00:00Z", "2026-03-02T19:00:00Z"));
    q["pools"][0]["resources"][1] = room_b;
    CHECK(pools_of(q) == std::vector<json>(3, {{"room", {"room-a", "room-b"}}}));  // 2 and 2: by id
}

TEST_CASE("a pool member in another zone is free by its own hours, across the person's DST change") {
    // The room in Tokyo (no DST) is open 16:00-18:00 on Mondays: 07:00-09:00 UTC.
    // Before Berlin's change (March 29) Anna's starts are 08:00-10:00 UTC, after it 07:00-09:00 UTC.
    json q = anna_query();
    q["pools"] = json::array({{{"id", "room"}, {"resources", {monday_resource("tokyo", "Asia/Tokyo", "16:00", "18:00")}}}});
    q["from"] = "2026-03-23T00:00:00Z";
    q["to"] = "2026-03-24T00:00:00Z";
    CHECK(starts_of(q) == Starts{"2026-03-23T08:00:00Z"});
    q["from"] = "2026-03-30T00:00:00Z";
    q["to"] = "2026-03-31T00:00:00Z";
    CHECK(starts_of(q) == Starts{"2026-03-30T07:00:00Z", "2026-03-30T08:00:00Z"});
}

TEST_CASE("a room shared by two masters: a lesson in it takes the room from the other master") {
    json q = anna_query();
    q["resources"].push_back(monday_resource("boris", "Europe/Berlin", "09:00", "12:00"));
    json studio = monday_resource("studio", "UTC", "00:00", "24:00");
    studio["bookings"] = json::array({booking_at("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z")});  // Anna's lesson
    q["pools"] = json::array({{{"id", "room"}, {"resources", {studio}}}});
    CHECK(starts_of(q) == Starts{"2026-03-02T08:00:00Z", "2026-03-02T10:00:00Z"});  // Boris is free at 09:00, the room is not
    CHECK(slots_of(q).front().resources == resource_ids{"anna", "boris"});
    CHECK(reasons_at(q, "2026-03-02T09:00:00Z") == std::vector{reason_code::pool_busy});
    const auto refusals = explain(query_from_json(q), test::at("2026-03-02T09:00:00Z"));
    CHECK(refusals[1].reasons.front().message ==
          "no member of pool \"room\" is free for Mon 2026-03-02 10:00 - 11:00 Europe/Berlin (studio)");
    CHECK(reasons_at(q, "2026-03-02T10:00:00Z").empty());

    // A group class: its own booking at the start is the class already in the room, not an obstacle;
    // the same class half an hour later is.
    q["service"]["capacity"] = 3;
    CHECK(starts_of(q) == Starts{"2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"});
    q["pools"][0]["resources"][0]["bookings"][0] = booking_at("2026-03-02T09:30:00Z", "2026-03-02T10:30:00Z");
    CHECK(starts_of(q) == Starts{"2026-03-02T08:00:00Z"});
    // Buffers pad the room's check as they pad the person's.
    q["pools"][0]["resources"][0]["bookings"][0] = booking_at("2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z", "other");
    q["service"]["buffer_after"] = 15;
    CHECK(starts_of(q) == Starts{"2026-03-02T08:00:00Z"});
}

TEST_CASE("the main resource's grid, notice and daily limit decide a start, and a room's bookings of the service do not count") {
    json q = anna_query();
    q["service"]["max_per_day"] = 1;
    // The room opens at 08:10 UTC (its own grid would be 08:10, 09:10) and has three of the service's
    // bookings that Monday, early in the morning.
    json room = monday_resource("room", "UTC", "08:10", "12:00");
    room["bookings"] = json::array({booking_at("2026-03-02T00:00:00Z", "2026-03-02T01:00:00Z"),
                                    booking_at("2026-03-02T01:00:00Z", "2026-03-02T02:00:00Z"),
                                    booking_at("2026-03-02T02:00:00Z", "2026-03-02T03:00:00Z")});
    q["pools"] = json::array({{{"id", "room"}, {"resources", {room}}}});
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"});
    CHECK(reasons_at(q, "2026-03-02T08:00:00Z") == std::vector{reason_code::pool_busy});
}

TEST_CASE("in all mode one member of each pool serves the whole collective") {
    json q = anna_query();
    q["mode"] = "all";
    q["resources"].push_back(monday_resource("boris", "Europe/Berlin", "10:00", "12:00"));
    q["pools"] = json::array({{{"id", "room"},
                               {"resources", {monday_resource("big", "UTC", "09:00", "10:00"),
                                              monday_resource("small", "UTC", "08:00", "11:00")}}}});
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"});
    CHECK(slots_of(q).front().resources == resource_ids{"anna", "boris"});
    CHECK(pools_of(q) == std::vector<json>{{{"room", {"big", "small"}}}, {{"room", {"small"}}}});
}

TEST_CASE("with a limit, the first slots are those every pool allows") {
    json q = anna_query();
    json room = monday_resource("room", "UTC", "00:00", "24:00");
    room["bookings"] = json::array({booking_at("2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z")});
    q["pools"] = json::array({{{"id", "room"}, {"resources", {room}}}});
    q["limit"] = 1;
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z"});
    q["to"] = "2026-04-30T00:00:00Z";  // the growing spans of a limited search, across weeks
    q["pools"][0]["resources"][0]["weekly"] = {{"mon", test::hours({{"09:00", "10:00"}})}};
    q["pools"][0]["resources"][0]["overrides"] = {{"2026-03-02", json::array()}, {"2026-03-09", json::array()}};
    q["limit"] = 2;
    CHECK(starts_of(q) == Starts{"2026-03-16T09:00:00Z", "2026-03-23T09:00:00Z"});
}

TEST_CASE("a pool without members allows no start") {
    json q = anna_query();
    q["pools"] = json::array({{{"id", "room"}, {"resources", json::array()}}});
    CHECK(starts_of(q).empty());
}

TEST_CASE("bad pools are refused naming the field") {
    const json room = monday_resource("room", "UTC", "00:00", "24:00");
    json q = anna_query();
    q["pools"] = json::object();
    CHECK(refused_field(q) == "pools");
    q["pools"] = json::array({{{"id", ""}, {"resources", {room}}}});
    CHECK(refused_field(q) == "pools[0].id");
    q["pools"] = json::array({{{"resources", {room}}}});
    CHECK(refused_field(q) == "pools[0].id");
    q["pools"] = json::array({{{"id", "room"}}});
    CHECK(refused_field(q) == "pools[0].resources");
    q["pools"] = json::array({{{"id", "room"}, {"resources", {room}}}, {{"id", "room"}, {"resources", {room}}}});
    CHECK(refused_field(q) == "pools[1].id");
    q["pools"] = json::array({{{"id", "room"}, {"resources", {room, room}}}});
    CHECK(refused_field(q) == "pools[0].resources[1].id");
    json bad = room;
    bad["timezone"] = "Mars/Olympus";
    q["pools"] = json::array({{{"id", "room"}, {"resources", {room, bad}}}});
    CHECK(refused_field(q) == "pools[0].resources[1].timezone");
    bad = room;
    bad["time_off"] = json::array({{{"start", "2026-03-02T10:00:00Z"}, {"end", "2026-03-02T10:00:00Z"}}});
    q["pools"] = json::array({{{"id", "room"}, {"resources", {bad}}}});
    CHECK(refused_field(q) == "pools[0].resources[0].time_off[0].end");
    bad = room;
    bad["bookings"] = json::array({booking_at("2026-03-02T10:00:00Z", "2026-03-02T09:00:00Z")});
    q["pools"] = json::array({{{"id", "room"}, {"resources", {bad}}}});
    CHECK(refused_field(q) == "pools[0].resources[0].bookings[0].end");
}

TEST_CASE("the pool_busy reason names the first five members and counts the rest") {
    json q = anna_query();
    json rooms = json::array();
    for (int i = 1; i <= 7; ++i) rooms.push_back(monday_resource("room" + std::to_string(i), "UTC", "00:00", "01:00"));
    q["pools"] = json::array({{{"id", "room"}, {"resources", rooms}}});
    const auto refusals = explain(query_from_json(q), test::at("2026-03-02T08:00:00Z"));
    CHECK(refusals.front().reasons.front().message ==
          "no member of pool \"room\" is free for Mon 2026-03-02 09:00 - 10:00 Europe/Berlin "
          "(room1, room2, room3, room4, room5 and 2 more)");
}
