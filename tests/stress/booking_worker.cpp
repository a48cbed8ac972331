// A process that books a small set of hot starts in a store (a SQLite file or
// a postgresql:// URI), for the concurrency and crash tests
// (tests/stress/sqlite_concurrency_test.cpp, postgres_concurrency_test.cpp).
//
//   slotcraft_booking_worker DB SEED ITERATIONS [--threads N] [--max-seconds S]
//                            [--pause-us P] [--start-at-ms T] [--random-times] [--rooms] [--moves] [--setup]
//
// --setup creates the catalog (idempotently) and exits. Otherwise each thread
// runs ITERATIONS times (or until S seconds have passed, when given), pausing
// 0 to P microseconds (default 2000) before each step like a client between
// requests, and books or sometimes cancels one of its own bookings. --start-at-ms
// waits until T (milliseconds since the Unix epoch, system clock) before
// opening the store, so that several processes open it at the same moment.
// --random-times sends a third of the 30-minute bookings to random quarter
// hours of the hot day and the six days after it instead. --rooms books only
// "styling" at the hot starts: a master (r1..r3) and the one room of its
// pool (SPEC §10), so that masters race for the room. --moves also moves
// its own bookings to other starts of their service (a quarter of the steps
// that do not cancel) and makes a fifth of its bookings as a hold that it
// confirms at once. It prints one flushed line per outcome after the
// scheduler returned, so a killed worker has printed only committed changes:
//   OK <booking id>                 the booking (or the confirm of its hold) committed
//   HOLD <booking id>               the hold committed; its confirm follows
//   MOVE <booking id> <start>       the reschedule to another start committed; start in seconds since the epoch
//   REFUSED <reason> [<booking>]    booking_refused, with the booking in the way if any
//   CANCEL <booking id>             the cancellation committed
// and, when all threads are done, one summary line:
//   LATENCY <worst ms> <open ms> <calls of thread 0> <calls of thread 1> ...
//     the slowest single book/cancel call, how long opening the store took,
//     and how many book/cancel calls each thread completed
// Any other exception: `ERROR <what>` on stderr, exit status 1.
//
// With --pause-us 0 the threads start their next transaction as soon as the
// last one committed: the hardest case for the other processes' writers,
// which get the write lock only if they poll for it in between.
#include <slotcraft/scheduler.hpp>
#include <slotcraft/storage/open_store.hpp>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace slotcraft;
using namespace std::chrono_literals;

namespace {

// The test repeats these: the day the hot starts lie on and the worker's `now`.
constexpr auto hot_day = date::year{2030} / 6 / 3;
const instant fixed_now = date::sys_days{date::year{2030} / 1 / 1};  // 2030-01-01T00:00:00Z
constexpr int resource_count = 3;
constexpr int cut_starts = 24;    // 09:00, 09:15, ... 14:45 Berlin
constexpr int class_starts = 6;   // 12:00, 13:00, ... 17:00 Berlin: half among the cuts, half for seats only

std::mutex output_mutex;

void emit(std::FILE* to, const std::string& line) {
    const std::lock_guard lock(output_mutex);
    std::fputs(line.c_str(), to);
    std::fputc('\n', to);
    std::fflush(to);
}

void setup(scheduler& s) {
    s.put_location({.id = "shop", .name = "Shop"}, "setup");
    location_schedule always{.location = "shop"};
    for (unsigned day = 0; day < 7; ++day) always.weekly.set(date::weekday{day}, {local_range::parse("00:00", "24:00")});
    for (int i = 1; i <= resource_count; ++i) {
        const std::string id = "r" + std::to_string(i);
        s.put_resource({.id = id, .name = "Resource " + id, .time_zone = "Europe/Berlin", .schedules = {always}}, "setup");
    }
    s.put_service({.rules = {.id = "cut", .duration = 30min, .step = 15min, .buffer_before = 5min, .buffer_after = 10min},
                   .name = "Cut"},
                  "setup");
    s.put_service({.rules = {.id = "class", .duration = 60min, .step = 60min, .capacity = 4}, .name = "Class"}, "setup");
    for (int i = 1; i <= resource_count; ++i) {
        s.link("r" + std::to_string(i), "cut", "setup");
        s.link("r" + std::to_string(i), "class", "setup");
    }
    // SPEC §10: styling needs a master and the one room; the room has hours of its own.
    s.put_resource({.id = "room1", .name = "Room 1", .time_zone = "Europe/Berlin", .schedules = {always}}, "setup");
    s.put_service({.rules = {.id = "styling", .duration = 30min, .step = 15min, .buffer_after = 5min},
                   .name = "Styling",
                   .pools = {{.id = "room", .resources = {"room1"}}}},
                  "setup");
    for (int i = 1; i <= resource_count; ++i) s.link("r" + std::to_string(i), "styling", "setup");
    s.put_client({.id = "c1", .name = "Client One"}, "setup");
}

struct shared_state {
    scheduler& s;
    std::uint64_t seed;
    long iterations;
    std::chrono::steady_clock::time_point deadline;
    std::uint64_t pause_us;
    bool random_times = false;
    bool rooms = false;
    bool moves = false;
    std::atomic<bool> failed{false};
    std::vector<long> calls;  // per thread; each thread writes only its own
    std::atomic<std::int64_t> worst_us{0};

    /// Records one book/cancel call of thread `thread_index` that started at `start`.
    void timed(unsigned thread_index, std::chrono::steady_clock::time_point start) {
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
        ++calls[thread_index];
        std::int64_t seen = worst_us.load();
        while (us.count() > seen && !worst_us.compare_exchange_weak(seen, us.count())) {
        }
    }
};

std::uint64_t pick(std::mt19937_64& rng, std::uint64_t n) { return rng() % n; }

void work(shared_state& state, unsigned thread_index) {
    std::seed_seq seq{static_cast<std::uint32_t>(state.seed), static_cast<std::uint32_t>(state.seed >> 32),
                      static_cast<std::uint32_t>(thread_index)};
    std::mt19937_64 rng(seq);
    const zone berlin = zone::locate("Europe/Berlin");
    const local_date day{date::local_days{hot_day}};
    struct own_booking {
        std::string id;
        std::string service;
        instant start;  // where it is now
    };
    std::vector<own_booking> mine;  // this thread's bookings that are not cancelled
    // A start for `service` on the hot day (for a cut with --random-times, a
    // third of them at any quarter hour of that week).
    const auto start_for = [&](std::string_view service) {
        if (service == "class") return berlin.to_utc(day, 12h + std::chrono::hours{static_cast<int>(pick(rng, class_starts))});
        if (service == "cut" && state.random_times && pick(rng, 3) == 0) {
            const local_date when = day + date::days{static_cast<int>(pick(rng, 7))};
            return berlin.to_utc(when, 15min * static_cast<int>(pick(rng, 96)));
        }
        return berlin.to_utc(day, 9h + 15min * static_cast<int>(pick(rng, cut_starts)));
    };
    const auto refused = [&](const booking_refused& e) {
        if (e.category() != error_category::conflict || e.reasons().empty())
            throw std::runtime_error(std::string("a refusal without a conflict reason: ") + e.what());
        const reason& first = e.reasons().front();
        emit(stdout, "REFUSED " + std::string(to_string(first.code)) +
                         (first.booking.empty() ? std::string() : " " + first.booking));
    };

    try {
        for (long i = 0; i < state.iterations && !state.failed.load() && std::chrono::steady_clock::now() < state.deadline;
             ++i) {
            if (state.pause_us > 0)
                std::this_thread::sleep_for(std::chrono::microseconds{static_cast<long>(pick(rng, state.pause_us + 1))});
            if (!mine.empty() && pick(rng, 5) == 0) {
                const std::size_t which = pick(rng, mine.size());
                const std::string id = mine[which].id;
                const auto started = std::chrono::steady_clock::now();
                const booking_record cancelled = state.s.cancel(id, "stress", fixed_now, "worker");
                state.timed(thread_index, started);
                if (cancelled.status != booking_status::cancelled)
                    throw std::runtime_error("cancel of " + id + " returned a booking that is not cancelled");
                mine.erase(mine.begin() + static_cast<std::ptrdiff_t>(which));
                emit(stdout, "CANCEL " + id);
                continue;
            }
            if (state.moves && !mine.empty() && pick(rng, 4) == 0) {
                own_booking& own = mine[pick(rng, mine.size())];
                const instant to = start_for(own.service);
                const auto started = std::chrono::steady_clock::now();
                try {
                    const booking_record moved = state.s.reschedule(own.id, to, fixed_now, "worker");
                    state.timed(thread_index, started);
                    if (moved.id != own.id || moved.status != booking_status::confirmed || moved.time.start != to)
                        throw std::runtime_error("reschedule of " + own.id + " returned an unexpected booking");
                    // A move to where the booking is changes nothing and is not audited: not a MOVE.
                    if (to != own.start) emit(stdout, "MOVE " + own.id + " " + std::to_string(to.time_since_epoch().count()));
                    own.start = to;
                } catch (const booking_refused& e) {
                    state.timed(thread_index, started);
                    refused(e);
                }
                continue;
            }
            booking_request request{.resource = "r" + std::to_string(1 + pick(rng, resource_count)),
                                    .client = "c1",
                                    .actor = "worker"};
            if (state.rooms) {
                request.service = "styling";
            } else if (pick(rng, 5) == 0) {
                request.service = "class";
                request.seats = 1 + static_cast<int>(pick(rng, 2));
            } else {
                request.service = "cut";
            }
            request.start = start_for(request.service);
            const bool via_hold = state.moves && pick(rng, 5) == 0;
            const auto started = std::chrono::steady_clock::now();
            try {
                booking_record b;
                if (via_hold) {
                    const booking_record held = state.s.hold(request, 30min, fixed_now);
                    emit(stdout, "HOLD " + held.id);
                    try {
                        b = state.s.confirm(held.hold_token, fixed_now, "worker");
                    } catch (const booking_refused& e) {
                        // Nothing else may take what a live hold keeps.
                        throw std::runtime_error("the confirm of fresh hold " + held.id + " was refused: " + e.what());
                    }
                } else {
                    b = state.s.book(request, fixed_now);
                }
                state.timed(thread_index, started);
                if (b.status != booking_status::confirmed || b.time.start != request.start)
                    throw std::runtime_error("book returned an unexpected booking " + b.id);
                mine.push_back({b.id, request.service, b.time.start});
                emit(stdout, "OK " + b.id);
            } catch (const booking_refused& e) {
                state.timed(thread_index, started);
                refused(e);
            }
        }
    } catch (const std::exception& e) {
        state.failed = true;
        emit(stderr, std::string("ERROR ") + e.what());
    }
}

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "ERROR %s\nusage: slotcraft_booking_worker DB SEED ITERATIONS [--threads N] [--max-seconds S] "
                 "[--pause-us P] [--start-at-ms T] [--random-times] [--rooms] [--moves] [--setup]\n",
                 why);
    std::exit(2);
}

template <class Int>
Int number(std::string_view text, const char* what) {
    Int value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) usage(what);
    return value;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> positional;
    unsigned threads = 1;
    bool setup_only = false;
    bool random_times = false;
    bool rooms = false;
    bool moves = false;
    std::optional<std::chrono::seconds> max_seconds;
    std::uint64_t pause_us = 2000;
    std::optional<std::chrono::system_clock::time_point> start_at;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--setup") {
            setup_only = true;
        } else if (arg == "--random-times") {
            random_times = true;
        } else if (arg == "--rooms") {
            rooms = true;
        } else if (arg == "--moves") {
            moves = true;
        } else if (arg == "--threads") {
            if (++i >= argc) usage("--threads needs a number");
            threads = number<unsigned>(argv[i], "bad --threads");
            if (threads < 1) usage("--threads must be at least 1");
        } else if (arg == "--pause-us") {
            if (++i >= argc) usage("--pause-us needs a number");
            pause_us = number<std::uint64_t>(argv[i], "bad --pause-us");
        } else if (arg == "--start-at-ms") {
            if (++i >= argc) usage("--start-at-ms needs a number");
            start_at = std::chrono::system_clock::time_point{
                std::chrono::milliseconds{number<std::int64_t>(argv[i], "bad --start-at-ms")}};
        } else if (arg == "--max-seconds") {
            if (++i >= argc) usage("--max-seconds needs a number");
            max_seconds = std::chrono::seconds{number<unsigned>(argv[i], "bad --max-seconds")};
        } else {
            positional.push_back(arg);
        }
    }
    if (positional.size() != 3) usage("expected DB SEED ITERATIONS");
    const std::uint64_t seed = number<std::uint64_t>(positional[1], "bad SEED");
    const long iterations = number<long>(positional[2], "bad ITERATIONS");

    if (start_at) std::this_thread::sleep_until(*start_at);
    const auto deadline =
        max_seconds ? std::chrono::steady_clock::now() + *max_seconds : std::chrono::steady_clock::time_point::max();
    try {
        const auto opening = std::chrono::steady_clock::now();
        const auto backend = open_store(positional[0]);
        const auto open_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - opening).count();
        scheduler s(*backend);
        if (setup_only) {
            setup(s);
            return 0;
        }
        shared_state state{.s = s, .seed = seed, .iterations = iterations, .deadline = deadline,
                           .pause_us = pause_us, .random_times = random_times, .rooms = rooms, .moves = moves, .calls = std::vector<long>(threads, 0)};
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work, std::ref(state), t);
        for (std::thread& t : pool) t.join();
        char summary[96];
        std::snprintf(summary, sizeof summary, "LATENCY %.1f %.1f", static_cast<double>(state.worst_us.load()) / 1000.0,
                      open_ms);
        std::string line = summary;
        for (const long n : state.calls) line += " " + std::to_string(n);
        emit(stdout, line);
        return state.failed ? 1 : 0;
    } catch (const std::exception& e) {
        emit(stderr, std::string("ERROR ") + e.what());
        return 1;
    }
}
