// The SQLite store: records survive the file being closed and reopened,
// transactions are atomic, the file is identified and versioned, and the
// database constraints map to slotcraft errors.
#include "support.hpp"

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

location_record salon() { return {.id = "salon", .name = "Salon"}; }
location_record online() { return {.id = "online", .name = "Online"}; }

resource_record anna() {
    location_schedule at_salon;
    at_salon.location = "salon";
    at_salon.weekly.set(date::Monday, {range("09:00", "13:00"), range("14:00", "18:00")});
    at_salon.weekly.set(date::Friday, {range("22:00", "02:00")});
    at_salon.overrides[on(2026, 3, 4)] = {range("10:00", "12:00")};
    at_salon.overrides[on(2026, 3, 8)] = {};
    at_salon.breaks = {range("11:00", "11:15")};
    location_schedule at_home;
    at_home.location = "online";
    at_home.weekly.set(date::Sunday, {range("00:00", "24:00")});
    // "salon" < "online" is false: the order kept is the order put, not the id order.
    return {.id = "anna",
            .name = "Anna",
            .time_zone = "Europe/Berlin",
            .schedules = {at_salon, at_home},
            .time_off = {{at("2026-03-05T00:00:00Z"), at("2026-03-06T00:00:00Z")}}};
}

resource_record boris() { return {.id = "boris", .name = "Boris", .time_zone = "Asia/Kathmandu"}; }

service_record cut() {
    return {.rules = {.id = "cut",
                      .duration = minutes{30},
                      .step = minutes{15},
                      .align = alignment::free,
                      .buffer_before = minutes{5},
                      .buffer_after = minutes{10},
                      .min_notice = minutes{60},
                      .max_advance = minutes{43200},
                      .capacity = 2,
                      .max_per_day = 4},
            .name = "Haircut",
            .locations = {"salon", "online"}};
}

service_record yoga() { return {.rules = {.id = "yoga", .duration = minutes{60}}, .name = "Yoga"}; }

client_record ivan() {
    return {.id = "ivan", .name = "Ivan", .identities = {{messenger::vk, "id7"}, {messenger::telegram, "555"}}};
}

settings some_settings() {
    return {.reminder_offsets = {minutes{1440}, minutes{60}},
            .global_breaks = {range("13:00", "14:00")},
            .default_step = minutes{20}};
}

booking_record booking_at(std::string id, std::string_view start, std::string_view end) {
    return {.id = std::move(id),
            .resource = "anna",
            .service = "cut",
            .location = "salon",
            .client = "ivan",
            .time = {at(start), at(end)},
            .created_at = at("2026-03-01T08:00:00Z"),
            .updated_at = at("2026-03-01T08:00:00Z")};
}

booking_record held() {
    booking_record b = booking_at("b-held", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z");
    b.status = booking_status::held;
    b.expires = at("2026-03-01T08:10:00Z");
    b.hold_token = "tok-1";
    b.seats = 2;
    b.buffer_before = minutes{5};
    b.buffer_after = minutes{10};
    b.idempotency_key = "idem-1";
    b.series = "s-1";
    b.updated_at = at("2026-03-01T08:01:00Z");
    return b;
}

/// The catalog every booking test relies on.
void put_catalog(store& db) {
    db.write({}, [](transaction& tx) {
        tx.put_location(salon());
        tx.put_location(online());
        tx.put_resource(anna());
        tx.put_resource(boris());
        tx.put_service(cut());
        tx.put_service(yoga());
        tx.put_client(ivan());
    });
}

void write(store& db, const std::function<void(transaction&)>& work) { db.run(access::write, {}, work); }
void read(store& db, const std::function<void(transaction&)>& work) { db.run(access::read, {}, work); }

std::vector<std::string> ids_of(const std::vector<booking_record>& bookings) {
    std::vector<std::string> out;
    for (const auto& b : bookings) out.push_back(b.id);
    return out;
}

}  // namespace

TEST_CASE("every record put is read back equal, also after the file is reopened") {
    temp_db file;
    const auto check_all = [](store& db) {
        read(db, [](transaction& tx) {
            CHECK(tx.location("salon") == salon());
            CHECK(tx.locations() == std::vector{online(), salon()});
            CHECK(tx.resource("anna") == anna());
            CHECK(tx.resources() == std::vector{anna(), boris()});
            CHECK(tx.service("cut") == cut());
            CHECK(tx.services() == std::vector{cut(), yoga()});
            CHECK(tx.providers("cut") == std::vector<std::string>{"anna", "boris"});
            CHECK(tx.services_of("anna") == std::vector<std::string>{"cut", "yoga"});
            CHECK(tx.client("ivan") == ivan());
            CHECK(tx.client_by_identity({messenger::telegram, "555"}) == ivan());
            CHECK(tx.load_settings() == some_settings());
            CHECK(tx.booking("b-held") == held());
            CHECK(tx.booking_by_idempotency_key("idem-1") == held());
            CHECK(tx.booking_by_hold_token("tok-1") == held());
            CHECK(tx.bookings_of_client("ivan") == std::vector{held()});
            CHECK(tx.reminded("b-held", minutes{60}));
            const auto log = tx.audit_log(0, 10);
            REQUIRE(log.size() == 1);
            CHECK(log[0].after == R"({"id": "b-held"})");
            CHECK(log[0].at == at("2026-03-01T08:00:00Z"));
        });
    };
    {
        const auto db = open_fast(file.path());
        put_catalog(*db);
        write(*db, [](transaction& tx) {
            tx.link("anna", "cut");
            tx.link("anna", "yoga");
            tx.link("boris", "cut");
            tx.save_settings(some_settings());
            tx.insert_booking(held());
            CHECK(tx.mark_reminded("b-held", minutes{60}));
            (void)tx.append_audit({.at = at("2026-03-01T08:00:00Z"), .actor = "bot", .action = "hold",
                                   .subject = "b-held", .after = R"({"id": "b-held"})"});
        });
        check_all(*db);
    }
    const auto reopened = open_fast(file.path());
    check_all(*reopened);
}

TEST_CASE("missing records read as empty and the defaults of settings") {
    temp_db file;
    const auto db = open_fast(file.path());
    read(*db, [](transaction& tx) {
        CHECK_FALSE(tx.location("nowhere").has_value());
        CHECK_FALSE(tx.resource("nobody").has_value());
        CHECK_FALSE(tx.service("nothing").has_value());
        CHECK_FALSE(tx.client("no one").has_value());
        CHECK_FALSE(tx.client_by_identity({messenger::vk, "x"}).has_value());
        CHECK_FALSE(tx.booking("b").has_value());
        CHECK_FALSE(tx.booking_by_idempotency_key("").has_value());
        CHECK(tx.load_settings() == settings{});
        CHECK(tx.audit_log(0, 100).empty());
    });
}

TEST_CASE("put replaces a record with the same id, schedules and identities included") {
    temp_db file;
    const auto db = open_fast(file.path());
    put_catalog(*db);
    resource_record changed = anna();
    changed.name = "Anna K.";
    changed.schedules.pop_back();
    changed.time_off.clear();
    client_record renamed = ivan();
    renamed.identities = {{messenger::whatsapp, "+49"}};
    service_record slower = cut();
    slower.rules.step.reset();
    slower.locations = {"online"};
    settings fewer = some_settings();
    fewer.default_step.reset();
    write(*db, [&](transaction& tx) {
        tx.put_resource(changed);
        tx.put_client(renamed);
        tx.put_service(slower);
        tx.save_settings(some_settings());
        tx.save_settings(fewer);
    });
    read(*db, [&](transaction& tx) {
        CHECK(tx.resource("anna") == changed);
        CHECK(tx.client("ivan") == renamed);
        CHECK_FALSE(tx.client_by_identity({messenger::telegram, "555"}).has_value());
        CHECK(tx.service("cut") == slower);
        CHECK(tx.load_settings() == fewer);
        CHECK(tx.resources().size() == 2);
    });
}

TEST_CASE("a transaction whose work throws writes nothing") {
    temp_db file;
    const auto db = open_fast(file.path());
    put_catalog(*db);
    CHECK_THROWS_AS(write(*db,
                          [](transaction& tx) {
                              tx.put_location({.id = "attic", .name = "Attic"});
                              tx.insert_booking(held());
                              tx.link("anna", "cut");
                              CHECK(tx.mark_reminded("b-held", minutes{5}));
                              (void)tx.append_audit({.action = "hold", .subject = "b-held"});
                              CHECK(tx.booking("b-held").has_value());  // visible inside
                              throw std::runtime_error("the engine refused");
                          }),
                    std::runtime_error);
    read(*db, [](transaction& tx) {
        CHECK_FALSE(tx.location("attic").has_value());
        CHECK_FALSE(tx.booking("b-held").has_value());
        CHECK(tx.providers("cut").empty());
        CHECK_FALSE(tx.reminded("b-held", minutes{5}));
        CHECK(tx.audit_log(0, 10).empty());
    });
    // The connection is usable afterwards.
    write(*db, [](transaction& tx) { tx.insert_booking(held()); });
    read(*db, [](transaction& tx) { CHECK(tx.booking("b-held").has_value()); });
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

TEST_CASE("a version 1 file is upgraded on open: its bookings are kept, unmarked, and can be marked; series rules can be kept") {
    temp_db file;
    const booking_record kept = booking_at("b-kept", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z");
    {
        const auto db = open_fast(file.path());
        put_catalog(*db);
        write(*db, [&](transaction& tx) { tx.insert_booking(kept); });
    }
    {
        // Versions 2 and 3 only added bookings.attendance and the table series:
        // without them the file is a version 1 file.
        raw_db raw(file.path());
        raw.exec("ALTER TABLE bookings DROP COLUMN attendance; DROP TABLE series; PRAGMA user_version = 1");
        REQUIRE(raw.texts("SELECT name FROM pragma_table_info('bookings') WHERE name = 'attendance'").empty());
    }
    const auto db = open_fast(file.path());
    {
        raw_db raw(file.path());
        CHECK(raw.scalar("PRAGMA user_version") == sqlite_schema_version());
        CHECK(raw.texts("SELECT attendance FROM bookings") == std::vector<std::string>{"unmarked"});
        CHECK(raw.scalar("SELECT count(*) FROM series") == 0);
    }
    read(*db, [&](transaction& tx) { CHECK(tx.booking("b-kept") == kept); });
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

TEST_CASE("mark_reminded is true for the first caller only, also across store objects") {
    temp_db file;
    const auto first = open_fast(file.path());
    const auto second = open_fast(file.path());
    put_catalog(*first);
    write(*first, [](transaction& tx) { tx.insert_booking(booking_at("b1", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z")); });
    bool won = false;
    write(*first, [&](transaction& tx) { won = tx.mark_reminded("b1", minutes{60}); });
    CHECK(won);
    write(*second, [&](transaction& tx) { won = tx.mark_reminded("b1", minutes{60}); });
    CHECK_FALSE(won);
    write(*first, [&](transaction& tx) { won = tx.mark_reminded("b1", minutes{1440}); });
    CHECK(won);  // another offset is another reminder
    read(*second, [](transaction& tx) {
        CHECK(tx.reminded("b1", minutes{60}));
        CHECK_FALSE(tx.reminded("b1", minutes{15}));
    });
    CHECK(category_of([&] { write(*first, [](transaction& tx) { (void)tx.mark_reminded("nope", minutes{60}); }); }) ==
          error_category::not_found);
}

TEST_CASE("many threads marking the same reminder: exactly one wins") {
    temp_db file;
    const auto db = open_fast(file.path());
    put_catalog(*db);
    write(*db, [](transaction& tx) { tx.insert_booking(booking_at("b1", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z")); });
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i)
        threads.emplace_back([&] {
            write(*db, [&](transaction& tx) {
                if (tx.mark_reminded("b1", minutes{60})) ++winners;
            });
        });
    for (auto& t : threads) t.join();
    CHECK(winners.load() == 1);
}

TEST_CASE("a reused idempotency key or hold token is a conflict and writes nothing") {
    temp_db file;
    const auto db = open_fast(file.path());
    put_catalog(*db);
    write(*db, [](transaction& tx) { tx.insert_booking(held()); });

    booking_record again = booking_at("b-2", "2026-03-03T10:00:00Z", "2026-03-03T10:30:00Z");
    again.idempotency_key = "idem-1";
    try {
        write(*db, [&](transaction& tx) { tx.insert_booking(again); });
        FAIL("a second booking with the same idempotency key was stored");
    } catch (const error& e) {
        CHECK(e.category() == error_category::conflict);
        CHECK(e.field() == "booking.idempotency_key");
    }
    again.idempotency_key.clear();
    again.hold_token = "tok-1";
    try {
        write(*db, [&](transaction& tx) { tx.insert_booking(again); });
        FAIL("a second booking with the same hold token was stored");
    } catch (const error& e) {
        CHECK(e.category() == error_category::conflict);
        CHECK(e.field() == "booking.hold_token");
    }
    // The same id twice is a conflict too; empty keys and tokens never collide.
    CHECK(category_of([&] { write(*db, [&](transaction& tx) { tx.insert_booking(held()); }); }) ==
          error_category::conflict);
    again.hold_token.clear();
    booking_record third = booking_at("b-3", "2026-03-04T10:00:00Z", "2026-03-04T10:30:00Z");
    write(*db, [&](transaction& tx) {
        tx.insert_booking(again);
        tx.insert_booking(third);
    });
    // An update that takes another booking's key is refused as well.
    third.idempotency_key = "idem-1";
    CHECK(category_of([&] { write(*db, [&](transaction& tx) { tx.update_booking(third); }); }) ==
          error_category::conflict);
    read(*db, [](transaction& tx) {
        CHECK(tx.booking_by_idempotency_key("idem-1")->id == "b-held");
        CHECK(tx.booking("b-3")->idempotency_key.empty());
        CHECK_FALSE(tx.booking_by_hold_token("").has_value());
    });
}

TEST_CASE("update_booking replaces the booking, and a missing id is not_found") {
    temp_db file;
    const auto db = open_fast(file.path());
    put_catalog(*db);
    write(*db, [](transaction& tx) { tx.insert_booking(held()); });
    booking_record confirmed = held();
    confirmed.status = booking_status::confirmed;
    confirmed.expires.reset();
    confirmed.hold_token.clear();
    confirmed.updated_at = at("2026-03-01T08:05:00Z");
    write(*db, [&](transaction& tx) { tx.update_booking(confirmed); });
    read(*db, [&](transaction& tx) {
        CHECK(tx.booking("b-held") == confirmed);
        CHECK_FALSE(tx.booking_by_hold_token("tok-1").has_value());
    });
    booking_record ghost = confirmed;
    ghost.id = "ghost";
    CHECK(category_of([&] { write(*db, [&](transaction& tx) { tx.update_booking(ghost); }); }) ==
          error_category::not_found);
}

TEST_CASE("references to records that do not exist are not_found and write nothing") {
    temp_db file;
    const auto db = open_fast(file.path());
    put_catalog(*db);
    booking_record stray = booking_at("b-x", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
    stray.resource = "nobody";
    CHECK(category_of([&] { write(*db, [&](transaction& tx) { tx.insert_booking(stray); }); }) ==
          error_category::not_found);
    CHECK(category_of([&] { write(*db, [](transaction& tx) { tx.link("anna", "massage"); }); }) ==
          error_category::not_found);
    resource_record elsewhere = boris();
    elsewhere.name = "Boris on the Moon";
    elsewhere.schedules.push_back({.location = "salon"});
    elsewhere.schedules.push_back({.location = "moon"});
    CHECK(category_of([&] { write(*db, [&](transaction& tx) { tx.put_resource(elsewhere); }); }) ==
          error_category::not_found);
    service_record far = yoga();
    far.name = "Moon yoga";
    far.locations = {"moon"};
    // A caller that swallows the refusal and commits still finds nothing half-written.
    write(*db, [&](transaction& tx) {
        CHECK_THROWS_AS(tx.put_resource(elsewhere), error);
        CHECK_THROWS_AS(tx.put_service(far), error);
    });
    read(*db, [](transaction& tx) {
        CHECK_FALSE(tx.booking("b-x").has_value());
        CHECK(tx.services_of("anna").empty());
        CHECK(tx.resource("boris") == boris());
        CHECK(tx.service("yoga") == yoga());
    });
}

TEST_CASE("an identity that belongs to another client is a conflict") {
    temp_db file;
    const auto db = open_fast(file.path());
    put_catalog(*db);
    const client_record impostor{.id = "olga", .name = "Olga", .identities = {{messenger::telegram, "555"}}};
    CHECK(category_of([&] { write(*db, [&](transaction& tx) { tx.put_client(impostor); }); }) ==
          error_category::conflict);
    client_record twice = ivan();
    twice.name = "Ivan the Twice";
    twice.identities.push_back(twice.identities.front());
    write(*db, [&](transaction& tx) {
        try {
            tx.put_client(twice);
            FAIL("an identity listed twice was accepted");
        } catch (const error& e) {
            CHECK(e.category() == error_category::invalid_argument);
            CHECK(e.field() == "client.identities[2]");
        }
    });
    read(*db, [](transaction& tx) {
        CHECK(tx.client("ivan") == ivan());
        CHECK_FALSE(tx.client("olga").has_value());
        CHECK(tx.client_by_identity({messenger::telegram, "555"})->id == "ivan");
    });
}

TEST_CASE("link is idempotent and unlink removes the link") {
    temp_db file;
    const auto db = open_fast(file.path());
    put_catalog(*db);
    write(*db, [](transaction& tx) {
        tx.link("boris", "cut");
        tx.link("boris", "cut");
        tx.link("anna", "cut");
    });
    read(*db, [](transaction& tx) { CHECK(tx.providers("cut") == std::vector<std::string>{"anna", "boris"}); });
    write(*db, [](transaction& tx) { tx.unlink("boris", "cut"); });
    read(*db, [](transaction& tx) {
        CHECK(tx.providers("cut") == std::vector<std::string>{"anna"});
        CHECK(tx.services_of("boris").empty());
    });
}

TEST_CASE("bookings_of_resource returns exactly the bookings whose padded interval overlaps the span") {
    temp_db file;
    const auto db = open_fast(file.path());
    put_catalog(*db);
    // The span: 12:00-13:00.
    const interval span{at("2026-03-02T12:00:00Z"), at("2026-03-02T13:00:00Z")};
    auto inside = booking_at("inside", "2026-03-02T12:15:00Z", "2026-03-02T12:45:00Z");
    auto across = booking_at("across", "2026-03-02T11:00:00Z", "2026-03-02T14:00:00Z");
    auto before_touching = booking_at("before-touching", "2026-03-02T11:00:00Z", "2026-03-02T12:00:00Z");
    auto after_touching = booking_at("after-touching", "2026-03-02T13:00:00Z", "2026-03-02T13:30:00Z");
    // Cores outside the span, padded intervals inside it.
    auto by_buffer_after = booking_at("by-buffer-after", "2026-03-02T11:00:00Z", "2026-03-02T11:55:00Z");
    by_buffer_after.buffer_after = minutes{10};
    auto by_buffer_before = booking_at("by-buffer-before", "2026-03-02T13:20:00Z", "2026-03-02T14:00:00Z");
    by_buffer_before.buffer_before = minutes{30};
    // Buffers that only reach the span's edges.
    auto buffer_touching = booking_at("buffer-touching", "2026-03-02T13:10:00Z", "2026-03-02T13:40:00Z");
    buffer_touching.buffer_before = minutes{10};
    buffer_touching.buffer_after = minutes{120};
    auto cancelled = booking_at("cancelled", "2026-03-02T12:30:00Z", "2026-03-02T12:40:00Z");
    cancelled.status = booking_status::cancelled;
    auto other_resource = booking_at("other-resource", "2026-03-02T12:00:00Z", "2026-03-02T13:00:00Z");
    other_resource.resource = "boris";
    auto next_day = booking_at("next-day", "2026-03-03T12:00:00Z", "2026-03-03T13:00:00Z");
    write(*db, [&](transaction& tx) {
        for (const auto& b : {inside, across, before_touching, after_touching, by_buffer_after, by_buffer_before,
                              buffer_touching, cancelled, other_resource, next_day})
            tx.insert_booking(b);
    });
    read(*db, [&](transaction& tx) {
        const auto found = tx.bookings_of_resource("anna", span);
        // By start: across/by-buffer-after both start at 11:00 (ties by id).
        CHECK(ids_of(found) ==
              std::vector<std::string>{"across", "by-buffer-after", "inside", "cancelled", "by-buffer-before"});
        CHECK(found[1] == by_buffer_after);
        CHECK(ids_of(tx.bookings_of_resource("boris", span)) == std::vector<std::string>{"other-resource"});
        CHECK(tx.bookings_of_resource("anna", {at("2026-03-05T00:00:00Z"), at("2026-03-06T00:00:00Z")}).empty());
    });
}

TEST_CASE("confirmed_starting_in lists confirmed bookings whose start is in the half-open span") {
    temp_db file;
    const auto db = open_fast(file.path());
    put_catalog(*db);
    auto at_start = booking_at("at-start", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
    auto at_end = booking_at("at-end", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z");
    auto earlier = booking_at("earlier", "2026-03-02T08:59:00Z", "2026-03-02T09:30:00Z");
    auto hold = held();
    hold.time = {at("2026-03-02T09:30:00Z"), at("2026-03-02T09:45:00Z")};
    auto cancelled = booking_at("cancelled", "2026-03-02T09:40:00Z", "2026-03-02T09:50:00Z");
    cancelled.status = booking_status::cancelled;
    auto middle = booking_at("middle", "2026-03-02T09:15:00Z", "2026-03-02T09:20:00Z");
    middle.resource = "boris";
    write(*db, [&](transaction& tx) {
        for (const auto& b : {at_start, at_end, earlier, hold, cancelled, middle}) tx.insert_booking(b);
    });
    read(*db, [](transaction& tx) {
        CHECK(ids_of(tx.confirmed_starting_in({at("2026-03-02T09:00:00Z"), at("2026-03-02T10:00:00Z")})) ==
              std::vector<std::string>{"at-start", "middle"});
    });
}

TEST_CASE("the audit log numbers entries in order and pages by sequence") {
    temp_db file;
    const auto db = open_fast(file.path());
    std::vector<std::int64_t> sequences;
    write(*db, [&](transaction& tx) {
        for (int i = 0; i < 5; ++i)
            sequences.push_back(tx.append_audit({.at = at("2026-03-01T08:00:00Z") + std::chrono::seconds{i},
                                                 .actor = "admin",
                                                 .action = "add_resource",
                                                 .subject = fmt::format("r{}", i),
                                                 .before = i == 0 ? "" : "{}",
                                                 .after = "{\"id\": 1}"}));
    });
    CHECK(std::is_sorted(sequences.begin(), sequences.end()));
    CHECK(std::adjacent_find(sequences.begin(), sequences.end()) == sequences.end());
    read(*db, [&](transaction& tx) {
        const auto page = tx.audit_log(sequences[1], 2);
        REQUIRE(page.size() == 2);
        CHECK(page[0].sequence == sequences[2]);
        CHECK(page[0].subject == "r2");
        CHECK(page[1].at == at("2026-03-01T08:00:03Z"));
        CHECK(page[1].before == "{}");
        CHECK(tx.audit_log(0, 100).front().before.empty());
        CHECK(tx.audit_log(sequences.back(), 100).empty());
        CHECK(tx.audit_log(0, 0).empty());
    });
}

TEST_CASE("a read transaction refuses to write") {
    temp_db file;
    const auto db = open_fast(file.path());
    CHECK(category_of([&] { read(*db, [](transaction& tx) { tx.put_location(salon()); }); }) ==
          error_category::storage);
    read(*db, [](transaction& tx) { CHECK_FALSE(tx.location("salon").has_value()); });
}

TEST_CASE("writers from many threads are serialised: a read-then-write never interleaves") {
    temp_db file;
    const auto db = open_fast(file.path());
    put_catalog(*db);
    // Each transaction numbers its booking after the bookings it sees; two
    // interleaved writers would pick the same id and collide.
    constexpr int threads_count = 4;
    constexpr int per_thread = 15;
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < threads_count; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < per_thread; ++i) {
                try {
                    write(*db, [&](transaction& tx) {
                        const auto seen = tx.bookings_of_client("ivan").size();
                        const instant start = at("2026-03-02T00:00:00Z") + std::chrono::hours{static_cast<long>(seen)};
                        booking_record b = booking_at(fmt::format("n{:03}", seen), "2026-03-02T00:00:00Z",
                                                      "2026-03-02T00:30:00Z");
                        b.time = {start, start + minutes{30}};
                        tx.insert_booking(b);
                    });
                } catch (const error&) {
                    ++failures;
                }
            }
        });
    for (auto& t : threads) t.join();
    CHECK(failures.load() == 0);
    read(*db, [&](transaction& tx) { CHECK(tx.bookings_of_client("ivan").size() == threads_count * per_thread); });
}

TEST_CASE("readers are not blocked by a writer of another process; a writer waits, then gives up") {
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

TEST_CASE("store::write and store::read return what the work returns") {
    temp_db file;
    const auto db = open_fast(file.path());
    const auto sequence = db->write({}, [](transaction& tx) { return tx.append_audit({.action = "x"}); });
    CHECK(sequence >= 1);
    CHECK(db->read([](transaction& tx) { return tx.audit_log(0, 10).size(); }) == 1);
}
