// What only the SQLite store does: records survive the file being closed and
// reopened, the file is identified and versioned (foreign, newer and older
// files), other processes' locks are waited for, and ":memory:" works on one
// private connection. The contract every store shares is
// tests/storage/store_contract_test.cpp's.
#include "support.hpp"
#include "../storage/sample_records.hpp"
#include "../../src/storage/sqlite/statements.hpp"

#include <slotcraft/storage/sqlite_store.hpp>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>

using namespace slotcraft;
using slotcraft::test::at;
using slotcraft::test::on;
using slotcraft::test::range;
using namespace slotcraft::test::samples;

namespace {

namespace fs = std::filesystem;

/// A database path in the temporary directory, removed (with its WAL files) afterwards.
class temp_db {
public:
    temp_db() {
        std::random_device seed;
        path_ = fs::temp_directory_path() / fmt::format("slotcraft-test-{:x}{:x}.db", seed(), seed());
    }
    temp_db(const temp_db&) = delete;
    temp_db& operator=(const temp_db&) = delete;
    ~temp_db() {
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path_.string() + suffix, ignored);
    }
    [[nodiscard]] std::string path() const { return path_.string(); }

private:
    fs::path path_;
};

/// A store that syncs lazily: the tests do not need power-loss durability.
std::unique_ptr<store> open_fast(const std::string& path) {
    sqlite_options options;
    options.synchronous = sqlite_sync::normal;
    return open_sqlite_store(path, options);
}

std::string bytes_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A raw connection for setting up and inspecting files behind the store's back.
class raw_db {
public:
    explicit raw_db(const std::string& path) { REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK); }
    raw_db(const raw_db&) = delete;
    raw_db& operator=(const raw_db&) = delete;
    ~raw_db() { sqlite3_close(db_); }

    void exec(const std::string& sql) {
        char* message = nullptr;
        const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
        const std::string text = message != nullptr ? message : "";
        sqlite3_free(message);
        REQUIRE_MESSAGE(rc == SQLITE_OK, sql << ": " << text);
    }
    /// SQLite's result code of running `sql` (which may fail).
    int result_of(const std::string& sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr); }
    std::int64_t scalar(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
        const std::int64_t value = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        return value;
    }
    std::vector<std::string> texts(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
        std::vector<std::string> out;
        while (sqlite3_step(stmt) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
        sqlite3_finalize(stmt);
        return out;
    }

private:
    sqlite3* db_ = nullptr;
};

/// The category of the error `action` throws; fails the test when it throws none.
template <class Action>
error_category category_of(Action&& action) {
    try {
        action();
    } catch (const error& e) {
        return e.category();
    }
    FAIL("no error was thrown");
    return error_category::storage;
}


}  // namespace

// The table check of the statement catalog (src/storage/common/statements.hpp).
namespace table_check {
using slotcraft::detail::statement;
using slotcraft::detail::statement_count;
using slotcraft::detail::statement_text;
/// A complete table in order, with entry `i` replaced by `replacement`.
consteval std::array<statement_text, statement_count> with_entry(std::size_t i, statement_text replacement) {
    std::array<statement_text, statement_count> out{};
    for (std::size_t k = 0; k < statement_count; ++k) out[k] = {static_cast<statement>(k), "SELECT 1"};
    out[i] = replacement;
    return out;
}
static_assert(slotcraft::detail::one_text_per_statement(with_entry(0, {statement::catalog_version, "SELECT 1"})));
static_assert(!slotcraft::detail::one_text_per_statement(with_entry(1, {statement::catalog_version, "SELECT 1"})),
              "a statement given twice (and another missing) is refused");
static_assert(!slotcraft::detail::one_text_per_statement(with_entry(3, {statement::location_exists, ""})),
              "an empty text is refused");
static_assert(!slotcraft::detail::one_text_per_statement(std::array<statement_text, 1>{{{statement::catalog_version, "x"}}}),
              "a short table is refused");
}  // namespace table_check

TEST_CASE("every statement of SQLite's catalog compiles against the latest schema") {
    temp_db file;
    (void)open_fast(file.path());  // creates the schema
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.path().c_str(), &db) == SQLITE_OK);
    for (const auto& [tag, sql] : detail::sqlite_sql::statements) {
        sqlite3_stmt* stmt = nullptr;
        const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
        CHECK_MESSAGE(rc == SQLITE_OK, "statement ", static_cast<int>(tag), ": ", sqlite3_errmsg(db), "\n  ", sql);
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
}

TEST_CASE("every record put survives the file being closed and reopened") {
    temp_db file;
    write_samples(*open_fast(file.path()));  // every connection closed afterwards
    const auto reopened = open_fast(file.path());
    read(*reopened, check_samples);
}

TEST_CASE("a value changed behind slotcraft's back to one it never writes is a storage error naming where it is") {
    struct corruption {
        const char* change;  // SQL run on the file behind the store's back
        std::function<void(transaction&)> read;
        const char* where;  // what the message names
    };
    const std::vector<corruption> cases{
        {"UPDATE resources SET time_off = '[{' WHERE id = 'anna'", [](transaction& tx) { (void)tx.resource("anna"); },
         "corrupt JSON in resources.time_off of \"anna\""},
        // JSON and then a NUL: nlohmann's reader stopped at the NUL and read `[]`.
        {"UPDATE resources SET time_off = CAST(X'5B5D007B' AS TEXT) WHERE id = 'anna'",
         [](transaction& tx) { (void)tx.resource("anna"); }, "corrupt JSON in resources.time_off of \"anna\""},
        {"UPDATE resources SET time_off = '{\"a\": 1}' WHERE id = 'anna'", [](transaction& tx) { (void)tx.resources(); },
         "corrupt data in resources.time_off of \"anna\""},
        {"UPDATE resource_schedules SET schedule = '7' WHERE resource_id = 'anna'",
         [](transaction& tx) { (void)tx.resources(); }, "resource_schedules.schedule of \"anna\""},
        {"UPDATE services SET service = 'null' WHERE id = 'cut'", [](transaction& tx) { (void)tx.service("cut"); },
         "the rules of service \"cut\""},
        {"UPDATE client_identities SET network = 'pigeon' WHERE client_id = 'ivan'",
         [](transaction& tx) { (void)tx.clients(); }, "client_identities of \"ivan\""},
        {"UPDATE settings SET value = 'nope' WHERE key = 'reminder_offsets'",
         [](transaction& tx) { (void)tx.load_settings(); }, "corrupt JSON in settings.reminder_offsets"},
        {"UPDATE settings SET value = '\"soon\"' WHERE key = 'reminder_offsets'",
         [](transaction& tx) { (void)tx.load_settings(); }, "corrupt data in settings"},
        {"UPDATE series SET except_dates = '[\"someday\"]' WHERE id = 's-1'",
         [](transaction& tx) { (void)tx.series("s-1"); }, "series.except_dates of \"s-1\""},
        {"UPDATE bookings SET status = 'maybe' WHERE id = 'b-held'",
         [](transaction& tx) { (void)tx.bookings_of_client("ivan"); }, "bookings.status of \"b-held\""},
        // Text that is not UTF-8 (a tampered file) was an "internal error" from the JSON writer.
        {"UPDATE clients SET name = CAST(X'FF41' AS TEXT) WHERE id = 'ivan'", [](transaction& tx) { (void)tx.clients(); },
         "corrupt data in clients.name of \"ivan\": text that is not UTF-8"},
        {"UPDATE resource_schedules SET location_id = CAST(X'C3' AS TEXT) "
         "WHERE resource_id = 'anna' AND location_id = (SELECT MIN(location_id) FROM resource_schedules)",
         [](transaction& tx) { (void)tx.resource("anna"); }, "resource_schedules.location_id of \"anna\""},
        {"UPDATE bookings SET client_id = CAST(X'E282' AS TEXT) WHERE id = 'b-held'",
         [](transaction& tx) { (void)tx.booking("b-held"); }, "bookings.client_id of \"b-held\""},
    };
    for (const corruption& c : cases) {
        CAPTURE(c.change);
        temp_db file;
        write_samples(*open_fast(file.path()));
        {
            raw_db raw(file.path());
            raw.exec("PRAGMA ignore_check_constraints = ON");  // as a hand-written change may
            raw.exec(c.change);
        }
        const auto db = open_fast(file.path());
        try {
            read(*db, c.read);
            FAIL("the read succeeded");
        } catch (const error& e) {
            CHECK(e.category() == error_category::storage);
            CHECK_MESSAGE(std::string_view(e.what()).find(c.where) != std::string_view::npos, e.what());
        }
    }
}

TEST_CASE("a new file is marked with slotcraft's application id and the current schema version") {
    temp_db file;
    { const auto db = open_fast(file.path()); }
    raw_db raw(file.path());
    CHECK(raw.scalar("PRAGMA application_id") == sqlite_application_id);
    CHECK(raw.scalar("PRAGMA user_version") == sqlite_schema_version());
    CHECK(sqlite_schema_version() >= 1);
    const auto tables = raw.texts("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    for (const char* table : {"audit", "bookings", "client_identities", "clients", "links", "locations", "reminders",
                              "resource_schedules", "resources", "service_locations", "services", "settings"})
        CHECK_MESSAGE(std::find(tables.begin(), tables.end(), table) != tables.end(), table);
    CHECK(raw.texts("PRAGMA journal_mode") == std::vector<std::string>{"wal"});
}

TEST_CASE("a SQLite file of another application is refused and left unchanged") {
    temp_db file;
    {
        raw_db raw(file.path());
        raw.exec("PRAGMA application_id = 42; CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
    }
    const std::string before = bytes_of(file.path());
    REQUIRE_FALSE(before.empty());
    try {
        (void)open_fast(file.path());
        FAIL("a foreign database was opened");
    } catch (const error& e) {
        CHECK(e.category() == error_category::storage);
        CHECK(std::string(e.what()).find("not a slotcraft database") != std::string::npos);
    }
    CHECK(bytes_of(file.path()) == before);
    raw_db raw(file.path());
    CHECK(raw.texts("SELECT name FROM sqlite_master") == std::vector<std::string>{"notes"});
    CHECK(raw.texts("PRAGMA journal_mode") == std::vector<std::string>{"delete"});
}

TEST_CASE("a SQLite file with tables but no application id is refused") {
    temp_db file;
    {
        raw_db raw(file.path());
        raw.exec("CREATE TABLE bookings (id TEXT)");
    }
    const std::string before = bytes_of(file.path());
    CHECK(category_of([&] { (void)open_fast(file.path()); }) == error_category::storage);
    CHECK(bytes_of(file.path()) == before);
}

TEST_CASE("a file that is not a database at all is refused as a storage error") {
    temp_db file;
    {
        std::ofstream out(file.path(), std::ios::binary);
        out << "this is a text file, certainly not SQLite, and long enough to have a header......................";
    }
    const std::string before = bytes_of(file.path());
    CHECK(category_of([&] { (void)open_fast(file.path()); }) == error_category::storage);
    CHECK(bytes_of(file.path()) == before);
}

TEST_CASE("a file with a schema newer than this build is refused and left unchanged") {
    temp_db file;
    {
        const auto db = open_fast(file.path());
        put_catalog(*db);
    }
    {
        raw_db raw(file.path());
        raw.exec(fmt::format("PRAGMA user_version = {}", sqlite_schema_version() + 1));
        raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    const std::string before = bytes_of(file.path());
    try {
        (void)open_fast(file.path());
        FAIL("a newer schema was opened");
    } catch (const error& e) {
        CHECK(e.category() == error_category::storage);
        CHECK(std::string(e.what()).find("newer") != std::string::npos);
    }
    CHECK(bytes_of(file.path()) == before);
    raw_db raw(file.path());
    CHECK(raw.scalar("PRAGMA user_version") == sqlite_schema_version() + 1);
}

/// Takes away what version 11 added: the series' idempotency keys.
void back_to_version_10(raw_db& raw) {
    raw.exec("DROP INDEX series_idempotency_key");
    raw.exec("ALTER TABLE series DROP COLUMN idempotency_key");
}

/// Takes away what versions 9 to 11 added: the pool group columns and their
/// index, the waiting list, the series' keys.
void back_to_version_8(raw_db& raw) {
    back_to_version_10(raw);
    raw.exec("DROP TABLE waitlist");
    raw.exec("DROP INDEX bookings_group");
    raw.exec("ALTER TABLE bookings DROP COLUMN group_id");
    raw.exec("ALTER TABLE bookings DROP COLUMN pool_id");
}

/// Takes a current file back to schema version 5: no catalog version, no
/// triggers (version 6), the index of version 1 that version 7 drops.
void back_to_version_5(raw_db& raw) {
    back_to_version_8(raw);
    for (const std::string& name : raw.texts("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        raw.exec("DROP TRIGGER " + name);
    raw.exec("DROP TABLE catalog_version");
    raw.exec("CREATE INDEX bookings_resource_start ON bookings (resource_id, start_s)");
}

TEST_CASE("a version 1 file is upgraded on open: its bookings are kept, unmarked, and can be marked, and series rules can be kept") {
    temp_db file;
    const booking_record kept = booking_at("b-kept", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z");
    {
        const auto db = open_fast(file.path());
        put_catalog(*db);
        write(*db, [&](transaction& tx) { tx.insert_booking(kept); });
    }
    {
        // Versions 2, 3 and 4 only added bookings.attendance, the table series
        // and the archived flags, version 5 rewrote CHECKs to equal ones:
        // without them (and without 6 and 7) the file is a version 1 file.
        raw_db raw(file.path());
        back_to_version_5(raw);
        raw.exec("ALTER TABLE bookings DROP COLUMN attendance; DROP TABLE series; "
                 "ALTER TABLE locations DROP COLUMN archived; ALTER TABLE resources DROP COLUMN archived; "
                 "ALTER TABLE services DROP COLUMN archived; PRAGMA user_version = 1");
        REQUIRE(raw.texts("SELECT name FROM pragma_table_info('bookings') WHERE name = 'attendance'").empty());
    }
    const auto db = open_fast(file.path());
    {
        raw_db raw(file.path());
        CHECK(raw.scalar("PRAGMA user_version") == sqlite_schema_version());
        CHECK(raw.texts("SELECT attendance FROM bookings") == std::vector<std::string>{"unmarked"});
        CHECK(raw.scalar("SELECT count(*) FROM series") == 0);
    }
    read(*db, [&](transaction& tx) {
        CHECK(tx.booking("b-kept") == kept);
        CHECK_FALSE(tx.location("online")->archived);  // version 4: nothing archived yet
        CHECK_FALSE(tx.resource("boris")->archived);
        CHECK_FALSE(tx.service("class")->archived);
    });
    booking_record marked = kept;
    marked.attendance = attendance_status::no_show;
    write(*db, [&](transaction& tx) { tx.update_booking(marked); });
    read(*db, [&](transaction& tx) { CHECK(tx.booking("b-kept")->attendance == attendance_status::no_show); });
    const series_record rule{.id = "sr_1", .resource = "anna", .rrule = "FREQ=WEEKLY;COUNT=3",
                             .first_start = at("2026-03-02T10:00:00Z"),
                             .except_dates = {local_date{date::year{2026} / 3 / 9}}};
    write(*db, [&](transaction& tx) { tx.put_series(rule); });
    read(*db, [&](transaction& tx) {
        CHECK(tx.series("sr_1") == rule);
        CHECK_FALSE(tx.series("sr_2").has_value());
    });
}

TEST_CASE("a version 4 file's CHECKs are rewritten without value lists, and still refuse what they refused") {
    temp_db file;
    const booking_record kept = booking_at("b-kept", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z");
    {
        const auto db = open_fast(file.path());
        put_catalog(*db);
        write(*db, [&](transaction& tx) { tx.insert_booking(kept); });
    }
    const auto checks = [&](raw_db& raw) {
        return raw.texts("SELECT sql FROM sqlite_master WHERE name IN ('bookings', 'client_identities') ORDER BY name");
    };
    {
        // Version 4 wrote the same CHECKs with IN lists.
        raw_db raw(file.path());
        back_to_version_5(raw);
        raw.exec("PRAGMA writable_schema = ON; "
                 "UPDATE sqlite_master SET sql = replace(replace(sql, "
                 "'status = ''confirmed'' OR status = ''held'' OR status = ''cancelled''', "
                 "'status IN (''confirmed'', ''held'', ''cancelled'')'), "
                 "'attendance = ''unmarked'' OR attendance = ''attended'' OR attendance = ''no_show''', "
                 "'attendance IN (''unmarked'', ''attended'', ''no_show'')') WHERE name = 'bookings'; "
                 "UPDATE sqlite_master SET sql = replace(sql, "
                 "'network = ''telegram'' OR network = ''whatsapp'' OR network = ''vk'' OR network = ''other''', "
                 "'network IN (''telegram'', ''whatsapp'', ''vk'', ''other'')') WHERE name = 'client_identities'; "
                 "PRAGMA writable_schema = RESET; PRAGMA user_version = 4");
        const auto old = checks(raw);
        REQUIRE(old.size() == 2);
        REQUIRE(old[0].find("status IN (") != std::string::npos);
        REQUIRE(old[0].find("attendance IN (") != std::string::npos);
        REQUIRE(old[1].find("network IN (") != std::string::npos);
    }
    raw_db before(file.path());  // a connection open across the migration
    CHECK(before.scalar("SELECT count(*) FROM bookings") == 1);
    const auto db = open_fast(file.path());
    raw_db raw(file.path());
    CHECK(raw.scalar("PRAGMA user_version") == sqlite_schema_version());
    CHECK(raw.texts("PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    for (const std::string& sql : checks(raw)) CHECK(sql.find(" IN (") == std::string::npos);
    read(*db, [&](transaction& tx) { CHECK(tx.booking("b-kept") == kept); });
    // The rewritten CHECKs refuse what the lists refused, on either connection.
    for (raw_db* conn : {&raw, &before}) {
        CHECK(conn->result_of("UPDATE bookings SET status = 'lost'") == SQLITE_CONSTRAINT);
        CHECK(conn->result_of("UPDATE bookings SET attendance = 'late'") == SQLITE_CONSTRAINT);
        CHECK(conn->result_of("INSERT INTO client_identities (network, external_id, client_id, position) "
                              "VALUES ('icq', '1', 'ivan', 9)") == SQLITE_CONSTRAINT);
        CHECK(conn->result_of("UPDATE bookings SET status = 'held'") == SQLITE_OK);  // a listed value passes
    }
    booking_record cancelled = kept;
    cancelled.status = booking_status::cancelled;  // from 'held', set just above
    write(*db, [&](transaction& tx) { tx.update_booking(cancelled); });
    read(*db, [&](transaction& tx) { CHECK(tx.booking("b-kept") == cancelled); });
}

TEST_CASE("a version 10 file's series take the key their occurrences were booked with, one series per key") {
    temp_db file;
    // Version 10 kept a series' key only in its occurrences' keys, `<key>@<start>`,
    // and let a second series with another rule take a key already used.
    const auto occurrence = [](std::string id, std::string series, std::string key, const char* start) {
        booking_record b = booking_at(std::move(id), start, start);
        b.time.end = b.time.start + minutes{30};
        b.series = std::move(series);
        b.idempotency_key = std::move(key);
        return b;
    };
    {
        const auto db = open_fast(file.path());
        put_catalog(*db);
        write(*db, [&](transaction& tx) {
            for (const char* id : {"sr_keyed", "sr_dup_a", "sr_dup_b", "sr_plain", "sr_none"})
                tx.put_series({.id = id, .resource = "anna", .rrule = "FREQ=WEEKLY;COUNT=2",
                               .first_start = at("2026-03-02T10:00:00Z")});
            tx.insert_booking(occurrence("b1", "sr_keyed", "mondays@2026-03-02T10:00:00Z", "2026-03-02T10:00:00Z"));
            tx.insert_booking(occurrence("b2", "sr_keyed", "mondays@2026-03-09T10:00:00Z", "2026-03-09T10:00:00Z"));
            tx.insert_booking(occurrence("b3", "sr_dup_a", "again@2026-03-03T10:00:00Z", "2026-03-03T10:00:00Z"));
            tx.insert_booking(occurrence("b4", "sr_dup_b", "again@2026-03-04T10:00:00Z", "2026-03-04T10:00:00Z"));
            tx.insert_booking(occurrence("b5", "sr_plain", "not-an-occurrence-key", "2026-03-05T10:00:00Z"));
            tx.insert_booking(occurrence("b6", "sr_none", "", "2026-03-06T10:00:00Z"));
        });
        raw_db raw(file.path());
        back_to_version_10(raw);
        raw.exec("PRAGMA user_version = 10");
    }
    const auto db = open_fast(file.path());
    raw_db raw(file.path());
    CHECK(raw.scalar("PRAGMA user_version") == sqlite_schema_version());
    read(*db, [](transaction& tx) {
        CHECK(tx.series_by_idempotency_key("mondays")->id == "sr_keyed");
        CHECK(tx.series_by_idempotency_key("again")->id == "sr_dup_a");
        CHECK(tx.series("sr_dup_b")->idempotency_key.empty());
        CHECK(tx.series("sr_plain")->idempotency_key.empty());
        CHECK(tx.series("sr_none")->idempotency_key.empty());
        CHECK_FALSE(tx.series_by_idempotency_key("not-an-occurrence-key").has_value());
    });
    // The index holds: a second series with the key is refused.
    CHECK(raw.result_of("UPDATE series SET idempotency_key = 'mondays' WHERE id = 'sr_plain'") == SQLITE_CONSTRAINT);
}

TEST_CASE("a version 5 file gains the catalog version and loses an index, and a catalog row changed by a sqlite3 shell is read at once") {
    temp_db file;
    {
        const auto db = open_fast(file.path());
        put_catalog(*db);
        raw_db raw(file.path());
        back_to_version_5(raw);
        raw.exec("PRAGMA user_version = 5");
    }
    const auto db = open_fast(file.path());
    raw_db raw(file.path());
    CHECK(raw.scalar("PRAGMA user_version") == sqlite_schema_version());
    CHECK(raw.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") == 21);
    CHECK(raw.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'bookings_resource_start'") == 0);
    read(*db, [](transaction& tx) { CHECK(tx.resource("anna") == anna()); });
    // Written behind the store's back, as an operator with the sqlite3 shell would.
    raw.exec("UPDATE resources SET name = 'Anna K.' WHERE id = 'anna'");
    raw.exec("DELETE FROM resource_schedules WHERE resource_id = 'anna' AND location_id = 'online'");
    raw.exec("INSERT OR REPLACE INTO settings (key, value) VALUES ('default_step', '15')");
    read(*db, [](transaction& tx) {
        const auto anna_now = tx.resource("anna");
        REQUIRE(anna_now.has_value());
        CHECK(anna_now->name == "Anna K.");
        CHECK(anna_now->schedules.size() == 1);
        CHECK(tx.load_settings().default_step == minutes{15});
    });
}

TEST_CASE("a version 7 file keeps its audit entries and their numbers, and numbers the next one after them without AUTOINCREMENT") {
    temp_db file;
    std::vector<audit_entry> before;
    {
        const auto db = open_fast(file.path());
        write(*db, [](transaction& tx) {
            for (int i = 0; i < 5; ++i)
                (void)tx.append_audit({.at = at("2026-03-01T08:00:00Z"), .actor = "bot", .action = "hold",
                                       .subject = fmt::format("b-{}", i), .before = "{}", .after = "{\"n\": 1}"});
        });
        raw_db raw(file.path());
        // Version 7's audit table, with AUTOINCREMENT, holding entries 1, 2, 4 and 5 (3 was written and
        // removed, as a rolled-back entry leaves a gap) and a sequence counter at 5.
        back_to_version_8(raw);
        raw.exec("DELETE FROM audit WHERE seq = 3");
        raw.exec("CREATE TABLE audit_v7 (seq INTEGER PRIMARY KEY AUTOINCREMENT, at_s INTEGER NOT NULL, actor TEXT NOT NULL, "
                 "action TEXT NOT NULL, subject TEXT NOT NULL, \"before\" TEXT NOT NULL, \"after\" TEXT NOT NULL)");
        raw.exec("INSERT INTO audit_v7 SELECT * FROM audit");
        raw.exec("DROP TABLE audit");
        raw.exec("ALTER TABLE audit_v7 RENAME TO audit");
        REQUIRE(raw.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'audit'") == 5);
        raw.exec("PRAGMA user_version = 7");
        before = db->read([](transaction& tx) { return tx.audit_log(0, 10); });
        REQUIRE(before.size() == 4);
    }
    const auto db = open_fast(file.path());
    raw_db raw(file.path());
    CHECK(raw.scalar("PRAGMA user_version") == sqlite_schema_version());
    CHECK(raw.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'audit' AND sql LIKE '%AUTOINCREMENT%'") == 0);
    CHECK(raw.scalar("SELECT count(*) FROM sqlite_sequence WHERE name = 'audit'") == 0);
    CHECK(db->read([](transaction& tx) { return tx.audit_log(0, 10); }) == before);
    const auto next = db->write({}, [](transaction& tx) { return tx.append_audit({.action = "book", .subject = "b-6"}); });
    CHECK(next == 6);
    CHECK(db->read([](transaction& tx) { return tx.audit_log(5, 10); }).front().subject == "b-6");
}

TEST_CASE("a version 8 file gains pool groups and the waiting list: its bookings read back with no group, and a group can be written") {
    temp_db file;
    const booking_record kept = booking_at("b-kept", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z");
    {
        const auto db = open_fast(file.path());
        put_catalog(*db);
        write(*db, [&](transaction& tx) { tx.insert_booking(kept); });
        raw_db raw(file.path());
        back_to_version_8(raw);
        raw.exec("PRAGMA user_version = 8");
        REQUIRE(raw.texts("SELECT name FROM pragma_table_info('bookings') WHERE name = 'group_id'").empty());
    }
    const auto db = open_fast(file.path());
    raw_db raw(file.path());
    CHECK(raw.scalar("PRAGMA user_version") == sqlite_schema_version());
    CHECK(raw.texts("PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    CHECK(raw.scalar("SELECT count(*) FROM waitlist") == 0);
    read(*db, [&](transaction& tx) {
        CHECK(tx.booking("b-kept") == kept);
        CHECK(tx.bookings_of_group("b-kept").empty());
    });
    booking_record room = booking_at("b-room", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z");
    room.group = "b-kept";
    room.pool = "room";
    write(*db, [&](transaction& tx) { tx.insert_booking(room); });
    read(*db, [&](transaction& tx) { CHECK(tx.bookings_of_group("b-kept") == std::vector<booking_record>{room}); });
}

TEST_CASE("a write started inside a write of the same thread is refused at once, and the store stays usable") {
    temp_db file;
    sqlite_options options;
    options.busy_timeout = std::chrono::milliseconds{20000};
    const auto db = open_sqlite_store(file.path(), options);
    put_catalog(*db);
    const auto start = std::chrono::steady_clock::now();
    CHECK(category_of([&] {
              write(*db, [&](transaction&) { write(*db, [](transaction& inner) { inner.put_location(online()); }); });
          }) == error_category::storage);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{10});  // not after busy_timeout
    // A read inside a write still works, and the turn was given back.
    write(*db, [&](transaction& tx) {
        tx.put_location(online());
        read(*db, [](transaction& other) { CHECK(other.location("salon").has_value()); });
    });
    read(*db, [](transaction& tx) { CHECK(tx.location("online").has_value()); });
}

TEST_CASE("readers are not blocked by a writer of another process, and a writer waits, then gives up") {
    temp_db file;
    sqlite_options options;
    options.synchronous = sqlite_sync::normal;
    options.busy_timeout = std::chrono::milliseconds{20};
    const auto db = open_sqlite_store(file.path(), options);
    put_catalog(*db);
    {
        raw_db other(file.path());
        other.exec("BEGIN IMMEDIATE; INSERT INTO locations (id, name) VALUES ('attic', 'Attic')");
        read(*db, [](transaction& tx) {
            CHECK(tx.location("salon").has_value());
            CHECK_FALSE(tx.location("attic").has_value());  // not committed yet
        });
        CHECK(category_of([&] { write(*db, [](transaction& tx) { tx.put_location(online()); }); }) ==
              error_category::storage);
        other.exec("COMMIT");
    }
    write(*db, [](transaction& tx) { tx.put_location({.id = "cellar", .name = "Cellar"}); });
    read(*db, [](transaction& tx) {
        CHECK(tx.location("attic").has_value());
        CHECK(tx.location("cellar").has_value());
    });
}

TEST_CASE("a writer waits for another process's write lock and goes ahead once it is released") {
    temp_db file;
    const auto db = open_fast(file.path());
    put_catalog(*db);
    raw_db other(file.path());
    other.exec("BEGIN IMMEDIATE; INSERT INTO locations (id, name) VALUES ('attic', 'Attic')");
    std::thread release([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds{150});
        other.exec("COMMIT");
    });
    write(*db, [](transaction& tx) { tx.put_location({.id = "cellar", .name = "Cellar"}); });
    release.join();
    read(*db, [](transaction& tx) {
        CHECK(tx.location("attic").has_value());
        CHECK(tx.location("cellar").has_value());
    });
}

TEST_CASE("opening a current file does not take the write lock") {
    temp_db file;
    {
        const auto db = open_fast(file.path());
        put_catalog(*db);
    }
    raw_db other(file.path());
    other.exec("BEGIN IMMEDIATE; INSERT INTO locations (id, name) VALUES ('attic', 'Attic')");
    sqlite_options options;
    options.synchronous = sqlite_sync::normal;
    options.busy_timeout = std::chrono::milliseconds{20};
    const auto db = open_sqlite_store(file.path(), options);  // another process is writing
    read(*db, [](transaction& tx) {
        CHECK(tx.location("salon").has_value());
        CHECK_FALSE(tx.location("attic").has_value());
    });
    other.exec("COMMIT");
    write(*db, [](transaction& tx) { tx.put_location({.id = "cellar", .name = "Cellar"}); });
}

TEST_CASE("an empty file is adopted as a new database") {
    temp_db file;
    { std::ofstream create(file.path(), std::ios::binary); }
    REQUIRE(bytes_of(file.path()).empty());
    {
        const auto db = open_fast(file.path());
        put_catalog(*db);
    }
    raw_db raw(file.path());
    CHECK(raw.scalar("PRAGMA application_id") == sqlite_application_id);
    CHECK(raw.scalar("PRAGMA user_version") == sqlite_schema_version());
    CHECK(raw.texts("PRAGMA journal_mode") == std::vector<std::string>{"wal"});
}

TEST_CASE("an in-memory store works on one private connection") {
    const auto db = open_sqlite_store(":memory:");
    put_catalog(*db);
    write(*db, [](transaction& tx) { tx.insert_booking(held()); });
    std::vector<std::thread> threads;
    std::atomic<int> found{0};
    for (int i = 0; i < 3; ++i)
        threads.emplace_back([&] {
            read(*db, [&](transaction& tx) {
                if (tx.booking("b-held") == held()) ++found;
            });
        });
    for (auto& t : threads) t.join();
    CHECK(found.load() == 3);
}
