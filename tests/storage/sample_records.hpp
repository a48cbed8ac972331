#pragma once
// The sample records the store tests write and read back: the contract suite
// on every store (store_contract_test.cpp) and the SQLite store's own tests
// (tests/unit/sqlite_store_test.cpp). Some are archived, some have every
// optional field set, so that a store that drops a field shows it.

#include <slotcraft/store.hpp>

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <string_view>

namespace slotcraft::test::samples {

inline instant sample_instant(std::string_view iso) { return parse_instant(iso, "test"); }
inline local_date sample_date(int y, unsigned m, unsigned d) {
    return local_date{date::year{y} / date::month{m} / date::day{d}};
}
inline local_range sample_range(std::string_view from, std::string_view to) { return local_range::parse(from, to); }

inline location_record salon() { return {.id = "salon", .name = "Salon"}; }
/// Archived, as are boris() and group_class(): stores keep the flag like any other field.
inline location_record online() { return {.id = "online", .name = "Online", .archived = true}; }

inline resource_record anna() {
    location_schedule at_salon;
    at_salon.location = "salon";
    at_salon.weekly.set(date::Monday, {sample_range("09:00", "13:00"), sample_range("14:00", "18:00")});
    at_salon.weekly.set(date::Friday, {sample_range("22:00", "02:00")});
    at_salon.overrides[sample_date(2026, 3, 4)] = {sample_range("10:00", "12:00")};
    at_salon.overrides[sample_date(2026, 3, 8)] = {};
    at_salon.breaks = {sample_range("11:00", "11:15")};
    location_schedule at_home;
    at_home.location = "online";
    at_home.weekly.set(date::Sunday, {sample_range("00:00", "24:00")});
    // "salon" < "online" is false: the order kept is the order put, not the id order.
    return {.id = "anna",
            .name = "Anna",
            .time_zone = "Europe/Berlin",
            .schedules = {at_salon, at_home},
            .time_off = {{sample_instant("2026-03-05T00:00:00Z"), sample_instant("2026-03-06T00:00:00Z")}}};
}

/// Works online in a two-week rotation (SPEC §9): Tuesday mornings in the
/// anchor's week, nothing the next.
inline resource_record boris() {
    weekly_hours tuesdays;
    tuesdays.set(date::Tuesday, {sample_range("08:00", "12:00")});
    location_schedule online{.location = "online",
                             .rotation = weekly_rotation{.anchor = sample_date(2026, 3, 4), .weeks = {tuesdays, {}}}};
    return {.id = "boris", .name = "Boris", .time_zone = "Asia/Kathmandu", .schedules = {online}, .archived = true};
}

/// Two seats per slot: held() takes both.
inline service_record cut() {
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
            .locations = {"salon", "online"},
            .assign = {.strategy = assign_strategy::weighted, .weights = {{"anna", 2}}, .priorities = {{"boris", 1}}},
            .pools = {{.id = "room", .resources = {"boris", "anna"}}, {.id = "chair", .resources = {"anna"}}}};
}

/// One seat: overlapping active bookings of it are double bookings.
inline service_record yoga() { return {.rules = {.id = "yoga", .duration = minutes{60}}, .name = "Yoga"}; }

/// A group class with room for every overlapping booking the tests write, so
/// that their data is valid also where the database refuses overlaps.
inline service_record group_class() {
    return {.rules = {.id = "class", .duration = minutes{30}, .capacity = 10}, .name = "Class", .archived = true};
}

inline client_record ivan() {
    return {.id = "ivan", .name = "Ivan", .identities = {{messenger::vk, "id7"}, {messenger::telegram, "555"}}};
}

inline settings some_settings() {
    return {.reminder_offsets = {minutes{1440}, minutes{60}},
            .global_breaks = {sample_range("13:00", "14:00")},
            .default_step = minutes{20}};
}

/// A confirmed seat of anna's group class for ivan.
inline booking_record booking_at(std::string id, std::string_view start, std::string_view end) {
    return {.id = std::move(id),
            .resource = "anna",
            .service = "class",
            .location = "salon",
            .client = "ivan",
            .time = {sample_instant(start), sample_instant(end)},
            .created_at = sample_instant("2026-03-01T08:00:00Z"),
            .updated_at = sample_instant("2026-03-01T08:00:00Z")};
}

/// A hold with every optional field set.
inline booking_record held() {
    booking_record b = booking_at("b-held", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z");
    b.service = "cut";
    b.status = booking_status::held;
    b.expires = sample_instant("2026-03-01T08:10:00Z");
    b.hold_token = "tok-1";
    b.seats = 2;
    b.buffer_before = minutes{5};
    b.buffer_after = minutes{10};
    b.idempotency_key = "idem-1";
    b.series = "s-1";
    b.cancel_reason = "none yet";
    b.attendance = attendance_status::no_show;
    b.updated_at = sample_instant("2026-03-01T08:01:00Z");
    return b;
}

inline series_record weekly_series() {
    return {.id = "s-1",
            .resource = "anna",
            .rrule = "FREQ=WEEKLY;COUNT=3",
            .first_start = sample_instant("2026-03-02T10:00:00Z"),
            .except_dates = {sample_date(2026, 3, 9)},
            .idempotency_key = "weekly-1"};
}

/// The catalog every booking test relies on.
inline void put_catalog(store& db) {
    db.write({}, [](transaction& tx) {
        tx.put_location(salon());
        tx.put_location(online());
        tx.put_resource(anna());
        tx.put_resource(boris());
        tx.put_service(cut());
        tx.put_service(yoga());
        tx.put_service(group_class());
        tx.put_client(ivan());
    });
}

inline void write(store& db, const std::function<void(transaction&)>& work) { db.run(access::write, {}, work); }
inline void read(store& db, const std::function<void(transaction&)>& work) { db.run(access::read, {}, work); }

/// Writes every kind of record the samples have: the catalog, links,
/// settings, the held booking, its series, a reminder mark and an audit entry.
inline void write_samples(store& db) {
    put_catalog(db);
    write(db, [](transaction& tx) {
        tx.link("anna", "cut");
        tx.link("anna", "yoga");
        tx.link("boris", "cut");
        tx.save_settings(some_settings());
        tx.insert_booking(held());
        tx.put_series(weekly_series());
        CHECK(tx.mark_reminded("b-held", minutes{60}));
        (void)tx.append_audit({.at = sample_instant("2026-03-01T08:00:00Z"), .actor = "bot", .action = "hold",
                               .subject = "b-held", .before = "{}", .after = R"({"id": "b-held"})"});
    });
}

/// Checks that `tx` reads back exactly what write_samples wrote.
inline void check_samples(transaction& tx) {
    using strings = std::vector<std::string>;
    CHECK(tx.location("salon") == salon());
    CHECK(tx.locations() == std::vector{online(), salon()});
    CHECK(tx.resource("anna") == anna());
    CHECK(tx.resources() == std::vector{anna(), boris()});
    CHECK(tx.service("cut") == cut());
    CHECK(tx.services() == std::vector{group_class(), cut(), yoga()});
    CHECK(tx.providers("cut") == strings{"anna", "boris"});
    CHECK(tx.services_of("anna") == strings{"cut", "yoga"});
    CHECK(tx.client("ivan") == ivan());
    CHECK(tx.client_by_identity({messenger::telegram, "555"}) == ivan());
    CHECK(tx.load_settings() == some_settings());
    CHECK(tx.booking("b-held") == held());
    CHECK(tx.booking_by_idempotency_key("idem-1") == held());
    CHECK(tx.booking_by_hold_token("tok-1") == held());
    CHECK(tx.bookings_of_client("ivan") == std::vector{held()});
    CHECK(tx.series("s-1") == weekly_series());
    CHECK(tx.reminded("b-held", minutes{60}));
    const auto log = tx.audit_log(0, 10);
    REQUIRE(log.size() == 1);
    CHECK(log[0] == audit_entry{.sequence = log[0].sequence, .at = sample_instant("2026-03-01T08:00:00Z"),
                                .actor = "bot", .action = "hold", .subject = "b-held", .before = "{}",
                                .after = R"({"id": "b-held"})"});
}

}  // namespace slotcraft::test::samples
