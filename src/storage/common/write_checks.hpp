#pragma once
// The checks every store makes before it writes a record, so that a refused
// write leaves no trace and every store refuses it the same way, in the same
// order (tests/storage/store_contract_test.cpp). Each takes the store's own
// lookups.

#include <slotcraft/catalog.hpp>
#include <slotcraft/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>

namespace slotcraft::detail {

/// not_found for a schedule at a location `location_exists(id)` denies;
/// invalid_argument for two schedules at one location, or a rotation that
/// could not be read back (beside weekly hours, no weeks, too many).
template <class LocationExists>
void check_resource_write(const resource_record& r, LocationExists&& location_exists) {
    for (std::size_t i = 0; i < r.schedules.size(); ++i) {
        const std::string field = fmt::format("resource.schedules[{}].location", i);
        const std::string& place = r.schedules[i].location;
        if (!location_exists(place))
            throw error(error_category::not_found, field, fmt::format("location \"{}\" does not exist", place));
        for (std::size_t j = 0; j < i; ++j)
            if (r.schedules[j].location == place)
                reject(field, fmt::format("a second schedule for location \"{}\"", place));
        validate_rotation(r.schedules[i].weekly, r.schedules[i].rotation,
                          fmt::format("resource.schedules[{}].rotation", i));
    }
}

/// not_found for an offered location `location_exists(id)` denies;
/// invalid_argument for a location listed twice, a negative weight or
/// priority, or a pool of the wrong shape (service_pool::validate).
template <class LocationExists>
void check_service_write(const service_record& s, LocationExists&& location_exists) {
    s.assign.validate_values("service.");
    service_pool::validate(s.pools, "service.");
    for (std::size_t i = 0; i < s.locations.size(); ++i) {
        const std::string field = fmt::format("service.locations[{}]", i);
        const auto first = s.locations.begin();
        if (!location_exists(s.locations[i]))
            throw error(error_category::not_found, field, fmt::format("location \"{}\" does not exist", s.locations[i]));
        if (std::find(first, first + static_cast<std::ptrdiff_t>(i), s.locations[i]) != first + static_cast<std::ptrdiff_t>(i))
            reject(field, fmt::format("location \"{}\" is listed twice", s.locations[i]));
    }
}

/// conflict for an identity that `owner_of(identity)` (an optional client
/// id) gives to another client; invalid_argument for one listed twice.
template <class OwnerOf>
void check_client_write(const client_record& c, OwnerOf&& owner_of) {
    for (std::size_t i = 0; i < c.identities.size(); ++i) {
        const identity& who = c.identities[i];
        const std::string field = fmt::format("client.identities[{}]", i);
        if (const std::optional<std::string> owner = owner_of(who); owner && *owner != c.id)
            throw error(error_category::conflict, field,
                        fmt::format("{} account \"{}\" belongs to client \"{}\"", to_string(who.network), who.external_id,
                                    *owner));
        const auto first = c.identities.begin();
        if (std::find(first, first + static_cast<std::ptrdiff_t>(i), who) != first + static_cast<std::ptrdiff_t>(i))
            reject(field, fmt::format("{} account \"{}\" is listed twice", to_string(who.network), who.external_id));
    }
}

/// Throws what refuses writing the waiting-list entry `e`: not_found for an
/// unknown client or service (`waitlist.client`, `waitlist.service`),
/// invalid_argument for a range that does not end after it starts, seats
/// below 1 or an offer TTL below a minute (what the tables' CHECKs refuse).
inline void check_waitlist_write(const waitlist_entry& e, bool client_exists, bool service_exists) {
    if (!client_exists)
        throw error(error_category::not_found, "waitlist.client", fmt::format("client \"{}\" does not exist", e.client));
    if (!service_exists)
        throw error(error_category::not_found, "waitlist.service",
                    fmt::format("service \"{}\" does not exist", e.service));
    if (e.window.empty()) reject("waitlist.window", "must end after it starts");
    if (e.seats < 1) reject("waitlist.seats", fmt::format("must be at least 1 (got {})", e.seats));
    if (e.offer_ttl < minutes{1}) reject("waitlist.offer_ttl", "must be at least one minute");
}

/// What a store knows about the rows a booking write would touch.
struct booking_write_facts {
    bool id_taken = false;  ///< a booking with the record's id exists
    bool resource_exists = false;
    bool service_exists = false;
    std::optional<std::string> key_owner{};    ///< the booking holding its idempotency key
    std::optional<std::string> token_owner{};  ///< the booking holding its hold token
};

/// Throws the first thing that refuses writing `b` (inserting it, or
/// replacing the booking with its id), in the one order every store uses:
/// the row itself (conflict `booking.id` for an insert over a taken id,
/// not_found `booking` for an update of a missing one), what it refers to
/// (not_found `booking.resource`, then `booking.service`), then the values
/// that must be unique (conflict `booking.idempotency_key`, then
/// `booking.hold_token`). Returns when nothing does.
inline void refuse_booking_write(const booking_record& b, bool inserting, const booking_write_facts& facts) {
    if (inserting && facts.id_taken)
        throw error(error_category::conflict, "booking.id", fmt::format("booking \"{}\" already exists", b.id));
    if (!inserting && !facts.id_taken)
        throw error(error_category::not_found, "booking", fmt::format("booking \"{}\" does not exist", b.id));
    if (!facts.resource_exists)
        throw error(error_category::not_found, "booking.resource", fmt::format("resource \"{}\" does not exist", b.resource));
    if (!facts.service_exists)
        throw error(error_category::not_found, "booking.service", fmt::format("service \"{}\" does not exist", b.service));
    if (!b.idempotency_key.empty() && facts.key_owner && *facts.key_owner != b.id)
        throw error(error_category::conflict, "booking.idempotency_key",
                    fmt::format("idempotency key \"{}\" is already used by booking \"{}\"", b.idempotency_key,
                                *facts.key_owner));
    if (!b.hold_token.empty() && facts.token_owner && *facts.token_owner != b.id)
        throw error(error_category::conflict, "booking.hold_token",
                    fmt::format("hold token \"{}\" is already used by booking \"{}\"", b.hold_token,
                                *facts.token_owner));
}

}  // namespace slotcraft::detail
