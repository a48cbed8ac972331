#pragma once
// What the scheduler's parts share (not installed): loading a booking's
// context from the catalog, the one check of a start that book, hold,
// confirm, reschedule and check all run, writing a booking with its audit
// entry, and the small helpers around them. scheduling.cpp defines them;
// catalog, availability, booking, series and the reports use them.

#include <slotcraft/catalog_json.hpp>
#include <slotcraft/scheduler.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slotcraft::scheduling {

// Bookings up to this far from a query still matter: one local date's
// bookings count against the daily limit of every start on that date.
constexpr std::chrono::days booking_margin{2};

// `digits` random lowercase hex digits (booking ids, hold tokens).
std::string random_hex(std::size_t digits);
instant wall_clock_now();

inline std::string as_json(const auto& value) { return nlohmann::json(value).dump(); }
inline std::string as_json(const booking_record& b) { return booking_json_text(b); }

// Appends an audit entry inside `tx`.
void record(transaction& tx, instant at, std::string_view actor, std::string_view action, std::string_view subject,
            std::string before, std::string after);
// Inserts the booking `b` inside `tx` with its audit entry (`action`, b as
// after), in one step where the store can.
void insert_recorded(transaction& tx, const booking_record& b, instant at, std::string_view actor,
                     std::string_view action);
// Replaces the booking with b's id by `b` inside `tx`, with its audit entry
// (`action`, `before`, b as after), in one step where the store can.
void update_recorded(transaction& tx, const booking_record& b, instant at, std::string_view actor,
                     std::string_view action, std::string before);
// not_found for `field`: no `what` with id `id`.
[[noreturn]] void missing(std::string field, std::string_view what, std::string_view id);
// conflict for `field` when `archived`: it is not offered or booked any more.
void refuse_archived(bool archived, std::string field, std::string_view what, std::string_view id);

using id_set = std::set<std::string, std::less<>>;
// The ids of the archived locations.
id_set archived_locations(transaction& tx);

// Everything a check of one resource for one service needs.
struct booking_context {
    resource_record resource;
    service_record offered;
    settings config;
    id_set closed_places;  // archived locations
};

service engine_service(const booking_context& ctx);
bool offered_at(const service_record& s, std::string_view location);
// The locations (not archived) where `ctx.resource` works and its service is
// offered, or just `requested`.
std::vector<std::string> eligible_locations(const booking_context& ctx, std::string_view requested);
const location_schedule& schedule_at(const resource_record& r, std::string_view location);
// The bookings of `r` that can matter to starts in `span`.
std::vector<booking_record> bookings_around(transaction& tx, const resource_record& r, interval span);
// The engine's rules of `r` at one of its locations.
schedule rules_at(const resource_record& r, const location_schedule& at, const settings& config);
// The engine's view of `r` at `location` with `bookings`, but the booking
// `leave_out` and the pool bookings made with it.
resource engine_view_of(const resource_record& r, const settings& config, std::string_view location,
                        std::span<const booking_record> bookings, std::string_view leave_out);
// The engine's view of `ctx.resource` at `location` with `bookings` (but the group of `leave_out`).
resource engine_resource(const booking_context& ctx, std::string_view location,
                         std::span<const booking_record> bookings, std::string_view leave_out = {});

// ---- SPEC §10 pools in the catalog ----

// A member per pool: pool id → resource id.
using member_choice = std::map<std::string, std::string, std::less<>>;

// The members a check must book (`required`: named by the request) and the
// ones it keeps when they are free (`kept`: the group's members now, for
// confirm and reschedule); any other pool gets its preferred free member.
struct pool_wishes {
    member_choice required;
    member_choice kept;
};

// Refuses a member named for a pool the service does not have, or a
// resource that is not a member of the pool (invalid_argument `pool_members.POOL`).
void validate_pool_choice(const service_record& offered, const member_choice& named);

// A write that found it needs locks it does not hold (a pool member's, read
// from the catalog inside the transaction): write_locked runs it again with
// `names`. Not an `error`, so that nothing on the way mistakes it for a refusal.
struct locks_missing {
    std::vector<std::string> names;
};

// The lock names a write holds (sorted, once each).
class lock_set {
public:
    explicit lock_set(std::vector<std::string> names);
    [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
    // Throws locks_missing (the names held and `name`) unless `name` is held.
    void need(const std::string& name) const;
    // Throws locks_missing (the names held and every one of `wanted` not held) unless all are held.
    void need(std::span<const std::string> wanted) const;

private:
    std::vector<std::string> names_;
};

// backend.write(locks, work(tx, lock_set)), run again with more locks while
// `work` finds it needs them (at most a few times: the catalog changing under
// it each time is a conflict).
template <class Work>
auto write_locked(store& backend, std::vector<std::string> locks, Work&& work) {
    for (int attempt = 0;; ++attempt) {
        const lock_set held(std::move(locks));
        try {
            return backend.write(held.names(), [&](transaction& tx) { return work(tx, held); });
        } catch (locks_missing& more) {
            if (attempt == 4)
                throw error(error_category::conflict, "service",
                            "the pools of the service kept changing while booking: try again");
            locks = std::move(more.names);
        }
    }
}

// The lock name of a client's bookings (a resource with the same id only shares it).
std::string client_lock(std::string_view client);
// The lock name of an idempotency key, which a booking and a series may both ask for.
std::string key_lock(std::string_view key);

// The catalog pools of one service with their active members, each with its
// bookings around `reach`, read once for any number of locations.
class service_pools {
public:
    // Needs the lock of every member when `locks` is given.
    service_pools(transaction& tx, const booking_context& ctx, interval reach, const lock_set* locks);
    [[nodiscard]] bool empty() const noexcept { return pools_.empty(); }
    // The engine's pools at `location`: the members with a schedule there,
    // with their bookings but the group of `leave_out`; a pool `only` names
    // keeps just that member.
    [[nodiscard]] std::vector<pool> at(std::string_view location, std::string_view leave_out,
                                       const member_choice& only) const;

private:
    struct member {
        resource_record record;
        std::vector<booking_record> bookings;
    };
    struct one_pool {
        std::string id;
        std::vector<member> members;
    };
    const settings& config_;
    std::vector<one_pool> pools_;
};
// The asking client of a query of `asked` (SPEC §11): `client` with its
// bookings but `leave_out`; nullopt for no client or a service without limits.
std::optional<asking_client> asking_client_of(transaction& tx, std::string_view client, const service& asked,
                                              std::string_view leave_out);
// The engine query for one start of one resource at one location, asked by `asker`.
slot_query single_start_query(transaction& tx, const booking_context& ctx, std::string_view location, instant start,
                              int seats, const std::optional<asking_client>& asker, instant now,
                              std::string_view leave_out);
// The resource and service of a booking as the catalog has them now: both
// exist, neither is archived, and the resource provides the service.
booking_context load_context(transaction& tx, std::string_view resource_id, std::string_view service_id);
// The location a request books at: the asked one, which must exist (else
// not_found) and be eligible, or the only eligible one.
std::vector<std::string> request_locations(transaction& tx, const booking_context& ctx, std::string_view requested);

struct checked_start {
    std::string location;         // where it is bookable, if anywhere
    std::vector<reason> reasons;  // of the first location tried, when bookable nowhere
    member_choice members;        // where bookable: the member booked per pool
};
// The one check of a start for `client`, with the booking `leave_out` (and
// its pool bookings) left out; the pools' members as `wishes` asks.
checked_start check_start(transaction& tx, const booking_context& ctx, std::string_view requested_location,
                          instant start, int seats, std::string_view client, instant now,
                          std::string_view leave_out = {}, const pool_wishes& wishes = {},
                          const lock_set* locks = nullptr);

// not_found naming `client` for a client id (but "") the store does not have.
void require_client(transaction& tx, std::string_view client);
// The locks of a transaction that books `requests`: each resource and each
// client (whose limits count its bookings on every resource), once, sorted.
std::vector<std::string> booking_locks(std::span<const booking_request> requests);

void validate_request(const booking_request& request);
void refuse_more_seats_than(const booking_context& ctx, int seats);
// Refuses a duration, offset or TTL outside (0, max_scheduler_minutes].
void check_minutes(minutes value, const std::string& field);
// Refuses text that is stored and shown on one line (ids, names, actors)
// when it is not UTF-8 or holds a control character (C0, DEL or C1: NUL, a
// line break, an escape), naming `field`.
void check_text(std::string_view value, const std::string& field);
// Refuses an instant that a record cannot spell: outside the years
// 0001-9999 in UTC (earliest_instant, latest_instant), naming `field`.
void check_spelled(instant t, const std::string& field);
// The same for free text of several lines (a cancel reason): tabs and line
// breaks are kept, other control characters refused.
void check_lines(std::string_view value, const std::string& field);
// Refuses text that is stored but not shown as typed (an idempotency key,
// which the HTTP API prefixes with its caller and a control character) when
// it is not UTF-8, naming `field`.
void check_utf8(std::string_view value, const std::string& field);
// Throws booking_refused with `reasons`.
[[noreturn]] void refuse(const std::vector<reason>& reasons);
// Gives `b` what a new booking of its service at `start` would have (the
// check of confirm and reschedule), keeping its pool members where they are
// free; returns the members it books. \throws booking_refused.
// `members`: b's pool bookings as stored (a pool keeps its member where it is free).
member_choice rebook(transaction& tx, booking_record& b, std::span<const booking_record> members, instant start,
                     const std::string& place, instant now, const lock_set* locks);

// The booking contexts a batch or series has loaded, by resource and
// service. Its transaction writes only bookings and audit entries, so the
// catalog they come from does not change while it runs.
using context_cache = std::map<std::pair<std::string, std::string>, booking_context>;
const booking_context& context_of(transaction& tx, const booking_request& request, context_cache* cache,
                                  std::optional<booking_context>& own);
// Cancels the active booking `b` inside `tx`, with its audit entry.
booking_record cancel_in(transaction& tx, booking_record b, std::string_view why, instant now, std::string_view actor);
// The booking a stored booking belongs with: for a pool member's booking the
// one it was made with (when it still exists), else itself.
booking_record main_of(transaction& tx, booking_record b);
// The body of scheduler::slots, inside `tx` (the request's range already checked).
std::vector<located_slot> slots_in(transaction& tx, const slot_request& request, instant now);
// The booking whose group `ignore_booking` leaves out (SPEC §10: a booking
// goes with its pool bookings, a pool booking with its group); "" for "".
// \throws error (not_found, `ignore_booking`) for an unknown booking.
std::string group_left_out(transaction& tx, std::string_view ignore_booking);
// A stored booking's group (SPEC §10): the booking it belongs with
// (main_of) and that booking's pool bookings, read once for a change.
struct booking_group {
    booking_record main;
    std::vector<booking_record> members;
};
booking_group group_of(transaction& tx, booking_record b);
// Needs the locks of everything a change of `group` may touch: the main
// booking's resource and client, its pool bookings' resources and the
// members of its service's pools.
void need_group_locks(transaction& tx, const booking_group& group, const lock_set& locks);
// Cancels the main booking (when active) and its active pool bookings
// inside `tx`; returns those cancelled now, the main booking first.
std::vector<booking_record> cancel_group_in(transaction& tx, const booking_group& group, std::string_view why,
                                            instant now, std::string_view actor);
// Makes the active ones of `members`, the pool bookings of `main` as
// stored, the members `chosen`: each kept one takes main's time, place,
// seats, buffers and status; the others are cancelled, and the missing ones
// written. Audited as `action`.
void regroup(transaction& tx, const booking_record& main, std::span<const booking_record> members,
             const member_choice& chosen, instant now, std::string_view actor, std::string_view action);
// Checks and writes one booking or hold inside `tx`, with its pool bookings.
booking_record book_in(transaction& tx, const booking_request& request, instant now, std::optional<minutes> hold_for,
                       std::string_view series = {}, context_cache* contexts = nullptr,
                       const lock_set* locks = nullptr);

}  // namespace slotcraft::scheduling
