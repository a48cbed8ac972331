// Busy time read from iCalendar files (read_ics_busy in src/ical.cpp).
#include <slotcraft/error.hpp>
#include <slotcraft/ical.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace slotcraft {
namespace {

instant at(std::string_view iso) { return parse_instant(iso); }
const zone berlin = zone::locate("Europe/Berlin");
const interval year_2026{at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")};

std::string calendar(const std::string& events) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + events + "END:VCALENDAR\r\n";
}

std::string refusal(const std::string& text) {
    try {
        (void)read_ics_busy(text, berlin, year_2026);
    } catch (const error& e) {
        CHECK(e.category() == error_category::invalid_argument);
        CHECK(e.field() == "ics");
        return e.what();
    }
    return "nothing raised";
}

TEST_CASE("UTC, zoned, floating and all-day events become busy intervals, and transparent and cancelled ones do not") {
    const auto busy = read_ics_busy(calendar("BEGIN:VEVENT\r\nUID:1\r\nDTSTART:20260302T100000Z\r\nDTEND:20260302T110000Z\r\nEND:VEVENT\r\n"
                                             "BEGIN:VEVENT\r\nUID:2\r\nDTSTART;TZID=America/New_York:20260303T090000\r\n"
                                             "DURATION:PT30M\r\nEND:VEVENT\r\n"
                                             "BEGIN:VEVENT\r\nUID:3\r\nDTSTART:20260304T090000\r\nDTEND:20260304T093000\r\nEND:VEVENT\r\n"
                                             "BEGIN:VEVENT\r\nUID:4\r\nDTSTART;VALUE=DATE:20260306\r\nEND:VEVENT\r\n"
                                             "BEGIN:VEVENT\r\nUID:5\r\nDTSTART:20260305T100000Z\r\nDTEND:20260305T110000Z\r\n"
                                             "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"
                                             "BEGIN:VEVENT\r\nUID:6\r\nDTSTART:20260305T120000Z\r\nDTEND:20260305T130000Z\r\n"
                                             "STATUS:CANCELLED\r\nEND:VEVENT\r\n"),
                                    berlin, year_2026);
    CHECK(busy == std::vector<interval>{{at("2026-03-02T10:00:00Z"), at("2026-03-02T11:00:00Z")},
                                        {at("2026-03-03T14:00:00Z"), at("2026-03-03T14:30:00Z")},   // 09:00 EST
                                        {at("2026-03-04T08:00:00Z"), at("2026-03-04T08:30:00Z")},   // floating: Berlin
                                        {at("2026-03-05T23:00:00Z"), at("2026-03-06T23:00:00Z")}}); // all day in Berlin
}

TEST_CASE("a weekly event with EXDATE keeps its Berlin wall time across DST and stops at the window's end") {
    const auto busy = read_ics_busy(
        calendar("BEGIN:VEVENT\r\nUID:w\r\nDTSTART;TZID=Europe/Berlin:20260317T170000\r\n"
                 "DTEND;TZID=Europe/Berlin:20260317T180000\r\nRRULE:FREQ=WEEKLY;BYDAY=TU\r\n"
                 "EXDATE;TZID=Europe/Berlin:20260324T170000\r\nEND:VEVENT\r\n"),
        berlin, {at("2026-03-01T00:00:00Z"), at("2026-04-08T00:00:00Z")});
    CHECK(busy == std::vector<interval>{{at("2026-03-17T16:00:00Z"), at("2026-03-17T17:00:00Z")},
                                        {at("2026-03-31T15:00:00Z"), at("2026-03-31T16:00:00Z")},
                                        {at("2026-04-07T15:00:00Z"), at("2026-04-07T16:00:00Z")}});
}

TEST_CASE("long lines folded onto continuation lines are read whole") {
    const auto busy = read_ics_busy(calendar("BEGIN:VEVENT\r\nUID:f\r\nSUMMARY:a very long summary that goes on\r\n  and on\r\n"
                                             "DTSTART:2026030\r\n 2T100000Z\r\nDTEND:20260302T110000Z\r\nEND:VEVENT\r\n"),
                                    berlin, year_2026);
    CHECK(busy == std::vector<interval>{{at("2026-03-02T10:00:00Z"), at("2026-03-02T11:00:00Z")}});
}

TEST_CASE("a malformed file is refused naming the line of the problem") {
    CHECK(refusal(calendar("BEGIN:VEVENT\r\nUID:1\r\nDTSTART:2026-13-45\r\nEND:VEVENT\r\n")).find("line 6") != std::string::npos);
    CHECK(refusal(calendar("BEGIN:VEVENT\r\nUID:1\r\nthis is not a property\r\nEND:VEVENT\r\n")).find("line 6") != std::string::npos);
    CHECK(refusal(calendar("BEGIN:VEVENT\r\nUID:1\r\nDTEND:20260302T110000Z\r\nEND:VEVENT\r\n")).find("line 4") != std::string::npos);
    CHECK(refusal(calendar("BEGIN:VEVENT\r\nDTSTART:20260302T100000Z\r\nEND:VTODO\r\n")).find("line 6") != std::string::npos);
    CHECK(refusal("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n").find("not closed") != std::string::npos);
    CHECK(refusal("").find("empty") != std::string::npos);
    CHECK(refusal(calendar("BEGIN:VEVENT\r\nDTSTART;TZID=Mars/Olympus:20260302T100000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"))
              .find("Mars/Olympus") != std::string::npos);
}

}  // namespace
}  // namespace slotcraft
