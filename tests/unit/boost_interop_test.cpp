#include <slotcraft/interop/boost_date_time.hpp>

#include <boost/date_time/gregorian/formatters.hpp>
#include <boost/date_time/posix_time/time_formatters.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <string>

namespace bg = boost::gregorian;
namespace bpt = boost::posix_time;
using slotcraft::instant;
using slotcraft::interval;
using slotcraft::local_date;
using namespace slotcraft::interop;

namespace doctest {
template <> struct StringMaker<instant> {
    static String convert(instant t) { return slotcraft::format_instant(t).c_str(); }
};
template <> struct StringMaker<interval> {
    static String convert(const interval& iv) {
        return ("[" + slotcraft::format_instant(iv.start) + ", " + slotcraft::format_instant(iv.end) + ")").c_str();
    }
};
template <> struct StringMaker<local_date> {
    static String convert(local_date d) { return date::format("%F", d).c_str(); }
};
template <> struct StringMaker<bpt::ptime> {
    static String convert(const bpt::ptime& t) { return bpt::to_iso_extended_string(t).c_str(); }
};
template <> struct StringMaker<bg::date> {
    static String convert(const bg::date& d) { return bg::to_iso_extended_string(d).c_str(); }
};
}  // namespace doctest

namespace {

// Instants as raw seconds since the epoch, checked by hand (and against
// Python's calendar.timegm), so the tests do not lean on date's arithmetic.
instant at(long long seconds_since_epoch) { return instant{std::chrono::seconds{seconds_since_epoch}}; }

local_date day(int y, unsigned m, unsigned d) {
    return local_date{date::year{y} / date::month{m} / date::day{d}};
}

// Runs `convert` and returns the error it throws; fails the test if it throws none.
template <class F> slotcraft::error refusal(F convert) {
    try {
        convert();
    } catch (const slotcraft::error& e) {
        return e;
    }
    FAIL("expected slotcraft::error");
    return slotcraft::error{slotcraft::error_category::storage, "", ""};
}

}  // namespace

TEST_CASE("an instant survives a round trip through ptime") {
    // 2026-03-29T01:30:00Z: 20541 days and 5400 s after the epoch.
    const instant t = at(1'774'747'800);
    const bpt::ptime p{bg::date{2026, bg::Mar, 29}, bpt::hours(1) + bpt::minutes(30)};
    CHECK(to_ptime(t) == p);
    CHECK(from_ptime(p) == t);
}

TEST_CASE("the epoch converts to ptime 1970-01-01 00:00:00") {
    const bpt::ptime epoch{bg::date{1970, bg::Jan, 1}};
    CHECK(to_ptime(instant{}) == epoch);
    CHECK(from_ptime(epoch) == instant{});
}

TEST_CASE("an instant before 1970 converts to and from ptime") {
    // 1969-07-20T20:17:40Z: 165 days before the epoch plus 20:17:40.
    const instant t = at(-14'182'940);
    const bpt::ptime p{bg::date{1969, bg::Jul, 20}, bpt::time_duration(20, 17, 40)};
    CHECK(to_ptime(t) == p);
    CHECK(from_ptime(p) == t);
    CHECK(from_ptime(bpt::ptime{bg::date{1969, bg::Dec, 31}, bpt::time_duration(23, 59, 59)}) == at(-1));
}

TEST_CASE("a far instant (2399-12-31T23:59:59Z) converts to and from ptime") {
    // 2400-01-01 is 430 * 365 + 104 leap days = 157054 days after the epoch.
    const instant t = at(157'054LL * 86'400 - 1);
    const bpt::ptime p{bg::date{2399, bg::Dec, 31}, bpt::time_duration(23, 59, 59)};
    CHECK(to_ptime(t) == p);
    CHECK(from_ptime(p) == t);
}

TEST_CASE("a ptime with microseconds floors to the earlier second") {
    const bpt::ptime p{bg::date{2026, bg::Mar, 29}, bpt::time_duration(1, 30, 0) + bpt::microseconds(999'999)};
    CHECK(from_ptime(p) == at(1'774'747'800));
    // Before the epoch the earlier second is further from zero: floor, not truncation toward 1970.
    const bpt::ptime before{bg::date{1969, bg::Dec, 31}, bpt::time_duration(23, 59, 59) + bpt::milliseconds(500)};
    CHECK(from_ptime(before) == at(-1));
}

TEST_CASE("a special-valued ptime is refused with the field named") {
    for (const auto special : {bpt::not_a_date_time, bpt::pos_infin, bpt::neg_infin}) {
        CAPTURE(static_cast<int>(special));
        const bpt::ptime p{special};
        const auto e = refusal([&] { (void)from_ptime(p, "booking.start"); });
        CHECK(e.category() == slotcraft::error_category::invalid_argument);
        CHECK(e.field() == "booking.start");
    }
    const auto e = refusal([] { (void)from_ptime(bpt::ptime{bpt::pos_infin}); });
    CHECK(e.field() == "time");
    CHECK(e.message() == "Boost ptime is +infinity");
}

TEST_CASE("ptime conversion covers Boost's calendar range and refuses instants outside it") {
    const instant first = at(-17'987'443'200);  // 1400-01-01T00:00:00Z
    const instant last = at(253'402'300'799);   // 9999-12-31T23:59:59Z
    CHECK(to_ptime(first) == bpt::ptime{bg::date{bpt::min_date_time}});
    CHECK(to_ptime(last) == bpt::ptime{bg::date{bpt::max_date_time}, bpt::time_duration(23, 59, 59)});
    CHECK(from_ptime(bpt::ptime{bpt::min_date_time}) == first);
    CHECK(from_ptime(bpt::ptime{bpt::max_date_time}) == last);  // 23:59:59.999999 floors

    for (const instant outside : {first - std::chrono::seconds{1}, last + std::chrono::seconds{1}}) {
        CAPTURE(outside);
        const auto e = refusal([&] { (void)to_ptime(outside, "hold.expires"); });
        CHECK(e.category() == slotcraft::error_category::invalid_argument);
        CHECK(e.field() == "hold.expires");
    }
}

TEST_CASE("an interval survives a round trip through time_period") {
    const interval iv{at(1'774'747'800), at(1'774'747'800 + 45 * 60)};  // 01:30Z to 02:15Z
    const bpt::ptime begin{bg::date{2026, bg::Mar, 29}, bpt::time_duration(1, 30, 0)};
    const bpt::ptime end{bg::date{2026, bg::Mar, 29}, bpt::time_duration(2, 15, 0)};

    const bpt::time_period p = to_time_period(iv);
    CHECK(p.begin() == begin);
    CHECK(p.end() == end);  // half-open like interval; last() is one tick earlier
    CHECK(p.last() == end - bpt::time_duration::unit());
    CHECK(p.length() == bpt::minutes(45));
    CHECK(from_time_period(p) == iv);
    CHECK(from_time_period(bpt::time_period{begin, end}) == iv);
}

TEST_CASE("a time_period with sub-second ends floors both ends") {
    const bpt::ptime begin{bg::date{2026, bg::Mar, 29}, bpt::time_duration(1, 30, 0) + bpt::microseconds(1)};
    const bpt::ptime end{bg::date{2026, bg::Mar, 29}, bpt::time_duration(1, 30, 10) + bpt::microseconds(999'999)};
    CHECK(from_time_period(bpt::time_period{begin, end}) ==
          interval{at(1'774'747'800), at(1'774'747'810)});
}

TEST_CASE("an inverted or null time_period is refused with the field named") {
    const bpt::ptime earlier{bg::date{2026, bg::Mar, 29}, bpt::hours(1)};
    const bpt::ptime later{bg::date{2026, bg::Mar, 29}, bpt::hours(2)};
    const bpt::ptime same_second{bg::date{2026, bg::Mar, 29}, bpt::hours(1) + bpt::milliseconds(500)};

    const auto inverted = refusal([&] { (void)from_time_period(bpt::time_period{later, earlier}, "busy[0]"); });
    CHECK(inverted.category() == slotcraft::error_category::invalid_argument);
    CHECK(inverted.field() == "busy[0]");

    CHECK(refusal([&] { (void)from_time_period(bpt::time_period{earlier, earlier}); }).field() == "interval");
    // Not null for Boost, but empty once both ends are floored to whole seconds.
    CHECK(refusal([&] { (void)from_time_period(bpt::time_period{earlier, same_second}); }).field() == "interval");
}

TEST_CASE("a time_period with a special-valued end is refused naming that end") {
    const bpt::ptime begin{bg::date{2026, bg::Mar, 29}, bpt::hours(1)};
    const auto open_ended = refusal([&] { (void)from_time_period(bpt::time_period{begin, bpt::ptime{bpt::pos_infin}}, "busy"); });
    CHECK(open_ended.category() == slotcraft::error_category::invalid_argument);
    CHECK(open_ended.field() == "busy.end");

    const auto no_start = refusal([&] { (void)from_time_period(bpt::time_period{bpt::ptime{bpt::not_a_date_time}, begin}, "busy"); });
    CHECK(no_start.field() == "busy.start");
}

TEST_CASE("an empty interval is refused when converting to time_period") {
    const interval inverted{at(1'774'747'800), at(1'774'747'800 - 60)};
    const auto e = refusal([&] { (void)to_time_period(inverted, "time_off[2]"); });
    CHECK(e.category() == slotcraft::error_category::invalid_argument);
    CHECK(e.field() == "time_off[2]");
    CHECK(refusal([] { (void)to_time_period(interval{at(0), at(0)}); }).field() == "interval");

    const interval too_late{at(253'402'300'799), at(253'402'300'800)};  // ends at 10000-01-01
    CHECK(refusal([&] { (void)to_time_period(too_late); }).field() == "interval.end");
}

TEST_CASE("a local date survives a round trip through gregorian date") {
    CHECK(to_gregorian(day(2026, 3, 29)) == bg::date{2026, bg::Mar, 29});
    CHECK(from_gregorian(bg::date{2026, bg::Mar, 29}) == day(2026, 3, 29));

    const local_date epoch{};
    CHECK(to_gregorian(epoch) == bg::date{1970, bg::Jan, 1});
    CHECK(from_gregorian(bg::date{1970, bg::Jan, 1}) == epoch);

    // 1969-07-20 is 165 days before the epoch.
    CHECK(from_gregorian(bg::date{1969, bg::Jul, 20}) == local_date{date::days{-165}});
}

TEST_CASE("the leap day 2028-02-29 converts to and from gregorian date") {
    const local_date leap{date::days{21'243}};  // 2028-02-29, checked by hand
    CHECK(to_gregorian(leap) == bg::date{2028, bg::Feb, 29});
    CHECK(from_gregorian(bg::date{2028, bg::Feb, 29}) == leap);
    CHECK(to_gregorian(leap + date::days{1}) == bg::date{2028, bg::Mar, 1});
}

TEST_CASE("gregorian conversion covers Boost's calendar range and refuses dates outside it") {
    CHECK(to_gregorian(local_date{date::days{-208'188}}) == bg::date{bg::min_date_time});  // 1400-01-01
    CHECK(to_gregorian(local_date{date::days{2'932'896}}) == bg::date{bg::max_date_time});  // 9999-12-31
    CHECK(from_gregorian(bg::date{bg::min_date_time}) == day(1400, 1, 1));
    CHECK(from_gregorian(bg::date{bg::max_date_time}) == day(9999, 12, 31));

    const auto e = refusal([] { (void)to_gregorian(day(1399, 12, 31), "overrides[0].date"); });
    CHECK(e.category() == slotcraft::error_category::invalid_argument);
    CHECK(e.field() == "overrides[0].date");
    CHECK(refusal([] { (void)to_gregorian(day(10000, 1, 1)); }).field() == "date");
}

TEST_CASE("a special-valued gregorian date is refused with the field named") {
    for (const auto special : {bg::not_a_date_time, bg::pos_infin, bg::neg_infin}) {
        CAPTURE(static_cast<int>(special));
        const auto e = refusal([&] { (void)from_gregorian(bg::date{special}, "holiday"); });
        CHECK(e.category() == slotcraft::error_category::invalid_argument);
        CHECK(e.field() == "holiday");
    }
    CHECK(refusal([] { (void)from_gregorian(bg::date{bg::not_a_date_time}); }).field() == "date");
}
