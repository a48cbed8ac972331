// The slotcraft CLI, run as a process: SPEC §8 answers and §7 refusals.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "run_cli.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <utility>

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

using slotcraft::test::outcome;
using slotcraft::test::run;
using slotcraft::test::slurp;

json query() {
    return json::parse(R"({
      "now": "2026-03-01T08:00:00Z", "from": "2026-03-02T00:00:00Z", "to": "2026-03-03T00:00:00Z",
      "service": {"id": "cut", "duration": 30},
      "resources": [{"id": "anna", "timezone": "Europe/Berlin", "weekly": {"mon": [["09:00", "10:00"]]},
                     "time_off": [{"start": "2026-03-02T12:00:00Z", "end": "2026-03-02T13:00:00Z"}],
                     "bookings": [{"start": "2026-03-02T08:30:00Z", "end": "2026-03-02T09:00:00Z"}]}]})");
}

/// Runs `slotcraft slots` on `q` and expects a refusal naming `field`.
void expect_refused(const json& q, const std::string& field) {
    const outcome r = run("slots", q.dump());
    CHECK(r.status == 2);
    const json answer = json::parse(r.out, nullptr, false);
    REQUIRE_MESSAGE(answer.is_object(), r.out);
    REQUIRE(answer.contains("error"));
    CHECK(answer["error"]["field"] == field);
    CHECK_FALSE(answer["error"]["message"].get<std::string>().empty());
}

}  // namespace

TEST_CASE("slots prints the SPEC §8 answer and exits 0") {
    const outcome r = run("slots", query().dump());
    REQUIRE(r.status == 0);
    const json expected = json::parse(R"({"slots": [{"start": "2026-03-02T08:00:00Z", "end": "2026-03-02T08:30:00Z",
                                                     "resources": ["anna"], "seats_left": 1}]})");
    CHECK(json::parse(r.out) == expected);
}

TEST_CASE("--pretty prints the slots in the resource's local time") {
    const outcome r = run("slots --pretty", query().dump());
    REQUIRE(r.status == 0);
    CHECK(r.out.find("anna (Europe/Berlin)") != std::string::npos);
    CHECK(r.out.find("Mon 2026-03-02  09:00") != std::string::npos);
}

TEST_CASE("a query refused with --pretty prints the SPEC §8 error on stdout too") {
    json q = query();
    q.erase("now");
    const outcome r = run("slots --pretty", q.dump());
    CHECK(r.status == 2);
    const json answer = json::parse(r.out, nullptr, false);
    REQUIRE_MESSAGE(answer.is_object(), (r.out + r.err));
    CHECK(answer["error"]["field"] == "now");
}

TEST_CASE("an option a stateless query does not read is refused naming it, not ignored") {
    for (const auto& [args, field] : std::initializer_list<std::pair<const char*, const char*>>{
             {"--now garbage slots", "now"},
             {"--now 2030-01-01T00:00:00Z slots", "now"},
             {"--now 2030-01-01T00:00:00Z explain --start 2026-03-02T08:30:00Z", "now"},
             {"slots cut", "service"},
             {"slots --from garbage", "from"},
             {"slots --seats 99", "seats"},
             {"--actor bob slots", "actor"},  // was ignored
             {"--db /nonexistent/dir/x.sqlite explain --start 2026-03-02T08:30:00Z", "db"}}) {  // was ignored
        CAPTURE(args);
        const outcome r = run(args, query().dump());
        CHECK(r.status == 2);
        const json answer = json::parse(r.out, nullptr, false);
        REQUIRE_MESSAGE(answer.is_object(), (r.out + r.err));
        CHECK(answer["error"]["field"] == field);
    }
}

TEST_CASE("a JSON query naming a member twice is refused naming its path, whichever value is valid") {
    const std::string text = query().dump();
    const std::string twice = text.substr(0, text.find("\"duration\":30")) + "\"duration\":-5," + text.substr(text.find("\"duration\":30"));
    const outcome r = run("slots", twice);
    CHECK(r.status == 2);
    const json answer = json::parse(r.out, nullptr, false);
    REQUIRE_MESSAGE(answer.is_object(), (r.out + r.err));
    CHECK(answer["error"]["field"] == "service.duration");
}

TEST_CASE("a JSON query followed by a NUL byte and more text is refused naming the query, as any trailing text is") {
    const std::string text = query().dump();
    REQUIRE(run("slots", text).status == 0);
    for (const std::string& tail : {std::string("\0garbage", 8), std::string(" x")}) {
        const outcome r = run("slots", text + tail);  // the NUL ended nlohmann's reading: 0 and slots
        CHECK(r.status == 2);
        const json answer = json::parse(r.out, nullptr, false);
        REQUIRE_MESSAGE(answer.is_object(), (r.out + r.err));
        CHECK(answer["error"]["field"] == "query");
    }
}

TEST_CASE("explain names the booking in the way") {
    const outcome r = run("explain --start 2026-03-02T08:30:00Z", query().dump());
    REQUIRE(r.status == 0);
    const json answer = json::parse(r.out);
    CHECK(answer["resources"][0]["bookable"] == false);
    CHECK(answer["resources"][0]["reasons"][0]["code"] == "busy");
    const outcome free = run("explain --start 2026-03-02T08:00:00Z", query().dump());
    CHECK(json::parse(free.out)["resources"][0]["bookable"] == true);
}

TEST_CASE("slots and explain take SPEC §10 pools: a slot lists its free rooms, a busy room is the reason") {
    json q = query();
    q["pools"] = json::parse(R"([{"id": "room", "resources": [
        {"id": "studio", "timezone": "UTC", "weekly": {"mon": [["00:00", "24:00"]]},
         "bookings": [{"start": "2026-03-02T08:00:00Z", "end": "2026-03-02T08:15:00Z"}]},
        {"id": "hall", "timezone": "UTC", "weekly": {"mon": [["08:00", "08:30"]]}}]}])");
    const outcome r = run("slots", q.dump());
    REQUIRE(r.status == 0);
    CHECK(json::parse(r.out) == json::parse(R"({"slots": [{"start": "2026-03-02T08:00:00Z", "end": "2026-03-02T08:30:00Z",
        "resources": ["anna"], "seats_left": 1, "pools": {"room": ["hall"]}}]})"));
    q["pools"][0]["resources"].erase(1);
    CHECK(json::parse(run("slots", q.dump()).out)["slots"].empty());
    const json why = json::parse(run("explain --start 2026-03-02T08:00:00Z", q.dump()).out);
    CHECK(why["resources"][0]["bookable"] == false);
    CHECK(why["resources"][0]["reasons"][0]["code"] == "pool_busy");
    q["pools"][0]["id"] = "";
    expect_refused(q, "pools[0].id");
}

TEST_CASE("explain refuses a malformed start naming it") {
    const outcome r = run("explain --start 2026-03-02T08:30", query().dump());
    CHECK(r.status == 2);
    CHECK(json::parse(r.out)["error"]["field"] == "start");
}

TEST_CASE("an unknown command or option is a usage error") {
    CHECK(run("bogus", "").status == 64);
    CHECK(run("slots --bogus", query().dump()).status == 64);
    CHECK(run("explain", query().dump()).status == 64);
}

TEST_CASE("input that is not JSON is refused as the query") {
    const outcome r = run("slots", "{\"now\": ");
    CHECK(r.status == 2);
    CHECK(json::parse(r.out)["error"]["field"] == "query");
}

TEST_CASE("§7: an unknown time zone") {
    json q = query();
    q["resources"][0]["timezone"] = "Europe/Nowhere";
    expect_refused(q, "resources[0].timezone");
}

TEST_CASE("§7: HH:MM out of range") {
    json q = query();
    q["resources"][0]["weekly"]["mon"][0][1] = "24:01";
    expect_refused(q, "resources[0].weekly.mon[0][1]");
}

TEST_CASE("§7: an interval whose end is not after its start") {
    json q = query();
    q["to"] = "2026-03-01T00:00:00Z";
    expect_refused(q, "to");
    q = query();
    q["resources"][0]["time_off"][0]["end"] = "2026-03-02T12:00:00Z";
    expect_refused(q, "resources[0].time_off[0].end");
    q = query();
    q["resources"][0]["bookings"][0]["end"] = "2026-03-02T08:00:00Z";
    expect_refused(q, "resources[0].bookings[0].end");
}

TEST_CASE("§7: duration <= 0") {
    json q = query();
    q["service"]["duration"] = 0;
    expect_refused(q, "service.duration");
}

TEST_CASE("§7: step <= 0") {
    json q = query();
    q["service"]["step"] = -15;
    expect_refused(q, "service.step");
}

TEST_CASE("§7: negative buffers") {
    json q = query();
    q["service"]["buffer_before"] = -5;
    expect_refused(q, "service.buffer_before");
    q = query();
    q["service"]["buffer_after"] = -5;
    expect_refused(q, "service.buffer_after");
}

TEST_CASE("§7: negative notice") {
    json q = query();
    q["service"]["min_notice"] = -60;
    expect_refused(q, "service.min_notice");
}

TEST_CASE("§7: capacity < 1") {
    json q = query();
    q["service"]["capacity"] = 0;
    expect_refused(q, "service.capacity");
}

TEST_CASE("§7: seats < 1") {
    json q = query();
    q["seats"] = 0;
    expect_refused(q, "seats");
}

TEST_CASE("§7: a query range longer than 366 days") {
    json q = query();
    q["to"] = "2027-03-04T00:00:00Z";
    expect_refused(q, "to");
}

TEST_CASE("§7: malformed ISO 8601") {
    json q = query();
    q["from"] = "2026-03-02 00:00";
    expect_refused(q, "from");
}

TEST_CASE("§7: unknown align") {
    json q = query();
    q["service"]["align"] = "hourly";
    expect_refused(q, "service.align");
}

TEST_CASE("§7: unknown mode") {
    json q = query();
    q["mode"] = "either";
    expect_refused(q, "mode");
}

// ---- slotcraft bench QUERY.json ----

namespace {

/// A query file for `slotcraft bench`, removed afterwards.
struct query_file {
    fs::path path = fs::temp_directory_path() / ("slotcraft-cli-bench-" + std::to_string(::getpid()) + ".json");
    explicit query_file(const std::string& text) { std::ofstream(path) << text; }
    ~query_file() {
        std::error_code ignored;
        fs::remove(path, ignored);
    }
};

/// Runs `slotcraft bench ARGS` and expects a refusal naming `field`.
void expect_bench_refused(const std::string& args, const std::string& field) {
    const outcome r = run("bench " + args, "");
    CHECK(r.status == 2);
    const json answer = json::parse(r.out, nullptr, false);
    const std::string printed = r.out + r.err;
    REQUIRE_MESSAGE(answer.contains("error"), printed);
    CHECK(answer["error"]["field"] == field);
    CHECK_FALSE(answer["error"]["message"].get<std::string>().empty());
}

}  // namespace

TEST_CASE("bench times a query file and prints its rate, the slots per query and the repeat count") {
    json q = query();
    q["resources"][0]["weekly"]["mon"] = json::parse(R"([["09:00", "12:00"]])");
    const query_file file(q.dump());
    const json slots = json::parse(run("slots", q.dump()).out);
    const outcome r = run("bench '" + file.path.string() + "' --repeat 7", "");
    const std::string printed = r.out + r.err;
    REQUIRE_MESSAGE(r.status == 0, printed);
    const json answer = json::parse(r.out);
    CHECK(answer["repeat"] == 7);
    CHECK(answer["slots_per_query"] == slots["slots"].size());
    CHECK(answer["slots_per_query"].get<int>() > 1);
    CHECK(answer["queries_per_s"].get<double>() > 0);
}

TEST_CASE("bench refuses a missing file, text that is not JSON and an invalid query, naming the field") {
    expect_bench_refused("'/nonexistent/slotcraft-query.json'", "file");
    const query_file garbage("{not json");
    expect_bench_refused("'" + garbage.path.string() + "'", "query");
    json q = query();
    q["service"]["duration"] = 0;
    const query_file invalid(q.dump());
    expect_bench_refused("'" + invalid.path.string() + "'", "service.duration");
}

TEST_CASE("bench refuses a --repeat that is not a whole number from 1, naming it") {
    const query_file file(query().dump());
    for (const char* repeat : {"0", "-3", "abc", "2.5", "99999999999"})
        expect_bench_refused("'" + file.path.string() + "' --repeat " + repeat, "repeat");
}

// ---- slotcraft --db FILE ... ----

namespace {

/// A SQLite file with a master, a service and a client, removed afterwards.
struct salon_db {
    fs::path path = fs::temp_directory_path() / ("slotcraft-cli-db-" + std::to_string(::getpid()) + ".sqlite");

    salon_db() {
        remove_files();
        for (const char* command : {"location add salon-a", "location add salon-b",
                                    "resource add anna --tz Europe/Moscow",
                                    "schedule set anna salon-a --mon 09:00-18:00 --break 13:00-14:00",
                                    "service add cut --duration 45 --step 15 --buffer-after 15 --location salon-a",
                                    "service add yoga --duration 60 --capacity 8", "link anna cut", "link anna yoga",
                                    "client add c1 --name Ivan --telegram 1001"})
            REQUIRE(db(command).status == 0);
    }
    ~salon_db() { remove_files(); }

    void remove_files() const {
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix, ignored);
    }

    /// The `--now` of every command.
    std::string now = "2026-03-01T00:00:00Z";

    /// `slotcraft --db FILE --json --now NOW ARGS`.
    outcome db(const std::string& args) const {
        return run("--db '" + path.string() + "' --json --now " + now + " " + args, "");
    }

    /// The JSON error a refused command printed, checking its exit status.
    json refusal(const std::string& args, int status) const {
        const outcome r = db(args);
        CHECK(r.status == status);
        const json answer = json::parse(r.out, nullptr, false);
        const std::string printed = r.out + r.err;
        REQUIRE_MESSAGE(answer.contains("error"), printed);
        return answer["error"];
    }

    std::size_t audit_size() const {
        const std::string out = db("audit").out;
        return static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n'));
    }
};

}  // namespace

TEST_CASE("--db: a number too large for its option is refused as typed, not as the largest number, and nothing is written") {
    salon_db salon;
    const std::size_t before = salon.audit_size();
    for (const char* args : {"service add x --duration 99999999999999999999",
                             "service add x --duration 30 --buffer-after -99999999999999999999",
                             "service add x --duration 30 --capacity 99999999999999999999"}) {
        CAPTURE(args);
        const outcome r = salon.db(args);
        CHECK(r.status == 64);
        CHECK(r.err.find("99999999999999999999 is out of range") != std::string::npos);
        CHECK(r.err.find("9223372036854775807") == std::string::npos);
    }
    CHECK(salon.audit_size() == before);
}

TEST_CASE("--db: a malformed --now is refused by a command that does not read it, and nothing is written") {
    salon_db salon;
    const std::size_t before = salon.audit_size();
    salon.now = "garbage";
    CHECK(salon.refusal("location add salon-c", 2)["field"] == "now");
    salon.now = "2026-03-01T00:00:00Z";
    CHECK(salon.audit_size() == before);
    CHECK(salon.refusal("audit --limit -1", 2)["field"] == "limit");
}

TEST_CASE("--db: slots, book, a refused double booking with its reason, cancel and the audit log") {
    salon_db salon;
    const outcome free = salon.db("slots cut --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z");
    REQUIRE(free.status == 0);
    const json slots = json::parse(free.out)["slots"];
    REQUIRE(slots.size() > 10);
    CHECK(slots[0]["start"] == "2026-03-02T06:00:00Z");  // 09:00 in Moscow
    CHECK(slots[0]["location"] == "salon-a");

    const outcome booked = salon.db("book cut anna 2026-03-02T06:00:00Z --client c1");
    REQUIRE(booked.status == 0);
    const json booking = json::parse(booked.out);
    CHECK(booking["status"] == "confirmed");

    const json refused = salon.refusal("book cut anna 2026-03-02T06:30:00Z", 4);
    CHECK(refused["category"] == "conflict");
    CHECK(refused["reasons"][0]["code"] == "busy");
    CHECK(refused["reasons"][0]["booking"] == booking["id"]);

    CHECK(salon.db("cancel " + booking["id"].get<std::string>() + " --reason sick").status == 0);
    CHECK(salon.db("book cut anna 2026-03-02T06:30:00Z").status == 0);
    const std::string log = salon.db("audit").out;
    CHECK(log.find("\"action\":\"cancel\"") != std::string::npos);
    CHECK(salon.audit_size() == 12);  // 9 catalog changes, book, cancel, book
}

TEST_CASE("--db: hold, then confirm with the token, and an expired token is refused") {
    salon_db salon;
    const outcome held = salon.db("hold cut anna 2026-03-02T07:00:00Z --ttl 5");
    REQUIRE(held.status == 0);
    const std::string token = json::parse(held.out)["hold_token"];
    const json expired = json::parse(run("--db '" + salon.path.string() +
                                             "' --json --now 2026-03-01T00:05:00Z confirm " + token, "").out);
    CHECK(expired["error"]["field"] == "hold_token");
    CHECK(json::parse(salon.db("confirm " + token).out)["status"] == "confirmed");
}

TEST_CASE("--db: bad input is refused naming the field, and nothing is written") {
    salon_db salon;
    const std::size_t before = salon.audit_size();
    CHECK(salon.refusal("book cut boris 2026-03-02T06:00:00Z", 3)["field"] == "resource");
    CHECK(salon.refusal("book massage anna 2026-03-02T06:00:00Z", 3)["field"] == "service");
    CHECK(salon.refusal("book cut anna 2026-03-02T06:00:00Z --client nobody", 3)["field"] == "client");
    CHECK(salon.refusal("book cut anna 2026-03-02T06:00:00Z --location salon-b", 2)["field"] == "location");
    CHECK(salon.refusal("book yoga anna 2026-03-02T06:00:00Z --seats 9", 2)["field"] == "seats");
    CHECK(salon.refusal("book cut anna '2026-03-02 06:00'", 2)["field"] == "start");
    CHECK(salon.refusal("confirm no-such-token", 3)["field"] == "hold_token");
    CHECK(salon.refusal("resource add boris --tz Mars/Base", 2)["field"] == "time_zone");
    CHECK(salon.refusal("schedule set anna salon-a --mon 09:00-25:00", 2)["field"] == "mon[1]");
    CHECK(salon.refusal("service add bad --duration 0", 2)["field"] == "duration");
    CHECK(salon.refusal("link anna massage", 3)["field"] == "service");
    CHECK(salon.refusal("slots cut --from 2026-03-02T00:00:00Z --to 2026-03-01T00:00:00Z", 2)["field"] == "to");
    CHECK(salon.audit_size() == before);

    const outcome ok = salon.db("book cut anna 2026-03-02T06:00:00Z");
    const std::string id = json::parse(ok.out)["id"];
    CHECK(salon.db("cancel " + id).status == 0);
    CHECK(salon.refusal("reschedule " + id + " 2026-03-02T08:00:00Z", 4)["field"] == "id");
}

TEST_CASE("--db unlink: the service is no longer offered, and unknown ids are refused naming the field, writing nothing") {
    salon_db salon;
    const std::size_t before = salon.audit_size();
    CHECK(salon.refusal("unlink boris cut", 3)["field"] == "resource");
    CHECK(salon.refusal("unlink anna massage", 3)["field"] == "service");
    CHECK(salon.audit_size() == before);
    REQUIRE(salon.db("unlink anna cut").status == 0);
    CHECK(salon.audit_size() == before + 1);
    CHECK(json::parse(salon.db("slots cut --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z").out)["slots"].empty());
}

TEST_CASE("--db: a SQLite file that is not a slotcraft database is refused and left unchanged") {
    const fs::path other = fs::temp_directory_path() / ("slotcraft-cli-other-" + std::to_string(::getpid()) + ".sqlite");
    fs::remove(other);
    REQUIRE(std::system(("sqlite3 '" + other.string() + "' 'CREATE TABLE notes(x); INSERT INTO notes VALUES (1);'").c_str()) == 0);
    const std::string bytes_before = slurp(other);
    const outcome r = run("--db '" + other.string() + "' --json location add salon-a", "");
    CHECK(r.status == 5);
    CHECK(json::parse(r.out)["error"]["category"] == "storage");
    CHECK(slurp(other) == bytes_before);
    fs::remove(other);
}

TEST_CASE("--db book --rrule books a weekly series, what is free, and cancel --series all cancels it") {
    salon_db salon;
    REQUIRE(salon.db("book cut anna 2026-03-09T06:00:00Z --client c1").status == 0);  // in the way on the 9th
    const outcome r =
        salon.db("book cut anna 2026-03-02T06:00:00Z --client c1 --rrule 'FREQ=WEEKLY;BYDAY=MO;COUNT=4' "
                 "--except 2026-03-23 --what-is-free");
    REQUIRE_MESSAGE(r.status == 0, r.out << r.err);
    const json out = json::parse(r.out);
    REQUIRE(out["booked"].size() == 2);
    CHECK(out["booked"][0]["start"] == "2026-03-02T06:00:00Z");
    CHECK(out["booked"][1]["start"] == "2026-03-16T06:00:00Z");
    REQUIRE(out["refused"].size() == 1);
    CHECK(out["refused"][0]["start"] == "2026-03-09T06:00:00Z");
    CHECK(out["refused"][0]["reasons"][0]["code"] == "busy");

    const std::string second = out["booked"][1]["id"];
    const outcome cancelled = salon.db("cancel " + second + " --series all --reason moved");
    REQUIRE(cancelled.status == 0);
    CHECK(std::count(cancelled.out.begin(), cancelled.out.end(), '\n') == 2);  // both occurrences
}

TEST_CASE("--db book --rrule refuses bad input naming the field, and writes nothing") {
    salon_db salon;
    const std::size_t before = salon.audit_size();
    CHECK(salon.refusal("book cut anna 2026-03-02T06:00:00Z --rrule 'FREQ=WEEKLY;BYDAY=MO'", 2)["field"] == "rrule");
    CHECK(salon.refusal("book cut anna 2026-03-02T06:00:00Z --rrule 'FREQ=HOURLY;COUNT=2'", 2)["field"] == "rrule");
    CHECK(salon.refusal("book cut anna 2026-03-02T06:00:00Z --except 2026-03-09", 2)["field"] == "rrule");
    CHECK(salon.refusal("book cut anna 2026-03-02T06:00:00Z --rrule 'FREQ=WEEKLY;COUNT=2' --except 2026-13-01", 2)
              ["field"] == "except[0]");
    CHECK(salon.refusal("book cut anna 2026-03-02T06:00:00Z --rrule 'FREQ=WEEKLY;COUNT=2' --except 2026-03-09 "
                        "--except someday",
                        2)["field"] == "except[1]");
    const json taken = salon.refusal("book cut anna 2026-03-02T10:30:00Z --rrule 'FREQ=WEEKLY;COUNT=2'", 4);
    CHECK(taken["field"] == "occurrences[0].start");  // 13:30 in Moscow: the break
    CHECK(salon.refusal("cancel bk_none --series sometimes", 2)["field"] == "series");
    CHECK(salon.audit_size() == before);
}

TEST_CASE("--db book --key: a series' key books no single booking, nor a booking's key a series, and nothing is written") {
    salon_db salon;
    // Anna works on Mondays: the series at 09:00, the booking at 10:00, the refused ones at 11:00 and 12:00.
    REQUIRE(salon.db("book cut anna 2026-03-02T06:00:00Z --rrule 'FREQ=WEEKLY;COUNT=2' --key k1").status == 0);
    REQUIRE(salon.db("book cut anna 2026-03-02T07:00:00Z --key k2").status == 0);
    const std::size_t before = salon.audit_size();
    CHECK(salon.refusal("book cut anna 2026-03-02T08:00:00Z --key k1", 4)["field"] == "idempotency_key");
    CHECK(salon.refusal("hold cut anna 2026-03-02T08:00:00Z --key k1", 4)["field"] == "idempotency_key");
    CHECK(salon.refusal("book cut anna 2026-03-02T09:00:00Z --rrule 'FREQ=WEEKLY;COUNT=2' --key k2", 4)["field"] ==
          "idempotency_key");
    CHECK(salon.audit_size() == before);
}

TEST_CASE("--db export-ics prints an iCalendar file of a resource's bookings, and refuses a missing selection") {
    salon_db salon;
    const outcome booked = salon.db("book cut anna 2026-03-02T06:00:00Z --client c1");
    REQUIRE(booked.status == 0);
    const std::string id = json::parse(booked.out)["id"];
    const outcome ics = salon.db("export-ics --resource anna");
    REQUIRE(ics.status == 0);
    CHECK(ics.out.rfind("BEGIN:VCALENDAR\r\n", 0) == 0);
    CHECK(ics.out.find("UID:" + id + "@slotcraft\r\n") != std::string::npos);
    CHECK(ics.out.find("DTSTART:20260302T060000Z\r\n") != std::string::npos);
    CHECK(salon.refusal("export-ics", 2)["field"] == "selection");
    CHECK(salon.refusal("export-ics --resource boris", 3)["field"] == "resource");
}

TEST_CASE("--db import-ics adds an .ics file's busy time as time off, and a bad file names its line and writes nothing") {
    salon_db salon;
    const fs::path ics = fs::temp_directory_path() / ("slotcraft-cli-" + std::to_string(::getpid()) + ".ics");
    std::ofstream(ics, std::ios::binary)
        << "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:x\r\nDESCRIPTION:\r\n"
           "an unfolded line\r\nDTSTART:20260302T060000Z\r\nDTEND:20260302T070000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    const outcome imported = salon.db("import-ics anna '" + ics.string() + "'");
    REQUIRE_MESSAGE(imported.status == 0, imported.out << imported.err);
    CHECK(json::parse(imported.out)["added"].size() == 1);
    CHECK(json::parse(imported.out)["skipped"] ==
          json::parse(R"([{"line": 7, "reason": "not a content line NAME[;PARAM=VALUE]:VALUE"}])"));
    CHECK(salon.refusal("book cut anna 2026-03-02T06:00:00Z", 4)["reasons"][0]["code"] == "time_off");

    const std::size_t before = salon.audit_size();
    std::ofstream(ics, std::ios::binary) << "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260399T060000Z\r\n";
    const json bad = salon.refusal("import-ics anna '" + ics.string() + "'", 2);
    CHECK(bad["field"] == "ics");
    CHECK(bad["message"].get<std::string>().find("line 3") != std::string::npos);
    CHECK(salon.refusal("import-ics anna /nonexistent/file.ics", 2)["field"] == "file");
    // Latin-1 is refused as the HTTP import refuses it (an .ics file is UTF-8), naming the line.
    std::ofstream(ics, std::ios::binary)
        << "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:l1\r\nSUMMARY:Caf\xe9\r\n"
           "DTSTART:20260302T060000Z\r\nDTEND:20260302T070000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    const json latin1 = salon.refusal("import-ics anna '" + ics.string() + "'", 2);
    CHECK(latin1["field"] == "ics");
    CHECK(latin1["message"].get<std::string>().find("line 6: byte ") != std::string::npos);
    CHECK(salon.audit_size() == before);
    fs::remove(ics);
}

TEST_CASE("--db import-ics: an all-day event at the year 1 in a zone east of UTC is cut at the year 1, and the "
          "resource stays readable") {
    salon_db salon;
    const fs::path ics = fs::temp_directory_path() / ("slotcraft-cli-y1-" + std::to_string(::getpid()) + ".ics");
    std::ofstream(ics, std::ios::binary) << "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:y1\r\n"
                                            "DTSTART;VALUE=DATE:00010101\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    REQUIRE(salon.db("resource add east --tz Etc/GMT-14").status == 0);
    const outcome imported =
        salon.db("import-ics east '" + ics.string() + "' --from 0001-01-01T00:00:00Z --to 0001-06-01T00:00:00Z");
    REQUIRE_MESSAGE(imported.status == 0, imported.out << imported.err);
    CHECK(json::parse(imported.out)["added"] ==
          json::parse(R"([{"start": "0001-01-01T00:00:00Z", "end": "0001-01-01T10:00:00Z"}])"));
    const outcome listed = salon.db("resource list");  // was: corrupt data in resources.time_off of "east"
    CHECK_MESSAGE(listed.status == 0, listed.out << listed.err);
    fs::remove(ics);
}

TEST_CASE("--db: whole numbers are decimal, and too large a weight is refused, not stored as 0") {
    salon_db salon;
    REQUIRE(salon.db("service add oct --duration 030 --capacity 010").status == 0);  // octal read 24 and 8
    std::istringstream lines(salon.db("service list").out);  // one record a line
    json oct;
    for (std::string line; std::getline(lines, line);)
        if (json record = json::parse(line); record["id"] == "oct") oct = record;
    CHECK(oct["duration"] == 30);
    CHECK(oct["capacity"] == 10);
    const std::size_t before = salon.audit_size();
    CHECK(salon.db("service add hex --duration 30 --buffer-after 0x0F").status == 64);  // read 15
    CHECK(salon.refusal("service add w --duration 30 --assign weighted --weight anna=99999999999", 2)["field"] ==
          "weight");
    CHECK(salon.audit_size() == before);
}

TEST_CASE("--db --json: a usage error is JSON on stdout naming the option, as every other failure is") {
    salon_db salon;
    const std::size_t before = salon.audit_size();
    for (const auto& [args, field] : std::initializer_list<std::pair<const char*, const char*>>{
             {"service add hex --duration 30 --buffer-after 0x0F", "buffer-after"},
             {"service add hex", "duration"},
             {"client add", "id"},
             {"book cut anna 2026-03-02T08:00:00Z --seats 99999999999", "seats"},  // past an int
             {"service add big --duration 30 --capacity 99999999999", "capacity"},
             {"bogus", ""}}) {
        CAPTURE(args);
        const json error = salon.refusal(args, 64);  // stdout was empty
        CHECK(error["field"] == field);
        CHECK(error["category"] == "usage");
        CHECK(!error["message"].get<std::string>().empty());
    }
    CHECK(salon.audit_size() == before);
}

TEST_CASE("--db: an option the command would not read is refused naming it, not ignored, and nothing is written") {
    salon_db salon;
    REQUIRE(salon.db("book cut anna 2026-03-02T06:00:00Z --client c1").status == 0);
    const std::size_t before = salon.audit_size();
    CHECK(salon.refusal("slots cut --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z --pretty", 2)["field"] ==
          "pretty");
    CHECK(salon.refusal("bookings --client c1 --days 3", 2)["field"] == "days");
    CHECK(salon.refusal("bookings --resource anna --past", 2)["field"] == "past");
    CHECK(salon.audit_size() == before);
    CHECK(salon.db("bookings --client c1").status == 0);
}

TEST_CASE("--db schedule set names the location it does not know, not the resource's schedules[i]") {
    salon_db salon;
    const std::size_t before = salon.audit_size();
    const json unknown = salon.refusal("schedule set anna nowhere --mon 09:00-18:00", 3);
    CHECK(unknown["field"] == "location");
    CHECK(unknown["message"] == "no location \"nowhere\"");
    CHECK(salon.refusal("schedule set anna '' --mon 09:00-18:00", 3)["field"] == "location");
    CHECK(salon.audit_size() == before);
}

TEST_CASE("--db schedule set: a day given twice in one --week, or a date given twice, is refused, not kept last") {
    salon_db salon;
    const std::size_t before = salon.audit_size();
    CHECK(salon.refusal("schedule set anna salon-a --anchor 2027-03-01 --week 'mon=09:00-10:00;mon=10:00-11:00'", 2)
              ["field"] == "week");
    CHECK(salon.refusal("schedule set anna salon-a --mon 09:00-18:00 --override 2027-03-08=off "
                        "--override 2027-03-08=09:00-18:00",
                        2)["field"] == "override");
    CHECK(salon.audit_size() == before);
}

TEST_CASE("a query whose answer would hold more than five million free starts is refused on query, not killed") {
    json q = query();
    q["from"] = "2026-03-02T00:00:00Z";
    q["to"] = "2027-03-01T00:00:00Z";
    q["service"] = {{"id", "cut"}, {"duration", 1}, {"step", 1}};
    const json day = json::array({json::array({"00:00", "24:00"})});
    q["resources"] = json::array();
    for (int i = 0; i < 11; ++i)
        q["resources"].push_back({{"id", "r" + std::to_string(i)}, {"timezone", "UTC"},
                                  {"weekly", {{"mon", day}, {"tue", day}, {"wed", day}, {"thu", day}, {"fri", day},
                                              {"sat", day}, {"sun", day}}}});
    const outcome r = run("slots", q.dump());
    CHECK(r.status == 2);
    const json answer = json::parse(r.out, nullptr, false);
    REQUIRE_MESSAGE(answer.is_object(), (r.out + r.err));
    CHECK(answer["error"]["field"] == "query");
}

TEST_CASE("the CLI reads at most 16 MiB of a file or stdin, and a folder is refused as a file") {
    const fs::path dir = fs::temp_directory_path() / ("slotcraft-cli-dir-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const outcome folder = run("bench '" + dir.string() + "'", "");  // was an uncaught std::ios_base::failure
    CHECK(folder.status == 2);
    CHECK(json::parse(folder.out)["error"]["field"] == "file");
    fs::remove_all(dir);
    const outcome huge = run("slots", std::string(std::size_t{16} * 1024 * 1024 + 1, ' '));
    CHECK(huge.status == 2);
    CHECK(json::parse(huge.out)["error"]["field"] == "query");
    salon_db salon;
    CHECK(salon.refusal("import-ics anna /dev/zero", 2)["field"] == "file");  // was std::bad_alloc
}

TEST_CASE("--db report prints a CSV of a period's bookings and refuses bad filters naming the field") {
    salon_db salon;
    const outcome booked = salon.db("book cut anna 2026-03-02T06:00:00Z --client c1");
    REQUIRE(booked.status == 0);
    const std::string id = json::parse(booked.out)["id"];
    const outcome csv = salon.db("report --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z --resource anna");
    REQUIRE(csv.status == 0);
    CHECK(csv.out.rfind("\xEF\xBB\xBF" "id,resource,", 0) == 0);  // a UTF-8 BOM for spreadsheets first
    CHECK(csv.out.find("\r\n" + id + ",anna,") != std::string::npos);
    const outcome plain = salon.db("report --no-bom --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z");
    REQUIRE(plain.status == 0);
    CHECK(plain.out == csv.out.substr(3));
    CHECK(salon.refusal("report --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z --status done", 2)["field"] ==
          "status");
    CHECK(salon.refusal("report --from 2026-03-03T00:00:00Z --to 2026-03-02T00:00:00Z", 2)["field"] == "period");
    CHECK(salon.refusal("report --from yesterday --to 2026-03-02T00:00:00Z", 2)["field"] == "from");
    CHECK(salon.refusal("report --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z --resource boris", 3)["field"] ==
          "resources[0]");
}

TEST_CASE("--db attend marks a started booking, refuses bad input naming the field, and reports show the marks") {
    salon_db salon;
    const outcome booked = salon.db("book cut anna 2026-03-02T06:00:00Z --client c1");  // 09:00 in Moscow
    REQUIRE(booked.status == 0);
    const std::string id = json::parse(booked.out)["id"];
    const std::size_t audit_before = salon.audit_size();
    // Not started yet (--now 2026-03-01), a bad value, an unknown booking: refused, nothing written.
    CHECK(salon.refusal("attend " + id + " attended", 4)["field"] == "id");
    salon.now = "2026-03-02T07:00:00Z";
    CHECK(salon.refusal("attend " + id + " late", 2)["field"] == "attendance");
    CHECK(salon.refusal("attend bk_nobody attended", 3)["field"] == "id");
    CHECK(salon.audit_size() == audit_before);

    const outcome marked = salon.db("attend " + id + " no-show");
    REQUIRE(marked.status == 0);
    CHECK(json::parse(marked.out)["attendance"] == "no_show");
    CHECK(salon.audit_size() == audit_before + 1);
    const outcome again = salon.db("attend " + id + " attended");
    REQUIRE(again.status == 0);
    CHECK(json::parse(again.out)["attendance"] == "attended");

    const std::string period = "--from 2026-03-02T00:00:00+03:00 --to 2026-03-09T00:00:00+03:00";
    const outcome bookings = salon.db("report " + period);
    CHECK(bookings.out.find(",confirmed,attended,") != std::string::npos);
    const outcome attendance = salon.db("report --no-bom --kind attendance " + period);
    REQUIRE(attendance.status == 0);
    CHECK(attendance.out ==
          "resource,resource_name,bookings,attended,no_show,unmarked,cancelled\r\nanna,,1,1,0,0,0\r\n");

    // Monday 09:00-18:00 with a 13:00 break is 8 hours open; the 45-minute cut is booked.
    const outcome by_day = salon.db("report --no-bom --kind load " + period);
    REQUIRE(by_day.status == 0);
    CHECK(by_day.out.rfind("resource,resource_name,time_zone,period,days,open_hours,booked_hours,utilisation\r\n", 0) ==
          0);
    CHECK(by_day.out.find("\r\nanna,,Europe/Moscow,2026-03-02,1,8.00,0.75,") != std::string::npos);
    CHECK(by_day.out.find("\r\nanna,,Europe/Moscow,2026-03-08,1,0.00,0.00,\r\n") != std::string::npos);
    CHECK(std::count(by_day.out.begin(), by_day.out.end(), '\n') == 8);
    const outcome by_week = salon.db("report --kind load --by week --resource anna " + period);
    REQUIRE(by_week.status == 0);
    CHECK(by_week.out.find("\r\nanna,,Europe/Moscow,2026-W10,7,8.00,0.75,") != std::string::npos);
    CHECK(std::count(by_week.out.begin(), by_week.out.end(), '\n') == 2);

    CHECK(salon.refusal("report --kind nope " + period, 2)["field"] == "kind");
    CHECK(salon.refusal("report --kind load --by month " + period, 2)["field"] == "by");
    CHECK(salon.refusal("report --by week " + period, 2)["field"] == "by");
    CHECK(salon.refusal("report --kind load --service cut " + period, 2)["field"] == "service");
    CHECK(salon.refusal("report --kind load --status confirmed " + period, 2)["field"] == "status");
    CHECK(salon.refusal("report --kind load --from 2026-03-02T00:00:00Z --to 2027-03-09T00:00:00Z", 2)["field"] ==
          "period");
    CHECK(salon.refusal("report --kind attendance --resource boris " + period, 3)["field"] == "resources[0]");
    CHECK(salon.audit_size() == audit_before + 2);
}

TEST_CASE("--db: a start free at two locations is two slots, and reschedule --location moves a booking there") {
    salon_db salon;
    // Anna also works at salon B on Mondays, afternoons only; the cut is offered there too.
    REQUIRE(salon.db("schedule set anna salon-b --mon 14:00-18:00").status == 0);
    REQUIRE(salon.db("service add cut --duration 45 --step 15 --buffer-after 15").status == 0);
    const json slots = json::parse(salon.db("slots cut --from 2026-03-02T11:00:00Z --to 2026-03-02T11:00:01Z").out)["slots"];
    REQUIRE(slots.size() == 2);  // 14:00 in Moscow, at both places
    CHECK(slots[0]["location"] == "salon-a");
    CHECK(slots[1]["location"] == "salon-b");
    CHECK(slots[1]["resources"] == json::array({"anna"}));

    const outcome booked = salon.db("book cut anna 2026-03-02T06:00:00Z --location salon-a --client c1");
    REQUIRE(booked.status == 0);
    const std::string id = json::parse(booked.out)["id"];
    // Where the booking can move: its own time is free again when it is left out.
    const json moves =
        json::parse(salon.db("slots cut --from 2026-03-02T06:00:00Z --to 2026-03-02T06:00:01Z --ignore-booking " + id).out)["slots"];
    REQUIRE(moves.size() == 1);
    CHECK(salon.db("check cut anna 2026-03-02T06:00:00Z").status == 4);
    CHECK(json::parse(salon.db("check cut anna 2026-03-02T06:00:00Z").out)["reasons"][0]["code"] == "busy");
    CHECK(json::parse(salon.db("check cut anna 2026-03-02T06:00:00Z --ignore-booking " + id).out)["bookable"] == true);
    // 09:00 is not open at salon B: refused with the reason, and the booking stays.
    CHECK(salon.refusal("reschedule " + id + " 2026-03-02T06:00:00Z --location salon-b", 4)["reasons"][0]["code"] ==
          "outside_hours");
    const outcome moved = salon.db("reschedule " + id + " 2026-03-02T12:00:00Z --location salon-b");
    REQUIRE(moved.status == 0);
    CHECK(json::parse(moved.out)["location"] == "salon-b");
    CHECK(json::parse(moved.out)["start"] == "2026-03-02T12:00:00Z");
    CHECK(salon.refusal("reschedule " + id + " 2026-03-02T12:00:00Z --location mars", 3)["field"] == "location");
    CHECK(salon.refusal("check cut anna 2026-03-02T06:00:00Z --ignore-booking bk_none", 3)["field"] == "ignore_booking");
}

TEST_CASE("--db schedule set --anchor --week stores a rotation whose weeks take turns, and refuses bad weeks naming them") {
    salon_db salon;
    // Anna also teaches yoga at salon B, Mondays 14:00-15:00 Moscow time, every other week.
    REQUIRE(salon.db("schedule set anna salon-b --anchor 2026-03-04 --week 'mon=14:00-15:00;fri=off' --week off").status ==
            0);
    const auto yoga_at_b = [&](const std::string& day) {
        return json::parse(salon.db("slots yoga --location salon-b --from " + day + "T00:00:00Z --to " + day +
                                    "T23:59:00Z")
                               .out)["slots"];
    };
    REQUIRE(yoga_at_b("2026-03-02").size() == 1);
    CHECK(yoga_at_b("2026-03-02")[0]["start"] == "2026-03-02T11:00:00Z");
    CHECK(yoga_at_b("2026-03-09").empty());
    CHECK(yoga_at_b("2026-03-16")[0]["start"] == "2026-03-16T11:00:00Z");
    CHECK(json::parse(salon.db("check yoga anna 2026-03-09T11:00:00Z --location salon-b").out)["reasons"][0]["code"] ==
          "outside_hours");
    const std::string listed = salon.db("resource list").out;
    const json anna = json::parse(listed.substr(0, listed.find('\n')));
    CHECK(anna["schedules"][1]["rotation"]["anchor"] == "2026-03-04");
    CHECK(anna["schedules"][1]["rotation"]["weeks"].size() == 2);

    const std::size_t before = salon.audit_size();
    CHECK(salon.refusal("schedule set anna salon-b --week mon=14:00-15:00", 2)["field"] == "anchor");
    CHECK(salon.refusal("schedule set anna salon-b --anchor 2026-02-30 --week off", 2)["field"] == "anchor");
    CHECK(salon.refusal("schedule set anna salon-b --anchor 2026-03-04", 2)["field"] == "week");
    CHECK(salon.refusal("schedule set anna salon-b --anchor 2026-03-04 --week moon=14:00-15:00", 2)["field"] == "week");
    CHECK(salon.refusal("schedule set anna salon-b --anchor 2026-03-04 --week 'mon 14:00-15:00'", 2)["field"] == "week");
    CHECK(salon.refusal("schedule set anna salon-b --anchor 2026-03-04 --week mon=14:00-25:00", 2)["field"] == "week[1]");
    CHECK(salon.refusal("schedule set anna salon-b --tue 09:00-10:00 --anchor 2026-03-04 --week off", 2)["field"] ==
          "week");
    std::string too_many = "schedule set anna salon-b --anchor 2026-03-04";
    for (int i = 0; i < 53; ++i) too_many += " --week off";
    CHECK(salon.refusal(too_many, 2)["field"] == "week");
    CHECK(salon.audit_size() == before);
    CHECK(salon.db("resource list").out == listed);
}

TEST_CASE("--db: a limit per client drops a client's second cut of the day from slots, check and book") {
    salon_db salon;
    REQUIRE(salon.db("service add cut --duration 45 --step 15 --buffer-after 15 --location salon-a "
                     "--max-per-client-per-day 1").status == 0);
    REQUIRE(salon.db("client add c2 --name Olga").status == 0);
    REQUIRE(salon.db("book cut anna 2026-03-02T06:00:00Z --client c1").status == 0);
    const auto monday = [&](const std::string& client) {
        return json::parse(salon.db("slots cut --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z" + client).out)["slots"];
    };
    CHECK(monday(" --client c1").empty());
    CHECK(monday(" --client c2").size() > 5);
    CHECK(monday("").size() == monday(" --client c2").size());
    const json refused = salon.refusal("book cut anna 2026-03-02T09:00:00Z --client c1", 4);
    CHECK(refused["reasons"][0]["code"] == "client_limit");
    CHECK(json::parse(salon.db("check cut anna 2026-03-02T09:00:00Z --client c1").out)["reasons"][0]["code"] ==
          "client_limit");
    CHECK(salon.db("book cut anna 2026-03-02T09:00:00Z --client c2").status == 0);
    CHECK(salon.refusal("slots cut --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z --client nobody", 3)["field"] ==
          "client");
    CHECK(salon.refusal("service add cut --duration 45 --max-seats-per-client -1", 2)["field"] == "max_seats_per_client");
}

TEST_CASE("--db: service add --assign orders the free masters of a slot, and bad weights name the option") {
    salon_db salon;
    for (const char* command : {"resource add boris --tz Europe/Moscow", "schedule set boris salon-a --mon 09:00-18:00",
                                "link boris cut"})
        REQUIRE(salon.db(command).status == 0);
    REQUIRE(salon.db("book cut anna 2026-03-02T06:00:00Z --client c1").status == 0);
    // 15:00 in Moscow: both free; Anna has one booking that day, Boris none.
    const auto masters_at_three = [&] {
        const json answer = json::parse(salon.db("slots cut --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z").out);
        for (const json& slot : answer["slots"])
            if (slot["start"] == "2026-03-02T12:00:00Z") return slot["resources"];
        return json();
    };
    const std::string cut = "service add cut --duration 45 --step 15 --buffer-after 15 --location salon-a";
    CHECK(masters_at_three() == json::array({"boris", "anna"}));
    REQUIRE(salon.db(cut + " --assign priority --priority anna=2").status == 0);
    CHECK(masters_at_three() == json::array({"anna", "boris"}));
    REQUIRE(salon.db(cut + " --assign weighted --weight anna=2 --weight boris=0").status == 0);
    CHECK(masters_at_three() == json::array({"anna", "boris"}));  // weight 0 comes last

    const std::size_t before = salon.audit_size();
    CHECK(salon.refusal(cut + " --assign random", 2)["field"] == "assign");
    CHECK(salon.refusal(cut + " --weight anna", 2)["field"] == "weight");
    CHECK(salon.refusal(cut + " --weight anna=two", 2)["field"] == "weight");
    CHECK(salon.refusal(cut + " --priority anna=1 --priority anna=2", 2)["field"] == "priority");
    CHECK(salon.refusal(cut + " --weight anna=-1", 2)["field"] == "assign.weights");
    CHECK(salon.refusal(cut + " --assign weighted --weight ghost=1", 3)["field"] == "assign.weights");
    CHECK(salon.audit_size() == before);
    CHECK(masters_at_three() == json::array({"anna", "boris"}));
}

TEST_CASE("--db: a service with --pool books the master and a free room together, lists the rooms and refuses a busy one (SPEC §10)") {
    salon_db salon;
    for (const char* command : {"resource add boris --tz Europe/Moscow", "schedule set boris salon-a --mon 09:00-18:00",
                                "resource add room-1 --tz Europe/Moscow", "schedule set room-1 salon-a --mon 10:00-12:00",
                                "service add color --duration 60 --location salon-a --pool room=room-1",
                                "link anna color", "link boris color"})
        REQUIRE(salon.db(command).status == 0);
    const json monday =
        json::parse(salon.db("slots color --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z").out)["slots"];
    REQUIRE(monday.size() == 2);  // 10:00 and 11:00 Moscow: the room's hours
    CHECK(monday[0]["start"] == "2026-03-02T07:00:00Z");
    CHECK(monday[0]["resources"] == json::array({"anna", "boris"}));
    CHECK(monday[0]["pools"] == json{{"room", {"room-1"}}});

    const outcome booked = salon.db("book color anna 2026-03-02T07:00:00Z --client c1 --pool-member room=room-1");
    REQUIRE(booked.status == 0);
    const std::string anna_id = json::parse(booked.out)["id"];
    const json refused = salon.refusal("book color boris 2026-03-02T07:00:00Z", 4);
    CHECK(refused["reasons"][0]["code"] == "pool_busy");
    CHECK(json::parse(salon.db("check color boris 2026-03-02T07:00:00Z").out)["reasons"][0]["code"] == "pool_busy");
    CHECK(salon.db("book color boris 2026-03-02T08:00:00Z").status == 0);
    CHECK(json::parse(salon.db("slots color --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z").out)["slots"].empty());
    // Cancelling Anna's booking gives the room back.
    REQUIRE(salon.db("cancel " + anna_id).status == 0);
    CHECK(json::parse(salon.db("slots color --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z").out)["slots"].size() ==
          1);

    const std::size_t before = salon.audit_size();
    CHECK(salon.refusal("service add color --duration 60 --pool room", 2)["field"] == "pool");
    CHECK(salon.refusal("service add color --duration 60 --pool room=room-1 --pool room=anna", 2)["field"] == "pool");
    CHECK(salon.refusal("service add color --duration 60 --pool room=room-1,", 2)["field"] == "pools[0].resources[1]");
    CHECK(salon.refusal("service add color --duration 60 --pool room=ghost", 3)["field"] == "pools[0].resources[0]");
    CHECK(salon.refusal("book color anna 2026-03-02T07:00:00Z --pool-member desk=room-1", 2)["field"] ==
          "pool_members.desk");
    CHECK(salon.refusal("book color anna 2026-03-02T07:00:00Z --pool-member room", 2)["field"] == "pool_member");
    CHECK(salon.refusal("check color anna 2026-03-02T07:00:00Z --pool-member room=anna", 2)["field"] ==
          "pool_members.room");
    CHECK(salon.audit_size() == before);
}

TEST_CASE("--db waitlist: a client waits, process offers the freed start as a hold once, and leave releases it") {
    salon_db salon;
    REQUIRE(salon.db("client add c2 --name Olga").status == 0);
    const outcome taken = salon.db("book cut anna 2026-03-02T06:00:00Z --client c1");
    REQUIRE(taken.status == 0);
    const outcome joined =
        salon.db("waitlist join c2 cut --from 2026-03-02T06:00:00Z --to 2026-03-02T06:01:00Z --offer-minutes 20");
    REQUIRE(joined.status == 0);
    const json entry = json::parse(joined.out);
    CHECK(entry["status"] == "waiting");
    CHECK(entry["offer_ttl"] == 20);
    CHECK(salon.db("waitlist process").out.empty());  // 09:00 Moscow is taken

    REQUIRE(salon.db("cancel " + json::parse(taken.out)["id"].get<std::string>()).status == 0);
    const outcome processed = salon.db("waitlist process");
    REQUIRE(processed.status == 0);
    const json offer = json::parse(processed.out);
    CHECK(offer["entry"]["id"] == entry["id"]);
    CHECK(offer["hold"]["client"] == "c2");
    CHECK(offer["hold"]["status"] == "held");
    CHECK(offer["hold"]["expires"] == "2026-03-01T00:20:00Z");
    CHECK(salon.db("waitlist process").out.empty());  // offered once
    const json listed = json::parse(salon.db("waitlist list c2").out);
    CHECK(listed["status"] == "offered");

    const json left = json::parse(salon.db("waitlist leave " + entry["id"].get<std::string>()).out);
    CHECK(left["status"] == "left");
    CHECK(json::parse(salon.db("check cut anna 2026-03-02T06:00:00Z").out)["bookable"] == true);

    const std::size_t before = salon.audit_size();
    const std::string range = " --from 2026-03-02T06:00:00Z --to 2026-03-02T07:00:00Z";
    CHECK(salon.refusal("waitlist join nobody cut" + range, 3)["field"] == "client");
    CHECK(salon.refusal("waitlist join c2 massage" + range, 3)["field"] == "service");
    CHECK(salon.refusal("waitlist join c2 cut --from 2026-03-02T07:00:00Z --to 2026-03-02T06:00:00Z", 2)["field"] ==
          "window");
    CHECK(salon.refusal("waitlist join c2 cut --from tomorrow --to 2026-03-02T06:00:00Z", 2)["field"] == "from");
    CHECK(salon.refusal("waitlist join c2 cut" + range + " --offer-minutes 0", 2)["field"] == "offer_ttl");
    CHECK(salon.refusal("waitlist join c2 cut" + range + " --seats 0", 2)["field"] == "seats");
    CHECK(salon.refusal("waitlist leave wl_nope", 3)["field"] == "id");
    CHECK(salon.audit_size() == before);
}

TEST_CASE("--db archive retires a location, resource or service, and list shows it only with --archived") {
    salon_db salon;
    const outcome booked = salon.db("book cut anna 2026-03-02T06:00:00Z --client c1");
    REQUIRE(booked.status == 0);
    const std::string id = json::parse(booked.out)["id"];
    const std::size_t before = salon.audit_size();
    // A resource with a booking not yet ended cannot be archived.
    CHECK(salon.refusal("archive resource anna", 4)["field"] == "id");
    CHECK(salon.refusal("archive service cut", 4)["field"] == "id");
    CHECK(salon.refusal("archive location salon-a", 4)["field"] == "id");
    CHECK(salon.refusal("archive planet anna", 2)["field"] == "kind");
    CHECK(salon.refusal("archive location nowhere", 3)["field"] == "id");
    CHECK(salon.audit_size() == before);

    REQUIRE(salon.db("cancel " + id).status == 0);
    REQUIRE(salon.db("archive service cut").status == 0);
    CHECK(salon.audit_size() == before + 2);
    CHECK(salon.db("service list").out.find("\"cut\"") == std::string::npos);
    CHECK(salon.db("service list --archived").out.find("\"archived\":true") != std::string::npos);
    CHECK(salon.refusal("slots cut --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z", 4)["field"] == "service");
    CHECK(salon.refusal("book cut anna 2026-03-02T08:00:00Z", 4)["field"] == "service");
    CHECK(salon.db("bookings --client c1 --past").out.find(id) != std::string::npos);  // its bookings stay readable
    REQUIRE(salon.db("restore service cut").status == 0);
    CHECK(salon.db("book cut anna 2026-03-02T08:00:00Z").status == 0);
    REQUIRE(salon.db("archive location salon-b").status == 0);
    CHECK(salon.db("location list").out.find("salon-b") == std::string::npos);
    CHECK(salon.db("location list --archived").out.find("salon-b") != std::string::npos);
}

TEST_CASE("--db: an argument that is not UTF-8 or holds a control character is refused naming the field, and nothing is written") {
    salon_db salon;
    const std::size_t before = salon.audit_size();
    CHECK(salon.refusal("location add annex --name 'bad\xffname'", 2)["field"] == "name");  // was a crash
    CHECK(salon.refusal("location add annex --name \"$(printf 'one\\ntwo')\"", 2)["field"] == "name");
    CHECK(salon.refusal("--actor 'x\xc3' location add annex", 2)["field"] == "actor");
    CHECK(salon.audit_size() == before);
    CHECK(salon.db("location add annex --name 'Салон «Анна»'").status == 0);
}

TEST_CASE("--db: minutes beyond their bounds are refused naming the field, and nothing is written") {
    salon_db salon;
    const std::size_t before = salon.audit_size();
    CHECK(salon.refusal("service add far --duration 30 --max-advance 2147483648", 2)["field"] == "max_advance");
    CHECK(salon.refusal("service add far --duration 30 --max-advance 5270401", 2)["field"] == "max_advance");
    CHECK(salon.refusal("service add far --duration 527041", 2)["field"] == "duration");
    CHECK(salon.refusal("settings --reminders 2147483648", 2)["field"] == "reminder_offsets[0]");
    CHECK(salon.refusal("settings --reminders 60,60", 2)["field"] == "reminder_offsets[1]");
    CHECK(salon.refusal("settings --default-step 527041", 2)["field"] == "default_step");
    CHECK(salon.refusal("hold cut anna 2026-03-02T06:00:00Z --ttl 1000000000000", 2)["field"] == "ttl");
    CHECK(salon.audit_size() == before);
    CHECK(salon.db("service add far --duration 30 --max-advance 5270400").status == 0);  // ten years is the bound
}
