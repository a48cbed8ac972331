// SPEC §9: weeks that repeat in a cycle, counted from the anchor's week.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::base_query;
using slotcraft::test::json;
using slotcraft::test::on;
using slotcraft::test::refused_field;
using slotcraft::test::starts_of;
using Starts = std::vector<std::string>;

namespace {

/// A query over the whole local day `day` (UTC unless `zone` says otherwise)
/// for a resource that works Mondays 09:00-10:00 in week A and 14:00-15:00 in
/// week B, anchored on `anchor`.
json two_week_query(std::string_view anchor, std::string_view from, std::string_view to,
                    std::string_view zone = "UTC") {
    json q = base_query(zone);
    q["from"] = from;
    q["to"] = to;
    q["resources"][0].erase("weekly");
    q["resources"][0]["rotation"] = {
        {"anchor", anchor},
        {"weeks", json::array({json{{"mon", test::hours({{"09:00", "10:00"}})}},
                               json{{"mon", test::hours({{"14:00", "15:00"}})}}})}};
    return q;
}

}  // namespace

TEST_CASE("a two-week rotation gives the anchor's week the first pattern and the next week the second") {
    // The anchor is a Wednesday: its week starts on Monday 2026-03-02.
    CHECK(starts_of(two_week_query("2026-03-04", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z")) ==
          Starts{"2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z"});
    CHECK(starts_of(two_week_query("2026-03-04", "2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z")) ==
          Starts{"2026-03-09T14:00:00Z", "2026-03-09T14:30:00Z"});
    CHECK(starts_of(two_week_query("2026-03-04", "2026-03-16T00:00:00Z", "2026-03-17T00:00:00Z")) ==
          Starts{"2026-03-16T09:00:00Z", "2026-03-16T09:30:00Z"});
}

TEST_CASE("dates before the anchor continue the cycle backwards, never with a negative week") {
    // One week before the anchor's week is week -1: -1 mod 2 = 1, the second pattern.
    CHECK(starts_of(two_week_query("2026-03-04", "2026-02-23T00:00:00Z", "2026-02-24T00:00:00Z")) ==
          Starts{"2026-02-23T14:00:00Z", "2026-02-23T14:30:00Z"});
    CHECK(starts_of(two_week_query("2026-03-04", "2026-02-16T00:00:00Z", "2026-02-17T00:00:00Z")) ==
          Starts{"2026-02-16T09:00:00Z", "2026-02-16T09:30:00Z"});
    // Three patterns, 4 weeks back: -4 mod 3 = 2.
    weekly_rotation three{.anchor = on(2026, 3, 2), .weeks = std::vector<weekly_hours>(3)};
    CHECK(&three.week_of(on(2026, 2, 2)) == &three.weeks[2]);
    CHECK(&three.week_of(on(2026, 2, 8)) == &three.weeks[2]);  // the Sunday of that week
    CHECK(&three.week_of(on(2026, 2, 9)) == &three.weeks[0]);
    // No weeks, which a query refuses, is still no hours, not a division by zero, for a schedule used directly.
    const schedule none{.rotation = weekly_rotation{.anchor = on(2026, 3, 2)}};
    CHECK(none.hours_on(on(2026, 3, 2)).empty());
}

TEST_CASE("a rotation anchored before a DST change counts weeks by local date, and its hours keep their wall time") {
    // Berlin moves to summer time on Sunday 2026-03-29. Week A is the anchor's (2026-03-23).
    const json q = two_week_query("2026-03-23", "2026-03-30T00:00:00Z", "2026-04-07T00:00:00Z", "Europe/Berlin");
    // 2026-03-30 is in week B: 14:00 CEST = 12:00Z; 2026-04-06 in week A: 09:00 CEST = 07:00Z.
    CHECK(starts_of(q) ==
          Starts{"2026-03-30T12:00:00Z", "2026-03-30T12:30:00Z", "2026-04-06T07:00:00Z", "2026-04-06T07:30:00Z"});
    // Before the change, week A's Monday 09:00 CET is 08:00Z.
    CHECK(starts_of(two_week_query("2026-03-23", "2026-03-23T00:00:00Z", "2026-03-24T00:00:00Z", "Europe/Berlin")) ==
          Starts{"2026-03-23T08:00:00Z", "2026-03-23T08:30:00Z"});
}

TEST_CASE("an override still replaces a rotating week's hours for its date") {
    json q = two_week_query("2026-03-02", "2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z");
    q["resources"][0]["overrides"] = {{"2026-03-09", test::hours({{"11:00", "11:30"}})}};
    CHECK(starts_of(q) == Starts{"2026-03-09T11:00:00Z"});
}

TEST_CASE("a bad rotation is refused naming the rotation's field") {
    json q = two_week_query("2026-03-02", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z");
    CHECK(refused_field(q).empty());

    json both = q;
    both["resources"][0]["weekly"] = json::object();
    CHECK(refused_field(both) == "resources[0].rotation");

    json none = q;
    none["resources"][0]["rotation"]["weeks"] = json::array();
    CHECK(refused_field(none) == "resources[0].rotation");

    json too_many = q;
    too_many["resources"][0]["rotation"]["weeks"] = json::array();
    for (int i = 0; i < 53; ++i) too_many["resources"][0]["rotation"]["weeks"].push_back(json::object());
    CHECK(refused_field(too_many) == "resources[0].rotation");
    too_many["resources"][0]["rotation"]["weeks"].erase(0);
    CHECK(refused_field(too_many).empty());  // 52 is allowed

    json anchor = q;
    anchor["resources"][0]["rotation"]["anchor"] = "2026-02-30";
    CHECK(refused_field(anchor) == "resources[0].rotation.anchor");
    anchor["resources"][0]["rotation"].erase("anchor");
    CHECK(refused_field(anchor) == "resources[0].rotation.anchor");

    json day = q;
    day["resources"][0]["rotation"]["weeks"][1]["moon"] = json::array();
    CHECK(refused_field(day) == "resources[0].rotation.weeks[1].moon");
    day = q;
    day["resources"][0]["rotation"]["weeks"][1]["mon"] = test::hours({{"14:00", "25:00"}});
    CHECK(refused_field(day) == "resources[0].rotation.weeks[1].mon[0][1]");

    json neither = q;
    neither["resources"][0].erase("rotation");
    CHECK(refused_field(neither) == "resources[0].weekly");
}

TEST_CASE("a schedule built in C++ with both weekly hours and a rotation is refused by the query's check") {
    slot_query query = query_from_json(two_week_query("2026-03-02", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z"));
    query.resources[0].rules.weekly.set(date::Tuesday, {test::range("09:00", "10:00")});
    try {
        (void)find_slots(query);
        FAIL("no error");
    } catch (const error& e) {
        CHECK(e.field() == "resources[0].rotation");
        CHECK(e.category() == error_category::invalid_argument);
    }
    query.resources[0].rules.weekly = {};
    query.resources[0].rules.rotation->weeks.clear();
    CHECK_THROWS_AS((void)find_slots(query), error);
}
