#pragma once
/// \file
/// The PostgreSQL store (libpqxx): many processes, on many machines, sharing
/// one database. Built when `SLOTCRAFT_BUILD_POSTGRES` is on.
///
/// Connections: the store keeps a pool. Each `run` borrows one connection for
/// the whole transaction (a connection is used by one thread at a time) and
/// gives it back; a thread that finds none idle opens another, and at most
/// `max_idle_connections` are kept open. A connection that broke is dropped,
/// not reused.
///
/// Transactions: a read runs `REPEATABLE READ READ ONLY`, so all its reads
/// see one snapshot and it never waits for writers (but to read the audit
/// log, below); a write in it throws `error` (storage). A write runs `READ
/// COMMITTED` and first takes a transaction-scoped advisory lock
/// (`pg_advisory_xact_lock`) for each name in `locks` (sorted, so two
/// writers never wait for each other in a cycle):
/// writers of the same resource, in any process on any machine, run one at
/// a time, and each statement after the lock sees every booking committed
/// before it. Writers append audit entries without taking turns (their
/// commits share the disk's syncs), so a later sequence number may commit
/// first; a reader of the log therefore first takes `LOCK TABLE audit IN
/// SHARE MODE`, which waits for the writers still appending and holds new
/// ones back until it ends, and a reader paging by sequence number never
/// skips an entry that commits late. A read transaction takes its snapshot
/// at its first statement: `audit_log` as its first read (as
/// `scheduler::audit` does) is complete; later in a read it returns what
/// that snapshot holds.
///
/// Retries: a serialisation failure, a deadlock, a connection that broke
/// before `COMMIT` was sent, and a unique-key race (two writers creating the
/// same client identity or idempotency key at once) roll back and run the
/// whole transaction again, at most `max_attempts` times, with short
/// randomised pauses; `work` may therefore run more than once. A connection
/// that breaks during `COMMIT` leaves the outcome unknown: that is reported
/// (`error`, storage) and not retried.
///
/// The last line of defence, in the database itself (the scheduler's checks
/// run first, so users see reasons):
/// - `EXCLUDE USING gist (resource_id WITH =, tstzrange(padded_start,
///   padded_end) WITH &&)` over the active bookings of services with
///   capacity 1: two of them can never overlap, whoever writes the table.
///   A hold whose expiry has passed stops counting (it is marked `lapsed`)
///   when a later write of an overlapping booking of its resource is made,
///   with that write's `updated_at` as the time.
/// - Group classes (capacity > 1): a trigger keeps the seats of each slot
///   (resource, service, start) in `seat_counts`; adding seats beyond the
///   capacity the booking was sold under is refused. The counter row is
///   locked by the update, so two writers never both take the last seat.
/// A write refused by either is `error` (conflict), like every other
/// conflict; no raw SQL error leaves the store.
///
/// Schema: created and migrated on open, in one transaction under an
/// advisory lock (several processes may open a new database at once), with
/// the version in table `slotcraft_schema`; a schema newer than this build
/// is refused before anything is written. The tables live in the first
/// schema of the connection's `search_path`: give slotcraft a database or a
/// schema of its own (`?options=-csearch_path%3Dslotcraft`). The extension
/// `btree_gist` is created when missing (PostgreSQL 13+ lets a database
/// owner do that).
///
/// Errors: connection and server failures are `error` (storage) with the
/// server's message (never the password); a missing resource, service or
/// booking is `not_found`; a taken id, idempotency key, hold token or client
/// identity, an overlap refused by the constraint and an over-sold class are
/// `conflict`.

#include <slotcraft/store.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace slotcraft {

/// The schema version (`slotcraft_schema.version`) this build creates and reads.
[[nodiscard]] int postgres_schema_version() noexcept;

struct postgres_options {
    /// Idle connections kept open for later transactions.
    int max_idle_connections = 8;
    /// How many times one `run` may execute its work (the first attempt included).
    int max_attempts = 10;
    /// How long one statement may wait for a lock (`lock_timeout`), e.g. the
    /// advisory lock of a resource whose writer hangs; then `error` (storage).
    std::chrono::milliseconds lock_timeout{30000};
};

/// Connects to `uri` (`postgresql://user@host:port/database?...`, anything
/// libpq accepts) and creates or migrates the schema.
/// \throws error (storage) when the server cannot be reached, refuses the
/// login, or holds a slotcraft schema newer than this build.
[[nodiscard]] std::unique_ptr<store> open_postgres_store(const std::string& uri);
[[nodiscard]] std::unique_ptr<store> open_postgres_store(const std::string& uri, const postgres_options& options);

}  // namespace slotcraft
