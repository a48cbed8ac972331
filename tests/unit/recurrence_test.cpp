// RRULE expansion in local time (src/recurrence.cpp over libical). Expected
// instants follow zdump: Berlin moves to CEST on 2026-03-29; New York to EDT
// on 2026-03-08 (02:00 -> 03:00) and back to EST on 2026-11-01 (02:00 -> 01:00).
#include <slotcraft/error.hpp>
#include <slotcraft/recurrence.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace slotcraft {
namespace {

instant at(std::string_view iso) { return parse_instant(iso); }

std::vector<instant> at_all(std::initializer_list<std::string_view> isos) {
    std::vector<instant> out;
    for (auto iso : isos) out.push_back(at(iso));
    return out;
}

std::string refused_field(std::string_view rule, instant first, const zone& where) {
    try {
        (void)expand_recurrence(rule, where, first);
    } catch (const error& e) {
        CHECK(e.category() == error_category::invalid_argument);
        return e.field();
    }
    return "nothing raised";
}

const zone berlin = zone::locate("Europe/Berlin");
const zone new_york = zone::locate("America/New_York");

TEST_CASE("every Tuesday at 17:00 in Berlin stays 17:00 on the wall clock across the March DST change") {
    CHECK(expand_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=3", berlin, at("2026-03-17T16:00:00Z")) ==
          at_all({"2026-03-17T16:00:00Z", "2026-03-24T16:00:00Z", "2026-03-31T15:00:00Z"}));
    CHECK(expand_recurrence("RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=2", berlin, at("2026-03-17T16:00:00Z")) ==
          at_all({"2026-03-17T16:00:00Z", "2026-03-31T15:00:00Z"}));
}

TEST_CASE("a daily 02:30 in New York moves forward by the gap on the spring-forward day") {
    CHECK(expand_recurrence("FREQ=DAILY;COUNT=3", new_york, at("2026-03-07T07:30:00Z")) ==
          at_all({"2026-03-07T07:30:00Z", "2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"}));
}

TEST_CASE("a daily 01:30 in New York is the earlier of the two 01:30s on the fall-back day") {
    CHECK(expand_recurrence("FREQ=DAILY;COUNT=3", new_york, at("2026-10-31T05:30:00Z")) ==
          at_all({"2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}));
}

TEST_CASE("monthly rules: the 31st skips shorter months, 2TU is the second Tuesday") {
    CHECK(expand_recurrence("FREQ=MONTHLY;BYMONTHDAY=31;COUNT=3", berlin, at("2026-01-31T08:00:00Z")) ==
          at_all({"2026-01-31T08:00:00Z", "2026-03-31T07:00:00Z", "2026-05-31T07:00:00Z"}));
    CHECK(expand_recurrence("FREQ=MONTHLY;BYDAY=2TU;COUNT=3", berlin, at("2026-01-13T17:00:00Z")) ==
          at_all({"2026-01-13T17:00:00Z", "2026-02-10T17:00:00Z", "2026-03-10T17:00:00Z"}));
}

TEST_CASE("EXDATE leaves dates out and still counts them towards COUNT") {
    const std::vector<local_date> skip{date::local_days{date::year{2026} / 3 / 24}};
    CHECK(expand_recurrence("FREQ=WEEKLY;BYDAY=TU;COUNT=3", berlin, at("2026-03-17T16:00:00Z"), skip) ==
          at_all({"2026-03-17T16:00:00Z", "2026-03-31T15:00:00Z"}));
}

TEST_CASE("UNTIL is inclusive: a UTC bound limits instants, a date bound limits local dates") {
    const instant first = at("2026-03-02T08:00:00Z");  // Monday 09:00 CET
    CHECK(expand_recurrence("FREQ=DAILY;UNTIL=20260304T080000Z", berlin, first).size() == 3);
    CHECK(expand_recurrence("FREQ=DAILY;UNTIL=20260304T075959Z", berlin, first).size() == 2);
    CHECK(expand_recurrence("FREQ=DAILY;UNTIL=20260304", berlin, first).size() == 3);
    CHECK(expand_recurrence("FREQ=DAILY;UNTIL=20260304T085959", berlin, first).size() == 2);  // local 08:59:59
    CHECK(expand_recurrence("FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260311", berlin, first) ==
          at_all({"2026-03-02T08:00:00Z", "2026-03-04T08:00:00Z", "2026-03-09T08:00:00Z", "2026-03-11T08:00:00Z"}));
}

TEST_CASE("rules outside the supported subset are refused, naming the field rrule") {
    const instant tuesday = at("2026-03-17T16:00:00Z");
    CHECK(refused_field("", tuesday, berlin) == "rrule");
    CHECK(refused_field("FREQ=WEEKLY;BYDAY=TU", tuesday, berlin) == "rrule");            // never ends
    CHECK(refused_field("FREQ=YEARLY;COUNT=2", tuesday, berlin) == "rrule");             // FREQ
    CHECK(refused_field("FREQ=WEEKLY;BYSETPOS=1;COUNT=2", tuesday, berlin) == "rrule");  // unsupported part
    CHECK(refused_field("FREQ=WEEKLY;BYDAY=XX;COUNT=2", tuesday, berlin) == "rrule");    // bad value
    CHECK(refused_field("FREQ=WEEKLY;BYDAY=2TU;COUNT=2", tuesday, berlin) == "rrule");   // position needs MONTHLY
    CHECK(refused_field("FREQ=WEEKLY;COUNT=5000", tuesday, berlin) == "rrule");          // too many
    CHECK(refused_field("FREQ=DAILY;UNTIL=21260101", tuesday, berlin) == "rrule");       // too many
    CHECK(refused_field("FREQ=WEEKLY;BYDAY=MO;COUNT=2", tuesday, berlin) == "rrule");    // not its first occurrence
    CHECK(refused_field("FREQ=WEEKLY;;COUNT=2", tuesday, berlin) == "rrule");
    CHECK(refused_field("garbage", tuesday, berlin) == "rrule");
}

}  // namespace
}  // namespace slotcraft
