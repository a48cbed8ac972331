// The CLI on a PostgreSQL database (`--db postgresql://...`): the same
// commands as on a SQLite file, and a clear error for a server it cannot reach.
#include "../cli/run_cli.hpp"
#include "postgres_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace {

using nlohmann::json;
using slotcraft::test::outcome;

/// Runs `slotcraft --db URI --json --now 2026-03-01T00:00:00Z ARGS`.
outcome cli(const std::string& uri, const std::string& args) {
    return slotcraft::test::run("--db '" + uri + "' --json --now 2026-03-01T00:00:00Z " + args, "");
}

}  // namespace

TEST_CASE("the CLI books, refuses a double booking with its reason, marks attendance, reports and cancels on a PostgreSQL database") {
    slotcraft::test::scratch_schema schema;
    const std::string uri = schema.uri();
    for (const char* command : {"location add salon-a", "resource add anna --tz Europe/Moscow",
                                "schedule set anna salon-a --mon 09:00-18:00 --break 13:00-14:00",
                                "service add cut --duration 45 --step 15 --buffer-after 15 --location salon-a",
                                "link anna cut", "client add c1 --name Ivan --telegram 1001"})
        REQUIRE_MESSAGE(cli(uri, command).status == 0, command);

    const outcome free = cli(uri, "slots cut --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z");
    REQUIRE(free.status == 0);
    const json slots = json::parse(free.out)["slots"];
    REQUIRE(slots.size() > 10);
    CHECK(slots[0]["start"] == "2026-03-02T06:00:00Z");  // 09:00 in Moscow

    const outcome booked = cli(uri, "book cut anna 2026-03-02T06:00:00Z --client c1");
    REQUIRE(booked.status == 0);
    const std::string id = json::parse(booked.out)["id"];

    const outcome again = cli(uri, "book cut anna 2026-03-02T06:30:00Z --client c1");
    CHECK(again.status == 4);
    const json refusal = json::parse(again.out, nullptr, false);
    REQUIRE_MESSAGE(refusal.contains("error"), again.out << again.err);
    CHECK(refusal["error"]["reasons"][0]["code"] == "busy");

    const outcome attended = slotcraft::test::run(
        "--db '" + uri + "' --json --now 2026-03-02T07:00:00Z attend " + id + " attended", "");
    REQUIRE(attended.status == 0);
    CHECK(json::parse(attended.out)["attendance"] == "attended");
    const std::string period = "--from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z";
    CHECK(cli(uri, "report --kind attendance " + period).out.find("\r\nanna,,1,1,0,0,0\r\n") != std::string::npos);
    CHECK(cli(uri, "report --kind load " + period).out.find("\r\nanna,,Europe/Moscow,2026-03-02,1,8.00,0.75,") !=
          std::string::npos);

    CHECK(cli(uri, "cancel " + id).status == 0);
    CHECK(cli(uri, "book cut anna 2026-03-02T06:30:00Z --client c1").status == 0);
    const outcome audit = cli(uri, "audit");
    CHECK(audit.status == 0);
    CHECK(audit.out.find("\"cancel\"") != std::string::npos);
}

TEST_CASE("the CLI reports a PostgreSQL server it cannot reach as a storage error, without the password") {
    const outcome r = cli("postgresql://someone:s3cret-pw@127.0.0.1:1/nowhere?connect_timeout=2", "audit");
    CHECK(r.status == 5);
    CHECK((r.out + r.err).find("postgresql") != std::string::npos);
    CHECK((r.out + r.err).find("s3cret-pw") == std::string::npos);
}
