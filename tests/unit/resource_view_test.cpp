// resource_view::free_starts, the listing path, against resource_view::bookable,
// the per-start check that explanations use: on random resources both must
// accept exactly the same candidates with the same seats left.
#include "support.hpp"

#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <random>

using namespace slotcraft;

namespace {

/// Random rules, bookings and services in a zone with a DST change inside the range.
class random_views {
public:
    explicit random_views(unsigned seed) : rng_(seed) {}

    int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
    bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

    local_range some_range() {
        const int from = pick(0, 23 * 4) * 15;
        const int to = chance(0.1) ? pick(0, 24 * 4) * 15 : std::min(24 * 60, from + pick(2, 40) * 15);  // some overnight
        const auto wall = [](int m) { return fmt::format("{:02}:{:02}", m / 60, m % 60); };
        return local_range::parse(wall(from), wall(to == 24 * 60 ? 0 : to));
    }

    resource some_resource(interval range, const std::string& service_id) {
        resource r{"r", {}, {}};
        r.rules.time_zone = zone::locate(chance(0.5) ? "Europe/Berlin" : "America/New_York");
        const auto some_week = [&] {
            weekly_hours week;
            for (unsigned d = 0; d < 7; ++d) {
                std::vector<local_range> ranges;
                for (int k = pick(0, 2); k > 0; --k) ranges.push_back(some_range());
                week.set(date::weekday{d}, std::move(ranges));
            }
            return week;
        };
        if (chance(0.3)) {  // SPEC §9: 1-4 weeks in a cycle, anchored up to two months either side
            weekly_rotation cycle{.anchor = local_date{date::floor<date::days>(range.start).time_since_epoch()} +
                                            date::days{pick(-60, 60)}};
            for (int k = pick(1, 4); k > 0; --k) cycle.weeks.push_back(some_week());
            r.rules.rotation = std::move(cycle);
        } else {
            r.rules.weekly = some_week();
        }
        for (int k = pick(0, 2); k > 0; --k) r.rules.breaks.push_back(some_range());
        if (chance(0.3)) {
            const instant start = range.start + std::chrono::minutes{pick(0, 34 * 24 * 60)};
            r.rules.time_off.push_back({start, start + std::chrono::minutes{pick(1, 3 * 24 * 60)}});
        }
        for (int k = pick(0, 80); k > 0; --k) {
            booking b;
            b.time.start = range.start - std::chrono::hours{24} + std::chrono::minutes{pick(0, 36 * 24 * 4) * 15 + (chance(0.1) ? pick(1, 14) : 0)};
            b.time.end = b.time.start + std::chrono::minutes{pick(1, 16) * 15};
            b.service = chance(0.5) ? service_id : "other";
            b.buffer_before = std::chrono::minutes{chance(0.3) ? pick(1, 60) : 0};
            b.buffer_after = std::chrono::minutes{chance(0.3) ? pick(1, 60) : 0};
            b.seats = pick(1, 2);
            const int state = pick(0, 9);
            if (state == 0) b.status = booking_status::cancelled;
            if (state == 1) {
                b.status = booking_status::held;
                b.expires = range.start + std::chrono::hours{pick(-24, 24)};
            }
            r.bookings.push_back(b);
        }
        return r;
    }

    service some_service() {
        service s;
        s.id = "svc";
        s.duration = std::chrono::minutes{pick(1, 8) * 15 + (chance(0.1) ? pick(1, 14) : 0)};
        if (chance(0.5)) s.step = std::chrono::minutes{pick(1, 6) * 5};
        const int align = pick(0, 2);
        s.align = align == 0 ? alignment::window : align == 1 ? alignment::free : alignment::clock;
        s.buffer_before = std::chrono::minutes{chance(0.4) ? pick(1, 45) : 0};
        s.buffer_after = std::chrono::minutes{chance(0.4) ? pick(1, 45) : 0};
        s.min_notice = std::chrono::minutes{chance(0.4) ? pick(1, 3 * 24 * 60) : 0};
        s.max_advance = std::chrono::minutes{chance(0.3) ? pick(1, 20 * 24 * 60) : 0};
        s.capacity = chance(0.3) ? pick(2, 4) : 1;
        s.max_per_day = chance(0.3) ? pick(1, 3) : 0;
        if (chance(0.4)) {  // SPEC §11
            s.max_per_client_per_day = chance(0.5) ? pick(1, 2) : 0;
            s.max_per_client_per_week = chance(0.5) ? pick(1, 4) : 0;
            s.max_seats_per_client = chance(0.5) ? pick(1, 3) : 0;
        }
        return s;
    }

    /// An asking client with bookings across the range, some of the service,
    /// some at the resource's own booking starts (seats of one class).
    asking_client some_client(interval range, const resource& res, const std::string& service_id) {
        asking_client c{.id = "c1"};
        for (int k = pick(0, 12); k > 0; --k) {
            booking b;
            if (!res.bookings.empty() && chance(0.3)) b = res.bookings[static_cast<std::size_t>(pick(0, static_cast<int>(res.bookings.size()) - 1))];
            else b.time.start = range.start + std::chrono::minutes{pick(-7 * 24 * 4, 40 * 24 * 4) * 15};
            b.time.end = b.time.start + std::chrono::minutes{pick(1, 8) * 15};
            b.service = chance(0.7) ? service_id : "other";
            b.seats = pick(1, 2);
            if (chance(0.1)) b.status = booking_status::cancelled;
            c.bookings.push_back(b);
        }
        return c;
    }

private:
    std::mt19937 rng_;
};

/// What `free_starts` must answer: every candidate `bookable` accepts, in order.
std::vector<free_start> checked_one_by_one(const resource_view& view, int seats, std::size_t max_count, instant until) {
    std::vector<free_start> out;
    for (instant s : view.candidates()) {
        if (out.size() >= max_count || s > until) break;
        if (view.bookable(s, seats)) out.push_back({s, view.seats_left(s)});
    }
    return out;
}

}  // namespace

TEST_CASE("listing free starts accepts exactly the candidates that pass every check one by one") {
    // Across the spring DST changes of New York (March 8) and Berlin (March 29).
    const interval range{test::at("2026-03-01T00:00:00Z"), test::at("2026-04-05T00:00:00Z")};
    random_views make(20261201);
    int listed = 0;
    int limited_rounds = 0;
    int refused_by_limit = 0;
    for (int round = 0; round < 400; ++round) {
        const service svc = make.some_service();
        const resource res = make.some_resource(range, svc.id);
        const instant now = range.start + std::chrono::minutes{make.pick(-2 * 24 * 60, 4 * 24 * 60)};
        const std::optional<asking_client> client =
            make.chance(0.5) ? std::optional(make.some_client(range, res, svc.id)) : std::nullopt;
        const resource_view view(res, svc, now, range, client ? &*client : nullptr);
        const int seats = make.pick(1, svc.capacity + 1);
        const std::size_t max_count = make.chance(0.2) ? static_cast<std::size_t>(make.pick(0, 20)) : SIZE_MAX;
        const instant until = make.chance(0.2) ? range.start + std::chrono::minutes{make.pick(0, 20 * 24 * 60)} : instant::max();
        CAPTURE(round);
        const std::vector<free_start> got = view.free_starts(seats, max_count, until);
        REQUIRE(got == checked_one_by_one(view, seats, max_count, until));
        listed += static_cast<int>(got.size());
        if (client && svc.limits_clients()) {
            ++limited_rounds;
            const resource_view unlimited(res, svc, now, range);
            refused_by_limit += static_cast<int>(unlimited.free_starts(seats, max_count, until).size() - got.size());
        }
    }
    CHECK(listed > 1000);  // the rounds list starts, not only refusals
    CHECK(limited_rounds > 40);
    CHECK(refused_by_limit > 100);  // and the limits per client drop some
}

TEST_CASE("a check of one start gives the same reasons with only the bookings in its reach") {
    const interval range{test::at("2026-03-01T00:00:00Z"), test::at("2026-04-05T00:00:00Z")};
    random_views make(20261205);
    int compared = 0;
    int in_the_way = 0;  // starts refused because of a booking
    for (int round = 0; round < 300; ++round) {
        const service svc = make.some_service();
        slot_query full{.now = range.start + std::chrono::minutes{make.pick(-2 * 24 * 60, 4 * 24 * 60)},
                        .from = range.start, .to = range.end, .asked = svc, .seats = make.pick(1, svc.capacity + 1)};
        full.resources.push_back(make.some_resource(range, svc.id));
        CAPTURE(round);
        if (svc.max_per_day > 0 || svc.align == alignment::free) {
            CHECK_FALSE(bookings_in_reach(svc, range.start).has_value());
            continue;
        }
        // Named as the scheduler's bookings are, so that a reason names a booking the same way in both.
        for (std::size_t i = 0; i < full.resources[0].bookings.size(); ++i) full.resources[0].bookings[i].id = fmt::format("b{}", i);
        // Some candidates and some starts anywhere, to the minute.
        std::vector<instant> starts;
        const std::vector<instant> grid = resource_view(full.resources[0], svc, full.now, range).candidates();
        for (std::size_t k = 0; k < grid.size(); k += 1 + grid.size() / 10) starts.push_back(grid[k]);
        for (int k = 0; k < 20; ++k) starts.push_back(range.start + std::chrono::minutes{make.pick(0, 34 * 24 * 60)});
        for (const instant s : starts) {
            const std::optional<interval> reach = bookings_in_reach(svc, s);
            REQUIRE(reach.has_value());
            slot_query near = full;
            std::erase_if(near.resources[0].bookings, [&](const booking& b) { return !b.padded().overlaps(*reach); });
            const std::vector<reason> expected = explain(full, s).front().reasons;
            CAPTURE(format_instant(s));
            REQUIRE(explain(near, s).front().reasons == expected);
            ++compared;
            in_the_way += std::any_of(expected.begin(), expected.end(), [](const reason& r) { return !r.booking.empty(); });
        }
    }
    CHECK(compared > 2000);
    CHECK(in_the_way > 200);
}

TEST_CASE("with pools, the listing keeps exactly the starts whose explanation finds a free member of every pool") {
    // SPEC §10 through both paths: the sweep of find_slots, and explain's check of one start.
    const interval range{test::at("2026-03-24T00:00:00Z"), test::at("2026-04-03T00:00:00Z")};  // Berlin's DST change
    random_views make(20261206);
    int kept = 0;
    int dropped = 0;
    for (int round = 0; round < 150; ++round) {
        slot_query q{.now = range.start + std::chrono::minutes{make.pick(-24 * 60, 2 * 24 * 60)},
                     .from = range.start,
                     .to = range.end,
                     .mode = make.chance(0.3) ? resource_mode::all : resource_mode::any,
                     .asked = make.some_service()};
        for (int k = make.pick(1, 2); k > 0; --k) {
            q.resources.push_back(make.some_resource(range, q.asked.id));
            q.resources.back().id = fmt::format("r{}", k);
        }
        for (int p = make.pick(1, 2); p > 0; --p) {
            pool& needed = q.pools.emplace_back();
            needed.id = fmt::format("pool{}", p);
            for (int k = make.pick(0, 3); k > 0; --k) {
                needed.members.push_back(make.some_resource(range, q.asked.id));
                needed.members.back().id = fmt::format("m{}", k);
            }
        }
        CAPTURE(round);
        slot_query without_pools = q;
        without_pools.pools.clear();
        std::vector<slot> expected;
        for (slot& s : find_slots(without_pools)) {
            const auto refusals = explain(q, s.time.start);
            const auto& reasons = refusals.front().reasons;
            const bool pool_busy = std::any_of(reasons.begin(), reasons.end(),
                                               [](const reason& r) { return r.code == reason_code::pool_busy; });
            (pool_busy ? dropped : kept) += 1;
            if (!pool_busy) expected.push_back(std::move(s));
        }
        const std::vector<slot> got = find_slots(q);
        REQUIRE(got.size() == expected.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            REQUIRE(got[i].time == expected[i].time);
            REQUIRE(got[i].resources == expected[i].resources);
            REQUIRE(got[i].seats_left == expected[i].seats_left);
            REQUIRE(got[i].pools.size() == q.pools.size());
            for (const pool_choice& choice : got[i].pools) REQUIRE_FALSE(choice.members.empty());
        }
        // The first `limit` of them, however soon they come.
        q.limit = static_cast<std::size_t>(make.pick(1, 4));
        const std::vector<slot> first = find_slots(q);
        REQUIRE(first.size() == std::min(q.limit, got.size()));
        REQUIRE(std::equal(first.begin(), first.end(), got.begin()));
    }
    CHECK(kept > 500);  // pools leave starts,
    CHECK(dropped > 5000);  // and take some away
}

TEST_CASE("the radix sort of a view's bookings orders by offset and keeps equal offsets in the order given") {
    std::mt19937_64 rng(20261207);
    const auto offsets_below = [&](std::uint64_t bound) {  // bound 0: any 64-bit offset
        return [&rng, bound] { return bound == 0 ? rng() : rng() % bound; };
    };
    for (const std::size_t size : {0u, 1u, 2u, 65u, 700u, 5000u}) {
        for (const std::uint64_t bound : {std::uint64_t{1}, std::uint64_t{7}, std::uint64_t{256}, std::uint64_t{90} * 86400,
                                          std::uint64_t{1} << 40, std::uint64_t{0}}) {
            const auto next_offset = offsets_below(bound);
            std::vector<detail::offset_key> items;
            for (std::uint32_t i = 0; i < size; ++i) items.push_back({next_offset(), i});
            std::vector<detail::offset_key> expected = items;
            std::stable_sort(expected.begin(), expected.end(),
                             [](const detail::offset_key& a, const detail::offset_key& b) { return a.offset < b.offset; });
            std::vector<detail::offset_key> buffer;
            detail::radix_sort_stable(items, buffer);
            CAPTURE(size);
            CAPTURE(bound);
            REQUIRE(items.size() == expected.size());
            for (std::size_t k = 0; k < items.size(); ++k) {
                REQUIRE(items[k].offset == expected[k].offset);
                REQUIRE(items[k].position == expected[k].position);
            }
        }
    }
}

TEST_CASE("many bookings given in any order are checked as if sorted, and those starting together are named in the order given") {
    // More than 64 bookings: the view sorts them by radix.
    resource r{"r", {}, {}};
    r.rules.time_zone = zone::locate("Europe/Berlin");
    for (int d = 0; d < 7; ++d) r.rules.weekly.set(date::weekday{static_cast<unsigned>(d)}, {local_range::parse("00:00", "00:00")});
    const instant monday = test::at("2026-03-02T00:00:00Z");
    std::mt19937 rng(7);
    std::vector<booking> sorted;
    for (int k = 0; k < 200; ++k) {
        booking b;
        b.id = fmt::format("b{}", k);
        // Pairs start together; the second of a pair is longer.
        b.time.start = monday + std::chrono::hours{k / 2 * 2};
        b.time.end = b.time.start + std::chrono::minutes{k % 2 == 0 ? 30 : 60};
        sorted.push_back(b);
    }
    r.bookings = sorted;
    std::shuffle(r.bookings.begin(), r.bookings.end(), rng);
    service svc;
    svc.id = "svc";
    svc.duration = std::chrono::minutes{30};
    slot_query q{.now = monday - std::chrono::days{1}, .from = monday, .to = monday + std::chrono::days{10}, .asked = svc};
    q.resources.push_back(r);
    slot_query in_order = q;
    in_order.resources[0].bookings = sorted;
    CHECK(find_slots(q) == find_slots(in_order));
    CHECK(find_slots(q).size() > 100);
    for (int pair = 0; pair < 100; pair += 13) {
        const instant start = monday + std::chrono::hours{pair * 2};
        std::vector<std::string> named;
        const std::vector<resource_refusal> explained = explain(q, start);
        for (const reason& why : explained.front().reasons) named.push_back(why.booking);
        // Both bookings of the pair, in the order the query gives them.
        std::vector<std::string> given;
        for (const booking& b : q.resources[0].bookings)
            if (b.time.start == start) given.push_back(b.id);
        CAPTURE(pair);
        CHECK(named == given);
        REQUIRE(named.size() == 2);
    }
}
