// catalog_json.hpp: the stored JSON form of every catalog record reads back
// exactly, uses the documented names, and refuses bad input naming the field.
#include "support.hpp"

#include <slotcraft/catalog_json.hpp>

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::at;
using slotcraft::test::json;
using slotcraft::test::on;
using slotcraft::test::range;

namespace {

location_schedule salon_schedule() {
    location_schedule s;
    s.location = "salon";
    s.weekly.set(date::Monday, {range("09:00", "13:00"), range("14:00", "18:00")});
    s.weekly.set(date::Friday, {range("22:00", "02:00")});  // overnight
    s.weekly.set(date::Sunday, {range("00:00", "24:00")});
    s.overrides[on(2026, 3, 4)] = {range("10:00", "12:00")};
    s.overrides[on(2026, 12, 31)] = {};  // a day off
    s.breaks = {range("11:00", "11:15"), range("23:30", "00:30")};
    return s;
}

/// SPEC §9: three weeks, the middle one without hours.
location_schedule rotating_schedule() {
    location_schedule s;
    s.location = "online";
    weekly_hours early, late;
    early.set(date::Monday, {range("07:00", "11:00")});
    late.set(date::Thursday, {range("15:00", "19:30")});
    s.rotation = weekly_rotation{.anchor = on(2026, 3, 4), .weeks = {early, {}, late}};
    s.overrides[on(2026, 3, 9)] = {};
    return s;
}

resource_record anna() {
    location_schedule online;
    online.location = "online";
    online.weekly.set(date::Wednesday, {range("07:05", "08:55")});
    return {.id = "anna",
            .name = "Анна Петрова",
            .time_zone = "Europe/Berlin",
            .schedules = {salon_schedule(), online},
            .time_off = {{at("2026-03-05T00:00:00Z"), at("2026-03-06T00:00:00Z")},
                         {at("2026-07-01T09:30:15Z"), at("2026-07-14T18:00:00Z")}}};
}

service cut() {
    return {.id = "cut",
            .duration = minutes{45},
            .step = minutes{15},
            .align = alignment::clock,
            .buffer_before = minutes{5},
            .buffer_after = minutes{10},
            .min_notice = minutes{120},
            .max_advance = minutes{60 * 24 * 30},
            .capacity = 3,
            .max_per_day = 7,
            .max_per_client_per_day = 1,
            .max_per_client_per_week = 2,
            .max_seats_per_client = 3};
}

booking_record held_booking() {
    return {.id = "b-17",
            .resource = "anna",
            .service = "cut",
            .location = "salon",
            .client = "c-1",
            .time = {at("2026-03-02T09:00:00Z"), at("2026-03-02T09:45:00Z")},
            .seats = 2,
            .status = booking_status::held,
            .expires = at("2026-03-01T08:10:00Z"),
            .hold_token = "tok-9",
            .buffer_before = minutes{5},
            .buffer_after = minutes{10},
            .idempotency_key = "idem-1",
            .series = "weekly-3",
            .cancel_reason = "",
            .created_at = at("2026-03-01T08:00:00Z"),
            .updated_at = at("2026-03-01T08:00:01Z")};
}

/// `from_json(to_json(x))`, also through the text form.
template <class T>
void check_round_trip(const T& value) {
    const json document = value;
    CHECK(document.get<T>() == value);
    CHECK(json::parse(document.dump()).get<T>() == value);
}

/// The field named by the error reading `document` as `T` raises, or "" if none.
template <class T>
std::string refused_field(const json& document) {
    try {
        (void)document.get<T>();
    } catch (const error& e) {
        CHECK(e.category() == error_category::invalid_argument);
        return e.field();
    }
    return {};
}

}  // namespace

TEST_CASE("every catalog record reads back equal to what was written") {
    check_round_trip(location_record{.id = "salon", .name = "Salon on Nevsky, 1st floor"});
    check_round_trip(salon_schedule());
    check_round_trip(rotating_schedule());
    check_round_trip(anna());
    check_round_trip(cut());
    check_round_trip(service_record{.rules = cut(), .name = "Haircut", .locations = {"salon", "online"}});
    check_round_trip(service_record{.rules = cut(),
                                    .assign = {.strategy = assign_strategy::weighted,
                                               .weights = {{"anna", 3}, {"boris", 0}},
                                               .priorities = {{"anna", 1}}}});
    check_round_trip(identity{.network = messenger::whatsapp, .external_id = "+7 900 000-00-00"});
    check_round_trip(client_record{.id = "c-1",
                                   .name = "Ivan",
                                   .identities = {{messenger::telegram, "123456"},
                                                  {messenger::vk, "id42"},
                                                  {messenger::other, "email:ivan@example.org"}}});
    check_round_trip(settings{.reminder_offsets = {minutes{1440}, minutes{60}},
                              .global_breaks = {range("13:00", "14:00")},
                              .default_step = minutes{20}});
    check_round_trip(held_booking());
    booking_record cancelled = held_booking();
    cancelled.status = booking_status::cancelled;
    cancelled.expires.reset();
    cancelled.cancel_reason = "client asked";
    check_round_trip(cancelled);
    booking_record came = held_booking();
    came.status = booking_status::confirmed;
    came.expires.reset();
    came.attendance = attendance_status::no_show;
    check_round_trip(came);
    CHECK(json(came)["attendance"] == "no_show");
}

TEST_CASE("unset optional values stay unset through JSON and are left out") {
    service rules = cut();
    rules.step.reset();
    const json document = rules;
    CHECK_FALSE(document.contains("step"));
    CHECK_FALSE(document.get<service>().step.has_value());

    const json no_step = settings{.reminder_offsets = {minutes{30}}};
    CHECK_FALSE(no_step.contains("default_step"));
    CHECK_FALSE(no_step.get<settings>().default_step.has_value());

    booking_record confirmed = held_booking();
    confirmed.status = booking_status::confirmed;
    confirmed.expires.reset();
    const json booking_json = confirmed;
    CHECK_FALSE(booking_json.contains("expires"));
    CHECK(booking_json.get<booking_record>() == confirmed);
}

TEST_CASE("a service is written with the SPEC section 8 field names") {
    const json expected = json::parse(R"({"id": "cut", "duration": 45, "step": 15, "align": "clock",
        "buffer_before": 5, "buffer_after": 10, "min_notice": 120, "max_advance": 43200,
        "capacity": 3, "max_per_day": 7, "max_per_client_per_day": 1, "max_per_client_per_week": 2,
        "max_seats_per_client": 3})");
    CHECK(json(cut()) == expected);

    json record = expected;
    record["name"] = "Haircut";
    record["locations"] = {"salon"};
    record["archived"] = false;
    record["assign"] = json::parse(R"({"strategy": "least_booked", "weights": {}, "priorities": {}})");
    record["pools"] = json::array();
    CHECK(json(service_record{.rules = cut(), .name = "Haircut", .locations = {"salon"}}) == record);
    // SPEC §10 pools: an array of {id, resources}, in order, read back equal.
    const service_record pooled{.rules = cut(), .pools = {{.id = "room", .resources = {"r2", "r1"}}, {.id = "chair", .resources = {"c1"}}}};
    CHECK(json(pooled)["pools"] ==
          json::parse(R"([{"id": "room", "resources": ["r2", "r1"]}, {"id": "chair", "resources": ["c1"]}])"));
    CHECK(json(pooled).get<service_record>() == pooled);
    // A record written before SPEC §12 and §10 (no `assign`, no `pools`) reads with the default strategy and no pools.
    record.erase("assign");
    record.erase("pools");
    CHECK(record.get<service_record>().assign == assignment{});
    CHECK(record.get<service_record>().pools.empty());
    record["archived"] = true;
    CHECK(record.get<service_record>().archived);
}

TEST_CASE("instants are UTC ISO strings, local ranges HH:MM pairs, overrides keyed by date") {
    const json booking_json = held_booking();
    CHECK(booking_json["start"] == "2026-03-02T09:00:00Z");
    CHECK(booking_json["expires"] == "2026-03-01T08:10:00Z");
    CHECK(booking_json["status"] == "held");
    CHECK(booking_json["buffer_after"] == 10);

    const json schedule = salon_schedule();
    CHECK(schedule["weekly"]["fri"] == json::array({json::array({"22:00", "02:00"})}));
    CHECK(schedule["weekly"]["sun"] == json::array({json::array({"00:00", "24:00"})}));
    CHECK(schedule["weekly"]["tue"] == json::array());
    CHECK(schedule["weekly"].size() == 7);
    CHECK(schedule["overrides"]["2026-12-31"] == json::array());
    CHECK(schedule["overrides"]["2026-03-04"] == json::array({json::array({"10:00", "12:00"})}));

    // A rotation is written instead of `weekly`, each week in the weekly form.
    const json rotating = rotating_schedule();
    CHECK_FALSE(rotating.contains("weekly"));
    CHECK(rotating["rotation"]["anchor"] == "2026-03-04");
    CHECK(rotating["rotation"]["weeks"].size() == 3);
    CHECK(rotating["rotation"]["weeks"][0]["mon"] == json::array({json::array({"07:00", "11:00"})}));
    CHECK(rotating["rotation"]["weeks"][1] == json(location_schedule{})["weekly"]);
    CHECK(rotating["rotation"]["weeks"][2]["thu"] == json::array({json::array({"15:00", "19:30"})}));

    const json resource = anna();
    CHECK(resource["timezone"] == "Europe/Berlin");
    CHECK(resource["time_off"][1] == json{{"start", "2026-07-01T09:30:15Z"}, {"end", "2026-07-14T18:00:00Z"}});

    CHECK(json(identity{messenger::telegram, "1"})["network"] == "telegram");
}

TEST_CASE("an instant with an offset is read as the UTC instant it names") {
    json document = held_booking();
    document["start"] = "2026-03-02T12:00:00+03:00";
    CHECK(document.get<booking_record>().time.start == at("2026-03-02T09:00:00Z"));
}

TEST_CASE("fields left out take the defaults of the record") {
    const auto b = json::parse(R"({"id": "b", "start": "2026-03-02T09:00:00Z", "end": "2026-03-02T09:30:00Z"})")
                       .get<booking_record>();
    CHECK(b.seats == 1);
    CHECK(b.status == booking_status::confirmed);
    CHECK(b.resource.empty());
    CHECK(b.created_at == instant{});
    CHECK(b.attendance == attendance_status::unmarked);

    const auto r = json::parse(R"({"id": "r"})").get<resource_record>();
    CHECK(r.time_zone == "UTC");
    CHECK(r.schedules.empty());
    CHECK(json::object().get<settings>() == settings{});
}

TEST_CASE("reading refuses bad input and names the field") {
    json resource = anna();
    resource["schedules"][0]["weekly"]["mon"][0][1] = "25:00";
    CHECK(refused_field<resource_record>(resource) == "resource.schedules[0].weekly.mon[0][1]");

    resource = anna();
    resource["schedules"][1]["weekly"]["someday"] = json::array();
    CHECK(refused_field<resource_record>(resource) == "resource.schedules[1].weekly.someday");

    resource = anna();
    resource["schedules"][0]["overrides"] = {{"2026-02-30", json::array()}};
    CHECK(refused_field<resource_record>(resource) == "resource.schedules[0].overrides.2026-02-30");

    resource = anna();
    resource["time_off"][1]["end"] = "2026-07-14 18:00";
    CHECK(refused_field<resource_record>(resource) == "resource.time_off[1].end");

    resource = anna();
    resource["schedules"][0].erase("location");
    CHECK(refused_field<resource_record>(resource) == "resource.schedules[0].location");

    json rotating = rotating_schedule();
    rotating["weekly"] = json::object();
    CHECK(refused_field<location_schedule>(rotating) == "schedule.rotation");
    rotating = rotating_schedule();
    rotating["rotation"]["weeks"] = json::array();
    CHECK(refused_field<location_schedule>(rotating) == "schedule.rotation");
    rotating["rotation"]["weeks"] = json::array();
    for (std::size_t i = 0; i <= weekly_rotation::max_weeks; ++i) rotating["rotation"]["weeks"].push_back(json::object());
    CHECK(refused_field<location_schedule>(rotating) == "schedule.rotation");
    rotating = rotating_schedule();
    rotating["rotation"]["weeks"][2]["thu"][0][0] = "7am";
    CHECK(refused_field<location_schedule>(rotating) == "schedule.rotation.weeks[2].thu[0][0]");
    rotating = rotating_schedule();
    rotating["rotation"].erase("anchor");
    CHECK(refused_field<location_schedule>(rotating) == "schedule.rotation.anchor");
    rotating["rotation"] = json::array();
    CHECK(refused_field<location_schedule>(rotating) == "schedule.rotation");

    json client = client_record{.id = "c", .identities = {{messenger::vk, "1"}, {messenger::vk, "2"}}};
    client["identities"][1]["network"] = "icq";
    CHECK(refused_field<client_record>(client) == "client.identities[1].network");

    json booking_json = held_booking();
    booking_json["status"] = "maybe";
    CHECK(refused_field<booking_record>(booking_json) == "booking.status");
    booking_json = held_booking();
    booking_json["created_at"] = 1700000000;
    CHECK(refused_field<booking_record>(booking_json) == "booking.created_at");
    booking_json = held_booking();
    booking_json.erase("id");
    CHECK(refused_field<booking_record>(booking_json) == "booking.id");
    booking_json = held_booking();
    booking_json["attendance"] = "late";
    CHECK(refused_field<booking_record>(booking_json) == "booking.attendance");
    booking_json["attendance"] = 1;
    CHECK(refused_field<booking_record>(booking_json) == "booking.attendance");

    json rules = cut();
    rules["align"] = "diagonal";
    CHECK(refused_field<service>(rules) == "service.align");
    rules = cut();
    rules["buffer_after"] = 2.5;
    CHECK(refused_field<service_record>(rules) == "service.buffer_after");
    rules = cut();
    rules["locations"] = {"salon", 7};
    CHECK(refused_field<service_record>(rules) == "service.locations[1]");
    rules = cut();
    rules["assign"] = {{"strategy", "random"}};
    CHECK(refused_field<service_record>(rules) == "service.assign.strategy");
    rules["assign"] = {{"weights", {{"anna", "3"}}}};
    CHECK(refused_field<service_record>(rules) == "service.assign.weights");
    rules["assign"] = json::array();
    CHECK(refused_field<service_record>(rules) == "service.assign");
    rules = cut();
    rules["pools"] = {{"room", "r1"}};
    CHECK(refused_field<service_record>(rules) == "service.pools");
    rules["pools"] = json::array({{{"id", "room"}}});
    CHECK(refused_field<service_record>(rules) == "service.pools[0].resources");
    rules["pools"] = json::array({{{"id", "room"}, {"resources", {"r1", 2}}}});
    CHECK(refused_field<service_record>(rules) == "service.pools[0].resources[1]");
    rules["pools"] = json::array({{{"id", 5}, {"resources", {"r1"}}}});
    CHECK(refused_field<service_record>(rules) == "service.pools[0].id");
    rules["pools"] = json::array({{{"id", "room"}, {"resources", {"r1"}}, {"size", 2}}});
    CHECK(refused_field<service_record>(rules) == "service.pools[0].size");

    json values = settings{.reminder_offsets = {minutes{60}, minutes{5}}};
    values["reminder_offsets"][1] = "5";
    CHECK(refused_field<settings>(values) == "settings.reminder_offsets[1]");
    values = settings{};
    values["global_breaks"] = json::array({json::array({"12:00"})});
    CHECK(refused_field<settings>(values) == "settings.global_breaks[0]");

    CHECK(refused_field<location_record>(json::array()) == "location");
    CHECK(refused_field<location_record>(json{{"name", "x"}}) == "location.id");
}

TEST_CASE("a misspelt or unknown field is refused naming it, never read as a default") {
    json resource = anna();
    resource["time_zone"] = "Europe/Berlin";  // the field is `timezone`
    CHECK(refused_field<resource_record>(resource) == "resource.time_zone");
    resource = anna();
    resource["schedules"][1]["break"] = json::array();
    CHECK(refused_field<resource_record>(resource) == "resource.schedules[1].break");

    json rules = cut();
    rules["buffer"] = 20;
    CHECK(refused_field<service_record>(rules) == "service.buffer");
    json client = client_record{.id = "c", .identities = {{messenger::vk, "1"}}};
    client["identities"][0]["id"] = "1";
    CHECK(refused_field<client_record>(client) == "client.identities[0].id");
    client = client_record{.id = "c"};
    client["phone"] = "+49";
    CHECK(refused_field<client_record>(client) == "client.phone");
    CHECK(refused_field<settings>(json{{"slot_length", 30}}) == "settings.slot_length");
    CHECK(refused_field<location_record>(json{{"id", "x"}, {"archive", true}}) == "location.archive");

    // Every field a record writes is one it reads.
    CHECK_NOTHROW((void)json(anna()).get<resource_record>());
    CHECK_NOTHROW((void)json(cut()).get<service_record>());
    const settings every{.reminder_offsets = {minutes{60}}, .global_breaks = {{}}, .default_step = minutes{15}};
    CHECK_NOTHROW((void)json(every).get<settings>());
    CHECK_NOTHROW((void)json(client_record{.id = "c", .identities = {{messenger::vk, "1"}}}).get<client_record>());
    CHECK_NOTHROW((void)json(location_record{.id = "x", .archived = true}).get<location_record>());
}

TEST_CASE("a waiting-list entry reads back from its JSON form, and a bad field is named") {
    const waitlist_entry offered{.id = "wl_1",
                                 .client = "c1",
                                 .service = "cut",
                                 .resource = "anna",
                                 .window = {at("2026-03-02T08:00:00Z"), at("2026-03-02T12:00:00Z")},
                                 .seats = 2,
                                 .offer_ttl = minutes{15},
                                 .status = waitlist_status::offered,
                                 .offer = "bk_1",
                                 .notified = true,
                                 .created_at = at("2026-03-01T08:00:00Z"),
                                 .updated_at = at("2026-03-01T09:30:00Z")};
    check_round_trip(offered);
    check_round_trip(waitlist_entry{.id = "wl_2", .client = "c2", .service = "cut",
                                    .window = {at("2026-03-02T08:00:00Z"), at("2026-03-02T09:00:00Z")}});

    json bad = offered;
    bad["status"] = "pending";
    CHECK(refused_field<waitlist_entry>(bad) == "waitlist.status");
    bad = offered;
    bad.erase("end");
    CHECK(refused_field<waitlist_entry>(bad) == "waitlist.end");
    bad = offered;
    bad["offer_ttl_minutes"] = 15;  // the HTTP request's name, not the entry's
    CHECK(refused_field<waitlist_entry>(bad) == "waitlist.offer_ttl_minutes");
    bad = offered;
    bad["seats"] = "two";
    CHECK(refused_field<waitlist_entry>(bad) == "waitlist.seats");
    CHECK(refused_field<waitlist_entry>(json{{"client", "c1"}}) == "waitlist.id");
}

TEST_CASE("the readers take the caller's field path") {
    try {
        (void)resource_from_json(json{{"id", 5}}, "resources[3]");
        FAIL("a numeric id was accepted");
    } catch (const error& e) {
        CHECK(e.field() == "resources[3].id");
    }
}

TEST_CASE("a booking's JSON text is exactly what nlohmann writes, escapes and all") {
    booking_record b = held_booking();
    CHECK(booking_json_text(b) == json(b).dump());
    b.expires.reset();
    b.status = booking_status::cancelled;
    b.attendance = attendance_status::attended;
    b.time = {at("0001-01-01T00:00:00Z"), at("9999-12-31T23:59:59Z")};
    CHECK(booking_json_text(b) == json(b).dump());
    for (const std::string& odd : {std::string("say \"hi\""), std::string("back\\slash"), std::string("tab\tnew\nline\r\f\b"),
                                  std::string("\x01\x1f\x7f", 3), std::string("nul\0in", 6), std::string("Zoë ✓"), std::string()}) {
        CAPTURE(odd);
        b.client = odd;
        b.cancel_reason = odd + odd;
        CHECK(booking_json_text(b) == json(b).dump());
    }
    b.client = "\xff not UTF-8";
    CHECK_THROWS_AS((void)booking_json_text(b), nlohmann::json::type_error);
}
