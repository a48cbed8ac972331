// Time zones after the transitions the system files list (2037 in Debian's):
// the POSIX TZ string in each TZif footer (RFC 8536 §3.3) takes over.
// Expected zone instants were checked with Python's zoneinfo (which applies the
// footers); the J-day, zero-based-day and permanent-DST rules with glibc
// (`TZ='<rule>' date -d ...`).
#include "support.hpp"

#include <slotcraft/detail/zone_rules.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace slotcraft;
using detail::zone_rule;
using slotcraft::test::at;
using slotcraft::test::on;
using std::chrono::hours;

namespace {

std::string utc(std::string_view zone_name, local_date day, std::string_view hhmm) {
    return format_instant(zone::locate(zone_name).to_utc(day, wall_time::parse(hhmm, "t")));
}

/// The instants of a local wall time, as ISO strings (none in a gap, two in an overlap).
std::vector<std::string> instants(std::string_view zone_name, local_date day, std::string_view hhmm) {
    std::vector<std::string> out;
    for (const instant& i : zone::locate(zone_name).instants_at(day, wall_time::parse(hhmm, "t").since_midnight()))
        out.push_back(format_instant(i));
    return out;
}

using list = std::vector<std::string>;

/// Local wall-clock time of an instant, `YYYY-MM-DD HH:MM:SS`.
std::string local(std::string_view zone_name, std::string_view iso) {
    return date::format("%F %T", zone::locate(zone_name).to_local(at(iso)));
}

zone_rule rule(std::string_view text) {
    const std::optional<zone_rule> parsed = zone_rule::parse(text);
    REQUIRE_MESSAGE(parsed.has_value(), text);
    return *parsed;
}

date::sys_info info(const zone_rule& r, std::string_view iso) { return r.info(at(iso)); }

date::local_info local_info(const zone_rule& r, int y, unsigned m, unsigned d, int hh, int mm) {
    return r.info(date::local_seconds{on(y, m, d).time_since_epoch() + hours{hh} + std::chrono::minutes{mm}});
}

}  // namespace

TEST_CASE("zone_rule parses the footer forms of the system files") {
    SUBCASE("US: names, POSIX sign (west positive), one-hour default DST") {
        const zone_rule r = rule("EST5EDT,M3.2.0,M11.1.0");
        CHECK(r.std_abbrev() == "EST");
        CHECK(r.std_offset() == -hours{5});
        CHECK(r.has_dst());
        CHECK(r.dst_abbrev() == "EDT");
        CHECK(r.dst_offset() == -hours{4});
    }
    SUBCASE("constant offset with minutes and a quoted name") {
        const zone_rule r = rule("<+0545>-5:45");
        CHECK(r.std_abbrev() == "+0545");
        CHECK(r.std_offset() == hours{5} + std::chrono::minutes{45});
        CHECK_FALSE(r.has_dst());
        CHECK(info(r, "2050-06-15T00:00:00Z").offset == r.std_offset());
    }
    SUBCASE("quoted names with an explicit DST offset (Lord Howe)") {
        const zone_rule r = rule("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
        CHECK(r.std_abbrev() == "+1030");
        CHECK(r.std_offset() == hours{10} + std::chrono::minutes{30});
        CHECK(r.dst_abbrev() == "+11");
        CHECK(r.dst_offset() == hours{11});
    }
    SUBCASE("transition times of 24, 26, -1 and seconds") {
        CHECK(rule("<-04>4<-03>,M9.1.6/24,M4.1.6/24").dst_offset() == -hours{3});
        CHECK(rule("IST-2IDT,M3.4.4/26,M10.5.0").dst_offset() == hours{3});
        CHECK(rule("<-02>2<-01>,M3.5.0/-1,M10.5.0/0").std_offset() == -hours{2});
        CHECK(rule("EET-2EEST,M3.4.4/50,M10.4.4/50").has_dst());
        CHECK(rule("AAA-1:30:15BBB-2:00:01,M3.5.0/1:02:03,M10.5.0/+3").dst_offset() == std::chrono::seconds{7201});
        CHECK(rule("XXX3YYY,M3.2.0/-167,M11.1.0/167").has_dst());
    }
    SUBCASE("negative DST (Dublin): the daylight period is the winter one") {
        const zone_rule r = rule("IST-1GMT0,M10.5.0,M3.5.0/1");
        CHECK(r.std_offset() == hours{1});
        CHECK(r.dst_offset() == hours{0});
        const date::sys_info winter = info(r, "2040-01-15T12:00:00Z");
        CHECK(winter.abbrev == "GMT");
        CHECK(winter.offset == hours{0});
        CHECK(winter.save == -std::chrono::minutes{60});
        CHECK(info(r, "2040-07-01T12:00:00Z").abbrev == "IST");
    }
}

TEST_CASE("zone_rule refuses what is not a POSIX TZ string") {
    for (const std::string_view bad : {
             "", "EST", "5", "ES5", "EST5EDT", "EST5EDT4", "EST5EDT,M3.2.0", "EST5EDT,M3.2.0,",
             "EST5EDT,M3.2.0,M11.1.0,", "EST5EDT,M3.2.0,M11.1.0 ", "EST25", "EST5:60", "EST5:3", "EST5:30:7",
             "EST+", "<+05", "<+0>-0", "<+05:>-5", "<>0", "EST5EDT,M0.2.0,M11.1.0", "EST5EDT,M13.2.0,M11.1.0",
             "EST5EDT,M3.0.0,M11.1.0", "EST5EDT,M3.6.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0", "EST5EDT,M3.2,M11.1.0",
             "EST5EDT,J0,J300", "EST5EDT,J366,J300", "EST5EDT,366,300", "EST5EDT,M3.2.0/168,M11.1.0",
             "EST5EDT,M3.2.0/-168,M11.1.0", "EST5EDT,M3.2.0/2:60,M11.1.0", "EST5EDT,M3.2.0/,M11.1.0",
             "EST5EDT,M3.2.0;M11.1.0", "EST5EDT25,M3.2.0,M11.1.0", "E1T5", "EST 5"}) {
        CHECK_MESSAGE(!zone_rule::parse(bad).has_value(), bad);
    }
}

TEST_CASE("zone_rule: J-days never count February 29, zero-based days do") {
    const zone_rule julian = rule("EST5EDT,J60,J300");  // J60 is March 1 in every year
    CHECK(info(julian, "2040-03-01T06:59:59Z").offset == -hours{5});
    const date::sys_info summer = info(julian, "2040-03-01T07:00:00Z");
    CHECK(summer.offset == -hours{4});
    CHECK(summer.begin == at("2040-03-01T07:00:00Z"));
    CHECK(summer.end == at("2040-10-27T06:00:00Z"));  // J300 is October 27 in every year
    CHECK(info(julian, "2041-03-01T07:00:00Z").begin == at("2041-03-01T07:00:00Z"));

    const zone_rule zero_based = rule("EST5EDT,59,300");  // day 59 is February 29 in a leap year
    CHECK(info(zero_based, "2040-02-29T06:59:59Z").offset == -hours{5});
    CHECK(info(zero_based, "2040-02-29T07:00:00Z").begin == at("2040-02-29T07:00:00Z"));
    CHECK(info(zero_based, "2040-02-29T07:00:00Z").end == at("2040-10-27T06:00:00Z"));
    CHECK(info(zero_based, "2041-02-28T12:00:00Z").offset == -hours{5});
    CHECK(info(zero_based, "2041-03-01T07:00:00Z").begin == at("2041-03-01T07:00:00Z"));
    CHECK(info(zero_based, "2041-03-01T07:00:00Z").end == at("2041-10-28T06:00:00Z"));
}

TEST_CASE("zone_rule: the permanent-DST encoding gives daylight time all year") {
    const zone_rule r = rule("<+04>-4<+05>,0/0,J365/25");
    for (const std::string_view t : {"2040-01-01T00:00:00Z", "2040-06-30T12:00:00Z", "2040-12-31T19:59:59Z",
                                     "2040-12-31T20:00:00Z", "2040-12-31T23:59:59Z", "2041-03-01T00:00:00Z"}) {
        const date::sys_info i = info(r, t);
        CHECK_MESSAGE(i.offset == hours{5}, t);
        CHECK_MESSAGE(i.abbrev == "+05", t);
        // One period without a beginning or an end.
        CHECK_MESSAGE(i.begin == date::sys_seconds{date::sys_days{date::year::min() / date::January / 1}}, t);
        CHECK_MESSAGE(i.end == date::sys_seconds{date::sys_days{date::year::max() / date::December / 31}}, t);
    }
    const date::local_info new_year = local_info(r, 2041, 1, 1, 0, 30);
    CHECK(new_year.result == date::local_info::unique);
    CHECK(new_year.first.offset == hours{5});
}

TEST_CASE("zone_rule: local times in gaps and overlaps follow date's local_info") {
    const zone_rule r = rule("EST5EDT,M3.2.0,M11.1.0");
    const date::local_info gap = local_info(r, 2040, 3, 11, 2, 30);
    CHECK(gap.result == date::local_info::nonexistent);
    CHECK(gap.first.offset == -hours{5});   // the period before the gap
    CHECK(gap.second.offset == -hours{4});  // the period after it
    CHECK(gap.first.end == at("2040-03-11T07:00:00Z"));
    CHECK(gap.second.begin == at("2040-03-11T07:00:00Z"));

    const date::local_info overlap = local_info(r, 2040, 11, 4, 1, 30);
    CHECK(overlap.result == date::local_info::ambiguous);
    CHECK(overlap.first.offset == -hours{4});  // the earlier period
    CHECK(overlap.second.offset == -hours{5});
    CHECK(overlap.first.end == at("2040-11-04T06:00:00Z"));

    const date::local_info plain = local_info(r, 2040, 11, 4, 2, 0);
    CHECK(plain.result == date::local_info::unique);
    CHECK(plain.first.offset == -hours{5});
    CHECK(plain.first.begin == at("2040-11-04T06:00:00Z"));
    CHECK(plain.first.end == at("2041-03-10T07:00:00Z"));
}

TEST_CASE("footer_rule reads each zone's footer once, and nothing for unknown names") {
    const zone_rule* ny = detail::footer_rule("America/New_York");
    REQUIRE(ny != nullptr);
    CHECK(ny->std_abbrev() == "EST");
    CHECK(ny->dst_abbrev() == "EDT");
    CHECK(detail::footer_rule("America/New_York") == ny);
    CHECK(detail::footer_rule("No/Such_Zone") == nullptr);
    CHECK(detail::footer_rule("../zoneinfo/UTC") == nullptr);
    CHECK(detail::footer_rule("/usr/share/zoneinfo/UTC") == nullptr);
    CHECK(detail::footer_rule("") == nullptr);
}

TEST_CASE("New York after 2037: summer time again, and the first gap and overlap past the table") {
    CHECK(utc("America/New_York", on(2038, 7, 1), "09:00") == "2038-07-01T13:00:00Z");
    CHECK(local("America/New_York", "2040-07-01T12:00:00Z") == "2040-07-01 08:00:00");
    // The first changes after the listed ones: from date's open-ended last period into the rule.
    CHECK(utc("America/New_York", on(2038, 3, 14), "02:30") == "2038-03-14T07:30:00Z");
    CHECK(instants("America/New_York", on(2038, 3, 14), "02:30").empty());
    CHECK(utc("America/New_York", on(2038, 11, 7), "01:30") == "2038-11-07T05:30:00Z");
    CHECK(instants("America/New_York", on(2038, 11, 7), "01:30") == list{"2038-11-07T05:30:00Z", "2038-11-07T06:30:00Z"});
    // The last listed change (2037-11-01) is still date's.
    CHECK(utc("America/New_York", on(2037, 11, 1), "01:30") == "2037-11-01T05:30:00Z");
}

TEST_CASE("New York 2040: the spring-forward gap uses the offset before, the overlap the earlier instant") {
    CHECK(utc("America/New_York", on(2040, 3, 11), "02:30") == "2040-03-11T07:30:00Z");
    CHECK(utc("America/New_York", on(2040, 3, 11), "03:00") == "2040-03-11T07:00:00Z");
    CHECK(instants("America/New_York", on(2040, 3, 11), "02:30").empty());
    CHECK(utc("America/New_York", on(2040, 11, 4), "01:30") == "2040-11-04T05:30:00Z");
    CHECK(utc("America/New_York", on(2040, 11, 4), "02:00") == "2040-11-04T07:00:00Z");
    CHECK(instants("America/New_York", on(2040, 11, 4), "01:30") == list{"2040-11-04T05:30:00Z", "2040-11-04T06:30:00Z"});
    CHECK(local("America/New_York", "2040-11-04T05:59:59Z") == "2040-11-04 01:59:59");
    CHECK(local("America/New_York", "2040-11-04T06:00:00Z") == "2040-11-04 01:00:00");
}

TEST_CASE("Lord Howe 2040 shifts by 30 minutes") {
    // Fall back 02:00 +11 -> 01:30 +1030: 01:45 happens twice.
    CHECK(utc("Australia/Lord_Howe", on(2040, 4, 1), "01:45") == "2040-03-31T14:45:00Z");
    CHECK(instants("Australia/Lord_Howe", on(2040, 4, 1), "01:45") == list{"2040-03-31T14:45:00Z", "2040-03-31T15:15:00Z"});
    CHECK(utc("Australia/Lord_Howe", on(2040, 4, 1), "02:00") == "2040-03-31T15:30:00Z");
    // Spring forward 02:00 +1030 -> 02:30 +11: 02:15 moves to 02:45.
    CHECK(utc("Australia/Lord_Howe", on(2040, 10, 7), "02:15") == "2040-10-06T15:45:00Z");
    CHECK(instants("Australia/Lord_Howe", on(2040, 10, 7), "02:15").empty());
    CHECK(utc("Australia/Lord_Howe", on(2040, 10, 7), "02:30") == "2040-10-06T15:30:00Z");
    CHECK(local("Australia/Lord_Howe", "2040-07-01T00:00:00Z") == "2040-07-01 10:30:00");
    CHECK(local("Australia/Lord_Howe", "2040-12-01T00:00:00Z") == "2040-12-01 11:00:00");
}

TEST_CASE("Santiago 2040 changes at 24:00 on Saturdays") {
    // M9.1.6/24: 24:00 of Saturday September 1 (= 00:00 of the 2nd) does not exist.
    CHECK(utc("America/Santiago", on(2040, 9, 1), "24:00") == "2040-09-02T04:00:00Z");
    CHECK(utc("America/Santiago", on(2040, 9, 2), "00:30") == "2040-09-02T04:30:00Z");
    CHECK(instants("America/Santiago", on(2040, 9, 2), "00:30").empty());
    CHECK(utc("America/Santiago", on(2040, 9, 2), "01:00") == "2040-09-02T04:00:00Z");
    // M4.1.6/24: 23:00-24:00 of Saturday April 7 happens twice.
    CHECK(utc("America/Santiago", on(2040, 4, 7), "23:30") == "2040-04-08T02:30:00Z");
    CHECK(instants("America/Santiago", on(2040, 4, 7), "23:30") == list{"2040-04-08T02:30:00Z", "2040-04-08T03:30:00Z"});
    CHECK(utc("America/Santiago", on(2040, 4, 8), "00:00") == "2040-04-08T04:00:00Z");
}

TEST_CASE("Sydney 2045: daylight time spans the new year") {
    CHECK(utc("Australia/Sydney", on(2045, 1, 15), "12:00") == "2045-01-15T01:00:00Z");
    CHECK(utc("Australia/Sydney", on(2045, 4, 2), "02:30") == "2045-04-01T15:30:00Z");
    CHECK(instants("Australia/Sydney", on(2045, 4, 2), "02:30") == list{"2045-04-01T15:30:00Z", "2045-04-01T16:30:00Z"});
    CHECK(utc("Australia/Sydney", on(2045, 4, 2), "03:00") == "2045-04-01T17:00:00Z");
    CHECK(utc("Australia/Sydney", on(2045, 10, 1), "02:30") == "2045-09-30T16:30:00Z");
    CHECK(instants("Australia/Sydney", on(2045, 10, 1), "02:30").empty());
    CHECK(utc("Australia/Sydney", on(2045, 10, 1), "03:00") == "2045-09-30T16:00:00Z");
}

TEST_CASE("Jerusalem: M3.4.4/26 is Friday 02:00") {
    CHECK(utc("Asia/Jerusalem", on(2040, 3, 23), "01:59") == "2040-03-22T23:59:00Z");
    CHECK(utc("Asia/Jerusalem", on(2040, 3, 23), "02:30") == "2040-03-23T00:30:00Z");
    CHECK(instants("Asia/Jerusalem", on(2040, 3, 23), "02:30").empty());
    CHECK(utc("Asia/Jerusalem", on(2040, 3, 23), "03:00") == "2040-03-23T00:00:00Z");
    CHECK(utc("Asia/Jerusalem", on(2040, 10, 28), "01:30") == "2040-10-27T22:30:00Z");
    CHECK(instants("Asia/Jerusalem", on(2040, 10, 28), "01:30") == list{"2040-10-27T22:30:00Z", "2040-10-27T23:30:00Z"});
    CHECK(utc("Asia/Jerusalem", on(2040, 10, 28), "02:00") == "2040-10-28T00:00:00Z");
}

TEST_CASE("Kathmandu 2050 is UTC+05:45 all year") {
    CHECK(utc("Asia/Kathmandu", on(2050, 6, 15), "09:00") == "2050-06-15T03:15:00Z");
    CHECK(utc("Asia/Kathmandu", on(2050, 12, 31), "24:00") == "2050-12-31T18:15:00Z");
    CHECK(local("Asia/Kathmandu", "2050-01-01T00:00:00Z") == "2050-01-01 05:45:00");
}

TEST_CASE("Dublin's footer has negative DST (IST-1GMT0,M10.5.0,M3.5.0/1)") {
    CHECK(utc("Europe/Dublin", on(2040, 1, 15), "12:00") == "2040-01-15T12:00:00Z");
    CHECK(utc("Europe/Dublin", on(2040, 7, 1), "12:00") == "2040-07-01T11:00:00Z");
    CHECK(utc("Europe/Dublin", on(2040, 3, 25), "01:30") == "2040-03-25T01:30:00Z");
    CHECK(instants("Europe/Dublin", on(2040, 3, 25), "01:30").empty());
    CHECK(utc("Europe/Dublin", on(2040, 3, 25), "02:00") == "2040-03-25T01:00:00Z");
    CHECK(utc("Europe/Dublin", on(2040, 10, 28), "01:30") == "2040-10-28T00:30:00Z");
    CHECK(instants("Europe/Dublin", on(2040, 10, 28), "01:30") == list{"2040-10-28T00:30:00Z", "2040-10-28T01:30:00Z"});
    CHECK(utc("Europe/Dublin", on(2040, 10, 28), "02:00") == "2040-10-28T02:00:00Z");
}

TEST_CASE("Nuuk changes at -1:00 (Saturday 23:00) and 0:00 in daylight time") {
    CHECK(utc("America/Nuuk", on(2040, 3, 24), "23:30") == "2040-03-25T01:30:00Z");
    CHECK(instants("America/Nuuk", on(2040, 3, 24), "23:30").empty());
    CHECK(utc("America/Nuuk", on(2040, 3, 24), "24:00") == "2040-03-25T01:00:00Z");
    CHECK(utc("America/Nuuk", on(2040, 10, 27), "23:30") == "2040-10-28T00:30:00Z");
    CHECK(instants("America/Nuuk", on(2040, 10, 27), "23:30") == list{"2040-10-28T00:30:00Z", "2040-10-28T01:30:00Z"});
    CHECK(utc("America/Nuuk", on(2040, 10, 28), "00:00") == "2040-10-28T02:00:00Z");
}
