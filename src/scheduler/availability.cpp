// scheduler: free slots, the reasons a start is not bookable, open time
// and the day grid.

#include "scheduling.hpp"

#include <fmt/format.h>
#include <slotcraft/day_grid.hpp>

#include <algorithm>

namespace slotcraft {

using namespace scheduling;

// ---- availability ----

std::vector<located_slot> scheduler::slots(const slot_request& request, instant now) {
    validate_query_range(request.from, request.to, request.seats);
    return store_.read([&](transaction& tx) { return slots_in(tx, request, now); });
}

namespace scheduling {

std::vector<located_slot> slots_in(transaction& tx, const slot_request& request, instant now) {
    auto offered = tx.service(request.service);
    if (!offered) missing("service", "service", request.service);
    refuse_archived(offered->archived, "service", "service", request.service);
    id_set closed_places = archived_locations(tx);
    if (!request.location.empty()) {
        if (!tx.location(request.location)) missing("location", "location", request.location);
        refuse_archived(closed_places.contains(request.location), "location", "location", request.location);
    }
    const std::string leave_out = group_left_out(tx, request.ignore_booking);
    require_client(tx, request.client);
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
    const std::optional<asking_client> asker = asking_client_of(tx, request.client, asked, leave_out);
    const interval reach{request.from - asked.buffer_before, request.to + asked.duration + asked.buffer_after};
    std::vector<std::vector<booking_record>> bookings;
    for (const booking_context& ctx : team) bookings.push_back(bookings_around(tx, ctx.resource, reach));
    // The service's pools (SPEC §10), whose members must be free too.
    const service_pools pools(tx, team.front(), reach, nullptr);

    // One query per location with the members working there: each slot
    // lists only resources free at its location, in SPEC §6 order, with
    // that location's seats. `all` needs every member at the location.
    std::vector<located_slot> out;
    for (const std::string& place : places) {
        slot_query q{.now = now, .from = request.from, .to = request.to, .mode = request.mode, .asked = asked,
                     .seats = request.seats, .client = asker};
        for (std::size_t i = 0; i < team.size(); ++i)
            if (std::find(places_of[i].begin(), places_of[i].end(), place) != places_of[i].end())
                q.resources.push_back(engine_resource(team[i], place, bookings[i], leave_out));
        if (q.resources.empty() || (request.mode == resource_mode::all && q.resources.size() < team.size())) continue;
        if (!pools.empty()) q.pools = pools.at(place, leave_out, {});
        // The service's SPEC §12 order, with the weights of the resources asked here.
        q.assign = offered->assign.only([&](std::string_view id) {
            return std::any_of(q.resources.begin(), q.resources.end(), [&](const auto& r) { return r.id == id; });
        });
        for (slot& s : find_slots(q)) out.push_back({std::move(s), place});
    }
    // By start; the locations of one start stay in id order.
    std::stable_sort(out.begin(), out.end(), [](const located_slot& a, const located_slot& b) {
        return a.free.time.start < b.free.time.start;
    });
    return out;
}

}  // namespace scheduling

std::vector<reason> scheduler::check(const booking_request& request, instant now, std::string_view ignore_booking) {
    validate_request(request);
    return store_.read([&](transaction& tx) {
        const booking_context ctx = load_context(tx, request.resource, request.service);
        refuse_more_seats_than(ctx, request.seats);
        validate_pool_choice(ctx.offered, request.pool_members);
        const std::string leave_out = group_left_out(tx, ignore_booking);
        require_client(tx, request.client);
        return check_start(tx, ctx, request.location, request.start, request.seats, request.client, now, leave_out,
                           {.required = request.pool_members, .kept = {}})
            .reasons;
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
        if (!tx.location(location)) missing("location", "location", location);
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

}  // namespace slotcraft
