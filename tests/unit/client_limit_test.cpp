// SPEC §11: limits per client, counted from the asking client's bookings.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::base_query;
using slotcraft::test::json;
using slotcraft::test::reasons_at;
using slotcraft::test::refused_field;
using slotcraft::test::starts_of;
using Starts = std::vector<std::string>;

namespace {

/// r1 works `hours` every day in `zone`; the hour-long service allows one
/// booking a client a day, and client c1 asks with `bookings`.
json limited_query(std::string_view zone, json hours, const json& bookings) {
    json q = base_query(zone);
    for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) q["resources"][0]["weekly"][day] = hours;
    q["service"]["duration"] = 60;
    q["client"] = {{"id", "c1"}, {"bookings", bookings}};
    return q;
}

json booking_at(std::string_view start, std::string_view end) {
    return json{{"start", start}, {"end", end}, {"service", "svc"}};
}

}  // namespace

TEST_CASE("a client with a booking that day, on any resource, is offered nothing more that day") {
    json q = limited_query("UTC", test::hours({{"09:00", "11:00"}}),
                           json::array({booking_at("2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z")}));
    q["service"]["max_per_client_per_day"] = 1;
    q["to"] = "2026-03-04T00:00:00Z";
    CHECK(starts_of(q) == Starts{"2026-03-03T09:00:00Z", "2026-03-03T10:00:00Z"});
    CHECK(reasons_at(q, "2026-03-02T09:00:00Z") == std::vector{reason_code::client_limit});
    const auto refusal = explain(query_from_json(q), test::at("2026-03-02T09:00:00Z")).front().reasons.front();
    CHECK(refusal.message == "the client already has 1 booking(s) of svc on 2026-03-02 (at most 1 a day)");
    CHECK(refusal.booking.empty());

    const Starts every{"2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", "2026-03-03T09:00:00Z", "2026-03-03T10:00:00Z"};
    json no_client = q;
    no_client.erase("client");
    CHECK(starts_of(no_client) == every);  // without the asking client the limits do not apply
    // Only active bookings of the asked service count.
    json other = q;
    other["client"]["bookings"][0]["service"] = "massage";
    CHECK(starts_of(other) == every);
    json cancelled = q;
    cancelled["client"]["bookings"][0]["status"] = "cancelled";
    CHECK(starts_of(cancelled) == every);
    json lapsed = q;
    lapsed["client"]["bookings"][0]["status"] = "held";
    lapsed["client"]["bookings"][0]["expires"] = "2025-12-31T00:00:00Z";  // before now
    CHECK(starts_of(lapsed) == every);
    json two = q;
    two["service"]["max_per_client_per_day"] = 2;
    CHECK(starts_of(two) == every);
}

TEST_CASE("a weekly limit counts the ISO week local to the resource, which here differs from UTC's") {
    // 2026-03-08T20:00Z is Sunday in UTC but Monday 05:00 in Tokyo: a different week in each.
    const json booked = json::array({booking_at("2026-03-08T20:00:00Z", "2026-03-08T21:00:00Z")});
    json tokyo = limited_query("Asia/Tokyo", test::hours({{"09:00", "10:00"}}), booked);
    tokyo["service"]["max_per_client_per_week"] = 1;
    tokyo["from"] = "2026-03-05T00:00:00Z";
    tokyo["to"] = "2026-03-12T00:00:00Z";
    // 09:00 in Tokyo is 00:00Z; the week from Monday 2026-03-09 (Tokyo) is taken.
    CHECK(starts_of(tokyo) ==
          Starts{"2026-03-05T00:00:00Z", "2026-03-06T00:00:00Z", "2026-03-07T00:00:00Z", "2026-03-08T00:00:00Z"});
    json utc = limited_query("UTC", test::hours({{"09:00", "10:00"}}), booked);
    utc["service"]["max_per_client_per_week"] = 1;
    utc["from"] = tokyo["from"];
    utc["to"] = tokyo["to"];
    CHECK(starts_of(utc) == Starts{"2026-03-09T09:00:00Z", "2026-03-10T09:00:00Z", "2026-03-11T09:00:00Z"});
    const auto refusal = explain(query_from_json(utc), test::at("2026-03-05T09:00:00Z")).front().reasons;
    REQUIRE(refusal.size() == 1);
    CHECK(refusal.front().message ==
          "the client already has 1 booking(s) of svc in the week from 2026-03-02 (at most 1 a week)");
}

TEST_CASE("a client holding a seat of a class may take one more, not two") {
    json q = limited_query("UTC", json::array(), json::array({booking_at("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z")}));
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "11:00"}});
    q["resources"][0]["bookings"] = q["client"]["bookings"];  // the seat is in this class
    q["service"]["capacity"] = 5;
    q["service"]["max_seats_per_client"] = 2;
    const auto slots = test::slots_of(q);
    REQUIRE(slots.size() == 2);
    CHECK(slots[0].seats_left == 4);
    q["seats"] = 2;
    CHECK(starts_of(q) == Starts{"2026-03-02T10:00:00Z"});  // a seat held at 09:00 does not count at 10:00
    CHECK(reasons_at(q, "2026-03-02T09:00:00Z") == std::vector{reason_code::client_limit});
    CHECK(explain(query_from_json(q), test::at("2026-03-02T09:00:00Z")).front().reasons.front().message ==
          "the client holds 1 seat(s) at this start and asks 2 more (at most 2 a client)");
    q["seats"] = 3;  // beyond the limit even with no seat held
    CHECK(starts_of(q).empty());
}

TEST_CASE("bad limits and a bad asking client are refused naming the field") {
    json q = limited_query("UTC", test::hours({{"09:00", "11:00"}}), json::array());
    CHECK(refused_field(q).empty());
    for (const char* limit : {"max_per_client_per_day", "max_per_client_per_week", "max_seats_per_client"}) {
        json bad = q;
        bad["service"][limit] = -1;
        CHECK(refused_field(bad) == std::string("service.") + limit);
        bad["service"][limit] = "1";
        CHECK(refused_field(bad) == std::string("service.") + limit);
    }
    json bad = q;
    bad["client"].erase("id");
    CHECK(refused_field(bad) == "client.id");
    bad["client"]["id"] = "";
    CHECK(refused_field(bad) == "client.id");
    bad = q;
    bad["client"] = json::array();
    CHECK(refused_field(bad) == "client");
    bad = q;
    bad["client"]["bookings"] = json::object();
    CHECK(refused_field(bad) == "client.bookings");
    bad = q;
    bad["client"]["bookings"] = json::array({booking_at("2026-03-02T10:00:00Z", "2026-03-02T09:00:00Z")});
    CHECK(refused_field(bad) == "client.bookings[0].end");
    bad["client"]["bookings"][0] = booking_at("2026-03-02T10:00:00Z", "soon");
    CHECK(refused_field(bad) == "client.bookings[0].end");

    // A query built in C++ is checked the same way.
    slot_query built = query_from_json(q);
    built.client->id.clear();
    CHECK_THROWS_AS((void)find_slots(built), error);
    built = query_from_json(q);
    built.asked.max_seats_per_client = -2;
    try {
        (void)find_slots(built);
        FAIL("no error");
    } catch (const error& e) {
        CHECK(e.field() == "service.max_seats_per_client");
    }
}
