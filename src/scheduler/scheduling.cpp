// The shared part of the scheduler (scheduling.hpp): a booking's context,
// the check of one start, and writing a booking with its audit entry.

#include "scheduling.hpp"
#include "../utf8.hpp"

#include <slotcraft/day_grid.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <random>

namespace slotcraft::scheduling {

std::string random_hex(std::size_t digits) {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    std::string out(digits, '0');
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < digits; ++i, bits <<= 4) {  // 16 digits a draw, the highest first
        if (i % 16 == 0) bits = engine();
        out[i] = "0123456789abcdef"[bits >> 60];
    }
    return out;
}

instant wall_clock_now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

void record(transaction& tx, instant at, std::string_view actor, std::string_view action, std::string_view subject,
            std::string before, std::string after) {
    check_text(actor, "actor");
    tx.append_audit({.at = at, .actor = std::string(actor), .action = std::string(action),
                     .subject = std::string(subject), .before = std::move(before), .after = std::move(after)});
}

void insert_recorded(transaction& tx, const booking_record& b, instant at, std::string_view actor,
                     std::string_view action) {
    check_text(actor, "actor");
    tx.insert_booking_audited(b, {.at = at, .actor = std::string(actor), .action = std::string(action),
                                  .subject = b.id, .after = as_json(b)});
}

void update_recorded(transaction& tx, const booking_record& b, instant at, std::string_view actor,
                     std::string_view action, std::string before) {
    check_text(actor, "actor");
    tx.update_booking_audited(b, {.at = at, .actor = std::string(actor), .action = std::string(action),
                                  .subject = b.id, .before = std::move(before), .after = as_json(b)});
}

[[noreturn]] void missing(std::string field, std::string_view what, std::string_view id) {
    throw error(error_category::not_found, std::move(field), fmt::format("no {} \"{}\"", what, id));
}

/// Refuses a record that was archived: it is never offered or booked again.
void refuse_archived(bool archived, std::string field, std::string_view what, std::string_view id) {
    if (archived)
        throw error(error_category::conflict, std::move(field),
                    fmt::format("{} \"{}\" is archived: it is not offered or booked any more", what, id));
}

/// The ids of the archived locations.
id_set archived_locations(transaction& tx) {
    id_set out;
    for (const location_record& l : tx.locations())
        if (l.archived) out.insert(l.id);
    return out;
}

service engine_service(const booking_context& ctx) {
    service out = ctx.offered.rules;
    if (!out.step && ctx.config.default_step) out.step = ctx.config.default_step;
    return out;
}

bool offered_at(const service_record& s, std::string_view location) {
    return s.locations.empty() || std::find(s.locations.begin(), s.locations.end(), location) != s.locations.end();
}

/// The locations (not archived) where `ctx.resource` works and its service
/// is offered, or just `requested`.
std::vector<std::string> eligible_locations(const booking_context& ctx, std::string_view requested) {
    std::vector<std::string> out;
    for (const location_schedule& ls : ctx.resource.schedules)
        if (offered_at(ctx.offered, ls.location) && (requested.empty() || ls.location == requested) &&
            !ctx.closed_places.contains(ls.location))
            out.push_back(ls.location);
    return out;
}

const location_schedule& schedule_at(const resource_record& r, std::string_view location) {
    return *std::find_if(r.schedules.begin(), r.schedules.end(),
                         [&](const location_schedule& ls) { return ls.location == location; });
}

/// The bookings of `r` that can matter to starts in `span`.
std::vector<booking_record> bookings_around(transaction& tx, const resource_record& r, interval span) {
    return tx.bookings_of_resource(r.id, {span.start - booking_margin, span.end + booking_margin});
}

/// The engine's rules of `r` at one of its locations: the schedule there,
/// the global breaks, the resource's time off.
schedule rules_at(const resource_record& r, const location_schedule& at, const settings& config) {
    schedule out{.time_zone = zone::locate(r.time_zone, "time_zone"),
                 .weekly = at.weekly,
                 .rotation = at.rotation,
                 .overrides = at.overrides,
                 .breaks = at.breaks,
                 .time_off = r.time_off};
    out.breaks.insert(out.breaks.end(), config.global_breaks.begin(), config.global_breaks.end());
    return out;
}

/// The engine's view of `r` at `location`, with `bookings` (but the booking
/// `leave_out` and its pool bookings); those made at another location are `elsewhere`.
resource engine_view_of(const resource_record& r, const settings& config, std::string_view location,
                        std::span<const booking_record> bookings, std::string_view leave_out) {
    resource out{.id = r.id, .rules = rules_at(r, schedule_at(r, location), config)};
    out.bookings.reserve(bookings.size());
    for (const booking_record& b : bookings) {
        if (b.in_group_of(leave_out)) continue;
        booking& seen = out.bookings.emplace_back(b.engine_view());
        seen.elsewhere = !b.location.empty() && b.location != location;
    }
    return out;
}

resource engine_resource(const booking_context& ctx, std::string_view location,
                         std::span<const booking_record> bookings, std::string_view leave_out) {
    return engine_view_of(ctx.resource, ctx.config, location, bookings, leave_out);
}

// ---- SPEC §10 pools in the catalog ----

void validate_pool_choice(const service_record& offered, const member_choice& named) {
    for (const auto& [pool_id, member] : named) {
        const std::string field = "pool_members." + pool_id;
        const auto p = std::find_if(offered.pools.begin(), offered.pools.end(),
                                    [&](const service_pool& each) { return each.id == pool_id; });
        if (p == offered.pools.end())
            reject(field, fmt::format("service \"{}\" has no pool \"{}\"", offered.rules.id, pool_id.substr(0, 64)));
        if (std::find(p->resources.begin(), p->resources.end(), member) == p->resources.end())
            reject(field, fmt::format("resource \"{}\" is not a member of pool \"{}\"", member.substr(0, 64), pool_id));
    }
}

lock_set::lock_set(std::vector<std::string> names) : names_(std::move(names)) {
    std::sort(names_.begin(), names_.end());
    names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
}

void lock_set::need(const std::string& name) const { need(std::span(&name, 1)); }

void lock_set::need(std::span<const std::string> wanted) const {
    const auto held = [&](const std::string& name) { return std::binary_search(names_.begin(), names_.end(), name); };
    if (std::all_of(wanted.begin(), wanted.end(), held)) return;
    locks_missing more{names_};
    for (const std::string& name : wanted)
        if (!held(name)) more.names.push_back(name);
    throw more;
}

std::string client_lock(std::string_view client) { return "client " + std::string(client); }

std::string key_lock(std::string_view key) { return "key " + std::string(key); }

service_pools::service_pools(transaction& tx, const booking_context& ctx, interval reach, const lock_set* locks)
    : config_(ctx.config) {
    for (const service_pool& p : ctx.offered.pools) {
        one_pool& read = pools_.emplace_back(one_pool{.id = p.id, .members = {}});
        for (const std::string& id : p.resources) {
            if (locks != nullptr) locks->need(id);
            auto r = tx.resource(id);
            if (!r || r->archived) continue;  // no longer a place to book
            std::vector<booking_record> bookings = bookings_around(tx, *r, reach);
            read.members.push_back({std::move(*r), std::move(bookings)});
        }
    }
}

std::vector<pool> service_pools::at(std::string_view location, std::string_view leave_out,
                                    const member_choice& only) const {
    std::vector<pool> out;
    out.reserve(pools_.size());
    for (const one_pool& p : pools_) {
        pool& engine_pool = out.emplace_back(pool{.id = p.id, .members = {}});
        const auto named = only.find(p.id);
        for (const member& m : p.members) {
            if (named != only.end() && named->second != m.record.id) continue;
            const bool works_here = std::any_of(m.record.schedules.begin(), m.record.schedules.end(),
                                                [&](const location_schedule& ls) { return ls.location == location; });
            if (works_here) engine_pool.members.push_back(engine_view_of(m.record, config_, location, m.bookings, leave_out));
        }
    }
    return out;
}

std::optional<asking_client> asking_client_of(transaction& tx, std::string_view client, const service& asked,
                                              std::string_view leave_out) {
    if (client.empty() || !asked.limits_clients()) return std::nullopt;
    asking_client out{.id = std::string(client)};
    for (const booking_record& b : tx.bookings_of_client(client))
        if (!b.in_group_of(leave_out) && !b.for_pool()) out.bookings.push_back(b.engine_view());
    return out;
}

/// The engine query for one start of one resource at one location.
slot_query single_start_query(transaction& tx, const booking_context& ctx, std::string_view location, instant start,
                              int seats, const std::optional<asking_client>& asker, instant now,
                              std::string_view leave_out) {
    slot_query q{.now = now, .from = start, .to = start + std::chrono::seconds{1}, .asked = engine_service(ctx),
                 .seats = seats, .client = asker};
    const interval padded{start - q.asked.buffer_before, start + q.asked.duration + q.asked.buffer_after};
    const std::optional<interval> reach = bookings_in_reach(q.asked, start);
    const std::vector<booking_record> bookings =
        reach ? tx.bookings_of_resource(ctx.resource.id, *reach) : bookings_around(tx, ctx.resource, padded);
    q.resources.push_back(engine_resource(ctx, location, bookings, leave_out));
    return q;
}

/// The resource and service of a booking, as the catalog has them now: both
/// exist, neither is archived, and the resource provides the service.
booking_context load_context(transaction& tx, std::string_view resource_id, std::string_view service_id) {
    auto r = tx.resource(resource_id);
    if (!r) missing("resource", "resource", resource_id);
    refuse_archived(r->archived, "resource", "resource", resource_id);
    auto s = tx.service(service_id);
    if (!s) missing("service", "service", service_id);
    refuse_archived(s->archived, "service", "service", service_id);
    const auto provided = tx.services_of(resource_id);
    if (std::find(provided.begin(), provided.end(), service_id) == provided.end())
        reject("service", fmt::format("resource \"{}\" does not provide service \"{}\"", resource_id, service_id));
    return {std::move(*r), std::move(*s), tx.load_settings(), archived_locations(tx)};
}

/// The location a request books at: the asked one, which must exist and be
/// eligible, or the only eligible one.
std::vector<std::string> request_locations(transaction& tx, const booking_context& ctx, std::string_view requested) {
    refuse_archived(ctx.closed_places.contains(requested), "location", "location", requested);
    auto places = eligible_locations(ctx, requested);
    if (places.empty()) {
        if (!requested.empty() && !tx.location(requested)) missing("location", "location", requested);
        if (!requested.empty())
            reject("location", fmt::format("service \"{}\" is not offered by \"{}\" at location \"{}\"",
                                           ctx.offered.rules.id, ctx.resource.id, requested));
        reject("location", fmt::format("resource \"{}\" works at no location where \"{}\" is offered",
                                       ctx.resource.id, ctx.offered.rules.id));
    }
    return places;
}

namespace {

/// The member of each pool of `q` booked at `s`, where every pool has one
/// free: `kept`'s when it is free, else the preferred one (fewest active
/// bookings starting on the local day of `s` in `tz`, ties by id).
member_choice choose_members(const slot_query& q, const zone& tz, instant s, const member_choice& kept) {
    const local_date day = tz.date_of(s);
    const interval local_day{tz.to_utc(day, minutes{0}), tz.to_utc(day + date::days{1}, minutes{0})};
    const pool_members members(q.pools, q.asked, q.now, local_day);
    std::vector<std::uint32_t> positions;
    std::vector<std::uint32_t> counts;
    member_choice out;
    if (!members.free_at(s, positions, counts)) return out;
    std::size_t first = 0;
    for (std::size_t p = 0; p < q.pools.size(); ++p) {
        const auto ids = [&](std::size_t i) -> const std::string& { return q.pools[p].members[positions[first + i]].id; };
        std::string chosen = ids(0);
        if (const auto wish = kept.find(q.pools[p].id); wish != kept.end())
            for (std::size_t i = 0; i < counts[p]; ++i)
                if (ids(i) == wish->second) chosen = wish->second;
        out.emplace(q.pools[p].id, std::move(chosen));
        first += counts[p];
    }
    return out;
}

}  // namespace

checked_start check_start(transaction& tx, const booking_context& ctx, std::string_view requested_location,
                          instant start, int seats, std::string_view client, instant now, std::string_view leave_out,
                          const pool_wishes& wishes, const lock_set* locks) {
    // A booking's end must be an instant its record can spell.
    if (start < earliest_instant || start > latest_instant - ctx.offered.rules.duration)
        reject("start", "the booking must begin and end within the years 0001-9999 in UTC");
    checked_start out;
    // The client's bookings and the pools' members are read once, whatever the number of places tried.
    const std::optional<asking_client> asker = asking_client_of(tx, client, ctx.offered.rules, leave_out);
    std::optional<service_pools> pools;
    if (!ctx.offered.pools.empty()) {
        const service rules = engine_service(ctx);
        const interval padded{start - rules.buffer_before, start + rules.duration + rules.buffer_after};
        // The padded interval, and the local day around the start whose bookings order the members.
        const interval reach{std::min(padded.start, start - booking_margin), std::max(padded.end, start + booking_margin)};
        pools.emplace(tx, ctx, reach, locks);
    }
    for (const std::string& place : request_locations(tx, ctx, requested_location)) {
        slot_query q = single_start_query(tx, ctx, place, start, seats, asker, now, leave_out);
        if (pools) q.pools = pools->at(place, leave_out, wishes.required);
        auto refusal = explain(q, start).front();
        if (refusal.reasons.empty()) {
            out.location = place;
            out.reasons.clear();
            if (pools) out.members = choose_members(q, q.resources.front().rules.time_zone, start, wishes.kept);
            return out;
        }
        if (out.reasons.empty()) out.reasons = std::move(refusal.reasons);
    }
    return out;
}

void require_client(transaction& tx, std::string_view client) {
    if (!client.empty() && !tx.client(client)) missing("client", "client", client);
}

std::vector<std::string> booking_locks(std::span<const booking_request> requests) {
    std::vector<std::string> out;
    for (const booking_request& r : requests) {
        out.push_back(r.resource);
        if (!r.client.empty()) out.push_back(client_lock(r.client));
        if (!r.idempotency_key.empty()) out.push_back(key_lock(r.idempotency_key));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void validate_request(const booking_request& request) {
    if (request.resource.empty()) reject("resource", "must not be empty");
    if (request.service.empty()) reject("service", "must not be empty");
    if (request.seats < 1) reject("seats", fmt::format("must be at least 1 (got {})", request.seats));
    // No record has such an id (their ids are checked so when written), and
    // PostgreSQL refuses to look one up: refused here the same on every store.
    check_text(request.resource, "resource");
    check_text(request.service, "service");
    check_text(request.location, "location");
    check_text(request.client, "client");
    check_utf8(request.idempotency_key, "idempotency_key");
    check_text(request.actor, "actor");
}

/// Refuses a request for more seats than the service has at all.
void refuse_more_seats_than(const booking_context& ctx, int seats) {
    if (seats > ctx.offered.rules.capacity)
        reject("seats", fmt::format("{} seats asked, the service has {}", seats, ctx.offered.rules.capacity));
}

/// Refuses a duration, offset or TTL outside (0, max_scheduler_minutes].
void check_minutes(minutes value, const std::string& field) {
    if (value <= minutes{0}) reject(field, fmt::format("must be more than 0 minutes (got {})", value.count()));
    if (value > max_scheduler_minutes)
        reject(field, fmt::format("must be at most {} minutes (366 days), got {}", max_scheduler_minutes.count(),
                                  value.count()));
}

namespace {

/// Decodes `value` as UTF-8, refusing it naming `field` where it is not;
/// calls `each(code_point, byte offset)` for every character before that.
template <class Each>
void decode_utf8(std::string_view value, const std::string& field, Each&& each) {
    if (const std::optional<std::size_t> bad = detail::for_each_code_point(value, each))
        reject(field, fmt::format("is not valid UTF-8 (byte {} of {})", *bad, value.size()));
}

}  // namespace

void check_text(std::string_view value, const std::string& field) {
    decode_utf8(value, field, [&](boost::locale::utf::code_point c, std::size_t offset) {
        if (c < 0x20 || (c >= 0x7F && c < 0xA0))
            reject(field, fmt::format("must not hold control characters such as NUL or a line break "
                                      "(U+{:04X} at byte {})",
                                      c, offset));
    });
}

void check_lines(std::string_view value, const std::string& field) {
    decode_utf8(value, field, [&](boost::locale::utf::code_point c, std::size_t offset) {
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c < 0xA0))
            reject(field, fmt::format("must not hold control characters other than tabs and line breaks "
                                      "(U+{:04X} at byte {})",
                                      c, offset));
    });
}

void check_spelled(instant t, const std::string& field) {
    if (t < earliest_instant || t > latest_instant)
        reject(field, fmt::format("must be within the years 0001-9999 in UTC (from {} to {})",
                                  format_instant(earliest_instant), format_instant(latest_instant)));
}

void check_utf8(std::string_view value, const std::string& field) {
    decode_utf8(value, field, [](boost::locale::utf::code_point, std::size_t) {});
}

[[noreturn]] void refuse(const std::vector<reason>& reasons) {
    std::string message = "the start is not bookable";
    for (const reason& r : reasons) message += fmt::format("; {}: {}", to_string(r.code), r.message);
    throw booking_refused("start", message, reasons);
}

/// Gives `b` what a new booking of its service at `start` would have: the
/// place it is bookable at (`place`, or any eligible one when empty) and the
/// service's current length and buffers, after the same complete check as
/// `book` with `b` itself left out. What `confirm` and `reschedule` write
/// (docs/semantics.md). \throws booking_refused with the reasons.
member_choice rebook(transaction& tx, booking_record& b, std::span<const booking_record> members, instant start,
                     const std::string& place, instant now, const lock_set* locks) {
    const booking_context ctx = load_context(tx, b.resource, b.service);
    pool_wishes wishes;
    for (const booking_record& m : members)
        if (m.status != booking_status::cancelled) wishes.kept.emplace(m.pool, m.resource);
    const checked_start checked = check_start(tx, ctx, place, start, b.seats, b.client, now, b.id, wishes, locks);
    if (checked.location.empty()) refuse(checked.reasons);
    const service rules = engine_service(ctx);
    b.location = checked.location;
    b.time = {start, start + rules.duration};
    b.buffer_before = rules.buffer_before;
    b.buffer_after = rules.buffer_after;
    return checked.members;
}

/// The context of `request`: from `cache` when it has it (and then kept
/// there), else loaded into `own`.
const booking_context& context_of(transaction& tx, const booking_request& request, context_cache* cache,
                                  std::optional<booking_context>& own) {
    if (cache == nullptr) return own.emplace(load_context(tx, request.resource, request.service));
    auto key = std::pair(request.resource, request.service);
    if (const auto it = cache->find(key); it != cache->end()) return it->second;
    return cache->emplace(std::move(key), load_context(tx, request.resource, request.service)).first->second;
}

namespace {

/// Whether `request` (a hold for `hold_for`, or a booking) asks for what
/// `earlier`, the booking its idempotency key made, was asked as: the same
/// resource, service, start, seats and client, a hold (of the same length,
/// while it is one) or a booking alike, at the place it asks for (if any) and
/// with the pool members it names.
bool same_request(transaction& tx, const booking_record& earlier, const booking_request& request,
                  std::optional<minutes> hold_for) {
    if (earlier.resource != request.resource || earlier.service != request.service ||
        earlier.time.start != request.start || earlier.seats != request.seats || earlier.client != request.client ||
        earlier.hold_token.empty() == hold_for.has_value() ||
        (!request.location.empty() && earlier.location != request.location))
        return false;
    if (hold_for && earlier.expires && *earlier.expires - earlier.created_at != *hold_for) return false;
    if (request.pool_members.empty()) return true;
    const std::vector<booking_record> members = tx.bookings_of_group(earlier.id);
    return std::all_of(request.pool_members.begin(), request.pool_members.end(), [&](const auto& named) {
        return std::any_of(members.begin(), members.end(), [&](const booking_record& m) {
            return m.pool == named.first && m.resource == named.second;
        });
    });
}

}  // namespace

/// Checks and writes one booking or hold inside `tx`; `contexts`, when
/// given, keeps the catalog reads for the next requests of the same transaction.
booking_record book_in(transaction& tx, const booking_request& request, instant now,
                       std::optional<minutes> hold_for, std::string_view series,
                       context_cache* contexts, const lock_set* locks) {
    validate_request(request);
    if (hold_for && now > latest_instant - *hold_for)
        reject("ttl", fmt::format("the hold would expire after {}, the last instant slotcraft can spell",
                                  format_instant(latest_instant)));
    if (!request.idempotency_key.empty()) {
        if (auto earlier = tx.booking_by_idempotency_key(request.idempotency_key)) {
            if (!same_request(tx, *earlier, request, hold_for))
                throw error(error_category::conflict, "idempotency_key",
                            "this idempotency key was used for a different booking");
            return *earlier;
        }
        if (tx.series_by_idempotency_key(request.idempotency_key))
            throw error(error_category::conflict, "idempotency_key",
                        "this idempotency key was used for a recurring series (book_recurring)");
    }
    std::optional<booking_context> own;
    const booking_context& ctx = context_of(tx, request, contexts, own);
    refuse_more_seats_than(ctx, request.seats);
    validate_pool_choice(ctx.offered, request.pool_members);
    require_client(tx, request.client);

    const checked_start checked = check_start(tx, ctx, request.location, request.start, request.seats, request.client,
                                              now, {}, {.required = request.pool_members, .kept = {}}, locks);
    if (checked.location.empty()) refuse(checked.reasons);

    const service rules = engine_service(ctx);
    booking_record b{.id = "bk_" + random_hex(16),
                     .resource = request.resource,
                     .service = request.service,
                     .location = checked.location,
                     .client = request.client,
                     .time = {request.start, request.start + rules.duration},
                     .seats = request.seats,
                     .buffer_before = rules.buffer_before,
                     .buffer_after = rules.buffer_after,
                     .idempotency_key = request.idempotency_key,
                     .series = std::string(series),
                     .created_at = now,
                     .updated_at = now};
    if (hold_for) {
        b.status = booking_status::held;
        b.expires = now + *hold_for;
        b.hold_token = random_hex(32);
    }
    insert_recorded(tx, b, now, request.actor, hold_for ? "hold" : "book");
    if (!checked.members.empty()) regroup(tx, b, {}, checked.members, now, request.actor, hold_for ? "hold" : "book");
    return b;
}

/// Cancels the active booking `b` inside `tx`, with its audit entry.
booking_record cancel_in(transaction& tx, booking_record b, std::string_view why, instant now, std::string_view actor) {
    check_lines(why, "reason");
    const std::string before = as_json(b);
    b.status = booking_status::cancelled;
    b.cancel_reason = std::string(why);
    b.updated_at = now;
    update_recorded(tx, b, now, actor, "cancel", before);
    return b;
}

booking_record main_of(transaction& tx, booking_record b) {
    if (!b.for_pool()) return b;
    auto main = tx.booking(b.group);
    return main ? std::move(*main) : b;
}

std::string group_left_out(transaction& tx, std::string_view ignore_booking) {
    if (ignore_booking.empty()) return {};
    auto ignored = tx.booking(ignore_booking);
    if (!ignored) missing("ignore_booking", "booking", ignore_booking);
    return main_of(tx, std::move(*ignored)).id;
}

booking_group group_of(transaction& tx, booking_record b) {
    booking_group group{.main = main_of(tx, std::move(b)), .members = {}};
    group.members = tx.bookings_of_group(group.main.id);
    return group;
}

void need_group_locks(transaction& tx, const booking_group& group, const lock_set& locks) {
    const booking_record& main = group.main;
    locks.need(main.resource);
    if (!main.client.empty()) locks.need(client_lock(main.client));
    for (const booking_record& m : group.members) locks.need(m.resource);
    if (const auto offered = tx.service(main.service))
        for (const service_pool& p : offered->pools)
            for (const std::string& id : p.resources) locks.need(id);
}

std::vector<booking_record> cancel_group_in(transaction& tx, const booking_group& group, std::string_view why,
                                            instant now, std::string_view actor) {
    std::vector<booking_record> out;
    if (group.main.status != booking_status::cancelled) out.push_back(cancel_in(tx, group.main, why, now, actor));
    for (const booking_record& m : group.members)
        if (m.status != booking_status::cancelled) out.push_back(cancel_in(tx, m, why, now, actor));
    return out;
}

void regroup(transaction& tx, const booking_record& main, std::span<const booking_record> members,
             const member_choice& chosen, instant now, std::string_view actor, std::string_view action) {
    std::vector<booking_record> current;
    for (const booking_record& m : members)
        if (m.status != booking_status::cancelled) current.push_back(m);
    const auto follow_main = [&](booking_record& m) {
        m.location = main.location;
        m.time = main.time;
        m.seats = main.seats;
        m.status = main.status;
        m.expires = main.expires;
        m.buffer_before = main.buffer_before;
        m.buffer_after = main.buffer_after;
        m.updated_at = now;
    };
    for (booking_record& m : current) {
        const auto wanted = chosen.find(m.pool);
        if (wanted != chosen.end() && wanted->second == m.resource) {
            const std::string before = as_json(m);
            follow_main(m);
            update_recorded(tx, m, now, actor, action, before);
        } else {
            (void)cancel_in(tx, m, fmt::format("{} of booking {}", action, main.id), now, actor);
        }
    }
    for (const auto& [pool_id, member] : chosen) {
        const bool kept = std::any_of(current.begin(), current.end(), [&](const booking_record& m) {
            return m.pool == pool_id && m.resource == member;
        });
        if (kept) continue;
        booking_record m{.id = "bk_" + random_hex(16),
                         .resource = member,
                         .service = main.service,
                         .group = main.id,
                         .pool = pool_id,
                         .created_at = now};
        follow_main(m);
        insert_recorded(tx, m, now, actor, m.status == booking_status::held ? "hold" : "book");
    }
}

}  // namespace slotcraft::scheduling
