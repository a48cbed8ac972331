#pragma once
// Worker processes for the concurrency tests (tests/stress/booking_worker.cpp):
// starting them, waiting for them, and reading what they printed. Shared by
// the SQLite and the PostgreSQL stress tests.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace slotcraft::test {

/// The worker's fixed `now` (2030-01-01T00:00:00Z), well before its hot day:
/// holds count as active while `expires_s` is after it.
constexpr std::int64_t worker_now_s = 1893456000;

/// A fresh database path and the worker output files next to it, all removed afterwards.
class scratch {
public:
    scratch() {
        static std::atomic<int> counter{0};
        base_ = (std::filesystem::temp_directory_path() /
                 ("slotcraft-stress-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                    .string();
    }
    scratch(const scratch&) = delete;
    scratch& operator=(const scratch&) = delete;
    ~scratch() {
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(db() + suffix, ignored);
        for (const std::string& file : outputs_) std::filesystem::remove(file, ignored);
    }

    [[nodiscard]] std::string db() const { return base_ + ".sqlite"; }
    std::string output(const std::string& name) {
        outputs_.push_back(base_ + "-" + name);
        return outputs_.back();
    }

private:
    std::string base_;
    std::vector<std::string> outputs_;
};

/// A running worker process; its stdout and stderr go to files.
struct worker {
    pid_t pid = -1;
    std::string out;
    std::string err;
};

inline worker spawn_worker(scratch& files, const std::string& name, const std::vector<std::string>& args) {
    worker w{.out = files.output(name + ".out"), .err = files.output(name + ".err")};
    std::vector<std::string> argv_text{SLOTCRAFT_BOOKING_WORKER};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    REQUIRE(posix_spawn_file_actions_init(&actions) == 0);
    REQUIRE(posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, w.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644) == 0);
    REQUIRE(posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, w.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644) == 0);
    const int rc = posix_spawn(&w.pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE_MESSAGE(rc == 0, "cannot start " << argv[0]);
    return w;
}

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Waits for `w` and returns its exit code (-signal when a signal ended it).
inline int wait_for(const worker& w) {
    int status = 0;
    pid_t done = -1;
    do {
        done = ::waitpid(w.pid, &status, 0);
    } while (done < 0 && errno == EINTR);
    REQUIRE(done == w.pid);
    if (WIFSIGNALED(status)) return -WTERMSIG(status);
    return WEXITSTATUS(status);
}

/// Runs a worker to completion and requires exit status 0.
inline void run_worker(scratch& files, const std::string& name, const std::vector<std::string>& args) {
    const worker w = spawn_worker(files, name, args);
    const int code = wait_for(w);
    REQUIRE_MESSAGE(code == 0, name << " stderr: " << slurp(w.err));
}

/// What a worker printed. A last line without its newline is left out.
struct printed {
    std::vector<std::string> ok;
    std::vector<std::string> cancelled;
    std::size_t refused = 0;
    std::size_t refused_no_seats = 0;  ///< refusals of a full group slot
    std::size_t refused_pool_busy = 0;  ///< refusals for a pool with no free member (SPEC §10)
    std::vector<std::string> refused_by;  ///< the bookings refusals named as in the way
    std::vector<std::string> held;        ///< bookings made as a hold (each confirmed at once: `OK` follows)
    std::size_t moves = 0;                ///< reschedules committed
    std::map<std::string, std::int64_t> moved_to;  ///< each moved booking's last new start, in seconds
    // From the LATENCY line, when the worker printed it:
    std::optional<double> worst_ms;     ///< the slowest book/cancel call
    std::optional<double> open_ms;      ///< how long opening the store took
    std::vector<long> calls_by_thread;  ///< book/cancel calls each thread completed
    std::size_t other = 0;

    void add(const std::string& text) {
        std::size_t from = 0;
        for (std::size_t nl = text.find('\n'); nl != std::string::npos; from = nl + 1, nl = text.find('\n', from)) {
            const std::string line = text.substr(from, nl - from);
            if (line.rfind("OK ", 0) == 0)
                ok.push_back(line.substr(3));
            else if (line.rfind("CANCEL ", 0) == 0)
                cancelled.push_back(line.substr(7));
            else if (line.rfind("HOLD ", 0) == 0)
                held.push_back(line.substr(5));
            else if (line.rfind("MOVE ", 0) == 0) {
                // A worker moves only its own bookings, one after the other: its last line is the booking's start.
                std::istringstream fields(line.substr(5));
                std::string id;
                std::int64_t start = 0;
                if (fields >> id >> start) {
                    ++moves;
                    moved_to[id] = start;
                } else {
                    ++other;
                }
            }
            else if (line.rfind("REFUSED", 0) == 0) {
                ++refused;
                refused_no_seats += line.rfind("REFUSED no_seats", 0) == 0 ? 1 : 0;
                refused_pool_busy += line.rfind("REFUSED pool_busy", 0) == 0 ? 1 : 0;
                if (const auto space = line.find(' ', 8); space != std::string::npos)
                    refused_by.push_back(line.substr(space + 1));
            } else if (line.rfind("LATENCY ", 0) == 0) {
                std::istringstream fields(line.substr(8));
                double worst = 0;
                double open = 0;
                if (fields >> worst >> open) {
                    worst_ms = worst;
                    open_ms = open;
                    for (long calls = 0; fields >> calls;) calls_by_thread.push_back(calls);
                } else {
                    ++other;
                }
            } else {
                ++other;
            }
        }
    }
};

/// How the ids a worker printed compare with the database.
struct id_check {
    std::size_t missing = 0;          ///< `OK` ids with no booking in the database
    std::size_t unprinted_cancel = 0; ///< `OK` ids cancelled in the file without a `CANCEL` line
    std::size_t wrong_status = 0;     ///< any other status than the lines imply
    std::size_t cancelled_unknown = 0;  ///< `CANCEL` ids never printed as `OK` (a worker cancels only its own)
    std::string example;              ///< the first mismatch
};

/// `OK` ids must exist, be cancelled when a `CANCEL` line names them and be
/// confirmed otherwise.
inline id_check check_printed_ids(const std::function<std::string(const std::string&)>& status_of, const printed& all) {
    id_check out;
    const std::set<std::string> cancelled(all.cancelled.begin(), all.cancelled.end());
    for (const std::string& id : all.ok) {
        const std::string status = status_of(id);
        const std::string expected = cancelled.count(id) != 0 ? "cancelled" : "confirmed";
        if (status == expected) continue;
        if (status.empty())
            ++out.missing;
        else if (status == "cancelled")
            ++out.unprinted_cancel;
        else
            ++out.wrong_status;
        if (out.example.empty()) out.example = id + " is \"" + status + "\", expected " + expected;
    }
    const std::set<std::string> booked(all.ok.begin(), all.ok.end());
    for (const std::string& id : cancelled) out.cancelled_unknown += booked.count(id) == 0 ? 1 : 0;
    return out;
}

/// Checks that every worker finished with the ids it printed matching the
/// database (check_printed_ids): nothing missing, no unprinted cancel, no
/// other status, no cancel of a booking never printed.
inline void check_ids_match(const std::function<std::string(const std::string&)>& status_of, const printed& all) {
    const id_check ids = check_printed_ids(status_of, all);
    CHECK_MESSAGE(ids.missing == 0, ids.example);
    CHECK_MESSAGE(ids.unprinted_cancel == 0, ids.example);
    CHECK_MESSAGE(ids.wrong_status == 0, ids.example);
    CHECK(ids.cancelled_unknown == 0);
}

/// What workers run with --moves must leave: every hold confirmed (its `OK`
/// printed), each moved booking starting where its last `MOVE` put it, and
/// exactly one audit entry for each change. `start_of(id)` is a booking's
/// start in seconds since the epoch (nullopt when there is no such booking),
/// `audited(action)` the number of audit entries of that action.
inline void check_changes(const printed& all,
                          const std::function<std::optional<std::int64_t>(const std::string&)>& start_of,
                          const std::function<std::int64_t(const std::string&)>& audited) {
    const std::set<std::string> ok(all.ok.begin(), all.ok.end());
    std::size_t unconfirmed = 0;
    for (const std::string& id : all.held) unconfirmed += ok.count(id) == 0 ? 1 : 0;
    CHECK(unconfirmed == 0);
    std::size_t misplaced = 0;
    std::string example;
    for (const auto& [id, start] : all.moved_to) {
        const std::optional<std::int64_t> stored = start_of(id);
        if (stored == start) continue;
        ++misplaced;
        if (example.empty())
            example = id + " starts at " + (stored ? std::to_string(*stored) : std::string("(missing)")) +
                      ", its last move was to " + std::to_string(start);
    }
    CHECK_MESSAGE(misplaced == 0, example);
    const auto count = [](std::size_t n) { return static_cast<std::int64_t>(n); };
    CHECK(audited("book") == count(all.ok.size() - all.held.size()));
    CHECK(audited("hold") == count(all.held.size()));
    CHECK(audited("confirm") == count(all.held.size()));
    CHECK(audited("reschedule") == count(all.moves));
    CHECK(audited("cancel") == count(all.cancelled.size()));
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// A `--start-at-ms` value `delay` from now: the workers spawned before then
/// open the store at the same moment.
inline std::string start_in(std::chrono::milliseconds delay) {
    const auto at = std::chrono::system_clock::now() + delay;
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count());
}

/// What a run of workers printed, after they all ended.
struct contended_run {
    printed all;                     ///< every worker's lines together
    std::vector<printed> each;       ///< per worker
    std::size_t refused_across = 0;  ///< refusals naming a booking another worker made
};

/// Waits for `workers` (started at `started`), checks that each exited with 0,
/// printed only known lines and booked something, and that no booking id was
/// printed twice; reports the counts.
inline contended_run collect(const std::vector<worker>& workers, std::chrono::steady_clock::time_point started) {
    std::vector<int> codes;
    for (const worker& w : workers) codes.push_back(wait_for(w));
    const double elapsed = seconds_since(started);

    contended_run run;
    run.each.resize(workers.size());
    std::ostringstream per_worker;
    for (std::size_t i = 0; i < workers.size(); ++i) {
        CHECK_MESSAGE(codes[i] == 0, "worker " << i << " stderr: " << slurp(workers[i].err));
        printed& one = run.each[i];
        one.add(slurp(workers[i].out));
        CHECK(one.other == 0);
        CHECK_MESSAGE(one.ok.size() > 0, "worker " << i << " booked nothing");
        per_worker << (i == 0 ? "" : ", ") << one.ok.size() << "/" << one.refused;
        run.all.ok.insert(run.all.ok.end(), one.ok.begin(), one.ok.end());
        run.all.cancelled.insert(run.all.cancelled.end(), one.cancelled.begin(), one.cancelled.end());
        run.all.refused += one.refused;
        run.all.refused_no_seats += one.refused_no_seats;
        run.all.refused_pool_busy += one.refused_pool_busy;
        run.all.held.insert(run.all.held.end(), one.held.begin(), one.held.end());
        run.all.moves += one.moves;
        run.all.moved_to.insert(one.moved_to.begin(), one.moved_to.end());  // ids differ between workers
    }
    MESSAGE(workers.size() << " workers took " << elapsed << " s: " << run.all.ok.size() << " OK, "
                           << run.all.refused << " REFUSED (" << run.all.refused_no_seats << " for want of seats), "
                           << run.all.cancelled.size() << " CANCEL, " << run.all.held.size() << " HOLD, "
                           << run.all.moves << " MOVE; OK/REFUSED per worker: " << per_worker.str());

    std::map<std::string, std::size_t> booked_by;
    for (std::size_t i = 0; i < run.each.size(); ++i)
        for (const std::string& id : run.each[i].ok) booked_by.emplace(id, i);
    for (std::size_t i = 0; i < run.each.size(); ++i)
        for (const std::string& id : run.each[i].refused_by)
            if (const auto it = booked_by.find(id); it != booked_by.end() && it->second != i) ++run.refused_across;
    MESSAGE("refusals naming another process's booking: " << run.refused_across);
    CHECK(std::set<std::string>(run.all.ok.begin(), run.all.ok.end()).size() == run.all.ok.size());
    return run;
}

}  // namespace slotcraft::test
