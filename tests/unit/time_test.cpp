#include "support.hpp"

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::at;

TEST_CASE("an instant with an offset is read as the same point in UTC") {
    CHECK(format_instant(at("2026-03-29T01:30:00+01:00")) == "2026-03-29T00:30:00Z");
    CHECK(format_instant(at("2026-03-01T09:15:00+05:45")) == "2026-03-01T03:30:00Z");
    CHECK(format_instant(at("2026-03-01T23:30:00-03:30")) == "2026-03-02T03:00:00Z");
    CHECK(at("2026-03-29T00:30:00Z") == at("2026-03-29T00:30:00z"));
}

TEST_CASE("seconds may be left out and fractions of a second are dropped") {
    CHECK(format_instant(at("2026-03-29T01:30Z")) == "2026-03-29T01:30:00Z");
    CHECK(format_instant(at("2026-03-29T01:30:59.999Z")) == "2026-03-29T01:30:59Z");
}

TEST_CASE("output is always UTC with Z, also far from 1970") {
    CHECK(format_instant(at("0001-01-01T00:00:00Z")) == "0001-01-01T00:00:00Z");
    CHECK(format_instant(at("1969-12-31T23:59:59Z")) == "1969-12-31T23:59:59Z");
    CHECK(format_instant(at("9999-12-31T23:59:59Z")) == "9999-12-31T23:59:59Z");
}

TEST_CASE("malformed instants are refused naming the field") {
    for (const char* bad : {"", "2026-03-29", "2026-03-29T01:30:00", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
                            "2026-03-29T24:00:00Z", "2026-03-29T01:60:00Z", "2026-03-29T01:30:00+1:00",
                            "2026-03-29T01:30:00Z trailing", "2026/03/29T01:30:00Z", "2026-03-29T01:30:00.Z",
                            "0000-01-01T00:00:00Z", "2026-03-29T01:30:00+24:00"}) {
        CAPTURE(bad);
        try {
            (void)parse_instant(bad, "from");
            FAIL("accepted");
        } catch (const error& e) {
            CHECK(e.category() == error_category::invalid_argument);
            CHECK(e.field() == "from");
        }
    }
}

TEST_CASE("an instant outside the years 0001-9999 in UTC is refused, though written inside them") {
    for (const char* outside : {"9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00"}) {
        CAPTURE(outside);
        try {
            (void)parse_instant(outside, "from");
            FAIL("accepted");
        } catch (const error& e) {
            CHECK(e.field() == "from");
            CHECK(std::string(e.what()).find("0001-9999") != std::string::npos);
        }
    }
    CHECK(parse_instant("9999-12-31T18:59:59-05:00") == latest_instant);
    CHECK(parse_instant("0001-01-01T01:00:00+01:00") == earliest_instant);
}

TEST_CASE("a local time of day is HH:MM from 00:00 to 24:00") {
    CHECK(wall_time::parse("00:00", "t").since_midnight() == minutes{0});
    CHECK(wall_time::parse("09:05", "t").since_midnight() == minutes{545});
    CHECK(wall_time::parse("24:00", "t").since_midnight() == minutes{1440});
    for (const char* bad : {"24:01", "25:00", "12:60", "9:00", "09:0", "0900", "-1:00", "09:00:00", ""}) {
        CAPTURE(bad);
        CHECK_THROWS_AS((void)wall_time::parse(bad, "t"), error);
    }
}

TEST_CASE("an instant is written as date::format writes it, in every year and at every second of a day") {
    const auto same_as_date = [](instant t) { return format_instant(t) == date::format("%FT%TZ", t); };
    int checked = 0;
    for (instant t = at("2026-03-29T00:00:00Z"); t < at("2026-03-30T00:00:00Z"); t += std::chrono::seconds{1}, ++checked)
        if (!same_as_date(t)) FAIL(date::format("%FT%TZ", t));
    // Every 13th day from year 0 to past 9999, at a varying time of day, and
    // every day around the ends of February and of the year where leap rules differ.
    const auto check_day = [&](date::sys_days d) {
        const instant t = d + std::chrono::seconds{(d.time_since_epoch().count() * 7919LL % 86400 + 86400) % 86400};
        if (!same_as_date(t)) FAIL(date::format("%FT%TZ", t));
        ++checked;
    };
    for (date::sys_days d{date::year{-1} / 12 / 1}; d < date::sys_days{date::year{10001} / 1 / 1}; d += date::days{13})
        check_day(d);
    for (const int year : {0, 1, 4, 100, 400, 1900, 1970, 2000, 2024, 2100, 9999}) {
        for (date::sys_days d{date::year{year} / 2 / 20}; d < date::sys_days{date::year{year} / 3 / 5}; d += date::days{1})
            check_day(d);
        for (date::sys_days d{date::year{year} / 12 / 25}; d < date::sys_days{date::year{year + 1} / 1 / 5}; d += date::days{1})
            check_day(d);
    }
    CHECK(checked > 86400 + 280000);
    CHECK(format_instant(at("0001-01-01T00:00:00Z")) == "0001-01-01T00:00:00Z");
}
