// What only the PostgreSQL store does: the database's own defences against
// double booking and over-selling, lapsed holds, schema versions, retries of
// deadlocks and races, advisory locks, connection errors. The behaviour every
// store shares is the scheduler conformance suite's and the store contract
// suite's (tests/storage/), both compiled into this program too.
#include "postgres_support.hpp"
#include "../../src/storage/postgres/statements.hpp"

#include <slotcraft/scheduler.hpp>
#include <slotcraft/storage/postgres_store.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace slotcraft {
namespace {

using namespace std::chrono_literals;
using test::scratch_schema;

const instant now = parse_instant("2030-01-01T00:00:00Z");
const instant monday_0900 = parse_instant("2030-01-07T08:00:00Z");  // 09:00 Berlin

/// A schema with a salon, Anna (open around the clock) and two services:
/// `cut` (30 min, buffers 5 before and 10 after) and `class` (60 min, 3 seats).
struct salon {
    scratch_schema schema;
    std::unique_ptr<store> db = open_postgres_store(schema.uri());
    scheduler s{*db};

    salon() {
        s.put_location({.id = "shop", .name = "Shop"});
        location_schedule always{.location = "shop"};
        for (unsigned day = 0; day < 7; ++day) always.weekly.set(date::weekday{day}, {local_range::parse("00:00", "24:00")});
        s.put_resource({.id = "anna", .name = "Anna", .time_zone = "Europe/Berlin", .schedules = {always}});
        s.put_service({.rules = {.id = "cut", .duration = 30min, .buffer_before = 5min, .buffer_after = 10min}, .name = "Cut"});
        s.put_service({.rules = {.id = "class", .duration = 60min, .capacity = 3}, .name = "Class"});
        s.link("anna", "cut");
        s.link("anna", "class");
    }

    /// A booking record as the scheduler would write it, for writes past it.
    static booking_record raw(std::string id, std::string service, instant start, minutes length, int seats = 1) {
        const bool cut = service == "cut";
        return {.id = std::move(id), .resource = "anna", .service = std::move(service), .location = "shop",
                .time = {start, start + length}, .seats = seats,
                .buffer_before = cut ? 5min : 0min, .buffer_after = cut ? 10min : 0min,
                .created_at = now, .updated_at = now};
    }

    std::int64_t count(const std::string& sql) {
        auto conn = schema.connect();
        pqxx::nontransaction tx(conn);
        return tx.exec1(sql)[0].as<std::int64_t>();
    }
};

std::pair<error_category, std::string> refusal(store& db, const std::function<void(transaction&)>& work) {
    try {
        db.write({}, work);
    } catch (const error& e) {
        return {e.category(), e.field()};
    }
    return {error_category::storage, "nothing raised"};
}

TEST_CASE("a URI holding a NUL is refused naming uri, before libpq reads only its first part") {
    try {
        (void)open_postgres_store(std::string("postgresql:///nowhere\0?host=/tmp", 32));
        FAIL("a URI with a NUL was accepted");
    } catch (const error& e) {
        CHECK(e.category() == error_category::invalid_argument);
        CHECK(e.field() == "uri");
    }
}

TEST_CASE("every statement of PostgreSQL's catalog, and its own, prepares against the latest schema") {
    scratch_schema schema;
    (void)open_postgres_store(schema.uri());  // creates the schema
    auto conn = schema.connect();
    std::vector<std::string_view> texts;
    for (const auto& entry : detail::postgres_sql::statements) texts.push_back(entry.sql);
    texts.insert(texts.end(), {detail::postgres_sql::take_lock, detail::postgres_sql::overlapping_booking,
                               detail::postgres_sql::lock_audit, detail::postgres_sql::insert_booking_audited,
                               detail::postgres_sql::update_booking_audited});
    for (std::size_t i = 0; i < texts.size(); ++i) {
        // libpqxx 6 sends a definition when it is first used, or now: the server then parses and plans it.
        const std::string name = fmt::format("check_{}", i);
        conn.prepare(name, std::string(texts[i]));
        CHECK_NOTHROW_MESSAGE(conn.prepare_now(name), std::string(texts[i]));
    }
}

TEST_CASE("the database refuses an overlapping booking written past the scheduler, as a conflict") {
    salon t;
    (void)t.s.book({.resource = "anna", .service = "cut", .start = monday_0900}, now);
    // 09:35 starts inside the first booking's 10-minute buffer after.
    const booking_record late = salon::raw("bk_raw", "cut", monday_0900 + 35min, 30min);
    CHECK(refusal(*t.db, [&](transaction& tx) { tx.insert_booking(late); }) ==
          std::pair{error_category::conflict, std::string("booking")});
    CHECK(t.count("SELECT count(*) FROM bookings") == 1);
    // Once the padded intervals only touch, the database accepts it.
    const booking_record touching = salon::raw("bk_touching", "cut", monday_0900 + 45min, 30min);
    t.db->write({}, [&](transaction& tx) { tx.insert_booking(touching); });
    CHECK(t.count("SELECT count(*) FROM bookings") == 2);
}

TEST_CASE("an update that moves a booking onto another is refused by the constraint and changes nothing") {
    salon t;
    const booking_record first = t.s.book({.resource = "anna", .service = "cut", .start = monday_0900}, now);
    const booking_record second = t.s.book({.resource = "anna", .service = "cut", .start = monday_0900 + 2h}, now);
    booking_record moved = second;
    moved.time = {monday_0900 + 15min, monday_0900 + 45min};
    CHECK(refusal(*t.db, [&](transaction& tx) { tx.update_booking(moved); }).first == error_category::conflict);
    CHECK(t.db->read([&](transaction& tx) { return tx.booking(second.id); }) == second);
    // A cancelled booking blocks nothing, in the database as in the engine.
    (void)t.s.cancel(first.id, "test", now);
    t.db->write({}, [&](transaction& tx) { tx.update_booking(moved); });
    CHECK(t.db->read([&](transaction& tx) { return tx.booking(second.id); })->time == moved.time);
}

TEST_CASE("the database never sells more seats of a group slot than its capacity") {
    salon t;
    const booking_record two = salon::raw("bk_two", "class", monday_0900, 60min, 2);
    booking_record another_two = salon::raw("bk_another_two", "class", monday_0900, 60min, 2);
    t.db->write({}, [&](transaction& tx) { tx.insert_booking(two); });
    CHECK(refusal(*t.db, [&](transaction& tx) { tx.insert_booking(another_two); }) ==
          std::pair{error_category::conflict, std::string("booking.seats")});
    CHECK(t.count("SELECT seats_taken FROM seat_counts") == 2);
    another_two.seats = 1;  // the last seat
    t.db->write({}, [&](transaction& tx) { tx.insert_booking(another_two); });
    CHECK(t.count("SELECT seats_taken FROM seat_counts") == 3);
    // Cancelling gives the seats back.
    booking_record cancelled = two;
    cancelled.status = booking_status::cancelled;
    t.db->write({}, [&](transaction& tx) { tx.update_booking(cancelled); });
    CHECK(t.count("SELECT seats_taken FROM seat_counts") == 1);
}

TEST_CASE("threads racing for the last seats through raw writes never over-sell") {
    salon t;
    std::atomic<int> sold{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&, i] {
            const booking_record b = salon::raw("bk_seat_" + std::to_string(i), "class", monday_0900, 60min);
            try {
                t.db->write({}, [&](transaction& tx) { tx.insert_booking(b); });  // no lock: only the database decides
                ++sold;
            } catch (const error& e) {
                if (e.category() == error_category::conflict) ++refused;
            }
        });
    for (auto& th : threads) th.join();
    CHECK(sold == 3);
    CHECK(refused == 5);
    CHECK(t.count("SELECT sum(seats) FROM bookings WHERE status <> 'cancelled'") == 3);
}

TEST_CASE("eight writers booking one client on eight resources at once pass its daily limit once") {
    // SPEC §11: one lesson a day per client. Each writer has its own connection, as separate processes would;
    // only the client's lock keeps them from each counting the client's bookings before the others commit.
    salon t;
    t.s.put_service({.rules = {.id = "lesson", .duration = 30min, .max_per_client_per_day = 1}, .name = "Lesson"});
    t.s.put_client({.id = "c1", .name = "Pupil"});
    location_schedule always{.location = "shop"};
    for (unsigned day = 0; day < 7; ++day) always.weekly.set(date::weekday{day}, {local_range::parse("00:00", "24:00")});
    constexpr int writers = 8;
    for (int i = 0; i < writers; ++i) {
        const std::string id = "teacher" + std::to_string(i);
        t.s.put_resource({.id = id, .name = id, .time_zone = "Europe/Berlin", .schedules = {always}});
        t.s.link(id, "lesson");
    }
    std::atomic<int> booked{0};
    std::atomic<int> limited{0};
    std::latch start_together(writers);
    std::vector<std::thread> threads;
    for (int i = 0; i < writers; ++i)
        threads.emplace_back([&, i] {
            const std::unique_ptr<store> own = open_postgres_store(t.schema.uri());
            scheduler s(*own);
            const booking_request request{.resource = "teacher" + std::to_string(i), .service = "lesson",
                                          .client = "c1", .start = monday_0900 + std::chrono::hours{i}};
            start_together.arrive_and_wait();
            try {
                (void)s.book(request, now);
                ++booked;
            } catch (const booking_refused& e) {
                if (e.reasons().size() == 1 && e.reasons().front().code == reason_code::client_limit) ++limited;
            }
        });
    for (auto& th : threads) th.join();
    CHECK(booked == 1);
    CHECK(limited == writers - 1);
    CHECK(t.count("SELECT count(*) FROM bookings WHERE client_id = 'c1' AND status <> 'cancelled'") == 1);
}

TEST_CASE("an expired hold stops blocking: a booking over it succeeds and the hold still reads as it was") {
    salon t;
    const booking_record hold = t.s.hold({.resource = "anna", .service = "cut", .start = monday_0900}, 10min, now);
    const instant later = now + 11min;
    const booking_record taken = t.s.book({.resource = "anna", .service = "cut", .start = monday_0900}, later);
    CHECK(taken.status == booking_status::confirmed);
    CHECK(t.db->read([&](transaction& tx) { return tx.booking(hold.id); }) == hold);
    CHECK(t.count("SELECT count(*) FROM bookings WHERE lapsed") == 1);
    try {
        (void)t.s.confirm(hold.hold_token, later);
        FAIL("an expired hold was confirmed");
    } catch (const error& e) {
        CHECK(e.category() == error_category::conflict);
    }
    // A live hold is active: the database refuses a booking over it.
    const booking_record live =
        t.s.hold({.resource = "anna", .service = "cut", .start = monday_0900 + 2h}, 10min, later);
    const booking_record over = salon::raw("bk_over", "cut", monday_0900 + 2h, 30min);
    CHECK(refusal(*t.db, [&](transaction& tx) { tx.insert_booking(over); }).first == error_category::conflict);
    CHECK(t.db->read([&](transaction& tx) { return tx.booking(live.id); })->status == booking_status::held);
}

TEST_CASE("the seats of an expired hold of a group slot go back: the last seats are sold over it, once") {
    salon t;
    (void)t.s.hold({.resource = "anna", .service = "class", .start = monday_0900, .seats = 2}, 10min, now);
    (void)t.s.book({.resource = "anna", .service = "class", .start = monday_0900}, now);
    const instant later = now + 11min;
    // The hold's two seats are counted until a booking over it lapses the hold, in the statement that inserts it.
    const booking_record two = t.s.book({.resource = "anna", .service = "class", .start = monday_0900, .seats = 2}, later);
    CHECK(two.seats == 2);
    CHECK(t.count("SELECT seats_taken FROM seat_counts") == 3);
    CHECK(t.count("SELECT count(*) FROM bookings WHERE lapsed") == 1);
    CHECK_THROWS_AS((void)t.s.book({.resource = "anna", .service = "class", .start = monday_0900}, later),
                    booking_refused);
    const booking_record over = salon::raw("bk_over", "class", monday_0900, 60min);
    CHECK(refusal(*t.db, [&](transaction& tx) { tx.insert_booking(over); }).first == error_category::conflict);
    CHECK(t.count("SELECT seats_taken FROM seat_counts") == 3);
}

TEST_CASE("a booking rescheduled onto an expired hold's time takes it, lapsing the hold in the statement that moves it") {
    salon t;
    const booking_record hold = t.s.hold({.resource = "anna", .service = "cut", .start = monday_0900}, 10min, now);
    const booking_record booked = t.s.book({.resource = "anna", .service = "cut", .start = monday_0900 + 2h}, now);
    const instant later = now + 11min;
    const booking_record moved = t.s.reschedule(booked.id, monday_0900, later);
    CHECK(moved.time.start == monday_0900);
    CHECK(t.db->read([&](transaction& tx) { return tx.booking(hold.id); }) == hold);
    CHECK(t.count("SELECT count(*) FROM bookings WHERE lapsed") == 1);
    // A replace onto a live hold, of a missing booking or naming an unknown service is refused, writing nothing.
    const booking_record live = t.s.hold({.resource = "anna", .service = "cut", .start = monday_0900 + 4h}, 10min, later);
    booking_record onto_live = moved;
    onto_live.time = {monday_0900 + 4h, monday_0900 + 4h + 30min};
    CHECK(refusal(*t.db, [&](transaction& tx) { tx.update_booking(onto_live); }).first == error_category::conflict);
    booking_record missing = moved;
    missing.id = "bk_missing";
    CHECK(refusal(*t.db, [&](transaction& tx) { tx.update_booking(missing); }) ==
          std::pair{error_category::not_found, std::string("booking")});
    booking_record unknown_service = moved;
    unknown_service.service = "nails";
    CHECK(refusal(*t.db, [&](transaction& tx) { tx.update_booking(unknown_service); }) ==
          std::pair{error_category::not_found, std::string("booking.service")});
    CHECK(t.db->read([&](transaction& tx) { return tx.booking(moved.id); }) == moved);
    CHECK(t.db->read([&](transaction& tx) { return tx.booking(live.id); })->status == booking_status::held);
}

TEST_CASE("a booking moved onto a group slot gets the seats of the slot's expired hold, in the statement that moves it") {
    salon t;
    (void)t.s.hold({.resource = "anna", .service = "class", .start = monday_0900, .seats = 2}, 10min, now);
    (void)t.s.book({.resource = "anna", .service = "class", .start = monday_0900}, now);
    const booking_record two =
        t.s.book({.resource = "anna", .service = "class", .start = monday_0900 + 2h, .seats = 2}, now);
    const instant later = now + 11min;
    const booking_record moved = t.s.reschedule(two.id, monday_0900, later);
    CHECK(moved.seats == 2);
    const std::string seats_at_nine = fmt::format(
        "SELECT seats_taken FROM seat_counts WHERE start_at = to_timestamp({})", monday_0900.time_since_epoch().count());
    CHECK(t.count(seats_at_nine) == 3);
    CHECK(t.count("SELECT count(*) FROM bookings WHERE lapsed") == 1);
    CHECK_THROWS_AS((void)t.s.book({.resource = "anna", .service = "class", .start = monday_0900}, later),
                    booking_refused);
    CHECK(t.count(seats_at_nine) == 3);
}

TEST_CASE("a database with a newer slotcraft schema is refused and left unchanged") {
    scratch_schema schema;
    { (void)open_postgres_store(schema.uri()); }
    {
        auto conn = schema.connect();
        pqxx::work tx(conn);
        CHECK(tx.exec1("SELECT version FROM slotcraft_schema")[0].as<int>() == postgres_schema_version());
        tx.exec0("UPDATE slotcraft_schema SET version = version + 1");
        tx.commit();
    }
    try {
        (void)open_postgres_store(schema.uri());
        FAIL("a newer schema was opened");
    } catch (const error& e) {
        CHECK(e.category() == error_category::storage);
        CHECK(std::string(e.what()).find("newer than this build") != std::string::npos);
    }
    auto conn = schema.connect();
    pqxx::nontransaction tx(conn);
    CHECK(tx.exec1("SELECT version FROM slotcraft_schema")[0].as<int>() == postgres_schema_version() + 1);
}

/// Takes away what version 9 added: the series' idempotency keys.
void back_to_version_8(pqxx::work& tx) {
    tx.exec0("DROP INDEX series_idempotency_key");
    tx.exec0("ALTER TABLE series DROP COLUMN idempotency_key");
}

/// Takes away what versions 6 to 9 added: the pool group columns and their
/// index (its seat trigger is written again by the migration), the waiting
/// list, the series' keys.
void back_to_version_5(pqxx::work& tx) {
    back_to_version_8(tx);
    tx.exec0("DROP TABLE waitlist");
    tx.exec0("DROP INDEX bookings_group");
    tx.exec0("ALTER TABLE bookings DROP COLUMN group_id, DROP COLUMN pool_id");
}

TEST_CASE("a version 8 database's series take the key their occurrences were booked with, one series per key") {
    salon t;
    recurring_request mondays{.first = {.resource = "anna", .service = "cut", .start = monday_0900},
                              .rrule = "FREQ=WEEKLY;COUNT=2"};
    mondays.first.idempotency_key = "mondays";
    const series_outcome first = t.s.book_recurring(mondays, now);
    recurring_request tuesdays{.first = {.resource = "anna", .service = "cut", .start = monday_0900 + 24h},
                               .rrule = "FREQ=WEEKLY;COUNT=2"};
    tuesdays.first.idempotency_key = "tuesdays";
    const series_outcome second = t.s.book_recurring(tuesdays, now);
    t.db.reset();
    {
        // Version 8 kept a series' key only in its occurrences' keys, `<key>@<start>`,
        // and let a second series with another rule take a key already used.
        auto conn = t.schema.connect();
        pqxx::work tx(conn);
        back_to_version_8(tx);
        tx.exec0("UPDATE bookings SET idempotency_key = replace(idempotency_key, 'tuesdays@', 'mondays@') "
                 "WHERE series = " + tx.quote(second.series));
        tx.exec0("UPDATE slotcraft_schema SET version = 8");
        tx.commit();
    }
    t.db = open_postgres_store(t.schema.uri());
    CHECK(t.count("SELECT version FROM slotcraft_schema") == postgres_schema_version());
    CHECK(t.count("SELECT count(*) FROM series WHERE idempotency_key = 'mondays'") == 1);
    CHECK(t.count("SELECT count(*) FROM series WHERE idempotency_key = ''") == 1);
    // The key stays with the series of the lower id, which a retry of its request finds.
    const std::string kept = std::min(first.series, second.series);
    CHECK(t.db->read([](transaction& tx) { return tx.series_by_idempotency_key("mondays"); })->id == kept);
    const auto refused_field = [](auto&& attempt) -> std::string {
        try {
            attempt();
        } catch (const error& e) {
            CHECK(e.category() == error_category::conflict);
            return e.field();
        }
        return "nothing raised";
    };
    scheduler again{*t.db};
    if (kept == first.series) CHECK(again.book_recurring(mondays, now).booked == first.booked);
    else CHECK(refused_field([&] { (void)again.book_recurring(mondays, now); }) == "idempotency_key");
    // Its key books no single booking.
    booking_request single{.resource = "anna", .service = "cut", .start = monday_0900 + 48h};
    single.idempotency_key = "mondays";
    CHECK(refused_field([&] { (void)again.book(single, now); }) == "idempotency_key");
}

TEST_CASE("a version 5 database gains pool groups and the waiting list: its bookings read with no group") {
    salon t;
    const booking_record kept = t.s.book({.resource = "anna", .service = "cut", .start = monday_0900}, now);
    t.db.reset();
    {
        auto conn = t.schema.connect();
        pqxx::work tx(conn);
        back_to_version_5(tx);
        tx.exec0("UPDATE slotcraft_schema SET version = 5");
        tx.commit();
    }
    t.db = open_postgres_store(t.schema.uri());
    CHECK(t.count("SELECT version FROM slotcraft_schema") == postgres_schema_version());
    CHECK(t.count("SELECT count(*) FROM bookings WHERE group_id = '' AND pool_id = ''") == 1);
    CHECK(t.count("SELECT count(*) FROM waitlist") == 0);
    const auto read_back = t.db->read([&](transaction& tx) { return tx.booking(kept.id); });
    REQUIRE(read_back.has_value());
    CHECK(*read_back == kept);
    CHECK(read_back->group.empty());
    CHECK(t.db->read([&](transaction& tx) { return tx.bookings_of_group(kept.id); }).empty());
}

TEST_CASE("a version 4 database gains the catalog version, and a catalog row changed by psql is read at once") {
    salon t;
    t.db.reset();
    {
        auto conn = t.schema.connect();
        pqxx::work tx(conn);
        back_to_version_5(tx);
        tx.exec0("DROP FUNCTION slotcraft_catalog_changed() CASCADE");
        tx.exec0("DROP TABLE catalog_version");
        tx.exec0("UPDATE slotcraft_schema SET version = 4");
        tx.commit();
    }
    t.db = open_postgres_store(t.schema.uri());
    CHECK(t.count("SELECT version FROM slotcraft_schema") == postgres_schema_version());
    scheduler s(*t.db);
    CHECK(s.resource("anna")->name == "Anna");
    CHECK(s.service("cut")->rules.duration == 30min);
    {
        // Written behind the store's back, as an operator with psql would.
        auto conn = t.schema.connect();
        pqxx::work tx(conn);
        tx.exec0("UPDATE resources SET name = 'Anna K.' WHERE id = 'anna'");
        tx.exec0("UPDATE services SET rules = jsonb_set(rules, '{duration}', '45') WHERE id = 'cut'");
        tx.commit();
    }
    CHECK(s.resource("anna")->name == "Anna K.");
    CHECK(s.service("cut")->rules.duration == 45min);
}

TEST_CASE("a version 1 database is upgraded on open: its bookings are kept, unmarked, and can be marked, and series rules can be kept") {
    salon t;
    const booking_record kept = t.s.book({.resource = "anna", .service = "cut", .start = monday_0900}, now);
    t.db.reset();
    {
        // Versions 2 to 5 only added bookings.attendance, the table series,
        // the archived flags and the catalog version: without them the schema is version 1.
        auto conn = t.schema.connect();
        pqxx::work tx(conn);
        back_to_version_5(tx);
        tx.exec0("ALTER TABLE bookings DROP COLUMN attendance");
        tx.exec0("DROP TABLE series");
        for (const char* table : {"locations", "resources", "services"})
            tx.exec0(std::string("ALTER TABLE ") + table + " DROP COLUMN archived");
        tx.exec0("DROP FUNCTION slotcraft_catalog_changed() CASCADE");  // and its triggers
        tx.exec0("DROP TABLE catalog_version");
        tx.exec0("UPDATE slotcraft_schema SET version = 1");
        tx.commit();
    }
    auto db = open_postgres_store(t.schema.uri());
    CHECK(t.count("SELECT version FROM slotcraft_schema") == postgres_schema_version());
    CHECK(t.count("SELECT count(*) FROM bookings WHERE attendance = 'unmarked'") == 1);
    CHECK(t.count("SELECT count(*) FROM series") == 0);
    scheduler s(*db);
    CHECK(s.booking(kept.id) == kept);
    CHECK_FALSE(s.resource("anna")->archived);  // version 4: nothing archived yet
    CHECK(s.locations().size() == db->read([](transaction& tx) { return tx.locations(); }).size());
    CHECK(s.mark_attendance(kept.id, attendance_status::attended, monday_0900 + 1h).attendance ==
          attendance_status::attended);
    CHECK(t.count("SELECT count(*) FROM bookings WHERE attendance = 'attended'") == 1);
    const series_record rule{.id = "sr_1", .resource = "anna", .rrule = "FREQ=WEEKLY;COUNT=3", .first_start = monday_0900,
                             .except_dates = {local_date{date::year{2030} / 1 / 14}}};
    db->write({}, [&](transaction& tx) { tx.put_series(rule); });
    CHECK(db->read([](transaction& tx) { return tx.series("sr_1"); }) == rule);
}

TEST_CASE("reopening a database keeps its data, and eight processes' worth of stores may create one at once") {
    scratch_schema schema;
    std::vector<std::thread> openers;
    std::atomic<int> opened{0};
    std::atomic<int> failed{0};
    for (int i = 0; i < 8; ++i)
        openers.emplace_back([&] {
            try {
                auto db = open_postgres_store(schema.uri());
                db->write({}, [](transaction& tx) { tx.put_location({.id = "shop", .name = "Shop"}); });
                ++opened;
            } catch (const std::exception& e) {
                ++failed;
                MESSAGE("opening failed: " << std::string(e.what()));
            }
        });
    for (auto& th : openers) th.join();
    CHECK(opened == 8);
    CHECK(failed == 0);
    auto again = open_postgres_store(schema.uri());
    CHECK(again->read([](transaction& tx) { return tx.locations(); }) ==
          std::vector<location_record>{{.id = "shop", .name = "Shop"}});
}

TEST_CASE("opening an empty database creates the extension btree_gist and the schema") {
    const std::string database = "slotcraft_fresh_" + std::to_string(::getpid());
    const auto admin = [](const std::string& sql) {
        pqxx::connection conn{test::postgres_test_uri()};
        pqxx::nontransaction tx(conn);
        tx.exec0(sql);
    };
    admin("CREATE DATABASE " + database);
    const std::string base = test::postgres_test_uri();
    const std::string uri = base + (base.find('?') == std::string::npos ? "?" : "&") + "dbname=" + database;
    {
        auto db = open_postgres_store(uri);
        db->write({}, [](transaction& tx) { tx.put_location({.id = "shop", .name = "Shop"}); });
        pqxx::connection conn{uri};
        pqxx::nontransaction tx(conn);
        CHECK(tx.exec1("SELECT count(*) FROM pg_extension WHERE extname = 'btree_gist'")[0].as<int>() == 1);
        CHECK(tx.exec1("SELECT version FROM slotcraft_schema")[0].as<int>() == postgres_schema_version());
    }
    admin("DROP DATABASE " + database + " WITH (FORCE)");
}

TEST_CASE("a server that cannot be reached is a storage error that does not show the password") {
    try {
        (void)open_postgres_store("postgresql://someone:s3cret-pw@127.0.0.1:1/nowhere?connect_timeout=2");
        FAIL("a store opened on port 1");
    } catch (const error& e) {
        CHECK(e.category() == error_category::storage);
        CHECK(std::string(e.what()).find("s3cret-pw") == std::string::npos);
        CHECK(std::string(e.what()).find("postgresql") != std::string::npos);
    }
    CHECK_THROWS_AS((void)open_postgres_store("postgresql://[broken"), error);
}

TEST_CASE("text and times PostgreSQL cannot hold are bad input naming the field, and nothing is written") {
    salon t;
    CHECK(refusal(*t.db, [](transaction& tx) { tx.put_location({.id = std::string("a\0b", 3), .name = "NUL"}); }) ==
          std::pair{error_category::invalid_argument, std::string("text")});
    CHECK(refusal(*t.db, [](transaction& tx) { tx.put_location({.id = "bad", .name = "\xff\xfe"}); }) ==
          std::pair{error_category::invalid_argument, std::string("text")});
    CHECK(t.count("SELECT count(*) FROM locations") == 1);
    const instant far = instant{std::chrono::seconds{std::int64_t{1} << 50}};  // tens of millions of years ahead
    const booking_record distant = salon::raw("bk_distant", "cut", far, 30min);
    CHECK(refusal(*t.db, [&](transaction& tx) { tx.insert_booking(distant); }) ==
          std::pair{error_category::invalid_argument, std::string("time")});
    CHECK(t.count("SELECT count(*) FROM bookings") == 0);
}

TEST_CASE("a deadlock between two writers is retried, and both commit") {
    salon t;
    const booking_record x = t.s.book({.resource = "anna", .service = "cut", .start = monday_0900}, now);
    const booking_record y = t.s.book({.resource = "anna", .service = "cut", .start = monday_0900 + 2h}, now);
    std::latch both_hold_one(2);
    std::atomic<int> runs{0};
    const auto writer = [&](const booking_record& first, const booking_record& second, const std::string& why) {
        bool first_attempt = true;
        t.db->write({}, [&](transaction& tx) {  // no advisory lock: the rows' locks meet
            ++runs;
            booking_record a = first;
            a.cancel_reason = why;
            tx.update_booking(a);
            if (first_attempt) {
                first_attempt = false;
                both_hold_one.arrive_and_wait();
            }
            booking_record b = second;
            b.cancel_reason = why;
            tx.update_booking(b);
        });
    };
    std::thread one([&] { writer(x, y, "one"); });
    std::thread two([&] { writer(y, x, "two"); });
    one.join();
    two.join();
    CHECK(runs == 3);  // PostgreSQL broke the cycle by failing one of them once
    const auto reasons = t.db->read([&](transaction& tx) {
        return std::pair{tx.booking(x.id)->cancel_reason, tx.booking(y.id)->cancel_reason};
    });
    CHECK(reasons.first == reasons.second);  // the retried writer ran whole, after the other
}

TEST_CASE("writers naming the same lock run one after the other, in any process") {
    salon t;
    auto other_process = open_postgres_store(t.schema.uri());  // its own pool, as another process has
    const std::string anna = "anna";
    std::latch first_inside(1);
    std::chrono::steady_clock::time_point first_done;
    std::chrono::steady_clock::time_point second_started;
    std::thread first([&] {
        t.db->write(std::span(&anna, 1), [&](transaction& tx) {
            (void)tx.resource("anna");
            first_inside.count_down();
            std::this_thread::sleep_for(300ms);
            first_done = std::chrono::steady_clock::now();
        });
    });
    first_inside.wait();
    other_process->write(std::span(&anna, 1),
                         [&](transaction&) { second_started = std::chrono::steady_clock::now(); });
    first.join();
    CHECK(second_started >= first_done);
}

TEST_CASE("a booking that waited for its resource's lock is checked against the settings committed meanwhile") {
    salon t;
    const booking_request asked{.resource = "anna", .service = "cut", .start = monday_0900};
    // This process has read Anna's settings: its catalog cache holds them.
    REQUIRE(t.s.check(asked, now).empty());
    // An operator (or another process's put_resource) holds Anna's lock and
    // gives her the day off; a booking of that day waits for the lock.
    auto conn = t.schema.connect();
    pqxx::work operator_tx(conn);
    operator_tx.exec_params(std::string(detail::postgres_sql::take_lock), "anna");
    operator_tx.exec0(R"(UPDATE resources SET time_off = '[{"start": "2030-01-07T00:00:00Z", "end": "2030-01-08T00:00:00Z"}]' WHERE id = 'anna')");
    std::optional<booking_refused> refused;
    std::thread booking([&] {
        try {
            (void)t.s.book(asked, now);
        } catch (const booking_refused& e) {
            refused = e;
        }
    });
    std::this_thread::sleep_for(300ms);  // the booking is waiting for Anna's lock
    operator_tx.commit();
    booking.join();
    REQUIRE(refused.has_value());
    REQUIRE_FALSE(refused->reasons().empty());
    CHECK(refused->reasons().front().code == reason_code::time_off);
    CHECK(t.count("SELECT count(*) FROM bookings") == 0);
}

TEST_CASE("audit writers do not take turns, and a reader waits for an entry numbered before the ones it sees") {
    salon t;
    std::latch first_appended(1);
    std::int64_t first = 0;
    std::chrono::steady_clock::time_point first_committing;
    std::thread slow([&] {
        t.db->write({}, [&](transaction& tx) {
            first = tx.append_audit({.action = "slow"});
            first_appended.count_down();
            std::this_thread::sleep_for(300ms);
            first_committing = std::chrono::steady_clock::now();
        });
    });
    first_appended.wait();
    const std::int64_t second = t.db->write({}, [](transaction& tx) { return tx.append_audit({.action = "quick"}); });
    const auto second_committed = std::chrono::steady_clock::now();
    // Numbered after the slow one, committed before it; a reader now must not see it alone.
    const auto page = t.db->read([&](transaction& tx) { return tx.audit_log(first - 1, 10); });
    const auto read_at = std::chrono::steady_clock::now();
    slow.join();
    CHECK(second > first);
    CHECK(second_committed < first_committing);
    REQUIRE(page.size() == 2);
    CHECK(page[0].sequence == first);
    CHECK(page[1].sequence == second);
    CHECK(read_at >= first_committing);
}

TEST_CASE("a reader paging the audit log while eight writers append sees every entry once, in order") {
    salon t;
    constexpr int writers = 8;
    constexpr int per_writer = 25;
    std::int64_t cursor = t.db->read([](transaction& tx) { return tx.audit_log(0, 1000).back().sequence; });  // the salon's
    std::vector<std::vector<std::int64_t>> appended(writers);
    std::atomic<int> running{writers};
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w)
        threads.emplace_back([&, w] {
            for (int i = 0; i < per_writer; ++i)
                appended[w].push_back(t.db->write({}, [&](transaction& tx) {
                    const std::int64_t seq = tx.append_audit({.action = "append", .subject = std::to_string(w)});
                    std::this_thread::sleep_for(std::chrono::microseconds{(w * 7 + i * 13) % 3000});
                    return seq;
                }));
            --running;
        });
    std::vector<std::int64_t> seen;
    for (bool drained = false; !drained;) {
        const bool last_round = running.load() == 0;  // read once more after the writers are done
        const auto page = t.db->read([&](transaction& tx) { return tx.audit_log(cursor, 40); });
        for (const audit_entry& e : page) {
            seen.push_back(e.sequence);
            cursor = e.sequence;
        }
        drained = last_round && page.empty();
    }
    for (auto& th : threads) th.join();
    std::vector<std::int64_t> all;
    for (const auto& one : appended) all.insert(all.end(), one.begin(), one.end());
    std::sort(all.begin(), all.end());
    CHECK(std::is_sorted(seen.begin(), seen.end()));
    CHECK(seen == all);
}

TEST_CASE("a write transaction reads its own audit entries, after what other writers committed") {
    salon t;
    const std::int64_t before = t.db->write({}, [](transaction& tx) { return tx.append_audit({.action = "theirs"}); });
    const auto log = t.db->write({}, [&](transaction& tx) {
        (void)tx.resource("anna");
        (void)tx.append_audit({.action = "mine"});
        return tx.audit_log(before - 1, 10);
    });
    REQUIRE(log.size() == 2);
    CHECK(log[0].action == "theirs");
    CHECK(log[1].action == "mine");
}

TEST_CASE("a streaming replica lists the slots the primary lists, and refuses the audit log, naming the primary") {
    const char* replica_uri = std::getenv("SLOTCRAFT_TEST_POSTGRES_REPLICA_URI");
    if (replica_uri == nullptr || *replica_uri == '\0') {
        if (std::getenv("SLOTCRAFT_REQUIRE_POSTGRES") != nullptr) FAIL("SLOTCRAFT_TEST_POSTGRES_REPLICA_URI is not set");
        return;  // no replica here (scripts/test starts one)
    }
    salon t;
    (void)t.s.book({.resource = "anna", .service = "cut", .start = monday_0900}, now);
    // Wait until the replica has replayed everything written so far.
    const std::string written = [&] {
        auto conn = t.schema.connect();
        pqxx::nontransaction tx(conn);
        return std::string(tx.exec1("SELECT pg_current_wal_lsn()::text")[0].c_str());
    }();
    const std::string on_replica = test::uri_with_schema(replica_uri, t.schema.name());
    {
        pqxx::connection conn(on_replica);
        pqxx::nontransaction tx(conn);
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        while (!tx.exec1("SELECT pg_last_wal_replay_lsn() >= " + tx.quote(written) + "::pg_lsn")[0].as<bool>()) {
            REQUIRE(std::chrono::steady_clock::now() < deadline);
            std::this_thread::sleep_for(20ms);
        }
    }
    const auto replica = open_postgres_store(on_replica);
    scheduler listings(*replica);
    const slot_request day{.service = "cut", .from = monday_0900 - 1h, .to = monday_0900 + 3h};
    const auto listed = listings.slots(day, now);
    CHECK_FALSE(listed.empty());
    CHECK(listed == t.s.slots(day, now));
    try {
        (void)listings.audit();
        FAIL("a replica read the audit log");
    } catch (const error& e) {
        CHECK(e.category() == error_category::storage);
        CHECK(std::string(e.what()).find("read on the primary") != std::string::npos);
    }
    CHECK_FALSE(t.s.audit().empty());
}

TEST_CASE("a client identity taken by a writer that commits meanwhile is retried, then refused with its owner") {
    salon t;
    std::latch first_wrote(1);
    std::thread first([&] {
        t.db->write({}, [&](transaction& tx) {
            tx.put_client({.id = "c1", .name = "One", .identities = {{messenger::telegram, "42"}}});
            first_wrote.count_down();
            std::this_thread::sleep_for(300ms);  // the second writer waits on the unique index meanwhile
        });
    });
    first_wrote.wait();
    try {
        t.db->write({}, [](transaction& tx) {
            tx.put_client({.id = "c2", .name = "Two", .identities = {{messenger::telegram, "42"}}});
        });
        FAIL("one identity was given to two clients");
    } catch (const error& e) {
        CHECK(e.category() == error_category::conflict);
        CHECK(e.field() == "client.identities[0]");
        CHECK(std::string(e.what()).find("belongs to client \"c1\"") != std::string::npos);  // seen on the retry
    }
    first.join();
    CHECK(t.count("SELECT count(*) FROM clients") == 1);
}

}  // namespace
}  // namespace slotcraft
