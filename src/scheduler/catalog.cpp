// scheduler: the catalog (locations, resources, services, links, clients,
// settings), archiving and restoring, and reading them back.

#include "scheduling.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace slotcraft {

using namespace scheduling;

namespace {

// ---- masters and pools ----

/// The lock that `put_service` and `link` of one service take, so that a
/// pool and a link written at once by two processes cannot together make a
/// resource both a master and a pool member of the service.
std::string service_catalog_lock(std::string_view service) { return "service " + std::string(service); }

/// Why a resource may not be both: a booking on it as the master could take
/// it as its own room too (SPEC §10 counts them as separate resources).
std::string master_in_pool(std::string_view resource, std::string_view pool, std::string_view service) {
    return fmt::format("resource \"{}\" cannot be both a master of service \"{}\" and a member of its pool \"{}\": "
                       "one booking could take it twice",
                       resource, service, pool);
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
    check_text(location.id, "id");
    check_text(location.name, "name");
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
    check_text(resource.id, "id");
    check_text(resource.name, "name");
    (void)zone::locate(resource.time_zone, "time_zone");
    for (std::size_t i = 0; i < resource.time_off.size(); ++i) {
        check_spelled(resource.time_off[i].start, fmt::format("time_off[{}].start", i));
        check_spelled(resource.time_off[i].end, fmt::format("time_off[{}].end", i));
        if (resource.time_off[i].empty()) reject(fmt::format("time_off[{}].end", i), "must be after start");
    }
    std::set<std::string_view> places;
    for (std::size_t i = 0; i < resource.schedules.size(); ++i) {
        const location_schedule& at = resource.schedules[i];
        if (!places.insert(at.location).second)
            reject(fmt::format("schedules[{}].location", i), "a resource has one schedule per location");
        validate_rotation(at.weekly, at.rotation, fmt::format("schedules[{}].rotation", i));
    }
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
    check_text(offered.rules.id, "id");
    check_text(offered.name, "name");
    for (std::size_t i = 0; i < offered.pools.size(); ++i)
        check_text(offered.pools[i].id, fmt::format("pools[{}].id", i));
    offered.rules.validate("");
    offered.assign.validate_values("");
    service_pool::validate(offered.pools, "");
    const std::string lock = service_catalog_lock(offered.rules.id);
    store_.write(std::span(&lock, 1), [&](transaction& tx) {
        const std::vector<std::string> masters = tx.providers(offered.rules.id);
        for (std::size_t i = 0; i < offered.pools.size(); ++i)
            for (std::size_t j = 0; j < offered.pools[i].resources.size(); ++j) {
                const std::string& member = offered.pools[i].resources[j];
                const std::string field = fmt::format("pools[{}].resources[{}]", i, j);
                if (!tx.resource(member)) missing(field, "resource", member);
                if (std::find(masters.begin(), masters.end(), member) != masters.end())
                    reject(field, master_in_pool(member, offered.pools[i].id, offered.rules.id));
            }
        for (std::size_t i = 0; i < offered.locations.size(); ++i)
            if (!tx.location(offered.locations[i]))
                missing(fmt::format("locations[{}]", i), "location", offered.locations[i]);
        for (const auto& [values, field] : {std::pair{&offered.assign.weights, "assign.weights"},
                                            std::pair{&offered.assign.priorities, "assign.priorities"}})
            for (const auto& entry : *values)
                if (!tx.resource(entry.first)) missing(field, "resource", entry.first);
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
    const std::string lock = service_catalog_lock(service);
    store_.write(std::span(&lock, 1), [&](transaction& tx) {
        const auto r = tx.resource(resource);
        if (!r) missing("resource", "resource", resource);
        refuse_archived(r->archived, "resource", "resource", resource);
        const auto s = tx.service(service);
        if (!s) missing("service", "service", service);
        refuse_archived(s->archived, "service", "service", service);
        for (const service_pool& pool : s->pools)
            if (std::find(pool.resources.begin(), pool.resources.end(), resource) != pool.resources.end())
                reject("resource", master_in_pool(resource, pool.id, service));
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
    check_text(client.id, "id");
    check_text(client.name, "name");
    for (std::size_t i = 0; i < client.identities.size(); ++i) {
        const std::string field = fmt::format("identities[{}].external_id", i);
        if (client.identities[i].external_id.empty()) reject(field, "must not be empty");
        check_text(client.identities[i].external_id, field);
    }
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
    check_text(who.external_id, "external_id");
    check_text(name, "name");
    return store_.write({}, [&](transaction& tx) {
        if (auto known = tx.client_by_identity(who)) return *known;
        client_record fresh{.id = "cl_" + random_hex(16), .name = std::string(name), .identities = {who}};
        tx.put_client(fresh);
        record(tx, wall_clock_now(), actor, "put_client", fresh.id, "", as_json(fresh));
        return fresh;
    });
}

void scheduler::save_settings(const settings& values, std::string_view actor) {
    const std::vector<minutes>& offsets = values.reminder_offsets;
    for (std::size_t i = 0; i < offsets.size(); ++i) {
        const std::string field = fmt::format("reminder_offsets[{}]", i);
        check_minutes(offsets[i], field);
        // One reminder per offset is sent, so a repeated offset is a mistake to name, not to keep.
        const auto earlier = std::find(offsets.begin(), offsets.begin() + static_cast<std::ptrdiff_t>(i), offsets[i]);
        if (earlier != offsets.begin() + static_cast<std::ptrdiff_t>(i))
            reject(field, fmt::format("repeats reminder_offsets[{}] ({} minutes); give each offset once",
                                      earlier - offsets.begin(), offsets[i].count()));
    }
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

}  // namespace slotcraft
