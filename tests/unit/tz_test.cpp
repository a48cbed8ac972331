// SPEC §1: local wall time to UTC. Expected instants were checked with zdump.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::at;
using slotcraft::test::on;

namespace {
std::string utc(std::string_view zone_name, local_date day, std::string_view hhmm) {
    return format_instant(zone::locate(zone_name).to_utc(day, wall_time::parse(hhmm, "t")));
}
}  // namespace

TEST_CASE("localtime, the host's own zone in the zoneinfo folder, is refused: answers must not depend on the machine") {
    CHECK_THROWS_WITH_AS((void)zone::locate("localtime", "time_zone"), doctest::Contains("localtime"), error);
    try {
        (void)zone::locate("localtime", "time_zone");
    } catch (const error& e) {
        CHECK(e.field() == "time_zone");
    }
    CHECK(zone::locate("Europe/Berlin").name() == "Europe/Berlin");
}

TEST_CASE("a local time in the New York spring-forward gap moves later by the gap") {
    CHECK(utc("America/New_York", on(2026, 3, 8), "01:59") == "2026-03-08T06:59:00Z");
    CHECK(utc("America/New_York", on(2026, 3, 8), "02:00") == "2026-03-08T07:00:00Z");
    CHECK(utc("America/New_York", on(2026, 3, 8), "02:30") == "2026-03-08T07:30:00Z");
    CHECK(utc("America/New_York", on(2026, 3, 8), "03:00") == "2026-03-08T07:00:00Z");
    CHECK(utc("America/New_York", on(2026, 3, 8), "03:30") == "2026-03-08T07:30:00Z");
}

TEST_CASE("a local time in the New York fall-back overlap takes the earlier instant") {
    CHECK(utc("America/New_York", on(2026, 11, 1), "00:30") == "2026-11-01T04:30:00Z");
    CHECK(utc("America/New_York", on(2026, 11, 1), "01:00") == "2026-11-01T05:00:00Z");
    CHECK(utc("America/New_York", on(2026, 11, 1), "01:30") == "2026-11-01T05:30:00Z");
    CHECK(utc("America/New_York", on(2026, 11, 1), "02:00") == "2026-11-01T07:00:00Z");
}

TEST_CASE("Berlin: the 02:00-03:00 gap in March and the repeated hour in October") {
    CHECK(utc("Europe/Berlin", on(2026, 3, 29), "02:30") == "2026-03-29T01:30:00Z");
    CHECK(utc("Europe/Berlin", on(2026, 3, 29), "03:00") == "2026-03-29T01:00:00Z");
    CHECK(utc("Europe/Berlin", on(2026, 10, 25), "02:30") == "2026-10-25T00:30:00Z");
    CHECK(utc("Europe/Berlin", on(2026, 10, 25), "03:00") == "2026-10-25T02:00:00Z");
}

TEST_CASE("southern hemisphere: Sydney falls back in April and springs forward in October") {
    CHECK(utc("Australia/Sydney", on(2026, 4, 5), "02:30") == "2026-04-04T15:30:00Z");
    CHECK(utc("Australia/Sydney", on(2026, 4, 5), "03:00") == "2026-04-04T17:00:00Z");
    CHECK(utc("Australia/Sydney", on(2026, 10, 4), "02:30") == "2026-10-03T16:30:00Z");
    CHECK(utc("Australia/Sydney", on(2026, 10, 4), "03:00") == "2026-10-03T16:00:00Z");
}

TEST_CASE("Santiago changes at midnight, so 24:00 can fall into a gap") {
    // 2026-09-06 00:00 local does not exist (-04 -> -03): 24:00 of Sep 5 uses -04.
    CHECK(utc("America/Santiago", on(2026, 9, 5), "24:00") == "2026-09-06T04:00:00Z");
    CHECK(utc("America/Santiago", on(2026, 9, 6), "01:00") == "2026-09-06T04:00:00Z");
    // 2026-04-04 23:00-24:00 happens twice: the earlier (-03) wins.
    CHECK(utc("America/Santiago", on(2026, 4, 4), "23:30") == "2026-04-05T02:30:00Z");
}

TEST_CASE("Kathmandu is UTC+05:45 all year") {
    CHECK(utc("Asia/Kathmandu", on(2026, 1, 15), "09:00") == "2026-01-15T03:15:00Z");
    CHECK(utc("Asia/Kathmandu", on(2026, 7, 15), "00:00") == "2026-07-14T18:15:00Z");
}

TEST_CASE("Lord Howe shifts by 30 minutes") {
    // Fall back 02:00 +11 -> 01:30 +1030: 01:45 happens twice, the earlier (+11) wins.
    CHECK(utc("Australia/Lord_Howe", on(2026, 4, 5), "01:45") == "2026-04-04T14:45:00Z");
    CHECK(utc("Australia/Lord_Howe", on(2026, 4, 5), "02:00") == "2026-04-04T15:30:00Z");
    // Spring forward 02:00 +1030 -> 02:30 +11: 02:15 moves to 02:45.
    CHECK(utc("Australia/Lord_Howe", on(2026, 10, 4), "02:15") == "2026-10-03T15:45:00Z");
    CHECK(utc("Australia/Lord_Howe", on(2026, 10, 4), "02:30") == "2026-10-03T15:30:00Z");
}

TEST_CASE("24:00 is the next local midnight") {
    CHECK(utc("Europe/Berlin", on(2026, 3, 2), "24:00") == utc("Europe/Berlin", on(2026, 3, 3), "00:00"));
    CHECK(utc("Europe/Berlin", on(2026, 3, 2), "24:00") == "2026-03-02T23:00:00Z");
}

TEST_CASE("an overnight range ends on the next local date") {
    const zone berlin = zone::locate("Europe/Berlin");
    const interval night = berlin.to_utc(on(2026, 3, 2), test::range("22:00", "02:00"));
    CHECK(night == interval{at("2026-03-02T21:00:00Z"), at("2026-03-03T01:00:00Z")});
    const interval whole_day = berlin.to_utc(on(2026, 3, 2), test::range("09:00", "09:00"));
    CHECK(whole_day.length() == std::chrono::hours{24});
}

TEST_CASE("a range lying inside a gap keeps its length, and one ending in the gap before it starts is empty") {
    const zone ny = zone::locate("America/New_York");
    CHECK(ny.to_utc(on(2026, 3, 8), test::range("02:00", "02:30")) ==
          interval{at("2026-03-08T07:00:00Z"), at("2026-03-08T07:30:00Z")});
    // 02:30 -> 07:30Z but 03:00 -> 07:00Z: the converted end is not after the start.
    CHECK(ny.to_utc(on(2026, 3, 8), test::range("02:30", "03:00")).empty());
}

TEST_CASE("the wall times of a day: none in a gap, two in an overlap") {
    const zone ny = zone::locate("America/New_York");
    CHECK(ny.instants_at(on(2026, 3, 8), minutes{150}).count == 0);
    const auto twice = ny.instants_at(on(2026, 11, 1), minutes{90});
    REQUIRE(twice.count == 2);
    CHECK(format_instant(twice.at[0]) == "2026-11-01T05:30:00Z");
    CHECK(format_instant(twice.at[1]) == "2026-11-01T06:30:00Z");
}

TEST_CASE("an unknown time zone is refused naming the field") {
    try {
        (void)zone::locate("Mars/Olympus_Mons", "resources[0].timezone");
        FAIL("accepted");
    } catch (const error& e) {
        CHECK(e.field() == "resources[0].timezone");
    }
}

namespace {
/// Counts the answers of `zone_offsets` that differ from the zone's own, every
/// 15 minutes of local time and of UTC from a week before `from` to a week after `to`.
std::string offsets_mismatch(std::string_view zone_name, std::string_view from, std::string_view to) {
    const zone tz = zone::locate(zone_name);
    const interval span{at(from), at(to)};
    const zone_offsets cached(tz, span);
    for (local_date day = tz.date_of(span.start) - date::days{7}; day <= tz.date_of(span.end) + date::days{7};
         day += date::days{1}) {
        for (minutes m{0}; m <= minutes{24 * 60}; m += minutes{15}) {
            if (cached.to_utc(day, m) != tz.to_utc(day, m))
                return fmt::format("to_utc {} {}", date::format("%F", day), m.count());
            const auto mine = cached.instants_at(day, m);
            const auto theirs = tz.instants_at(day, m);
            if (!std::equal(mine.begin(), mine.end(), theirs.begin(), theirs.end()))
                return fmt::format("instants_at {} {}", date::format("%F", day), m.count());
        }
    }
    for (instant t = span.start - date::days{7}; t < span.end + date::days{7}; t += minutes{15})
        if (cached.to_local(t) != tz.to_local(t) || cached.date_of(t) != tz.date_of(t))
            return "to_local " + format_instant(t);
    // Far outside the span it asks the zone.
    const instant later = span.end + date::days{200};
    if (cached.to_local(later) != tz.to_local(later)) return "to_local far away";
    return {};
}
}  // namespace

TEST_CASE("zone_offsets gives the zone's own answers around DST changes, in gaps and overlaps, and after 2037") {
    CHECK(offsets_mismatch("America/New_York", "2026-03-05T00:00:00Z", "2026-03-12T00:00:00Z") == "");
    CHECK(offsets_mismatch("America/New_York", "2026-10-28T00:00:00Z", "2026-11-04T00:00:00Z") == "");
    CHECK(offsets_mismatch("Europe/Berlin", "2026-02-02T00:00:00Z", "2026-05-03T00:00:00Z") == "");
    CHECK(offsets_mismatch("Australia/Lord_Howe", "2026-04-01T00:00:00Z", "2026-04-08T00:00:00Z") == "");
    CHECK(offsets_mismatch("America/Santiago", "2026-09-01T00:00:00Z", "2026-09-10T00:00:00Z") == "");
    CHECK(offsets_mismatch("Asia/Kathmandu", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z") == "");
    CHECK(offsets_mismatch("Europe/Dublin", "2041-03-20T00:00:00Z", "2041-04-05T00:00:00Z") == "");
    CHECK(offsets_mismatch("America/New_York", "2037-10-25T00:00:00Z", "2038-03-20T00:00:00Z") == "");
}
