// The SQLite store (see storage/sqlite_store.hpp for the threading and error model).
#include <slotcraft/storage/sqlite_store.hpp>

#include "../common/rows.hpp"
#include "../common/sql_transaction.hpp"
#include "../common/catalog_cache.hpp"
#include "../common/write_checks.hpp"
#include "statements.hpp"
#include "../../utf8.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>
#include <random>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>

namespace slotcraft {
namespace {

using detail::statement;
using detail::sqlite_sql::sql;
using detail::seconds_of;

// ---- schema -----------------------------------------------------------------

/// Migration `i` takes the schema from version `i` to `i + 1`: the files
/// src/storage/sqlite/migrations/NNNN_*.sql, embedded at build time (see
/// CMakeLists.txt). Append only: never edit a file that has shipped.
constexpr auto migrations = std::to_array<std::string_view>({
#include "sqlite_migrations.inc"
});

constexpr int latest_version = static_cast<int>(migrations.size());

// ---- handles and errors -------------------------------------------------------

struct db_closer {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct stmt_finalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using db_handle = std::unique_ptr<sqlite3, db_closer>;
using stmt_handle = std::unique_ptr<sqlite3_stmt, stmt_finalizer>;

/// SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock; the
/// transaction may be retried.
class busy_error : public error {
public:
    explicit busy_error(const std::string& message) : error(error_category::storage, "", message) {}
};

bool is_busy(int rc) noexcept { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
    const std::string message =
        fmt::format("sqlite: {}: {}", what, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    if (is_busy(rc)) throw busy_error(message);
    throw error(error_category::storage, "", message);
}

[[noreturn]] void storage_failure(const std::string& message) { throw error(error_category::storage, "", message); }

// ---- waiting for a busy file ------------------------------------------------------

using steady = std::chrono::steady_clock;

/// How long to wait before polling a busy file again, after `polls` polls of
/// this wait: 0.2 ms at first, growing slowly to 2 ms, jittered (a random
/// 50-100 % of that) so that the waiters of several processes do not poll in
/// step. Short sleeps matter: a writer that has just committed starts its next
/// transaction at once, and a waiter only gets the lock if it polls in the
/// moment between the two (SQLite's own handler sleeps up to 100 ms, so other
/// processes starve).
std::chrono::microseconds busy_pause(int polls, std::minstd_rand& rng) {
    const long ceiling_us = std::min<long>(2000, 200 + 50L * std::max(0, polls));
    std::uniform_int_distribution<long> jitter(ceiling_us / 2, ceiling_us);
    return std::chrono::microseconds{jitter(rng)};
}

/// Sleeps `pause`, but not past `deadline`. False when the deadline has passed.
bool sleep_before(steady::time_point deadline, std::chrono::microseconds pause) {
    const auto now = steady::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(std::min<steady::duration>(pause, deadline - now));
    return true;
}

std::minstd_rand seeded_rng() {
    std::random_device entropy;
    std::seed_seq seq{entropy(), entropy(),
                      static_cast<unsigned>(steady::now().time_since_epoch().count())};
    return std::minstd_rand(seq);
}


// ---- statements -----------------------------------------------------------------

/// One use of a prepared statement: bind, step, read columns; reset on scope exit.
class query {
public:
    query(sqlite3* db, sqlite3_stmt* stmt, bool* in_use, stmt_handle owned) noexcept
        : db_(db), stmt_(stmt), in_use_(in_use), owned_(std::move(owned)) {}
    query(const query&) = delete;
    query& operator=(const query&) = delete;
    ~query() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        if (in_use_ != nullptr) *in_use_ = false;
    }

    query& bind(int index, std::int64_t value) {
        check(sqlite3_bind_int64(stmt_, index, value));
        return *this;
    }
    query& bind(int index, bool value) { return bind(index, std::int64_t{value}); }
    query& bind(int index, const char* value) = delete;  // would be taken for a bool
    query& bind(int index, std::string_view value) {
        check(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
        return *this;
    }
    query& bind(int index, const std::optional<instant>& value) {
        check(value ? sqlite3_bind_int64(stmt_, index, seconds_of(*value)) : sqlite3_bind_null(stmt_, index));
        return *this;
    }

    /// Steps once: true for a row, false when done. \throws error otherwise.
    bool next() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        fail(db_, rc, sqlite3_sql(stmt_));
    }
    /// Steps once and returns SQLite's code, for callers that map constraint failures.
    int step() { return sqlite3_step(stmt_); }
    void run() { (void)next(); }

    [[nodiscard]] std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
    [[nodiscard]] bool null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
    [[nodiscard]] bool flag(int column) const { return sqlite3_column_int64(stmt_, column) != 0; }
    /// \throws error (storage) when the text is not UTF-8: the file was changed behind slotcraft's back.
    [[nodiscard]] std::string text(int column) const {
        const unsigned char* data = sqlite3_column_text(stmt_, column);
        if (data == nullptr) return {};
        std::string out{reinterpret_cast<const char*>(data), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
        if (!detail::is_utf8(out)) not_utf8(column);
        return out;
    }

private:
    void check(int rc) const {
        if (rc != SQLITE_OK) fail(db_, rc, "bind");
    }

    /// The refusal of a column's text that is not UTF-8, naming its table,
    /// column and (when the row's first column is an id) its record.
    [[noreturn]] void not_utf8(int column) const {
        const auto name_of = [](const char* name) { return std::string(name != nullptr ? name : "?"); };
        std::string record;
        if (const std::string first = name_of(sqlite3_column_origin_name(stmt_, 0));
            column != 0 && (first == "id" || first.ends_with("_id"))) {
            const auto* id = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, 0));
            const std::string_view id_text = id != nullptr ? id : "";
            if (detail::is_utf8(id_text)) record = fmt::format(" of \"{}\"", id_text.substr(0, 64));
        }
        throw error(error_category::storage, "",
                    fmt::format("corrupt data in {}.{}{}: text that is not UTF-8",
                                name_of(sqlite3_column_table_name(stmt_, column)),
                                name_of(sqlite3_column_origin_name(stmt_, column)), record));
    }

    sqlite3* db_;
    sqlite3_stmt* stmt_;
    bool* in_use_;
    stmt_handle owned_;  // set when the cached statement was busy (nested use)
};

/// One connection with its prepared-statement cache. Used by one thread at a time.
class connection {
public:
    /// Opens `path`; waits for a busy file until `deadline` (see wait_until).
    connection(const std::string& path, const sqlite_options& options, steady::time_point deadline)
        : rng_(seeded_rng()), deadline_(deadline) {
        sqlite3* raw = nullptr;
        const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                       nullptr);
        db_.reset(raw);  // closed even when opening failed
        if (rc != SQLITE_OK)
            storage_failure(fmt::format("sqlite: cannot open \"{}\": {}", path,
                                        raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
        sqlite3_extended_result_codes(raw, 1);
        // Replaces SQLite's default handler (see busy_pause); waits until `deadline_`.
        sqlite3_busy_handler(raw, &connection::on_busy, this);
        // Per-connection settings: they write nothing to the file, but PRAGMA
        // synchronous reads the schema, so it may find the file busy.
        exec_while_busy("PRAGMA foreign_keys = ON");
        exec_while_busy(options.synchronous == sqlite_sync::full ? "PRAGMA synchronous = FULL"
                                                                 : "PRAGMA synchronous = NORMAL");
    }

    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    [[nodiscard]] sqlite3* get() const noexcept { return db_.get(); }

    /// Until when a statement that finds the file busy waits for it (the
    /// busy handler polls until then). Set by each use of the connection.
    void wait_until(steady::time_point deadline) noexcept { deadline_ = deadline; }

    /// Sleeps before the `attempt`-th retry of a whole transaction (or of a
    /// statement SQLite does not wait for). False when the deadline has passed.
    bool pause_before_retry(int attempt) { return sleep_before(deadline_, busy_pause(4 * attempt, rng_)); }

    /// A use of the cached statement for `sql`, which must have static storage.
    query prepare(std::string_view sql) {
        auto& entry = cache_[sql];
        if (!entry.stmt) entry.stmt = compile(sql);
        if (!entry.in_use) {
            entry.in_use = true;
            return query(db_.get(), entry.stmt.get(), &entry.in_use, nullptr);
        }
        stmt_handle fresh = compile(sql);  // the same statement used while another use is open
        sqlite3_stmt* raw = fresh.get();
        return query(db_.get(), raw, nullptr, std::move(fresh));
    }

    /// Runs SQL without results (PRAGMAs, BEGIN/COMMIT, migration scripts).
    void exec(const std::string& sql) {
        const int rc = exec_code(sql);
        if (rc != SQLITE_OK) fail(db_.get(), rc, sql.substr(0, 40));
    }
    int exec_code(const std::string& sql) { return sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr); }
    /// `exec` outside a transaction, again while the file is busy, until the deadline.
    void exec_while_busy(const std::string& sql) {
        for (int attempt = 1;; ++attempt) {
            const int rc = exec_code(sql);
            if (rc == SQLITE_OK) return;
            if (!is_busy(rc) || !pause_before_retry(attempt)) fail(db_.get(), rc, sql.substr(0, 40));
        }
    }

    [[nodiscard]] bool in_transaction() const noexcept { return sqlite3_get_autocommit(db_.get()) == 0; }
    void rollback_quietly() noexcept {
        if (in_transaction()) (void)exec_code("ROLLBACK");
    }

    std::int64_t scalar(std::string_view sql) {
        query q = prepare(sql);
        if (!q.next()) storage_failure(fmt::format("sqlite: {} returned no row", sql));
        return q.integer(0);
    }

private:
    /// SQLite's busy handler: true (non-zero) to poll again, 0 to report busy.
    static int on_busy(void* self, int polls) noexcept {
        auto& conn = *static_cast<connection*>(self);
        return sleep_before(conn.deadline_, busy_pause(polls, conn.rng_)) ? 1 : 0;
    }

    stmt_handle compile(std::string_view sql) {
        sqlite3_stmt* raw = nullptr;
        const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                          &raw, nullptr);
        stmt_handle out(raw);
        if (rc != SQLITE_OK) fail(db_.get(), rc, fmt::format("prepare {}", sql.substr(0, 60)));
        return out;
    }

    struct cached {
        stmt_handle stmt;
        bool in_use = false;
    };
    std::minstd_rand rng_;
    steady::time_point deadline_;
    db_handle db_;  // declared after what the busy handler uses, before the statements
    std::unordered_map<std::string_view, cached> cache_;
};

// ---- the transaction ------------------------------------------------------------

/// Binds every column, in SLOTCRAFT_BOOKING_COLUMNS order, to ?1..?21.
void bind_booking(query& q, const booking_record& b) {
    q.bind(1, b.id)
        .bind(2, b.resource)
        .bind(3, b.service)
        .bind(4, b.location)
        .bind(5, b.client)
        .bind(6, seconds_of(b.time.start))
        .bind(7, seconds_of(b.time.end))
        .bind(8, std::int64_t{b.seats})
        .bind(9, to_string(b.status))
        .bind(10, b.expires)
        .bind(11, b.hold_token)
        .bind(12, b.buffer_before.count())
        .bind(13, b.buffer_after.count())
        .bind(14, b.idempotency_key)
        .bind(15, b.series)
        .bind(16, b.cancel_reason)
        .bind(17, seconds_of(b.created_at))
        .bind(18, seconds_of(b.updated_at))
        .bind(19, to_string(b.attendance))
        .bind(20, b.group)
        .bind(21, b.pool);
}

/// A transaction on one connection: reads from detail::sql_transaction, writes
/// mapping SQLite's constraint failures to the store contract's errors.
class sqlite_transaction final : public detail::sql_transaction<sqlite_transaction> {
public:
    sqlite_transaction(connection& conn, access mode) : sql_transaction(mode), conn_(conn) {}

    /// Runs `s` with `args` bound to ?1, ?2, ...; `each(row)` for every row.
    template <class Each, class... Args>
    void each_row(statement s, Each&& each, const Args&... args) {
        query q = conn_.prepare(sql(s));
        bind_all(q, args...);
        while (q.next()) each(std::as_const(q));
    }
    /// `read(row)` of the first row of `s` with `args`, or nullopt when there is none.
    template <class Read, class... Args>
    auto first_row(statement s, Read&& read, const Args&... args) {
        query q = conn_.prepare(sql(s));
        bind_all(q, args...);
        using result = std::invoke_result_t<Read&, const query&>;
        return q.next() ? std::optional<result>(read(std::as_const(q))) : std::nullopt;
    }
    /// Runs `s` with `args`; how many rows it changed.
    template <class... Args>
    std::int64_t run(statement s, const Args&... args) {
        query q = conn_.prepare(sql(s));
        bind_all(q, args...);
        q.run();
        return sqlite3_changes64(conn_.get());
    }
    /// Runs the insert `s` with `args`; the row id SQLite gave the row (a
    /// RETURNING clause costs SQLite more than the whole insert).
    template <class... Args>
    std::int64_t insert_numbered(statement s, const Args&... args) {
        (void)run(s, args...);
        return sqlite3_last_insert_rowid(conn_.get());
    }
    /// Cannot happen while SQLite lets one writer at a time check and write; a conflict if it does.
    [[noreturn]] static void taken_meanwhile(std::string field, const std::string& message) {
        throw error(error_category::conflict, std::move(field), message);
    }

    // ---- bookings ----
    void insert_booking(const booking_record& b) override {
        writing();
        query q = conn_.prepare(sql(statement::insert_booking));
        bind_booking(q, b);
        const int rc = q.step();
        if (rc != SQLITE_DONE) booking_write_failed(rc, b, true);
    }
    void update_booking(const booking_record& b) override {
        writing();
        query q = conn_.prepare(sql(statement::update_booking));
        bind_booking(q, b);
        const int rc = q.step();
        if (rc != SQLITE_DONE) booking_write_failed(rc, b, false);
        if (sqlite3_changes(conn_.get()) == 0)
            throw error(error_category::not_found, "booking", fmt::format("booking \"{}\" does not exist", b.id));
    }

private:
    template <class... Args>
    static void bind_all(query& q, const Args&... args) {
        int index = 1;
        (q.bind(index++, args), ...);
    }

    /// Maps a failed INSERT/UPDATE of a booking to the error that explains it.
    [[noreturn]] void booking_write_failed(int rc, const booking_record& b, bool inserting) {
        const std::string message = sqlite3_errmsg(conn_.get());
        if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
            // Whichever constraint SQLite met first, name the first refusal in the stores' one order.
            query facts = conn_.prepare(sql(statement::booking_write_facts));
            facts.bind(1, b.id).bind(2, b.resource).bind(3, b.service).bind(4, b.idempotency_key).bind(5, b.hold_token);
            if (!facts.next()) storage_failure("sqlite: the facts of a refused booking write returned no row");
            detail::refuse_booking_write(b, inserting, detail::booking_write_facts_from_row(facts));
            throw error(error_category::conflict, "booking", "sqlite: " + message);
        }
        if (rc == SQLITE_CONSTRAINT_CHECK || rc == SQLITE_CONSTRAINT_NOTNULL) reject("booking", "sqlite: " + message);
        fail(conn_.get(), rc, inserting ? "insert_booking" : "update_booking");
    }

    connection& conn_;
};

// ---- the store ------------------------------------------------------------------

/// The deadline of a wait of `budget` that starts now (never overflowing).
steady::time_point deadline_after(std::chrono::milliseconds budget) {
    const auto now = steady::now();
    if (budget <= std::chrono::milliseconds::zero()) return now;
    if (budget >= std::chrono::duration_cast<std::chrono::milliseconds>(steady::time_point::max() - now))
        return steady::time_point::max();
    return now + budget;
}

/// Runs `once`, one whole transaction (or one statement outside any), again
/// while it finds the file busy, until the connection's deadline has passed;
/// then the busy error becomes a plain storage error. Any other failure
/// rolls back and propagates.
template <class Once>
auto retry_while_busy(connection& conn, std::chrono::milliseconds budget, Once&& once) {
    for (int attempt = 1;; ++attempt) {
        try {
            return once();
        } catch (const busy_error& e) {
            conn.rollback_quietly();
            if (!conn.pause_before_retry(attempt))
                storage_failure(fmt::format("{} (still busy after waiting {} ms, sqlite_options::busy_timeout)",
                                            e.what(), budget.count()));
        } catch (...) {
            conn.rollback_quietly();
            throw;
        }
    }
}

/// A COMMIT that finds the file busy leaves the transaction open; try it again
/// until the deadline (a busy_error then, for retry_while_busy).
void commit(connection& conn) {
    for (int attempt = 1;; ++attempt) {
        const int rc = conn.exec_code("COMMIT");
        if (rc == SQLITE_OK) return;
        if (!is_busy(rc) || !conn.pause_before_retry(attempt)) fail(conn.get(), rc, "COMMIT");
    }
}

/// What identifies the file. Read inside one transaction, so that the three
/// agree even while another process is creating the schema.
struct file_identity {
    std::int64_t application_id = 0;
    std::int64_t version = 0;
    std::int64_t objects = 0;  ///< rows of sqlite_master
};

/// Reads the identity; the caller holds a transaction. Reads only.
file_identity read_identity(connection& conn) {
    return {.application_id = conn.scalar("PRAGMA application_id"),
            .version = conn.scalar("PRAGMA user_version"),
            .objects = conn.scalar("SELECT count(*) FROM sqlite_master")};
}

/// Refuses a foreign or newer file; true when the schema must be migrated.
/// An empty file (no schema objects, no application id) is adopted.
bool needs_migration(const file_identity& file, const std::string& path) {
    const bool fresh = file.application_id == 0 && file.version == 0 && file.objects == 0;
    if (file.application_id != sqlite_application_id && !fresh)
        storage_failure(fmt::format("\"{}\" is not a slotcraft database (its application_id is {:#x}, slotcraft's is "
                                    "{:#x}, and it holds {} schema objects); it was left untouched",
                                    path, file.application_id, sqlite_application_id, file.objects));
    if (file.version > latest_version)
        storage_failure(fmt::format("\"{}\" has slotcraft schema version {}, newer than this build knows ({}); "
                                    "open it with a newer slotcraft (the file was left untouched)",
                                    path, file.version, latest_version));
    return file.version < latest_version;
}

/// Checks the file in a read transaction, which takes no write lock (the
/// usual case: the schema is current). True when it needs migrating.
bool check_file(connection& conn, const std::string& path) {
    conn.exec("BEGIN");
    const file_identity file = read_identity(conn);
    conn.exec("COMMIT");  // a read transaction: nothing to wait for
    return needs_migration(file, path);
}

/// Brings the schema to `latest_version` in one write transaction.
void migrate(connection& conn, const std::string& path) {
    conn.exec("BEGIN IMMEDIATE");
    // Again, under the write lock: another process may have been first.
    const file_identity file = read_identity(conn);
    if (needs_migration(file, path)) {
        for (auto v = file.version; v < latest_version; ++v) conn.exec(std::string(migrations[static_cast<std::size_t>(v)]));
        // A schema edited in place (migration 5) is reloaded by other connections only for a new schema version.
        const std::int64_t schema_version = [&] {
            query version = conn.prepare("PRAGMA schema_version");
            return version.next() ? version.integer(0) : 0;
        }();
        conn.exec(fmt::format("PRAGMA schema_version = {}", schema_version + 1));
        // PRAGMA takes no parameters; both values are this build's constants.
        conn.exec(fmt::format("PRAGMA application_id = {}", sqlite_application_id));
        conn.exec(fmt::format("PRAGMA user_version = {}", latest_version));
    }
    commit(conn);
}

class sqlite_store final : public store {
public:
    sqlite_store(std::string path, const sqlite_options& options)
        : path_(std::move(path)),
          options_(options),
          private_db_(path_.empty() || path_ == ":memory:"),
          max_open_(private_db_ ? 1 : std::numeric_limits<int>::max()),
          max_idle_(private_db_ ? 1 : std::max(1, options.max_idle_connections)) {
        // One deadline for the whole of opening: another process may be creating the file.
        auto first = std::make_unique<connection>(path_, options_, deadline_after(options_.busy_timeout));
        connection& conn = *first;
        const bool outdated = retry_while_busy(conn, options_.busy_timeout, [&] { return check_file(conn, path_); });
        if (!private_db_) {
            // Persistent, written to the file header: only after the file passed check_file.
            // SQLite may report busy at once here (without its busy handler), so retry.
            retry_while_busy(conn, options_.busy_timeout, [&] { conn.prepare("PRAGMA journal_mode = WAL").run(); });
        }
        if (outdated) retry_while_busy(conn, options_.busy_timeout, [&] { migrate(conn, path_); });
        idle_.push_back(std::move(first));
        open_ = 1;
    }

    void run(access mode, std::span<const std::string> /*locks: BEGIN IMMEDIATE serialises all writers*/,
             const std::function<void(transaction& tx)>& work) override {
        const steady::time_point deadline = deadline_after(options_.busy_timeout);
        // This process's writers queue here, asleep, instead of polling the
        // file's lock: the lock then passes from one to the next the moment a
        // commit ends (other processes still meet the busy handler).
        if (mode == access::write && writing_thread_.load() == std::this_thread::get_id())
            storage_failure("sqlite: a write transaction inside another one of the same thread (store::run called "
                            "from inside work) would wait for itself");
        std::unique_lock<std::timed_mutex> turn(writer_turn_, std::defer_lock);
        if (mode == access::write && !turn.try_lock_until(deadline))
            storage_failure(fmt::format("sqlite: another writer of this process held the database for {} ms "
                                        "(sqlite_options::busy_timeout)",
                                        options_.busy_timeout.count()));
        // Which thread holds the turn, until it gives it back (destroyed before `turn`).
        struct turn_holder {
            std::atomic<std::thread::id>* owner;
            ~turn_holder() {
                if (owner != nullptr) owner->store(std::thread::id{});
            }
        };
        if (turn.owns_lock()) writing_thread_.store(std::this_thread::get_id());
        const turn_holder holder{turn.owns_lock() ? &writing_thread_ : nullptr};
        lease conn(*this, deadline);
        conn->wait_until(deadline);
        retry_while_busy(*conn, options_.busy_timeout, [&] {
            conn->exec(mode == access::write ? "BEGIN IMMEDIATE" : "BEGIN");
            sqlite_transaction tx(*conn, mode);
            detail::cached_catalog cached(tx, catalog_, [&] { return conn->scalar(sql(statement::catalog_version)); });
            work(cached);
            commit(*conn);
        });
    }

private:
    /// A connection borrowed from the pool for one `run`.
    class lease {
    public:
        lease(sqlite_store& owner, steady::time_point deadline) : owner_(owner), conn_(owner.acquire(deadline)) {}
        lease(const lease&) = delete;
        lease& operator=(const lease&) = delete;
        ~lease() { owner_.release(std::move(conn_)); }
        connection* operator->() const noexcept { return conn_.get(); }
        connection& operator*() const noexcept { return *conn_; }

    private:
        sqlite_store& owner_;
        std::unique_ptr<connection> conn_;
    };

    /// An idle connection, or a new one (which waits for a busy file until `deadline`).
    std::unique_ptr<connection> acquire(steady::time_point deadline) {
        std::unique_lock lock(mutex_);
        available_.wait(lock, [&] { return !idle_.empty() || open_ < max_open_; });
        if (!idle_.empty()) {
            auto conn = std::move(idle_.back());
            idle_.pop_back();
            return conn;
        }
        ++open_;
        lock.unlock();
        try {
            return std::make_unique<connection>(path_, options_, deadline);
        } catch (...) {
            lock.lock();
            --open_;
            available_.notify_one();
            throw;
        }
    }

    void release(std::unique_ptr<connection> conn) noexcept {
        std::unique_ptr<connection> surplus;  // closed outside the lock
        {
            const std::lock_guard lock(mutex_);
            if (conn->in_transaction() && !private_db_) {
                surplus = std::move(conn);  // a transaction we could not end: drop the connection
                --open_;
            } else if (static_cast<int>(idle_.size()) < max_idle_) {
                idle_.push_back(std::move(conn));
            } else {
                surplus = std::move(conn);
                --open_;
            }
        }
        available_.notify_one();
    }

    std::string path_;
    sqlite_options options_;
    bool private_db_;  // ":memory:" or "": one database per connection, so one connection
    int max_open_;
    int max_idle_;
    detail::catalog_cache catalog_;
    std::timed_mutex writer_turn_;  // held by this process's one write transaction at a time
    std::atomic<std::thread::id> writing_thread_{};  // the thread holding writer_turn_, if any
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<connection>> idle_;
    int open_ = 0;
};

}  // namespace

int sqlite_schema_version() noexcept { return latest_version; }

std::unique_ptr<store> open_sqlite_store(const std::string& path, const sqlite_options& options) {
    // sqlite3_open_v2 would read up to the NUL and open another file.
    if (path.find('\0') != std::string::npos) reject("path", "must not contain a NUL character");
    return std::make_unique<sqlite_store>(path, options);
}

std::unique_ptr<store> open_sqlite_store(const std::string& path) { return open_sqlite_store(path, sqlite_options{}); }

}  // namespace slotcraft
