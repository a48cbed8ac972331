// RRULE expansion in local time (src/recurrence.cpp over src/rrule.cpp). Expected
// instants follow zdump: Berlin moves to CEST on 2026-03-29; New York to EDT
// on 2026-03-08 (02:00 -> 03:00) and back to EST on 2026-11-01 (02:00 -> 01:00).
#include <slotcraft/error.hpp>
#include <slotcraft/recurrence.hpp>

#include <doctest/doctest.h>

#include <sstream>
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
    CHECK(refused_field("FREQ=HOURLY;COUNT=2", tuesday, berlin) == "rrule");             // finer than daily
    CHECK(refused_field("FREQ=WEEKLY;BYFOO=1;COUNT=2", tuesday, berlin) == "rrule");     // not RFC 5545
    CHECK(refused_field("FREQ=WEEKLY;COUNT=2;UNTIL=20270101", tuesday, berlin) == "rrule");
    CHECK(refused_field("FREQ=WEEKLY;BYMONTHDAY=1;COUNT=2", tuesday, berlin) == "rrule");
    CHECK(refused_field("FREQ=MONTHLY;BYYEARDAY=1;COUNT=2", tuesday, berlin) == "rrule");
    CHECK(refused_field("FREQ=MONTHLY;BYWEEKNO=1;COUNT=2", tuesday, berlin) == "rrule");
    CHECK(refused_field("FREQ=DAILY;BYSECOND=30;COUNT=2", tuesday, berlin) == "rrule");  // not on whole minutes
    CHECK(refused_field("FREQ=WEEKLY;BYDAY=XX;COUNT=2", tuesday, berlin) == "rrule");    // bad value
    CHECK(refused_field("FREQ=WEEKLY;BYDAY=2TU;COUNT=2", tuesday, berlin) == "rrule");   // position needs MONTHLY
    CHECK(refused_field("FREQ=WEEKLY;COUNT=5000", tuesday, berlin) == "rrule");          // too many
    CHECK(refused_field("FREQ=DAILY;UNTIL=21260101", tuesday, berlin) == "rrule");       // too many
    CHECK(refused_field("FREQ=WEEKLY;BYDAY=MO;COUNT=2", tuesday, berlin) == "rrule");    // not its first occurrence
    CHECK(refused_field("FREQ=WEEKLY;COUNT=2;COUNT=3", tuesday, berlin) == "rrule");
    CHECK(refused_field("garbage", tuesday, berlin) == "rrule");
}

/// The occurrences as local "YYYY-MM-DD HH:MM" in `where`.
std::vector<std::string> walls(const std::vector<instant>& starts, const zone& where) {
    std::vector<std::string> out;
    for (const instant t : starts) out.push_back(date::format("%F %R", where.to_local(t)));
    return out;
}

/// The occurrences of `rule` from local "YYYY-MM-DD HH:MM" `first` in `where`, as local times.
std::vector<std::string> walls_of(std::string_view rule, const zone& where, const std::string& first) {
    std::istringstream in(first);
    date::local_seconds local{};
    in >> date::parse("%F %R", local);
    REQUIRE(!in.fail());
    const local_date day = date::floor<date::days>(local);
    return walls(expand_recurrence(rule, where, where.to_utc(day, std::chrono::duration_cast<minutes>(local - day))), where);
}

TEST_CASE("a negative BYMONTHDAY under FREQ=DAILY counts from the month's end") {
    CHECK(walls_of("FREQ=DAILY;BYMONTHDAY=15,-1;COUNT=4", berlin, "2027-01-15 10:00") ==
          std::vector<std::string>{"2027-01-15 10:00", "2027-01-31 10:00", "2027-02-15 10:00", "2027-02-28 10:00"});
}

TEST_CASE("weeks start on WKST when INTERVAL skips weeks, whatever day WKST is") {
    CHECK(walls_of("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU;WKST=TU;COUNT=8", berlin, "2027-01-25 10:00") ==
          std::vector<std::string>{"2027-01-25 10:00", "2027-02-07 10:00", "2027-02-08 10:00", "2027-02-21 10:00",
                                   "2027-02-22 10:00", "2027-03-07 10:00", "2027-03-08 10:00", "2027-03-21 10:00"});
    // The same rule with Monday weeks pairs Monday with the Sunday after it.
    CHECK(walls_of("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU;COUNT=4", berlin, "2027-01-25 10:00") ==
          std::vector<std::string>{"2027-01-25 10:00", "2027-01-31 10:00", "2027-02-08 10:00", "2027-02-14 10:00"});
}

TEST_CASE("a series that would be empty is refused: UNTIL before the first start, or every occurrence excepted") {
    const instant first = at("2027-01-04T09:00:00Z");
    CHECK(refused_field("FREQ=DAILY;UNTIL=20270103", first, berlin) == "rrule");
    CHECK(refused_field("FREQ=DAILY;UNTIL=20270104T085959Z", first, berlin) == "rrule");
    const std::vector<local_date> both{local_date{date::year{2027} / 1 / 4}, local_date{date::year{2027} / 1 / 5}};
    CHECK_THROWS_AS((void)expand_recurrence("FREQ=DAILY;COUNT=2", berlin, first, both), error);
}

TEST_CASE("a rule whose COUNT runs past the year 9999 is refused, however large its INTERVAL") {
    const instant first = at("2027-01-05T10:00:00Z");
    // date::year holds a short: an INTERVAL of 100000 years once wrapped to 5419, 70000 to 6491.
    CHECK(refused_field("FREQ=YEARLY;INTERVAL=100000;COUNT=2", first, berlin) == "rrule");
    CHECK(refused_field("FREQ=YEARLY;INTERVAL=70000;COUNT=2", first, berlin) == "rrule");
    // These stopped after one occurrence, COUNT silently unmet.
    CHECK(refused_field("FREQ=MONTHLY;INTERVAL=100000;COUNT=2", first, berlin) == "rrule");
    CHECK(refused_field("FREQ=YEARLY;INTERVAL=40000;COUNT=2", first, berlin) == "rrule");
    CHECK(refused_field("FREQ=YEARLY;INTERVAL=7000;COUNT=3", first, berlin) == "rrule");  // 9027 is the last
    CHECK(expand_recurrence("FREQ=YEARLY;INTERVAL=7000;COUNT=2", berlin, first) ==
          at_all({"2027-01-05T10:00:00Z", "9027-01-05T10:00:00Z"}));
    CHECK(expand_recurrence("FREQ=MONTHLY;INTERVAL=50000;COUNT=2", berlin, first) ==
          at_all({"2027-01-05T10:00:00Z", "6193-09-05T09:00:00Z"}));  // 50,000 months on, in CEST
}

TEST_CASE("a UTC UNTIL at the last occurrence keeps it in zones east of UTC") {
    CHECK(walls_of("FREQ=DAILY;UNTIL=20270106T090000Z", berlin, "2027-01-04 10:00").size() == 3);
    const zone tokyo = zone::locate("Asia/Tokyo");
    CHECK(walls_of("FREQ=DAILY;UNTIL=20270106T000000Z", tokyo, "2027-01-04 09:00").size() == 3);
    const zone sydney = zone::locate("Australia/Sydney");  // AEDT, UTC+11
    CHECK(walls_of("FREQ=WEEKLY;UNTIL=20270117T230000Z", sydney, "2027-01-04 10:00") ==
          std::vector<std::string>{"2027-01-04 10:00", "2027-01-11 10:00", "2027-01-18 10:00"});
}

TEST_CASE("YEARLY, BYMONTH, BYSETPOS, BYYEARDAY, BYWEEKNO, positions in the year and lower-case names expand as "
          "RFC 5545 says") {
    CHECK(walls_of("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=4", berlin, "2027-01-29 18:00") ==
          std::vector<std::string>{"2027-01-29 18:00", "2027-02-26 18:00", "2027-03-31 18:00", "2027-04-30 18:00"});
    CHECK(walls_of("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;COUNT=3", berlin, "2027-03-28 09:00") ==
          std::vector<std::string>{"2027-03-28 09:00", "2028-03-26 09:00", "2029-03-25 09:00"});
    CHECK(walls_of("FREQ=YEARLY;BYYEARDAY=1,-1;COUNT=4", berlin, "2027-01-01 09:00") ==
          std::vector<std::string>{"2027-01-01 09:00", "2027-12-31 09:00", "2028-01-01 09:00", "2028-12-31 09:00"});
    CHECK(walls_of("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO;COUNT=3", berlin, "2027-05-17 09:00") ==
          std::vector<std::string>{"2027-05-17 09:00", "2028-05-15 09:00", "2029-05-14 09:00"});
    CHECK(walls_of("FREQ=YEARLY;BYDAY=20MO;COUNT=3", berlin, "2027-05-17 09:00") ==
          std::vector<std::string>{"2027-05-17 09:00", "2028-05-15 09:00", "2029-05-14 09:00"});
    CHECK(walls_of("freq=yearly;bymonth=2;bymonthday=29;count=2", berlin, "2028-02-29 09:00") ==
          std::vector<std::string>{"2028-02-29 09:00", "2032-02-29 09:00"});
    CHECK(walls_of("FREQ=DAILY;BYHOUR=9,14;BYMINUTE=30;COUNT=4", berlin, "2027-03-01 09:30") ==
          std::vector<std::string>{"2027-03-01 09:30", "2027-03-01 14:30", "2027-03-02 09:30", "2027-03-02 14:30"});
    // A BYDAY mixing a position and plain days is their union (python-dateutil gives nothing here).
    CHECK(walls_of("FREQ=MONTHLY;BYDAY=1MO,TU;COUNT=6", berlin, "2027-01-04 09:00") ==
          std::vector<std::string>{"2027-01-04 09:00", "2027-01-05 09:00", "2027-01-12 09:00", "2027-01-19 09:00",
                                   "2027-01-26 09:00", "2027-02-01 09:00"});
}

}  // namespace
}  // namespace slotcraft
