// "Listed means bookable, and nothing books what it should not", on random
// catalogs: 2-4 locations, 2-6 resources working at different locations in
// Berlin, New York and Kathmandu around DST changes, one-seat and group
// services with buffers, notice and advance limits, holds that expire,
// rooms some services need one of (SPEC §10; rooms with hours of their own,
// in zones of their own), and (some seeds) services changing between
// bookings and moves. After every step:
//   - every listed slot, for every resource it names, passes `check` at the
//     slot's location, and `book` succeeds on a copy of the store;
//   - starts that are not listed (for a resource at a place where it could
//     serve) are refused by `check` with reasons and by `book`, writing nothing;
//   - a move goes to every start `slots(ignore_booking)` lists, and nowhere else;
//   - no two active bookings of a resource or a room overlap (padded), other
//     than seats of one group class at one place within its capacity (a
//     room's seats are not counted: SPEC §10 counts them on the masters);
//   - every active booking of a service with pools holds one active room
//     booking per pool at its own time, and every active room booking
//     belongs to an active booking.
#include "backends.hpp"

#include <slotcraft/scheduler.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <utility>

using namespace slotcraft;
using namespace std::chrono_literals;

namespace {

/// Copies everything a booking check reads from `from` into the empty `to`.
void copy_store(store& from, store& to, const std::vector<std::string>& clients) {
    struct everything {
        std::vector<location_record> locations;
        std::vector<resource_record> resources;
        std::vector<service_record> services;
        std::vector<std::pair<std::string, std::string>> links;
        std::vector<client_record> clients;
        settings config;
        std::vector<booking_record> bookings;
    };
    const everything all = from.read([&](transaction& tx) {
        everything out{.locations = tx.locations(), .resources = tx.resources(), .services = tx.services(),
                       .links = {}, .clients = {}, .config = tx.load_settings(), .bookings = {}};
        for (const service_record& s : out.services)
            for (const std::string& r : tx.providers(s.rules.id)) out.links.emplace_back(r, s.rules.id);
        for (const std::string& id : clients)
            if (auto c = tx.client(id)) out.clients.push_back(*c);
        const date::years reach{100};
        const instant middle{date::sys_days{date::year{2027} / 6 / 1}};
        for (const resource_record& r : out.resources)
            for (booking_record& b : tx.bookings_of_resource(r.id, {middle - reach, middle + reach}))
                out.bookings.push_back(std::move(b));
        return out;
    });
    to.write({}, [&](transaction& tx) {
        for (const location_record& l : all.locations) tx.put_location(l);
        for (const resource_record& r : all.resources) tx.put_resource(r);
        for (const service_record& s : all.services) tx.put_service(s);
        for (const auto& [r, s] : all.links) tx.link(r, s);
        for (const client_record& c : all.clients) tx.put_client(c);
        tx.save_settings(all.config);
        for (const booking_record& b : all.bookings) tx.insert_booking(b);
    });
}

/// One random world: its catalog, the days it is asked about, and the clock.
class world {
public:
    world(scheduler& s, std::uint32_t seed, bool services_change) : s_(s), rng_(seed), services_change_(services_change) {
        build();
    }

    scheduler& s_;
    std::mt19937 rng_;
    bool services_change_;
    interval days_{};
    instant now_{};
    std::vector<std::string> places, resources, services, rooms;
    const std::vector<std::string> clients{"c1", "c2", "c3"};

    int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
    bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
    template <class T>
    const T& one_of(const std::vector<T>& v) { return v[static_cast<std::size_t>(pick(0, static_cast<int>(v.size()) - 1))]; }

    service random_rules(const std::string& id, bool group) {
        service out{.id = id, .duration = minutes{15 * pick(2, 4)}};
        if (chance(0.5)) out.step = minutes{15 * pick(1, 2)};
        out.align = std::vector{alignment::window, alignment::clock, alignment::free}[static_cast<std::size_t>(pick(0, 2))];
        out.buffer_before = minutes{5 * pick(0, 2)};
        out.buffer_after = minutes{5 * pick(0, 3)};
        out.min_notice = minutes{60 * pick(0, 2)};
        if (chance(0.3)) out.max_advance = minutes{60 * pick(36, 72)};
        if (group) out.capacity = pick(2, 4);
        if (chance(0.25)) out.max_per_day = pick(1, 3);
        return out;
    }

    std::vector<local_range> random_day() {
        switch (pick(0, 5)) {
            case 0: return {};
            case 1: return {local_range::parse("09:00", "17:00")};
            case 2: return {local_range::parse("08:00", "12:00"), local_range::parse("13:00", "18:30")};
            case 3: return {local_range::parse("20:00", "03:30")};  // overnight, across the DST hour
            case 4: return {local_range::parse("00:00", "24:00")};
            default: return {local_range::parse("01:00", "05:00")};  // the DST hour itself
        }
    }

    void build() {
        // Around a DST change: spring or autumn, Europe or America.
        static const std::vector<std::string> starts{"2027-03-27T00:00:00Z", "2027-03-13T00:00:00Z",
                                                     "2027-10-30T00:00:00Z", "2027-11-06T00:00:00Z"};
        const instant first = parse_instant(one_of(starts));
        days_ = {first, first + 72h};
        now_ = first - 3h;
        const int place_count = pick(2, 4);
        for (int i = 0; i < place_count; ++i) {
            places.push_back("p" + std::to_string(i));
            s_.put_location({.id = places.back()});
        }
        static const std::vector<std::string> zones{"Europe/Berlin", "America/New_York", "Asia/Kathmandu"};
        const int resource_count = pick(2, 6);
        for (int i = 0; i < resource_count; ++i) {
            resource_record r{.id = "r" + std::to_string(i), .time_zone = one_of(zones)};
            std::set<std::string> where;
            const int count = pick(1, 2);
            while (static_cast<int>(where.size()) < count) where.insert(one_of(places));
            for (const std::string& place : where) {
                location_schedule at{.location = place};
                for (unsigned d = 0; d < 7; ++d) at.weekly.set(date::weekday{d}, random_day());
                if (chance(0.3)) at.breaks = {local_range::parse("12:00", "12:45")};
                if (chance(0.2)) at.overrides[date::floor<date::days>(date::local_days{} + (days_.start - instant{}))] = {};
                r.schedules.push_back(std::move(at));
            }
            if (chance(0.2)) r.time_off = {{days_.start + 30h, days_.start + 33h}};
            resources.push_back(r.id);
            s_.put_resource(r);
        }
        // Rooms (SPEC §10): resources with hours of their own that provide nothing.
        const int room_count = pick(0, 3);
        for (int i = 0; i < room_count; ++i) {
            resource_record room{.id = "room" + std::to_string(i), .time_zone = one_of(zones)};
            location_schedule at{.location = one_of(places)};
            for (unsigned d = 0; d < 7; ++d) at.weekly.set(date::weekday{d}, random_day());
            room.schedules.push_back(std::move(at));
            rooms.push_back(room.id);
            s_.put_resource(room);
        }
        const int service_count = pick(2, 3);
        for (int i = 0; i < service_count; ++i) {
            const bool group = i == 1 || chance(0.2);
            service_record rec{.rules = random_rules("s" + std::to_string(i), group)};
            if (chance(0.4)) rec.locations = {one_of(places)};
            if (!rooms.empty() && chance(0.6)) {
                service_pool& pool = rec.pools.emplace_back(service_pool{.id = "room", .resources = {}});
                for (const std::string& room : rooms)
                    if (pool.resources.empty() || chance(0.6)) pool.resources.push_back(room);
            }
            services.push_back(rec.rules.id);
            s_.put_service(rec);
            for (const std::string& r : resources)
                if (chance(0.7)) s_.link(r, rec.rules.id);
        }
        for (const std::string& c : clients) s_.put_client({.id = c});
        settings config;
        if (chance(0.3)) config.global_breaks = {local_range::parse("15:00", "15:30")};
        if (chance(0.3)) config.default_step = minutes{15};
        s_.save_settings(config);
    }

    /// Where `resource` can serve `service` (not counting hours): its schedules' places where it is offered.
    std::vector<std::string> places_for(const std::string& resource, const std::string& service) {
        const auto links = s_.services_of(resource);
        if (std::find(links.begin(), links.end(), service) == links.end()) return {};
        const service_record offered = *s_.service(service);
        const resource_record who = *s_.resource(resource);
        std::vector<std::string> out;
        for (const location_schedule& at : who.schedules)
            if (offered.locations.empty() ||
                std::find(offered.locations.begin(), offered.locations.end(), at.location) != offered.locations.end())
                out.push_back(at.location);
        return out;
    }
};

/// How close `start` is to the padded edges of the other active bookings of
/// `resource`: the tighter a booking or a move, the more a wrong length or
/// buffer would show as an overlap.
std::chrono::seconds gap_to_neighbours(world& w, const std::string& resource, instant start, std::string_view self = {}) {
    std::chrono::seconds best = std::chrono::days{365};
    for (const booking_record& b : w.s_.upcoming(resource, w.days_.start - 24h, 6)) {
        if (b.id == self || !b.active_at(w.now_)) continue;
        for (const instant edge : {b.padded().start, b.padded().end})
            best = std::min<std::chrono::seconds>(best, edge > start ? edge - start : start - edge);
    }
    return best;
}

/// Most of the time one of the three tightest of `options` (by `gap`), else any.
template <class Option, class Gap>
const Option& tight_pick(world& w, std::vector<Option>& options, Gap&& gap) {
    if (w.chance(0.3) || options.size() < 2) return w.one_of(options);
    std::vector<std::pair<std::chrono::seconds, std::size_t>> ranked;
    for (std::size_t i = 0; i < options.size(); ++i) ranked.emplace_back(gap(options[i]), i);
    std::sort(ranked.begin(), ranked.end());
    return options[ranked[static_cast<std::size_t>(w.pick(0, static_cast<int>(std::min<std::size_t>(3, ranked.size())) - 1))].second];
}

struct step_counts {
    std::size_t listed_checked = 0, copies_booked = 0, unlisted_refused = 0, moves = 0, service_changes = 0;
    std::size_t booked_with_rooms = 0, moved_with_rooms = 0;  // of services with pools
};

/// No two active bookings of a resource or room overlap, but seats of one
/// class at one place; pool groups are whole.
void check_no_double_booking(world& w) {
    std::vector<std::string> everyone = w.resources;
    everyone.insert(everyone.end(), w.rooms.begin(), w.rooms.end());
    std::map<std::string, std::vector<booking_record>> rooms_of;  // active room bookings by their main booking
    for (const std::string& room : w.rooms)
        for (booking_record& b : w.s_.upcoming(room, w.days_.start - 24h, 6))
            if (b.active_at(w.now_)) rooms_of[b.group].push_back(std::move(b));
    for (const std::string& r : w.resources)
        for (const booking_record& b : w.s_.upcoming(r, w.days_.start - 24h, 6)) {
            if (!b.active_at(w.now_)) continue;
            const auto held = rooms_of.find(b.id);
            const std::size_t pools = w.s_.service(b.service)->pools.size();
            INFO("the rooms of ", b.id, " (", b.service, " of ", r, " at ", format_instant(b.time.start), ")");
            CHECK((held == rooms_of.end() ? 0 : held->second.size()) == pools);
            if (held == rooms_of.end()) continue;
            for (const booking_record& room : held->second) {
                CHECK(room.time == b.time);
                CHECK(room.location == b.location);
            }
            rooms_of.erase(held);
        }
    CHECK_MESSAGE(rooms_of.empty(), "room bookings without an active main booking: " << rooms_of.size());
    for (const std::string& r : everyone) {
        const bool room = std::find(w.rooms.begin(), w.rooms.end(), r) != w.rooms.end();
        std::vector<booking_record> active;
        for (booking_record& b : w.s_.upcoming(r, w.days_.start - 24h, 6))
            if (b.active_at(w.now_)) active.push_back(std::move(b));
        std::map<std::tuple<std::string, instant, std::string>, int> seats;  // service, start, place
        for (std::size_t i = 0; i < active.size(); ++i) {
            const booking_record& a = active[i];
            const int capacity = w.s_.service(a.service)->rules.capacity;
            if (capacity > 1 && !room) {
                const int taken = seats[{a.service, a.time.start, a.location}] += a.seats;
                INFO("class ", a.service, " of ", r, " at ", format_instant(a.time.start));
                CHECK(taken <= capacity);
            }
            for (std::size_t j = i + 1; j < active.size(); ++j) {
                const booking_record& b = active[j];
                const bool one_class = capacity > 1 && a.service == b.service && a.time.start == b.time.start &&
                                       a.location == b.location;
                INFO(r, ": ", a.id, " ", format_instant(a.padded().start), "-", format_instant(a.padded().end), " vs ",
                     b.id, " ", format_instant(b.padded().start), "-", format_instant(b.padded().end));
                CHECK((one_class || !a.padded().overlaps(b.padded())));
            }
        }
    }
}

template <class Backend>
void run_world(std::uint32_t seed, bool services_change, step_counts& counts) {
    Backend backend;
    scheduler s(backend.get());
    world w(s, seed, services_change);
    INFO("seed ", seed);
    const auto listing_of = [&](const std::string& service, int seats, const std::string& ignore = {}) {
        std::map<std::pair<instant, std::string>, std::vector<std::string>> out;
        for (const located_slot& x : s.slots({.service = service, .from = w.days_.start, .to = w.days_.end,
                                               .seats = seats, .ignore_booking = ignore},
                                              w.now_))
            out[{x.free.time.start, x.location}] = {x.free.resources.begin(), x.free.resources.end()};
        return out;
    };
    const auto random_start = [&] {
        return w.days_.start + std::chrono::minutes{15 * w.pick(0, static_cast<int>((w.days_.end - w.days_.start) / 15min) - 1)};
    };

    for (int step = 0; step < 20; ++step) {
        const std::string& service = w.one_of(w.services);
        const int capacity = s.service(service)->rules.capacity;
        const int seats = capacity > 1 ? w.pick(1, 2) : 1;
        const auto listed = listing_of(service, seats);

        // Every listed slot, every resource it names: bookable (check), and booked on a copy (a sample).
        std::vector<std::tuple<instant, std::string, std::string>> bookable;  // start, place, resource
        for (const auto& [key, names] : listed)
            for (const std::string& r : names) bookable.emplace_back(key.first, key.second, r);
        for (const auto& [start, place, r] : bookable) {
            const booking_request ask{.resource = r, .service = service, .location = place, .start = start, .seats = seats};
            INFO(r, " ", service, " at ", place, " ", format_instant(start));
            CHECK(s.check(ask, w.now_).empty());
            ++counts.listed_checked;
        }
        std::shuffle(bookable.begin(), bookable.end(), w.rng_);
        for (std::size_t i = 0; i < std::min<std::size_t>(2, bookable.size()); ++i) {
            const auto& [start, place, r] = bookable[i];
            Backend copy;
            copy_store(backend.get(), copy.get(), w.clients);
            scheduler on_copy(copy.get());
            INFO("on a copy: ", r, " ", service, " at ", place, " ", format_instant(start));
            CHECK_NOTHROW((void)on_copy.book({.resource = r, .service = service, .location = place, .start = start,
                                               .seats = seats},
                                              w.now_));
            ++counts.copies_booked;
        }

        // Starts that are not listed for a resource at a place where it serves: refused, nothing written.
        const auto audited = s.audit(0, 100000).size();
        for (int probe = 0; probe < 30; ++probe) {
            const std::string& r = w.one_of(w.resources);
            const auto where = w.places_for(r, service);
            if (where.empty()) continue;
            const std::string& place = w.one_of(where);
            const instant start = random_start();
            const auto it = listed.find({start, place});
            if (it != listed.end() && std::find(it->second.begin(), it->second.end(), r) != it->second.end()) continue;
            const booking_request ask{.resource = r, .service = service, .location = place, .start = start, .seats = seats};
            INFO("not listed: ", r, " ", service, " at ", place, " ", format_instant(start));
            CHECK_FALSE(s.check(ask, w.now_).empty());
            CHECK_THROWS_AS((void)s.book(ask, w.now_), booking_refused);
            ++counts.unlisted_refused;
        }
        CHECK(s.audit(0, 100000).size() == audited);

        // Book, or hold, one listed slot for real, most often close to another booking.
        if (!bookable.empty()) {
            const auto& [start, place, r] = tight_pick(w, bookable, [&](const auto& option) {
                return gap_to_neighbours(w, std::get<2>(option), std::get<0>(option));
            });
            booking_request ask{.resource = r, .service = service, .location = place,
                                .client = w.one_of(w.clients), .start = start, .seats = seats};
            if (w.chance(0.3)) {
                const booking_record held = s.hold(ask, minutes{w.pick(5, 60)}, w.now_);
                if (w.chance(0.5)) {
                    try {
                        (void)s.confirm(held.hold_token, w.now_);
                    } catch (const booking_refused&) {
                        FAIL("a hold just taken could not be confirmed");
                    }
                }
            } else {
                (void)s.book(ask, w.now_);
            }
            if (!s.service(service)->pools.empty()) ++counts.booked_with_rooms;
        }

        // Some seeds change a service between bookings and moves: its length or buffers.
        if (w.services_change_ && w.chance(0.4)) {
            service_record changed = *s.service(w.one_of(w.services));
            changed.rules.duration = minutes{15 * w.pick(1, 4)};
            changed.rules.buffer_before = minutes{5 * w.pick(0, 2)};
            changed.rules.buffer_after = minutes{5 * w.pick(0, 3)};
            s.put_service(changed);
            ++counts.service_changes;
        }

        // Move a random active booking: every start listed for it is accepted, an unlisted one refused.
        std::vector<booking_record> active;
        for (const std::string& r : w.resources)
            for (booking_record& b : s.upcoming(r, w.days_.start, 3))
                if (b.active_at(w.now_)) active.push_back(std::move(b));
        if (!active.empty()) {
            const booking_record b = w.one_of(active);
            const auto moves = listing_of(b.service, b.seats, b.id);
            std::vector<std::pair<instant, std::string>> targets;
            for (const auto& [key, names] : moves)
                if (std::find(names.begin(), names.end(), b.resource) != names.end()) targets.push_back(key);
            const instant elsewhere = random_start();
            const auto where = w.places_for(b.resource, b.service);
            if (!where.empty()) {
                const std::string& place = w.one_of(where);
                if (std::find(targets.begin(), targets.end(), std::pair{elsewhere, place}) == targets.end()) {
                    INFO("a move not listed: ", b.id, " to ", place, " ", format_instant(elsewhere));
                    CHECK_THROWS_AS((void)s.reschedule(b.id, elsewhere, w.now_, "", place), booking_refused);
                    CHECK(s.booking(b.id)->time == b.time);
                }
            }
            if (!targets.empty()) {
                const auto& [start, place] = tight_pick(w, targets, [&](const auto& option) {
                    return gap_to_neighbours(w, b.resource, option.first, b.id);
                });
                INFO("a listed move: ", b.id, " to ", place, " ", format_instant(start));
                const booking_record moved = s.reschedule(b.id, start, w.now_, "", place);
                CHECK(moved.location == place);
                CHECK(moved.time.start == start);
                CHECK(moved.time.length() == std::chrono::seconds{s.service(b.service)->rules.duration});
                ++counts.moves;
                if (!s.service(b.service)->pools.empty()) ++counts.moved_with_rooms;
            }
        }
        if (w.chance(0.2) && !active.empty()) (void)s.cancel(w.one_of(active).id, "changed plans", w.now_);

        check_no_double_booking(w);
        w.now_ += minutes{w.pick(0, 9) * 10};  // holds expire as the clock moves
    }
}

// Seeds 1-24, or for a longer soak `SLOTCRAFT_RANDOM_SEEDS=FIRST-LAST` (the
// counts below must then be met by those seeds together).
std::pair<std::uint32_t, std::uint32_t> seed_range() {
    const char* text = std::getenv("SLOTCRAFT_RANDOM_SEEDS");
    if (text == nullptr || *text == '\0') return {1, 24};
    unsigned long first = 0, last = 0;
    char dash = 0;
    std::istringstream in(text);
    if (!(in >> first >> dash >> last) || dash != '-' || first == 0 || last < first || last > UINT32_MAX)
        throw std::invalid_argument("SLOTCRAFT_RANDOM_SEEDS: must be FIRST-LAST, from 1 up, as 25-500");
    return {static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(last)};
}

}  // namespace

TEST_CASE_TEMPLATE_DEFINE("on random catalogs, every listed slot can be booked and nothing else can", Backend,
                          scheduler_random) {
    step_counts counts;
    const auto [first_seed, last_seed] = seed_range();
    for (std::uint32_t seed = first_seed; seed <= last_seed; ++seed) run_world<Backend>(seed, seed % 3 == 0, counts);
    MESSAGE("listed checked ", counts.listed_checked, ", booked on copies ", counts.copies_booked,
            ", unlisted refused ", counts.unlisted_refused, ", moves ", counts.moves, ", service changes ",
            counts.service_changes, ", booked with rooms ", counts.booked_with_rooms, ", moved with rooms ",
            counts.moved_with_rooms);
    // The worlds must have exercised each promise, or the test proves nothing.
    CHECK(counts.listed_checked > 500);
    CHECK(counts.copies_booked > 50);
    CHECK(counts.unlisted_refused > 500);
    CHECK(counts.moves > 30);
    CHECK(counts.service_changes > 5);
    CHECK(counts.booked_with_rooms > 30);
    CHECK(counts.moved_with_rooms > 10);
}

TEST_CASE_TEMPLATE_INVOKE(scheduler_random, slotcraft::test::memory_backend, slotcraft::test::sqlite_backend);
