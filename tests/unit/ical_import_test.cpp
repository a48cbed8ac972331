// Busy time read from iCalendar files (read_ics in src/ical_read.cpp; docs/calendars.md).
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

std::vector<interval> busy_of(const std::string& text, const zone& floating, interval window) {
    return read_ics(text, floating, window).busy;
}

std::vector<interval> busy_2026(const std::string& events) { return busy_of(calendar(events), berlin, year_2026); }

interval span(std::string_view from, std::string_view to) { return {at(from), at(to)}; }

std::string refusal(const std::string& text) {
    try {
        (void)read_ics(text, berlin, year_2026);
    } catch (const error& e) {
        CHECK(e.category() == error_category::invalid_argument);
        CHECK(e.field() == "ics");
        return e.what();
    }
    return "nothing raised";
}

TEST_CASE("UTC, zoned, floating and all-day events become busy intervals, and transparent and cancelled ones do not") {
    const auto busy = busy_of(calendar("BEGIN:VEVENT\r\nUID:1\r\nDTSTART:20260302T100000Z\r\nDTEND:20260302T110000Z\r\nEND:VEVENT\r\n"
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
    const auto busy = busy_of(
        calendar("BEGIN:VEVENT\r\nUID:w\r\nDTSTART;TZID=Europe/Berlin:20260317T170000\r\n"
                 "DTEND;TZID=Europe/Berlin:20260317T180000\r\nRRULE:FREQ=WEEKLY;BYDAY=TU\r\n"
                 "EXDATE;TZID=Europe/Berlin:20260324T170000\r\nEND:VEVENT\r\n"),
        berlin, {at("2026-03-01T00:00:00Z"), at("2026-04-08T00:00:00Z")});
    CHECK(busy == std::vector<interval>{{at("2026-03-17T16:00:00Z"), at("2026-03-17T17:00:00Z")},
                                        {at("2026-03-31T15:00:00Z"), at("2026-03-31T16:00:00Z")},
                                        {at("2026-04-07T15:00:00Z"), at("2026-04-07T16:00:00Z")}});
}

TEST_CASE("long lines folded onto continuation lines are read whole") {
    const auto busy = busy_of(calendar("BEGIN:VEVENT\r\nUID:f\r\nSUMMARY:a very long summary that goes on\r\n  and on\r\n"
                                             "DTSTART:2026030\r\n 2T100000Z\r\nDTEND:20260302T110000Z\r\nEND:VEVENT\r\n"),
                                    berlin, year_2026);
    CHECK(busy == std::vector<interval>{{at("2026-03-02T10:00:00Z"), at("2026-03-02T11:00:00Z")}});
}

TEST_CASE("a malformed file is refused naming the line of the problem") {
    CHECK(refusal(calendar("BEGIN:VEVENT\r\nUID:1\r\nDTSTART:2026-13-45\r\nEND:VEVENT\r\n")).find("line 6") != std::string::npos);
    CHECK(refusal(calendar("BEGIN:VEVENT\r\nDTSTART:20260302T100000Z\r\nEND:VTODO\r\n")).find("line 6") != std::string::npos);
    CHECK(refusal("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n").find("not closed") != std::string::npos);
    CHECK(refusal("").find("empty") != std::string::npos);
    CHECK(refusal(calendar("BEGIN:VEVENT\r\nDTSTART;TZID=Mars/Olympus:20260302T100000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"))
              .find("Mars/Olympus") != std::string::npos);
}

const std::string weekly_berlin =
    "BEGIN:VEVENT\r\nUID:w@x\r\nDTSTART;TZID=Europe/Berlin:20260302T100000\r\nDTEND;TZID=Europe/Berlin:20260302T110000\r\n"
    "RRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\n";

TEST_CASE("a RECURRENCE-ID override takes out the occurrence it replaces, and a cancelled or transparent one leaves it free") {
    // Moved: 9 March 10:00 -> 12 March 15:00.
    CHECK(busy_2026(weekly_berlin + "BEGIN:VEVENT\r\nUID:w@x\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260309T100000\r\n"
                                    "DTSTART;TZID=Europe/Berlin:20260312T150000\r\nDTEND;TZID=Europe/Berlin:20260312T160000\r\n"
                                    "END:VEVENT\r\n") ==
          std::vector<interval>{span("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"),
                                span("2026-03-12T14:00:00Z", "2026-03-12T15:00:00Z"),
                                span("2026-03-16T09:00:00Z", "2026-03-16T10:00:00Z")});
    for (const std::string marker : {"STATUS:CANCELLED", "TRANSP:TRANSPARENT"}) {
        CAPTURE(marker);
        // The override comes first in the file, with a UTC RECURRENCE-ID: order and form do not matter.
        CHECK(busy_2026("BEGIN:VEVENT\r\nUID:w@x\r\nRECURRENCE-ID:20260309T090000Z\r\nDTSTART;TZID=Europe/Berlin:20260309T100000\r\n"
                        "DTEND;TZID=Europe/Berlin:20260309T110000\r\n" + marker + "\r\nEND:VEVENT\r\n" + weekly_berlin) ==
              std::vector<interval>{span("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"),
                                    span("2026-03-16T09:00:00Z", "2026-03-16T10:00:00Z")});
    }
}

TEST_CASE("RDATE adds occurrences as date-times, dates and periods") {
    CHECK(busy_2026("BEGIN:VEVENT\r\nUID:r\r\nDTSTART:20260302T100000Z\r\nDURATION:PT1H\r\n"
                    "RDATE:20260303T120000Z,20260304T120000Z\r\n"
                    "RDATE;VALUE=PERIOD:20260305T080000Z/20260305T083000Z,20260306T080000Z/PT15M\r\nEND:VEVENT\r\n"
                    "BEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:20260310\r\nRDATE;VALUE=DATE:20260312\r\nEND:VEVENT\r\n") ==
          std::vector<interval>{span("2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z"),
                                span("2026-03-03T12:00:00Z", "2026-03-03T13:00:00Z"),
                                span("2026-03-04T12:00:00Z", "2026-03-04T13:00:00Z"),
                                span("2026-03-05T08:00:00Z", "2026-03-05T08:30:00Z"),
                                span("2026-03-06T08:00:00Z", "2026-03-06T08:15:00Z"),
                                span("2026-03-09T23:00:00Z", "2026-03-10T23:00:00Z"),
                                span("2026-03-11T23:00:00Z", "2026-03-12T23:00:00Z")});
}

TEST_CASE("a UTC UNTIL equal to the last occurrence keeps it east of UTC, as Google and slotcraft write it") {
    CHECK(busy_2026("BEGIN:VEVENT\r\nUID:u\r\nDTSTART;TZID=Europe/Berlin:20260302T100000\r\nDURATION:PT1H\r\n"
                    "RRULE:FREQ=DAILY;UNTIL=20260304T090000Z\r\nEND:VEVENT\r\n") ==
          std::vector<interval>{span("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"),
                                span("2026-03-03T09:00:00Z", "2026-03-03T10:00:00Z"),
                                span("2026-03-04T09:00:00Z", "2026-03-04T10:00:00Z")});
    CHECK(busy_2026("BEGIN:VEVENT\r\nUID:t\r\nDTSTART;TZID=Asia/Tokyo:20260302T090000\r\nDURATION:PT1H\r\n"
                    "RRULE:FREQ=DAILY;UNTIL=20260303T000000Z\r\nEND:VEVENT\r\n")
              .size() == 2);
}

TEST_CASE("a DTEND in another zone than DTSTART is read in its own zone") {
    CHECK(busy_2026("BEGIN:VEVENT\r\nUID:z\r\nDTSTART;TZID=Europe/Berlin:20260302T100000\r\n"
                    "DTEND;TZID=America/New_York:20260302T050000\r\nEND:VEVENT\r\n") ==
          std::vector<interval>{span("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z")});
}

TEST_CASE("occurrences last the exact duration across DST: 45 minutes on both change days") {
    const std::string daily = "BEGIN:VEVENT\r\nUID:n\r\nDTSTART;TZID=Europe/Berlin:20260328T023000\r\nDURATION:PT45M\r\n"
                              "RRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\n";
    // 29 March: 02:30 does not exist; the occurrence starts 03:30 CEST and still lasts 45 minutes.
    CHECK(busy_2026(daily) == std::vector<interval>{span("2026-03-28T01:30:00Z", "2026-03-28T02:15:00Z"),
                                                    span("2026-03-29T01:30:00Z", "2026-03-29T02:15:00Z")});
    // 25 October: 02:30 happens twice; the earlier one (CEST), 45 minutes long, with DTEND as well.
    CHECK(busy_2026("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Berlin:20261024T023000\r\n"
                    "DTEND;TZID=Europe/Berlin:20261024T031500\r\nRRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\n") ==
          std::vector<interval>{span("2026-10-24T00:30:00Z", "2026-10-24T01:15:00Z"),
                                span("2026-10-25T00:30:00Z", "2026-10-25T01:15:00Z")});
    // A day of DURATION is a calendar day: 23 hours across the spring change.
    CHECK(busy_2026("BEGIN:VEVENT\r\nUID:d\r\nDTSTART;TZID=Europe/Berlin:20260328T120000\r\nDURATION:P1D\r\nEND:VEVENT\r\n") ==
          std::vector<interval>{span("2026-03-28T11:00:00Z", "2026-03-29T10:00:00Z")});
}

TEST_CASE("empty property values, as Google writes them, are read") {
    CHECK(busy_of("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALDESC:\r\nBEGIN:VEVENT\r\nUID:e\r\nDESCRIPTION:\r\n"
                  "LOCATION:\r\nSUMMARY:\r\nCATEGORIES:\r\nDTSTART:20260302T100000Z\r\nDTEND:20260302T110000Z\r\n"
                  "END:VEVENT\r\nEND:VCALENDAR\r\n",
                  berlin, year_2026) == std::vector<interval>{span("2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z")});
}

TEST_CASE("a quoted TZID holding ':' names the file's VTIMEZONE, as Exchange writes it") {
    const std::string exchange =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:Microsoft Exchange Server 2010\r\n"
        "BEGIN:VTIMEZONE\r\nTZID:(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna\r\n"
        "BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
        "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
        "BEGIN:VEVENT\r\nUID:x\r\n"
        "DTSTART;TZID=\"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna\":20260302T100000\r\n"
        "DTEND;TZID=\"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna\":20260302T110000\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:y\r\n"
        "DTSTART;TZID=\"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna\":20260329T023000\r\n"
        "DURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    CHECK(busy_of(exchange, zone::locate("UTC"), year_2026) ==
          std::vector<interval>{span("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"),
                                span("2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z")});  // in the gap: SPEC §1
}

TEST_CASE("every VCALENDAR of a stream is read, and several RRULEs of one event are all expanded") {
    const std::string two = calendar("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260302T100000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n") +
                            calendar("BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20260303T100000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n");
    CHECK(busy_of(two, berlin, year_2026).size() == 2);
    CHECK(busy_2026("BEGIN:VEVENT\r\nUID:m\r\nDTSTART:20260302T100000Z\r\nDURATION:PT1H\r\n"
                    "RRULE:FREQ=DAILY;COUNT=2\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\nEND:VEVENT\r\n") ==
          std::vector<interval>{span("2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z"),
                                span("2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z"),
                                span("2026-03-09T10:00:00Z", "2026-03-09T11:00:00Z")});
}

TEST_CASE("an all-day event whose DTEND is its DTSTART blocks that day, as without DTEND") {
    // RFC 5545 wants DTEND later; some producers write it equal and mean the day (it was dropped).
    CHECK(busy_2026("BEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:20260306\r\nDTEND;VALUE=DATE:20260306\r\n"
                    "END:VEVENT\r\n") == std::vector<interval>{span("2026-03-05T23:00:00Z", "2026-03-06T23:00:00Z")});
    // A timed event of no length still blocks nothing.
    CHECK(busy_2026("BEGIN:VEVENT\r\nUID:t\r\nDTSTART:20260306T100000Z\r\nDTEND:20260306T100000Z\r\nEND:VEVENT\r\n")
              .empty());
}

TEST_CASE("a VFREEBUSY's busy periods block time, its free ones do not, and a value that is no period refuses the file") {
    // It was passed over: a published free/busy file imported nothing.
    CHECK(busy_2026("BEGIN:VFREEBUSY\r\nUID:f\r\nDTSTART:20260302T000000Z\r\nDTEND:20260309T000000Z\r\n"
                    "FREEBUSY:20260302T090000Z/20260302T100000Z,20260303T090000Z/PT30M\r\n"
                    "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260304T090000Z/20260304T093000Z\r\n"
                    "FREEBUSY;FBTYPE=FREE:20260305T090000Z/20260305T170000Z\r\n"
                    "FREEBUSY;FBTYPE=X-OUT-OF-OFFICE:20260306T090000Z/P1D\r\n"
                    "END:VFREEBUSY\r\n") ==
          std::vector<interval>{span("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"),
                                span("2026-03-03T09:00:00Z", "2026-03-03T09:30:00Z"),
                                span("2026-03-04T09:00:00Z", "2026-03-04T09:30:00Z"),
                                span("2026-03-06T09:00:00Z", "2026-03-07T09:00:00Z")});
    const std::string text = refusal(calendar("BEGIN:VFREEBUSY\r\nFREEBUSY:20260302T090000Z\r\nEND:VFREEBUSY\r\n"));
    CHECK(text.find("line 5") != std::string::npos);
    CHECK(text.find("a FREEBUSY value is a period") != std::string::npos);
    CHECK(refusal(calendar("BEGIN:VFREEBUSY\r\nFREEBUSY:20260302T090000Z/20260302T080000Z\r\nEND:VFREEBUSY\r\n"))
              .find("a FREEBUSY period ends before it starts") != std::string::npos);
}

TEST_CASE("a DTEND before DTSTART refuses the file naming its line") {
    const std::string text = refusal(calendar("BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20260302T100000Z\r\nDTEND:20260302T090000Z\r\nEND:VEVENT\r\n"));
    CHECK(text.find("line 7") != std::string::npos);
    CHECK(text.find("DTEND is before DTSTART") != std::string::npos);
}

TEST_CASE("broken lines that do not shape busy time are skipped and listed, not refused") {
    const ics_busy read = read_ics("garbage before\r\n" +
                                       calendar("BEGIN:VEVENT\r\nUID:s\r\nDTSTAMP:20260101T1000Z\r\nORGANIZER:odd\r\n"
                                                "X-LIC-ERROR;X-LIC-ERRORTYPE=VALUE-PARSE-ERROR:No value\r\n"
                                                "this line is not a property\r\nDTSTART:20260302T100000Z\r\n"
                                                "DTEND:20260302T110000Z\r\nEND:VEVENT\r\n"),
                                   berlin, year_2026);
    CHECK(read.busy == std::vector<interval>{span("2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z")});
    CHECK(read.skipped == std::vector<ics_skipped_line>{{1, "text outside BEGIN:VCALENDAR ... END:VCALENDAR"},
                                                        {10, "not a content line NAME[;PARAM=VALUE]:VALUE"}});
    // A broken line that names a busy-time property is refused.
    CHECK(refusal(calendar("BEGIN:VEVENT\r\nUID:s\r\nDTSTART;TZID=Europe/Berlin\r\nEND:VEVENT\r\n")).find("line 6") !=
          std::string::npos);
}

TEST_CASE("of several versions of one event the highest SEQUENCE counts, wherever it is in the file") {
    const std::string v2 = "BEGIN:VEVENT\r\nUID:v\r\nSEQUENCE:2\r\nDTSTART:20260302T120000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n";
    const std::string v1 = "BEGIN:VEVENT\r\nUID:v\r\nSEQUENCE:1\r\nDTSTART:20260302T100000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n";
    const std::vector<interval> noon{span("2026-03-02T12:00:00Z", "2026-03-02T13:00:00Z")};
    CHECK(busy_2026(v1 + v2) == noon);
    CHECK(busy_2026(v2 + v1) == noon);
}

TEST_CASE("a text over 16 MiB is refused before it is read, and a long folded line is read whole") {
    CHECK(refusal(std::string(max_ics_bytes + 1, ' ')).find("16 MiB") != std::string::npos);
    std::string folded = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:l\r\nDESCRIPTION:x";
    for (int i = 0; i < 100000; ++i) folded += "\r\n 0123456789012345678901234567890123456789012345678901234567890123456789";
    folded += "\r\nDTSTART:20260302T100000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    CHECK(busy_of(folded, berlin, year_2026).size() == 1);
}

TEST_CASE("a VEVENT without DTSTART and an empty RRULE are skipped and listed, and a century-long DURATION is refused") {
    const ics_busy read = read_ics(calendar("BEGIN:VEVENT\r\nUID:1\r\nDTEND:20260302T110000Z\r\nEND:VEVENT\r\n"
                                            "BEGIN:VEVENT\r\nUID:2\r\nDTSTART:20260303T100000Z\r\nDURATION:PT1H\r\nRRULE:\r\n"
                                            "END:VEVENT\r\n"),
                                   berlin, year_2026);
    CHECK(read.busy == std::vector<interval>{span("2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z")});
    CHECK(read.skipped == std::vector<ics_skipped_line>{{4, "a VEVENT without DTSTART blocks no time"},
                                                        {12, "an empty RRULE repeats nothing"}});
    CHECK(refusal(calendar("BEGIN:VEVENT\r\nUID:3\r\nDTSTART:20260303T100000Z\r\nDURATION:P999999999999999999W\r\n"
                           "END:VEVENT\r\n"))
              .find("line 7: DURATION") != std::string::npos);
}

TEST_CASE("Windows zone names and IANA names after a path prefix are read as their IANA zones") {
    CHECK(busy_2026("BEGIN:VEVENT\r\nUID:w\r\nDTSTART;TZID=W. Europe Standard Time:20260302T100000\r\n"
                    "DTEND;TZID=W. Europe Standard Time:20260302T110000\r\nEND:VEVENT\r\n"
                    "BEGIN:VEVENT\r\nUID:p\r\nDTSTART;TZID=/softwarestudio.org/Olson_20011030_5/America/New_York:20260302T100000\r\n"
                    "DURATION:PT1H\r\nEND:VEVENT\r\n") ==
          std::vector<interval>{span("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"),
                                span("2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z")});
    CHECK(refusal(calendar("BEGIN:VEVENT\r\nUID:u\r\nDTSTART;TZID=Customized Time Zone:20260302T100000\r\nEND:VEVENT\r\n"))
              .find("Customized Time Zone") != std::string::npos);
}

TEST_CASE("a floating DTEND of a zoned event is in the event's zone, and DTEND wins over DURATION") {
    CHECK(busy_2026("BEGIN:VEVENT\r\nUID:f\r\nDTSTART;TZID=America/New_York:20260302T090000\r\nDTEND:20260302T100000\r\n"
                    "DURATION:PT3H\r\nEND:VEVENT\r\n") ==
          std::vector<interval>{span("2026-03-02T14:00:00Z", "2026-03-02T15:00:00Z")});
}

TEST_CASE("RANGE=THISANDFUTURE moves the occurrence and every later one by the override's shift, in wall time") {
    // Weekly Mondays 10:00 Berlin from 16 March; from 23 March on at 12:00 for 30 minutes, across the DST change.
    const std::string master = "BEGIN:VEVENT\r\nUID:t\r\nDTSTART;TZID=Europe/Berlin:20260316T100000\r\nDURATION:PT1H\r\n"
                               "RRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\n";
    const std::string moved = "BEGIN:VEVENT\r\nUID:t\r\nRECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260323T100000\r\n"
                              "DTSTART;TZID=Europe/Berlin:20260323T120000\r\nDURATION:PT30M\r\nEND:VEVENT\r\n";
    CHECK(busy_2026(master + moved) == std::vector<interval>{span("2026-03-16T09:00:00Z", "2026-03-16T10:00:00Z"),
                                                             span("2026-03-23T11:00:00Z", "2026-03-23T11:30:00Z"),
                                                             span("2026-03-30T10:00:00Z", "2026-03-30T10:30:00Z")});
    const std::string cancelled = "BEGIN:VEVENT\r\nUID:t\r\nRECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20260323T100000\r\n"
                                  "DTSTART;TZID=Europe/Berlin:20260323T100000\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n";
    CHECK(busy_2026(master + cancelled) == std::vector<interval>{span("2026-03-16T09:00:00Z", "2026-03-16T10:00:00Z")});
}

TEST_CASE("an override whose master is not in the file is an event of its own, its rule expanded") {
    CHECK(busy_2026("BEGIN:VEVENT\r\nUID:o\r\nRECURRENCE-ID:20260302T100000Z\r\nDTSTART:20260302T110000Z\r\n"
                    "DURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\n") ==
          std::vector<interval>{span("2026-03-02T11:00:00Z", "2026-03-02T12:00:00Z"),
                                span("2026-03-03T11:00:00Z", "2026-03-03T12:00:00Z")});
}

TEST_CASE("a VTIMEZONE rule that is not a yearly change is refused before libical expands it") {
    const auto with_rule = [](const std::string& rule) {
        return calendar("BEGIN:VTIMEZONE\r\nTZID:Odd\r\nBEGIN:STANDARD\r\nDTSTART:19501029T020000\r\nTZOFFSETFROM:+0200\r\n"
                        "TZOFFSETTO:+0100\r\nRRULE:" + rule + "\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
                        "BEGIN:VEVENT\r\nUID:o\r\nDTSTART;TZID=Odd:20260302T100000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n");
    };
    CHECK(busy_of(with_rule("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"), berlin, year_2026) ==
          std::vector<interval>{span("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z")});
    // A change every minute, and one that never happens (30 February), would keep libical busy for minutes.
    CHECK(refusal(with_rule("FREQ=DAILY;BYHOUR=0,1,2;BYMINUTE=0,1,2,3")).find("line 15: the VTIMEZONE \"Odd\"") !=
          std::string::npos);
    CHECK(refusal(with_rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")).find("never happens") != std::string::npos);
}

}  // namespace
}  // namespace slotcraft
