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
/// `store::run` promises, so `locks` is ignored. A busy file is waited for
/// (`busy_timeout`), and a transaction that still finds it busy is retried a
/// bounded number of times (`work` may run more than once, as `store::run`
/// allows). A read transaction (`BEGIN`, deferred) may not write: a write in it
/// throws `error` (storage). Do not call `run` from inside `work`: a nested
/// write would wait for the outer one's lock.
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
    /// How long a connection waits for another writer before SQLite reports busy.
    std::chrono::milliseconds busy_timeout{5000};
    sqlite_sync synchronous = sqlite_sync::full;
    /// Attempts of one transaction that keeps finding the file busy (>= 1).
    int busy_attempts = 4;
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
