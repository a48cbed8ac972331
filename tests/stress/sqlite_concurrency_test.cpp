// The SQLite store never double-books under concurrency and survives a SIGKILL.
//
// Worker processes (tests/stress/booking_worker.cpp) book a small set of hot
// starts in one file, each with several threads; afterwards the file is read
// with the sqlite3 C API and plain SQL, independently of slotcraft's code.
#include <slotcraft/scheduler.hpp>
#include <slotcraft/storage/sqlite_store.hpp>

#include "workers.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>

using namespace slotcraft;
using namespace std::chrono_literals;

namespace {

using namespace slotcraft::test;

/// A read-only sqlite3 connection; slotcraft's code is not involved.
class raw_db {
public:
    explicit raw_db(const std::string& path) {
        const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
        REQUIRE_MESSAGE(rc == SQLITE_OK, "cannot open " << path << ": " << sqlite3_errstr(rc));
        sqlite3_busy_timeout(db_, 5000);
    }
    raw_db(const raw_db&) = delete;
    raw_db& operator=(const raw_db&) = delete;
    ~raw_db() { sqlite3_close_v2(db_); }

    /// The first column of the first row, as text (empty when there is no row).
    std::string text(const std::string& sql, std::optional<std::int64_t> p1 = {}, const std::string& p2 = {}) {
        sqlite3_stmt* stmt = nullptr;
        const int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
        REQUIRE_MESSAGE(rc == SQLITE_OK, sqlite3_errmsg(db_) << " in " << sql);
        if (p1) sqlite3_bind_int64(stmt, 1, *p1);
        if (!p2.empty()) sqlite3_bind_text(stmt, p1 ? 2 : 1, p2.c_str(), -1, SQLITE_TRANSIENT);
        std::string out;
        const int step = sqlite3_step(stmt);
        if (step == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr)
            out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        const bool ok = step == SQLITE_ROW || step == SQLITE_DONE;
        const std::string message = sqlite3_errmsg(db_);
        sqlite3_finalize(stmt);
        REQUIRE_MESSAGE(ok, message << " in " << sql);
        return out;
    }
    std::int64_t count(const std::string& sql, std::optional<std::int64_t> p1 = {}) {
        return std::stoll(text(sql, p1));
    }
    /// The status of booking `id`, empty when there is no such booking.
    std::string status_of(const std::string& id) { return text("SELECT status FROM bookings WHERE id = ?1", {}, id); }

private:
    sqlite3* db_ = nullptr;
};

// Active bookings with their padded intervals; ?1 is the worker's `now`.
constexpr const char* active_bookings =
    "WITH active AS ("
    "  SELECT b.id, b.resource_id, b.service_id, b.start_s, b.seats,"
    "         b.start_s - 60 * b.buffer_before_min AS padded_start, b.end_s + 60 * b.buffer_after_min AS padded_end,"
    "         json_extract(s.service, '$.capacity') AS capacity"
    "  FROM bookings b JOIN services s ON s.id = b.service_id"
    "  WHERE b.status = 'confirmed' OR (b.status = 'held' AND b.expires_s > ?1)) ";

/// Pairs of active bookings of one resource whose padded intervals overlap,
/// except seats of one group slot (same group service, same start).
const std::string overlapping_pairs =
    std::string(active_bookings) +
    "SELECT count(*) FROM active a JOIN active b ON a.resource_id = b.resource_id AND a.id < b.id"
    " AND a.padded_start < b.padded_end AND b.padded_start < a.padded_end"
    " WHERE NOT (a.service_id = b.service_id AND a.capacity > 1 AND a.start_s = b.start_s)";

/// Slots (resource, service, start) whose active seats exceed the service's capacity.
const std::string overfull_slots =
    std::string(active_bookings) +
    "SELECT count(*) FROM (SELECT 1 FROM active GROUP BY resource_id, service_id, start_s"
    " HAVING sum(seats) > max(capacity))";

/// Group slots holding more than one booking (the seats path was exercised).
const std::string shared_group_slots =
    std::string(active_bookings) +
    "SELECT count(*) FROM (SELECT 1 FROM active WHERE capacity > 1 GROUP BY resource_id, service_id, start_s"
    " HAVING count(*) > 1)";


}  // namespace

TEST_CASE("several threads and 4 processes booking hot starts never double-book") {
    scratch files;
    run_worker(files, "setup", {files.db(), "0", "0", "--setup"});

    // 4 processes of 2 threads each, booking for 3 s whatever the machine's speed.
    constexpr int processes = 4;
    const auto started = std::chrono::steady_clock::now();
    std::vector<worker> workers;
    for (int i = 0; i < processes; ++i)
        workers.push_back(spawn_worker(files, "w" + std::to_string(i),
                                       {files.db(), std::to_string(1000 + i), "1000000", "--threads", "2",
                                        "--max-seconds", "3"}));
    const contended_run run = collect(workers, started);
    const printed& all = run.all;
    // The test contended: bookings were made and others were refused, group
    // slots among them, and processes were refused because of each other.
    CHECK(all.ok.size() > 0);
    CHECK(all.refused > 0);
    CHECK(all.refused_no_seats > 0);
    CHECK(run.refused_across > 0);

    raw_db db(files.db());
    CHECK(db.text("PRAGMA integrity_check") == "ok");
    CHECK(db.count(overlapping_pairs, worker_now_s) == 0);
    CHECK(db.count(overfull_slots, worker_now_s) == 0);
    MESSAGE("group slots shared by several bookings: " << db.count(shared_group_slots, worker_now_s));
    check_ids_match([&](const std::string& id) { return db.status_of(id); }, all);
    // Every worker finished, so every committed booking was printed, and each
    // booking was committed together with its audit entry.
    CHECK(db.count("SELECT count(*) FROM bookings") == static_cast<std::int64_t>(all.ok.size()));
    CHECK(db.count("SELECT count(*) FROM audit WHERE action = 'book'") == static_cast<std::int64_t>(all.ok.size()));
    CHECK(db.count("SELECT count(*) FROM audit WHERE action = 'cancel'") ==
          static_cast<std::int64_t>(all.cancelled.size()));
}

TEST_CASE("several threads and 4 processes booking, holding, moving and cancelling never double-book, and each "
          "change is audited once") {
    scratch files;
    run_worker(files, "setup", {files.db(), "0", "0", "--setup"});
    const auto started = std::chrono::steady_clock::now();
    std::vector<worker> workers;
    for (int i = 0; i < 4; ++i)
        workers.push_back(spawn_worker(files, "w" + std::to_string(i),
                                       {files.db(), std::to_string(5000 + i), "1000000", "--threads", "2",
                                        "--max-seconds", "3", "--random-times", "--moves"}));
    const contended_run run = collect(workers, started);
    const printed& all = run.all;
    // Every kind of change ran, against the other processes.
    CHECK(all.held.size() > 0);
    CHECK(all.moves > 0);
    CHECK(all.cancelled.size() > 0);
    CHECK(run.refused_across > 0);

    raw_db db(files.db());
    CHECK(db.text("PRAGMA integrity_check") == "ok");
    CHECK(db.count(overlapping_pairs, worker_now_s) == 0);
    CHECK(db.count(overfull_slots, worker_now_s) == 0);
    check_ids_match([&](const std::string& id) { return db.status_of(id); }, all);
    CHECK(db.count("SELECT count(*) FROM bookings") == static_cast<std::int64_t>(all.ok.size()));
    check_changes(
        all,
        [&](const std::string& id) -> std::optional<std::int64_t> {
            const std::string start = db.text("SELECT start_s FROM bookings WHERE id = ?1", {}, id);
            if (start.empty()) return std::nullopt;
            return std::stoll(start);
        },
        [&](const std::string& action) {
            return std::stoll(db.text("SELECT count(*) FROM audit WHERE action = ?1", {}, action));
        });
}

TEST_CASE("a writer killed with SIGKILL leaves a file that opens, passes integrity_check and holds exactly the "
          "committed bookings") {
    scratch files;
    run_worker(files, "setup", {files.db(), "0", "0", "--setup"});

    const worker w = spawn_worker(files, "victim", {files.db(), "77", "100000000", "--pause-us", "0"});
    const auto started = std::chrono::steady_clock::now();
    std::size_t ok_lines = 0;
    for (;;) {
        printed so_far;
        so_far.add(slurp(w.out));
        ok_lines = so_far.ok.size();
        if (seconds_since(started) >= 1.0 && ok_lines >= 20) break;
        int status = 0;
        const pid_t done = ::waitpid(w.pid, &status, WNOHANG);
        REQUIRE_MESSAGE(done == 0, "the worker ended before it was killed; stderr: " << slurp(w.err));
        if (seconds_since(started) > 15.0) {
            ::kill(w.pid, SIGKILL);
            (void)wait_for(w);
            FAIL("the worker printed only " << ok_lines << " OK lines in 15 s");
        }
        std::this_thread::sleep_for(20ms);
    }
    REQUIRE(::kill(w.pid, SIGKILL) == 0);
    CHECK(wait_for(w) == -SIGKILL);

    printed out;
    out.add(slurp(w.out));
    CHECK(out.other == 0);
    MESSAGE("killed after " << seconds_since(started) << " s: " << out.ok.size() << " OK, " << out.refused
                            << " REFUSED, " << out.cancelled.size() << " CANCEL printed");
    REQUIRE(out.ok.size() >= 20);

    std::int64_t stored = 0;
    {
        raw_db db(files.db());
        CHECK(db.text("PRAGMA integrity_check") == "ok");
        const id_check ids = check_printed_ids([&](const std::string& id) { return db.status_of(id); }, out);
        CHECK_MESSAGE(ids.missing == 0, ids.example);
        CHECK_MESSAGE(ids.wrong_status == 0, ids.example);
        CHECK(ids.cancelled_unknown == 0);
        stored = db.count("SELECT count(*) FROM bookings");
        CHECK(stored >= static_cast<std::int64_t>(out.ok.size()));
        // The worker has one change in flight: a booking or a cancellation may
        // have committed while the process was being killed, before its line.
        const auto unprinted = stored - static_cast<std::int64_t>(out.ok.size()) +
                               static_cast<std::int64_t>(ids.unprinted_cancel);
        MESSAGE("changes committed but not printed: " << unprinted);
        CHECK(unprinted <= 1);
        // Each change was committed together with its audit entry.
        CHECK(db.count("SELECT count(*) FROM audit WHERE action = 'book'") == stored);
        CHECK(db.count("SELECT count(*) FROM audit WHERE action = 'cancel'") ==
              db.count("SELECT count(*) FROM bookings WHERE status = 'cancelled'"));
        CHECK(db.count(overlapping_pairs, worker_now_s) == 0);
    }

    // The store opens the file again and books a start the worker never tried.
    const auto backend = open_sqlite_store(files.db());
    scheduler s(*backend);
    const instant now{std::chrono::seconds{worker_now_s}};
    const instant evening = parse_instant("2030-06-03T20:00:00+02:00");
    const booking_record fresh =
        s.book({.resource = "r1", .service = "cut", .client = "c1", .start = evening}, now);
    CHECK(fresh.status == booking_status::confirmed);
    raw_db db(files.db());
    CHECK(db.count("SELECT count(*) FROM bookings") == stored + 1);
    CHECK(db.status_of(fresh.id) == "confirmed");
}

TEST_CASE("four processes opening a fresh file at once all succeed") {
    // Each round, 4 processes create the same new file at the same moment:
    // one switches it to WAL and creates the schema while the others look at it.
    constexpr int rounds = 20;
    constexpr int processes = 4;
    int failed = 0;
    std::string first_failure;
    const auto started = std::chrono::steady_clock::now();
    for (int round = 0; round < rounds; ++round) {
        scratch files;
        const std::string start = start_in(100ms);
        std::vector<worker> workers;
        for (int i = 0; i < processes; ++i)
            workers.push_back(spawn_worker(files, "open" + std::to_string(i),
                                           {files.db(), std::to_string(i), "0", "--setup", "--start-at-ms", start}));
        for (std::size_t i = 0; i < workers.size(); ++i) {
            if (wait_for(workers[i]) == 0) continue;
            ++failed;
            if (first_failure.empty()) first_failure = "round " + std::to_string(round) + ": " + slurp(workers[i].err);
        }
        raw_db db(files.db());
        CHECK(db.count("PRAGMA application_id") == sqlite_application_id);
        CHECK(db.count("PRAGMA user_version") == sqlite_schema_version());
        CHECK(db.text("PRAGMA journal_mode") == "wal");
        CHECK(db.text("PRAGMA integrity_check") == "ok");
    }
    MESSAGE(rounds << " rounds of " << processes << " processes took " << seconds_since(started) << " s; " << failed
                   << " of " << rounds * processes << " failed");
    CHECK_MESSAGE(failed == 0, first_failure);
}

TEST_CASE("writers in other processes are not starved") {
    scratch files;
    run_worker(files, "setup", {files.db(), "0", "0", "--setup"});

    // 4 processes of 2 threads, starting together, that start each transaction
    // as soon as the last one committed: every process must get the write lock
    // now and then, and none may be left far behind the others.
    constexpr int processes = 4;
    const auto started = std::chrono::steady_clock::now();
    const std::string start = start_in(200ms);
    std::vector<worker> workers;
    for (int i = 0; i < processes; ++i)
        workers.push_back(spawn_worker(files, "w" + std::to_string(i),
                                       {files.db(), std::to_string(2000 + i), "1000000", "--threads", "2",
                                        "--pause-us", "0", "--max-seconds", "4", "--start-at-ms", start}));
    std::vector<int> codes;
    for (const worker& w : workers) codes.push_back(wait_for(w));
    const double elapsed = seconds_since(started);

    printed all;
    std::vector<printed> each(workers.size());
    std::ostringstream per_worker;
    for (std::size_t i = 0; i < workers.size(); ++i) {
        printed& one = each[i];
        one.add(slurp(workers[i].out));
        CHECK_MESSAGE(codes[i] == 0, "worker " << i << " stderr: " << slurp(workers[i].err));
        CHECK(one.other == 0);
        CHECK_MESSAGE(one.ok.size() > 0, "worker " << i << " booked nothing");
        CHECK(one.calls_by_thread.size() == 2);
        per_worker << (i == 0 ? "" : "; ") << "w" << i << " " << one.ok.size() << " OK + " << one.refused
                   << " REFUSED + " << one.cancelled.size() << " CANCEL, calls by thread";
        for (const long n : one.calls_by_thread) per_worker << " " << n;
        per_worker << ", worst call " << one.worst_ms.value_or(-1) << " ms, open " << one.open_ms.value_or(-1) << " ms";
        all.ok.insert(all.ok.end(), one.ok.begin(), one.ok.end());
        all.cancelled.insert(all.cancelled.end(), one.cancelled.begin(), one.cancelled.end());
    }
    MESSAGE(processes << " workers took " << elapsed << " s: " << per_worker.str());
    // Progress, not speed: every thread of every worker completed at least a
    // tenth as many calls as the busiest thread. A thread that keeps missing
    // the lock completes a handful, however long the run.
    long most = 0;
    for (const printed& one : each)
        for (const long n : one.calls_by_thread) most = std::max(most, n);
    for (std::size_t i = 0; i < each.size(); ++i)
        for (std::size_t t = 0; t < each[i].calls_by_thread.size(); ++t)
            CHECK_MESSAGE(each[i].calls_by_thread[t] * 10 >= most, "worker " << i << " thread " << t << " completed "
                                                                            << each[i].calls_by_thread[t]
                                                                            << " calls, the busiest thread " << most);

    raw_db db(files.db());
    CHECK(db.count(overlapping_pairs, worker_now_s) == 0);
    CHECK(db.count(overfull_slots, worker_now_s) == 0);
    CHECK(db.count("SELECT count(*) FROM bookings") == static_cast<std::int64_t>(all.ok.size()));
}
