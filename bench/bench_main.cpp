// slotcraft_bench: slot throughput (W1-W5) and booking rate (B1: book, and
// book_many in batches of 100), each row
// run in its own child process so that its peak memory is its own; every
// slot answer is compared with the straightforward baseline (baseline.hpp),
// W5's (pools, which the baseline lacks) with explain's one-start path,
// and any difference fails the run. bench/README.md describes the workloads;
// scripts/bench builds and runs this.
//
//   slotcraft_bench [--min-time SECONDS] [--only W1,W3,B1] [--seed N]
//   slotcraft_bench --scaling [--min-time SECONDS]
//   slotcraft_bench --dump W1|W2|W3|W4|W5 [--seed N]  the query as SPEC §8 JSON

#include "baseline.hpp"
#include "workloads.hpp"

#include <slotcraft/json.hpp>
#include <slotcraft/scheduler.hpp>
#include <slotcraft/storage/open_store.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace slotcraft;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

struct options {
    double min_time = 1.0;
    std::uint64_t seed = 2026;
    std::vector<std::string> only;
    bool scaling = false;
    std::string dump;
    std::string worker;  // internal: run one row and print it as JSON
};

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

/// Peak resident set size of this process so far, in MiB.
double peak_rss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

struct timing {
    double queries_per_s = 0;
    double median_us = 0;
    std::size_t runs = 0;
};

/// Runs `work` once to warm up, then again and again for at least
/// `min_time` seconds (and at least 3 times).
timing time_it(double min_time, const std::function<void()>& work) {
    work();
    std::vector<double> each;
    const auto start = clock_type::now();
    do {
        const auto t0 = clock_type::now();
        work();
        each.push_back(seconds_since(t0));
    } while (seconds_since(start) < min_time || each.size() < 3);
    const double total = seconds_since(start);
    std::sort(each.begin(), each.end());
    return {static_cast<double>(each.size()) / total, each[each.size() / 2] * 1e6, each.size()};
}

json workload_query(const std::string& name, std::uint64_t seed) {
    if (name == "W1") return bench::w1_query(seed);
    if (name == "W2") return bench::w2_query(seed + 1);
    if (name == "W3") return bench::w3_query(seed + 2);
    if (name == "W4") return bench::w4_query(seed + 3);
    if (name == "W5") return bench::w5_query(seed + 4);
    throw std::invalid_argument("unknown workload " + name);
}

std::string describe(const slot& s) {
    return fmt::format("{} [{}] seats_left {}", format_instant(s.time.start), fmt::join(s.resources, ","), s.seats_left);
}

/// The first difference between two answers, or "".
std::string first_difference(const std::vector<slot>& fast, const std::vector<slot>& base) {
    for (std::size_t i = 0; i < std::min(fast.size(), base.size()); ++i)
        if (!(fast[i] == base[i]))
            return fmt::format("slot {}: engine {} vs baseline {}", i, describe(fast[i]), describe(base[i]));
    if (fast.size() != base.size())
        return fmt::format("engine has {} slots, baseline {}", fast.size(), base.size());
    return {};
}

/// One W row: the engine timed, its peak memory, the baseline timed, the answers compared.
json run_query_workload(const std::string& name, const options& o) {
    const slot_query query = query_from_json(workload_query(name, o.seed));
    std::size_t slots = 0;
    const timing fast = time_it(o.min_time, [&] { slots = find_slot_table(query).size(); });
    const double rss = peak_rss_mib();
    const timing with_ids = time_it(o.min_time / 4, [&] { (void)find_slots(query); });

    // The baseline has no `limit`: it computes everything and keeps the first slots.
    std::vector<slot> base;
    const timing baseline = time_it(o.min_time, [&] {
        base = bench::baseline::find_slots(query);
        if (query.limit > 0 && base.size() > query.limit) base.resize(query.limit);
    });
    std::string difference = first_difference(find_slots(query), base);
    if (difference.empty() && query.limit > 0) {
        // With a limit, the answer is the first slots of the full computation.
        slot_query full = query;
        full.limit = 0;
        std::vector<slot> all = find_slots(full);
        if (all.size() > query.limit) all.resize(query.limit);
        difference = first_difference(find_slots(query), all);
        if (!difference.empty()) difference = "limit vs full computation: " + difference;
    }
    std::size_t bookings = 0;
    for (const resource& r : query.resources) bookings += r.bookings.size();
    return {{"row", name},
            {"resources", query.resources.size()},
            {"bookings", bookings},
            {"days", (query.to - query.from) / std::chrono::days{1}},
            {"queries_per_s", fast.queries_per_s},
            {"median_us", fast.median_us},
            {"find_slots_median_us", with_ids.median_us},
            {"slots_per_query", slots},
            {"slots_per_s", fast.queries_per_s * static_cast<double>(slots)},
            {"baseline_queries_per_s", baseline.queries_per_s},
            {"baseline_median_us", baseline.median_us},
            {"speedup", baseline.median_us / fast.median_us},
            {"peak_rss_mib", rss},
            {"difference", difference}};
}

/// W5: pools have no baseline; the answer is checked against the one-start
/// path instead: the slots of the query without its pools whose explanation
/// finds a free room (no `pool_busy`), each with a room listed.
json run_pool_workload(const std::string& name, const options& o) {
    const slot_query query = query_from_json(workload_query(name, o.seed));
    std::size_t slots = 0;
    const timing fast = time_it(o.min_time, [&] { slots = find_slot_table(query).size(); });
    const double rss = peak_rss_mib();
    const std::vector<slot> answer = find_slots(query);
    slot_query without_pools = query;
    without_pools.pools.clear();
    std::vector<slot> expected;
    for (slot& s : find_slots(without_pools)) {
        const auto reasons = explain(query, s.time.start).front().reasons;
        if (std::none_of(reasons.begin(), reasons.end(), [](const reason& r) { return r.code == reason_code::pool_busy; }))
            expected.push_back(std::move(s));
    }
    std::string difference;
    for (std::size_t i = 0; i < std::min(answer.size(), expected.size()) && difference.empty(); ++i)
        if (answer[i].time != expected[i].time || answer[i].resources != expected[i].resources ||
            answer[i].pools.empty() || answer[i].pools.front().members.empty())
            difference = fmt::format("slot {}: listing {} vs one start at a time {}", i, describe(answer[i]), describe(expected[i]));
    if (difference.empty() && answer.size() != expected.size())
        difference = fmt::format("listing has {} slots, one start at a time {}", answer.size(), expected.size());
    std::size_t bookings = 0;
    for (const resource& r : query.resources) bookings += r.bookings.size();
    for (const pool& p : query.pools)
        for (const resource& r : p.members) bookings += r.bookings.size();
    return {{"row", name},
            {"resources", query.resources.size()},
            {"rooms", query.pools.front().members.size()},
            {"bookings", bookings},
            {"days", (query.to - query.from) / std::chrono::days{1}},
            {"queries_per_s", fast.queries_per_s},
            {"median_us", fast.median_us},
            {"slots_per_query", slots},
            {"unpooled_slots", find_slot_table(without_pools).size()},
            {"peak_rss_mib", rss},
            {"difference", difference}};
}

// ---- B1: booking rate through the scheduler ----

/// A studio of `rooms` rooms open around the clock in UTC, one 30-minute
/// service; ids carry `tag` so that a reused PostgreSQL database is no problem.
void open_studio(scheduler& s, const std::string& tag, int rooms) {
    s.put_location({.id = tag + "-studio"});
    s.put_service({.rules = {.id = tag + "-session", .duration = std::chrono::minutes{30}}});
    location_schedule open{.location = tag + "-studio"};
    for (unsigned d = 0; d < 7; ++d) open.weekly.set(date::weekday{d}, {local_range::parse("00:00", "24:00")});
    for (int r = 0; r < rooms; ++r) {
        const std::string id = fmt::format("{}-room{:02}", tag, r);
        s.put_resource({.id = id, .time_zone = "UTC", .schedules = {open}});
        s.link(id, tag + "-session");
    }
}

/// Writes and syncs 4 KiB blocks in a file in `dir` for about `seconds`: the
/// rate of fdatasync (what SQLite calls at each commit with synchronous=FULL
/// on Linux) on this disk, which bounds a one-writer commit rate.
double fsyncs_per_s(const std::filesystem::path& dir, double seconds) {
    const std::string path = (dir / fmt::format("slotcraft-bench-fsync-{}", ::getpid())).string();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) throw std::runtime_error("cannot create " + path);
    std::vector<char> block(4096, 'x');
    long syncs = 0;
    const auto start = clock_type::now();
    do {
        // Block after block through a file of 4 MiB, as SQLite writes frames through its WAL file.
        const off_t offset = static_cast<off_t>((syncs % 1024) * 4096);
        if (::pwrite(fd, block.data(), block.size(), offset) != static_cast<ssize_t>(block.size()) || ::fdatasync(fd) != 0)
            throw std::runtime_error("write or fdatasync failed on " + path);
        ++syncs;
    } while (seconds_since(start) < seconds);
    const double rate = static_cast<double>(syncs) / seconds_since(start);
    ::close(fd);
    std::filesystem::remove(path);
    return rate;
}

/// Commits one-row inserts into a table without an index, in a SQLite file
/// in `dir` in WAL mode with synchronous=FULL as the store opens it, for
/// about `seconds`: the fastest a SQLite commit gets on this disk, whatever
/// is committed. A commit writes and syncs one WAL frame (the table's page),
/// as fsyncs_per_s syncs one block; what it takes beyond that is SQLite's
/// own work (its file locks, the WAL index, BEGIN and COMMIT).
double bare_sqlite_commits_per_s(const std::filesystem::path& dir, double seconds) {
    const std::string path = (dir / fmt::format("slotcraft-bench-bare-{}.sqlite", ::getpid())).string();
    using database = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;
    using statement = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;
    long commits = 0;
    double rate = 0;
    {
        sqlite3* raw = nullptr;
        const int opened = sqlite3_open(path.c_str(), &raw);
        database db(raw, &sqlite3_close);
        const auto check = [&](int rc, int expected) {
            if (rc != expected) throw std::runtime_error(fmt::format("sqlite probe: {}", sqlite3_errmsg(db.get())));
        };
        check(opened, SQLITE_OK);
        check(sqlite3_exec(db.get(), "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                                     "CREATE TABLE probe (id TEXT NOT NULL, at INTEGER NOT NULL)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
        const auto prepare = [&](const char* sql) {
            sqlite3_stmt* st = nullptr;
            check(sqlite3_prepare_v2(db.get(), sql, -1, &st, nullptr), SQLITE_OK);
            return statement(st, &sqlite3_finalize);
        };
        const statement begin = prepare("BEGIN IMMEDIATE");
        const statement insert = prepare("INSERT INTO probe (id, at) VALUES (?1, ?2)");
        const statement commit = prepare("COMMIT");
        const auto step = [&](const statement& st) {
            check(sqlite3_step(st.get()), SQLITE_DONE);
            sqlite3_reset(st.get());
        };
        const auto start = clock_type::now();
        do {
            step(begin);
            const std::string id = fmt::format("bk_{}", commits);
            sqlite3_bind_text(insert.get(), 1, id.c_str(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
            sqlite3_bind_int64(insert.get(), 2, commits);
            step(insert);
            step(commit);
            ++commits;
        } while (seconds_since(start) < seconds);
        rate = static_cast<double>(commits) / seconds_since(start);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    return rate;
}

/// Books half-hours of a studio's rooms for `o.min_time` seconds with
/// `writers` threads, each through its own scheduler: one `book` per booking,
/// or `book_many` of `batch` requests when `batch` is above 1.
json run_booking_rate(const std::string& label, const std::string& target, int writers, const options& o,
                      int batch = 1) {
    const std::string tag = fmt::format("b1-{}-{}", ::getpid(), std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
    constexpr int rooms = 16;
    auto backend = open_store(target);
    scheduler setup(*backend);
    open_studio(setup, tag, rooms);

    const instant now = parse_instant("2027-01-01T00:00:00Z");
    const instant base = parse_instant("2027-01-04T00:00:00Z");
    std::atomic<bool> stop{false};
    std::atomic<long> refused{0};
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(writers));
    std::vector<std::thread> threads;
    const auto start = clock_type::now();
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
            scheduler s(*backend);
            auto& mine = latencies[static_cast<std::size_t>(w)];
            // Writer w books the half-hours of its own rooms w, w + writers, ... in turn.
            const long own_rooms = std::max(1, rooms / writers);
            const auto request_of = [&](long k) {
                const long room = (w + writers * (k % own_rooms)) % rooms;
                const long half_hour = k / own_rooms;
                return booking_request{.resource = fmt::format("{}-room{:02}", tag, room),
                                       .service = tag + "-session",
                                       .start = base + std::chrono::minutes{30} * half_hour};
            };
            std::vector<booking_request> requests;
            for (long k = 0; !stop.load(std::memory_order_relaxed);) {
                requests.clear();
                for (int i = 0; i < batch; ++i) requests.push_back(request_of(k++));
                const auto t0 = clock_type::now();
                try {
                    if (batch == 1) (void)s.book(requests.front(), now);
                    else (void)s.book_many(requests, now);
                } catch (const error&) {
                    refused.fetch_add(batch);
                }
                // One entry per booking: a batch's time shared among its bookings.
                const double each_us = seconds_since(t0) * 1e6 / batch;
                mine.insert(mine.end(), static_cast<std::size_t>(batch), each_us);
                if (seconds_since(start) >= o.min_time) stop.store(true);
            }
        });
    }
    for (auto& t : threads) t.join();
    const double elapsed = seconds_since(start);
    const double rss = peak_rss_mib();

    std::vector<double> all;
    for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    const auto percentile = [&](double p) { return all.empty() ? 0.0 : all[static_cast<std::size_t>(p * static_cast<double>(all.size() - 1))]; };

    // Check the result the straightforward way: no two active bookings of a room overlap.
    std::string difference;
    std::size_t stored = 0;
    backend->read([&](transaction& tx) {
        for (int r = 0; r < rooms; ++r) {
            auto list = tx.bookings_of_resource(fmt::format("{}-room{:02}", tag, r), {base - std::chrono::days{1}, base + std::chrono::days{4000}});
            stored += list.size();
            // The list is by start: a booking overlaps an earlier one when it starts before the latest end so far.
            instant latest_end = instant::min();
            for (const booking_record& b : list) {
                if (b.time.start < latest_end && difference.empty())
                    difference = fmt::format("double booking of room {} at {}", r, format_instant(b.time.start));
                latest_end = std::max(latest_end, b.time.end);
            }
        }
        return 0;
    });
    const long booked = static_cast<long>(all.size()) - refused.load();
    if (difference.empty() && static_cast<long>(stored) != booked)
        difference = fmt::format("{} bookings succeeded but {} are stored", booked, stored);
    if (difference.empty() && refused.load() > 0) difference = fmt::format("{} bookings refused", refused.load());
    return {{"row", label},
            {"writers", writers},
            {"batch", batch},
            {"bookings", booked},
            {"bookings_per_s", static_cast<double>(booked) / elapsed},
            {"p50_us", percentile(0.50)},
            {"p99_us", percentile(0.99)},
            {"peak_rss_mib", rss},
            {"difference", difference}};
}

std::string temp_sqlite_path() {
    return (std::filesystem::temp_directory_path() / fmt::format("slotcraft-bench-{}.sqlite", ::getpid())).string();
}

json run_worker(const options& o) {
    const std::string& w = o.worker;
    if (w == "W5") return run_pool_workload(w, o);
    if (w.size() == 2 && w[0] == 'W') return run_query_workload(w, o);
    // Rows are B1-<store>-x1, -x8 (writers) or -batch100 (one writer, book_many of 100).
    const int writers = w.ends_with("x8") ? 8 : 1;
    const int batch = w.ends_with("batch100") ? 100 : 1;
    const auto label = [&](const char* store) {
        return batch > 1 ? fmt::format("B1 {}, batches of {}", store, batch)
                         : fmt::format("B1 {}, {} writer{}", store, writers, writers > 1 ? "s" : "");
    };
    if (w.starts_with("B1-memory")) return run_booking_rate(label("memory"), "memory:", writers, o, batch);
    if (w.starts_with("B1-sqlite")) {
        const std::string path = temp_sqlite_path();
        json row = run_booking_rate(label("SQLite"), path, writers, o, batch);
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
        const std::filesystem::path dir = std::filesystem::path(path).parent_path();
        row["fsyncs_per_s"] = fsyncs_per_s(dir, std::min(o.min_time, 2.0));
        row["bare_commits_per_s"] = bare_sqlite_commits_per_s(dir, std::min(o.min_time, 2.0));
        return row;
    }
    if (w.starts_with("B1-postgres")) {
        const char* uri = std::getenv("SLOTCRAFT_BENCH_POSTGRES_URI");
        return run_booking_rate(label("PostgreSQL"), uri ? uri : "", writers, o, batch);
    }
    throw std::invalid_argument("unknown row " + w);
}

/// Runs one row in a child process (this program with --worker) and reads its JSON line.
json run_child(const std::string& self, const std::string& row, const options& o) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(pipe_fds[1], STDOUT_FILENO);
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        const std::string min_time = fmt::format("{}", o.min_time);
        const std::string seed = std::to_string(o.seed);
        ::execl(self.c_str(), self.c_str(), "--worker", row.c_str(), "--min-time", min_time.c_str(), "--seed",
                seed.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return {{"row", row}, {"difference", fmt::format("the worker failed (status {}): {}", status, out)}};
    return json::parse(out);
}

bool wanted(const options& o, const std::string& row) {
    if (o.only.empty()) return true;
    return std::any_of(o.only.begin(), o.only.end(), [&](const std::string& w) { return row.starts_with(w); });
}

int run_table(const std::string& self, const options& o) {
    bool failed = false;
    fmt::print("slotcraft benchmarks (seed {}, at least {} s per measurement, single thread unless noted)\n\n", o.seed,
               o.min_time);
    bool query_header = false;
    for (const std::string w : {"W1", "W2", "W3", "W4"}) {
        if (!wanted(o, w)) continue;
        if (!query_header) {
            fmt::print("| workload | resources | bookings | days | queries/s | median µs/query | median µs with ids (find_slots) | slots/query | slots/s | baseline µs/query | speedup vs baseline | peak RSS MiB | answers |\n");
            fmt::print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
            query_header = true;
        }
        const json r = run_child(self, w, o);
        const std::string difference = r.value("difference", "");
        failed = failed || !difference.empty();
        if (!r.contains("queries_per_s")) {
            fmt::print("| {} | failed: {} |\n", w, difference);
            continue;
        }
        fmt::print("| {} | {} | {} | {} | {:.0f} | {:.1f} | {:.1f} | {} | {:.0f} | {:.0f} | {:.0f}x | {:.1f} | {} |\n", w,
                   r["resources"].get<int>(), r["bookings"].get<int>(), r["days"].get<int>(), r["queries_per_s"].get<double>(),
                   r["median_us"].get<double>(), r["find_slots_median_us"].get<double>(), r["slots_per_query"].get<int>(),
                   r["slots_per_s"].get<double>(), r["baseline_median_us"].get<double>(), r["speedup"].get<double>(),
                   r["peak_rss_mib"].get<double>(), difference.empty() ? "equal to baseline" : "DIFFERENT: " + difference);
    }

    if (wanted(o, "W5")) {
        fmt::print("{}| workload (SPEC §10 pools) | masters | rooms | bookings | days | queries/s | median µs/query | slots/query | slots without the rooms | peak RSS MiB | answers |\n",
                   query_header ? "\n" : "");
        fmt::print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        query_header = true;
        const json r = run_child(self, "W5", o);
        const std::string difference = r.value("difference", "");
        failed = failed || !difference.empty();
        if (!r.contains("queries_per_s")) fmt::print("| W5 | failed: {} |\n", difference);
        else
            fmt::print("| W5 | {} | {} | {} | {} | {:.0f} | {:.1f} | {} | {} | {:.1f} | {} |\n", r["resources"].get<int>(),
                       r["rooms"].get<int>(), r["bookings"].get<int>(), r["days"].get<int>(), r["queries_per_s"].get<double>(),
                       r["median_us"].get<double>(), r["slots_per_query"].get<int>(), r["unpooled_slots"].get<int>(),
                       r["peak_rss_mib"].get<double>(),
                       difference.empty() ? "equal to one start at a time" : "DIFFERENT: " + difference);
    }

    std::vector<std::string> rows;
    for (const char* store : {"memory", "sqlite", "postgres"})
        for (const char* writers : {"x1", "x8", "batch100"}) rows.push_back(fmt::format("B1-{}-{}", store, writers));
    bool header = false;
    for (const std::string& row : rows) {
        if (!wanted(o, row)) continue;
        if (!header) {
            fmt::print("{}| booking rate (B1) | writers | bookings | bookings/s | p50 µs | p99 µs | peak RSS MiB | disk fsyncs/s | bare SQLite commits/s | check |\n", query_header ? "\n" : "");
            fmt::print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
            header = true;
        }
        if (row.starts_with("B1-postgres")) {
            if (std::getenv("SLOTCRAFT_BENCH_POSTGRES_URI") == nullptr) {
                fmt::print("| B1 PostgreSQL, {} | skipped: SLOTCRAFT_BENCH_POSTGRES_URI is not set |\n", row.ends_with("x8") ? "8 writers" : row.ends_with("batch100") ? "batches of 100" : "1 writer");
                continue;
            }
            if (!postgres_store_available()) {
                fmt::print("| B1 PostgreSQL | skipped: this build has no PostgreSQL store (SLOTCRAFT_BUILD_POSTGRES=OFF) |\n");
                continue;
            }
        }
        const json r = run_child(self, row, o);
        const std::string difference = r.value("difference", "");
        failed = failed || !difference.empty();
        if (!r.contains("bookings_per_s")) {
            fmt::print("| {} | failed: {} |\n", row, difference);
            continue;
        }
        const auto rate = [&](const char* key) {
            return r.contains(key) ? fmt::format("{:.0f}", r[key].get<double>()) : std::string();
        };
        fmt::print("| {} | {} | {} | {:.0f} | {:.0f} | {:.0f} | {:.1f} | {} | {} | {} |\n", r["row"].get<std::string>(), r["writers"].get<int>(),
                   r["bookings"].get<long>(), r["bookings_per_s"].get<double>(), r["p50_us"].get<double>(),
                   r["p99_us"].get<double>(), r["peak_rss_mib"].get<double>(), rate("fsyncs_per_s"), rate("bare_commits_per_s"),
                   difference.empty() ? "no double booking, all stored" : "FAILED: " + difference);
    }
    if (failed) fmt::print(stderr, "\nslotcraft_bench: an answer differs from the baseline or a check failed (see the table)\n");
    return failed ? 1 : 0;
}

/// How the cost of a query grows with bookings, days and resources.
int run_scaling(const options& o) {
    struct point {
        std::string what;
        int size;
        json query;
    };
    std::vector<point> points;
    for (int n : {125, 500, 2000}) points.push_back({"W1, bookings", n, bench::w1_query(o.seed, n, 90)});
    for (int d : {30, 90, 270}) points.push_back({"W1, days (500 bookings)", d, bench::w1_query(o.seed, 500, d)});
    for (int n : {10, 50, 250}) points.push_back({"W2, resources (200 bookings each)", n, bench::w2_query(o.seed + 1, n, 200, 30)});
    for (int n : {100, 1000, 10000}) points.push_back({"W3, resources (first slot)", n, bench::w3_query(o.seed + 2, n, 30)});
    fmt::print("| series | size | slots/query | median µs/query | µs per unit of size |\n|---|---:|---:|---:|---:|\n");
    for (const point& p : points) {
        const slot_query q = query_from_json(p.query);
        std::size_t slots = 0;
        const timing t = time_it(o.min_time, [&] { slots = find_slot_table(q).size(); });
        fmt::print("| {} | {} | {} | {:.1f} | {:.3f} |\n", p.what, p.size, slots, t.median_us, t.median_us / p.size);
    }
    return 0;
}

options parse_args(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--min-time") o.min_time = std::stod(value());
        else if (arg == "--seed") o.seed = std::stoull(value());
        else if (arg == "--scaling") o.scaling = true;
        else if (arg == "--dump") o.dump = value();
        else if (arg == "--worker") o.worker = value();
        else if (arg == "--only") {
            const std::string list = value();
            for (std::size_t start = 0; start <= list.size();) {
                const std::size_t comma = std::min(list.find(',', start), list.size());
                if (comma > start) o.only.push_back(list.substr(start, comma - start));
                start = comma + 1;
            }
        } else {
            throw std::invalid_argument("unknown argument " + arg);
        }
    }
    if (!(o.min_time > 0)) throw std::invalid_argument("--min-time must be > 0");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const options o = parse_args(argc, argv);
        if (!o.dump.empty()) {
            fmt::print("{}\n", workload_query(o.dump, o.seed).dump());
            return 0;
        }
        if (!o.worker.empty()) {
            fmt::print("{}\n", run_worker(o).dump());
            return 0;
        }
        if (o.scaling) return run_scaling(o);
        return run_table(std::filesystem::canonical("/proc/self/exe").string(), o);
    } catch (const std::exception& e) {
        fmt::print(stderr, "slotcraft_bench: {}\n", e.what());
        return 2;
    }
}
