// The store contract of include/slotcraft/store.hpp, one suite over every
// store (tests/conformance/backends.hpp): a refused write changes nothing; a
// reference to a missing record is not_found; a second owner of a unique value
// is conflict; lookups by an empty key find nothing; booking lists are ordered
// by start, then id; a write in a read transaction is storage; plus what each
// method promises. Where stores legitimately differ the backend's capability
// flags say so. The PostgreSQL store runs this suite in its own test program
// (skipped without a server), like the scheduler suite.
#include "../conformance/backends.hpp"
#include "sample_records.hpp"

#include <slotcraft/store.hpp>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace slotcraft;
using namespace slotcraft::test::samples;

namespace doctest {
template <>
struct StringMaker<error_category> {
    static String convert(error_category category);
};
}  // namespace doctest

namespace {

instant at(std::string_view iso) { return parse_instant(iso, "test"); }
local_date on(int y, unsigned m, unsigned d) { return local_date{date::year{y} / date::month{m} / date::day{d}}; }

const char* name_of(error_category category) {
    switch (category) {
        case error_category::invalid_argument: return "invalid_argument";
        case error_category::not_found: return "not_found";
        case error_category::conflict: return "conflict";
        case error_category::storage: return "storage";
    }
    return "?";
}

/// What an `error` says: its category and the field it names.
struct refused {
    error_category category;
    std::string field;
    friend bool operator==(const refused&, const refused&) = default;
    friend std::ostream& operator<<(std::ostream& out, const refused& r) {
        return out << name_of(r.category) << " (field \"" << r.field << "\")";
    }
};

/// The error `action` throws; fails the test when it throws none.
template <class Action>
refused refusal(Action&& action) {
    try {
        action();
    } catch (const error& e) {
        return {e.category(), e.field()};
    }
    FAIL("no error was thrown");
    return {};
}

template <class Action>
error_category category_of(Action&& action) {
    return refusal(std::forward<Action>(action)).category;
}


std::vector<std::string> ids_of(const std::vector<booking_record>& bookings) {
    std::vector<std::string> out;
    for (const auto& b : bookings) out.push_back(b.id);
    return out;
}

using strings = std::vector<std::string>;

}  // namespace

doctest::String doctest::StringMaker<error_category>::convert(error_category category) { return name_of(category); }

TEST_CASE_TEMPLATE_DEFINE("store contract on every store", Backend, store_contract) {
    Backend backend;
    store& db = backend.get();

    SUBCASE("every record put is read back equal, also by another store object on the same database") {
        write_samples(db);
        const auto check_all = [](store& s) { read(s, check_samples); };
        check_all(db);
        if constexpr (Backend::cross_process) {
            const auto other = backend.open_again();
            check_all(*other);
        }
    }

    SUBCASE("a catalog read sees every catalog write before it: of its transaction, its store, another store object") {
        using strings = std::vector<std::string>;
        write_samples(db);
        read(db, check_samples);  // what a store keeps of its reads, it has now
        // Every kind of catalog write, read back in its transaction and in later ones.
        resource_record renamed = anna();
        renamed.name = "Anna K.";
        renamed.schedules.pop_back();
        service_record longer = cut();
        longer.rules.duration = minutes{45};
        const location_record moved{.id = "salon", .name = "Salon, new address"};
        const settings other_settings{.default_step = minutes{10}};
        write(db, [&](transaction& tx) {
            CHECK(tx.resource("anna") == anna());
            tx.put_resource(renamed);
            CHECK(tx.resource("anna") == renamed);
            tx.put_service(longer);
            CHECK(tx.service("cut") == longer);
            tx.put_location(moved);
            CHECK(tx.location("salon") == moved);
            CHECK(tx.locations() == std::vector{online(), moved});
            tx.unlink("anna", "yoga");
            CHECK(tx.services_of("anna") == strings{"cut"});
            tx.link("boris", "yoga");
            CHECK(tx.providers("yoga") == strings{"boris"});
            tx.save_settings(other_settings);
            CHECK(tx.load_settings() == other_settings);
        });
        const auto check_changed = [&](store& s) {
            read(s, [&](transaction& tx) {
                CHECK(tx.resource("anna") == renamed);
                CHECK(tx.service("cut") == longer);
                CHECK(tx.location("salon") == moved);
                CHECK(tx.locations() == std::vector{online(), moved});
                CHECK(tx.services_of("anna") == strings{"cut"});
                CHECK(tx.providers("yoga") == strings{"boris"});
                CHECK(tx.load_settings() == other_settings);
            });
        };
        check_changed(db);
        // A write that is rolled back changes nothing.
        CHECK_THROWS(write(db, [&](transaction& tx) {
            tx.put_resource(anna());
            CHECK(tx.resource("anna") == anna());
            throw std::runtime_error("rolled back");
        }));
        check_changed(db);
        if constexpr (Backend::cross_process) {
            const auto other = backend.open_again();
            check_changed(*other);
            write(*other, [&](transaction& tx) {
                tx.put_resource(anna());
                tx.put_service(cut());
                tx.put_location(salon());
                tx.link("anna", "yoga");
                tx.unlink("boris", "yoga");
                tx.save_settings(some_settings());
            });
            read(db, check_samples);
        }
    }

    SUBCASE("missing records read as empty and settings as their defaults") {
        read(db, [](transaction& tx) {
            CHECK_FALSE(tx.location("nowhere").has_value());
            CHECK(tx.locations().empty());
            CHECK_FALSE(tx.resource("nobody").has_value());
            CHECK(tx.resources().empty());
            CHECK_FALSE(tx.service("nothing").has_value());
            CHECK(tx.services().empty());
            CHECK(tx.providers("nothing").empty());
            CHECK(tx.services_of("nobody").empty());
            CHECK_FALSE(tx.client("no one").has_value());
            CHECK(tx.clients().empty());
            CHECK_FALSE(tx.client_by_identity({messenger::vk, "x"}).has_value());
            CHECK_FALSE(tx.booking("b").has_value());
            CHECK_FALSE(tx.booking_by_idempotency_key("idem").has_value());
            CHECK_FALSE(tx.booking_by_hold_token("tok").has_value());
            CHECK(tx.bookings_of_client("ivan").empty());
            CHECK(tx.bookings_of_resource("anna", {at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")}).empty());
            CHECK(tx.confirmed_starting_in({at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")}).empty());
            CHECK_FALSE(tx.series("s-1").has_value());
            CHECK_FALSE(tx.reminded("b", minutes{60}));
            CHECK(tx.load_settings() == settings{});
            CHECK(tx.audit_log(0, 100).empty());
        });
    }

    SUBCASE("clients lists every client by id, each with their own identities in their order") {
        put_catalog(db);
        const client_record olga{.id = "olga", .name = "Olga", .identities = {{messenger::whatsapp, "+7"}}};
        const client_record anon{.id = "a-0", .name = "Anonymous"};
        const client_record zoe{.id = "zoe", .name = "Zoë",
                                .identities = {{messenger::telegram, "9"}, {messenger::vk, "z"}, {messenger::telegram, "1"}}};
        write(db, [&](transaction& tx) {
            tx.put_client(zoe);
            tx.put_client(olga);
            tx.put_client(anon);
        });
        read(db, [&](transaction& tx) { CHECK(tx.clients() == std::vector<client_record>{anon, ivan(), olga, zoe}); });
    }

    SUBCASE("put replaces a record with the same id, schedules, locations and identities included") {
        put_catalog(db);
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
        resource_record back = boris();
        back.archived = false;
        write(db, [&](transaction& tx) {
            tx.put_location({.id = "salon", .name = "Salon Nord", .archived = true});
            tx.put_resource(back);
            tx.put_resource(changed);
            tx.put_client(renamed);
            tx.put_service(slower);
            tx.save_settings(some_settings());
            tx.save_settings(fewer);
        });
        read(db, [&](transaction& tx) {
            CHECK(tx.location("salon")->name == "Salon Nord");
            CHECK(tx.location("salon")->archived);
            CHECK_FALSE(tx.resource("boris")->archived);
            CHECK(tx.locations().size() == 2);
            CHECK(tx.resource("anna") == changed);
            CHECK(tx.client("ivan") == renamed);
            CHECK_FALSE(tx.client_by_identity({messenger::telegram, "555"}).has_value());
            CHECK(tx.client_by_identity({messenger::whatsapp, "+49"}) == renamed);
            CHECK(tx.service("cut") == slower);
            CHECK(tx.load_settings() == fewer);
            CHECK(tx.resources().size() == 2);
            CHECK(tx.services().size() == 3);
        });
    }

    SUBCASE("a transaction whose work throws writes nothing, and the store stays usable") {
        put_catalog(db);
        CHECK_THROWS_AS(write(db,
                              [](transaction& tx) {
                                  tx.put_location({.id = "attic", .name = "Attic"});
                                  tx.insert_booking(held());
                                  tx.put_series(weekly_series());
                                  tx.link("anna", "cut");
                                  tx.save_settings(some_settings());
                                  CHECK(tx.mark_reminded("b-held", minutes{5}));
                                  (void)tx.append_audit({.action = "hold", .subject = "b-held"});
                                  CHECK(tx.booking("b-held").has_value());  // visible inside
                                  throw std::runtime_error("the engine refused");
                              }),
                        std::runtime_error);
        read(db, [](transaction& tx) {
            CHECK_FALSE(tx.location("attic").has_value());
            CHECK_FALSE(tx.booking("b-held").has_value());
            CHECK_FALSE(tx.series("s-1").has_value());
            CHECK_FALSE(tx.series_by_idempotency_key("weekly-1").has_value());
            CHECK(tx.providers("cut").empty());
            CHECK(tx.load_settings() == settings{});
            CHECK_FALSE(tx.reminded("b-held", minutes{5}));
            CHECK(tx.audit_log(0, 10).empty());
        });
        write(db, [](transaction& tx) { tx.insert_booking(held()); });
        read(db, [](transaction& tx) { CHECK(tx.booking("b-held") == held()); });
    }

    SUBCASE("mark_reminded is true for the first caller only, per booking and offset, and not_found for an unknown booking") {
        put_catalog(db);
        write(db, [](transaction& tx) {
            tx.insert_booking(booking_at("b1", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z"));
            tx.insert_booking(booking_at("b2", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z"));
        });
        const auto mark = [](store& s, std::string_view booking, minutes offset) {
            return s.write({}, [&](transaction& tx) { return tx.mark_reminded(booking, offset); });
        };
        CHECK(mark(db, "b1", minutes{60}));
        CHECK_FALSE(mark(db, "b1", minutes{60}));
        CHECK(mark(db, "b1", minutes{1440}));  // another offset is another reminder
        CHECK(mark(db, "b2", minutes{60}));    // another booking too
        write(db, [](transaction& tx) {
            CHECK(tx.mark_reminded("b2", minutes{15}));
            CHECK_FALSE(tx.mark_reminded("b2", minutes{15}));  // also within one transaction
        });
        if constexpr (Backend::cross_process) {
            const auto other = backend.open_again();
            CHECK_FALSE(mark(*other, "b1", minutes{60}));
            CHECK(mark(*other, "b1", minutes{5}));
            CHECK_FALSE(mark(db, "b1", minutes{5}));
        }
        read(db, [](transaction& tx) {
            CHECK(tx.reminded("b1", minutes{60}));
            CHECK(tx.reminded("b1", minutes{1440}));
            CHECK_FALSE(tx.reminded("b1", minutes{15}));
            CHECK(tx.reminded("b2", minutes{15}));
            CHECK_FALSE(tx.reminded("nope", minutes{60}));
        });
        CHECK(refusal([&] { (void)mark(db, "nope", minutes{60}); }) ==
              refused{error_category::not_found, "booking"});
    }

    SUBCASE("many threads marking the same reminder: exactly one wins") {
        put_catalog(db);
        write(db, [](transaction& tx) { tx.insert_booking(booking_at("b1", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z")); });
        std::atomic<int> winners{0};
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 6; ++i)
            threads.emplace_back([&] {
                try {
                    write(db, [&](transaction& tx) {
                        if (tx.mark_reminded("b1", minutes{60})) ++winners;
                    });
                } catch (const error&) {
                    ++failures;
                }
            });
        for (auto& t : threads) t.join();
        CHECK(failures.load() == 0);
        CHECK(winners.load() == 1);
    }

    SUBCASE("a reused id, idempotency key or hold token is a conflict naming the field and writes nothing") {
        put_catalog(db);
        write(db, [](transaction& tx) { tx.insert_booking(held()); });
        booking_record again = booking_at("b-2", "2026-03-03T10:00:00Z", "2026-03-03T10:30:00Z");
        again.idempotency_key = "idem-1";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.insert_booking(again); }); }) ==
              refused{error_category::conflict, "booking.idempotency_key"});
        again.idempotency_key.clear();
        again.hold_token = "tok-1";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.insert_booking(again); }); }) ==
              refused{error_category::conflict, "booking.hold_token"});
        booking_record same_id = booking_at("b-held", "2026-03-05T10:00:00Z", "2026-03-05T10:30:00Z");
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.insert_booking(same_id); }); }) ==
              refused{error_category::conflict, "booking.id"});
        read(db, [](transaction& tx) {
            CHECK_FALSE(tx.booking("b-2").has_value());
            CHECK(tx.booking("b-held") == held());
            CHECK(ids_of(tx.bookings_of_client("ivan")) == strings{"b-held"});
        });
        // Empty keys and tokens never collide.
        again.hold_token.clear();
        const booking_record third = booking_at("b-3", "2026-03-04T10:00:00Z", "2026-03-04T10:30:00Z");
        write(db, [&](transaction& tx) {
            tx.insert_booking(again);
            tx.insert_booking(third);
        });
        read(db, [](transaction& tx) {
            CHECK(tx.booking_by_idempotency_key("idem-1")->id == "b-held");
            CHECK(tx.booking_by_hold_token("tok-1")->id == "b-held");
            CHECK(tx.booking("b-3")->idempotency_key.empty());
            CHECK(ids_of(tx.bookings_of_client("ivan")) == strings{"b-held", "b-2", "b-3"});
        });
    }

    SUBCASE("insert_booking_audited writes the booking and its audit entry, or neither when the booking is refused") {
        put_catalog(db);
        booking_record first = booking_at("b-1", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z");
        first.service = "yoga";  // one seat: the constraint of a database that checks overlaps refuses b-4
        const auto entry = [](std::string action, std::string subject) {
            return audit_entry{.at = at("2026-03-01T08:00:00Z"), .actor = "bot", .action = std::move(action),
                               .subject = std::move(subject), .after = "{}"};
        };
        write(db, [&](transaction& tx) { tx.insert_booking_audited(first, entry("book", "b-1")); });
        booking_record same_id = booking_at("b-1", "2026-03-05T09:00:00Z", "2026-03-05T09:30:00Z");
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.insert_booking_audited(same_id, entry("x", "b-1")); }); }) ==
              refused{error_category::conflict, "booking.id"});
        booking_record nowhere = booking_at("b-2", "2026-03-05T09:00:00Z", "2026-03-05T09:30:00Z");
        nowhere.resource = "nobody";
        // A refusal caught inside the transaction leaves the transaction usable and writes no entry.
        write(db, [&](transaction& tx) {
            CHECK(refusal([&] { tx.insert_booking_audited(nowhere, entry("x", "b-2")); }) ==
                  refused{error_category::not_found, "booking.resource"});
            tx.insert_booking_audited(booking_at("b-3", "2026-03-06T09:00:00Z", "2026-03-06T09:30:00Z"),
                                      entry("hold", "b-3"));
        });
        if constexpr (Backend::overlap_in_database) {
            booking_record over = booking_at("b-4", "2026-03-02T09:30:00Z", "2026-03-02T10:30:00Z");
            over.service = first.service;
            CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.insert_booking_audited(over, entry("x", "b-4")); }); }) ==
                  refused{error_category::conflict, "booking"});
        }
        read(db, [&](transaction& tx) {
            CHECK(tx.booking("b-1") == first);
            CHECK_FALSE(tx.booking("b-2").has_value());
            CHECK(tx.booking("b-3").has_value());
            const auto log = tx.audit_log(0, 10);
            REQUIRE(log.size() == 2);
            CHECK(log[0] == audit_entry{.sequence = log[0].sequence, .at = at("2026-03-01T08:00:00Z"), .actor = "bot",
                                        .action = "book", .subject = "b-1", .after = "{}"});
            CHECK(log[1].action == "hold");
            CHECK(log[1].subject == "b-3");
        });
    }

    SUBCASE("update_booking_audited changes the booking and writes its audit entry, or neither when it is refused") {
        put_catalog(db);
        booking_record first = booking_at("b-1", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z");
        first.service = "yoga";  // one seat: the constraint of a database that checks overlaps refuses moving b-2 onto it
        booking_record second = booking_at("b-2", "2026-03-03T09:00:00Z", "2026-03-03T10:00:00Z");
        second.service = "yoga";
        second.status = booking_status::held;
        second.expires = at("2026-03-01T08:10:00Z");
        second.hold_token = "tok-2";
        write(db, [&](transaction& tx) {
            tx.insert_booking(first);
            tx.insert_booking(second);
        });
        const auto entry = [](std::string action, std::string subject) {
            return audit_entry{.at = at("2026-03-01T08:00:00Z"), .actor = "bot", .action = std::move(action),
                               .subject = std::move(subject), .before = "{\"was\":1}", .after = "{}"};
        };
        booking_record cancelled = first;
        cancelled.status = booking_status::cancelled;
        cancelled.cancel_reason = "ill";
        write(db, [&](transaction& tx) { tx.update_booking_audited(cancelled, entry("cancel", "b-1")); });
        booking_record ghost = first;
        ghost.id = "ghost";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.update_booking_audited(ghost, entry("x", "ghost")); }); }) ==
              refused{error_category::not_found, "booking"});
        // A refusal caught inside the transaction leaves the transaction usable and writes no entry.
        write(db, [&](transaction& tx) {
            booking_record nowhere = second;
            nowhere.resource = "nobody";
            CHECK(refusal([&] { tx.update_booking_audited(nowhere, entry("x", "b-2")); }) ==
                  refused{error_category::not_found, "booking.resource"});
            booking_record takes_token = cancelled;
            takes_token.hold_token = "tok-2";
            CHECK(refusal([&] { tx.update_booking_audited(takes_token, entry("x", "b-1")); }) ==
                  refused{error_category::conflict, "booking.hold_token"});
            booking_record confirmed = second;
            confirmed.status = booking_status::confirmed;
            confirmed.expires.reset();
            tx.update_booking_audited(confirmed, entry("confirm", "b-2"));
        });
        booking_record restored = booking_at("b-3", "2026-03-02T09:30:00Z", "2026-03-02T10:30:00Z");
        restored.service = "yoga";
        write(db, [&](transaction& tx) { tx.insert_booking(restored); });  // over b-1, which is cancelled
        if constexpr (Backend::overlap_in_database) {
            booking_record over = second;
            over.status = booking_status::confirmed;
            over.expires.reset();
            over.time = {at("2026-03-02T10:00:00Z"), at("2026-03-02T11:00:00Z")};  // onto b-3
            CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.update_booking_audited(over, entry("x", "b-2")); }); }) ==
                  refused{error_category::conflict, "booking"});
        }
        read(db, [&](transaction& tx) {
            CHECK(tx.booking("b-1") == cancelled);
            CHECK(tx.booking("b-2")->status == booking_status::confirmed);
            CHECK(tx.booking("b-2")->time == second.time);
            CHECK(tx.booking("b-2")->resource == "anna");
            CHECK_FALSE(tx.booking("ghost").has_value());
            const auto log = tx.audit_log(0, 10);
            REQUIRE(log.size() == 2);
            CHECK(log[0] == audit_entry{.sequence = log[0].sequence, .at = at("2026-03-01T08:00:00Z"), .actor = "bot",
                                        .action = "cancel", .subject = "b-1", .before = "{\"was\":1}", .after = "{}"});
            CHECK(log[1].action == "confirm");
            CHECK(log[1].subject == "b-2");
        });
    }

    SUBCASE("update_booking replaces the booking with the same id, and a missing id is not_found") {
        put_catalog(db);
        write(db, [](transaction& tx) { tx.insert_booking(held()); });
        booking_record confirmed = held();
        confirmed.status = booking_status::confirmed;
        confirmed.expires.reset();
        confirmed.hold_token.clear();
        confirmed.attendance = attendance_status::attended;
        confirmed.updated_at = at("2026-03-01T08:05:00Z");
        write(db, [&](transaction& tx) { tx.update_booking(confirmed); });
        read(db, [&](transaction& tx) {
            CHECK(tx.booking("b-held") == confirmed);
            CHECK(tx.booking_by_idempotency_key("idem-1") == confirmed);
            CHECK_FALSE(tx.booking_by_hold_token("tok-1").has_value());
        });
        booking_record ghost = confirmed;
        ghost.id = "ghost";
        ghost.idempotency_key = "idem-ghost";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.update_booking(ghost); }); }) ==
              refused{error_category::not_found, "booking"});
        read(db, [](transaction& tx) {
            CHECK_FALSE(tx.booking("ghost").has_value());
            CHECK_FALSE(tx.booking_by_idempotency_key("idem-ghost").has_value());
        });
    }

    SUBCASE("update_booking is a conflict naming the field when its key or token belongs to another booking") {
        put_catalog(db);
        booking_record first = booking_at("b-1", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
        first.idempotency_key = "key-1";
        first.hold_token = "tok-1";
        const booking_record second = booking_at("b-2", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z");
        write(db, [&](transaction& tx) {
            tx.insert_booking(first);
            tx.insert_booking(second);
        });
        booking_record takes_key = second;
        takes_key.idempotency_key = "key-1";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.update_booking(takes_key); }); }) ==
              refused{error_category::conflict, "booking.idempotency_key"});
        booking_record takes_token = second;
        takes_token.hold_token = "tok-1";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.update_booking(takes_token); }); }) ==
              refused{error_category::conflict, "booking.hold_token"});
        // A booking keeps its own key and token when it is updated.
        booking_record moved = first;
        moved.time = {at("2026-03-02T11:00:00Z"), at("2026-03-02T11:30:00Z")};
        write(db, [&](transaction& tx) { tx.update_booking(moved); });
        read(db, [&](transaction& tx) {
            CHECK(tx.booking("b-2") == second);
            CHECK(tx.booking_by_idempotency_key("key-1") == moved);
            CHECK(tx.booking_by_hold_token("tok-1") == moved);
        });
    }

    SUBCASE("insert_booking with an unknown resource or service is not_found naming booking.resource or booking.service") {
        put_catalog(db);
        booking_record stray = booking_at("b-x", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
        stray.resource = "nobody";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.insert_booking(stray); }); }) ==
              refused{error_category::not_found, "booking.resource"});
        stray.resource = "anna";
        stray.service = "massage";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.insert_booking(stray); }); }) ==
              refused{error_category::not_found, "booking.service"});
        read(db, [](transaction& tx) {
            CHECK_FALSE(tx.booking("b-x").has_value());
            CHECK(tx.bookings_of_client("ivan").empty());
        });
    }

    SUBCASE("a booking write wrong in several ways is refused for the same first fault on every store") {
        // The one order: the row itself, then what it refers to, then unique values.
        put_catalog(db);
        write(db, [](transaction& tx) { tx.insert_booking(held()); });  // id b-held, key idem-1, token tok-1
        booking_record bad = booking_at("b-held", "2026-03-05T10:00:00Z", "2026-03-05T10:30:00Z");
        bad.resource = "nobody";
        bad.service = "massage";
        bad.idempotency_key = "idem-1";
        bad.hold_token = "tok-1";
        const auto insert = [&] { write(db, [&](transaction& tx) { tx.insert_booking(bad); }); };
        const auto update = [&] { write(db, [&](transaction& tx) { tx.update_booking(bad); }); };
        CHECK(refusal(insert) == refused{error_category::conflict, "booking.id"});
        CHECK(refusal(update) == refused{error_category::not_found, "booking.resource"});
        bad.id = "b-new";
        CHECK(refusal(insert) == refused{error_category::not_found, "booking.resource"});
        CHECK(refusal(update) == refused{error_category::not_found, "booking"});
        bad.resource = "anna";
        CHECK(refusal(insert) == refused{error_category::not_found, "booking.service"});
        bad.service = "cut";
        CHECK(refusal(insert) == refused{error_category::conflict, "booking.idempotency_key"});
        bad.idempotency_key = "idem-2";
        CHECK(refusal(insert) == refused{error_category::conflict, "booking.hold_token"});
        read(db, [](transaction& tx) {
            CHECK(tx.booking("b-held") == held());
            CHECK_FALSE(tx.booking("b-new").has_value());
        });
    }

    SUBCASE("update_booking pointing at an unknown resource or service is not_found and changes nothing") {
        put_catalog(db);
        const booking_record kept = booking_at("b-1", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
        write(db, [&](transaction& tx) { tx.insert_booking(kept); });
        booking_record elsewhere = kept;
        elsewhere.resource = "nobody";
        CHECK(category_of([&] { write(db, [&](transaction& tx) { tx.update_booking(elsewhere); }); }) ==
              error_category::not_found);
        booking_record other_service = kept;
        other_service.service = "massage";
        CHECK(category_of([&] { write(db, [&](transaction& tx) { tx.update_booking(other_service); }); }) ==
              error_category::not_found);
        read(db, [&](transaction& tx) {
            CHECK(tx.booking("b-1") == kept);
            CHECK(tx.bookings_of_resource("nobody", {at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z")}).empty());
        });
    }

    SUBCASE("put_resource and put_service with an unknown location are not_found naming the schedule or location") {
        put_catalog(db);
        resource_record moved = boris();
        moved.name = "Boris on the Moon";
        moved.schedules = {{.location = "salon"}, {.location = "moon"}};
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_resource(moved); }); }) ==
              refused{error_category::not_found, "resource.schedules[1].location"});
        moved.id = "newcomer";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_resource(moved); }); }) ==
              refused{error_category::not_found, "resource.schedules[1].location"});
        service_record far = yoga();
        far.name = "Moon yoga";
        far.locations = {"online", "moon"};
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_service(far); }); }) ==
              refused{error_category::not_found, "service.locations[1]"});
        far.rules.id = "moon-yoga";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_service(far); }); }) ==
              refused{error_category::not_found, "service.locations[1]"});
        service_record unfair = cut();
        unfair.assign.weights["boris"] = -1;
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_service(unfair); }); }) ==
              refused{error_category::invalid_argument, "service.assign.weights"});
        service_record pooled = cut();
        pooled.pools.push_back({.id = "room", .resources = {"anna"}});
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_service(pooled); }); }) ==
              refused{error_category::invalid_argument, "service.pools[2].id"});
        pooled.pools.back() = {.id = "desk", .resources = {}};
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_service(pooled); }); }) ==
              refused{error_category::invalid_argument, "service.pools[2].resources"});
        pooled.pools.back() = {.id = "desk", .resources = {"anna", "anna"}};
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_service(pooled); }); }) ==
              refused{error_category::invalid_argument, "service.pools[2].resources[1]"});
        read(db, [](transaction& tx) {
            CHECK(tx.service("cut") == cut());
            CHECK(tx.resource("boris") == boris());
            CHECK_FALSE(tx.resource("newcomer").has_value());
            CHECK(tx.service("yoga") == yoga());
            CHECK_FALSE(tx.service("moon-yoga").has_value());
            CHECK_FALSE(tx.location("moon").has_value());
        });
    }

    SUBCASE("a schedule's rotation beside weekly hours, or of no weeks or 53, is refused naming it, and nothing is written") {
        put_catalog(db);
        resource_record changed = boris();
        changed.name = "Boris, rotating";
        changed.schedules.insert(changed.schedules.begin(), {.location = "salon"});
        changed.schedules[1].weekly.set(date::Monday, {sample_range("09:00", "10:00")});
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_resource(changed); }); }) ==
              refused{error_category::invalid_argument, "resource.schedules[1].rotation"});
        changed.schedules[1].weekly = {};
        changed.schedules[1].rotation->weeks.clear();
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_resource(changed); }); }) ==
              refused{error_category::invalid_argument, "resource.schedules[1].rotation"});
        changed.schedules[1].rotation->weeks.resize(weekly_rotation::max_weeks + 1);
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_resource(changed); }); }) ==
              refused{error_category::invalid_argument, "resource.schedules[1].rotation"});
        read(db, [](transaction& tx) { CHECK(tx.resource("boris") == boris()); });
        changed.schedules[1].rotation->weeks.pop_back();  // 52 weeks are allowed
        write(db, [&](transaction& tx) { tx.put_resource(changed); });
        read(db, [&](transaction& tx) { CHECK(tx.resource("boris") == changed); });
    }

    SUBCASE("references to records that do not exist are not_found, and a refusal caught before commit leaves no trace") {
        put_catalog(db);
        booking_record stray = booking_at("b-x", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
        stray.resource = "nobody";
        CHECK(category_of([&] { write(db, [](transaction& tx) { tx.link("anna", "massage"); }); }) ==
              error_category::not_found);
        CHECK(category_of([&] { write(db, [](transaction& tx) { tx.link("nobody", "cut"); }); }) ==
              error_category::not_found);
        resource_record elsewhere = boris();
        elsewhere.name = "Boris on the Moon";
        elsewhere.schedules = {{.location = "salon"}, {.location = "moon"}};
        service_record far = yoga();
        far.name = "Moon yoga";
        far.locations = {"moon"};
        series_record lost = weekly_series();
        lost.resource = "nobody";
        booking_record twin = booking_at("b-twin", "2026-03-02T12:00:00Z", "2026-03-02T12:30:00Z");
        booking_record takes_key = booking_at("b-key", "2026-03-02T13:00:00Z", "2026-03-02T13:30:00Z");
        takes_key.idempotency_key = "idem-twin";
        twin.idempotency_key = "idem-twin";
        const client_record impostor{.id = "olga", .name = "Olga", .identities = {{messenger::telegram, "555"}}};
        // A caller that swallows each refusal and commits finds nothing half-written,
        // and the transaction's other writes commit.
        write(db, [&](transaction& tx) {
            tx.insert_booking(twin);
            CHECK(category_of([&] { tx.put_resource(elsewhere); }) == error_category::not_found);
            CHECK(category_of([&] { tx.put_service(far); }) == error_category::not_found);
            CHECK(category_of([&] { tx.insert_booking(stray); }) == error_category::not_found);
            CHECK(category_of([&] { tx.link("anna", "massage"); }) == error_category::not_found);
            CHECK(category_of([&] { tx.put_series(lost); }) == error_category::not_found);
            CHECK(category_of([&] { (void)tx.mark_reminded("b-x", minutes{60}); }) == error_category::not_found);
            CHECK(category_of([&] { tx.update_booking(stray); }) == error_category::not_found);
            CHECK(category_of([&] { tx.insert_booking(twin); }) == error_category::conflict);
            CHECK(category_of([&] { tx.insert_booking(takes_key); }) == error_category::conflict);
            CHECK(category_of([&] { tx.put_client(impostor); }) == error_category::conflict);
            tx.put_location({.id = "attic", .name = "Attic"});
        });
        read(db, [&](transaction& tx) {
            CHECK_FALSE(tx.booking("b-x").has_value());
            CHECK_FALSE(tx.booking("b-key").has_value());
            CHECK(tx.booking("b-twin") == twin);
            CHECK(tx.services_of("anna").empty());
            CHECK(tx.resource("boris") == boris());
            CHECK(tx.service("yoga") == yoga());
            CHECK_FALSE(tx.series("s-1").has_value());
            CHECK_FALSE(tx.reminded("b-x", minutes{60}));
            CHECK_FALSE(tx.client("olga").has_value());
            CHECK(tx.client_by_identity({messenger::telegram, "555"}) == ivan());
            CHECK(tx.location("attic").has_value());
        });
    }

    SUBCASE("an identity that belongs to another client is a conflict naming it; one listed twice is invalid") {
        put_catalog(db);
        const client_record impostor{.id = "olga", .name = "Olga",
                                     .identities = {{messenger::whatsapp, "+7"}, {messenger::telegram, "555"}}};
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_client(impostor); }); }) ==
              refused{error_category::conflict, "client.identities[1]"});
        client_record twice = ivan();
        twice.name = "Ivan the Twice";
        twice.identities.push_back(twice.identities.front());
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_client(twice); }); }) ==
              refused{error_category::invalid_argument, "client.identities[2]"});
        read(db, [](transaction& tx) {
            CHECK(tx.client("ivan") == ivan());
            CHECK_FALSE(tx.client("olga").has_value());
            CHECK_FALSE(tx.client_by_identity({messenger::whatsapp, "+7"}).has_value());
            CHECK(tx.client_by_identity({messenger::telegram, "555"})->id == "ivan");
        });
        // Once ivan gives it up, the identity is free for another client.
        client_record without = ivan();
        without.identities = {{messenger::vk, "id7"}};
        write(db, [&](transaction& tx) {
            tx.put_client(without);
            tx.put_client(impostor);
        });
        read(db, [&](transaction& tx) { CHECK(tx.client_by_identity({messenger::telegram, "555"}) == impostor); });
    }

    SUBCASE("link is idempotent and unlink removes the link") {
        put_catalog(db);
        write(db, [](transaction& tx) {
            tx.link("boris", "cut");
            tx.link("boris", "cut");
            tx.link("anna", "cut");
        });
        write(db, [](transaction& tx) { tx.link("boris", "cut"); });
        read(db, [](transaction& tx) {
            CHECK(tx.providers("cut") == strings{"anna", "boris"});
            CHECK(tx.services_of("boris") == strings{"cut"});
        });
        write(db, [](transaction& tx) { tx.unlink("boris", "cut"); });
        read(db, [](transaction& tx) {
            CHECK(tx.providers("cut") == strings{"anna"});
            CHECK(tx.services_of("boris").empty());
        });
    }

    SUBCASE("providers and services_of list ids ascending, in byte order") {
        put_catalog(db);
        write(db, [](transaction& tx) {
            tx.put_resource({.id = "Zoe", .name = "Zoe", .time_zone = "UTC"});
            tx.put_service({.rules = {.id = "Massage", .duration = minutes{60}}, .name = "Massage"});
            tx.link("boris", "cut");
            tx.link("Zoe", "cut");
            tx.link("anna", "yoga");
            tx.link("anna", "Massage");
            tx.link("anna", "cut");
            tx.link("anna", "class");
        });
        read(db, [](transaction& tx) {
            CHECK(tx.providers("cut") == strings{"Zoe", "anna", "boris"});
            CHECK(tx.services_of("anna") == strings{"Massage", "class", "cut", "yoga"});
            CHECK(tx.providers("yoga") == strings{"anna"});
        });
    }

    SUBCASE("lookups by an empty key find nothing, though bookings with empty keys and tokens exist") {
        put_catalog(db);
        write(db, [](transaction& tx) {
            tx.insert_booking(booking_at("b-1", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z"));
            tx.insert_booking(booking_at("b-2", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z"));
            tx.link("anna", "cut");
            CHECK(tx.mark_reminded("b-1", minutes{60}));
        });
        read(db, [](transaction& tx) {
            REQUIRE(tx.booking("b-1")->idempotency_key.empty());
            REQUIRE(tx.booking("b-1")->hold_token.empty());
            CHECK_FALSE(tx.booking_by_idempotency_key("").has_value());
            CHECK_FALSE(tx.booking_by_hold_token("").has_value());
            CHECK_FALSE(tx.booking("").has_value());
            CHECK_FALSE(tx.location("").has_value());
            CHECK_FALSE(tx.resource("").has_value());
            CHECK_FALSE(tx.service("").has_value());
            CHECK_FALSE(tx.client("").has_value());
            CHECK_FALSE(tx.series("").has_value());
            CHECK(tx.providers("").empty());
            CHECK(tx.services_of("").empty());
            CHECK(tx.bookings_of_resource("", {at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z")}).empty());
            CHECK_FALSE(tx.reminded("", minutes{60}));
        });
    }

    SUBCASE("bookings_of_resource returns exactly the bookings whose padded interval overlaps the span, by start then id") {
        put_catalog(db);
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
        auto ends_at_start = booking_at("ends-at-start", "2026-03-02T10:00:00Z", "2026-03-02T11:50:00Z");
        ends_at_start.buffer_after = minutes{10};
        auto cancelled = booking_at("cancelled", "2026-03-02T12:30:00Z", "2026-03-02T12:40:00Z");
        cancelled.status = booking_status::cancelled;
        auto hold = held();
        hold.time = {at("2026-03-02T12:40:00Z"), at("2026-03-02T12:50:00Z")};
        auto other_resource = booking_at("other-resource", "2026-03-02T12:00:00Z", "2026-03-02T13:00:00Z");
        other_resource.resource = "boris";
        auto next_day = booking_at("next-day", "2026-03-03T12:00:00Z", "2026-03-03T13:00:00Z");
        write(db, [&](transaction& tx) {
            for (const auto& b : {inside, across, before_touching, after_touching, by_buffer_after, by_buffer_before,
                                  buffer_touching, ends_at_start, cancelled, hold, other_resource, next_day})
                tx.insert_booking(b);
        });
        read(db, [&](transaction& tx) {
            const auto found = tx.bookings_of_resource("anna", span);
            // By start: across and by-buffer-after both start at 11:00 (ties by id); any status.
            CHECK(ids_of(found) ==
                  strings{"across", "by-buffer-after", "inside", "cancelled", "b-held", "by-buffer-before"});
            REQUIRE(found.size() == 6);
            CHECK(found[1] == by_buffer_after);
            CHECK(found[4] == hold);
            CHECK(ids_of(tx.bookings_of_resource("boris", span)) == strings{"other-resource"});
            CHECK(tx.bookings_of_resource("anna", {at("2026-03-05T00:00:00Z"), at("2026-03-06T00:00:00Z")}).empty());
        });
    }

    SUBCASE("booking lists are ordered by start, then id in byte order") {
        put_catalog(db);
        // Five bookings start at 10:00; "z" starts earlier and "A" later.
        const strings at_ten{"b", "\xc3\xa4", "a-9", "B", "a-10"};  // "ä" in UTF-8 sorts after "z" by bytes
        write(db, [&](transaction& tx) {
            tx.insert_booking(booking_at("A", "2026-03-02T11:00:00Z", "2026-03-02T11:30:00Z"));
            for (const auto& id : at_ten) tx.insert_booking(booking_at(id, "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z"));
            tx.insert_booking(booking_at("z", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z"));
        });
        const strings expected{"z", "B", "a-10", "a-9", "b", "\xc3\xa4", "A"};
        read(db, [&](transaction& tx) {
            const interval day{at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z")};
            CHECK(ids_of(tx.bookings_of_resource("anna", day)) == expected);
            CHECK(ids_of(tx.bookings_of_client("ivan")) == expected);
            CHECK(ids_of(tx.confirmed_starting_in(day)) == expected);
        });
    }

    SUBCASE("bookings_of_client lists the client's bookings of any status and resource, by start") {
        put_catalog(db);
        auto late = booking_at("late", "2026-03-04T09:00:00Z", "2026-03-04T09:30:00Z");
        auto early_boris = booking_at("early-boris", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
        early_boris.resource = "boris";
        auto cancelled = booking_at("cancelled", "2026-03-03T09:00:00Z", "2026-03-03T09:30:00Z");
        cancelled.status = booking_status::cancelled;
        auto hers = booking_at("hers", "2026-03-02T08:00:00Z", "2026-03-02T08:30:00Z");
        hers.client = "olga";
        write(db, [&](transaction& tx) {
            for (const auto& b : {late, early_boris, cancelled, held(), hers}) tx.insert_booking(b);
        });
        read(db, [&](transaction& tx) {
            const auto found = tx.bookings_of_client("ivan");
            CHECK(ids_of(found) == strings{"early-boris", "b-held", "cancelled", "late"});
            REQUIRE(found.size() == 4);
            CHECK(found[1] == held());
            CHECK(found[2] == cancelled);
            CHECK(ids_of(tx.bookings_of_client("olga")) == strings{"hers"});
            CHECK(tx.bookings_of_client("nobody").empty());
        });
    }

    SUBCASE("bookings_of_group lists the pool bookings made with one booking, of any status, by start, and none for an empty group") {
        put_catalog(db);
        auto main = booking_at("main", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
        auto room = booking_at("room", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
        room.resource = "boris";
        room.group = "main";
        room.pool = "room";
        auto chair = booking_at("chair", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
        chair.group = "main";
        chair.pool = "chair";
        chair.status = booking_status::cancelled;
        auto other = booking_at("other", "2026-03-02T08:00:00Z", "2026-03-02T08:30:00Z");
        other.group = "elsewhere";
        write(db, [&](transaction& tx) {
            for (const auto& b : {main, room, chair, other}) tx.insert_booking(b);
        });
        read(db, [&](transaction& tx) {
            const auto found = tx.bookings_of_group("main");
            CHECK(ids_of(found) == strings{"chair", "room"});
            REQUIRE(found.size() == 2);
            CHECK(found[0] == chair);
            CHECK(found[1] == room);
            CHECK(ids_of(tx.bookings_of_group("elsewhere")) == strings{"other"});
            CHECK(tx.bookings_of_group("").empty());
            CHECK(tx.bookings_of_group("room").empty());
        });
    }

    SUBCASE("waiting-list entries are put, read back equal, listed by client and while open, and marked reported once") {
        put_catalog(db);
        const waitlist_entry first{.id = "wl_b", .client = "ivan", .service = "cut", .resource = "anna",
                                   .window = {at("2026-03-02T09:00:00Z"), at("2026-03-02T12:00:00Z")}, .seats = 2,
                                   .offer_ttl = minutes{15}, .created_at = at("2026-03-01T08:00:00Z"),
                                   .updated_at = at("2026-03-01T08:00:00Z")};
        waitlist_entry offered = first;
        offered.id = "wl_a";
        offered.location = "salon";
        offered.status = waitlist_status::offered;
        offered.offer = "b-held";
        offered.created_at = at("2026-03-01T09:00:00Z");
        waitlist_entry done = first;
        done.id = "wl_c";
        done.status = waitlist_status::booked;
        write(db, [&](transaction& tx) {
            for (const auto& e : {first, offered, done}) tx.put_waitlist_entry(e);
        });
        read(db, [&](transaction& tx) {
            CHECK(tx.find_waitlist_entry("wl_a") == offered);
            CHECK_FALSE(tx.find_waitlist_entry("wl_z").has_value());
            std::vector<std::string> ids;
            for (const auto& e : tx.waitlist_of_client("ivan")) ids.push_back(e.id);
            CHECK(ids == strings{"wl_b", "wl_c", "wl_a"});  // by creation, then id
            ids.clear();
            for (const auto& e : tx.open_waitlist()) ids.push_back(e.id);
            CHECK(ids == strings{"wl_b", "wl_a"});
            CHECK(tx.waitlist_of_client("olga").empty());
        });
        CHECK(db.write({}, [](transaction& tx) { return tx.mark_waitlist_notified("wl_a"); }));
        CHECK_FALSE(db.write({}, [](transaction& tx) { return tx.mark_waitlist_notified("wl_a"); }));
        CHECK(db.read([](transaction& tx) { return tx.find_waitlist_entry("wl_a"); })->notified);
        CHECK(refusal([&] { write(db, [&](transaction& tx) { (void)tx.mark_waitlist_notified("wl_z"); }); }) ==
              refused{error_category::not_found, "waitlist"});
        waitlist_entry moved = first;
        moved.status = waitlist_status::left;
        write(db, [&](transaction& tx) { tx.put_waitlist_entry(moved); });  // replaces by id
        CHECK(db.read([](transaction& tx) { return tx.find_waitlist_entry("wl_b"); }) == moved);

        waitlist_entry bad = first;
        bad.id = "wl_bad";
        bad.client = "nobody";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_waitlist_entry(bad); }); }) ==
              refused{error_category::not_found, "waitlist.client"});
        bad.client = "ivan";
        bad.service = "massage";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_waitlist_entry(bad); }); }) ==
              refused{error_category::not_found, "waitlist.service"});
        bad.service = "cut";
        bad.window = {bad.window.end, bad.window.start};
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_waitlist_entry(bad); }); }) ==
              refused{error_category::invalid_argument, "waitlist.window"});
        CHECK_FALSE(db.read([](transaction& tx) { return tx.find_waitlist_entry("wl_bad"); }).has_value());
    }

    SUBCASE("confirmed_starting_in lists confirmed bookings whose start is in the half-open span") {
        put_catalog(db);
        auto at_start = booking_at("at-start", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z");
        auto at_end = booking_at("at-end", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z");
        auto earlier = booking_at("earlier", "2026-03-02T08:59:00Z", "2026-03-02T09:30:00Z");
        auto hold = held();
        hold.time = {at("2026-03-02T09:30:00Z"), at("2026-03-02T09:45:00Z")};
        auto cancelled = booking_at("cancelled", "2026-03-02T09:40:00Z", "2026-03-02T09:50:00Z");
        cancelled.status = booking_status::cancelled;
        auto middle = booking_at("middle", "2026-03-02T09:15:00Z", "2026-03-02T09:20:00Z");
        middle.resource = "boris";
        write(db, [&](transaction& tx) {
            for (const auto& b : {at_start, at_end, earlier, hold, cancelled, middle}) tx.insert_booking(b);
        });
        read(db, [&](transaction& tx) {
            const auto found = tx.confirmed_starting_in({at("2026-03-02T09:00:00Z"), at("2026-03-02T10:00:00Z")});
            CHECK(ids_of(found) == strings{"at-start", "middle"});
            REQUIRE(found.size() == 2);
            CHECK(found[1] == middle);
        });
    }

    SUBCASE("a series is found by its idempotency key, which no other series may take; a replace moves it") {
        put_catalog(db);
        write(db, [](transaction& tx) { tx.put_series(weekly_series()); });
        read(db, [](transaction& tx) {
            CHECK(tx.series_by_idempotency_key("weekly-1") == weekly_series());
            CHECK_FALSE(tx.series_by_idempotency_key("weekly-2").has_value());
            CHECK_FALSE(tx.series_by_idempotency_key("").has_value());
        });
        series_record twin = weekly_series();
        twin.id = "s-2";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_series(twin); }); }) ==
              refused{error_category::conflict, "series.idempotency_key"});
        twin.idempotency_key.clear();
        series_record unkeyed = twin;
        unkeyed.id = "s-3";
        write(db, [&](transaction& tx) {
            tx.put_series(twin);  // no key: any number of series
            tx.put_series(unkeyed);
        });
        series_record rekeyed = weekly_series();
        rekeyed.idempotency_key = "weekly-2";
        write(db, [&](transaction& tx) { tx.put_series(rekeyed); });
        // A write that fails after a replace leaves the key where it was.
        CHECK_THROWS_AS(write(db,
                              [&](transaction& tx) {
                                  series_record back = rekeyed;
                                  back.idempotency_key = "weekly-3";
                                  tx.put_series(back);
                                  CHECK(tx.series_by_idempotency_key("weekly-3") == back);
                                  throw std::runtime_error("the engine refused");
                              }),
                        std::runtime_error);
        read(db, [&](transaction& tx) {
            CHECK_FALSE(tx.series_by_idempotency_key("weekly-1").has_value());
            CHECK_FALSE(tx.series_by_idempotency_key("weekly-3").has_value());
            CHECK(tx.series_by_idempotency_key("weekly-2") == rekeyed);
            CHECK(tx.series("s-2") == twin);
            CHECK(tx.series("s-3") == unkeyed);
        });
        // The key it left is free again.
        twin.idempotency_key = "weekly-1";
        write(db, [&](transaction& tx) { tx.put_series(twin); });
        read(db, [&](transaction& tx) { CHECK(tx.series_by_idempotency_key("weekly-1") == twin); });
    }

    SUBCASE("put_series inserts or replaces by id and reads back equal; an unknown resource is not_found") {
        put_catalog(db);
        write(db, [](transaction& tx) { tx.put_series(weekly_series()); });
        series_record changed = weekly_series();
        changed.resource = "boris";
        changed.rrule = "FREQ=DAILY;COUNT=5";
        changed.first_start = at("2026-03-03T07:00:00Z");
        changed.except_dates = {on(2026, 3, 4), on(2026, 3, 6)};
        const series_record other{.id = "s-2", .resource = "anna", .rrule = "FREQ=WEEKLY;COUNT=2",
                                  .first_start = at("2026-03-02T12:00:00Z")};
        write(db, [&](transaction& tx) {
            tx.put_series(changed);
            tx.put_series(other);
        });
        series_record lost = weekly_series();
        lost.id = "s-3";
        lost.resource = "nobody";
        CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.put_series(lost); }); }) ==
              refused{error_category::not_found, "series.resource"});
        read(db, [&](transaction& tx) {
            CHECK(tx.series("s-1") == changed);
            CHECK(tx.series("s-2") == other);
            CHECK_FALSE(tx.series("s-3").has_value());
        });
    }

    SUBCASE("the audit log numbers entries in increasing order and pages by sequence") {
        std::vector<std::int64_t> sequences;
        write(db, [&](transaction& tx) {
            for (int i = 0; i < 3; ++i)
                sequences.push_back(tx.append_audit({.at = at("2026-03-01T08:00:00Z") + std::chrono::seconds{i},
                                                     .actor = "admin",
                                                     .action = "add_resource",
                                                     .subject = fmt::format("r{}", i),
                                                     .before = i == 0 ? "" : "{}",
                                                     .after = "{\"id\": 1}"}));
        });
        write(db, [&](transaction& tx) {  // a later transaction numbers after the earlier one
            for (int i = 3; i < 5; ++i)
                sequences.push_back(tx.append_audit({.at = at("2026-03-01T08:00:00Z") + std::chrono::seconds{i},
                                                     .actor = "admin",
                                                     .action = "add_resource",
                                                     .subject = fmt::format("r{}", i),
                                                     .before = "{}",
                                                     .after = "{\"id\": 1}"}));
        });
        CHECK(std::adjacent_find(sequences.begin(), sequences.end(), std::greater_equal<>()) == sequences.end());
        read(db, [&](transaction& tx) {
            const auto page = tx.audit_log(sequences[1], 2);
            REQUIRE(page.size() == 2);
            CHECK(page[0].sequence == sequences[2]);
            CHECK(page[0].subject == "r2");
            CHECK(page[1].sequence == sequences[3]);
            CHECK(page[1].at == at("2026-03-01T08:00:03Z"));
            CHECK(page[1].before == "{}");
            const auto all = tx.audit_log(0, 100);
            REQUIRE(all.size() == 5);
            CHECK(all.front().before.empty());
            CHECK(all.back().subject == "r4");
            CHECK(tx.audit_log(sequences.back(), 100).empty());
            CHECK(tx.audit_log(0, 0).empty());
        });
    }

    SUBCASE("a read transaction refuses every write as storage and changes nothing") {
        put_catalog(db);
        write(db, [](transaction& tx) { tx.insert_booking(held()); });
        booking_record confirmed = held();
        confirmed.status = booking_status::confirmed;
        const std::vector<std::pair<std::string, std::function<void(transaction&)>>> writes{
            {"put_location", [](transaction& tx) { tx.put_location({.id = "attic", .name = "Attic"}); }},
            {"put_resource", [](transaction& tx) { tx.put_resource({.id = "carl", .name = "Carl", .time_zone = "UTC"}); }},
            {"put_service", [](transaction& tx) { tx.put_service({.rules = {.id = "nails", .duration = minutes{45}}}); }},
            {"link", [](transaction& tx) { tx.link("anna", "cut"); }},
            {"unlink", [](transaction& tx) { tx.unlink("anna", "cut"); }},
            {"put_client", [](transaction& tx) { tx.put_client({.id = "olga", .name = "Olga"}); }},
            {"save_settings", [](transaction& tx) { tx.save_settings(some_settings()); }},
            {"insert_booking",
             [](transaction& tx) { tx.insert_booking(booking_at("b-new", "2026-03-03T09:00:00Z", "2026-03-03T09:30:00Z")); }},
            {"update_booking", [&](transaction& tx) { tx.update_booking(confirmed); }},
            {"put_series", [](transaction& tx) { tx.put_series(weekly_series()); }},
            {"mark_reminded", [](transaction& tx) { (void)tx.mark_reminded("b-held", minutes{60}); }},
            {"append_audit", [](transaction& tx) { (void)tx.append_audit({.action = "x"}); }},
        };
        for (const auto& [name, work] : writes) {
            CAPTURE(name);
            CHECK(category_of([&] { read(db, work); }) == error_category::storage);
        }
        read(db, [](transaction& tx) {
            CHECK_FALSE(tx.location("attic").has_value());
            CHECK_FALSE(tx.resource("carl").has_value());
            CHECK_FALSE(tx.service("nails").has_value());
            CHECK(tx.providers("cut").empty());
            CHECK_FALSE(tx.client("olga").has_value());
            CHECK(tx.load_settings() == settings{});
            CHECK_FALSE(tx.booking("b-new").has_value());
            CHECK(tx.booking("b-held") == held());
            CHECK_FALSE(tx.series("s-1").has_value());
            CHECK_FALSE(tx.reminded("b-held", minutes{60}));
            CHECK(tx.audit_log(0, 10).empty());
        });
    }

    SUBCASE("a write in a read transaction is storage even when it would also be refused for another reason") {
        put_catalog(db);
        write(db, [](transaction& tx) { tx.insert_booking(held()); });
        booking_record ghost = booking_at("ghost", "2026-03-03T09:00:00Z", "2026-03-03T09:30:00Z");
        const std::vector<std::pair<std::string, std::function<void(transaction&)>>> writes{
            {"put_resource at a missing location",
             [](transaction& tx) { tx.put_resource({.id = "carl", .name = "Carl", .time_zone = "UTC",
                                                    .schedules = {{.location = "moon"}}}); }},
            {"put_service at a missing location",
             [](transaction& tx) { tx.put_service({.rules = {.id = "nails", .duration = minutes{45}}, .locations = {"moon"}}); }},
            {"link to a missing service", [](transaction& tx) { tx.link("anna", "massage"); }},
            {"put_client with another client's identity",
             [](transaction& tx) { tx.put_client({.id = "olga", .name = "Olga", .identities = {{messenger::telegram, "555"}}}); }},
            {"insert_booking with a taken id", [](transaction& tx) { tx.insert_booking(held()); }},
            {"update_booking of a missing booking", [&](transaction& tx) { tx.update_booking(ghost); }},
            {"put_series of a missing resource",
             [](transaction& tx) { tx.put_series({.id = "s-9", .resource = "nobody", .rrule = "FREQ=DAILY"}); }},
            {"mark_reminded of a missing booking", [](transaction& tx) { (void)tx.mark_reminded("ghost", minutes{60}); }},
        };
        for (const auto& [name, work] : writes) {
            CAPTURE(name);
            CHECK(category_of([&] { read(db, work); }) == error_category::storage);
        }
    }

    SUBCASE("overlapping bookings and over-sold group slots written past the scheduler: refused as a conflict where the database checks them, kept otherwise") {
        put_catalog(db);
        booking_record first = booking_at("y-1", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z");
        first.service = "yoga";  // one seat
        booking_record over = first;
        over.id = "y-2";
        over.time = {at("2026-03-02T09:30:00Z"), at("2026-03-02T10:30:00Z")};
        booking_record touching = first;
        touching.id = "y-3";
        touching.time = {at("2026-03-02T10:00:00Z"), at("2026-03-02T11:00:00Z")};
        booking_record cancelled = over;
        cancelled.id = "y-4";
        cancelled.status = booking_status::cancelled;
        booking_record extra_seat = booking_at("c-extra", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z");
        extra_seat.service = "cut";  // held() takes both seats of this slot
        write(db, [&](transaction& tx) {
            tx.insert_booking(first);
            tx.insert_booking(touching);   // padded intervals that only touch never overlap
            tx.insert_booking(cancelled);  // a cancelled booking blocks nothing
            tx.insert_booking(held());
        });
        const interval day{at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z")};
        if constexpr (Backend::overlap_in_database) {
            CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.insert_booking(over); }); }) ==
                  refused{error_category::conflict, "booking"});
            CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.insert_booking(extra_seat); }); }) ==
                  refused{error_category::conflict, "booking.seats"});
            // A pool member's booking (SPEC §10) is kept from overlaps as any
            // booking is, but its seats are counted on its main booking only.
            booking_record pool_seat = extra_seat;
            pool_seat.id = "c-pool";
            pool_seat.group = "b-held";
            pool_seat.pool = "room";
            write(db, [&](transaction& tx) { tx.insert_booking(pool_seat); });
            booking_record pool_over = over;
            pool_over.id = "y-5";
            pool_over.group = "y-main";
            pool_over.pool = "room";
            CHECK(refusal([&] { write(db, [&](transaction& tx) { tx.insert_booking(pool_over); }); }) ==
                  refused{error_category::conflict, "booking"});
            read(db, [&](transaction& tx) {
                CHECK(ids_of(tx.bookings_of_resource("anna", day)) == strings{"y-1", "y-4", "b-held", "c-pool", "y-3"});
            });
        } else {
            write(db, [&](transaction& tx) {
                tx.insert_booking(over);
                tx.insert_booking(extra_seat);
            });
            read(db, [&](transaction& tx) {
                CHECK(ids_of(tx.bookings_of_resource("anna", day)) ==
                      strings{"y-1", "y-2", "y-4", "b-held", "c-extra", "y-3"});
            });
        }
    }

    SUBCASE("writers naming a common lock are serialised: a read-then-write never interleaves") {
        put_catalog(db);
        // Each transaction numbers its booking after the bookings it sees; two
        // interleaved writers would pick the same id and collide.
        constexpr int threads_count = 4;
        constexpr int per_thread = 15;
        const std::string lock = "anna";
        std::vector<std::thread> threads;
        std::atomic<int> failures{0};
        for (int t = 0; t < threads_count; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < per_thread; ++i) {
                    try {
                        db.run(access::write, std::span(&lock, 1), [&](transaction& tx) {
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
        read(db, [&](transaction& tx) {
            const auto all = tx.bookings_of_client("ivan");
            REQUIRE(all.size() == threads_count * per_thread);
            CHECK(all.back().id == fmt::format("n{:03}", threads_count * per_thread - 1));
        });
    }

    SUBCASE("store::write and store::read return what the work returns") {
        put_catalog(db);
        const std::string lock = "anna";
        const auto sequence = db.write(std::span(&lock, 1), [](transaction& tx) { return tx.append_audit({.action = "x"}); });
        CHECK(sequence >= 1);
        CHECK(db.read([](transaction& tx) { return tx.audit_log(0, 10); }).front().sequence == sequence);
        CHECK(db.read([](transaction& tx) { return tx.resource("anna"); }) == anna());
        db.write({}, [](transaction& tx) { tx.put_location({.id = "attic", .name = "Attic"}); });  // void work
        CHECK(db.read([](transaction& tx) { return tx.locations().size(); }) == 3);
    }
}

#ifdef SLOTCRAFT_CONFORMANCE_ON_POSTGRES
// The PostgreSQL build of this file (tests/CMakeLists.txt): skipped without a server.
TEST_CASE_TEMPLATE_INVOKE(store_contract, slotcraft::test::postgres_backend);
#else
TEST_CASE_TEMPLATE_INVOKE(store_contract, slotcraft::test::memory_backend, slotcraft::test::sqlite_backend);
#endif
