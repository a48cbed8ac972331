#pragma once
// PostgreSQL's text of every statement of the SQL stores' catalog
// (storage/common/statements.hpp), in its order, and the statements only
// PostgreSQL runs. Instants are timestamptz, read back with
// `extract(epoch ...)::bigint` and written with `to_timestamp`; JSON is jsonb.

#include "../common/statements.hpp"

#include <array>
#include <string_view>

/// The waitlist columns, in rows.hpp's order.
#define SLOTCRAFT_PG_WAITLIST_COLUMNS                                                                         \
    "id, client_id, service_id, resource_id, location_id, extract(epoch FROM from_at)::bigint, "             \
    "extract(epoch FROM to_at)::bigint, seats, offer_ttl_min, status, offer_id, notified, "                   \
    "extract(epoch FROM created_at)::bigint, extract(epoch FROM updated_at)::bigint"

/// The booking columns, in rows.hpp's order.
#define SLOTCRAFT_PG_BOOKING_COLUMNS                                                                             \
    "id, resource_id, service_id, location_id, client_id, extract(epoch FROM start_at)::bigint, "               \
    "extract(epoch FROM end_at)::bigint, seats, status, extract(epoch FROM expires_at)::bigint, hold_token, "    \
    "buffer_before_min, buffer_after_min, idempotency_key, series, cancel_reason, "                              \
    "extract(epoch FROM created_at)::bigint, extract(epoch FROM updated_at)::bigint, attendance, group_id, pool_id"

/// The stored columns a booking write sets, in SLOTCRAFT_PG_BOOKING_VALUES order.
#define SLOTCRAFT_PG_BOOKING_WRITTEN_COLUMNS                                                                   \
    "id, resource_id, service_id, location_id, client_id, start_at, end_at, padded_start, padded_end, seats, " \
    "status, expires_at, hold_token, buffer_before_min, buffer_after_min, idempotency_key, series, "           \
    "cancel_reason, created_at, updated_at, lapsed, attendance, group_id, pool_id"

/// $1..$21 of a booking write, in SLOTCRAFT_PG_BOOKING_COLUMNS order; the
/// statement computes the padded interval and `lapsed` from them.
#define SLOTCRAFT_PG_BOOKING_VALUES                                                                           \
    "$1, $2, $3, $4, $5, to_timestamp($6::bigint), to_timestamp($7::bigint), "                               \
    "to_timestamp($6::bigint) - $12::integer * interval '1 minute', "                                        \
    "to_timestamp($7::bigint) + $13::integer * interval '1 minute', $8::integer, $9, "                        \
    "to_timestamp($10::bigint), $11, $12::integer, $13::integer, $14, $15, $16, to_timestamp($17::bigint), " \
    "to_timestamp($18::bigint), COALESCE($9 = 'held' AND $10::bigint <= $18::bigint, false), $19, $20, $21"

/// A CTE `lapsed` over $1..$21 of a booking write: marks `lapsed` the
/// expired holds of the resource that overlap the booking's padded interval
/// (none for a cancelled booking), so the constraint lets it take their time.
#define SLOTCRAFT_PG_LAPSED_HOLDS                                                                                 \
    "lapsed AS (UPDATE bookings SET lapsed = true WHERE $9 <> 'cancelled' AND resource_id = $2 "                 \
    "AND status = 'held' AND NOT lapsed AND expires_at <= to_timestamp($18::bigint) "                            \
    "AND padded_end > to_timestamp($6::bigint) - $12::integer * interval '1 minute' "                            \
    "AND padded_start < to_timestamp($7::bigint) + $13::integer * interval '1 minute' AND id <> $1 RETURNING 1)"

/// The conditions, after a WHERE, under which $1..$21 of a booking write
/// refer to a resource and a service that exist and hold no idempotency key
/// or hold token of another booking (booking_write_facts' questions but the id).
#define SLOTCRAFT_PG_BOOKING_REFERENCES_CLEAR                                                                      \
    "AND EXISTS (SELECT 1 FROM resources WHERE id = $2) AND EXISTS (SELECT 1 FROM services WHERE id = $3) "       \
    "AND NOT EXISTS (SELECT 1 FROM bookings WHERE idempotency_key = $14 AND idempotency_key <> '' AND id <> $1) " \
    "AND NOT EXISTS (SELECT 1 FROM bookings WHERE hold_token = $11 AND hold_token <> '' AND id <> $1)"

/// The insert of $1..$21, after SLOTCRAFT_PG_LAPSED_HOLDS (the count over
/// `lapsed` makes the update finish first, and its seat triggers fire before
/// the new row's). It inserts nothing where booking_write_facts would refuse
/// the write, or a writer that committed meanwhile holds a unique value or
/// the time; the caller then reads the facts to say why.
#define SLOTCRAFT_PG_CHECKED_BOOKING_INSERT                                                                        \
    "INSERT INTO bookings (" SLOTCRAFT_PG_BOOKING_WRITTEN_COLUMNS ") SELECT "                                     \
    SLOTCRAFT_PG_BOOKING_VALUES                                                                                    \
    " FROM (SELECT count(*) FROM lapsed) AS lapsing "                                                             \
    "WHERE NOT EXISTS (SELECT 1 FROM bookings WHERE id = $1) " SLOTCRAFT_PG_BOOKING_REFERENCES_CLEAR              \
    " ON CONFLICT DO NOTHING"

/// The replace of the booking $1 by $1..$21, after SLOTCRAFT_PG_LAPSED_HOLDS
/// (as for the insert). It changes nothing where booking_write_facts would
/// refuse the write, and the caller then reads the facts to say why; an
/// overlap is the constraint's error (23P01), which aborts the transaction.
#define SLOTCRAFT_PG_CHECKED_BOOKING_UPDATE                                                                        \
    "UPDATE bookings SET (" SLOTCRAFT_PG_BOOKING_WRITTEN_COLUMNS ") = ("                                          \
    SLOTCRAFT_PG_BOOKING_VALUES                                                                                    \
    ") FROM (SELECT count(*) FROM lapsed) AS lapsing WHERE id = $1 " SLOTCRAFT_PG_BOOKING_REFERENCES_CLEAR

/// The insert of the audit entry $22..$27 (at, actor, action, subject,
/// before, after) once for each row of `written` (a CTE's name), RETURNING
/// its number.
#define SLOTCRAFT_PG_AUDIT_ENTRY_FOR(written)                                                    \
    "INSERT INTO audit (at, actor, action, subject, \"before\", \"after\") "                 \
    "SELECT to_timestamp($22::bigint), $23, $24, $25, $26, $27 FROM " written " RETURNING seq"

namespace slotcraft::detail::postgres_sql {

inline constexpr std::array<statement_text, statement_count> statements{{
    {statement::catalog_version,
     "SELECT n FROM catalog_version"},
    {statement::put_location,
     "INSERT INTO locations (id, name, archived) VALUES ($1, $2, $3) "
     "ON CONFLICT (id) DO UPDATE SET name = excluded.name, archived = excluded.archived"},
    {statement::location,
     "SELECT id, name, archived FROM locations WHERE id = $1"},
    {statement::locations,
     "SELECT id, name, archived FROM locations ORDER BY id"},
    {statement::location_exists,
     "SELECT 1 FROM locations WHERE id = $1"},
    {statement::put_resource,
     "INSERT INTO resources (id, name, time_zone, time_off, archived) VALUES ($1, $2, $3, $4::jsonb, $5) "
     "ON CONFLICT (id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, "
     "time_off = excluded.time_off, archived = excluded.archived"},
    {statement::delete_resource_schedules,
     "DELETE FROM resource_schedules WHERE resource_id = $1"},
    {statement::insert_resource_schedule,
     "INSERT INTO resource_schedules (resource_id, location_id, position, schedule) "
     "VALUES ($1, $2, $3::integer, $4::jsonb)"},
    {statement::resource,
     "SELECT id, name, time_zone, time_off, archived FROM resources WHERE id = $1"},
    {statement::schedules_of_resource,
     "SELECT resource_id, location_id, schedule FROM resource_schedules WHERE resource_id = $1 "
     "ORDER BY position"},
    {statement::resources,
     "SELECT id, name, time_zone, time_off, archived FROM resources ORDER BY id"},
    {statement::all_resource_schedules,
     "SELECT resource_id, location_id, schedule FROM resource_schedules "
     "ORDER BY resource_id, position"},
    {statement::resource_exists,
     "SELECT 1 FROM resources WHERE id = $1"},
    {statement::put_service,
     "INSERT INTO services (id, rules, name, archived) VALUES ($1, $2::jsonb, $3, $4) "
     "ON CONFLICT (id) DO UPDATE SET rules = excluded.rules, name = excluded.name, archived = excluded.archived"},
    {statement::delete_service_locations,
     "DELETE FROM service_locations WHERE service_id = $1"},
    {statement::insert_service_location,
     "INSERT INTO service_locations (service_id, location_id, position) VALUES ($1, $2, $3::integer)"},
    {statement::service,
     "SELECT id, rules, name, archived FROM services WHERE id = $1"},
    {statement::locations_of_service,
     "SELECT service_id, location_id FROM service_locations WHERE service_id = $1 ORDER BY position"},
    {statement::services,
     "SELECT id, rules, name, archived FROM services ORDER BY id"},
    {statement::all_service_locations,
     "SELECT service_id, location_id FROM service_locations ORDER BY service_id, position"},
    {statement::service_exists,
     "SELECT 1 FROM services WHERE id = $1"},
    {statement::link,
     "INSERT INTO links (resource_id, service_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"},
    {statement::unlink,
     "DELETE FROM links WHERE resource_id = $1 AND service_id = $2"},
    {statement::providers,
     "SELECT resource_id FROM links WHERE service_id = $1 ORDER BY resource_id"},
    {statement::services_of,
     "SELECT service_id FROM links WHERE resource_id = $1 ORDER BY service_id"},
    {statement::put_client,
     "INSERT INTO clients (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name"},
    {statement::delete_client_identities,
     "DELETE FROM client_identities WHERE client_id = $1"},
    {statement::insert_client_identity,
     "INSERT INTO client_identities (network, external_id, client_id, position) "
     "VALUES ($1, $2, $3, $4::integer) ON CONFLICT DO NOTHING"},
    {statement::client,
     "SELECT id, name FROM clients WHERE id = $1"},
    {statement::identities_of_client,
     "SELECT client_id, network, external_id FROM client_identities WHERE client_id = $1 "
     "ORDER BY position"},
    {statement::clients,
     "SELECT id, name FROM clients ORDER BY id"},
    {statement::all_client_identities,
     "SELECT client_id, network, external_id FROM client_identities "
     "ORDER BY client_id, position"},
    {statement::client_of_identity,
     "SELECT client_id FROM client_identities WHERE network = $1 AND external_id = $2"},
    {statement::settings,
     "SELECT key, value FROM settings"},
    {statement::put_setting,
     "INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) "
     "ON CONFLICT (key) DO UPDATE SET value = excluded.value"},
    {statement::delete_setting,
     "DELETE FROM settings WHERE key = $1"},
    // One round trip for what would be three (booking_write_facts, lapsing
    // expired holds, the insert): see SLOTCRAFT_PG_CHECKED_BOOKING_INSERT.
    {statement::insert_booking,
     "WITH " SLOTCRAFT_PG_LAPSED_HOLDS " " SLOTCRAFT_PG_CHECKED_BOOKING_INSERT},
    // The same for a replace: see SLOTCRAFT_PG_CHECKED_BOOKING_UPDATE.
    {statement::update_booking,
     "WITH " SLOTCRAFT_PG_LAPSED_HOLDS " " SLOTCRAFT_PG_CHECKED_BOOKING_UPDATE},
    {statement::booking,
     "SELECT "
     SLOTCRAFT_PG_BOOKING_COLUMNS
     " FROM bookings WHERE id = $1"},
    {statement::booking_by_idempotency_key,
     "SELECT "
     SLOTCRAFT_PG_BOOKING_COLUMNS
     " FROM bookings "
     "WHERE idempotency_key = $1 AND idempotency_key <> ''"},
    {statement::booking_by_hold_token,
     "SELECT "
     SLOTCRAFT_PG_BOOKING_COLUMNS
     " FROM bookings "
     "WHERE hold_token = $1 AND hold_token <> ''"},
    {statement::bookings_of_resource,
     "SELECT "
     SLOTCRAFT_PG_BOOKING_COLUMNS
     " FROM bookings WHERE resource_id = $1 "
     "AND padded_end > to_timestamp($2::bigint) AND padded_start < to_timestamp($3::bigint) "
     "ORDER BY start_at, id"},
    {statement::bookings_of_client,
     "SELECT "
     SLOTCRAFT_PG_BOOKING_COLUMNS
     " FROM bookings WHERE client_id = $1 "
     "ORDER BY start_at, id"},
    {statement::bookings_of_group,
     "SELECT "
     SLOTCRAFT_PG_BOOKING_COLUMNS
     " FROM bookings WHERE group_id = $1 AND group_id <> '' "
     "ORDER BY start_at, id"},
    {statement::confirmed_starting_in,
     "SELECT "
     SLOTCRAFT_PG_BOOKING_COLUMNS
     " FROM bookings WHERE status = 'confirmed' "
     "AND start_at >= to_timestamp($1::bigint) AND start_at < to_timestamp($2::bigint) "
     "ORDER BY start_at, id"},
    {statement::booking_exists,
     "SELECT 1 FROM bookings WHERE id = $1"},
    // `idempotency_key <> ''`, not `$4 <> ''`: the partial unique indexes are
    // then usable by the generic plan, which PostgreSQL keeps after five runs;
    // else it plans every run anew (200 µs a booking).
    {statement::booking_write_facts,
     "SELECT EXISTS (SELECT 1 FROM bookings WHERE id = $1), EXISTS (SELECT 1 FROM resources WHERE id = $2), "
     "EXISTS (SELECT 1 FROM services WHERE id = $3), "
     "(SELECT id FROM bookings WHERE idempotency_key = $4 AND idempotency_key <> '' AND id <> $1 LIMIT 1), "
     "(SELECT id FROM bookings WHERE hold_token = $5 AND hold_token <> '' AND id <> $1 LIMIT 1)"},
    {statement::put_series,
     "INSERT INTO series (id, resource_id, rrule, first_start, except_dates, idempotency_key) "
     "VALUES ($1, $2, $3, to_timestamp($4::bigint), $5::jsonb, $6) "
     "ON CONFLICT (id) DO UPDATE SET resource_id = excluded.resource_id, rrule = excluded.rrule, "
     "first_start = excluded.first_start, except_dates = excluded.except_dates, "
     "idempotency_key = excluded.idempotency_key"},
    {statement::series,
     "SELECT id, resource_id, rrule, extract(epoch FROM first_start)::bigint, except_dates, idempotency_key "
     "FROM series WHERE id = $1"},
    {statement::series_by_idempotency_key,
     "SELECT id, resource_id, rrule, extract(epoch FROM first_start)::bigint, except_dates, idempotency_key "
     "FROM series WHERE idempotency_key = $1 AND idempotency_key <> ''"},
    {statement::series_key_owner,
     "SELECT id FROM series WHERE idempotency_key = $1 AND idempotency_key <> '' AND id <> $2 LIMIT 1"},
    {statement::mark_reminded,
     "INSERT INTO reminders (booking_id, offset_min) VALUES ($1, $2::integer) ON CONFLICT DO NOTHING"},
    {statement::reminded,
     "SELECT 1 FROM reminders WHERE booking_id = $1 AND offset_min = $2::integer"},
    {statement::forget_reminders,
     "DELETE FROM reminders WHERE booking_id = $1"},
    {statement::put_waitlist_entry,
     "INSERT INTO waitlist (id, client_id, service_id, resource_id, location_id, from_at, to_at, seats, "
     "offer_ttl_min, status, offer_id, notified, created_at, updated_at) "
     "VALUES ($1, $2, $3, $4, $5, to_timestamp($6::bigint), to_timestamp($7::bigint), $8::integer, $9::integer, "
     "$10, $11, $12, to_timestamp($13::bigint), to_timestamp($14::bigint)) "
     "ON CONFLICT (id) DO UPDATE SET client_id = excluded.client_id, service_id = excluded.service_id, "
     "resource_id = excluded.resource_id, location_id = excluded.location_id, from_at = excluded.from_at, "
     "to_at = excluded.to_at, seats = excluded.seats, offer_ttl_min = excluded.offer_ttl_min, "
     "status = excluded.status, offer_id = excluded.offer_id, notified = excluded.notified, "
     "created_at = excluded.created_at, updated_at = excluded.updated_at"},
    {statement::waitlist_entry,
     "SELECT " SLOTCRAFT_PG_WAITLIST_COLUMNS " FROM waitlist WHERE id = $1"},
    {statement::waitlist_of_client,
     "SELECT " SLOTCRAFT_PG_WAITLIST_COLUMNS " FROM waitlist WHERE client_id = $1 ORDER BY created_at, id"},
    {statement::open_waitlist,
     "SELECT " SLOTCRAFT_PG_WAITLIST_COLUMNS " FROM waitlist "
     "WHERE status IN ('waiting', 'offered') ORDER BY created_at, id"},
    {statement::mark_waitlist_notified,
     "UPDATE waitlist SET notified = true WHERE id = $1 AND NOT notified"},
    // Writers take no lock of their own beyond the INSERT's ROW EXCLUSIVE on
    // the table, held to their end: a reader waits for them (lock_audit).
    {statement::append_audit,
     "INSERT INTO audit (at, actor, action, subject, \"before\", \"after\") "
     "VALUES (to_timestamp($1::bigint), $2, $3, $4, $5, $6) RETURNING seq"},
    {statement::audit_log,
     "SELECT seq, extract(epoch FROM at)::bigint, actor, action, subject, \"before\", "
     "\"after\" FROM audit WHERE seq > $1::bigint ORDER BY seq LIMIT $2::bigint"},
}};
static_assert(one_text_per_statement(statements), "one PostgreSQL text per statement, in the order of `statement`");

/// PostgreSQL's text of `s`.
constexpr std::string_view sql(statement s) { return statements[static_cast<std::size_t>(s)].sql; }

// ---- only PostgreSQL's ----

/// (name) → the transaction's advisory lock of `name` (held to its end).
/// Nothing else is read here: a statement's snapshot is taken before it waits
/// for the lock, so it would miss what the lock's holder commits meanwhile.
inline constexpr std::string_view take_lock =
    "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ' slotcraft lock ' || $1, 0))";

/// Waits until every transaction that appended to the audit log has ended,
/// and keeps new appenders waiting until this transaction ends. Its first
/// statement after this one then sees every sequence number handed out so far
/// as final: none of a writer still running, below one it sees. It takes no
/// snapshot, so it may open a REPEATABLE READ transaction.
inline constexpr std::string_view lock_audit = "LOCK TABLE audit IN SHARE MODE";

/// $1..$21 of a booking, then (at, actor, action, subject, before, after) of
/// its audit entry: the insert of statement::insert_booking and the audit
/// entry's, which is written only when the booking was; RETURNING its number.
inline constexpr std::string_view insert_booking_audited =
    "WITH " SLOTCRAFT_PG_LAPSED_HOLDS ", inserted AS (" SLOTCRAFT_PG_CHECKED_BOOKING_INSERT " RETURNING 1) "
    SLOTCRAFT_PG_AUDIT_ENTRY_FOR("inserted");

/// The same for a replace: the update of statement::update_booking and the
/// audit entry's, written only when the booking was changed.
inline constexpr std::string_view update_booking_audited =
    "WITH " SLOTCRAFT_PG_LAPSED_HOLDS ", updated AS (" SLOTCRAFT_PG_CHECKED_BOOKING_UPDATE " RETURNING 1) "
    SLOTCRAFT_PG_AUDIT_ENTRY_FOR("updated");

/// (resource, padded start, padded end, id) → the first active booking of
/// the resource, but `id`, whose padded interval overlaps.
inline constexpr std::string_view overlapping_booking =
    "SELECT id FROM bookings WHERE resource_id = $1 AND status <> 'cancelled' AND NOT lapsed AND capacity <= 1 "
    "AND padded_end > to_timestamp($2::bigint) AND padded_start < to_timestamp($3::bigint) AND id <> $4 "
    "ORDER BY start_at LIMIT 1";

}  // namespace slotcraft::detail::postgres_sql
