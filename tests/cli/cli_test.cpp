// The slotcraft CLI, run as a process: SPEC §8 answers and §7 refusals.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct outcome {
    int status = -1;
    std::string out;
    std::string err;
};

std::string slurp(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Runs `slotcraft ARGS` with `input` on stdin.
outcome run(const std::string& args, const std::string& input) {
    static std::atomic<int> counter{0};
    const fs::path dir = fs::temp_directory_path() / ("slotcraft-cli-test-" + std::to_string(::getpid()) + "-" +
                                                      std::to_string(counter++));
    fs::create_directories(dir);
    std::ofstream(dir / "in") << input;
    const std::string command = std::string("'") + SLOTCRAFT_CLI + "' " + args + " < '" + (dir / "in").string() +
                                "' > '" + (dir / "out").string() + "' 2> '" + (dir / "err").string() + "'";
    const int raw = std::system(command.c_str());
    outcome result{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(dir / "out"), slurp(dir / "err")};
    fs::remove_all(dir);
    return result;
}

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

TEST_CASE("explain names the booking in the way") {
    const outcome r = run("explain --start 2026-03-02T08:30:00Z", query().dump());
    REQUIRE(r.status == 0);
    const json answer = json::parse(r.out);
    CHECK(answer["resources"][0]["bookable"] == false);
    CHECK(answer["resources"][0]["reasons"][0]["code"] == "busy");
    const outcome free = run("explain --start 2026-03-02T08:00:00Z", query().dump());
    CHECK(json::parse(free.out)["resources"][0]["bookable"] == true);
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
