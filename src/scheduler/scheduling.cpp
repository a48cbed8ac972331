// The shared part of the scheduler (scheduling.hpp): a booking's context,
// the check of one start, and writing a booking with its audit entry.

#include "scheduling.hpp"

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
    tx.append_audit({.at = at, .actor = std::string(actor), .action = std::string(action),
                     .subject = std::string(subject), .before = std::move(before), .after = std::move(after)});
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

/// The engine's view of `ctx.resource` at `location`, with `bookings` (but the
/// one with id `leave_out`); those made at another location are `elsewhere`.
resource engine_resource(const booking_context& ctx, std::string_view location,
                         std::span<const booking_record> bookings, std::string_view leave_out) {
    const resource_record& r = ctx.resource;
    resource out{.id = r.id, .rules = rules_at(r, schedule_at(r, location), ctx.config)};
    out.bookings.reserve(bookings.size());
    for (const booking_record& b : bookings) {
        if (b.id == leave_out) continue;
        booking& seen = out.bookings.emplace_back(b.engine_view());
        seen.elsewhere = !b.location.empty() && b.location != location;
    }
    return out;
}

std::optional<asking_client> asking_client_of(transaction& tx, std::string_view client, const service& asked,
                                              std::string_view leave_out) {
    if (client.empty() || !asked.limits_clients()) return std::nullopt;
    asking_client out{.id = std::string(client)};
    for (const booking_record& b : tx.bookings_of_client(client))
        if (b.id != leave_out) out.bookings.push_back(b.engine_view());
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

/// The location a request books at: the asked one, which must be eligible,
/// or the only eligible one.
std::vector<std::string> request_locations(const booking_context& ctx, std::string_view requested) {
    refuse_archived(ctx.closed_places.contains(requested), "location", "location", requested);
    auto places = eligible_locations(ctx, requested);
    if (places.empty()) {
        if (!requested.empty())
            reject("location", fmt::format("service \"{}\" is not offered by \"{}\" at location \"{}\"",
                                           ctx.offered.rules.id, ctx.resource.id, requested));
        reject("location", fmt::format("resource \"{}\" works at no location where \"{}\" is offered",
                                       ctx.resource.id, ctx.offered.rules.id));
    }
    return places;
}

checked_start check_start(transaction& tx, const booking_context& ctx, std::string_view requested_location,
                          instant start, int seats, std::string_view client, instant now, std::string_view leave_out) {
    checked_start out;
    // The client's bookings are read once, whatever the number of places tried.
    const std::optional<asking_client> asker = asking_client_of(tx, client, ctx.offered.rules, leave_out);
    for (const std::string& place : request_locations(ctx, requested_location)) {
        const slot_query q = single_start_query(tx, ctx, place, start, seats, asker, now, leave_out);
        auto refusal = explain(q, start).front();
        if (refusal.reasons.empty()) return {place, {}};
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
        // A lock name of its own kind: a resource with the same id would only share it.
        if (!r.client.empty()) out.push_back("client " + r.client);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void validate_request(const booking_request& request) {
    if (request.resource.empty()) reject("resource", "must not be empty");
    if (request.service.empty()) reject("service", "must not be empty");
    if (request.seats < 1) reject("seats", fmt::format("must be at least 1 (got {})", request.seats));
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
void rebook(transaction& tx, booking_record& b, instant start, const std::string& place, instant now) {
    const booking_context ctx = load_context(tx, b.resource, b.service);
    const checked_start checked = check_start(tx, ctx, place, start, b.seats, b.client, now, b.id);
    if (checked.location.empty()) refuse(checked.reasons);
    const service rules = engine_service(ctx);
    b.location = checked.location;
    b.time = {start, start + rules.duration};
    b.buffer_before = rules.buffer_before;
    b.buffer_after = rules.buffer_after;
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

/// Checks and writes one booking or hold inside `tx`; `contexts`, when
/// given, keeps the catalog reads for the next requests of the same transaction.
booking_record book_in(transaction& tx, const booking_request& request, instant now,
                       std::optional<minutes> hold_for, std::string_view series,
                       context_cache* contexts) {
    validate_request(request);
    if (!request.idempotency_key.empty()) {
        if (auto earlier = tx.booking_by_idempotency_key(request.idempotency_key)) {
            if (earlier->resource != request.resource || earlier->service != request.service ||
                earlier->time.start != request.start || earlier->seats != request.seats ||
                earlier->client != request.client)
                throw error(error_category::conflict, "idempotency_key",
                            "this idempotency key was used for a different booking");
            return *earlier;
        }
    }
    std::optional<booking_context> own;
    const booking_context& ctx = context_of(tx, request, contexts, own);
    refuse_more_seats_than(ctx, request.seats);
    require_client(tx, request.client);

    const checked_start checked =
        check_start(tx, ctx, request.location, request.start, request.seats, request.client, now);
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
    tx.insert_booking(b);
    record(tx, now, request.actor, hold_for ? "hold" : "book", b.id, {}, as_json(b));
    return b;
}

/// Cancels the active booking `b` inside `tx`, with its audit entry.
booking_record cancel_in(transaction& tx, booking_record b, std::string_view why, instant now, std::string_view actor) {
    const std::string before = as_json(b);
    b.status = booking_status::cancelled;
    b.cancel_reason = std::string(why);
    b.updated_at = now;
    tx.update_booking(b);
    record(tx, now, actor, "cancel", b.id, before, as_json(b));
    return b;
}

}  // namespace slotcraft::scheduling
