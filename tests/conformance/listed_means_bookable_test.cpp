// "Listed means bookable, and nothing books what it should not": the
// scheduler defects independent testing found (issue 15), each pinned on
// every store. tests/conformance/scheduler_random_test.cpp checks the same
// promise on random catalogs.
#include "backends.hpp"
#include "refusals.hpp"

#include <slotcraft/scheduler.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>

using namespace slotcraft;
using slotcraft::test::field_of;
using namespace std::chrono_literals;

namespace {

instant at(std::string_view iso) { return parse_instant(iso); }

const instant now = at("2026-03-01T12:00:00Z");
const instant monday_1000 = at("2026-03-02T09:00:00Z");  // 10:00 in Berlin (CET)
const interval monday{at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z")};

location_schedule mondays(std::string location, std::string_view from, std::string_view to) {
    location_schedule out{.location = std::move(location)};
    out.weekly.set(date::Monday, {local_range::parse(from, to)});
    return out;
}

/// Two places in Berlin. North: Anna and Carl; south: Boris; Dora works at
/// both at once (Monday 09:00-18:00 everywhere).
void open_two_places(scheduler& s) {
    s.put_location({.id = "north", .name = "North"});
    s.put_location({.id = "south", .name = "South"});
    s.put_resource({.id = "anna", .time_zone = "Europe/Berlin", .schedules = {mondays("north", "09:00", "18:00")}});
    s.put_resource({.id = "carl", .time_zone = "Europe/Berlin", .schedules = {mondays("north", "09:00", "18:00")}});
    s.put_resource({.id = "boris", .time_zone = "Europe/Berlin", .schedules = {mondays("south", "09:00", "18:00")}});
    s.put_resource({.id = "dora",
                    .time_zone = "Europe/Berlin",
                    .schedules = {mondays("north", "09:00", "18:00"), mondays("south", "09:00", "18:00")}});
    s.put_service({.rules = {.id = "cut", .duration = 30min}});
    s.put_service({.rules = {.id = "long", .duration = 60min}});
    s.put_service({.rules = {.id = "yoga", .duration = 60min, .capacity = 3}});
    for (const char* who : {"anna", "carl", "boris", "dora"})
        for (const char* what : {"cut", "long", "yoga"}) s.link(who, what);
    s.put_client({.id = "c1", .name = "Client One"});
}

/// True when two active bookings of one resource overlap (padded), other
/// than seats of one group class.
bool any_double_booking(scheduler& s, const std::vector<std::string>& resources) {
    for (const std::string& r : resources) {
        const auto list = s.upcoming(r, now, 30);
        for (std::size_t i = 0; i < list.size(); ++i)
            for (std::size_t j = i + 1; j < list.size(); ++j) {
                const booking_record& a = list[i];
                const booking_record& b = list[j];
                const bool seats_of_one_class =
                    a.service == b.service && a.time.start == b.time.start && a.location == b.location;
                if (!seats_of_one_class && a.padded().overlaps(b.padded())) return true;
            }
    }
    return false;
}


}  // namespace

TEST_CASE_TEMPLATE_DEFINE("listed means bookable on every store", Backend, listed_means_bookable) {
    Backend backend;
    scheduler s(backend.get());
    open_two_places(s);

    SUBCASE("a moved booking takes the service's current length: after a service gets shorter it cannot overlap") {
        const booking_record first = s.book({.resource = "anna", .service = "long", .start = monday_1000}, now);
        (void)s.book({.resource = "anna", .service = "long", .start = monday_1000 + 1h}, now);
        s.put_service({.rules = {.id = "long", .duration = 30min}});
        const booking_record moved = s.reschedule(first.id, monday_1000 + 30min, now);
        CHECK(moved.time == interval{monday_1000 + 30min, monday_1000 + 1h});
        CHECK(s.booking(first.id)->time == moved.time);
        CHECK_FALSE(any_double_booking(s, {"anna"}));
    }

    SUBCASE("a moved booking takes the service's current buffers: after a buffer is dropped it cannot overlap") {
        s.put_service({.rules = {.id = "cut", .duration = 30min, .buffer_after = 30min}});
        const booking_record first = s.book({.resource = "anna", .service = "cut", .start = monday_1000}, now);
        (void)s.book({.resource = "anna", .service = "cut", .start = monday_1000 + 1h}, now);
        s.put_service({.rules = {.id = "cut", .duration = 30min}});
        const booking_record moved = s.reschedule(first.id, monday_1000 + 30min, now);
        CHECK(moved.buffer_after == 0min);
        CHECK_FALSE(any_double_booking(s, {"anna"}));
        // And the other way round: a longer service does not fit where the shorter one did.
        s.put_service({.rules = {.id = "cut", .duration = 45min}});
        CHECK_THROWS_AS((void)s.reschedule(first.id, monday_1000 + 30min, now), booking_refused);
        CHECK(s.booking(first.id)->time == moved.time);
        CHECK_FALSE(any_double_booking(s, {"anna"}));
    }

    SUBCASE("every resource a slot lists can be booked at the slot's location, and only there") {
        for (const located_slot& slot : s.slots({.service = "cut", .from = monday.start, .to = monday.end}, now)) {
            REQUIRE_FALSE(slot.location.empty());
            for (const std::string& r : slot.free.resources) {
                INFO(r, " at ", slot.location, " ", format_instant(slot.free.time.start));
                const booking_request ask{.resource = r, .service = "cut", .location = slot.location,
                                          .start = slot.free.time.start};
                CHECK(s.check(ask, now).empty());
            }
        }
    }

    SUBCASE("a start free at two places is two slots, each with the resources free there") {
        const auto free = s.slots({.service = "cut", .from = monday_1000, .to = monday_1000 + 1s}, now);
        REQUIRE(free.size() == 2);
        CHECK(free[0].location == "north");
        CHECK(free[1].location == "south");
        CHECK(std::vector<std::string>(free[0].free.resources.begin(), free[0].free.resources.end()) ==
              std::vector<std::string>{"anna", "carl", "dora"});
        CHECK(std::vector<std::string>(free[1].free.resources.begin(), free[1].free.resources.end()) ==
              std::vector<std::string>{"boris", "dora"});
    }

    SUBCASE("a slot's resources come in SPEC §6 order, by their bookings in the asked range") {
        // Anna is the busiest at the north, Boris at the south.
        (void)s.book({.resource = "anna", .service = "cut", .start = monday_1000 + 5h}, now);
        (void)s.book({.resource = "anna", .service = "cut", .start = monday_1000 + 6h}, now);
        (void)s.book({.resource = "boris", .service = "cut", .start = monday_1000 + 6h}, now);
        const auto free = s.slots({.service = "cut", .from = monday.start, .to = monday.end}, now);
        std::vector<std::vector<std::string>> at_ten;
        for (const located_slot& slot : free)
            if (slot.free.time.start == monday_1000)
                at_ten.emplace_back(slot.free.resources.begin(), slot.free.resources.end());
        CHECK(at_ten == std::vector<std::vector<std::string>>{{"carl", "dora", "anna"}, {"dora", "boris"}});
    }

    SUBCASE("a slot's seats are those of its own location") {
        (void)s.book({.resource = "boris", .service = "yoga", .start = monday_1000, .seats = 2}, now);
        const auto free = s.slots(
            {.service = "yoga", .resources = {"anna", "boris"}, .from = monday_1000, .to = monday_1000 + 1s}, now);
        REQUIRE(free.size() == 2);
        CHECK(free[0].location == "north");
        CHECK(free[0].free.seats_left == 3);
        CHECK(free[1].location == "south");
        CHECK(free[1].free.resources.front() == "boris");
        CHECK(free[1].free.seats_left == 1);
    }

    SUBCASE("a group class at one place takes its resource away from every other place at that time") {
        (void)s.book({.resource = "dora", .service = "yoga", .location = "north", .start = monday_1000}, now);
        const auto free = s.slots({.service = "yoga", .resources = {"dora"}, .from = monday_1000, .to = monday_1000 + 1s}, now);
        REQUIRE(free.size() == 1);
        CHECK(free[0].location == "north");
        CHECK(free[0].free.seats_left == 2);
        const booking_request south{.resource = "dora", .service = "yoga", .location = "south", .start = monday_1000};
        REQUIRE_FALSE(s.check(south, now).empty());
        CHECK(s.check(south, now).front().code == reason_code::busy);
        CHECK_THROWS_AS((void)s.book(south, now), booking_refused);
    }

    SUBCASE("a hold on a service unlinked since cannot be confirmed") {
        const booking_record held = s.hold({.resource = "anna", .service = "cut", .start = monday_1000}, 10min, now);
        s.unlink("anna", "cut");
        CHECK_THROWS_AS((void)s.confirm(held.hold_token, now + 1min), error);
        CHECK(s.booking(held.id)->status == booking_status::held);
    }

    SUBCASE("a hold on a service no longer offered at its location cannot be confirmed") {
        const booking_record held = s.hold({.resource = "anna", .service = "cut", .start = monday_1000}, 10min, now);
        s.put_service({.rules = {.id = "cut", .duration = 30min}, .locations = {"south"}});
        CHECK_THROWS_AS((void)s.confirm(held.hold_token, now + 1min), error);
        CHECK(s.booking(held.id)->status == booking_status::held);
    }

    SUBCASE("reschedule moves a booking to another location; slots that ignore it list exactly what it accepts") {
        const booking_record b = s.book({.resource = "dora", .service = "cut", .location = "north", .start = monday_1000}, now);
        const auto offered = s.slots({.service = "cut", .resources = {"dora"}, .from = monday.start, .to = monday.end,
                                      .ignore_booking = b.id},
                                     now);
        REQUIRE(offered.size() == 2 * 18);  // 09:00-18:00 in 30-minute steps, at both places, its own time included
        CHECK(std::count_if(offered.begin(), offered.end(), [&](const located_slot& x) {
                  return x.free.time.start == monday_1000;
              }) == 2);
        for (const located_slot& x : offered)
            CHECK(s.check({.resource = "dora", .service = "cut", .location = x.location, .start = x.free.time.start}, now,
                          b.id)
                      .empty());
        const booking_record moved = s.reschedule(b.id, monday_1000 + 2h, now, "desk", "south");
        CHECK(moved.location == "south");
        CHECK(moved.time.start == monday_1000 + 2h);
        CHECK(s.booking(b.id)->location == "south");
        CHECK(s.audit().back().action == "reschedule");
        // Without a location it stays where it is; Anna works only at the north.
        const booking_record anna = s.book({.resource = "anna", .service = "cut", .start = monday_1000}, now);
        CHECK(field_of([&] { (void)s.reschedule(anna.id, monday_1000 + 1h, now, "", "south"); }) == "location");
        CHECK(s.reschedule(anna.id, monday_1000 + 1h, now).location == "north");
    }

    SUBCASE("confirm checks the hold as book would at that moment, and writes the service's current length") {
        s.put_service({.rules = {.id = "cut", .duration = 30min, .min_notice = 60min}});
        const booking_record early = s.hold({.resource = "anna", .service = "cut", .start = monday_1000}, 30min,
                                            monday_1000 - 61min);
        try {
            (void)s.confirm(early.hold_token, monday_1000 - 59min);  // now inside the hour of notice
            FAIL("a hold was confirmed inside the notice period");
        } catch (const booking_refused& e) {
            REQUIRE_FALSE(e.reasons().empty());
            CHECK(e.reasons().front().code == reason_code::too_soon);
        }
        CHECK(s.booking(early.id)->status == booking_status::held);
        const booking_record held = s.hold({.resource = "anna", .service = "cut", .start = monday_1000 + 2h}, 30min, now);
        s.put_service({.rules = {.id = "cut", .duration = 45min, .buffer_after = 15min}});
        const booking_record confirmed = s.confirm(held.hold_token, now + 1min);
        CHECK(confirmed.time == interval{monday_1000 + 2h, monday_1000 + 2h + 45min});
        CHECK(confirmed.buffer_after == 15min);
        CHECK(s.booking(held.id)->time == confirmed.time);
    }

    SUBCASE("archived records are never offered or booked again, their bookings stay, and restoring takes them back") {
        const booking_record b = s.book({.resource = "anna", .service = "cut", .client = "c1", .start = monday_1000}, now);
        // Not while an active booking of it has not ended.
        CHECK(field_of([&] { s.archive_resource("anna", now); }) == "id");
        CHECK(field_of([&] { s.archive_service("cut", now); }) == "id");
        CHECK(field_of([&] { s.archive_location("north", now); }) == "id");
        // put_* keeps the archived state: archive_* and restore_* change it.
        resource_record flagged = *s.resource("anna");
        flagged.archived = true;
        CHECK(field_of([&] { s.put_resource(flagged); }) == "archived");
        CHECK(field_of([&] { s.put_location({.id = "east", .archived = true}); }) == "archived");
        CHECK(field_of([&] { s.archive_location("nowhere", now); }) == "id");
        CHECK_FALSE(s.resource("anna")->archived);
        // Once it has ended, it can: the booking stays readable.
        const instant later = monday_1000 + 1h;
        s.archive_resource("anna", later, "owner");
        CHECK(s.audit().back().action == "archive_resource");
        CHECK(s.audit().back().actor == "owner");
        const auto audited = s.audit().size();
        s.archive_resource("anna", later);
        CHECK(s.audit().size() == audited);  // archiving twice changes nothing
        CHECK(s.resource("anna")->archived);
        CHECK(s.booking(b.id)->status == booking_status::confirmed);
        CHECK(s.client_bookings("c1", later, false).size() == 1);
        CHECK(s.providers("cut") == std::vector<std::string>{"boris", "carl", "dora"});
        CHECK(s.providers("cut", archived_records::include).size() == 4);
        CHECK(s.resources().size() == 3);
        CHECK(s.resources(archived_records::include).size() == 4);
        for (const located_slot& x : s.slots({.service = "cut", .from = monday.start, .to = monday.end}, now))
            CHECK(std::find(x.free.resources.begin(), x.free.resources.end(), "anna") == x.free.resources.end());
        CHECK(field_of([&] { (void)s.slots({.service = "cut", .resources = {"anna"}, .from = monday.start, .to = monday.end}, now); }) ==
              "resources[0]");
        CHECK(field_of([&] { (void)s.book({.resource = "anna", .service = "cut", .start = monday_1000 + 3h}, now); }) ==
              "resource");
        CHECK(field_of([&] { s.link("anna", "yoga"); }) == "resource");
        resource_record renamed = *s.resource("anna");
        renamed.name = "Anna (left)";
        s.put_resource(renamed);  // an archived record may still be edited
        CHECK(s.resource("anna")->archived);
        renamed.archived = false;
        CHECK(field_of([&] { s.put_resource(renamed); }) == "archived");
        s.restore_resource("anna");
        CHECK(s.audit().back().action == "restore_resource");
        CHECK(s.book({.resource = "anna", .service = "cut", .start = monday_1000 + 3h}, now).location == "north");

        // A location: its schedules are skipped, naming it is refused.
        s.archive_location("south", now);
        CHECK(s.locations() == std::vector<location_record>{{.id = "north", .name = "North"}});
        CHECK(s.locations(archived_records::include).size() == 2);
        for (const located_slot& x : s.slots({.service = "cut", .from = monday.start, .to = monday.end}, now))
            CHECK(x.location == "north");
        CHECK(field_of([&] { (void)s.slots({.service = "cut", .location = "south", .from = monday.start, .to = monday.end}, now); }) ==
              "location");
        CHECK(field_of([&] { (void)s.book({.resource = "boris", .service = "cut", .start = monday_1000}, now); }) ==
              "location");
        CHECK(field_of([&] { (void)s.book({.resource = "dora", .service = "cut", .location = "south", .start = monday_1000}, now); }) ==
              "location");

        // A service: not offered, and its providers no longer list it.
        s.archive_service("long", now);
        CHECK(field_of([&] { (void)s.slots({.service = "long", .from = monday.start, .to = monday.end}, now); }) ==
              "service");
        CHECK(s.services_of("carl") == std::vector<std::string>{"cut", "yoga"});
        CHECK(s.services_of("carl", archived_records::include) == std::vector<std::string>{"cut", "long", "yoga"});
        CHECK(s.services().size() == 2);
        s.restore_service("long");
        CHECK(s.services().size() == 3);
        CHECK(field_of([&] { s.restore_service("nothing"); }) == "id");
    }

    SUBCASE("the day's grid is the grid the listing lays, for usual hours without the day's override") {
        const local_date monday_date{date::year{2026} / 3 / 2};
        const service half_hour{.id = "poll", .duration = 30min};
        std::vector<instant> listed;
        for (const located_slot& x : s.slots({.service = "cut", .resources = {"anna"}, .from = monday.start, .to = monday.end}, now))
            listed.push_back(x.free.time.start);
        CHECK(s.day_grid("anna", "", monday_date, half_hour) == listed);
        resource_record anna = *s.resource("anna");
        anna.schedules[0].overrides[monday_date] = {local_range::parse("12:00", "13:00")};
        s.put_resource(anna);
        CHECK(s.day_grid("anna", "north", monday_date, half_hour) == std::vector<instant>{monday_1000 + 2h, monday_1000 + 2h + 30min});
        CHECK(s.day_grid("anna", "north", monday_date, half_hour, true) == listed);
        CHECK(field_of([&] { (void)s.day_grid("dora", "", monday_date, half_hour); }) == "location");  // two places
        // The open time the grid is laid on: the override's hour, the same at north by name.
        CHECK(s.open_time("anna", "", monday).open.parts().size() == 1);
        CHECK(s.open_time("anna", "north", monday).open.covers({monday_1000 + 2h, monday_1000 + 3h}));
        CHECK_FALSE(s.open_time("anna", "north", monday).open.covers({monday_1000, monday_1000 + 1h}));
        CHECK(s.open_time("dora", "south", monday).open.covers({monday_1000, monday_1000 + 1h}));
        CHECK(field_of([&] { (void)s.open_time("dora", "", monday); }) == "location");
        CHECK(field_of([&] { (void)s.open_time("anna", "", {monday.end, monday.start}); }) == "span");
        CHECK(field_of([&] { (void)s.open_time("nobody", "", monday); }) == "resource");
        CHECK(field_of([&] { (void)s.day_grid("anna", "south", monday_date, half_hour); }) == "location");
        CHECK(field_of([&] { (void)s.day_grid("nobody", "", monday_date, half_hour); }) == "resource");
        CHECK(field_of([&] { (void)s.day_grid("anna", "", monday_date, {.id = "poll", .duration = 0min}); }) ==
              "service.duration");
    }

    SUBCASE("numbers beyond their bounds are refused naming the field, and the store stays readable") {
        const auto before = s.audit().size();
        CHECK(field_of([&] { s.put_service({.rules = {.id = "far", .duration = 30min, .max_advance = minutes{1LL << 31}}}); }) ==
              "max_advance");
        CHECK(field_of([&] { s.save_settings({.reminder_offsets = {minutes{1LL << 31}}}); }) == "reminder_offsets[0]");
        CHECK(field_of([&] { s.save_settings({.reminder_offsets = {60min, 1440min, 60min}}); }) == "reminder_offsets[2]");
        CHECK(field_of([&] { s.save_settings({.default_step = minutes{1LL << 31}}); }) == "default_step");
        // Instants a record cannot spell: written once, they made the resource unreadable.
        resource_record early = *s.resource("anna");
        early.time_off = {{earliest_instant - 14h, monday_1000}};
        CHECK(field_of([&] { s.put_resource(early); }) == "time_off[0].start");
        early.time_off = {{monday_1000, latest_instant + 1s}};
        CHECK(field_of([&] { s.put_resource(early); }) == "time_off[0].end");
        CHECK(field_of([&] {
                  (void)s.hold({.resource = "anna", .service = "cut", .start = monday_1000}, minutes{527040},
                               latest_instant - 24h);
              }) == "ttl");
        CHECK(s.resource("anna").has_value());
        CHECK(field_of([&] {
                  (void)s.hold({.resource = "anna", .service = "cut", .start = monday_1000}, minutes{1'000'000'000'000LL}, now);
              }) == "ttl");
        CHECK(s.audit().size() == before);
        CHECK_FALSE(s.service("far").has_value());
        CHECK(s.book({.resource = "anna", .service = "cut", .start = monday_1000}, now).status == booking_status::confirmed);
        CHECK(s.due_reminders(monday_1000 - 1h).empty());
    }

    SUBCASE("text that is not UTF-8 or holds a control character is refused naming the field, and nothing is written") {
        const auto before = s.audit().size();
        CHECK(field_of([&] { s.put_location({.id = "annex", .name = "bad\xffname"}); }) == "name");
        CHECK(field_of([&] { s.put_location({.id = "ann\xC3", .name = "Annex"}); }) == "id");  // cut off mid-character
        CHECK(field_of([&] { s.put_resource({.id = "an\x01na", .time_zone = "Europe/Berlin"}); }) == "id");
        CHECK(field_of([&] { s.put_service({.rules = {.id = "wash", .duration = 30min}, .name = "Wash\nand go"}); }) == "name");
        CHECK(field_of([&] { s.put_client({.id = "c-nul", .name = std::string("Ann\0a", 5)}); }) == "name");
        CHECK(field_of([&] { s.put_client({.id = "c-esc", .identities = {{messenger::vk, "1\x1b[2J"}}}); }) ==
              "identities[0].external_id");
        CHECK(field_of([&] { (void)s.client_for({messenger::telegram, "77"}, "Bell\x07"); }) == "name");
        CHECK(field_of([&] {
                  (void)s.book({.resource = "anna", .service = "cut", .start = monday_1000, .idempotency_key = "k\xff"}, now);
              }) == "idempotency_key");
        CHECK(field_of([&] { (void)s.book({.resource = "anna", .service = "cut", .start = monday_1000, .actor = "\xff"}, now); }) ==
              "actor");
        // The ids a write locks (PostgreSQL: by name, before anything is read) name no record.
        CHECK(field_of([&] { (void)s.book({.resource = "an\xffna", .service = "cut", .start = monday_1000}, now); }) ==
              "resource");
        CHECK(field_of([&] {
                  (void)s.book({.resource = "anna", .service = "cut", .client = std::string("c\0\xff", 3), .start = monday_1000},
                               now);
              }) == "client");
        const booking_record kept = s.book({.resource = "anna", .service = "cut", .start = monday_1000}, now);
        CHECK(field_of([&] { (void)s.cancel(kept.id, "no\x1bshow", now); }) == "reason");
        CHECK(field_of([&] { s.put_location({.id = "annex", .name = "Annex"}, "\xc0\xaf"); }) == "actor");  // an overlong '/'
        CHECK(s.audit().size() == before + 1);  // the one booking
        CHECK(s.booking(kept.id)->status == booking_status::confirmed);
        CHECK_FALSE(s.location("annex").has_value());
        CHECK_FALSE(s.client("c-nul").has_value());

        // Letters of every script, marks of direction and emoji are text like
        // any other; a cancel reason may have several lines.
        s.put_location({.id = "filiale-köln", .name = "Салон «Анна» — ‏שלום‏ 💇"});
        CHECK(s.location("filiale-köln")->name == "Салон «Анна» — ‏שלום‏ 💇");
        CHECK(s.cancel(kept.id, "ill,\r\n\tcalls back", now).cancel_reason == "ill,\r\n\tcalls back");
    }

    SUBCASE("report cells that a spreadsheet would run as formulas are neutralised, and the file starts with a BOM") {
        s.put_client({.id = "c-evil", .name = "=HYPERLINK(\"http://x\")"});
        s.put_location({.id = "north", .name = "+north"});
        const booking_record b =
            s.book({.resource = "anna", .service = "cut", .client = "c-evil", .start = monday_1000}, now);
        (void)s.cancel(b.id, "@SUM(1+1)", now);
        const std::string csv = s.bookings_csv({.period = monday});
        CHECK(csv.starts_with("\xEF\xBB\xBF" "id,"));
        CHECK(csv.find(",\"'=HYPERLINK(\"\"http://x\"\")\",") != std::string::npos);
        CHECK(csv.find(",'+north,") != std::string::npos);
        CHECK(csv.find(",'@SUM(1+1),") != std::string::npos);
        CHECK(csv.find(",=") == std::string::npos);
        CHECK(csv.find(",+") == std::string::npos);
        CHECK(csv.find(",@") == std::string::npos);
    }
}

#ifdef SLOTCRAFT_CONFORMANCE_ON_POSTGRES
TEST_CASE_TEMPLATE_INVOKE(listed_means_bookable, slotcraft::test::postgres_backend);
#else
TEST_CASE_TEMPLATE_INVOKE(listed_means_bookable, slotcraft::test::memory_backend, slotcraft::test::sqlite_backend);
#endif
