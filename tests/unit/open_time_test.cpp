// SPEC §2: weekly hours, overrides, breaks, time off -> open time.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::base_query;
using slotcraft::test::json;
using slotcraft::test::starts_of;
using Starts = std::vector<std::string>;

TEST_CASE("weekly hours on the query's weekday give the slots of that day") {
    json q = base_query();  // Monday 2026-03-02, UTC
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "10:30"}});
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z", "2026-03-02T10:00:00Z"});
    q["resources"][0]["weekly"] = {{"tue", test::hours({{"09:00", "10:30"}})}};
    CHECK(starts_of(q).empty());
}

TEST_CASE("several ranges on one day are separate windows") {
    json q = base_query();
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "10:00"}, {"14:00", "15:00"}});
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z", "2026-03-02T14:00:00Z",
                                 "2026-03-02T14:30:00Z"});
}

TEST_CASE("an override replaces the weekday's hours and an empty override is a day off") {
    json q = base_query();
    q["resources"][0]["weekly"]["mon"] = test::hours({{"09:00", "10:00"}});
    q["resources"][0]["overrides"] = {{"2026-03-02", test::hours({{"13:00", "14:00"}})}};
    CHECK(starts_of(q) == Starts{"2026-03-02T13:00:00Z", "2026-03-02T13:30:00Z"});
    q["resources"][0]["overrides"] = {{"2026-03-02", json::array()}};
    CHECK(starts_of(q).empty());
    q["resources"][0]["overrides"] = {{"2026-03-09", json::array()}};
    CHECK(starts_of(q).size() == 2);
}

TEST_CASE("a break cuts the working hours") {
    json q = base_query();
    q["resources"][0]["weekly"]["mon"] = test::hours({{"10:00", "12:00"}});
    q["resources"][0]["breaks"] = test::hours({{"11:00", "11:30"}});
    CHECK(starts_of(q) == Starts{"2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z", "2026-03-02T11:30:00Z"});
}

TEST_CASE("breaks apply on override dates too") {
    json q = base_query();
    q["resources"][0]["overrides"] = {{"2026-03-02", test::hours({{"10:00", "12:00"}})}};
    q["resources"][0]["breaks"] = test::hours({{"11:00", "11:30"}});
    CHECK(starts_of(q) == Starts{"2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z", "2026-03-02T11:30:00Z"});
}

TEST_CASE("a 01:00-01:30 break cuts an overnight range that began the evening before") {
    json q = base_query();
    q["to"] = "2026-03-04T00:00:00Z";
    q["resources"][0]["weekly"]["mon"] = test::hours({{"22:00", "02:00"}});
    q["resources"][0]["breaks"] = test::hours({{"01:00", "01:30"}});
    CHECK(starts_of(q) == Starts{"2026-03-02T22:00:00Z", "2026-03-02T22:30:00Z", "2026-03-02T23:00:00Z",
                                 "2026-03-02T23:30:00Z", "2026-03-03T00:00:00Z", "2026-03-03T00:30:00Z",
                                 "2026-03-03T01:30:00Z"});
}

TEST_CASE("time off is subtracted in UTC") {
    json q = base_query("Europe/Berlin");  // CET, UTC+1
    q["resources"][0]["weekly"]["mon"] = test::hours({{"10:00", "13:00"}});
    q["resources"][0]["time_off"] = {{{"start", "2026-03-02T10:00:00Z"}, {"end", "2026-03-02T11:00:00Z"}}};
    CHECK(starts_of(q) == Starts{"2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z", "2026-03-02T11:00:00Z",
                                 "2026-03-02T11:30:00Z"});
}

TEST_CASE("a night shift written as 18:00-24:00 plus 00:00-06:00 still sells a slot across midnight") {
    json q = base_query();
    q["to"] = "2026-03-04T00:00:00Z";
    q["service"] = {{"duration", 60}, {"step", 45}};
    q["resources"][0]["weekly"] = {{"mon", test::hours({{"18:00", "24:00"}})}, {"tue", test::hours({{"00:00", "06:00"}})}};
    const Starts starts = starts_of(q);
    CHECK(starts == Starts{"2026-03-02T18:00:00Z", "2026-03-02T18:45:00Z", "2026-03-02T19:30:00Z",
                           "2026-03-02T20:15:00Z", "2026-03-02T21:00:00Z", "2026-03-02T21:45:00Z",
                           "2026-03-02T22:30:00Z", "2026-03-02T23:15:00Z",  // crosses midnight
                           "2026-03-03T00:00:00Z", "2026-03-03T00:45:00Z", "2026-03-03T01:30:00Z",
                           "2026-03-03T02:15:00Z", "2026-03-03T03:00:00Z", "2026-03-03T03:45:00Z",
                           "2026-03-03T04:30:00Z"});
}

TEST_CASE("the New York spring-forward night has one hour less of open time") {
    json q = base_query("America/New_York");
    q["from"] = "2026-03-08T00:00:00Z";
    q["to"] = "2026-03-09T00:00:00Z";
    q["service"] = {{"duration", 60}};
    q["resources"][0]["weekly"]["sun"] = test::hours({{"00:00", "06:00"}});  // 05:00Z .. 10:00Z
    CHECK(starts_of(q) == Starts{"2026-03-08T05:00:00Z", "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z",
                                 "2026-03-08T08:00:00Z", "2026-03-08T09:00:00Z"});
}

TEST_CASE("an overnight range crossing the fall-back change is an hour longer") {
    json q = base_query("America/New_York");
    q["from"] = "2026-10-31T00:00:00Z";
    q["to"] = "2026-11-02T00:00:00Z";
    q["service"] = {{"duration", 60}};
    q["resources"][0]["weekly"]["sat"] = test::hours({{"22:00", "02:00"}});  // 02:00Z .. 07:00Z: five hours
    CHECK(starts_of(q) == Starts{"2026-11-01T02:00:00Z", "2026-11-01T03:00:00Z", "2026-11-01T04:00:00Z",
                                 "2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z"});
}

TEST_CASE("an overnight range crossing the spring-forward change is an hour shorter") {
    json q = base_query("America/New_York");
    q["from"] = "2026-03-07T00:00:00Z";
    q["to"] = "2026-03-09T00:00:00Z";
    q["service"] = {{"duration", 60}};
    q["resources"][0]["weekly"]["sat"] = test::hours({{"22:00", "04:00"}});  // 03:00Z .. 08:00Z: five hours
    CHECK(starts_of(q) == Starts{"2026-03-08T03:00:00Z", "2026-03-08T04:00:00Z", "2026-03-08T05:00:00Z",
                                 "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z"});
}

TEST_CASE("Berlin hours keep their local time across the March change") {
    json q = base_query("Europe/Berlin");
    q["from"] = "2026-03-27T00:00:00Z";
    q["to"] = "2026-03-31T00:00:00Z";
    q["service"] = {{"duration", 60}};
    q["resources"][0]["weekly"] = {{"fri", test::hours({{"09:00", "10:00"}})}, {"mon", test::hours({{"09:00", "10:00"}})}};
    CHECK(starts_of(q) == Starts{"2026-03-27T08:00:00Z", "2026-03-30T07:00:00Z"});
}

TEST_CASE("Sydney and Lord Howe hours follow their southern-hemisphere changes") {
    json q = base_query("Australia/Sydney");
    q["from"] = "2026-04-02T00:00:00Z";
    q["to"] = "2026-04-07T00:00:00Z";
    q["service"] = {{"duration", 60}};
    q["resources"][0]["weekly"] = {{"fri", test::hours({{"09:00", "10:00"}})}, {"mon", test::hours({{"09:00", "10:00"}})}};
    // Friday 2026-04-03 is AEDT (+11); Monday 2026-04-06 is AEST (+10).
    CHECK(starts_of(q) == Starts{"2026-04-02T22:00:00Z", "2026-04-05T23:00:00Z"});

    q["resources"][0]["timezone"] = "Australia/Lord_Howe";
    // +11 before 2026-04-05, +10:30 after.
    CHECK(starts_of(q) == Starts{"2026-04-02T22:00:00Z", "2026-04-05T22:30:00Z"});
}

TEST_CASE("Lord Howe's 30-minute gap shortens the night by half an hour") {
    json q = base_query("Australia/Lord_Howe");
    q["from"] = "2026-10-03T00:00:00Z";
    q["to"] = "2026-10-05T00:00:00Z";
    q["service"] = {{"duration", 30}};
    q["resources"][0]["weekly"]["sun"] = test::hours({{"01:00", "04:00"}});  // 14:30Z .. 17:00Z
    const Starts starts = starts_of(q);
    REQUIRE(starts.size() == 5);
    CHECK(starts.front() == "2026-10-03T14:30:00Z");
    CHECK(starts.back() == "2026-10-03T16:30:00Z");
}

TEST_CASE("a range ending in the day Kiritimati skipped is open to a query that starts after the skip") {
    // Friday 1994-12-30 20:00 to 09:59 on the skipped Saturday: the end moves
    // later by the 24-hour gap (SPEC §1), to 1995-01-01 09:59 local, 19:59Z.
    json q = base_query("Pacific/Kiritimati");
    q["now"] = "1994-12-01T00:00:00Z";
    q["from"] = "1994-12-31T12:00:00Z";
    q["to"] = "1994-12-31T20:00:00Z";
    q["service"] = {{"id", "svc"}, {"duration", 60}};
    q["resources"][0]["weekly"]["fri"] = test::hours({{"20:00", "09:59"}});
    const Starts after_the_skip{"1994-12-31T12:00:00Z", "1994-12-31T13:00:00Z", "1994-12-31T14:00:00Z",
                                "1994-12-31T15:00:00Z", "1994-12-31T16:00:00Z", "1994-12-31T17:00:00Z",
                                "1994-12-31T18:00:00Z"};
    CHECK(starts_of(q) == after_the_skip);
    CHECK(test::reasons_at(q, "1994-12-31T12:00:00Z").empty());
    q["from"] = "1994-12-31T05:00:00Z";  // the same range seen from before the skip
    const Starts whole = starts_of(q);
    CHECK(Starts(whole.end() - 7, whole.end()) == after_the_skip);
}

TEST_CASE("a date Alaska's clock went back into begins at its earlier instant, before a query's end") {
    // Sitka went from +14:58:47 to -09:01:13 at 15:30:00 local on 1867-10-19, back
    // to 15:30 on the 18th: Saturday the 19th's 09:00 first came before the change
    // (1867-10-18T18:01:13Z), so its range holds starts after the change too.
    json q = base_query("America/Sitka");
    q["now"] = "1867-01-01T00:00:00Z";
    q["from"] = "1867-10-19T02:00:00Z";
    q["to"] = "1867-10-19T02:30:00Z";
    q["resources"][0]["weekly"]["sat"] = test::hours({{"09:00", "17:00"}});
    CHECK(starts_of(q) == Starts{"1867-10-19T02:01:13Z"});
    CHECK(test::reasons_at(q, "1867-10-19T02:01:13Z").empty());
}
