#pragma once
/// \file
/// The SQLite store: one database file in WAL mode, the embedded default.
///
/// Threading: the store keeps a pool of connections to the file. Each `run`
/// borrows one connection for the whole transaction (a connection is used by
/// one thread at a time) and gives it back afterwards; a thread that finds no
/// idle connection opens another one, and at most `max_idle_connections` are
/// kept open. Readers therefore run in parallel (WAL snapshots) and never wait
/// for writers.
///
/// Writers: a write transaction starts with `BEGIN IMMEDIATE`, which takes the
/// file's single write lock, so SQLite serialises all writers of the file, in
/// this process and in others. That is stronger than the per-resource locking
/// `store::run` promises, so `locks` is ignored. The writers of one store
/// object take turns before that, asleep on a mutex, so within a process the
/// lock passes from one writer to the next as soon as a commit ends; only
/// writers of other processes (or other store objects) poll for it. A read
/// transaction (`BEGIN`, deferred) may not write: a write in it throws `error`
/// (storage). Do not call `run` from inside `work`: a write inside a write of
/// the same thread is refused at once (`error`, storage), as it could only
/// wait for itself; a read inside a write works.
///
/// Busy file: while another connection (of any process) holds the lock a
/// statement needs, the store polls for it with short randomised sleeps
/// (0.1-0.2 ms at first, growing slowly to 1-2 ms), not SQLite's default
/// handler, whose sleeps of up to 100 ms let the process holding the lock
/// keep winning it while others starve. A transaction that still finds the
/// file busy (at `BEGIN`, inside `work`, or at `COMMIT`) is rolled back and
/// retried, so `work` may run more than once, as `store::run` allows. All of
/// that waiting shares one deadline per transaction, `busy_timeout` from the
/// start of `run`; past it `run` throws `error` (storage) with SQLite's
/// message (the wait for this process's own writers counts against the same
/// deadline). Waiters of different processes are not queued: under sustained
/// contention the lock goes to whichever waiter polls first, so every writer
/// gets turns, but not in order.
///
/// Opening: `open_sqlite_store` reads the file's identity (application id,
/// schema version, schema objects) in one read transaction, so it sees
/// another process's migration either whole or not at all, and takes the
/// write lock only when the schema must be created or migrated (checking it
/// again under the lock). Opening a current file therefore does not wait for
/// writers. Several processes may open (and create) the same new file at
/// once; each waits for the others within one `busy_timeout`.
///
/// Errors: SQLite failures are `error` (storage) with SQLite's message;
/// `update_booking` of a missing id is `not_found`; a second booking with the
/// same id, idempotency key or hold token, or an identity that belongs to
/// another client, is `conflict`; a reference to a resource, service,
/// location or booking that does not exist (foreign key) is `not_found`.
///
/// The file: `PRAGMA application_id` is `sqlite_application_id`, and the
/// schema version is kept in `PRAGMA user_version`. Opening a file that holds
/// another application's tables, or a schema newer than this build knows, is
/// refused (`error`, storage) before anything is written to it; an older
/// schema is migrated in one transaction.

#include <slotcraft/store.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace slotcraft {

/// `PRAGMA application_id` of every slotcraft database (`"SLOT"` in ASCII).
inline constexpr std::int32_t sqlite_application_id = 0x534C4F54;

/// The schema version (`PRAGMA user_version`) this build creates and reads.
[[nodiscard]] int sqlite_schema_version() noexcept;

/// How hard a commit is pushed to disk (`PRAGMA synchronous`).
enum class sqlite_sync {
    /// WAL is synced at checkpoints only: never corrupt, but a power loss
    /// (not a crash of the process) may undo the last commits. Fastest.
    normal,
    /// WAL is synced at every commit: a committed booking survives a power
    /// loss. The default, because a confirmation sent to a client must hold.
    full,
};

struct sqlite_options {
    /// The total time one transaction (or opening the store) may wait for
    /// locks held by other connections, over all its retries; then `error`
    /// (storage). Zero: fail at the first busy file.
    std::chrono::milliseconds busy_timeout{30000};
    sqlite_sync synchronous = sqlite_sync::full;
    /// Idle connections kept open for later transactions.
    int max_idle_connections = 8;
};

/// Opens (creating it when missing) the slotcraft database at `path` and
/// migrates its schema. `":memory:"` gives a private in-memory database on a
/// single connection (transactions then run one at a time).
/// \throws error (storage) for a file that is not a slotcraft database, a
/// schema newer than this build, or a file SQLite cannot open.
[[nodiscard]] std::unique_ptr<store> open_sqlite_store(const std::string& path);
[[nodiscard]] std::unique_ptr<store> open_sqlite_store(const std::string& path, const sqlite_options& options);

}  // namespace slotcraft
