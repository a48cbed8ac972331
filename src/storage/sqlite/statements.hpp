#pragma once
// SQLite's text of every statement of the SQL stores' catalog
// (storage/common/statements.hpp), in its order. Instants are INTEGER
// seconds (columns `*_s`), JSON is TEXT.

#include "../common/statements.hpp"

#include <array>
#include <string_view>

/// The waitlist columns, in rows.hpp's order.
#define SLOTCRAFT_WAITLIST_COLUMNS                                                                          \
    "id, client_id, service_id, resource_id, location_id, from_s, to_s, seats, offer_ttl_min, status, " \
    "offer_id, notified, created_s, updated_s"

/// The booking columns, in rows.hpp's order.
#define SLOTCRAFT_BOOKING_COLUMNS                                                                                   \
    "id, resource_id, service_id, location_id, client_id, start_s, end_s, seats, status, expires_s, hold_token, " \
    "buffer_before_min, buffer_after_min, idempotency_key, series, cancel_reason, created_s, updated_s, attendance, " \
    "group_id, pool_id"

namespace slotcraft::detail::sqlite_sql {

inline constexpr std::array<statement_text, statement_count> statements{{
    {statement::catalog_version,
     "SELECT n FROM catalog_version"},
    {statement::put_location,
     "INSERT INTO locations (id, name, archived) VALUES (?1, ?2, ?3) "
     "ON CONFLICT (id) DO UPDATE SET name = excluded.name, archived = excluded.archived"},
    {statement::location,
     "SELECT id, name, archived FROM locations WHERE id = ?1"},
    {statement::locations,
     "SELECT id, name, archived FROM locations ORDER BY id"},
    {statement::location_exists,
     "SELECT 1 FROM locations WHERE id = ?1"},
    {statement::put_resource,
     "INSERT INTO resources (id, name, time_zone, time_off, archived) VALUES (?1, ?2, ?3, ?4, ?5) "
     "ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, "
     "time_off = excluded.time_off, archived = excluded.archived"},
    {statement::delete_resource_schedules,
     "DELETE FROM resource_schedules WHERE resource_id = ?1"},
    {statement::insert_resource_schedule,
     "INSERT INTO resource_schedules (resource_id, location_id, position, schedule) "
     "VALUES (?1, ?2, ?3, ?4)"},
    {statement::resource,
     "SELECT id, name, time_zone, time_off, archived FROM resources WHERE id = ?1"},
    {statement::schedules_of_resource,
     "SELECT resource_id, location_id, schedule FROM resource_schedules WHERE resource_id = ?1 "
     "ORDER BY position"},
    {statement::resources,
     "SELECT id, name, time_zone, time_off, archived FROM resources ORDER BY id"},
    {statement::all_resource_schedules,
     "SELECT resource_id, location_id, schedule FROM resource_schedules "
     "ORDER BY resource_id, position"},
    {statement::resource_exists,
     "SELECT 1 FROM resources WHERE id = ?1"},
    {statement::put_service,
     "INSERT INTO services (id, service, name, archived) VALUES (?1, ?2, ?3, ?4) "
     "ON CONFLICT (id) DO UPDATE SET service = excluded.service, name = excluded.name, "
     "archived = excluded.archived"},
    {statement::delete_service_locations,
     "DELETE FROM service_locations WHERE service_id = ?1"},
    {statement::insert_service_location,
     "INSERT INTO service_locations (service_id, location_id, position) VALUES (?1, ?2, ?3)"},
    {statement::service,
     "SELECT id, service, name, archived FROM services WHERE id = ?1"},
    {statement::locations_of_service,
     "SELECT service_id, location_id FROM service_locations WHERE service_id = ?1 ORDER BY position"},
    {statement::services,
     "SELECT id, service, name, archived FROM services ORDER BY id"},
    {statement::all_service_locations,
     "SELECT service_id, location_id FROM service_locations ORDER BY service_id, position"},
    {statement::service_exists,
     "SELECT 1 FROM services WHERE id = ?1"},
    {statement::link,
     "INSERT INTO links (resource_id, service_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING"},
    {statement::unlink,
     "DELETE FROM links WHERE resource_id = ?1 AND service_id = ?2"},
    {statement::providers,
     "SELECT resource_id FROM links WHERE service_id = ?1 ORDER BY resource_id"},
    {statement::services_of,
     "SELECT service_id FROM links WHERE resource_id = ?1 ORDER BY service_id"},
    {statement::put_client,
     "INSERT INTO clients (id, name) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET name = excluded.name"},
    {statement::delete_client_identities,
     "DELETE FROM client_identities WHERE client_id = ?1"},
    {statement::insert_client_identity,
     "INSERT INTO client_identities (network, external_id, client_id, position) "
     "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"},
    {statement::client,
     "SELECT id, name FROM clients WHERE id = ?1"},
    {statement::identities_of_client,
     "SELECT client_id, network, external_id FROM client_identities WHERE client_id = ?1 "
     "ORDER BY position"},
    {statement::clients,
     "SELECT id, name FROM clients ORDER BY id"},
    {statement::all_client_identities,
     "SELECT client_id, network, external_id FROM client_identities "
     "ORDER BY client_id, position"},
    {statement::client_of_identity,
     "SELECT client_id FROM client_identities WHERE network = ?1 AND external_id = ?2"},
    {statement::settings,
     "SELECT key, value FROM settings"},
    {statement::put_setting,
     "INSERT INTO settings (key, value) VALUES (?1, ?2) "
     "ON CONFLICT (key) DO UPDATE SET value = excluded.value"},
    {statement::delete_setting,
     "DELETE FROM settings WHERE key = ?1"},
    {statement::insert_booking,
     "INSERT INTO bookings ("
     SLOTCRAFT_BOOKING_COLUMNS
     ") VALUES "
     "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)"},
    {statement::update_booking,
     "UPDATE bookings SET resource_id = ?2, service_id = ?3, location_id = ?4, client_id = ?5, start_s = ?6, "
     "end_s = ?7, seats = ?8, status = ?9, expires_s = ?10, hold_token = ?11, buffer_before_min = ?12, "
     "buffer_after_min = ?13, idempotency_key = ?14, series = ?15, cancel_reason = ?16, created_s = ?17, "
     "updated_s = ?18, attendance = ?19, group_id = ?20, pool_id = ?21 WHERE id = ?1"},
    {statement::booking,
     "SELECT "
     SLOTCRAFT_BOOKING_COLUMNS
     " FROM bookings WHERE id = ?1"},
    {statement::booking_by_idempotency_key,
     "SELECT "
     SLOTCRAFT_BOOKING_COLUMNS
     " FROM bookings "
     "WHERE idempotency_key = ?1 AND idempotency_key <> ''"},
    {statement::booking_by_hold_token,
     "SELECT "
     SLOTCRAFT_BOOKING_COLUMNS
     " FROM bookings WHERE hold_token = ?1 AND hold_token <> ''"},
    {statement::bookings_of_resource,
     "SELECT "
     SLOTCRAFT_BOOKING_COLUMNS
     " FROM bookings INDEXED BY bookings_resource_padded_end "
     "WHERE resource_id = ?1 AND end_s + buffer_after_min * 60 > ?2 AND start_s - buffer_before_min * 60 < ?3 "
     "ORDER BY start_s, id"},
    {statement::bookings_of_client,
     "SELECT "
     SLOTCRAFT_BOOKING_COLUMNS
     " FROM bookings WHERE client_id = ?1 "
     "ORDER BY start_s, id"},
    {statement::bookings_of_group,
     "SELECT "
     SLOTCRAFT_BOOKING_COLUMNS
     " FROM bookings WHERE group_id = ?1 AND group_id <> '' "
     "ORDER BY start_s, id"},
    {statement::confirmed_starting_in,
     "SELECT "
     SLOTCRAFT_BOOKING_COLUMNS
     " FROM bookings "
     "WHERE status = 'confirmed' AND start_s >= ?1 AND start_s < ?2 ORDER BY start_s, id"},
    {statement::booking_exists,
     "SELECT 1 FROM bookings WHERE id = ?1"},
    {statement::booking_write_facts,
     "SELECT EXISTS (SELECT 1 FROM bookings WHERE id = ?1), EXISTS (SELECT 1 FROM resources WHERE id = ?2), "
     "EXISTS (SELECT 1 FROM services WHERE id = ?3), "
     "(SELECT id FROM bookings WHERE idempotency_key = ?4 AND idempotency_key <> '' AND id <> ?1 LIMIT 1), "
     "(SELECT id FROM bookings WHERE hold_token = ?5 AND hold_token <> '' AND id <> ?1 LIMIT 1)"},
    {statement::put_series,
     "INSERT INTO series (id, resource_id, rrule, first_start_s, except_dates, idempotency_key) "
     "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
     "ON CONFLICT (id) DO UPDATE SET resource_id = excluded.resource_id, rrule = excluded.rrule, "
     "first_start_s = excluded.first_start_s, except_dates = excluded.except_dates, "
     "idempotency_key = excluded.idempotency_key"},
    {statement::series,
     "SELECT id, resource_id, rrule, first_start_s, except_dates, idempotency_key FROM series WHERE id = ?1"},
    {statement::series_by_idempotency_key,
     "SELECT id, resource_id, rrule, first_start_s, except_dates, idempotency_key FROM series "
     "WHERE idempotency_key = ?1 AND idempotency_key <> ''"},
    {statement::series_key_owner,
     "SELECT id FROM series WHERE idempotency_key = ?1 AND idempotency_key <> '' AND id <> ?2 LIMIT 1"},
    {statement::mark_reminded,
     "INSERT INTO reminders (booking_id, offset_min) VALUES (?1, ?2) ON CONFLICT DO NOTHING"},
    {statement::reminded,
     "SELECT 1 FROM reminders WHERE booking_id = ?1 AND offset_min = ?2"},
    {statement::forget_reminders,
     "DELETE FROM reminders WHERE booking_id = ?1"},
    {statement::put_waitlist_entry,
     "INSERT INTO waitlist (" SLOTCRAFT_WAITLIST_COLUMNS ") "
     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
     "ON CONFLICT (id) DO UPDATE SET client_id = excluded.client_id, service_id = excluded.service_id, "
     "resource_id = excluded.resource_id, location_id = excluded.location_id, from_s = excluded.from_s, "
     "to_s = excluded.to_s, seats = excluded.seats, offer_ttl_min = excluded.offer_ttl_min, "
     "status = excluded.status, offer_id = excluded.offer_id, notified = excluded.notified, "
     "created_s = excluded.created_s, updated_s = excluded.updated_s"},
    {statement::waitlist_entry,
     "SELECT " SLOTCRAFT_WAITLIST_COLUMNS " FROM waitlist WHERE id = ?1"},
    {statement::waitlist_of_client,
     "SELECT " SLOTCRAFT_WAITLIST_COLUMNS " FROM waitlist WHERE client_id = ?1 ORDER BY created_s, id"},
    {statement::open_waitlist,
     "SELECT " SLOTCRAFT_WAITLIST_COLUMNS " FROM waitlist "
     "WHERE status = 'waiting' OR status = 'offered' ORDER BY created_s, id"},
    {statement::mark_waitlist_notified,
     "UPDATE waitlist SET notified = 1 WHERE id = ?1 AND notified = 0"},
    {statement::append_audit,
     "INSERT INTO audit (at_s, actor, action, subject, \"before\", \"after\") "
     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
    {statement::audit_log,
     "SELECT seq, at_s, actor, action, subject, \"before\", \"after\" FROM audit "
     "WHERE seq > ?1 ORDER BY seq LIMIT ?2"},
}};
static_assert(one_text_per_statement(statements), "one SQLite text per statement, in the order of `statement`");

/// SQLite's text of `s`.
constexpr std::string_view sql(statement s) { return statements[static_cast<std::size_t>(s)].sql; }

}  // namespace slotcraft::detail::sqlite_sql
