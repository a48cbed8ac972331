#pragma once
// The checks every store makes before it writes a catalog record, so that a
// refused write leaves no trace and every store refuses it the same way
// (tests/storage/store_contract_test.cpp). Each takes the store's own lookup.

#include <slotcraft/catalog.hpp>
#include <slotcraft/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>

namespace slotcraft::detail {

/// not_found for a schedule at a location `location_exists(id)` denies;
/// invalid_argument for two schedules at one location.
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
    }
}

/// not_found for an offered location `location_exists(id)` denies;
/// invalid_argument for a location listed twice.
template <class LocationExists>
void check_service_write(const service_record& s, LocationExists&& location_exists) {
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

}  // namespace slotcraft::detail
