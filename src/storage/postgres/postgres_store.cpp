// The PostgreSQL store (see storage/postgres_store.hpp for the connection,
// locking, retry and constraint model).
#include <slotcraft/storage/postgres_store.hpp>

#include "../common/rows.hpp"
#include "../common/sql_transaction.hpp"
#include "../common/catalog_cache.hpp"
#include "../common/write_checks.hpp"
#include "statements.hpp"
#include "../../utf8.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>

namespace slotcraft {
namespace {

using detail::statement;
using detail::postgres_sql::sql;
using detail::seconds_of;
namespace postgres_sql = detail::postgres_sql;

// ---- schema -----------------------------------------------------------------

/// Migration `i` takes the schema from version `i` to `i + 1`: the files
/// src/storage/postgres/migrations/NNNN_*.sql, embedded at build time (see
/// CMakeLists.txt). Append only: never edit a file that has shipped. Ids
/// are `COLLATE "C"`: byte order, as the other stores sort them.
constexpr auto migrations = std::to_array<std::string_view>({
#include "postgres_migrations.inc"
});

constexpr int latest_version = static_cast<int>(migrations.size());

/// The SQLSTATE the seat trigger raises for an over-sold slot.
constexpr std::string_view oversold_sqlstate = "SC409";

// ---- errors -------------------------------------------------------------------

[[noreturn]] void storage_failure(const std::string& message) { throw error(error_category::storage, "", message); }

/// A failure after which the whole transaction is run again (serialisation
/// failure, deadlock, a connection lost before COMMIT).
class retry_error : public error {
public:
    explicit retry_error(const std::string& message) : error(error_category::storage, "", message) {}
};

/// A unique value taken by a writer that committed while this transaction
/// ran: once run again, the caller's own checks see the other record.
class race_conflict : public error {
public:
    race_conflict(std::string field, const std::string& message) : error(error_category::conflict, std::move(field), message) {}
};

/// The server's message without the trailing newline libpq adds.
std::string server_message(const std::exception& e) {
    std::string text = e.what();
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (const auto nl = text.find('\n'); nl != std::string::npos) text.resize(nl);
    return text;
}

/// The SQLSTATE of `e`, or what its class says when libpqxx left it empty.
/// (Serialisation failures and deadlocks are not `sql_error`s in libpqxx 6
/// but `transaction_rollback`s: callers catch those separately.)
std::string sqlstate_of(const pqxx::sql_error& e) {
    if (!e.sqlstate().empty()) return e.sqlstate();
    if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) return "23505";
    if (dynamic_cast<const pqxx::foreign_key_violation*>(&e) != nullptr) return "23503";
    if (dynamic_cast<const pqxx::check_violation*>(&e) != nullptr) return "23514";
    if (dynamic_cast<const pqxx::not_null_violation*>(&e) != nullptr) return "23502";
    return {};
}

/// Turns what libpqxx threw into slotcraft's errors.
[[noreturn]] void translate(const pqxx::sql_error& e) {
    const std::string state = sqlstate_of(e);
    const std::string message = "postgresql: " + server_message(e);
    if (state.starts_with("40")) throw retry_error(message);  // transaction rollback: run it again
    if (state == "23P01")
        throw error(error_category::conflict, "booking",
                    "the database refused a booking overlapping another active booking of its resource "
                    "(constraint bookings_no_overlap): " + server_message(e));
    if (state == oversold_sqlstate)
        throw error(error_category::conflict, "booking.seats", "the database refused to over-sell a group slot: " +
                                                                   server_message(e));
    if (state == "23505") throw error(error_category::conflict, "", message);
    if (state == "23503") throw error(error_category::not_found, "", message);
    if (state == "23514" || state == "23502" || state == "22P02") throw error(error_category::invalid_argument, "", message);
    if (state == "22008" || state == "22003")
        throw error(error_category::invalid_argument, "time", "a time or number PostgreSQL cannot store: " + message);
    if (state == "22021" || state == "22P05")
        throw error(error_category::invalid_argument, "text", "text that is not valid UTF-8 or holds a NUL: " + message);
    if (state == "55P03") storage_failure(message + " (waited longer than postgres_options::lock_timeout)");
    if (state == "25006")  // our own writes in a read transaction are refused before they are sent: a replica
        storage_failure(message + " (a read-only server, such as a replica: it takes no writes, and the audit log "
                                  "is read on the primary, where a reader can wait for the writers still appending)");
    storage_failure(message);
}

// ---- connections ----------------------------------------------------------------

using steady = std::chrono::steady_clock;

std::minstd_rand seeded_rng() {
    std::random_device entropy;
    std::seed_seq seq{entropy(), entropy(), static_cast<unsigned>(steady::now().time_since_epoch().count())};
    return std::minstd_rand(seq);
}

/// One connection with the names of the statements prepared on it.
struct connection {
    explicit connection(const std::string& uri, const postgres_options& options) : pq(uri), rng(seeded_rng()) {
        // Remembered by libpqxx and set again if it reconnects.
        pq.set_variable("lock_timeout", std::to_string(std::max<long long>(0, options.lock_timeout.count())));
    }

    /// The name of the prepared statement for `sql`, which must have static storage.
    const std::string& prepared(std::string_view sql) {
        auto [it, fresh] = statements.try_emplace(sql);
        if (fresh) {
            it->second = "slotcraft_" + std::to_string(statements.size());
            try {
                pq.prepare(it->second, std::string(sql));
            } catch (...) {
                statements.erase(it);
                throw;
            }
        }
        return it->second;
    }

    pqxx::connection pq;
    std::unordered_map<std::string_view, std::string> statements;
    std::minstd_rand rng;
};

// ---- the transaction ------------------------------------------------------------

/// A pqxx row as the readers of storage/common/rows.hpp read it.
struct pg_row {
    const pqxx::row& row;
    /// \throws error (storage) when the text is not UTF-8 (a SQL_ASCII
    /// database keeps any bytes someone wrote behind slotcraft's back).
    [[nodiscard]] std::string text(int column) const {
        std::string out = row[column].c_str();
        if (!detail::is_utf8(out))
            throw error(error_category::storage, "",
                        fmt::format("corrupt data in column {}: text that is not UTF-8", row[column].name()));
        return out;
    }
    [[nodiscard]] std::int64_t integer(int column) const { return row[column].as<std::int64_t>(); }
    [[nodiscard]] bool null(int column) const { return row[column].is_null(); }
    [[nodiscard]] bool flag(int column) const { return row[column].as<bool>(); }
};

/// A transaction on one connection: reads from detail::sql_transaction, writes
/// checking first what PostgreSQL would refuse (a failed statement aborts the
/// whole transaction).
class postgres_transaction final : public detail::sql_transaction<postgres_transaction> {
public:
    postgres_transaction(connection& conn, pqxx::transaction_base& tx, access mode)
        : sql_transaction(mode), conn_(conn), tx_(tx) {}

    /// Runs `s` with `args` as $1, $2, ...; `each(row)` for every row.
    template <class Each, class... Args>
    void each_row(statement s, Each&& each, const Args&... args) {
        for (const auto& row : exec(sql(s), args...)) each(pg_row{row});
    }
    /// `read(row)` of the first row of `s` with `args`, or nullopt when there is none.
    template <class Read, class... Args>
    auto first_row(statement s, Read&& read, const Args&... args) {
        const pqxx::result r = exec(sql(s), args...);
        using result = std::invoke_result_t<Read&, const pg_row&>;
        return r.empty() ? std::nullopt : std::optional<result>(read(pg_row{r[0]}));
    }
    /// Runs `s` with `args`; how many rows it changed.
    template <class... Args>
    std::int64_t run(statement s, const Args&... args) {
        return static_cast<std::int64_t>(exec(sql(s), args...).affected_rows());
    }
    /// Runs the insert `s` (RETURNING the number) with `args`; the number.
    template <class... Args>
    std::int64_t insert_numbered(statement s, const Args&... args) {
        return exec(sql(s), args...)[0][0].template as<std::int64_t>();
    }
    /// A writer of another connection committed the value meanwhile: run() retries the transaction.
    [[noreturn]] static void taken_meanwhile(std::string field, const std::string& message) {
        throw race_conflict(std::move(field), message);
    }

    /// The catalog's version (storage/common/catalog_cache.hpp), read once,
    /// after the transaction's locks: a version read while waiting for a
    /// lock would be older than the settings its holder commits meanwhile.
    std::int64_t catalog_version() {
        if (!version_) version_ = exec(sql(statement::catalog_version))[0][0].as<std::int64_t>();
        return *version_;
    }

    /// Set when a statement failed: PostgreSQL has aborted the transaction.
    [[nodiscard]] const std::optional<std::string>& failed() const noexcept { return failed_; }

    // ---- bookings ----
    void insert_booking(const booking_record& b) override {
        writing();
        refuse_unless_one(write_booking(sql(statement::insert_booking), b), b);
    }
    void insert_booking_audited(const booking_record& b, const audit_entry& e) override {
        writing();
        refuse_unless_one(write_booking(postgres_sql::insert_booking_audited, b, seconds_of(e.at), e.actor, e.action,
                                        e.subject, e.before, e.after),
                          b);
    }
    void update_booking(const booking_record& b) override {
        writing();
        refuse_unless_changed(write_booking(sql(statement::update_booking), b), b);
    }
    void update_booking_audited(const booking_record& b, const audit_entry& e) override {
        writing();
        refuse_unless_changed(write_booking(postgres_sql::update_booking_audited, b, seconds_of(e.at), e.actor,
                                            e.action, e.subject, e.before, e.after),
                              b);
    }

    /// The log once the writers still appending to it have ended
    /// (postgres_sql::lock_audit): writers do not take turns, so without the
    /// wait a reader could see an entry and later miss one numbered below it.
    /// A read transaction's snapshot is its first statement's: when that is
    /// taken already, the log is read as that snapshot has it.
    std::vector<audit_entry> audit_log(std::int64_t after, std::size_t limit) override {
        if (!audit_settled_ && (mode() == access::write || !ran_statement_)) {
            (void)exec(postgres_sql::lock_audit);
            audit_settled_ = true;
        }
        return sql_transaction::audit_log(after, limit);
    }

    /// Takes the advisory lock of each name, in order. A name is taken before
    /// the ids in it are checked, and PostgreSQL takes no text that is not
    /// UTF-8 or holds a NUL: such a name is sent as its bytes in hex, so that
    /// the write goes on to refuse the id, naming its field.
    void lock(std::span<const std::string> names) {
        for (const std::string& name : names) {
            if (detail::is_utf8(name) && name.find('\0') == std::string::npos) {
                (void)exec(postgres_sql::take_lock, name);
                continue;
            }
            std::string bytes = "bytes ";
            for (const unsigned char c : name) fmt::format_to(std::back_inserter(bytes), "{:02x}", c);
            (void)exec(postgres_sql::take_lock, bytes);
        }
    }

    /// Runs the statement `sql` (static storage) with `args` as $1, $2, ...;
    /// what the server refuses becomes an `error`.
    template <class... Args>
    pqxx::result exec(std::string_view sql, const Args&... args) {
        if (failed_) storage_failure("postgresql: the transaction was aborted by an earlier failed statement (" +
                                     *failed_ + ")");
        ran_statement_ = true;
        try {
            return tx_.exec_prepared(conn_.prepared(sql), param(args)...);
        } catch (const pqxx::sql_error& e) {
            failed_ = server_message(e);
            translate(e);
        } catch (const pqxx::transaction_rollback& e) {  // serialisation failure, deadlock
            failed_ = server_message(e);
            throw retry_error("postgresql: " + server_message(e));
        } catch (const pqxx::in_doubt_error& e) {
            failed_ = server_message(e);
            storage_failure("postgresql: " + server_message(e));
        } catch (const pqxx::broken_connection& e) {
            failed_ = server_message(e);
            throw retry_error("postgresql: the connection broke: " + server_message(e));
        } catch (const pqxx::failure& e) {
            failed_ = server_message(e);
            storage_failure("postgresql: " + server_message(e));
        }
    }

private:
    static std::string param(const std::string& text) { return param(std::string_view(text)); }
    static std::string param(std::string_view text) {
        if (text.find('\0') != std::string_view::npos) reject("text", "a text holds a NUL character");
        return std::string(text);
    }
    static std::int64_t param(std::int64_t number) { return number; }
    static bool param(bool flag) { return flag; }
    static std::string param(const char* text) = delete;  // would be taken for a bool
    /// A nullable bigint: libpqxx sends a null `const char*` as NULL.
    static const char* param(const std::optional<std::string>& text) { return text ? text->c_str() : nullptr; }

    /// Runs `sql` with b's columns as $1..$21 and `more` after them.
    template <class... More>
    pqxx::result write_booking(std::string_view sql, const booking_record& b, const More&... more) {
        const std::optional<std::string> expires =
            b.expires ? std::optional<std::string>(std::to_string(seconds_of(*b.expires))) : std::nullopt;
        return exec(sql, b.id, b.resource, b.service, b.location, b.client, seconds_of(b.time.start),
                    seconds_of(b.time.end), std::int64_t{b.seats}, std::string(to_string(b.status)), expires,
                    b.hold_token, b.buffer_before.count(), b.buffer_after.count(), b.idempotency_key, b.series,
                    b.cancel_reason, seconds_of(b.created_at), seconds_of(b.updated_at),
                    std::string(to_string(b.attendance)), b.group, b.pool, more...);
    }

    /// After a checked insert of `b` (statements.hpp), which inserts nothing
    /// where a check refuses: says what refused it, in the order every store
    /// uses; else the overlap constraint stood in the way.
    void refuse_unless_one(const pqxx::result& written, const booking_record& b) {
        if (written.affected_rows() == 1) return;
        refuse_booking_write(b, true);
        throw error(error_category::conflict, "booking", overlap_message(b));
    }

    /// After a checked replace of `b` (statements.hpp): says what refused it,
    /// as refuse_unless_one does for an insert.
    void refuse_unless_changed(const pqxx::result& written, const booking_record& b) {
        if (written.affected_rows() == 1) return;
        refuse_booking_write(b, false);
        // The facts are read after the update, so they see at least what it saw.
        throw race_conflict("booking", fmt::format("booking \"{}\" changed while it was written", b.id));
    }

    /// Throws what refuses writing `b` (detail::refuse_booking_write), from
    /// what one query finds. An idempotency key taken under an insert is a
    /// race_conflict: the caller's own lookup did not see it, so a writer has
    /// just committed it, and run() runs the caller again to find it.
    void refuse_booking_write(const booking_record& b, bool inserting) {
        const pqxx::result r =
            exec(sql(statement::booking_write_facts), b.id, b.resource, b.service, b.idempotency_key, b.hold_token);
        const detail::booking_write_facts facts = detail::booking_write_facts_from_row(pg_row{r[0]});
        try {
            detail::refuse_booking_write(b, inserting, facts);
        } catch (const error& e) {
            if (inserting && e.field() == "booking.idempotency_key") throw race_conflict(e.field(), e.message());
            throw;
        }
    }

    std::string overlap_message(const booking_record& b) {
        const interval padded = b.padded();
        const pqxx::result r =
            exec(postgres_sql::overlapping_booking, b.resource, seconds_of(padded.start), seconds_of(padded.end), b.id);
        return fmt::format("the database refused booking \"{}\": it overlaps {} of resource \"{}\" "
                           "(constraint bookings_no_overlap)",
                           b.id, r.empty() ? std::string("another active booking") : "booking \"" + std::string(r[0][0].c_str()) + "\"",
                           b.resource);
    }

    connection& conn_;
    pqxx::transaction_base& tx_;
    std::optional<std::string> failed_;
    std::optional<std::int64_t> version_;  // the catalog's, once read
    bool ran_statement_ = false;  // a read's snapshot is taken
    bool audit_settled_ = false;  // lock_audit was taken
};

// ---- opening and migrating ----------------------------------------------------------

/// The schema version found in the connection's search path; 0 when there is none.
int read_version(pqxx::transaction_base& tx) {
    // pg_class through the statement's snapshot, not to_regclass(): the
    // catalog cache may not yet know a table another process just committed.
    if (!tx.exec1("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                  "ON n.oid = c.relnamespace WHERE c.relname = 'slotcraft_schema' AND n.nspname = current_schema())")[0]
             .as<bool>())
        return 0;
    const pqxx::result r = tx.exec("SELECT version FROM slotcraft_schema");
    if (r.size() != 1) storage_failure("postgresql: table slotcraft_schema does not hold exactly one row");
    return r[0][0].as<int>();
}

/// True when the schema must be created or migrated; refuses a newer one.
bool needs_migration(int version) {
    if (version > latest_version)
        storage_failure(fmt::format("postgresql: the database has slotcraft schema version {}, newer than this build "
                                    "knows ({}); open it with a newer slotcraft (nothing was changed)",
                                    version, latest_version));
    return version < latest_version;
}

void migrate(connection& conn) {
    pqxx::work tx(conn.pq);
    // One lock for the whole database: the extension is shared by every schema.
    tx.exec("SELECT pg_advisory_xact_lock(hashtextextended('slotcraft migrate', 0))");
    const int version = read_version(tx);  // again, under the lock: another process may have been first
    if (!needs_migration(version)) return;
    if (version == 0)
        tx.exec0("CREATE TABLE slotcraft_schema (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), "
                 "version integer NOT NULL)");
    for (int v = version; v < latest_version; ++v) tx.exec0(std::string(migrations[static_cast<std::size_t>(v)]));
    tx.exec0(fmt::format("INSERT INTO slotcraft_schema (version) VALUES ({0}) "
                         "ON CONFLICT (only_row) DO UPDATE SET version = {0}",
                         latest_version));
    tx.commit();
}

/// Runs `step` (opening work outside any store transaction), turning what
/// libpqxx throws into `error` (storage).
template <class Step>
auto opening(Step&& step) {
    try {
        return step();
    } catch (const error&) {
        throw;
    } catch (const pqxx::broken_connection& e) {
        storage_failure("postgresql: cannot connect: " + server_message(e));
    } catch (const std::exception& e) {
        storage_failure("postgresql: cannot open the store: " + server_message(e));
    }
}

// ---- the store ------------------------------------------------------------------

class postgres_store final : public store {
public:
    postgres_store(std::string uri, const postgres_options& options)
        : uri_(std::move(uri)), options_(options), max_idle_(std::max(1, options.max_idle_connections)) {
        auto first = opening([&] { return std::make_unique<connection>(uri_, options_); });
        opening([&] {
            bool outdated = false;
            {
                pqxx::read_transaction tx(first->pq);
                outdated = needs_migration(read_version(tx));
            }
            for (int attempt = 1; outdated; ++attempt) {
                try {
                    migrate(*first);
                    outdated = false;
                } catch (const pqxx::transaction_rollback&) {  // a deadlock with another opener
                    if (attempt >= options_.max_attempts) throw;
                }
            }
        });
        idle_.push_back(std::move(first));
    }

    void run(access mode, std::span<const std::string> locks,
             const std::function<void(transaction& tx)>& work) override {
        std::vector<std::string> names(locks.begin(), locks.end());
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());

        const int attempts = std::max(1, options_.max_attempts);
        for (int attempt = 1;; ++attempt) {
            lease conn(*this);
            try {
                if (mode == access::write) {
                    pqxx::work tx(conn->pq);
                    once(*conn, tx, mode, names, catalog_, work);
                } else {
                    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(conn->pq);
                    once(*conn, tx, mode, names, catalog_, work);
                }
                return;
            } catch (const race_conflict& e) {
                // Once more is enough: the other writer has committed, and the
                // caller's checks now see its record.
                if (attempt >= std::min(2, attempts)) throw error(error_category::conflict, e.field(), e.what());
            } catch (const retry_error& e) {
                if (attempt >= attempts)
                    storage_failure(fmt::format("{} (given up after {} attempts)", e.what(), attempts));
            } catch (const pqxx::broken_connection& e) {  // at BEGIN, before anything was sent
                if (attempt >= attempts)
                    storage_failure(fmt::format("postgresql: the connection broke: {} (given up after {} attempts)",
                                                server_message(e), attempts));
            }
            pause_before_retry(*conn, attempt);
        }
    }

private:
    static void once(connection& conn, pqxx::transaction_base& tx, access mode, std::span<const std::string> locks,
                     detail::catalog_cache& catalog, const std::function<void(transaction& tx)>& work) {
        postgres_transaction t(conn, tx, mode);
        t.lock(locks);
        detail::cached_catalog cached(t, catalog, [&] { return t.catalog_version(); });
        work(cached);
        if (t.failed())
            storage_failure("postgresql: a statement of this transaction failed (" + *t.failed() +
                            "), so it was rolled back");
        try {
            tx.commit();
        } catch (const pqxx::in_doubt_error& e) {
            storage_failure("postgresql: the connection broke during COMMIT; whether it committed is unknown: " +
                            server_message(e));
        } catch (const pqxx::sql_error& e) {
            translate(e);
        } catch (const pqxx::transaction_rollback& e) {
            throw retry_error("postgresql: " + server_message(e));
        } catch (const pqxx::broken_connection& e) {
            storage_failure("postgresql: the connection broke during COMMIT; whether it committed is unknown: " +
                            server_message(e));
        }
    }

    static void pause_before_retry(connection& conn, int attempt) {
        const long ceiling_us = std::min<long>(50000, 500L << std::min(attempt, 7));
        std::uniform_int_distribution<long> jitter(ceiling_us / 4, ceiling_us);
        std::this_thread::sleep_for(std::chrono::microseconds{jitter(conn.rng)});
    }

    /// A connection borrowed from the pool for one attempt of a `run`.
    class lease {
    public:
        explicit lease(postgres_store& owner) : owner_(owner), conn_(owner.acquire()) {}
        lease(const lease&) = delete;
        lease& operator=(const lease&) = delete;
        ~lease() { owner_.release(std::move(conn_)); }
        connection* operator->() const noexcept { return conn_.get(); }
        connection& operator*() const noexcept { return *conn_; }

    private:
        postgres_store& owner_;
        std::unique_ptr<connection> conn_;
    };

    std::unique_ptr<connection> acquire() {
        {
            const std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                auto conn = std::move(idle_.back());
                idle_.pop_back();
                return conn;
            }
        }
        return opening([&] { return std::make_unique<connection>(uri_, options_); });
    }

    void release(std::unique_ptr<connection> conn) noexcept {
        std::unique_ptr<connection> surplus;  // closed outside the lock
        const std::lock_guard lock(mutex_);
        if (conn->pq.is_open() && static_cast<int>(idle_.size()) < max_idle_)
            idle_.push_back(std::move(conn));
        else
            surplus = std::move(conn);
    }

    std::string uri_;
    postgres_options options_;
    int max_idle_;
    detail::catalog_cache catalog_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<connection>> idle_;
};

}  // namespace

int postgres_schema_version() noexcept { return latest_version; }

std::unique_ptr<store> open_postgres_store(const std::string& uri, const postgres_options& options) {
    // libpq would read up to the NUL and connect elsewhere.
    if (uri.find('\0') != std::string::npos) reject("uri", "must not contain a NUL character");
    return std::make_unique<postgres_store>(uri, options);
}

std::unique_ptr<store> open_postgres_store(const std::string& uri) { return open_postgres_store(uri, postgres_options{}); }

}  // namespace slotcraft
