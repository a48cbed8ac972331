// The PostgreSQL store never double-books or over-sells with many processes
// on one database. Worker processes (tests/stress/booking_worker.cpp), each
// with its own connection, book hot starts and random times; afterwards the
// tables are read with plain SQL through libpqxx, independently of the
// store's code and of its constraint.
#include "../postgres/postgres_support.hpp"
#include "workers.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace slotcraft;
using namespace slotcraft::test;
using namespace std::chrono_literals;

namespace {

/// Active bookings with their padded intervals and their service's capacity
/// as it is now; $1 is the worker's `now` in seconds.
constexpr const char* active_bookings =
    "WITH active AS ("
    "  SELECT b.id, b.resource_id, b.service_id, b.start_at, b.seats,"
    "         b.start_at - b.buffer_before_min * interval '1 minute' AS padded_start,"
    "         b.end_at + b.buffer_after_min * interval '1 minute' AS padded_end,"
    "         (s.rules ->> 'capacity')::integer AS capacity"
    "  FROM bookings b JOIN services s ON s.id = b.service_id"
    "  WHERE b.status = 'confirmed' OR (b.status = 'held' AND b.expires_at > to_timestamp($1::bigint))) ";

const std::string overlapping_pairs =
    std::string(active_bookings) +
    "SELECT count(*) FROM active a JOIN active b ON a.resource_id = b.resource_id AND a.id < b.id"
    " AND a.padded_start < b.padded_end AND b.padded_start < a.padded_end"
    " WHERE NOT (a.service_id = b.service_id AND a.capacity > 1 AND a.start_at = b.start_at)";

const std::string overfull_slots =
    std::string(active_bookings) +
    "SELECT count(*) FROM (SELECT 1 FROM active GROUP BY resource_id, service_id, start_at"
    " HAVING sum(seats) > max(capacity)) AS full_slots";

const std::string shared_group_slots =
    std::string(active_bookings) +
    "SELECT count(*) FROM (SELECT 1 FROM active WHERE capacity > 1 GROUP BY resource_id, service_id, start_at"
    " HAVING count(*) > 1) AS shared";

/// The status of booking `id`, empty when there is none.
std::string status_of(pqxx::nontransaction& sql, const std::string& id) {
    const pqxx::result r = sql.exec_params("SELECT status FROM bookings WHERE id = $1", id);
    return r.empty() ? std::string() : std::string(r[0][0].c_str());
}

/// Sets the catalog up, then runs eight worker processes (seeds `seed`,
/// `seed + 1`, ...) with `options` that open the store at the same moment.
contended_run eight_workers(scratch_schema& schema, scratch& files, int seed, const std::vector<std::string>& options) {
    run_worker(files, "setup", {schema.uri(), "0", "0", "--setup"});
    const auto started = std::chrono::steady_clock::now();
    const std::string together = start_in(500ms);
    std::vector<worker> workers;
    for (int i = 0; i < 8; ++i) {
        std::vector<std::string> args{schema.uri(), std::to_string(seed + i), "1000000"};
        args.insert(args.end(), options.begin(), options.end());
        args.insert(args.end(), {"--start-at-ms", together});
        workers.push_back(spawn_worker(files, "w" + std::to_string(i), args));
    }
    return collect(workers, started);
}

}  // namespace

TEST_CASE("eight processes booking hot slots and random times on one PostgreSQL database never double-book") {
    scratch_schema schema;
    scratch files;
    const contended_run run = eight_workers(schema, files, 2000, {"--max-seconds", "4", "--random-times"});
    const printed& all = run.all;
    // The processes contended with each other, for plain slots and for seats.
    CHECK(all.refused > 0);
    CHECK(all.refused_no_seats > 0);
    CHECK(run.refused_across > 0);

    auto conn = schema.connect();
    pqxx::nontransaction sql(conn);
    const auto count = [&](const std::string& query) { return sql.exec1(query)[0].as<std::int64_t>(); };
    const auto count_at_now = [&](const std::string& query) {
        return sql.exec_params1(query, worker_now_s)[0].as<std::int64_t>();
    };
    CHECK(count_at_now(overlapping_pairs) == 0);
    CHECK(count_at_now(overfull_slots) == 0);
    MESSAGE("group slots shared by several bookings: " << count_at_now(shared_group_slots));
    check_ids_match([&](const std::string& id) { return status_of(sql, id); }, all);
    // Every worker finished, so every committed booking was printed, each
    // committed together with its audit entry.
    CHECK(count("SELECT count(*) FROM bookings") == static_cast<std::int64_t>(all.ok.size()));
    CHECK(count("SELECT count(*) FROM audit WHERE action = 'book'") == static_cast<std::int64_t>(all.ok.size()));
    CHECK(count("SELECT count(*) FROM audit WHERE action = 'cancel'") == static_cast<std::int64_t>(all.cancelled.size()));
}

TEST_CASE("eight processes booking, holding, moving and cancelling on one PostgreSQL database never double-book, "
          "and each change is audited once") {
    scratch_schema schema;
    scratch files;
    const contended_run run = eight_workers(schema, files, 4000, {"--max-seconds", "3", "--random-times", "--moves"});
    const printed& all = run.all;
    // Every kind of change ran, against the other processes.
    CHECK(all.held.size() > 0);
    CHECK(all.moves > 0);
    CHECK(all.cancelled.size() > 0);
    CHECK(run.refused_across > 0);

    auto conn = schema.connect();
    pqxx::nontransaction sql(conn);
    CHECK(sql.exec_params1(overlapping_pairs, worker_now_s)[0].as<std::int64_t>() == 0);
    CHECK(sql.exec_params1(overfull_slots, worker_now_s)[0].as<std::int64_t>() == 0);
    check_ids_match([&](const std::string& id) { return status_of(sql, id); }, all);
    CHECK(sql.exec1("SELECT count(*) FROM bookings")[0].as<std::int64_t>() == static_cast<std::int64_t>(all.ok.size()));
    check_changes(
        all,
        [&](const std::string& id) -> std::optional<std::int64_t> {
            const pqxx::result r =
                sql.exec_params("SELECT extract(epoch FROM start_at)::bigint FROM bookings WHERE id = $1", id);
            if (r.empty()) return std::nullopt;
            return r[0][0].as<std::int64_t>();
        },
        [&](const std::string& action) {
            return sql.exec_params1("SELECT count(*) FROM audit WHERE action = $1", action)[0].as<std::int64_t>();
        });
}

TEST_CASE("eight processes booking three masters who share one room never double-book the room, and every booking holds it") {
    // SPEC §10: "styling" needs a master and the room; the masters differ, so
    // only the room (its lock, and the constraint behind it) stands between them.
    scratch_schema schema;
    scratch files;
    const contended_run run = eight_workers(schema, files, 3000, {"--max-seconds", "3", "--rooms"});
    const printed& all = run.all;
    MESSAGE("refused for want of the room: " << all.refused_pool_busy);
    CHECK(all.refused_pool_busy > 0);  // masters free, the room taken by another master's booking

    auto conn = schema.connect();
    pqxx::nontransaction sql(conn);
    const auto count = [&](const std::string& query) { return sql.exec1(query)[0].as<std::int64_t>(); };
    CHECK(sql.exec_params1(overlapping_pairs, worker_now_s)[0].as<std::int64_t>() == 0);
    CHECK(count("SELECT count(*) FROM bookings WHERE resource_id = 'room1' AND status <> 'cancelled'") > 0);
    // Whole groups only: each active booking of a master holds exactly one
    // active room booking, and each active room booking belongs to an active one.
    CHECK(count("SELECT count(*) FROM bookings m WHERE m.group_id = '' AND m.status <> 'cancelled' AND "
                "(SELECT count(*) FROM bookings r WHERE r.group_id = m.id AND r.status <> 'cancelled') <> 1") == 0);
    CHECK(count("SELECT count(*) FROM bookings r WHERE r.group_id <> '' AND r.status <> 'cancelled' AND NOT EXISTS "
                "(SELECT 1 FROM bookings m WHERE m.id = r.group_id AND m.status <> 'cancelled')") == 0);
    CHECK(count("SELECT count(*) FROM bookings WHERE group_id = ''") == static_cast<std::int64_t>(all.ok.size()));
    CHECK(count("SELECT count(*) FROM bookings WHERE group_id <> '' AND resource_id = 'room1' AND pool_id = 'room'") ==
          static_cast<std::int64_t>(all.ok.size()));
}
