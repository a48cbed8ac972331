#pragma once
// The statement catalog of the SQL stores: every statement a store's
// transaction runs, named by what it does, with its parameters and result
// columns written once here. Each dialect gives the text of every statement,
// in this order, in one table (src/storage/<dialect>/statements.hpp), checked
// at compile time; the store's C++ binds and reads the same values on every
// dialect. A new dialect starts by writing that table.
//
// Parameters are listed as ?1, ?2, ... (`$1, $2, ...` on PostgreSQL); instants
// are whole seconds since the epoch, both as parameters and as columns; JSON
// travels as text. "Upsert" inserts a row or replaces the one with that key.
// A read of one record returns the columns of the read of them all, so that
// one function of rows.hpp reads each kind of record.

#include <array>
#include <cstddef>
#include <string_view>

namespace slotcraft::detail {

enum class statement : unsigned char {
    catalog_version,  ///< → n: the catalog's version (see catalog_cache.hpp)

    put_location,     ///< upsert (id, name, archived)
    location,         ///< (id) → as `locations`
    locations,        ///< → id, name, archived; by id
    location_exists,  ///< (id) → a row when it exists

    put_resource,               ///< upsert (id, name, time_zone, time_off JSON, archived)
    delete_resource_schedules,  ///< (resource)
    insert_resource_schedule,   ///< (resource, location, position, schedule JSON)
    resource,                   ///< (id) → as `resources`
    schedules_of_resource,      ///< (resource) → as `all_resource_schedules`
    resources,                  ///< → id, name, time_zone, time_off JSON, archived; by id
    all_resource_schedules,     ///< → resource, location, schedule JSON; by resource, position
    resource_exists,            ///< (id) → a row when it exists

    put_service,               ///< upsert (id, rules JSON, name, archived)
    delete_service_locations,  ///< (service)
    insert_service_location,   ///< (service, location, position)
    service,                   ///< (id) → as `services`
    locations_of_service,      ///< (service) → as `all_service_locations`
    services,                  ///< → id, rules JSON, name, archived; by id
    all_service_locations,     ///< → service, location; by service, position
    service_exists,            ///< (id) → a row when it exists

    link,         ///< (resource, service); nothing when the link exists
    unlink,       ///< (resource, service)
    providers,    ///< (service) → resource; by resource
    services_of,  ///< (resource) → service; by service

    put_client,                ///< upsert (id, name)
    delete_client_identities,  ///< (client)
    insert_client_identity,    ///< (network, external id, client, position); nothing when the identity is taken
    client,                    ///< (id) → as `clients`
    identities_of_client,      ///< (client) → as `all_client_identities`
    clients,                   ///< → id, name; by id
    all_client_identities,     ///< → client, network, external id; by client, position
    client_of_identity,        ///< (network, external id) → client

    settings,        ///< → key, value JSON
    put_setting,     ///< upsert (key, value JSON)
    delete_setting,  ///< (key)

    // Bookings: the 21 booking columns in rows.hpp's order, as
    // parameters of a write and as the columns of a read.
    insert_booking,              ///< (booking columns); PostgreSQL's also checks and lapses (its statements.hpp)
    update_booking,              ///< (booking columns), the row with id ?1; PostgreSQL's also checks and lapses
    booking,                     ///< (id) → booking columns
    booking_by_idempotency_key,  ///< (key) → booking columns; never for an empty key
    booking_by_hold_token,       ///< (token) → booking columns; never for an empty token
    bookings_of_resource,        ///< (resource, from, to) → booking columns of padded intervals overlapping; by start, id
    bookings_of_client,          ///< (client) → booking columns; by start, id
    bookings_of_group,           ///< (group) → booking columns; by start, id; never for an empty group
    confirmed_starting_in,       ///< (from, to) → booking columns; by start, id
    booking_exists,              ///< (id) → a row when it exists
    /// (id, resource, service, idempotency key, hold token) → id taken,
    /// resource exists, service exists, the other booking holding the key
    /// (null when none), the other booking holding the token (null when none):
    /// what write_checks.hpp's refuse_booking_write asks.
    booking_write_facts,

    put_series,  ///< upsert (id, resource, rrule, first start, except dates JSON, idempotency key)
    series,      ///< (id) → id, resource, rrule, first start, except dates JSON, idempotency key
    series_by_idempotency_key,  ///< (key) → as `series`, none for ""
    series_key_owner,           ///< (key, id) → the id of another series with the key

    mark_reminded,  ///< (booking, offset minutes); nothing when it was marked
    reminded,       ///< (booking, offset minutes) → a row when marked
    forget_reminders,  ///< (booking)

    // The waiting list: the 14 waitlist columns in rows.hpp's order.
    put_waitlist_entry,      ///< upsert (waitlist columns)
    waitlist_entry,          ///< (id) → waitlist columns
    waitlist_of_client,      ///< (client) → waitlist columns; by created, id
    open_waitlist,           ///< → waitlist columns of waiting and offered entries; by created, id
    mark_waitlist_notified,  ///< (id): sets `notified` where it was not (1 row changed: the first caller)

    append_audit,  ///< (at, actor, action, subject, before, after); numbered by the database
    audit_log,     ///< (after, limit) → sequence, at, actor, action, subject, before, after; by sequence
};

inline constexpr std::size_t statement_count = static_cast<std::size_t>(statement::audit_log) + 1;

/// One entry of a dialect's table: the statement and its text there.
struct statement_text {
    statement tag;
    std::string_view sql;
};

/// True when `table` gives every statement once, in the order of `statement`.
template <std::size_t N>
consteval bool one_text_per_statement(const std::array<statement_text, N>& table) {
    if (N != statement_count) return false;
    for (std::size_t i = 0; i < N; ++i)
        if (static_cast<std::size_t>(table[i].tag) != i || table[i].sql.empty()) return false;
    return true;
}

}  // namespace slotcraft::detail
