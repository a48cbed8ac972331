// The scheduler: reads the catalog and bookings from a store, asks the engine,
// and writes inside the same transaction.

#include <slotcraft/catalog_json.hpp>
#include <slotcraft/csv.hpp>
#include <slotcraft/day_grid.hpp>
#include <slotcraft/ical.hpp>
#include <slotcraft/recurrence.hpp>
#include <slotcraft/scheduler.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <random>
#include <set>
#include <span>
#include <tuple>

namespace slotcraft {

namespace {

/// Bookings up to this far from a query still matter: one local date's
/// bookings count against the daily limit of every start on that date.
constexpr std::chrono::days booking_margin{2};

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

std::string as_json(const auto& value) { return nlohmann::json(value).dump(); }
std::string as_json(const booking_record& b) { return booking_json_text(b); }

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

using id_set = std::set<std::string, std::less<>>;

/// The ids of the archived locations.
id_set archived_locations(transaction& tx) {
    id_set out;
    for (const location_record& l : tx.locations())
        if (l.archived) out.insert(l.id);
    return out;
}

/// Everything a check of one resource for one service needs.
struct booking_context {
    resource_record resource;
    service_record offered;
    settings config;
    id_set closed_places;  ///< archived locations
};

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
    schedule out{.time_zone = zone::locate(r.time_zone, "time_zone"), .weekly = at.weekly, .overrides = at.overrides,
                 .breaks = at.breaks, .time_off = r.time_off};
    out.breaks.insert(out.breaks.end(), config.global_breaks.begin(), config.global_breaks.end());
    return out;
}

/// The engine's view of `ctx.resource` at `location`, with `bookings` (but the
/// one with id `leave_out`); those made at another location are `elsewhere`.
resource engine_resource(const booking_context& ctx, std::string_view location,
                         std::span<const booking_record> bookings, std::string_view leave_out = {}) {
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

/// The engine query for one start of one resource at one location.
slot_query single_start_query(transaction& tx, const booking_context& ctx, std::string_view location, instant start,
                              int seats, instant now, std::string_view leave_out) {
    slot_query q{.now = now, .from = start, .to = start + std::chrono::seconds{1}, .asked = engine_service(ctx),
                 .seats = seats};
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

struct checked_start {
    std::string location;       ///< where it is bookable, if anywhere
    std::vector<reason> reasons;  ///< of the first location tried, when bookable nowhere
};

checked_start check_start(transaction& tx, const booking_context& ctx, std::string_view requested_location,
                          instant start, int seats, instant now, std::string_view leave_out = {}) {
    checked_start out;
    for (const std::string& place : request_locations(ctx, requested_location)) {
        const slot_query q = single_start_query(tx, ctx, place, start, seats, now, leave_out);
        auto refusal = explain(q, start).front();
        if (refusal.reasons.empty()) return {place, {}};
        if (out.reasons.empty()) out.reasons = std::move(refusal.reasons);
    }
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
    const checked_start checked = check_start(tx, ctx, place, start, b.seats, now, b.id);
    if (checked.location.empty()) refuse(checked.reasons);
    const service rules = engine_service(ctx);
    b.location = checked.location;
    b.time = {start, start + rules.duration};
    b.buffer_before = rules.buffer_before;
    b.buffer_after = rules.buffer_after;
}

/// The booking contexts a batch or series has loaded, by resource and
/// service. Its transaction writes only bookings and audit entries, so the
/// catalog they come from does not change while it runs.
using context_cache = std::map<std::pair<std::string, std::string>, booking_context>;

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
                       std::optional<minutes> hold_for, std::string_view series = {},
                       context_cache* contexts = nullptr) {
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
    if (!request.client.empty() && !tx.client(request.client)) missing("client", "client", request.client);

    const checked_start checked = check_start(tx, ctx, request.location, request.start, request.seats, now);
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

// ---- archiving ----

template <class Record>
constexpr std::string_view kind_name() {
    if constexpr (std::is_same_v<Record, location_record>) return "location";
    else if constexpr (std::is_same_v<Record, resource_record>) return "resource";
    else return "service";
}

template <class Record>
std::optional<Record> stored(transaction& tx, std::string_view id) {
    if constexpr (std::is_same_v<Record, location_record>) return tx.location(id);
    else if constexpr (std::is_same_v<Record, resource_record>) return tx.resource(id);
    else return tx.service(id);
}

void put_record(transaction& tx, const location_record& l) { tx.put_location(l); }
void put_record(transaction& tx, const resource_record& r) { tx.put_resource(r); }
void put_record(transaction& tx, const service_record& s) { tx.put_service(s); }

/// Refuses (conflict, field `id`) to archive a record while an active
/// booking made with it has not ended at `now`.
template <class Record>
void refuse_while_booked(transaction& tx, std::string_view id, instant now) {
    std::vector<std::string> owners;  // the resources whose bookings can be the record's
    if constexpr (std::is_same_v<Record, resource_record>) {
        owners.emplace_back(id);
    } else {
        for (const resource_record& r : tx.resources()) owners.push_back(r.id);
    }
    const date::years reach{1000};
    std::size_t count = 0;
    std::optional<booking_record> first;
    for (const std::string& owner : owners)
        for (booking_record& b : tx.bookings_of_resource(owner, {now, now + reach})) {
            if (!b.active_at(now) || b.time.end <= now) continue;
            if constexpr (std::is_same_v<Record, location_record>) {
                if (b.location != id) continue;
            } else if constexpr (std::is_same_v<Record, service_record>) {
                if (b.service != id) continue;
            }
            ++count;
            if (!first || b.time.start < first->time.start) first = std::move(b);
        }
    if (count > 0)
        throw error(error_category::conflict, "id",
                    fmt::format("{} \"{}\" has {} active booking(s) not yet ended (the first: {} at {}); cancel or "
                                "move them before archiving it",
                                kind_name<Record>(), id, count, first->id, format_instant(first->time.start)));
}

/// The resource locks archiving `Record` takes: the resource itself, or
/// (a location or service) every resource, so that no booking can slip in
/// between the check and the write.
template <class Record>
std::vector<std::string> archive_locks(store& backend, std::string_view id, bool archiving) {
    if constexpr (std::is_same_v<Record, resource_record>) return {std::string(id)};
    std::vector<std::string> out;
    if (!archiving) return out;
    for (const resource_record& r : backend.read([](transaction& tx) { return tx.resources(); })) out.push_back(r.id);
    return out;
}

/// Archives (or restores) the record `id`, audited as `archive_<kind>` (or `restore_<kind>`).
template <class Record>
void change_archived(store& backend, std::string_view id, bool archived, instant now, std::string_view actor) {
    const std::vector<std::string> locks = archive_locks<Record>(backend, id, archived);
    backend.write(locks, [&](transaction& tx) {
        auto current = stored<Record>(tx, id);
        if (!current) missing("id", kind_name<Record>(), id);
        if (current->archived == archived) return;
        if (archived) refuse_while_booked<Record>(tx, id, now);
        const std::string before = as_json(*current);
        current->archived = archived;
        put_record(tx, *current);
        record(tx, now, actor, fmt::format("{}_{}", archived ? "archive" : "restore", kind_name<Record>()), id, before,
               as_json(*current));
    });
}

/// `put_*` keeps a record's archived state: archive_* and restore_* change it
/// (archiving has its own check and audit entry).
template <class Record>
void check_archived_kept(const Record& wanted, const std::optional<Record>& before) {
    const bool stored = before && before->archived;
    if (wanted.archived != stored)
        reject("archived", fmt::format("{0} put cannot {1} it: use {1}_{0}", kind_name<Record>(),
                                       wanted.archived ? "archive" : "restore"));
}

}  // namespace

// ---- catalog ----

void scheduler::put_location(const location_record& location, std::string_view actor) {
    if (location.id.empty()) reject("id", "must not be empty");
    store_.write({}, [&](transaction& tx) {
        const auto before = tx.location(location.id);
        check_archived_kept(location, before);
        tx.put_location(location);
        record(tx, wall_clock_now(), actor, "put_location", location.id, before ? as_json(*before) : "",
               as_json(location));
    });
}

void scheduler::put_resource(const resource_record& resource, std::string_view actor) {
    if (resource.id.empty()) reject("id", "must not be empty");
    (void)zone::locate(resource.time_zone, "time_zone");
    for (std::size_t i = 0; i < resource.time_off.size(); ++i)
        if (resource.time_off[i].empty()) reject(fmt::format("time_off[{}].end", i), "must be after start");
    std::set<std::string_view> places;
    for (std::size_t i = 0; i < resource.schedules.size(); ++i)
        if (!places.insert(resource.schedules[i].location).second)
            reject(fmt::format("schedules[{}].location", i), "a resource has one schedule per location");
    const std::string id = resource.id;
    store_.write(std::span(&id, 1), [&](transaction& tx) {
        for (std::size_t i = 0; i < resource.schedules.size(); ++i)
            if (!tx.location(resource.schedules[i].location))
                missing(fmt::format("schedules[{}].location", i), "location", resource.schedules[i].location);
        const auto before = tx.resource(resource.id);
        check_archived_kept(resource, before);
        tx.put_resource(resource);
        record(tx, wall_clock_now(), actor, "put_resource", resource.id, before ? as_json(*before) : "",
               as_json(resource));
    });
}

void scheduler::put_service(const service_record& offered, std::string_view actor) {
    if (offered.rules.id.empty()) reject("id", "must not be empty");
    offered.rules.validate("");
    store_.write({}, [&](transaction& tx) {
        for (std::size_t i = 0; i < offered.locations.size(); ++i)
            if (!tx.location(offered.locations[i]))
                missing(fmt::format("locations[{}]", i), "location", offered.locations[i]);
        const auto before = tx.service(offered.rules.id);
        check_archived_kept(offered, before);
        tx.put_service(offered);
        record(tx, wall_clock_now(), actor, "put_service", offered.rules.id, before ? as_json(*before) : "",
               as_json(offered));
    });
}

void scheduler::archive_location(std::string_view id, instant now, std::string_view actor) {
    change_archived<location_record>(store_, id, true, now, actor);
}
void scheduler::archive_resource(std::string_view id, instant now, std::string_view actor) {
    change_archived<resource_record>(store_, id, true, now, actor);
}
void scheduler::archive_service(std::string_view id, instant now, std::string_view actor) {
    change_archived<service_record>(store_, id, true, now, actor);
}
void scheduler::restore_location(std::string_view id, std::string_view actor) {
    change_archived<location_record>(store_, id, false, wall_clock_now(), actor);
}
void scheduler::restore_resource(std::string_view id, std::string_view actor) {
    change_archived<resource_record>(store_, id, false, wall_clock_now(), actor);
}
void scheduler::restore_service(std::string_view id, std::string_view actor) {
    change_archived<service_record>(store_, id, false, wall_clock_now(), actor);
}

void scheduler::link(std::string_view resource, std::string_view service, std::string_view actor) {
    store_.write({}, [&](transaction& tx) {
        const auto r = tx.resource(resource);
        if (!r) missing("resource", "resource", resource);
        refuse_archived(r->archived, "resource", "resource", resource);
        const auto s = tx.service(service);
        if (!s) missing("service", "service", service);
        refuse_archived(s->archived, "service", "service", service);
        tx.link(resource, service);
        record(tx, wall_clock_now(), actor, "link", fmt::format("{}/{}", resource, service), "",
               nlohmann::json{{"resource", resource}, {"service", service}}.dump());
    });
}

void scheduler::unlink(std::string_view resource, std::string_view service, std::string_view actor) {
    store_.write({}, [&](transaction& tx) {
        if (!tx.resource(resource)) missing("resource", "resource", resource);
        if (!tx.service(service)) missing("service", "service", service);
        const auto offered = tx.services_of(resource);
        if (std::find(offered.begin(), offered.end(), service) == offered.end()) return;
        tx.unlink(resource, service);
        record(tx, wall_clock_now(), actor, "unlink", fmt::format("{}/{}", resource, service),
               nlohmann::json{{"resource", resource}, {"service", service}}.dump(), "");
    });
}

void scheduler::put_client(const client_record& client, std::string_view actor) {
    if (client.id.empty()) reject("id", "must not be empty");
    for (std::size_t i = 0; i < client.identities.size(); ++i)
        if (client.identities[i].external_id.empty())
            reject(fmt::format("identities[{}].external_id", i), "must not be empty");
    store_.write({}, [&](transaction& tx) {
        for (std::size_t i = 0; i < client.identities.size(); ++i)
            if (auto owner = tx.client_by_identity(client.identities[i]); owner && owner->id != client.id)
                throw error(error_category::conflict, fmt::format("identities[{}]", i),
                            fmt::format("already linked to client \"{}\"", owner->id));
        const auto before = tx.client(client.id);
        tx.put_client(client);
        record(tx, wall_clock_now(), actor, "put_client", client.id, before ? as_json(*before) : "", as_json(client));
    });
}

client_record scheduler::client_for(const identity& who, std::string_view name, std::string_view actor) {
    if (who.external_id.empty()) reject("external_id", "must not be empty");
    return store_.write({}, [&](transaction& tx) {
        if (auto known = tx.client_by_identity(who)) return *known;
        client_record fresh{.id = "cl_" + random_hex(16), .name = std::string(name), .identities = {who}};
        tx.put_client(fresh);
        record(tx, wall_clock_now(), actor, "put_client", fresh.id, "", as_json(fresh));
        return fresh;
    });
}

void scheduler::save_settings(const settings& values, std::string_view actor) {
    for (std::size_t i = 0; i < values.reminder_offsets.size(); ++i)
        check_minutes(values.reminder_offsets[i], fmt::format("reminder_offsets[{}]", i));
    if (values.default_step) check_minutes(*values.default_step, "default_step");
    store_.write({}, [&](transaction& tx) {
        const settings before = tx.load_settings();
        tx.save_settings(values);
        record(tx, wall_clock_now(), actor, "save_settings", "settings", as_json(before), as_json(values));
    });
}

std::optional<location_record> scheduler::location(std::string_view id) {
    return store_.read([&](transaction& tx) { return tx.location(id); });
}
namespace {

/// `records` without the archived ones, unless `archived` includes them.
template <class Record>
std::vector<Record> listed(std::vector<Record> records, archived_records archived) {
    if (archived == archived_records::hide) std::erase_if(records, [](const Record& r) { return r.archived; });
    return records;
}

/// The ids of `ids` whose record `find` finds and is not archived, unless `archived` includes them.
template <class Find>
std::vector<std::string> listed_ids(std::vector<std::string> ids, archived_records archived, Find&& find) {
    if (archived == archived_records::hide)
        std::erase_if(ids, [&](const std::string& id) {
            const auto record = find(id);
            return !record || record->archived;
        });
    return ids;
}

}  // namespace

std::vector<location_record> scheduler::locations(archived_records archived) {
    return store_.read([&](transaction& tx) { return listed(tx.locations(), archived); });
}
std::vector<resource_record> scheduler::resources(archived_records archived) {
    return store_.read([&](transaction& tx) { return listed(tx.resources(), archived); });
}
std::vector<service_record> scheduler::services(archived_records archived) {
    return store_.read([&](transaction& tx) { return listed(tx.services(), archived); });
}
std::optional<resource_record> scheduler::resource(std::string_view id) {
    return store_.read([&](transaction& tx) { return tx.resource(id); });
}
std::optional<service_record> scheduler::service(std::string_view id) {
    return store_.read([&](transaction& tx) { return tx.service(id); });
}
std::optional<client_record> scheduler::client(std::string_view id) {
    return store_.read([&](transaction& tx) { return tx.client(id); });
}
std::vector<client_record> scheduler::clients() {
    return store_.read([&](transaction& tx) { return tx.clients(); });
}
std::optional<booking_record> scheduler::booking(std::string_view id) {
    return store_.read([&](transaction& tx) { return tx.booking(id); });
}
settings scheduler::current_settings() {
    return store_.read([&](transaction& tx) { return tx.load_settings(); });
}
std::vector<std::string> scheduler::providers(std::string_view service, archived_records archived) {
    return store_.read([&](transaction& tx) {
        return listed_ids(tx.providers(service), archived, [&](const std::string& id) { return tx.resource(id); });
    });
}
std::vector<std::string> scheduler::services_of(std::string_view resource, archived_records archived) {
    return store_.read([&](transaction& tx) {
        return listed_ids(tx.services_of(resource), archived, [&](const std::string& id) { return tx.service(id); });
    });
}

// ---- availability ----

std::vector<located_slot> scheduler::slots(const slot_request& request, instant now) {
    validate_query_range(request.from, request.to, request.seats);
    return store_.read([&](transaction& tx) {
        auto offered = tx.service(request.service);
        if (!offered) missing("service", "service", request.service);
        refuse_archived(offered->archived, "service", "service", request.service);
        id_set closed_places = archived_locations(tx);
        if (!request.location.empty()) {
            if (!tx.location(request.location)) missing("location", "location", request.location);
            refuse_archived(closed_places.contains(request.location), "location", "location", request.location);
        }
        if (!request.ignore_booking.empty() && !tx.booking(request.ignore_booking))
            missing("ignore_booking", "booking", request.ignore_booking);
        const settings config = tx.load_settings();

        // The team: the resources named (each must be active and provide the
        // service), else every active provider.
        const auto provided_by = tx.providers(request.service);
        const std::vector<std::string>& ids = request.resources.empty() ? provided_by : request.resources;
        std::vector<booking_context> team;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            auto r = tx.resource(ids[i]);
            const std::string field = fmt::format("resources[{}]", i);
            if (!r) missing(field, "resource", ids[i]);
            if (r->archived && request.resources.empty()) continue;
            refuse_archived(r->archived, field, "resource", ids[i]);
            if (std::find(provided_by.begin(), provided_by.end(), ids[i]) == provided_by.end())
                reject(field, fmt::format("resource \"{}\" does not provide service \"{}\"", ids[i], request.service));
            team.push_back({std::move(*r), *offered, config, closed_places});
        }
        if (team.empty()) return std::vector<located_slot>{};

        // Where: every location some member can serve the service at, by id.
        std::vector<std::vector<std::string>> places_of;  // of team[i]
        std::set<std::string> places;
        for (const booking_context& ctx : team) {
            places_of.push_back(eligible_locations(ctx, request.location));
            places.insert(places_of.back().begin(), places_of.back().end());
        }

        // Each resource's bookings are read once, whatever the number of locations.
        const slotcraft::service asked = engine_service(team.front());
        const interval reach{request.from - asked.buffer_before, request.to + asked.duration + asked.buffer_after};
        std::vector<std::vector<booking_record>> bookings;
        for (const booking_context& ctx : team) bookings.push_back(bookings_around(tx, ctx.resource, reach));

        // One query per location with the members working there: each slot
        // lists only resources free at its location, in SPEC §6 order, with
        // that location's seats. `all` needs every member at the location.
        std::vector<located_slot> out;
        for (const std::string& place : places) {
            slot_query q{.now = now, .from = request.from, .to = request.to, .mode = request.mode, .asked = asked,
                         .seats = request.seats};
            for (std::size_t i = 0; i < team.size(); ++i)
                if (std::find(places_of[i].begin(), places_of[i].end(), place) != places_of[i].end())
                    q.resources.push_back(engine_resource(team[i], place, bookings[i], request.ignore_booking));
            if (q.resources.empty() || (request.mode == resource_mode::all && q.resources.size() < team.size())) continue;
            for (slot& s : find_slots(q)) out.push_back({std::move(s), place});
        }
        // By start; the locations of one start stay in id order.
        std::stable_sort(out.begin(), out.end(), [](const located_slot& a, const located_slot& b) {
            return a.free.time.start < b.free.time.start;
        });
        return out;
    });
}

std::vector<reason> scheduler::check(const booking_request& request, instant now, std::string_view ignore_booking) {
    validate_request(request);
    return store_.read([&](transaction& tx) {
        const booking_context ctx = load_context(tx, request.resource, request.service);
        refuse_more_seats_than(ctx, request.seats);
        if (!ignore_booking.empty() && !tx.booking(ignore_booking)) missing("ignore_booking", "booking", ignore_booking);
        return check_start(tx, ctx, request.location, request.start, request.seats, now, ignore_booking).reasons;
    });
}

namespace {

/// The engine's rules of `resource_id` at `location` (its only active
/// location when empty), as listings see them; nullopt when it has no
/// schedule and none was named.
std::optional<schedule> rules_of(transaction& tx, std::string_view resource_id, std::string_view location,
                                 const settings& config) {
    auto r = tx.resource(resource_id);
    if (!r) missing("resource", "resource", resource_id);
    const id_set closed_places = archived_locations(tx);
    std::vector<const location_schedule*> open_places;
    for (const location_schedule& ls : r->schedules)
        if (!closed_places.contains(ls.location) && (location.empty() || ls.location == location))
            open_places.push_back(&ls);
    if (open_places.empty()) {
        if (location.empty()) return std::nullopt;
        reject("location", fmt::format("resource \"{}\" has no schedule at location \"{}\"", resource_id, location));
    }
    if (open_places.size() > 1)
        reject("location",
               fmt::format("resource \"{}\" works at {} locations: name one", resource_id, open_places.size()));
    return rules_at(*r, *open_places.front(), config);
}

}  // namespace

slotcraft::open_time scheduler::open_time(std::string_view resource_id, std::string_view location, interval span) {
    if (span.empty()) reject("span", "must end after it starts");
    if (span.length() > max_query_range) reject("span", "must be at most 366 days");
    return store_.read([&](transaction& tx) {
        const auto rules = rules_of(tx, resource_id, location, tx.load_settings());
        return rules ? compute_open_time(*rules, span) : slotcraft::open_time{};
    });
}

std::vector<instant> scheduler::day_grid(std::string_view resource_id, std::string_view location, local_date day,
                                         const slotcraft::service& asked, bool usual_hours) {
    asked.validate("service.");
    return store_.read([&](transaction& tx) {
        const settings config = tx.load_settings();
        auto at = rules_of(tx, resource_id, location, config);
        if (!at) return std::vector<instant>{};
        slotcraft::service rules = asked;
        if (!rules.step && config.default_step) rules.step = config.default_step;
        if (usual_hours) {
            at->overrides.erase(day);
            at->time_off.clear();
        }
        return slotcraft::day_grid(*at, day, rules);
    });
}

// ---- bookings ----

booking_record scheduler::book(const booking_request& request, instant now) {
    return store_.write(std::span(&request.resource, 1),
                        [&](transaction& tx) { return book_in(tx, request, now, std::nullopt); });
}

booking_record scheduler::hold(const booking_request& request, minutes ttl, instant now) {
    check_minutes(ttl, "ttl");
    return store_.write(std::span(&request.resource, 1), [&](transaction& tx) { return book_in(tx, request, now, ttl); });
}

namespace {

/// Runs `change` on one stored booking with its resource's writers serialised.
template <class Change>
booking_record change_booking(store& backend, std::string_view field, std::optional<booking_record> found,
                              std::string_view key, Change&& change) {
    if (!found) missing(std::string(field), field == "hold_token" ? "hold" : "booking", key);
    const std::string resource = found->resource;
    const std::string id = found->id;
    return backend.write(std::span(&resource, 1), [&](transaction& tx) {
        auto current = tx.booking(id);
        if (!current) missing(std::string(field), "booking", key);
        return change(tx, *current);
    });
}

}  // namespace

booking_record scheduler::confirm(std::string_view hold_token, instant now, std::string_view actor) {
    auto found = store_.read([&](transaction& tx) { return tx.booking_by_hold_token(hold_token); });
    return change_booking(store_, "hold_token", found, hold_token, [&](transaction& tx, booking_record b) {
        if (b.status == booking_status::confirmed) return b;
        if (b.status == booking_status::cancelled)
            throw error(error_category::conflict, "hold_token", "the hold was cancelled");
        if (!b.active_at(now))
            throw error(error_category::conflict, "hold_token",
                        fmt::format("the hold expired at {}", format_instant(*b.expires)));
        const std::string before = as_json(b);
        try {
            rebook(tx, b, b.time.start, b.location, now);
        } catch (const error& e) {
            // The token is the only input: a catalog that no longer allows the
            // hold (an unlinked service, a location it is no longer offered at) is a conflict.
            if (e.category() != error_category::invalid_argument) throw;
            throw error(error_category::conflict, e.field(), e.message());
        }
        b.status = booking_status::confirmed;
        b.expires.reset();
        b.updated_at = now;
        tx.update_booking(b);
        record(tx, now, actor, "confirm", b.id, before, as_json(b));
        return b;
    });
}

namespace {

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

}  // namespace

booking_record scheduler::cancel(std::string_view booking_id, std::string_view why, instant now,
                                 std::string_view actor) {
    auto found = store_.read([&](transaction& tx) { return tx.booking(booking_id); });
    return change_booking(store_, "id", found, booking_id, [&](transaction& tx, booking_record b) {
        if (b.status == booking_status::cancelled) return b;
        return cancel_in(tx, std::move(b), why, now, actor);
    });
}

booking_record scheduler::reschedule(std::string_view booking_id, instant new_start, instant now,
                                     std::string_view actor, std::string_view location) {
    auto found = store_.read([&](transaction& tx) { return tx.booking(booking_id); });
    return change_booking(store_, "id", found, booking_id, [&](transaction& tx, booking_record b) {
        if (!b.active_at(now))
            throw error(error_category::conflict, "id",
                        b.status == booking_status::cancelled ? "a cancelled booking cannot be rescheduled"
                                                              : "the hold has expired");
        const std::string before = as_json(b);
        rebook(tx, b, new_start, std::string(location.empty() ? std::string_view(b.location) : location), now);
        b.attendance = attendance_status::unmarked;  // a mark was for the old time
        b.updated_at = now;
        tx.update_booking(b);
        record(tx, now, actor, "reschedule", b.id, before, as_json(b));
        return b;
    });
}

booking_record scheduler::mark_attendance(std::string_view booking_id, attendance_status value, instant now,
                                          std::string_view actor) {
    switch (value) {
        case attendance_status::unmarked:
        case attendance_status::attended:
        case attendance_status::no_show: break;
        default: reject("attendance", "expected attended, no_show or unmarked");
    }
    auto found = store_.read([&](transaction& tx) { return tx.booking(booking_id); });
    return change_booking(store_, "id", found, booking_id, [&](transaction& tx, booking_record b) {
        if (b.status == booking_status::cancelled)
            throw error(error_category::conflict, "id",
                        fmt::format("booking \"{}\" was cancelled: its attendance cannot be marked", b.id));
        if (b.status != booking_status::confirmed)
            throw error(error_category::conflict, "id",
                        fmt::format("\"{}\" is a hold, not a confirmed booking: its attendance cannot be marked", b.id));
        if (b.time.start > now)
            throw error(error_category::conflict, "id",
                        fmt::format("booking \"{}\" starts at {}, after now ({}): attendance is marked once it has "
                                    "started",
                                    b.id, format_instant(b.time.start), format_instant(now)));
        if (b.attendance == value) return b;
        const std::string before = as_json(b);
        b.attendance = value;
        b.updated_at = now;
        tx.update_booking(b);
        record(tx, now, actor, "attendance", b.id, before, as_json(b));
        return b;
    });
}

std::vector<booking_record> scheduler::book_series(std::span<const booking_request> requests, instant now) {
    std::vector<std::string> locks;
    for (const booking_request& r : requests) locks.push_back(r.resource);
    std::sort(locks.begin(), locks.end());
    locks.erase(std::unique(locks.begin(), locks.end()), locks.end());
    const std::string series = "sr_" + random_hex(16);
    return store_.write(locks, [&](transaction& tx) {
        std::vector<booking_record> out;
        context_cache contexts;
        for (std::size_t i = 0; i < requests.size(); ++i) {
            try {
                out.push_back(book_in(tx, requests[i], now, std::nullopt, series, &contexts));
            } catch (const booking_refused& e) {
                throw booking_refused(fmt::format("[{}].start", i), e.message(), e.reasons());
            }
        }
        return out;
    });
}

batch_outcome scheduler::book_many(std::span<const booking_request> requests, instant now, batch_mode mode) {
    if (requests.size() > max_batch_requests)
        reject("requests", fmt::format("{} requests: at most {} in one batch", requests.size(), max_batch_requests));
    if (requests.empty()) return {};
    std::vector<std::string> locks;
    for (const booking_request& r : requests) locks.push_back(r.resource);
    std::sort(locks.begin(), locks.end());
    locks.erase(std::unique(locks.begin(), locks.end()), locks.end());
    return store_.write(locks, [&](transaction& tx) {
        batch_outcome batch;  // afresh on each attempt: a store may run this again
        context_cache contexts;
        for (std::size_t i = 0; i < requests.size(); ++i) {
            try {
                batch.booked.push_back(book_in(tx, requests[i], now, std::nullopt, {}, &contexts));
            } catch (const error& e) {
                // book_in throws before it writes; a store failure fails the batch.
                if (e.category() == error_category::storage) throw;
                const std::string field = fmt::format("requests[{}]{}{}", i, e.field().empty() ? "" : ".", e.field());
                const auto* refused = dynamic_cast<const booking_refused*>(&e);
                if (mode == batch_mode::all_or_nothing) {
                    if (refused != nullptr) throw booking_refused(field, e.message(), refused->reasons());
                    throw error(e.category(), field, e.message());
                }
                batch.refused.push_back({.index = i,
                                         .category = e.category(),
                                         .field = field,
                                         .message = e.message(),
                                         .reasons = refused != nullptr ? refused->reasons() : std::vector<reason>{}});
            }
        }
        return batch;
    });
}

series_outcome scheduler::book_recurring(const recurring_request& request, instant now) {
    validate_request(request.first);
    const auto owner = resource(request.first.resource);
    if (!owner) missing("resource", "resource", request.first.resource);
    if (std::chrono::floor<minutes>(request.first.start) != request.first.start)
        reject("start", "a recurring series starts on a whole minute");
    const std::vector<instant> starts =
        expand_recurrence(request.rrule, zone::locate(owner->time_zone, "time_zone"), request.first.start,
                          request.except_dates);
    const std::string series = "sr_" + random_hex(16);
    return store_.write(std::span(&request.first.resource, 1), [&](transaction& tx) {
        series_outcome out;
        context_cache contexts;
        for (std::size_t i = 0; i < starts.size(); ++i) {
            booking_request occurrence = request.first;
            occurrence.start = starts[i];
            if (!occurrence.idempotency_key.empty()) occurrence.idempotency_key += "@" + format_instant(starts[i]);
            try {
                out.booked.push_back(book_in(tx, occurrence, now, std::nullopt, series, &contexts));
            } catch (const booking_refused& e) {
                if (request.mode == series_mode::all_or_nothing)
                    throw booking_refused(fmt::format("occurrences[{}].start", i),
                                          fmt::format("occurrence {} at {}: {}", i, format_instant(starts[i]), e.message()),
                                          e.reasons());
                out.refused.push_back({.start = starts[i], .reasons = e.reasons()});
            }
        }
        if (!out.booked.empty()) out.series = out.booked.front().series;  // a retried request: the first one's
        if (out.series == series) {
            std::string rule = request.rrule;
            if (rule.starts_with("RRULE:")) rule.erase(0, 6);
            tx.put_series({.id = series, .resource = request.first.resource, .rrule = std::move(rule),
                           .first_start = request.first.start, .except_dates = request.except_dates});
        }
        return out;
    });
}

std::vector<booking_record> scheduler::cancel_series(std::string_view booking_id, series_scope scope,
                                                     std::string_view why, instant now, std::string_view actor) {
    const auto found = booking(booking_id);
    if (!found) missing("id", "booking", booking_id);
    if (scope == series_scope::this_one || found->series.empty()) {
        const bool was_active = found->status != booking_status::cancelled;
        const booking_record b = cancel(booking_id, why, now, actor);
        return was_active ? std::vector<booking_record>{b} : std::vector<booking_record>{};
    }
    return store_.write(std::span(&found->resource, 1), [&](transaction& tx) {
        // A series has one resource; its occurrences lie within a millennium of each other.
        const date::years reach{1000};
        const interval around{found->time.start - reach, found->time.start + reach};
        std::vector<booking_record> out;
        for (booking_record b : tx.bookings_of_resource(found->resource, around)) {
            if (b.series != found->series || b.status == booking_status::cancelled) continue;
            if (scope == series_scope::this_and_following && b.time.start < found->time.start) continue;
            out.push_back(cancel_in(tx, std::move(b), why, now, actor));
        }
        return out;
    });
}

namespace {

/// The names of catalog records, each read once per transaction.
class catalog_names {
public:
    explicit catalog_names(transaction& tx) : tx_(tx) {}

    /// The name of the `kind` ("service", "location", "resource" or "client")
    /// with id `id`; empty when it has none or does not exist.
    const std::string& of(std::string_view kind, const std::string& id) {
        const std::string key = fmt::format("{}:{}", kind, id);
        if (const auto it = names_.find(key); it != names_.end()) return it->second;
        return names_.emplace(key, read(kind, id)).first->second;
    }

private:
    std::string read(std::string_view kind, const std::string& id) {
        if (id.empty()) return {};
        if (kind == "service") return name_in(tx_.service(id));
        if (kind == "location") return name_in(tx_.location(id));
        if (kind == "resource") return name_in(tx_.resource(id));
        return name_in(tx_.client(id));
    }
    template <class Record>
    static std::string name_in(const std::optional<Record>& record) {
        return record ? record->name : std::string();
    }

    transaction& tx_;
    std::map<std::string, std::string, std::less<>> names_;
};

/// The resources a report covers: those named (not_found `resources[i]` for
/// an unknown one), else every resource; in the order named.
std::vector<resource_record> report_resources(transaction& tx, const std::vector<std::string>& named) {
    std::vector<resource_record> chosen;
    if (named.empty()) return tx.resources();
    for (std::size_t i = 0; i < named.size(); ++i) {
        auto r = tx.resource(named[i]);
        if (!r) missing(fmt::format("resources[{}]", i), "resource", named[i]);
        chosen.push_back(std::move(*r));
    }
    return chosen;
}

}  // namespace

namespace {

/// The rule of a series in the form RFC 5545 wants next to a DTSTART with a
/// TZID: an UNTIL becomes the UTC instant of the last occurrence (the same
/// occurrences; slotcraft also accepts a local date or wall time).
std::string exported_rule(const std::string& rule, const std::vector<instant>& occurrences) {
    if (rule.find("UNTIL=") == std::string::npos) return rule;
    std::string out;
    std::size_t pos = 0;
    while (pos <= rule.size()) {
        const std::size_t end = std::min(rule.find(';', pos), rule.size());
        const std::string part = rule.substr(pos, end - pos);
        if (!part.starts_with("UNTIL=")) out += (out.empty() ? "" : ";") + part;
        pos = end + 1;
    }
    return out + date::format(";UNTIL=%Y%m%dT%H%M%SZ", occurrences.back());
}

/// Takes the bookings of series whose rule is stored out of `bookings` and
/// returns them as calendar series: the occurrences booked at the start the
/// rule gives them are the rule's; those not booked there are EXDATEs; a
/// cancelled one is an override. A moved occurrence stays in `bookings` as an
/// event of its own (its original date is an EXDATE), as does every booking
/// of a series without a stored rule, in a zone libical cannot describe, or
/// whose rule no longer fits its first start (the resource changed zone).
template <class EntryOf>
std::vector<calendar_series> take_series(transaction& tx, std::vector<booking_record>& bookings, EntryOf&& entry_of) {
    std::map<std::string, std::vector<booking_record>> by_series;
    for (const booking_record& b : bookings)
        if (!b.series.empty()) by_series[b.series].push_back(b);
    std::vector<calendar_series> out;
    std::set<std::string> taken;  // booking ids now in a series' events
    for (auto& [id, members] : by_series) {
        const auto rule = tx.series(id);
        if (!rule) continue;
        const auto owner = tx.resource(rule->resource);
        if (!owner || !ics_zone_available(owner->time_zone)) continue;
        const zone tz = zone::locate(owner->time_zone, "time_zone");
        std::vector<instant> occurrences;
        try {
            occurrences = expand_recurrence(rule->rrule, tz, rule->first_start);
        } catch (const error&) {
            continue;
        }
        calendar_series s{.rule = *rule, .time_zone = owner->time_zone, .length = std::chrono::duration_cast<minutes>(
                                                                              members.front().time.length())};
        s.rule.rrule = exported_rule(rule->rrule, occurrences);
        booking_record summary = members.front();
        for (const booking_record& b : members) {
            summary.created_at = std::min(summary.created_at, b.created_at);
            summary.updated_at = std::max(summary.updated_at, b.updated_at);
        }
        const bool any_active = std::any_of(members.begin(), members.end(), [](const booking_record& b) {
            return b.status != booking_status::cancelled;
        });
        summary.status = any_active ? booking_status::confirmed : booking_status::cancelled;
        summary.cancel_reason.clear();
        for (const instant start : occurrences) {
            const auto at = [&](bool active) {
                return std::find_if(members.begin(), members.end(), [&](const booking_record& b) {
                    return b.time.start == start && (b.status != booking_status::cancelled) == active;
                });
            };
            if (const auto live = at(true); live != members.end()) {
                taken.insert(live->id);
            } else if (const auto gone = at(false); gone != members.end()) {
                taken.insert(gone->id);
                s.cancelled.emplace_back(start, entry_of(*gone));
            } else {
                s.excluded.push_back(start);
            }
        }
        s.master = entry_of(summary);
        out.push_back(std::move(s));
    }
    std::erase_if(bookings, [&](const booking_record& b) { return taken.contains(b.id); });
    return out;
}

/// Takes the bookings of group services (capacity above one) out of `bookings`
/// and returns one event per session, the resource's calendar shows a class
/// once, not once per seat: the bookings sharing a service, a start, an end
/// and a location. Its UID names the session (stable as seats are booked and
/// cancelled); it is confirmed while a seat is, tentative while only holds
/// are, cancelled when every seat is; its description counts the seats and
/// names the clients of the active ones (by name).
template <class NameOf>
std::vector<calendar_entry> take_sessions(transaction& tx, std::vector<booking_record>& bookings, NameOf&& name_of) {
    std::map<std::string, int> capacity;
    const auto group_service = [&](const std::string& id) {
        if (!capacity.contains(id)) {
            const auto found = tx.service(id);
            capacity[id] = found ? found->rules.capacity : 1;
        }
        return capacity[id] > 1;
    };
    using session_key = std::tuple<std::string, instant, instant, std::string>;
    std::map<session_key, std::vector<booking_record>> sessions;
    for (const booking_record& b : bookings)
        if (group_service(b.service)) sessions[{b.service, b.time.start, b.time.end, b.location}].push_back(b);
    std::erase_if(bookings, [&](const booking_record& b) { return group_service(b.service); });
    std::vector<calendar_entry> out;
    for (auto& [key, members] : sessions) {
        booking_record summary = members.front();
        summary.id = fmt::format("session-{}-{}-{}", summary.resource, summary.service,
                                 summary.time.start.time_since_epoch().count());
        summary.client.clear();
        summary.series.clear();
        summary.cancel_reason.clear();
        int seats = 0;
        std::vector<std::string> clients;
        const auto has = [&](booking_status s) {
            return std::any_of(members.begin(), members.end(), [&](const booking_record& b) { return b.status == s; });
        };
        summary.status = has(booking_status::confirmed) ? booking_status::confirmed
                         : has(booking_status::held)    ? booking_status::held
                                                        : booking_status::cancelled;
        for (const booking_record& b : members) {
            summary.created_at = std::min(summary.created_at, b.created_at);
            summary.updated_at = std::max(summary.updated_at, b.updated_at);
            if (b.status == booking_status::cancelled) continue;
            seats += b.seats;
            if (!b.client.empty()) clients.push_back(name_of("client", b.client));
        }
        calendar_entry e{.summary = name_of("service", summary.service),
                         .location = summary.location.empty() ? std::string() : name_of("location", summary.location),
                         .description = fmt::format("With {}, {} of {} seats booked", name_of("resource", summary.resource),
                                                    seats, capacity[summary.service])};
        std::sort(clients.begin(), clients.end());
        if (!clients.empty()) e.description += fmt::format(": {}", fmt::join(clients, ", "));
        e.booking = std::move(summary);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace

std::string scheduler::export_ics(const calendar_selection& what, instant now) {
    const int chosen = (what.resource.empty() ? 0 : 1) + (what.client.empty() ? 0 : 1) + (what.booking.empty() ? 0 : 1);
    if (chosen != 1) reject("selection", "name exactly one of resource, client or booking");
    std::vector<calendar_series> series;
    const std::vector<calendar_entry> entries = store_.read([&](transaction& tx) {
        std::vector<booking_record> bookings;
        if (!what.resource.empty()) {
            if (!tx.resource(what.resource)) missing("resource", "resource", what.resource);
            const date::years reach{1000};
            bookings = tx.bookings_of_resource(what.resource, {now - reach, now + reach});
        } else if (!what.client.empty()) {
            if (!tx.client(what.client)) missing("client", "client", what.client);
            bookings = tx.bookings_of_client(what.client);
        } else {
            auto one = tx.booking(what.booking);
            if (!one) missing("booking", "booking", what.booking);
            bookings.push_back(std::move(*one));
        }
        catalog_names names(tx);
        const auto name_of = [&](std::string_view kind, const std::string& id) {
            const std::string& name = names.of(kind, id);
            return name.empty() ? id : name;
        };
        const auto entry_of = [&](booking_record b) {
            calendar_entry e{.summary = name_of("service", b.service),
                             .location = b.location.empty() ? std::string() : name_of("location", b.location),
                             .description = "With " + name_of("resource", b.resource)};
            if (!b.client.empty()) e.description += " for " + name_of("client", b.client);
            if (b.seats > 1) e.description += fmt::format(", {} seats", b.seats);
            if (!b.cancel_reason.empty()) e.description += ". Cancelled: " + b.cancel_reason;
            e.booking = std::move(b);
            return e;
        };
        // One booking is its own event; a resource's or client's series are recurring events.
        series.clear();  // the store may run this more than once
        if (what.booking.empty()) series = take_series(tx, bookings, entry_of);
        std::vector<calendar_entry> out;
        if (!what.resource.empty()) out = take_sessions(tx, bookings, name_of);
        for (booking_record& b : bookings) out.push_back(entry_of(std::move(b)));
        return out;
    });
    return write_ics(entries, series, now);
}

namespace {

/// The bookings of `chosen` that `filter` admits, each with the position of
/// its resource in `chosen`, by start then id.
std::vector<std::pair<booking_record, std::size_t>> filtered_bookings(transaction& tx, const booking_filter& filter,
                                                                      std::span<const resource_record> chosen) {
    std::vector<std::pair<booking_record, std::size_t>> rows;
    for (std::size_t i = 0; i < chosen.size(); ++i)
        for (booking_record& b : tx.bookings_of_resource(chosen[i].id, filter.period))
            if (filter.admits(b)) rows.emplace_back(std::move(b), i);
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return std::tie(a.first.time.start, a.first.id) < std::tie(b.first.time.start, b.first.id);
    });
    return rows;
}

}  // namespace

std::vector<booking_record> scheduler::bookings(const booking_filter& filter) {
    if (filter.period.empty()) reject("period", "the period must end after it starts");
    return store_.read([&](transaction& tx) {
        const std::vector<resource_record> chosen = report_resources(tx, filter.resources);
        std::vector<booking_record> out;
        for (auto& row : filtered_bookings(tx, filter, chosen)) out.push_back(std::move(row.first));
        return out;
    });
}

std::string scheduler::bookings_csv(const booking_filter& filter, byte_order_mark bom) {
    if (filter.period.empty()) reject("period", "the report's period must end after it starts");
    return store_.read([&](transaction& tx) {
        const std::vector<resource_record> chosen = report_resources(tx, filter.resources);
        std::vector<zone> zones;  // of chosen[i], located once
        for (const resource_record& r : chosen) zones.push_back(zone::locate(r.time_zone, "time_zone"));
        const auto rows = filtered_bookings(tx, filter, chosen);
        catalog_names names(tx);
        const auto name_of = [&](std::string_view kind, const std::string& id) { return names.of(kind, id); };
        std::string out = csv_start(bom);
        append_csv_record(out, {"id", "resource", "resource_name", "service", "service_name", "location",
                                "location_name", "client", "client_name", "start_utc", "end_utc", "start_local",
                                "end_local", "time_zone", "seats", "status", "attendance", "series", "cancel_reason",
                                "created_utc"});
        for (const auto& [b, i] : rows) {
            const resource_record* r = &chosen[i];
            const zone& tz = zones[i];
            const std::string local_start = date::format("%FT%T", tz.to_local(b.time.start));
            const std::string local_end = date::format("%FT%T", tz.to_local(b.time.end));
            append_csv_record(out, {b.id, r->id, r->name, b.service, name_of("service", b.service), b.location,
                                    name_of("location", b.location), b.client, name_of("client", b.client),
                                    format_instant(b.time.start), format_instant(b.time.end), local_start, local_end,
                                    r->time_zone, std::to_string(b.seats), to_string(b.status),
                                    to_string(b.attendance), b.series, b.cancel_reason, format_instant(b.created_at)});
        }
        return out;
    });
}

namespace {

/// The ISO 8601 week of a date, `2027-W09`: the week of its Thursday, in the
/// Thursday's year.
std::string iso_week_of(local_date day) {
    const local_date thursday = day - date::days{date::weekday{day}.iso_encoding() - 1} + date::days{3};
    const date::year_month_day ymd{thursday};
    const local_date first_of_year{ymd.year() / date::January / 1};
    return fmt::format("{:04}-W{:02}", static_cast<int>(ymd.year()), (thursday - first_of_year).count() / 7 + 1);
}

std::chrono::seconds length_of(const interval_set& set) {
    std::chrono::seconds out{0};
    for (const interval& part : set) out += part.length();
    return out;
}

std::string hours_text(std::chrono::seconds length) {
    return fmt::format("{:.2f}", std::chrono::duration<double, std::ratio<3600>>(length).count());
}

}  // namespace

std::string scheduler::attendance_csv(const booking_filter& filter, byte_order_mark bom) {
    if (filter.period.empty()) reject("period", "the report's period must end after it starts");
    return store_.read([&](transaction& tx) {
        std::vector<resource_record> chosen = report_resources(tx, filter.resources);
        std::sort(chosen.begin(), chosen.end(),
                  [](const resource_record& a, const resource_record& b) { return a.id < b.id; });
        std::string out = csv_start(bom);
        append_csv_record(out, {"resource", "resource_name", "bookings", "attended", "no_show", "unmarked", "cancelled"});
        for (const resource_record& r : chosen) {
            std::array<long long, 4> counts{};  // attended, no_show, unmarked, cancelled
            for (const booking_record& b : tx.bookings_of_resource(r.id, filter.period)) {
                if (!filter.admits(b) || b.status == booking_status::held) continue;
                if (b.status == booking_status::cancelled) ++counts[3];
                else if (b.attendance == attendance_status::attended) ++counts[0];
                else if (b.attendance == attendance_status::no_show) ++counts[1];
                else ++counts[2];
            }
            const long long total = counts[0] + counts[1] + counts[2] + counts[3];
            append_csv_record(out, {r.id, r.name, std::to_string(total), std::to_string(counts[0]),
                                    std::to_string(counts[1]), std::to_string(counts[2]), std::to_string(counts[3])});
        }
        return out;
    });
}

std::string scheduler::load_csv(const load_request& request, instant now, byte_order_mark bom) {
    if (request.period.empty()) reject("period", "the report's period must end after it starts");
    if (request.period.length() > date::days{366}) reject("period", "a load report covers at most 366 days");
    if (request.by != load_grouping::day && request.by != load_grouping::week) reject("by", "expected day or week");
    return store_.read([&](transaction& tx) {
        std::vector<resource_record> chosen = report_resources(tx, request.resources);
        std::sort(chosen.begin(), chosen.end(),
                  [](const resource_record& a, const resource_record& b) { return a.id < b.id; });
        const settings config = tx.load_settings();
        std::string out = csv_start(bom);
        append_csv_record(out, {"resource", "resource_name", "time_zone", "period", "days", "open_hours",
                                "booked_hours", "utilisation"});
        for (const resource_record& r : chosen) {
            const zone tz = zone::locate(r.time_zone, "time_zone");
            // Open time: the engine's, at every location (a resource is open where any schedule opens it).
            interval_set open;
            for (const location_schedule& at : r.schedules)
                open |= compute_open_time(rules_at(r, at, config), request.period).open;
            interval_set booked;
            for (const booking_record& b : tx.bookings_of_resource(r.id, request.period))
                if (b.active_at(now)) booked.add(b.time);
            open = open.clipped_to(request.period);
            booked = booked.clipped_to(request.period);

            struct row {
                std::string period;
                int days = 0;
                std::chrono::seconds open{0}, booked{0};
            };
            std::vector<row> rows;
            const local_date last = tz.date_of(request.period.end - std::chrono::seconds{1});
            for (local_date day = tz.date_of(request.period.start); day <= last; day += date::days{1}) {
                const interval whole{tz.to_utc(day, minutes{0}), tz.to_utc(day + date::days{1}, minutes{0})};
                const std::string key =
                    request.by == load_grouping::day ? date::format("%F", day) : iso_week_of(day);
                if (rows.empty() || rows.back().period != key) rows.push_back({.period = key});
                row& current = rows.back();
                ++current.days;
                current.open += length_of(open.clipped_to(whole));
                current.booked += length_of(booked.clipped_to(whole));
            }
            for (const row& line : rows) {
                const std::string use =
                    line.open.count() == 0
                        ? std::string()
                        : fmt::format("{:.4f}", std::chrono::duration<double>(line.booked) / line.open);
                append_csv_record(out, {r.id, r.name, r.time_zone, line.period, std::to_string(line.days),
                                        hours_text(line.open), hours_text(line.booked), use});
            }
        }
        return out;
    });
}

ics_import scheduler::import_ics(std::string_view resource_id, std::string_view ics, interval window,
                                 std::string_view actor) {
    if (window.empty()) reject("window", "the import window must end after it starts");
    const auto found = resource(resource_id);
    if (!found) missing("resource", "resource", resource_id);
    ics_busy read = read_ics(ics, zone::locate(found->time_zone, "time_zone"), window);
    const std::string id(resource_id);
    std::vector<interval> added = store_.write(std::span(&id, 1), [&](transaction& tx) {
        auto r = tx.resource(id);
        if (!r) missing("resource", "resource", id);
        const std::string before = as_json(*r);
        const std::set<interval> known(r->time_off.begin(), r->time_off.end());
        std::vector<interval> fresh;
        for (const interval& piece : read.busy)
            if (!known.contains(piece)) fresh.push_back(piece);
        if (fresh.empty()) return fresh;
        r->time_off.insert(r->time_off.end(), fresh.begin(), fresh.end());
        tx.put_resource(*r);
        record(tx, wall_clock_now(), actor, "import_ics", id, before, as_json(*r));
        return fresh;
    });
    return {std::move(added), std::move(read.skipped)};
}

// ---- reminders, lists, audit ----

std::vector<due_reminder> scheduler::due_reminders(instant now) {
    return store_.read([&](transaction& tx) {
        std::vector<minutes> offsets = tx.load_settings().reminder_offsets;
        std::vector<due_reminder> out;
        if (offsets.empty()) return out;
        std::sort(offsets.begin(), offsets.end());
        const interval coming{now + std::chrono::seconds{1}, now + offsets.back() + std::chrono::seconds{1}};
        for (const booking_record& b : tx.confirmed_starting_in(coming)) {
            // Only the closest offset that has passed: a booking made two hours
            // before its start gets the two-hour reminder, not also the day-before one.
            const auto passed = std::find_if(offsets.begin(), offsets.end(),
                                             [&](minutes offset) { return b.time.start - offset <= now; });
            // And only one whose moment came after the booking took its time
            // (`updated_at`: booked, confirmed or moved; nothing else changes a
            // booking before its start): a lesson booked 23 hours ahead gets no
            // day-before reminder seconds after "Booked".
            if (passed != offsets.end() && b.time.start - *passed >= b.updated_at && !tx.reminded(b.id, *passed))
                out.push_back({b, *passed});
        }
        return out;
    });
}

bool scheduler::mark_reminded(std::string_view booking_id, minutes offset) {
    check_minutes(offset, "offset");
    return store_.write({}, [&](transaction& tx) {
        if (!tx.booking(booking_id)) missing("id", "booking", booking_id);
        return tx.mark_reminded(booking_id, offset);
    });
}

std::vector<booking_record> scheduler::upcoming(std::string_view resource, instant from, int days) {
    if (days < 1 || days > max_upcoming_days)
        reject("days", fmt::format("must be from 1 to {} (got {})", max_upcoming_days, days));
    return store_.read([&](transaction& tx) {
        if (!tx.resource(resource)) missing("resource", "resource", resource);
        const interval span{from, from + std::chrono::days{days}};
        std::vector<booking_record> out;
        for (booking_record& b : tx.bookings_of_resource(resource, span))
            if (b.active_at(from) && span.contains(b.time.start)) out.push_back(std::move(b));
        return out;
    });
}

std::vector<booking_record> scheduler::client_bookings(std::string_view client, instant now, bool active) {
    return store_.read([&](transaction& tx) {
        if (!tx.client(client)) missing("client", "client", client);
        std::vector<booking_record> out;
        for (booking_record& b : tx.bookings_of_client(client))
            if ((b.active_at(now) && b.time.end > now) == active) out.push_back(std::move(b));
        return out;
    });
}

std::vector<audit_entry> scheduler::audit(std::int64_t after, std::size_t limit) {
    return store_.read([&](transaction& tx) { return tx.audit_log(after, limit); });
}

}  // namespace slotcraft
