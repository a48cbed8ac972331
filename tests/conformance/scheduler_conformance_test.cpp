// One suite, every store: the scheduler's behaviour must not depend on where
// the data lives. Each backend below is a doctest template argument; the
// PostgreSQL store runs the same suite in its own test program (skipped
// without a server).
#include "backends.hpp"
#include "refusals.hpp"

#include <slotcraft/scheduler.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <stdexcept>

using namespace slotcraft;
using slotcraft::test::field_of;
using slotcraft::test::category_of;
using namespace std::chrono_literals;

namespace {

instant at(std::string_view iso) { return parse_instant(iso); }

/// Anna cuts hair in Berlin: salon A Mon-Wed, salon B Thu-Fri, 09:00-18:00
/// with a 13:00-14:00 break; a group yoga class with 3 seats at salon A.
void open_salon(scheduler& s) {
    s.put_location({.id = "salon-a", .name = "Salon A"});
    s.put_location({.id = "salon-b", .name = "Salon B"});
    location_schedule a{.location = "salon-a", .breaks = {local_range::parse("13:00", "14:00")}};
    location_schedule b{.location = "salon-b", .breaks = {local_range::parse("13:00", "14:00")}};
    for (auto day : {date::Monday, date::Tuesday, date::Wednesday}) a.weekly.set(day, {local_range::parse("09:00", "18:00")});
    for (auto day : {date::Thursday, date::Friday}) b.weekly.set(day, {local_range::parse("09:00", "18:00")});
    s.put_resource({.id = "anna", .name = "Anna", .time_zone = "Europe/Berlin", .schedules = {a, b}});
    s.put_service({.rules = {.id = "cut", .duration = 30min, .buffer_after = 10min}, .name = "Haircut"});
    s.put_service({.rules = {.id = "yoga", .duration = 60min, .capacity = 3}, .name = "Yoga", .locations = {"salon-a"}});
    s.link("anna", "cut");
    s.link("anna", "yoga");
    s.put_client({.id = "c1", .name = "Client One", .identities = {{messenger::telegram, "1001"}}});
    s.put_client({.id = "c2", .name = "Client Two", .identities = {{messenger::whatsapp, "+491700000"}}});
}

const instant now = at("2026-03-01T12:00:00Z");
const instant monday_0900 = at("2026-03-02T08:00:00Z");  // 09:00 in Berlin (CET)

booking_request cut_at(instant start, std::string client = "c1") {
    return {.resource = "anna", .service = "cut", .client = std::move(client), .start = start};
}

std::vector<instant> starts(const std::vector<located_slot>& slots) {
    std::vector<instant> out;
    for (const auto& s : slots) out.push_back(s.free.time.start);
    return out;
}

bool offers(const std::vector<located_slot>& slots, instant start) {
    const auto list = starts(slots);
    return std::find(list.begin(), list.end(), start) != list.end();
}

slot_request monday_cuts() {
    return {.service = "cut", .from = at("2026-03-02T00:00:00Z"), .to = at("2026-03-03T00:00:00Z")};
}


}  // namespace

TEST_CASE_TEMPLATE_DEFINE("scheduler on every store", Backend, scheduler_conformance) {
    Backend backend;
    scheduler s(backend.get());
    open_salon(s);

    SUBCASE("slots come from the stored schedule in the resource's zone, at the location of that day") {
        const auto monday = s.slots(monday_cuts(), now);
        REQUIRE_FALSE(monday.empty());
        CHECK(monday.front().free.time.start == monday_0900);
        CHECK(monday.front().location == "salon-a");
        CHECK_FALSE(offers(monday, at("2026-03-02T12:00:00Z")));  // 13:00 break
        auto thursday = monday_cuts();
        thursday.from = at("2026-03-05T00:00:00Z");
        thursday.to = at("2026-03-06T00:00:00Z");
        const auto thu = s.slots(thursday, now);
        REQUIRE_FALSE(thu.empty());
        CHECK(thu.front().location == "salon-b");
    }

    SUBCASE("a stored rotation gives each week its pattern in listing, check and booking (SPEC §9)") {
        // Boris works at salon B on Mondays 10:00-11:00 Berlin time in the anchor's week, not the next.
        weekly_hours on_duty;
        on_duty.set(date::Monday, {local_range::parse("10:00", "11:00")});
        const location_schedule rotating{.location = "salon-b",
                                         .rotation = weekly_rotation{.anchor = local_date{date::year{2026} / 3 / 4},
                                                                     .weeks = {on_duty, {}}}};
        s.put_resource({.id = "boris", .name = "Boris", .time_zone = "Europe/Berlin", .schedules = {rotating}});
        s.link("boris", "cut");
        CHECK(s.resource("boris")->schedules.front() == rotating);
        slot_request borises = monday_cuts();
        borises.resources = {"boris"};
        CHECK(starts(s.slots(borises, now)) == std::vector{at("2026-03-02T09:00:00Z"), at("2026-03-02T09:30:00Z")});
        borises.from = at("2026-03-09T00:00:00Z");
        borises.to = at("2026-03-10T00:00:00Z");
        CHECK(s.slots(borises, now).empty());
        borises.from = at("2026-03-16T00:00:00Z");
        borises.to = at("2026-03-17T00:00:00Z");
        CHECK(starts(s.slots(borises, now)) == std::vector{at("2026-03-16T09:00:00Z"), at("2026-03-16T09:30:00Z")});

        booking_request off_week{.resource = "boris", .service = "cut", .client = "c1",
                                 .start = at("2026-03-09T09:00:00Z")};
        CHECK(s.check(off_week, now).front().code == reason_code::outside_hours);
        CHECK(category_of([&] { (void)s.book(off_week, now); }) == error_category::conflict);
        off_week.start = at("2026-03-16T09:00:00Z");
        CHECK(s.book(off_week, now).location == "salon-b");

        // Weekly hours beside the rotation, or no weeks, are refused naming it, and nothing is written.
        const auto before = s.audit().size();
        resource_record both = *s.resource("boris");
        both.schedules.front().weekly = on_duty;
        CHECK(field_of([&] { s.put_resource(both); }) == "schedules[0].rotation");
        both.schedules.front().weekly = {};
        both.schedules.front().rotation->weeks.clear();
        CHECK(field_of([&] { s.put_resource(both); }) == "schedules[0].rotation");
        CHECK(s.audit().size() == before);
        CHECK(s.resource("boris")->schedules.front() == rotating);
    }

    SUBCASE("a service that needs a room books the master and a free room in one step, and the group moves and goes together (SPEC §10)") {
        // Two rooms at salon A with hours of their own; three masters share them.
        location_schedule room_one{.location = "salon-a"};
        location_schedule room_two{.location = "salon-a"};
        location_schedule master{.location = "salon-a"};
        for (auto day : {date::Monday, date::Tuesday}) {
            room_one.weekly.set(day, {local_range::parse("10:00", "18:00")});
            room_two.weekly.set(day, {local_range::parse("09:00", "12:00")});
            master.weekly.set(day, {local_range::parse("09:00", "18:00")});
        }
        s.put_resource({.id = "room-1", .name = "Room 1", .time_zone = "Europe/Berlin", .schedules = {room_one}});
        s.put_resource({.id = "room-2", .name = "Room 2", .time_zone = "Europe/Berlin", .schedules = {room_two}});
        for (const char* id : {"boris", "carol"})
            s.put_resource({.id = id, .name = id, .time_zone = "Europe/Berlin", .schedules = {master}});
        s.put_service({.rules = {.id = "color", .duration = 60min}, .name = "Colour", .locations = {"salon-a"},
                       .pools = {{.id = "room", .resources = {"room-1", "room-2"}}}});
        for (const char* id : {"anna", "boris", "carol"}) s.link(id, "color");
        const instant at_0900 = monday_0900;
        const instant at_1000 = monday_0900 + 1h;
        slot_request colors{.service = "color", .resources = {"anna"}, .from = at_0900, .to = at_1000 + 1s};

        // 09:00: only room 2 is open; 10:00: both, equally free, by id.
        const auto listed = s.slots(colors, now);
        REQUIRE(starts(listed) == std::vector<instant>{at_0900, at_1000});
        CHECK(listed[0].free.pools == std::vector<pool_choice>{{"room", {"room-2"}}});
        CHECK(listed[1].free.pools == std::vector<pool_choice>{{"room", {"room-1", "room-2"}}});

        booking_request anna_color{.resource = "anna", .service = "color", .client = "c1", .start = at_1000};
        const booking_record anna = s.book(anna_color, now);
        const auto anna_room = s.upcoming("room-1", at_0900, 1);
        REQUIRE(anna_room.size() == 1);
        CHECK(anna_room[0].group == anna.id);
        CHECK(anna_room[0].pool == "room");
        CHECK(anna_room[0].client.empty());
        CHECK(anna_room[0].time == anna.time);
        CHECK(anna_room[0].location == "salon-a");

        // Boris asks for room 1, which Anna has: refused naming the pool; any room: room 2.
        booking_request boris_color{.resource = "boris", .service = "color", .client = "c2", .start = at_1000,
                                    .pool_members = {{"room", "room-1"}}};
        const auto refused = s.check(boris_color, now);
        REQUIRE(refused.size() == 1);
        CHECK(refused.front().code == reason_code::pool_busy);
        CHECK(refused.front().message.find("room") != std::string::npos);
        CHECK_THROWS_AS((void)s.book(boris_color, now), booking_refused);
        boris_color.pool_members.clear();
        const booking_record boris = s.book(boris_color, now);
        REQUIRE(s.upcoming("room-2", at_0900, 1).size() == 1);
        CHECK(s.upcoming("room-2", at_0900, 1).front().group == boris.id);

        // Carol is free at 10:00, but no room is: not listed, and check says why.
        slot_request carols = colors;
        carols.resources = {"carol"};
        CHECK(starts(s.slots(carols, now)) == std::vector<instant>{at_0900});
        booking_request carol_color{.resource = "carol", .service = "color", .start = at_1000};
        const auto no_room = s.check(carol_color, now);
        REQUIRE(no_room.size() == 1);
        CHECK(no_room.front().code == reason_code::pool_busy);

        // Cancelling Anna's booking frees her room with it; the client's list has the main booking only.
        CHECK(s.client_bookings("c1", now, true).size() == 1);
        CHECK(s.cancel(anna.id, "ill", now).status == booking_status::cancelled);
        CHECK(s.upcoming("room-1", at_0900, 1).empty());
        CHECK(s.client_bookings("c1", now, true).empty());
        const booking_record carol = s.book(carol_color, now);
        CHECK(s.upcoming("room-1", at_0900, 1).front().group == carol.id);

        // Boris moves to 14:00, where room 2 is closed: his room booking moves to room 1.
        const booking_record moved = s.reschedule(boris.id, monday_0900 + 5h, now);
        CHECK(moved.time.start == monday_0900 + 5h);
        CHECK(s.upcoming("room-2", at_0900, 1).empty());
        const auto boris_rooms = s.upcoming("room-1", monday_0900 + 5h, 1);
        REQUIRE(boris_rooms.size() == 1);
        CHECK(boris_rooms.front().group == boris.id);
        CHECK(boris_rooms.front().time == moved.time);
        // Moving him to where he is changes nothing: nothing is written, his room booking included.
        const auto entries = s.audit(0, 10000).size();
        CHECK(s.reschedule(boris.id, monday_0900 + 5h, now + 1min) == *s.booking(boris.id));
        CHECK(s.audit(0, 10000).size() == entries);
        CHECK(s.upcoming("room-1", monday_0900 + 5h, 1) == boris_rooms);

        // Moving the room booking's id moves its whole group; it stays in room 1 where it is free.
        const booking_record carol_room = s.upcoming("room-1", at_0900, 1).front();
        const booking_record carol_moved = s.reschedule(carol_room.id, at_0900 + 24h + 1h, now);
        CHECK(carol_moved.id == carol.id);
        const auto tuesday_room = s.upcoming("room-1", at_0900 + 24h, 1);
        REQUIRE(tuesday_room.size() == 1);
        CHECK(tuesday_room.front().id == carol_room.id);
        CHECK(tuesday_room.front().time == carol_moved.time);

        // A hold holds a room too: at 11:00 room 2 has no booking that day and
        // room 1 has Boris's, so room 2. Confirming the hold confirms both.
        const auto rooms_of = [&](const std::string& main) {  // its room bookings not cancelled, holds too
            std::vector<booking_record> out;
            for (booking_record& b : s.bookings({.period = {at_0900, at_0900 + 24h}, .resources = {"room-1", "room-2"}}))
                if (b.group == main && b.status != booking_status::cancelled) out.push_back(std::move(b));
            return out;
        };
        const booking_record held =
            s.hold({.resource = "anna", .service = "color", .client = "c1", .start = monday_0900 + 2h}, 10min, now);
        auto held_room = rooms_of(held.id);
        REQUIRE(held_room.size() == 1);
        CHECK(held_room.front().resource == "room-2");
        CHECK(held_room.front().status == booking_status::held);
        CHECK(held_room.front().expires == held.expires);
        CHECK(s.confirm(held.hold_token, now + 1min).status == booking_status::confirmed);
        CHECK(rooms_of(held.id).front().status == booking_status::confirmed);

        // Cancelling a room booking's id cancels its whole group.
        CHECK(s.cancel(held_room.front().id, "no room", now).status == booking_status::cancelled);
        CHECK(s.booking(held.id)->status == booking_status::cancelled);
        CHECK(rooms_of(held.id).empty());

        // A hold moved to where its room is closed takes another room, which is held too (and audited as a hold).
        const booking_record moving =
            s.hold({.resource = "anna", .service = "color", .client = "c1", .start = monday_0900 + 1h}, 10min, now);
        REQUIRE(rooms_of(moving.id).size() == 1);
        CHECK(rooms_of(moving.id).front().resource == "room-2");
        (void)s.reschedule(moving.id, monday_0900 + 6h, now);  // 15:00: room 2 is closed, room 1 free again
        const auto moved_rooms = rooms_of(moving.id);
        REQUIRE(moved_rooms.size() == 1);
        CHECK(moved_rooms.front().resource == "room-1");
        CHECK(moved_rooms.front().status == booking_status::held);
        CHECK(moved_rooms.front().expires == moving.expires);
        const auto log = s.audit(0, 10000);
        const auto written = std::find_if(log.begin(), log.end(),
                                          [&](const audit_entry& a) { return a.subject == moved_rooms.front().id; });
        REQUIRE(written != log.end());
        CHECK(written->action == "hold");
    }

    SUBCASE("a room named that the service has not, or a resource that is not in the pool, is refused naming it, and nothing is written") {
        s.put_resource({.id = "room-1", .name = "Room 1", .time_zone = "Europe/Berlin",
                        .schedules = {{.location = "salon-a"}}});
        CHECK(field_of([&] {
                  s.put_service({.rules = {.id = "color", .duration = 60min},
                                 .pools = {{.id = "room", .resources = {"room-1", "room-9"}}}});
              }) == "pools[0].resources[1]");
        CHECK(category_of([&] {
                  s.put_service({.rules = {.id = "color", .duration = 60min},
                                 .pools = {{.id = "room", .resources = {"room-9"}}}});
              }) == error_category::not_found);
        CHECK(field_of([&] {
                  s.put_service({.rules = {.id = "color", .duration = 60min}, .pools = {{.id = "room", .resources = {}}}});
              }) == "pools[0].resources");
        CHECK(field_of([&] {
                  s.put_service({.rules = {.id = "color", .duration = 60min},
                                 .pools = {{.id = "", .resources = {"room-1"}}}});
              }) == "pools[0].id");
        CHECK_FALSE(s.service("color").has_value());
        s.put_service({.rules = {.id = "color", .duration = 60min}, .pools = {{.id = "room", .resources = {"room-1"}}}});
        s.link("anna", "color");
        const auto before = s.audit().size();
        booking_request asked{.resource = "anna", .service = "color", .start = monday_0900,
                              .pool_members = {{"desk", "room-1"}}};
        CHECK(field_of([&] { (void)s.book(asked, now); }) == "pool_members.desk");
        CHECK(field_of([&] { (void)s.check(asked, now); }) == "pool_members.desk");
        asked.pool_members = {{"room", "anna"}};
        CHECK(field_of([&] { (void)s.book(asked, now); }) == "pool_members.room");
        CHECK(category_of([&] { (void)s.book(asked, now); }) == error_category::invalid_argument);
        CHECK(s.audit().size() == before);
        CHECK(s.upcoming("anna", monday_0900, 1).empty());
    }

    SUBCASE("a resource cannot be both a master of a service and a member of its pool, whichever is written first, and nothing is written") {
        // Else a booking on anna as the master could take anna as its room too: one person booked twice at once.
        s.put_resource({.id = "room-1", .name = "Room 1", .time_zone = "Europe/Berlin",
                        .schedules = {{.location = "salon-a"}}});
        s.put_service({.rules = {.id = "color", .duration = 60min}});
        s.link("anna", "color");
        const auto before = s.audit().size();
        const service_record with_anna{.rules = {.id = "color", .duration = 60min},
                                       .pools = {{.id = "room", .resources = {"room-1", "anna"}}}};
        CHECK(field_of([&] { s.put_service(with_anna); }) == "pools[0].resources[1]");
        CHECK(category_of([&] { s.put_service(with_anna); }) == error_category::invalid_argument);
        CHECK(s.service("color")->pools.empty());

        s.put_service({.rules = {.id = "color", .duration = 60min}, .pools = {{.id = "room", .resources = {"room-1"}}}});
        const auto with_room = s.audit().size();
        CHECK(field_of([&] { s.link("room-1", "color"); }) == "resource");
        CHECK(category_of([&] { s.link("room-1", "color"); }) == error_category::invalid_argument);
        CHECK(s.providers("color") == std::vector<std::string>{"anna"});
        CHECK(s.audit().size() == with_room);
        CHECK(with_room == before + 1);
    }

    SUBCASE("a waiting list offers a freed start once, to the oldest waiter, passes an expired offer on, and skips who left") {
        s.put_client({.id = "c3", .name = "Client Three"});
        const booking_record taken = s.book(cut_at(monday_0900, "c1"), now);
        const interval nine{monday_0900, monday_0900 + 1min};  // only the 09:00 start
        const waitlist_entry second =
            s.join_waitlist({.client = "c2", .service = "cut", .resource = "anna", .window = nine, .offer_ttl = 30min},
                            now);
        const waitlist_entry third =
            s.join_waitlist({.client = "c3", .service = "cut", .window = nine, .offer_ttl = 30min}, now + 1s);
        CHECK(second.status == waitlist_status::waiting);
        CHECK(s.process_waitlist(now).empty());  // nothing free yet

        // The 09:00 cut frees up: two passes at once make one offer, to the oldest waiter.
        (void)s.cancel(taken.id, "ill", now);
        std::vector<waitlist_offer> made[2];
        {
            std::thread other([&] { made[1] = s.process_waitlist(now, "worker 2"); });
            made[0] = s.process_waitlist(now, "worker 1");
            other.join();
        }
        REQUIRE(made[0].size() + made[1].size() == 1);
        const waitlist_offer offer = made[0].empty() ? made[1].front() : made[0].front();
        CHECK(offer.entry.id == second.id);
        CHECK(offer.hold.client == "c2");
        CHECK(offer.hold.status == booking_status::held);
        CHECK(offer.hold.time.start == monday_0900);
        CHECK(offer.hold.expires == now + 30min);
        CHECK(s.find_waitlist_entry(second.id)->status == waitlist_status::offered);
        CHECK(s.find_waitlist_entry(third.id)->status == waitlist_status::waiting);
        CHECK(s.process_waitlist(now).empty());  // the offer stands; nothing else is free

        // Reported once: due until marked, marked by one caller only.
        REQUIRE(s.due_waitlist_offers(now).size() == 1);
        CHECK(s.mark_waitlist_notified(second.id));
        CHECK_FALSE(s.mark_waitlist_notified(second.id));
        CHECK(s.due_waitlist_offers(now).empty());

        // Unanswered, the offer expires and passes to the next waiter.
        const instant later = now + 31min;
        const auto passed = s.process_waitlist(later);
        REQUIRE(passed.size() == 1);
        CHECK(passed.front().entry.id == third.id);
        CHECK(passed.front().hold.client == "c3");
        CHECK(s.find_waitlist_entry(second.id)->status == waitlist_status::lapsed);

        // Who leaves gets nothing more; their live offer is released with them.
        const waitlist_entry gone = s.leave_waitlist(third.id, later, "c3");
        CHECK(gone.status == waitlist_status::left);
        CHECK(s.booking(passed.front().hold.id)->status == booking_status::cancelled);
        CHECK(s.process_waitlist(later).empty());
        CHECK(s.leave_waitlist(third.id, later).status == waitlist_status::left);  // twice: as it is

        // A confirmed offer is booked; leaving then does not undo the booking.
        const waitlist_entry ten = s.join_waitlist(
            {.client = "c1", .service = "cut", .window = {monday_0900 + 1h, monday_0900 + 1h + 1min}}, later);
        const auto offered = s.process_waitlist(later);
        REQUIRE(offered.size() == 1);
        (void)s.confirm(offered.front().hold.hold_token, later);
        CHECK(s.leave_waitlist(ten.id, later).status == waitlist_status::booked);
        CHECK(s.booking(offered.front().hold.id)->status == booking_status::confirmed);

        // A range with no start left expires; the client's list has every entry, oldest first.
        const waitlist_entry past = s.join_waitlist(
            {.client = "c1", .service = "cut", .window = {monday_0900 + 2h, monday_0900 + 2h + 1min}}, later + 1s);
        (void)s.process_waitlist(monday_0900 + 3h);
        CHECK(s.find_waitlist_entry(past.id)->status == waitlist_status::expired);
        std::vector<std::string> listed;
        for (const waitlist_entry& e : s.client_waitlist("c1")) listed.push_back(e.id);
        CHECK(listed == std::vector<std::string>{ten.id, past.id});
        std::vector<std::string> actions;
        for (const audit_entry& a : s.audit(0, 1000))
            if (a.action.starts_with("waitlist_")) actions.push_back(a.action);
        CHECK(std::count(actions.begin(), actions.end(), "waitlist_offer") == 3);
        CHECK(std::count(actions.begin(), actions.end(), "waitlist_lapse") == 1);
        CHECK(std::count(actions.begin(), actions.end(), "waitlist_leave") == 1);
        CHECK(std::count(actions.begin(), actions.end(), "waitlist_booked") == 1);
        CHECK(std::count(actions.begin(), actions.end(), "waitlist_expire") == 1);
    }

    SUBCASE("an offer confirmed and cancelled before the next pass is settled booked, and one released unconfirmed lapsed") {
        s.put_client({.id = "c3", .name = "Client Three"});
        const booking_record taken = s.book(cut_at(monday_0900, "c1"), now);
        const interval nine{monday_0900, monday_0900 + 1min};
        const waitlist_entry second = s.join_waitlist({.client = "c2", .service = "cut", .window = nine}, now);
        const waitlist_entry third = s.join_waitlist({.client = "c3", .service = "cut", .window = nine}, now + 1s);
        (void)s.cancel(taken.id, "ill", now);
        const auto offered = s.process_waitlist(now);
        REQUIRE(offered.size() == 1);
        REQUIRE(offered.front().entry.id == second.id);

        // c2 takes the place and gives it back before any pass ran: c2 had it, so the entry is booked, and the
        // start freed again goes to the next waiter in the same pass.
        (void)s.confirm(offered.front().hold.hold_token, now);
        (void)s.cancel(offered.front().hold.id, "cannot come after all", now);
        const auto next = s.process_waitlist(now);
        CHECK(s.find_waitlist_entry(second.id)->status == waitlist_status::booked);
        REQUIRE(next.size() == 1);
        CHECK(next.front().entry.id == third.id);

        // c3's hold is released without a confirm: the offer lapsed.
        (void)s.cancel(next.front().hold.id, "released", now);
        CHECK(s.process_waitlist(now).empty());
        CHECK(s.find_waitlist_entry(third.id)->status == waitlist_status::lapsed);
        CHECK(s.leave_waitlist(second.id, now).status == waitlist_status::booked);
    }

    SUBCASE("the attendance report counts confirmed bookings only, cancelled ones too, never a bare hold") {
        const auto hold_at = [&](instant start) { return s.hold(cut_at(start), 10min, now); };
        (void)s.cancel(hold_at(monday_0900).id, "released", now);                 // cancelled unconfirmed
        (void)hold_at(monday_0900 + 1h);                                          // expired
        (void)s.cancel(hold_at(monday_0900 + 2h).id, "late release", now + 1h); // expired, then cancelled
        const booking_record kept = hold_at(monday_0900 + 3h);
        (void)s.cancel(s.confirm(kept.hold_token, now).id, "ill", now);          // confirmed, then cancelled
        (void)s.book(cut_at(monday_0900 + 5h), now);                             // confirmed
        const std::string csv = s.attendance_csv({.period = {monday_0900, monday_0900 + 24h}, .resources = {"anna"}},
                                                 byte_order_mark::omit);
        CHECK(csv == "resource,resource_name,bookings,attended,no_show,unmarked,cancelled\r\n"
                     "anna,Anna,2,0,0,1,1\r\n");
    }

    SUBCASE("a waiting list of a resource that does not provide the service is refused naming the resource") {
        location_schedule open{.location = "salon-a"};
        s.put_resource({.id = "boris", .name = "Boris", .time_zone = "Europe/Berlin", .schedules = {open}});
        const auto before = s.audit().size();
        const waitlist_request asked{.client = "c1", .service = "cut", .resource = "boris",
                                     .window = {monday_0900, monday_0900 + 1h}};
        CHECK(field_of([&] { (void)s.join_waitlist(asked, now); }) == "resource");
        CHECK(category_of([&] { (void)s.join_waitlist(asked, now); }) == error_category::invalid_argument);
        CHECK(s.audit().size() == before);
    }

    SUBCASE("joining a waiting list with bad input is refused naming the field, and nothing is written") {
        const auto before = s.audit().size();
        const interval day{monday_0900, monday_0900 + 24h};
        const waitlist_request good{.client = "c1", .service = "cut", .window = day};
        const auto field_with = [&](auto change) {
            waitlist_request asked = good;
            change(asked);
            return field_of([&] { (void)s.join_waitlist(asked, now); });
        };
        CHECK(field_with([](waitlist_request& r) { r.client.clear(); }) == "client");
        CHECK(field_with([](waitlist_request& r) { r.client = "nobody"; }) == "client");
        CHECK(field_with([](waitlist_request& r) { r.service = "massage"; }) == "service");
        CHECK(field_with([](waitlist_request& r) { r.resource = "zed"; }) == "resource");
        CHECK(field_with([](waitlist_request& r) { r.location = "moon"; }) == "location");
        CHECK(field_with([&](waitlist_request& r) { r.window = {day.end, day.start}; }) == "window");
        CHECK(field_with([&](waitlist_request& r) { r.window = {day.start, day.start + std::chrono::days{400}}; }) ==
              "window");
        CHECK(field_with([](waitlist_request& r) { r.seats = 0; }) == "seats");
        CHECK(field_with([](waitlist_request& r) { r.seats = 2; }) == "seats");  // a cut has one seat
        CHECK(field_with([](waitlist_request& r) { r.offer_ttl = 0min; }) == "offer_ttl");
        CHECK(category_of([&] { (void)s.leave_waitlist("wl_nope", now); }) == error_category::not_found);
        CHECK(field_of([&] { (void)s.mark_waitlist_notified("wl_nope"); }) == "id");
        CHECK(field_of([&] { (void)s.client_waitlist("nobody"); }) == "client");
        CHECK(s.audit().size() == before);
        CHECK(s.client_waitlist("c1").empty());
    }

    SUBCASE("limits per client hold in listing, check, book, hold and reschedule (SPEC §11)") {
        // One cut a day per client; a yoga class seat per client.
        s.put_service({.rules = {.id = "cut", .duration = 30min, .buffer_after = 10min, .max_per_client_per_day = 1},
                       .name = "Haircut"});
        s.put_service({.rules = {.id = "yoga", .duration = 60min, .capacity = 3, .max_seats_per_client = 1},
                       .name = "Yoga", .locations = {"salon-a"}});
        const booking_record first = s.book(cut_at(monday_0900), now);
        // c1's next cut that Monday is refused with the reason; c2's is not, nor c1's on Tuesday.
        const auto again = s.check(cut_at(monday_0900 + 2h), now);
        REQUIRE(again.size() == 1);
        CHECK(again.front().code == reason_code::client_limit);
        CHECK(category_of([&] { (void)s.book(cut_at(monday_0900 + 2h), now); }) == error_category::conflict);
        CHECK(category_of([&] { (void)s.hold(cut_at(monday_0900 + 2h), 10min, now); }) == error_category::conflict);
        CHECK(s.check(cut_at(monday_0900 + 2h, "c2"), now).empty());
        CHECK(s.check(cut_at(monday_0900 + 24h), now).empty());
        // Listing: as c1 nothing is left on Monday; as c2, or asked by nobody, the day is open.
        slot_request as_c1 = monday_cuts();
        as_c1.client = "c1";
        CHECK(s.slots(as_c1, now).empty());
        as_c1.client = "c2";
        CHECK(offers(s.slots(as_c1, now), monday_0900 + 2h));
        CHECK(offers(s.slots(monday_cuts(), now), monday_0900 + 2h));
        as_c1.client = "nobody";
        CHECK(field_of([&] { (void)s.slots(as_c1, now); }) == "client");
        // Moving the one cut within the day is allowed: the booking itself is left out of the count.
        CHECK(s.reschedule(first.id, monday_0900 + 2h, now).time.start == monday_0900 + 2h);
        // A second seat of one class is refused; another client takes one.
        booking_request yoga{.resource = "anna", .service = "yoga", .client = "c1", .start = monday_0900 + 24h};
        (void)s.book(yoga, now);
        CHECK(s.check(yoga, now).front().code == reason_code::client_limit);
        yoga.client = "c2";
        yoga.seats = 2;
        CHECK(s.check(yoga, now).front().code == reason_code::client_limit);
        yoga.seats = 1;
        CHECK(s.book(yoga, now).seats == 1);
        // Cancelling frees the client's day.
        (void)s.cancel(first.id, "", now);
        CHECK(s.check(cut_at(monday_0900), now).empty());
    }

    SUBCASE("a service's stored assignment orders each slot's free resources (SPEC §12)") {
        // Bella works at salon A on Mondays like Anna; Anna has one cut that Monday, Bella none.
        location_schedule a{.location = "salon-a"};
        a.weekly.set(date::Monday, {local_range::parse("09:00", "18:00")});
        s.put_resource({.id = "bella", .name = "Bella", .time_zone = "Europe/Berlin", .schedules = {a}});
        s.link("bella", "cut");
        (void)s.book(cut_at(monday_0900), now);
        const instant afternoon = monday_0900 + 6h;  // 15:00 in Berlin: both free
        const auto order_at = [&](instant start) {
            for (const located_slot& found : s.slots(monday_cuts(), now))
                if (found.free.time.start == start) return found.free.resources;
            return resource_ids{};
        };
        CHECK(order_at(afternoon) == resource_ids{"bella", "anna"});  // least_booked: 0 before 1

        service_record cut = *s.service("cut");
        cut.assign = {.strategy = assign_strategy::priority, .priorities = {{"anna", 5}}};
        s.put_service(cut);
        CHECK(s.service("cut")->assign == cut.assign);  // kept by the store
        CHECK(order_at(afternoon) == resource_ids{"anna", "bella"});

        // Weighted: Anna 1 booking / weight 3 comes after Bella's 0, and before Bella's 2 / 1.
        cut.assign = {.strategy = assign_strategy::weighted, .weights = {{"anna", 3}}};
        s.put_service(cut);
        CHECK(order_at(afternoon) == resource_ids{"bella", "anna"});
        for (const auto start : {monday_0900 + 1h, monday_0900 + 2h}) {
            booking_request by_bella = cut_at(start);
            by_bella.resource = "bella";
            (void)s.book(by_bella, now);
        }
        CHECK(order_at(afternoon) == resource_ids{"anna", "bella"});

        // Asking for Bella alone leaves Anna's weight out of the query.
        slot_request bella_only = monday_cuts();
        bella_only.resources = {"bella"};
        CHECK(offers(s.slots(bella_only, now), afternoon));

        // An unknown resource, or a negative value, is refused naming the map, and nothing is written.
        const auto before = s.audit().size();
        service_record bad = cut;
        bad.assign.weights = {{"nobody", 1}};
        CHECK(field_of([&] { s.put_service(bad); }) == "assign.weights");
        CHECK(category_of([&] { s.put_service(bad); }) == error_category::not_found);
        bad.assign = {.strategy = assign_strategy::priority, .priorities = {{"anna", -1}}};
        CHECK(field_of([&] { s.put_service(bad); }) == "assign.priorities");
        CHECK(s.audit().size() == before);
        CHECK(s.service("cut")->assign == cut.assign);
    }

    SUBCASE("a booked start is refused with the reason naming the booking, and its slot disappears") {
        const booking_record first = s.book(cut_at(monday_0900), now);
        CHECK(first.status == booking_status::confirmed);
        CHECK(first.location == "salon-a");
        CHECK(first.time.end == monday_0900 + 30min);
        CHECK(first.buffer_after == 10min);
        try {
            (void)s.book(cut_at(monday_0900, "c2"), now);
            FAIL("double booking accepted");
        } catch (const booking_refused& e) {
            CHECK(e.category() == error_category::conflict);
            REQUIRE_FALSE(e.reasons().empty());
            CHECK(e.reasons().front().code == reason_code::busy);
            CHECK(e.reasons().front().booking == first.id);
        }
        CHECK_FALSE(offers(s.slots(monday_cuts(), now), monday_0900));
        // 09:30 would start inside the booking's 10-minute buffer.
        CHECK(s.check(cut_at(monday_0900 + 30min), now).front().code == reason_code::buffer);
        CHECK(s.check(cut_at(monday_0900 + 60min), now).empty());
    }

    SUBCASE("a hold blocks the time until confirmed; confirming makes it a booking") {
        const booking_record held = s.hold(cut_at(monday_0900), 10min, now);
        CHECK(held.status == booking_status::held);
        CHECK_FALSE(held.hold_token.empty());
        CHECK(category_of([&] { (void)s.book(cut_at(monday_0900, "c2"), now); }) == error_category::conflict);
        const booking_record confirmed = s.confirm(held.hold_token, now + 5min);
        CHECK(confirmed.id == held.id);
        CHECK(confirmed.status == booking_status::confirmed);
        CHECK_FALSE(confirmed.expires.has_value());
        CHECK(s.booking(held.id)->status == booking_status::confirmed);
    }

    SUBCASE("an expired hold blocks nothing and its token is refused") {
        const booking_record held = s.hold(cut_at(monday_0900), 10min, now);
        const instant later = now + 10min;
        CHECK(offers(s.slots(monday_cuts(), later), monday_0900));
        CHECK(field_of([&] { (void)s.confirm(held.hold_token, later); }) == "hold_token");
        CHECK(category_of([&] { (void)s.confirm(held.hold_token, later); }) == error_category::conflict);
        CHECK(category_of([&] { (void)s.confirm("no-such-token", now); }) == error_category::not_found);
        CHECK(s.book(cut_at(monday_0900, "c2"), later).status == booking_status::confirmed);
    }

    SUBCASE("cancelling releases the time, and cancelling twice changes nothing") {
        const booking_record b = s.book(cut_at(monday_0900), now);
        const booking_record cancelled = s.cancel(b.id, "client asked", now);
        CHECK(cancelled.status == booking_status::cancelled);
        CHECK(cancelled.cancel_reason == "client asked");
        CHECK(offers(s.slots(monday_cuts(), now), monday_0900));
        const auto audit_size = s.audit().size();
        CHECK(s.cancel(b.id, "again", now).cancel_reason == "client asked");
        CHECK(s.audit().size() == audit_size);
        CHECK(category_of([&] { (void)s.cancel("bk_missing", "", now); }) == error_category::not_found);
    }

    SUBCASE("rescheduling is atomic: to a taken time it is refused and the old time stays booked") {
        const booking_record mine = s.book(cut_at(monday_0900), now);
        const booking_record other = s.book(cut_at(monday_0900 + 2h, "c2"), now);
        CHECK(category_of([&] { (void)s.reschedule(mine.id, other.time.start, now); }) == error_category::conflict);
        CHECK(s.booking(mine.id)->time.start == monday_0900);
        CHECK_FALSE(offers(s.slots(monday_cuts(), now), monday_0900));

        const booking_record moved = s.reschedule(mine.id, monday_0900 + 5h, now);  // 14:00 Berlin
        CHECK(moved.time.start == monday_0900 + 5h);
        CHECK(moved.time.end == monday_0900 + 5h + 30min);
        CHECK(offers(s.slots(monday_cuts(), now), monday_0900));
        // A booking may move into a time that only its own old buffer covered.
        CHECK(s.reschedule(mine.id, monday_0900 + 5h + 30min, now).time.start == monday_0900 + 5h + 30min);
    }

    SUBCASE("a cancelled booking cannot be rescheduled") {
        const booking_record b = s.book(cut_at(monday_0900), now);
        (void)s.cancel(b.id, "", now);
        CHECK(category_of([&] { (void)s.reschedule(b.id, monday_0900 + 1h, now); }) == error_category::conflict);
        CHECK(s.booking(b.id)->time.start == monday_0900);
    }

    SUBCASE("the same idempotency key returns the same booking; reused for another request it conflicts") {
        auto request = cut_at(monday_0900);
        request.idempotency_key = "tap-42";
        const booking_record first = s.book(request, now);
        const booking_record again = s.book(request, now);
        CHECK(again.id == first.id);
        CHECK(s.upcoming("anna", now, 7).size() == 1);
        request.start = monday_0900 + 1h;
        CHECK(field_of([&] { (void)s.book(request, now); }) == "idempotency_key");
    }

    SUBCASE("a series is booked all or nothing") {
        (void)s.book(cut_at(monday_0900 + 7 * 24h, "c2"), now);  // next Monday is taken
        std::vector<booking_request> weekly{cut_at(monday_0900), cut_at(monday_0900 + 7 * 24h),
                                            cut_at(monday_0900 + 14 * 24h)};
        CHECK(field_of([&] { (void)s.book_series(weekly, now); }) == "[1].start");
        CHECK(s.upcoming("anna", now, 30).size() == 1);
        weekly.erase(weekly.begin() + 1);
        const auto booked = s.book_series(weekly, now);
        REQUIRE(booked.size() == 2);
        CHECK_FALSE(booked[0].series.empty());
        CHECK(booked[0].series == booked[1].series);
        CHECK(s.upcoming("anna", now, 30).size() == 3);
    }

    SUBCASE("an idempotency key reused for a hold, a book or another place is a conflict") {
        auto held = cut_at(monday_0900);
        held.idempotency_key = "tap-7";
        const booking_record hold = s.hold(held, 10min, now);
        CHECK(s.hold(held, 10min, now).id == hold.id);  // the same request again
        CHECK(field_of([&] { (void)s.hold(held, 20min, now); }) == "idempotency_key");  // a longer hold
        CHECK(field_of([&] { (void)s.book(held, now); }) == "idempotency_key");
        auto placed = cut_at(monday_0900 + 1h);
        placed.idempotency_key = "tap-8";
        placed.location = "salon-a";
        const booking_record booked = s.book(placed, now);
        CHECK(s.book(placed, now).id == booked.id);
        CHECK(field_of([&] { (void)s.hold(placed, 10min, now); }) == "idempotency_key");
        placed.location.clear();  // any place: the one it has
        CHECK(s.book(placed, now).id == booked.id);
        placed.location = "salon-b";
        CHECK(field_of([&] { (void)s.book(placed, now); }) == "idempotency_key");
    }

    SUBCASE("a batch books independent requests all or nothing, each seeing the ones before it") {
        // The third asks for the time the first takes (with its 10-minute buffer).
        std::vector<booking_request> batch{cut_at(monday_0900), cut_at(monday_0900 + 1h, "c2"),
                                           cut_at(monday_0900 + 30min, "c2")};
        const std::size_t audit_before = s.audit().size();
        try {
            (void)s.book_many(batch, now);
            FAIL("a batch with a taken time was booked");
        } catch (const booking_refused& e) {
            CHECK(e.field() == "requests[2].start");
            REQUIRE_FALSE(e.reasons().empty());
            CHECK(e.reasons().front().code == reason_code::buffer);
        }
        CHECK(s.upcoming("anna", now, 30).empty());
        CHECK(s.audit().size() == audit_before);

        batch.pop_back();
        const batch_outcome done = s.book_many(batch, now);
        REQUIRE(done.booked.size() == 2);
        CHECK(done.refused.empty());
        CHECK(done.booked[0].time.start == monday_0900);
        CHECK(done.booked[1].client == "c2");
        CHECK(done.booked[0].series.empty());  // independent bookings, unlike book_series
        CHECK(s.upcoming("anna", now, 30).size() == 2);
        CHECK(s.audit().size() == audit_before + 2);
    }

    SUBCASE("a batch each alone books what it can and names every refused request") {
        (void)s.book(cut_at(monday_0900), now);
        booking_request unknown = cut_at(monday_0900 + 3h);
        unknown.service = "massage";
        booking_request keyed = cut_at(monday_0900 + 5h);  // 14:00, after the break
        keyed.idempotency_key = "tap-7";
        const std::vector<booking_request> batch{cut_at(monday_0900, "c2"), cut_at(monday_0900 + 1h), unknown, keyed,
                                                 keyed};
        const batch_outcome done = s.book_many(batch, now, batch_mode::each_alone);
        REQUIRE(done.booked.size() == 3);
        CHECK(done.booked[0].time.start == monday_0900 + 1h);
        CHECK(done.booked[1].id == done.booked[2].id);  // the key met again returns its first booking
        REQUIRE(done.refused.size() == 2);
        CHECK(done.refused[0].index == 0);
        CHECK(done.refused[0].field == "requests[0].start");
        CHECK(done.refused[0].category == error_category::conflict);
        REQUIRE_FALSE(done.refused[0].reasons.empty());
        CHECK(done.refused[0].reasons.front().code == reason_code::busy);
        CHECK(done.refused[1].index == 2);
        CHECK(done.refused[1].field == "requests[2].service");
        CHECK(done.refused[1].category == error_category::not_found);
        CHECK(done.refused[1].reasons.empty());
        CHECK(s.upcoming("anna", now, 30).size() == 3);
        // All or nothing, the unknown service fails the batch naming it, and nothing is written.
        CHECK(field_of([&] { (void)s.book_many(std::vector<booking_request>{cut_at(monday_0900 + 6h), unknown}, now); })
              == "requests[1].service");
        CHECK(s.upcoming("anna", now, 30).size() == 3);
        CHECK(s.book_many({}, now).booked.empty());
        const std::vector<booking_request> too_many(max_batch_requests + 1, cut_at(monday_0900 + 6h));
        CHECK(field_of([&] { (void)s.book_many(too_many, now); }) == "requests");
        CHECK(s.upcoming("anna", now, 30).size() == 3);
    }

    SUBCASE("a group class sells seats until it is full") {
        booking_request yoga{.resource = "anna", .service = "yoga", .client = "c1", .start = monday_0900, .seats = 2};
        (void)s.book(yoga, now);
        slot_request ask{.service = "yoga", .from = at("2026-03-02T00:00:00Z"), .to = at("2026-03-03T00:00:00Z")};
        const auto open = s.slots(ask, now);
        REQUIRE_FALSE(open.empty());
        CHECK(open.front().free.time.start == monday_0900);
        CHECK(open.front().free.seats_left == 1);
        yoga.client = "c2";
        CHECK(s.check(yoga, now).front().code == reason_code::no_seats);
        yoga.seats = 1;
        (void)s.book(yoga, now);
        CHECK_FALSE(offers(s.slots(ask, now), monday_0900));
        yoga.seats = 4;
        CHECK(field_of([&] { (void)s.book(yoga, now); }) == "seats");
    }

    SUBCASE("reminders are due once per booking at the closest passed offset") {
        s.save_settings({.reminder_offsets = {24h, 2h}});
        const booking_record b = s.book(cut_at(monday_0900), monday_0900 - 72h);
        CHECK(s.due_reminders(monday_0900 - 25h).empty());
        auto due = s.due_reminders(monday_0900 - 23h);
        REQUIRE(due.size() == 1);
        CHECK(due.front().booking.id == b.id);
        CHECK(due.front().offset == 24h);
        CHECK(s.mark_reminded(b.id, 24h));
        CHECK_FALSE(s.mark_reminded(b.id, 24h));
        CHECK(s.due_reminders(monday_0900 - 23h).empty());
        due = s.due_reminders(monday_0900 - 1h);
        REQUIRE(due.size() == 1);
        CHECK(due.front().offset == 2h);
        CHECK(s.due_reminders(monday_0900).empty());  // started: too late to remind
        (void)s.cancel(b.id, "", now);
        CHECK(s.due_reminders(monday_0900 - 1h).empty());
    }

    SUBCASE("a reminder whose moment had passed when the booking was made or moved is never due") {
        s.save_settings({.reminder_offsets = {24h, 2h}});
        const booking_record late = s.book(cut_at(monday_0900), monday_0900 - 23h);
        CHECK(s.due_reminders(monday_0900 - 23h).empty());  // not "in 24 h" right after booking
        CHECK(s.due_reminders(monday_0900 - 3h).empty());
        auto due = s.due_reminders(monday_0900 - 2h);  // the two-hour moment came after the booking: due
        REQUIRE(due.size() == 1);
        CHECK(due.front().offset == 2h);
        (void)s.cancel(late.id, "", monday_0900 - 2h);

        const booking_record early = s.book(cut_at(monday_0900), monday_0900 - 48h);
        const booking_record moved = s.reschedule(early.id, monday_0900 + 1h, monday_0900 - 20h);
        CHECK(s.due_reminders(monday_0900 - 19h).empty());  // 24 h before 10:00 had passed when it moved
        due = s.due_reminders(monday_0900 - 1h);
        REQUIRE(due.size() == 1);
        CHECK(due.front().booking.id == moved.id);
        CHECK(due.front().offset == 2h);
    }

    SUBCASE("a booking moved after its reminder is reminded again before its new time") {
        s.save_settings({.reminder_offsets = {24h, 2h}});
        const booking_record b = s.book(cut_at(monday_0900), monday_0900 - 72h);
        REQUIRE(s.due_reminders(monday_0900 - 23h).size() == 1);
        CHECK(s.mark_reminded(b.id, 24h));
        const instant tuesday = monday_0900 + 24h;
        (void)s.reschedule(b.id, tuesday, monday_0900 - 22h);  // a day later, decided before the new 24-hour moment
        const auto due = s.due_reminders(tuesday - 23h);
        REQUIRE(due.size() == 1);
        CHECK(due.front().offset == 24h);
        CHECK(s.mark_reminded(b.id, 24h));
        CHECK(s.due_reminders(tuesday - 23h).empty());
    }

    SUBCASE("a reminder claimed before it is due is not marked") {
        s.save_settings({.reminder_offsets = {24h, 2h}});
        const booking_record b = s.book(cut_at(monday_0900), monday_0900 - 72h);
        CHECK_FALSE(s.mark_reminded(b.id, 2h, monday_0900 - 23h));   // the two-hour one is not due yet
        CHECK_FALSE(s.mark_reminded(b.id, 7min, monday_0900 - 23h)); // no such offset
        CHECK(s.mark_reminded(b.id, 24h, monday_0900 - 23h));
        CHECK_FALSE(s.mark_reminded(b.id, 24h, monday_0900 - 23h));  // once
        const auto due = s.due_reminders(monday_0900 - 1h);
        REQUIRE(due.size() == 1);
        CHECK(due.front().offset == 2h);
        CHECK(field_of([&] { (void)s.mark_reminded("bk_none", 2h, monday_0900 - 1h); }) == "id");
    }

    SUBCASE("two reminder workers racing mark a reminder exactly once") {
        const booking_record b = s.book(cut_at(monday_0900), now);
        std::atomic<int> winners{0};
        std::vector<std::thread> workers;
        for (int i = 0; i < 8; ++i)
            workers.emplace_back([&] {
                if (s.mark_reminded(b.id, 2h)) ++winners;
            });
        for (std::thread& t : workers) t.join();
        CHECK(winners == 1);
    }

    SUBCASE("a move to where a booking already is changes nothing and writes no audit entry") {
        const booking_record b = s.book(cut_at(monday_0900), now);  // audited once (a tester saw a second, equal entry)
        const auto entries = s.audit(0, 10000).size();
        const booking_record same = s.reschedule(b.id, monday_0900, now + 1min);
        CHECK(same == b);
        CHECK(*s.booking(b.id) == b);
        CHECK(s.audit(0, 10000).size() == entries);
        // An hour later it is a move, and written.
        CHECK(s.reschedule(b.id, monday_0900 + 1h, now + 1min).updated_at == now + 1min);
        CHECK(s.audit(0, 10000).size() == entries + 1);
    }

    SUBCASE("the audit log records every mutation in order, with before and after") {
        const auto catalog_entries = s.audit().size();
        CHECK(catalog_entries == 9);  // 2 locations, resource, 2 services, 2 links, 2 clients
        const booking_record b = s.book(cut_at(monday_0900), now);
        (void)s.reschedule(b.id, monday_0900 + 1h, now, "anna");
        (void)s.cancel(b.id, "sick", now, "anna");
        const auto log = s.audit(static_cast<std::int64_t>(catalog_entries));
        REQUIRE(log.size() == 3);
        CHECK(log[0].action == "book");
        CHECK(log[0].before.empty());
        CHECK(log[1].action == "reschedule");
        CHECK(log[1].actor == "anna");
        CHECK(log[1].before.find(format_instant(monday_0900)) != std::string::npos);
        CHECK(log[1].after.find(format_instant(monday_0900 + 1h)) != std::string::npos);
        CHECK(log[2].action == "cancel");
        CHECK(log[0].sequence < log[1].sequence);
        CHECK(log[1].sequence < log[2].sequence);
    }

    SUBCASE("bad input is refused naming the field, and nothing is written") {
        const auto before = s.audit().size();
        auto request = cut_at(monday_0900);
        request.resource = "boris";
        CHECK(category_of([&] { (void)s.book(request, now); }) == error_category::not_found);
        request = cut_at(monday_0900);
        request.service = "massage";
        CHECK(field_of([&] { (void)s.book(request, now); }) == "service");
        request = cut_at(monday_0900, "nobody");
        CHECK(field_of([&] { (void)s.book(request, now); }) == "client");
        s.put_service({.rules = {.id = "massage", .duration = 60min}});
        request = cut_at(monday_0900);
        request.service = "massage";  // exists, but Anna does not provide it
        CHECK(category_of([&] { (void)s.book(request, now); }) == error_category::invalid_argument);
        request = cut_at(monday_0900);
        request.location = "salon-b";  // Anna works at salon B only Thursday and Friday: refused by hours
        CHECK(s.check(request, now).front().code == reason_code::outside_hours);
        booking_request yoga{.resource = "anna", .service = "yoga", .location = "salon-b", .start = monday_0900};
        CHECK(field_of([&] { (void)s.book(yoga, now); }) == "location");
        request = cut_at(monday_0900);
        request.location = "nowhere";  // no such location: an unknown id, as in a listing
        CHECK(category_of([&] { (void)s.book(request, now); }) == error_category::not_found);
        CHECK(field_of([&] { (void)s.book(request, now); }) == "location");
        CHECK(category_of([&] { (void)s.check(request, now); }) == error_category::not_found);
        CHECK(category_of([&] { (void)s.hold(request, 10min, now); }) == error_category::not_found);
        CHECK(category_of([&] { (void)s.slots({.service = "cut", .location = "nowhere", .from = now, .to = now + 24h}, now); }) ==
              error_category::not_found);
        request = cut_at(monday_0900);
        request.seats = 0;
        CHECK(field_of([&] { (void)s.book(request, now); }) == "seats");
        CHECK(field_of([&] { (void)s.hold(cut_at(monday_0900), 0min, now); }) == "ttl");
        CHECK(field_of([&] { s.put_resource({.id = "x", .time_zone = "Mars/Base"}); }) == "time_zone");
        CHECK(field_of([&] { s.put_service({.rules = {.id = "bad", .duration = 0min}}); }) == "duration");
        CHECK(field_of([&] { s.link("anna", "nothing"); }) == "service");
        CHECK(field_of([&] { (void)s.slots({.service = "cut", .from = now, .to = now}, now); }) == "to");
        CHECK(s.audit().size() == before + 1);  // only the massage service was written
        CHECK(s.upcoming("anna", now, 30).empty());
    }

    SUBCASE("one client writing from two messengers is one client") {
        const client_record found = s.client_for({messenger::telegram, "1001"}, "ignored");
        CHECK(found.id == "c1");
        const client_record fresh = s.client_for({messenger::vk, "id777"}, "New Person");
        CHECK(fresh.name == "New Person");
        CHECK(s.client_for({messenger::vk, "id777"}, "").id == fresh.id);
        client_record stealing{.id = "c2", .name = "Client Two", .identities = {{messenger::telegram, "1001"}}};
        CHECK(category_of([&] { s.put_client(stealing); }) == error_category::conflict);
    }

    SUBCASE("bookings are listed for the resource and for the client") {
        const booking_record past = s.book(cut_at(monday_0900), now);
        const booking_record future = s.book(cut_at(monday_0900 + 7 * 24h), now);
        const instant tuesday = at("2026-03-03T12:00:00Z");
        CHECK(s.upcoming("anna", tuesday, 7).size() == 1);
        const auto active = s.client_bookings("c1", tuesday, true);
        REQUIRE(active.size() == 1);
        CHECK(active.front().id == future.id);
        const auto history = s.client_bookings("c1", tuesday, false);
        REQUIRE(history.size() == 1);
        CHECK(history.front().id == past.id);
    }

    SUBCASE("global breaks from the settings close every resource") {
        s.save_settings({.global_breaks = {local_range::parse("10:00", "10:30")}});
        const auto monday = s.slots(monday_cuts(), now);
        CHECK_FALSE(offers(monday, monday_0900 + 60min));  // 10:00 Berlin
        CHECK(offers(monday, monday_0900 + 90min));
    }

    SUBCASE("a weekly series keeps 17:00 in Berlin across the DST change and books what is free") {
        const instant tuesday_1700 = at("2026-03-17T16:00:00Z");  // CET; from 29 March Berlin is on CEST
        const booking_record in_the_way = s.book(cut_at(at("2026-03-24T16:00:00Z"), "c2"), now);
        recurring_request weekly{.first = cut_at(tuesday_1700), .rrule = "FREQ=WEEKLY;BYDAY=TU;COUNT=3",
                                 .mode = series_mode::what_is_free};
        const series_outcome out = s.book_recurring(weekly, now);
        REQUIRE(out.booked.size() == 2);
        CHECK(out.booked[0].time.start == tuesday_1700);
        CHECK(out.booked[1].time.start == at("2026-03-31T15:00:00Z"));  // 17:00 CEST
        CHECK(out.booked[0].series == out.series);
        CHECK(out.booked[1].series == out.series);
        CHECK_FALSE(out.series.empty());
        REQUIRE(out.refused.size() == 1);
        CHECK(out.refused[0].start == at("2026-03-24T16:00:00Z"));
        REQUIRE_FALSE(out.refused[0].reasons.empty());
        CHECK(out.refused[0].reasons[0].code == reason_code::busy);
        CHECK(out.refused[0].reasons[0].booking == in_the_way.id);
    }

    SUBCASE("an all-or-nothing series with one taken date books nothing and names the occurrence") {
        (void)s.book(cut_at(at("2026-03-24T16:00:00Z"), "c2"), now);
        const auto audit_before = s.audit().size();
        recurring_request weekly{.first = cut_at(at("2026-03-17T16:00:00Z")), .rrule = "FREQ=WEEKLY;BYDAY=TU;COUNT=3"};
        try {
            (void)s.book_recurring(weekly, now);
            FAIL("a series with a taken date was booked");
        } catch (const booking_refused& e) {
            CHECK(e.field() == "occurrences[1].start");
            CHECK(e.reasons().front().code == reason_code::busy);
        }
        CHECK(s.client_bookings("c1", now, true).empty());
        CHECK(s.audit().size() == audit_before);
        // With that date left out (EXDATE) the rest is booked.
        weekly.except_dates = {date::local_days{date::year{2026} / 3 / 24}};
        CHECK(s.book_recurring(weekly, now).booked.size() == 2);
    }

    SUBCASE("a retried series with an idempotency key returns the same bookings") {
        recurring_request weekly{.first = cut_at(at("2026-03-17T16:00:00Z")), .rrule = "FREQ=WEEKLY;BYDAY=TU;COUNT=2"};
        weekly.first.idempotency_key = "tuesdays";
        const series_outcome first = s.book_recurring(weekly, now);
        const series_outcome again = s.book_recurring(weekly, now);
        CHECK(again.booked == first.booked);
        CHECK(again.series == first.series);
        CHECK(s.client_bookings("c1", now, true).size() == 2);
        // The key of that series with another rule is a conflict, and books nothing more.
        for (const char* other : {"FREQ=WEEKLY;BYDAY=TU;COUNT=3", "FREQ=DAILY;COUNT=2"}) {
            recurring_request changed = weekly;
            changed.rrule = other;
            CHECK(field_of([&] { (void)s.book_recurring(changed, now); }) == "idempotency_key");
        }
        recurring_request skipping = weekly;
        skipping.except_dates = {date::local_days{date::year{2026} / 3 / 24}};
        CHECK(field_of([&] { (void)s.book_recurring(skipping, now); }) == "idempotency_key");
        CHECK(s.client_bookings("c1", now, true).size() == 2);
    }

    SUBCASE("one idempotency key is one request's: a series and a single booking never share it") {
        recurring_request weekly{.first = cut_at(at("2026-03-17T16:00:00Z")), .rrule = "FREQ=WEEKLY;BYDAY=TU;COUNT=2"};
        weekly.first.idempotency_key = "tuesdays";
        const series_outcome series = s.book_recurring(weekly, now);
        REQUIRE(series.booked.size() == 2);
        const auto audit_before = s.audit().size();
        // The series' key for one booking, even of its own first occurrence, or for a hold or a batch.
        booking_request single = cut_at(at("2026-03-18T16:00:00Z"));
        single.idempotency_key = "tuesdays";
        CHECK(field_of([&] { (void)s.book(single, now); }) == "idempotency_key");
        CHECK(field_of([&] { (void)s.hold(single, 10min, now); }) == "idempotency_key");
        CHECK(field_of([&] { (void)s.book(weekly.first, now); }) == "idempotency_key");
        CHECK(field_of([&] { (void)s.book_many(std::span(&single, 1), now, batch_mode::all_or_nothing); }) ==
              "requests[0].idempotency_key");
        // A single booking's key for a series.
        booking_request once = cut_at(at("2026-03-19T16:00:00Z"));
        once.idempotency_key = "thursday";
        const booking_record kept = s.book(once, now);
        recurring_request thursdays{.first = once, .rrule = "FREQ=WEEKLY;BYDAY=TH;COUNT=2"};
        thursdays.first.start = at("2026-03-26T16:00:00Z");  // from the next week: free
        CHECK(field_of([&] { (void)s.book_recurring(thursdays, now); }) == "idempotency_key");
        CHECK(s.audit().size() == audit_before + 1);  // only `once` was written
        CHECK(s.client_bookings("c1", now, true).size() == 3);
        // Each is still answered as before.
        CHECK(s.book(once, now) == kept);
        CHECK(s.book_recurring(weekly, now).booked == series.booked);
    }

    SUBCASE("cancelling one occurrence, this and the following, or the whole series") {
        recurring_request weekly{.first = cut_at(at("2026-03-17T16:00:00Z")), .rrule = "FREQ=WEEKLY;BYDAY=TU;COUNT=4"};
        const series_outcome out = s.book_recurring(weekly, now);
        REQUIRE(out.booked.size() == 4);
        CHECK(s.cancel_series(out.booked[0].id, series_scope::this_one, "ill", now).size() == 1);
        const auto following = s.cancel_series(out.booked[2].id, series_scope::this_and_following, "moved away", now);
        REQUIRE(following.size() == 2);
        CHECK(following[0].id == out.booked[2].id);
        CHECK(following[1].id == out.booked[3].id);
        CHECK(s.booking(out.booked[1].id)->status == booking_status::confirmed);
        const auto rest = s.cancel_series(out.booked[3].id, series_scope::all, "done", now);
        REQUIRE(rest.size() == 1);  // only the one still active
        CHECK(rest[0].id == out.booked[1].id);
        CHECK(rest[0].cancel_reason == "done");
        CHECK(s.client_bookings("c1", now, true).empty());
        CHECK(category_of([&] { (void)s.cancel_series("bk_none", series_scope::all, "", now); }) ==
              error_category::not_found);
    }

    SUBCASE("a series booked on two resources is cancelled whole from either occurrence") {
        location_schedule open{.location = "salon-a"};
        open.weekly.set(date::Monday, {local_range::parse("09:00", "18:00")});
        s.put_resource({.id = "boris", .name = "Boris", .time_zone = "Europe/Berlin", .schedules = {open}});
        s.link("boris", "cut");
        const std::vector<booking_request> pair{cut_at(monday_0900),
                                                {.resource = "boris", .service = "cut", .client = "c2", .start = monday_0900}};
        const auto booked = s.book_series(pair, now);
        REQUIRE(booked.size() == 2);
        const auto cancelled = s.cancel_series(booked[1].id, series_scope::all, "closed", now);
        CHECK(cancelled.size() == 2);
        for (const booking_record& b : booked) CHECK(s.booking(b.id)->status == booking_status::cancelled);
    }

    SUBCASE("cancel_series by the id of an occurrence's room booking cancels the series") {
        location_schedule room_hours{.location = "salon-a"};
        for (auto day : {date::Monday, date::Tuesday, date::Wednesday})
            room_hours.weekly.set(day, {local_range::parse("09:00", "18:00")});
        s.put_resource({.id = "room-1", .name = "Room 1", .time_zone = "Europe/Berlin", .schedules = {room_hours}});
        s.put_service({.rules = {.id = "color", .duration = 60min}, .name = "Colour", .locations = {"salon-a"},
                       .pools = {{.id = "room", .resources = {"room-1"}}}});
        s.link("anna", "color");
        const recurring_request daily{.first = {.resource = "anna", .service = "color", .client = "c1", .start = monday_0900},
                                      .rrule = "FREQ=DAILY;COUNT=3"};
        const series_outcome out = s.book_recurring(daily, now);
        REQUIRE(out.booked.size() == 3);
        const auto room = s.upcoming("room-1", monday_0900, 1);
        REQUIRE(room.size() == 1);
        CHECK(s.cancel_series(room.front().id, series_scope::all, "closed", now).size() == 3);
        for (const booking_record& b : out.booked) CHECK(s.booking(b.id)->status == booking_status::cancelled);
        const auto rooms = s.bookings({.period = {monday_0900, monday_0900 + 72h}, .resources = {"room-1"}});
        CHECK(rooms.size() == 3);
        for (const booking_record& b : rooms) CHECK(b.status == booking_status::cancelled);
    }

    SUBCASE("a retried series books what became free under the series id of its first attempt") {
        const booking_record blocker = s.book(cut_at(monday_0900 + 7 * 24h, "c2"), now);
        recurring_request weekly{.first = cut_at(monday_0900), .rrule = "FREQ=WEEKLY;COUNT=3",
                                 .mode = series_mode::what_is_free};
        weekly.first.idempotency_key = "mondays";
        const series_outcome first = s.book_recurring(weekly, now);
        REQUIRE(first.booked.size() == 2);
        (void)s.cancel(blocker.id, "", now);
        const series_outcome again = s.book_recurring(weekly, now);
        REQUIRE(again.booked.size() == 3);
        CHECK(again.series == first.series);
        for (const booking_record& b : again.booked) CHECK(b.series == first.series);
        CHECK(s.cancel_series(again.booked[0].id, series_scope::all, "", now).size() == 3);
    }

    SUBCASE("a series with a bad rule is refused naming the field, and nothing is written") {
        const auto audit_before = s.audit().size();
        recurring_request bad{.first = cut_at(at("2026-03-17T16:00:00Z")), .rrule = "FREQ=WEEKLY;BYDAY=TU"};
        CHECK(field_of([&] { (void)s.book_recurring(bad, now); }) == "rrule");  // never ends
        bad.rrule = "FREQ=WEEKLY;BYDAY=MO;COUNT=2";  // 17 March is a Tuesday
        CHECK(field_of([&] { (void)s.book_recurring(bad, now); }) == "rrule");
        bad.rrule = "FREQ=WEEKLY;BYDAY=TU;COUNT=2";
        bad.first.resource = "nobody";
        CHECK(category_of([&] { (void)s.book_recurring(bad, now); }) == error_category::not_found);
        CHECK(s.audit().size() == audit_before);
    }

    SUBCASE("a hold in an iCalendar export is tentative while it holds the time and cancelled once it expired, a class too") {
        const booking_record cut = s.hold(cut_at(monday_0900), 10min, now);
        const booking_request seat{.resource = "anna", .service = "yoga", .client = "c2", .start = monday_0900 + 3h};
        (void)s.hold(seat, 10min, now);
        const std::string live = s.export_ics({.resource = "anna"}, now);
        CHECK(live.find("STATUS:TENTATIVE\r\n") != std::string::npos);
        CHECK(live.find("STATUS:CANCELLED\r\n") == std::string::npos);
        CHECK(live.find("1 of 3 seats booked") != std::string::npos);
        const std::string lapsed = s.export_ics({.resource = "anna"}, now + 11min);
        CHECK(lapsed.find("STATUS:TENTATIVE\r\n") == std::string::npos);
        CHECK(lapsed.find("0 of 3 seats booked") != std::string::npos);
        const std::string one = s.export_ics({.booking = cut.id}, now + 11min);
        CHECK(one.find("STATUS:CANCELLED\r\n") != std::string::npos);
        CHECK(one.find("SEQUENCE:600\r\n") != std::string::npos);  // it changed when it lapsed, ten minutes in
        CHECK(s.booking(cut.id)->status == booking_status::held);     // the store is not written
    }

    SUBCASE("an iCalendar export holds one event per booking, cancelled ones marked, for a resource or a client") {
        const booking_record kept = s.book(cut_at(monday_0900), now);
        const booking_record dropped = s.book(cut_at(monday_0900 + 2h, "c2"), now);
        (void)s.cancel(dropped.id, "ill", now);
        const std::string anna = s.export_ics({.resource = "anna"}, now);
        CHECK(anna.find("UID:" + kept.id + "@slotcraft\r\n") != std::string::npos);
        CHECK(anna.find("UID:" + dropped.id + "@slotcraft\r\n") != std::string::npos);
        CHECK(anna.find("STATUS:CANCELLED\r\n") != std::string::npos);
        CHECK(anna.find("DTSTART:20260302T080000Z\r\n") != std::string::npos);
        CHECK(anna.find("SUMMARY:Haircut\r\n") != std::string::npos);
        const std::string c1 = s.export_ics({.client = "c1"}, now);
        CHECK(c1.find(kept.id) != std::string::npos);
        CHECK(c1.find(dropped.id) == std::string::npos);
        CHECK(field_of([&] { (void)s.export_ics({}, now); }) == "selection");
        CHECK(field_of([&] { (void)s.export_ics({.resource = "anna", .client = "c1"}, now); }) == "selection");
        CHECK(category_of([&] { (void)s.export_ics({.booking = "bk_none"}, now); }) == error_category::not_found);
    }

    SUBCASE("a booked series keeps its rule, its first start and its EXDATEs") {
        recurring_request weekly{.first = cut_at(at("2026-03-17T08:00:00Z")), .rrule = "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=5",
                                 .except_dates = {local_date{date::year{2026} / 4 / 7}}};
        const series_outcome out = s.book_recurring(weekly, now);
        REQUIRE(out.booked.size() == 4);
        const series_record kept{.id = out.series, .resource = "anna", .rrule = "FREQ=WEEKLY;BYDAY=TU;COUNT=5",
                                 .first_start = at("2026-03-17T08:00:00Z"),
                                 .except_dates = {local_date{date::year{2026} / 4 / 7}}};
        CHECK(backend.get().read([&](transaction& tx) { return tx.series(out.series); }) == kept);
        // A retry with the same key returns the first series and keeps its rule.
        recurring_request wednesdays{.first = cut_at(at("2026-03-18T08:00:00Z")), .rrule = "FREQ=WEEKLY;BYDAY=WE;COUNT=2"};
        wednesdays.first.idempotency_key = "wednesdays";
        const series_outcome keyed = s.book_recurring(wednesdays, now);
        REQUIRE(keyed.booked.size() == 2);
        CHECK(s.book_recurring(wednesdays, now + 1h).series == keyed.series);
        CHECK(backend.get().read([&](transaction& tx) { return tx.series(keyed.series); })->rrule ==
              "FREQ=WEEKLY;BYDAY=WE;COUNT=2");
    }

    SUBCASE("a series is exported as one event with its RRULE in the resource's zone, EXDATEs and overrides") {
        // Tuesdays 09:00 in Berlin, across the change to summer time on 29 March.
        recurring_request weekly{.first = cut_at(at("2026-03-17T08:00:00Z")), .rrule = "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=5",
                                 .except_dates = {local_date{date::year{2026} / 4 / 7}}};
        const series_outcome out = s.book_recurring(weekly, now);
        REQUIRE(out.booked.size() == 4);
        (void)s.cancel(out.booked[1].id, "ill", now);                                   // 24 March
        const booking_record moved = s.reschedule(out.booked[3].id, at("2026-04-14T08:00:00Z"), now);  // 14 April, 10:00
        const std::string ics = s.export_ics({.resource = "anna"}, now);
        const std::string uid = "UID:" + out.series + "@slotcraft\r\n";
        CHECK(ics.find("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n") != std::string::npos);
        CHECK(ics.find(uid) != std::string::npos);
        CHECK(ics.find(uid, ics.find(uid) + 1) != std::string::npos);  // the master and the cancelled override
        CHECK(ics.find("DTSTART;TZID=Europe/Berlin:20260317T090000\r\n") != std::string::npos);
        CHECK(ics.find("DTEND;TZID=Europe/Berlin:20260317T093000\r\n") != std::string::npos);
        CHECK(ics.find("RRULE:FREQ=WEEKLY;") != std::string::npos);
        CHECK(ics.find("EXDATE;TZID=Europe/Berlin:20260407T090000\r\n") != std::string::npos);
        CHECK(ics.find("EXDATE;TZID=Europe/Berlin:20260414T090000\r\n") != std::string::npos);
        CHECK(ics.find("RECURRENCE-ID;TZID=Europe/Berlin:20260324T090000\r\n") != std::string::npos);
        CHECK(ics.find("STATUS:CANCELLED\r\n") != std::string::npos);
        CHECK(ics.find("UID:" + moved.id + "@slotcraft\r\n") != std::string::npos);  // moved: an event of its own
        CHECK(ics.find("DTSTART:20260414T080000Z\r\n") != std::string::npos);
        for (const std::size_t i : {0, 1, 2}) CHECK(ics.find("UID:" + out.booked[i].id) == std::string::npos);
        // Read back, the file blocks exactly the active occurrences: the cancelled one's override takes it out.
        const interval year{now, now + date::days{365}};
        CHECK(read_ics(ics, zone::locate("UTC"), year).busy ==
              std::vector<interval>{out.booked[0].time, out.booked[2].time, moved.time});
        CHECK(s.export_ics({.client = "c1"}, now).find(uid) != std::string::npos);
        // One booking of a series is just that booking.
        const std::string one = s.export_ics({.booking = out.booked[0].id}, now);
        CHECK(one.find("UID:" + out.booked[0].id + "@slotcraft\r\n") != std::string::npos);
        CHECK(one.find("RRULE:") == std::string::npos);
        // A resource moved to a zone where the first start is on another weekday no
        // longer fits its rule: its bookings are exported one by one.
        resource_record anna = *s.resource("anna");
        anna.time_zone = "Pacific/Pago_Pago";  // 08:00Z on Tuesday is Monday 21:00 there
        s.put_resource(anna);
        const std::string elsewhere = s.export_ics({.resource = "anna"}, now);
        CHECK(elsewhere.find("RRULE:") == std::string::npos);
        CHECK(elsewhere.find("UID:" + out.booked[0].id + "@slotcraft\r\n") != std::string::npos);
        anna.time_zone = "Europe/Berlin";
        s.put_resource(anna);
        // A series whose rule is not stored (book_series) stays one event per booking.
        const auto pair = s.book_series(std::vector<booking_request>{cut_at(monday_0900), cut_at(monday_0900 + 24h)}, now);
        CHECK(s.export_ics({.resource = "anna"}, now).find("UID:" + pair[1].id + "@slotcraft\r\n") != std::string::npos);
    }

    SUBCASE("an UNTIL of a local date is exported as the UTC instant of the last occurrence") {
        const series_outcome out =
            s.book_recurring({.first = cut_at(at("2026-03-17T08:00:00Z")), .rrule = "FREQ=WEEKLY;UNTIL=20260331;BYDAY=TU"},
                             now);
        REQUIRE(out.booked.size() == 3);
        const std::string ics = s.export_ics({.resource = "anna"}, now);
        CHECK(ics.find("UNTIL=20260331T070000Z") != std::string::npos);
        CHECK(ics.find("UNTIL=20260331;") == std::string::npos);
        // Read back east of UTC, the UTC UNTIL keeps the last occurrence.
        const std::vector<interval> read = read_ics(ics, zone::locate("UTC"), {now, now + date::days{365}}).busy;
        CHECK(read == std::vector<interval>{out.booked[0].time, out.booked[1].time, out.booked[2].time});
        // A series cancelled as a whole is a cancelled event with cancelled occurrences.
        (void)s.cancel_series(out.booked[0].id, series_scope::all, "", now);
        const std::string gone = s.export_ics({.resource = "anna"}, now);
        std::size_t cancelled = 0;
        for (std::size_t at = gone.find("STATUS:CANCELLED"); at != std::string::npos; at = gone.find("STATUS:CANCELLED", at + 1))
            ++cancelled;
        CHECK(cancelled == 4);
        CHECK(gone.find("STATUS:CONFIRMED") == std::string::npos);
    }

    SUBCASE("busy time imported from an iCalendar file closes slots; a malformed file changes nothing") {
        const std::string ics =
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:dentist\r\n"
            "DTSTART;TZID=Europe/Berlin:20260302T100000\r\nDTEND;TZID=Europe/Berlin:20260302T110000\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n";
        const interval window{now, now + date::days{30}};
        const auto added = s.import_ics("anna", ics, window, "test").added;
        REQUIRE(added.size() == 1);
        CHECK(added[0] == interval{at("2026-03-02T09:00:00Z"), at("2026-03-02T10:00:00Z")});
        const auto monday = s.slots(monday_cuts(), now);
        CHECK_FALSE(offers(monday, at("2026-03-02T09:00:00Z")));
        CHECK(offers(monday, at("2026-03-02T10:00:00Z")));
        CHECK(s.import_ics("anna", ics, window, "test").added.empty());  // already there
        const auto audit_before = s.audit().size();
        const auto time_off_before = s.resource("anna")->time_off;
        CHECK(field_of([&] { (void)s.import_ics("anna", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", window); }) == "ics");
        CHECK(s.resource("anna")->time_off == time_off_before);
        CHECK(s.audit().size() == audit_before);
        CHECK(category_of([&] { (void)s.import_ics("nobody", ics, window); }) == error_category::not_found);
    }

    SUBCASE("a CSV report lists the bookings of a period by start, quoted where RFC 4180 says, with filters") {
        s.put_location({.id = "salon-a", .name = "Salon A, \"Mitte\""});
        const booking_record later = s.book(cut_at(monday_0900 + 2h, "c2"), now);
        const booking_record first = s.book(cut_at(monday_0900), now);
        (void)s.book(cut_at(monday_0900 + 7 * 24h), now);  // outside the period
        (void)s.cancel(later.id, "ill, sorry", now);
        const interval monday{at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z")};
        const std::string csv = s.bookings_csv({.period = monday}, byte_order_mark::omit);
        const auto first_row = csv.find("\r\n" + first.id + ",");
        const auto later_row = csv.find("\r\n" + later.id + ",");
        CHECK(csv.rfind("id,resource,resource_name,service,", 0) == 0);
        REQUIRE(first_row != std::string::npos);
        REQUIRE(later_row != std::string::npos);
        CHECK(first_row < later_row);
        CHECK(std::count(csv.begin(), csv.end(), '\n') == 3);  // header and two bookings
        CHECK(csv.find(",\"Salon A, \"\"Mitte\"\"\",") != std::string::npos);
        CHECK(csv.find(",2026-03-02T09:00:00,2026-03-02T09:30:00,Europe/Berlin,") != std::string::npos);
        CHECK(csv.find(",\"ill, sorry\",") != std::string::npos);
        const std::string confirmed = s.bookings_csv({.period = monday, .status = booking_status::confirmed});
        CHECK(confirmed.find(later.id) == std::string::npos);
        CHECK(confirmed.find(first.id) != std::string::npos);
        CHECK(s.bookings_csv({.period = monday, .client = "c2"}).find(first.id) == std::string::npos);
        CHECK(field_of([&] { (void)s.bookings_csv({.period = {monday.end, monday.start}}); }) == "period");
        CHECK(category_of([&] { (void)s.bookings_csv({.period = monday, .resources = {"nobody"}}); }) ==
              error_category::not_found);
    }

    SUBCASE("attendance is marked once a booking has started, can be taken back, and is audited") {
        const booking_record b = s.book(cut_at(monday_0900), now);
        const instant started = monday_0900 + 5min;
        const auto audit_before = s.audit().size();
        // Not yet started, unknown, a bad value: refused naming the field, nothing written.
        CHECK(category_of([&] { (void)s.mark_attendance(b.id, attendance_status::attended, monday_0900 - 1s); }) ==
              error_category::conflict);
        CHECK(field_of([&] { (void)s.mark_attendance(b.id, attendance_status::attended, monday_0900 - 1s); }) == "id");
        CHECK(category_of([&] { (void)s.mark_attendance("bk_none", attendance_status::attended, started); }) ==
              error_category::not_found);
        CHECK(field_of([&] { (void)s.mark_attendance("bk_none", attendance_status::attended, started); }) == "id");
        CHECK(field_of([&] { (void)s.mark_attendance(b.id, static_cast<attendance_status>(7), started); }) ==
              "attendance");
        CHECK(s.booking(b.id)->attendance == attendance_status::unmarked);
        CHECK(s.audit().size() == audit_before);

        const booking_record marked = s.mark_attendance(b.id, attendance_status::attended, monday_0900, "desk");
        CHECK(marked.attendance == attendance_status::attended);
        CHECK(marked.updated_at == monday_0900);
        CHECK(s.booking(b.id) == marked);
        const audit_entry entry = s.audit().back();
        CHECK(entry.action == "attendance");
        CHECK(entry.actor == "desk");
        CHECK(entry.subject == b.id);
        CHECK(entry.before.find("\"attendance\":\"unmarked\"") != std::string::npos);
        CHECK(entry.after.find("\"attendance\":\"attended\"") != std::string::npos);
        // The same mark again changes nothing; another value and `unmarked` replace it.
        CHECK(s.mark_attendance(b.id, attendance_status::attended, started + 1h) == marked);
        CHECK(s.audit().size() == audit_before + 1);
        CHECK(s.mark_attendance(b.id, attendance_status::no_show, started).attendance == attendance_status::no_show);
        CHECK(s.mark_attendance(b.id, attendance_status::unmarked, started).attendance == attendance_status::unmarked);
        CHECK(s.booking(b.id)->attendance == attendance_status::unmarked);
        CHECK(s.audit().size() == audit_before + 3);

        // A mark belongs to the time it was made for: moving the booking drops it.
        (void)s.mark_attendance(b.id, attendance_status::attended, started);
        const booking_record moved = s.reschedule(b.id, monday_0900 + 24h, started, "desk");
        CHECK(moved.attendance == attendance_status::unmarked);

        // Cancelled bookings and unconfirmed holds cannot be marked.
        (void)s.cancel(b.id, "", started);
        const booking_record held = s.hold(cut_at(monday_0900 + 2h), 600min, now);
        const auto audit_cancelled = s.audit().size();
        CHECK(category_of([&] { (void)s.mark_attendance(b.id, attendance_status::no_show, started + 48h); }) ==
              error_category::conflict);
        CHECK(field_of([&] { (void)s.mark_attendance(b.id, attendance_status::no_show, started + 48h); }) == "id");
        CHECK(field_of([&] { (void)s.mark_attendance(held.id, attendance_status::attended, monday_0900 + 3h); }) ==
              "id");
        CHECK(s.booking(held.id)->attendance == attendance_status::unmarked);
        CHECK(s.audit().size() == audit_cancelled);
    }

    SUBCASE("the attendance report counts attended, no-show, unmarked and cancelled bookings per resource") {
        s.put_resource({.id = "boris", .name = "Boris, \"B\"", .time_zone = "Europe/Berlin",
                        .schedules = {{.location = "salon-a"}}});
        const booking_record came = s.book(cut_at(monday_0900), now);
        const booking_record stayed_away = s.book(cut_at(monday_0900 + 2h, "c2"), now);
        const booking_record called_off = s.book(cut_at(monday_0900 + 6h), now);
        (void)s.book(cut_at(monday_0900 + 7h), now);  // not marked
        (void)s.book(cut_at(monday_0900 + 7 * 24h), now);  // outside the period
        (void)s.hold(cut_at(monday_0900 + 8h), 10min, now);  // a hold is not a booking
        (void)s.cancel(called_off.id, "", now);
        const instant evening = monday_0900 + 9h;
        (void)s.mark_attendance(came.id, attendance_status::attended, evening);
        (void)s.mark_attendance(stayed_away.id, attendance_status::no_show, evening);
        const interval monday{at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z")};
        CHECK(s.attendance_csv({.period = monday}, byte_order_mark::omit) ==
              "resource,resource_name,bookings,attended,no_show,unmarked,cancelled\r\n"
              "anna,Anna,4,1,1,1,1\r\n"
              "boris,\"Boris, \"\"B\"\"\",0,0,0,0,0\r\n");
        CHECK(s.attendance_csv({.period = monday, .resources = {"anna"}, .client = "c2"}, byte_order_mark::omit) ==
              "resource,resource_name,bookings,attended,no_show,unmarked,cancelled\r\nanna,Anna,1,0,1,0,0\r\n");
        CHECK(s.attendance_csv({.period = monday, .resources = {"anna"}, .service = "yoga"}).ends_with(
            "anna,Anna,0,0,0,0,0\r\n"));
        CHECK(s.attendance_csv({.period = monday, .resources = {"anna"}, .status = booking_status::cancelled})
                  .ends_with("anna,Anna,1,0,0,0,1\r\n"));
        // The bookings report shows each booking's mark.
        const std::string bookings = s.bookings_csv({.period = monday});
        CHECK(bookings.find(",status,attendance,series,") != std::string::npos);
        CHECK(bookings.find(",confirmed,attended,") != std::string::npos);
        CHECK(bookings.find(",confirmed,no_show,") != std::string::npos);
        CHECK(field_of([&] { (void)s.attendance_csv({.period = {monday.end, monday.start}}); }) == "period");
        CHECK(category_of([&] { (void)s.attendance_csv({.period = monday, .resources = {"anna", "nobody"}}); }) ==
              error_category::not_found);
        CHECK(field_of([&] { (void)s.attendance_csv({.period = monday, .resources = {"anna", "nobody"}}); }) ==
              "resources[1]");
    }

    SUBCASE("the load report gives open and booked hours per local day and ISO week, DST days 23 hours long") {
        // A studio in Berlin open around the clock; clocks go forward on Sunday 2026-03-29.
        location_schedule always{.location = "salon-a"};
        for (auto day : {date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday, date::Saturday,
                         date::Sunday})
            always.weekly.set(day, {local_range::parse("00:00", "24:00")});
        always.overrides[local_date{date::year{2026} / 3 / 25}] = {local_range::parse("09:00", "17:00")};
        s.put_resource({.id = "studio", .name = "Studio", .time_zone = "Europe/Berlin", .schedules = {always},
                        .time_off = {{at("2026-03-24T10:00:00Z"), at("2026-03-24T12:00:00Z")}}});
        s.put_service({.rules = {.id = "hire", .duration = 120min, .step = 60min}, .name = "Hire"});
        for (const char* offered : {"cut", "yoga", "hire"}) s.link("studio", offered);
        const auto studio = [](std::string_view service, instant start, std::string client = "c1") {
            return booking_request{.resource = "studio", .service = std::string(service), .client = std::move(client),
                                   .start = start};
        };
        (void)s.book(studio("yoga", at("2026-03-23T09:00:00Z")), now);        // Mon 10:00-11:00, two seats of
        (void)s.book(studio("yoga", at("2026-03-23T09:00:00Z"), "c2"), now);  // one class: one hour
        const booking_record off = s.book(studio("cut", at("2026-03-25T09:00:00Z")), now);  // Wed, cancelled
        (void)s.cancel(off.id, "", now);
        (void)s.hold(studio("cut", at("2026-03-26T09:00:00Z")), 10min, now);  // Thu, lapsed by the report's now
        (void)s.book(studio("hire", at("2026-03-27T22:00:00Z")), now);  // Fri 23:00 - Sat 01:00
        (void)s.book(studio("cut", at("2026-03-29T00:30:00Z")), now);   // Sun 01:30-02:00 CET
        const instant report_now = at("2026-03-20T00:00:00Z");
        const interval week{at("2026-03-22T23:00:00Z"), at("2026-03-29T22:00:00Z")};  // local Mon 00:00 - Mon 00:00
        const std::string header = "resource,resource_name,time_zone,period,days,open_hours,booked_hours,utilisation\r\n";
        CHECK(s.load_csv({.period = week, .resources = {"studio"}}, report_now, byte_order_mark::omit) ==
              header +
                  "studio,Studio,Europe/Berlin,2026-03-23,1,24.00,1.00,0.0417\r\n"
                  "studio,Studio,Europe/Berlin,2026-03-24,1,22.00,0.00,0.0000\r\n"
                  "studio,Studio,Europe/Berlin,2026-03-25,1,8.00,0.00,0.0000\r\n"
                  "studio,Studio,Europe/Berlin,2026-03-26,1,24.00,0.00,0.0000\r\n"
                  "studio,Studio,Europe/Berlin,2026-03-27,1,24.00,1.00,0.0417\r\n"
                  "studio,Studio,Europe/Berlin,2026-03-28,1,24.00,1.00,0.0417\r\n"
                  "studio,Studio,Europe/Berlin,2026-03-29,1,23.00,0.50,0.0217\r\n");
        CHECK(s.load_csv({.period = week, .resources = {"studio"}, .by = load_grouping::week}, report_now, byte_order_mark::omit) ==
              header + "studio,Studio,Europe/Berlin,2026-W13,7,149.00,3.50,0.0235\r\n");
        // A period ending in the next week gives that week's part; the edges clip the days.
        const interval longer{week.start, at("2026-03-30T22:00:00Z")};
        CHECK(s.load_csv({.period = longer, .resources = {"studio"}, .by = load_grouping::week}, report_now, byte_order_mark::omit) ==
              header + "studio,Studio,Europe/Berlin,2026-W13,7,149.00,3.50,0.0235\r\n"
                       "studio,Studio,Europe/Berlin,2026-W14,1,24.00,0.00,0.0000\r\n");
        const interval part{at("2026-03-23T06:00:00Z"), at("2026-03-23T12:00:00Z")};
        CHECK(s.load_csv({.period = part, .resources = {"studio"}}, report_now, byte_order_mark::omit) ==
              header + "studio,Studio,Europe/Berlin,2026-03-23,1,6.00,1.00,0.1667\r\n");
        // Anna (Mon-Fri 09:00-18:00, a 13:00 break) is in the unfiltered report; a day without hours has no utilisation.
        const std::string all = s.load_csv({.period = week}, report_now);
        CHECK(all.find("anna,Anna,Europe/Berlin,2026-03-23,1,8.00,0.00,0.0000\r\n") != std::string::npos);
        CHECK(all.find("anna,Anna,Europe/Berlin,2026-03-29,1,0.00,0.00,\r\n") != std::string::npos);
        // ISO weeks at a year's end: 2027-01-01 (a Friday) is in week 53 of 2026.
        const interval new_year{at("2026-12-27T23:00:00Z"), at("2027-01-03T23:00:00Z")};
        CHECK(s.load_csv({.period = new_year, .resources = {"studio"}, .by = load_grouping::week}, report_now, byte_order_mark::omit) ==
              header + "studio,Studio,Europe/Berlin,2026-W53,7,168.00,0.00,0.0000\r\n");
        CHECK(field_of([&] { (void)s.load_csv({.period = {week.end, week.start}}, report_now); }) == "period");
        CHECK(field_of([&] { (void)s.load_csv({.period = {week.start, week.start + date::days{367}}}, report_now); }) ==
              "period");
        CHECK(field_of([&] { (void)s.load_csv({.period = week, .resources = {"nobody"}}, report_now); }) ==
              "resources[0]");
        CHECK(field_of([&] { (void)s.load_csv({.period = week, .by = static_cast<load_grouping>(9)}, report_now); }) ==
              "by");
    }

    SUBCASE("every store refuses the same things at the transaction level") {
        store& raw = backend.get();
        const auto refused = [&](auto&& work) {
            try {
                raw.write({}, work);
            } catch (const error& e) {
                return std::pair{e.category(), e.field()};
            }
            return std::pair{error_category::storage, std::string("nothing raised")};
        };
        CHECK(refused([](transaction& tx) { tx.put_resource({.id = "x", .schedules = {{.location = "nowhere"}}}); }) ==
              std::pair{error_category::not_found, std::string("resource.schedules[0].location")});
        CHECK(refused([](transaction& tx) { tx.put_service({.rules = {.id = "x"}, .locations = {"nowhere"}}); }) ==
              std::pair{error_category::not_found, std::string("service.locations[0]")});
        CHECK(refused([](transaction& tx) { tx.link("anna", "nothing"); }).first == error_category::not_found);
        CHECK(refused([](transaction& tx) {
                  tx.put_client({.id = "c3", .identities = {{messenger::telegram, "1001"}}});
              }) == std::pair{error_category::conflict, std::string("client.identities[0]")});
        CHECK(refused([](transaction& tx) {
                  tx.put_client({.id = "c3", .identities = {{messenger::vk, "7"}, {messenger::vk, "7"}}});
              }) == std::pair{error_category::invalid_argument, std::string("client.identities[1]")});
        CHECK_FALSE(raw.read([](transaction& tx) { return tx.client("c3"); }).has_value());
        const booking_record b = s.book(cut_at(monday_0900), now);
        booking_record copy = b;
        copy.id = "bk_copy";
        copy.idempotency_key = "k1";
        copy.time = {b.time.start + 24h, b.time.end + 24h};  // a store may refuse overlapping bookings (PostgreSQL does)
        CHECK(refused([&](transaction& tx) { tx.insert_booking(b); }) ==
              std::pair{error_category::conflict, std::string("booking.id")});
        raw.write({}, [&](transaction& tx) { tx.insert_booking(copy); });
        booking_record third = copy;
        third.id = "bk_third";
        CHECK(refused([&](transaction& tx) { tx.insert_booking(third); }) ==
              std::pair{error_category::conflict, std::string("booking.idempotency_key")});
        third.idempotency_key.clear();
        third.resource = "boris";
        CHECK(refused([&](transaction& tx) { tx.insert_booking(third); }) ==
              std::pair{error_category::not_found, std::string("booking.resource")});
        CHECK(refused([&](transaction& tx) { tx.update_booking(third); }) ==
              std::pair{error_category::not_found, std::string("booking")});
        CHECK(refused([](transaction& tx) { (void)tx.mark_reminded("bk_none", minutes{60}); }).first ==
              error_category::not_found);
        CHECK(refused([](transaction& tx) { tx.put_series({.id = "sr_x", .resource = "boris", .rrule = "FREQ=DAILY"}); }) ==
              std::pair{error_category::not_found, std::string("series.resource")});
        CHECK_FALSE(raw.read([](transaction& tx) { return tx.series("sr_x"); }).has_value());
        CHECK_FALSE(raw.read([](transaction& tx) { return tx.booking_by_idempotency_key(""); }).has_value());
        CHECK(category_of([&] { raw.read([](transaction& tx) { tx.put_location({.id = "z"}); }); }) ==
              error_category::storage);
    }

    SUBCASE("an unlinked service is no longer offered, its bookings stay, and unlinking twice changes nothing") {
        CHECK(s.locations() == std::vector<location_record>{{"salon-a", "Salon A"}, {"salon-b", "Salon B"}});
        CHECK(s.location("salon-b")->name == "Salon B");
        CHECK_FALSE(s.location("nowhere").has_value());
        CHECK(s.services_of("anna") == std::vector<std::string>{"cut", "yoga"});
        const booking_record kept = s.book(cut_at(monday_0900), now);
        const auto audited = s.audit().size();

        s.unlink("anna", "cut", "owner");
        CHECK(s.services_of("anna") == std::vector<std::string>{"yoga"});
        CHECK(s.providers("cut").empty());
        CHECK(s.slots(monday_cuts(), now).empty());
        CHECK(s.booking(kept.id)->status == booking_status::confirmed);
        CHECK(s.audit().size() == audited + 1);
        CHECK(s.audit().back().action == "unlink");

        s.unlink("anna", "cut");
        CHECK(s.audit().size() == audited + 1);
        CHECK(field_of([&] { s.unlink("nobody", "cut"); }) == "resource");
        CHECK(field_of([&] { s.unlink("anna", "nothing"); }) == "service");
        CHECK(s.audit().size() == audited + 1);
        CHECK(s.services_of("anna") == std::vector<std::string>{"yoga"});
    }

    SUBCASE("lookups by resource, idempotency key and hold token follow every write and every rollback") {
        store& raw = backend.get();
        const auto of_anna = [&](interval span) {
            return raw.read([&](transaction& tx) { return tx.bookings_of_resource("anna", span); });
        };
        const auto by_key = [&](std::string_view key) {
            return raw.read([&](transaction& tx) { return tx.booking_by_idempotency_key(key); });
        };
        booking_request tap = cut_at(monday_0900);
        tap.idempotency_key = "tap-1";
        const booking_record b = s.book(tap, now);
        // 09:00-09:30 with a 10-minute buffer: only the buffer reaches [09:35, 10:00).
        CHECK(of_anna({monday_0900 + 35min, monday_0900 + 60min}).size() == 1);
        CHECK(of_anna({monday_0900 + 40min, monday_0900 + 60min}).empty());
        CHECK(of_anna({monday_0900 - 60min, monday_0900}).empty());

        booking_record ghost = b;
        ghost.id = "bk_ghost";
        ghost.idempotency_key = "ghost-key";
        ghost.hold_token = "ghost-token";
        ghost.time = {b.time.start + 48h, b.time.end + 48h};
        const auto rolled_back = [&](auto&& work) {
            CHECK_THROWS_AS(raw.write({}, [&](transaction& tx) {
                work(tx);
                throw std::runtime_error("changed my mind");
            }),
                            std::runtime_error);
        };
        rolled_back([&](transaction& tx) { tx.insert_booking(ghost); });
        CHECK_FALSE(by_key("ghost-key").has_value());
        CHECK_FALSE(raw.read([](transaction& tx) { return tx.booking_by_hold_token("ghost-token"); }).has_value());
        CHECK(of_anna(ghost.time).empty());

        booking_record moved = b;
        moved.idempotency_key = "tap-2";
        moved.time = {b.time.start + 2h, b.time.end + 2h};
        rolled_back([&](transaction& tx) { tx.update_booking(moved); });
        CHECK(by_key("tap-1").value().id == b.id);
        CHECK_FALSE(by_key("tap-2").has_value());
        CHECK(of_anna(moved.time).empty());

        const booking_record rescheduled = s.reschedule(b.id, b.time.start + 2h, now);
        CHECK(of_anna(b.time).empty());
        REQUIRE(of_anna(rescheduled.time).size() == 1);
        CHECK(of_anna(rescheduled.time).front().id == b.id);
        CHECK(by_key("tap-1").value().time == rescheduled.time);
    }

    SUBCASE("a transaction whose work throws leaves nothing behind") {
        const auto before = s.audit().size();
        CHECK_THROWS_AS(backend.get().write({}, [&](transaction& tx) {
            tx.put_location({.id = "salon-c", .name = "C"});
            (void)tx.append_audit({.action = "test"});
            throw std::runtime_error("changed my mind");
        }),
                        std::runtime_error);
        CHECK(s.audit().size() == before);
        CHECK_FALSE(backend.get().read([](transaction& tx) { return tx.location("salon-c"); }).has_value());
    }
}

#ifdef SLOTCRAFT_CONFORMANCE_ON_POSTGRES
// The PostgreSQL build of this file (tests/CMakeLists.txt): skipped without a server.
TEST_CASE_TEMPLATE_INVOKE(scheduler_conformance, slotcraft::test::postgres_backend);
#else
TEST_CASE_TEMPLATE_INVOKE(scheduler_conformance, slotcraft::test::memory_backend, slotcraft::test::sqlite_backend);
#endif
