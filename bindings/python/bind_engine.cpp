// The engine (SPEC §2-§8): services, bookings, schedules, resources, the
// stateless query as objects or as a SPEC §8 dict, free slots, explanations.

#include "common.hpp"

#include <slotcraft/catalog_json.hpp>
#include <slotcraft/json.hpp>

#include <algorithm>
#include <tuple>

namespace slotcraft::python {

namespace {

const minutes zero{0};

std::string reason_repr(const reason& r) {
    return "Reason(" + std::string(to_string(r.code)) + (r.booking.empty() ? "" : ", booking=" + r.booking) + ": " +
           r.message + ")";
}

py::dict reason_dict(const reason& r) {
    py::dict out;
    out["code"] = std::string(to_string(r.code));
    out["booking"] = r.booking;
    out["message"] = r.message;
    return out;
}

/// A Query object or a SPEC §8 query as a dict or JSON text.
slot_query to_query(py::handle value) {
    if (py::isinstance<slot_query>(value)) return value.cast<slot_query>();
    if (PyDict_Check(value.ptr()) || PyUnicode_Check(value.ptr())) return query_from_json(to_json_document(value, ""));
    reject("query", "must be a slotcraft.Query, a SPEC §8 dict or JSON text, got " + type_name(value));
}

// The engine's booking, schedule and resource have no operator== of their own.
bool same_booking(const booking& a, const booking& b) {
    return std::tie(a.id, a.time, a.service, a.seats, a.status, a.expires, a.buffer_before, a.buffer_after) ==
           std::tie(b.id, b.time, b.service, b.seats, b.status, b.expires, b.buffer_before, b.buffer_after);
}

bool same_schedule(const schedule& a, const schedule& b) {
    return std::tie(a.time_zone, a.weekly, a.rotation, a.overrides, a.breaks, a.time_off) ==
           std::tie(b.time_zone, b.weekly, b.rotation, b.overrides, b.breaks, b.time_off);
}

bool same_resource(const resource& a, const resource& b) {
    return a.id == b.id && same_schedule(a.rules, b.rules) &&
           std::equal(a.bookings.begin(), a.bookings.end(), b.bookings.begin(), b.bookings.end(), same_booking);
}

schedule make_schedule(py::handle time_zone, py::handle weekly, py::handle rotation, py::handle overrides,
                       py::handle breaks, py::handle time_off) {
    schedule s;
    s.time_zone = to_zone(time_zone, "time_zone");
    s.weekly = to_weekly(weekly, "weekly");
    s.rotation = as_optional_rotation::to(rotation, "rotation");
    s.overrides = to_overrides(overrides, "overrides");
    s.breaks = to_ranges(breaks, "breaks");
    s.time_off = to_intervals(time_off, "time_off");
    return s;
}

}  // namespace

void register_engine(py::module_& m) {
    py::enum_<alignment>(m, "Align", "How candidate starts are laid out (SPEC §3).")
        .value("window", alignment::window)
        .value("clock", alignment::clock)
        .value("free", alignment::free);
    py::enum_<booking_status>(m, "BookingStatus")
        .value("confirmed", booking_status::confirmed)
        .value("held", booking_status::held)
        .value("cancelled", booking_status::cancelled);
    py::enum_<resource_mode>(m, "Mode", "How several resources combine (SPEC §6).")
        .value("any", resource_mode::any)
        .value("all", resource_mode::all);
    py::enum_<reason_code>(m, "ReasonCode", "Why a start is not bookable.")
        .value("outside_hours", reason_code::outside_hours)
        .value("on_break", reason_code::on_break)
        .value("time_off", reason_code::time_off)
        .value("busy", reason_code::busy)
        .value("buffer", reason_code::buffer)
        .value("too_soon", reason_code::too_soon)
        .value("too_far_ahead", reason_code::too_far_ahead)
        .value("daily_limit", reason_code::daily_limit)
        .value("no_seats", reason_code::no_seats)
        .value("off_grid", reason_code::off_grid)
        .value("client_limit", reason_code::client_limit)
        .value("pool_busy", reason_code::pool_busy);

    // ---- Service ----
    py::class_<service> cls_service(m, "Service", "A bookable service: duration, slot grid, buffers, window, seats.");
    cls_service.def(
        py::init([](py::handle id, py::handle duration, py::handle step, py::handle align, py::handle buffer_before,
                    py::handle buffer_after, py::handle min_notice, py::handle max_advance, py::handle capacity,
                    py::handle max_per_day, py::handle max_per_client_per_day, py::handle max_per_client_per_week,
                    py::handle max_seats_per_client) {
            service s;
            s.id = to_text(id, "id");
            s.duration = to_minutes(duration, "duration");
            s.step = as_optional_minutes::to(step, "step");
            s.align = to_enum<alignment>(align, "align", parse_alignment);
            s.buffer_before = to_minutes(buffer_before, "buffer_before");
            s.buffer_after = to_minutes(buffer_after, "buffer_after");
            s.min_notice = to_minutes(min_notice, "min_notice");
            s.max_advance = to_minutes(max_advance, "max_advance");
            s.capacity = to_int(capacity, "capacity");
            s.max_per_day = to_int(max_per_day, "max_per_day");
            s.max_per_client_per_day = to_int(max_per_client_per_day, "max_per_client_per_day");
            s.max_per_client_per_week = to_int(max_per_client_per_week, "max_per_client_per_week");
            s.max_seats_per_client = to_int(max_seats_per_client, "max_seats_per_client");
            return s;
        }),
        py::arg("id"), py::arg("duration"), py::kw_only(), py::arg("step") = py::none(),
        py::arg("align") = alignment::window, py::arg("buffer_before") = from_minutes(zero),
        py::arg("buffer_after") = from_minutes(zero), py::arg("min_notice") = from_minutes(zero),
        py::arg("max_advance") = from_minutes(zero), py::arg("capacity") = 1, py::arg("max_per_day") = 0,
        py::arg("max_per_client_per_day") = 0, py::arg("max_per_client_per_week") = 0,
        py::arg("max_seats_per_client") = 0);
    field<as_text>(cls_service, "id", &service::id);
    field<as_minutes>(cls_service, "duration", &service::duration);
    field<as_optional_minutes>(cls_service, "step", &service::step, "Grid step; None: the duration.");
    field<as_enum<alignment, &parse_alignment>>(cls_service, "align", &service::align);
    field<as_minutes>(cls_service, "buffer_before", &service::buffer_before);
    field<as_minutes>(cls_service, "buffer_after", &service::buffer_after);
    field<as_minutes>(cls_service, "min_notice", &service::min_notice);
    field<as_minutes>(cls_service, "max_advance", &service::max_advance, "timedelta(0): unlimited.");
    field<as_int>(cls_service, "capacity", &service::capacity, "Seats per slot; above 1 a group class.");
    field<as_int>(cls_service, "max_per_day", &service::max_per_day, "Per resource and local date; 0: unlimited.");
    field<as_int>(cls_service, "max_per_client_per_day", &service::max_per_client_per_day,
                  "SPEC §11: the asking client's bookings of it per local date (the resource's); 0: unlimited.");
    field<as_int>(cls_service, "max_per_client_per_week", &service::max_per_client_per_week,
                  "SPEC §11: the asking client's bookings of it per ISO week (the resource's); 0: unlimited.");
    field<as_int>(cls_service, "max_seats_per_client", &service::max_seats_per_client,
                  "SPEC §11: seats one client may hold at one start; 0: unlimited.");
    cls_service.def_property_readonly("grid_step", [](const service& s) { return from_minutes(s.grid_step()); })
        .def_property_readonly("is_group", &service::is_group)
        .def(
            "validate", [](const service& s) { s.validate(""); },
            "Checks SPEC §7 (duration > 0, step > 0, buffers and notice not negative, capacity >= 1, ...).")
        .def_static(
            "from_dict", [](py::handle d) { return service_rules_from_json(to_json_document(d, "service")); },
            py::arg("data"), "Reads the SPEC §8 service form.");
    to_dict_method(cls_service);
    json_repr(cls_service, "Service");
    value_equality(cls_service);

    // ---- Booking (as the engine sees it) ----
    py::class_<booking> cls_booking(m, "Booking", "An existing booking or hold as the engine sees it (SPEC §4).");
    cls_booking.def(
        py::init([](py::handle start, py::handle end, py::handle id, py::handle service_id, py::handle seats,
                    py::handle status, py::handle expires, py::handle buffer_before, py::handle buffer_after) {
            booking b;
            b.time = {to_instant(start, "start"), to_instant(end, "end")};
            b.id = to_text(id, "id");
            b.service = to_text(service_id, "service");
            b.seats = to_int(seats, "seats");
            b.status = to_enum<booking_status>(status, "status", parse_booking_status);
            b.expires = as_optional_instant::to(expires, "expires");
            b.buffer_before = to_minutes(buffer_before, "buffer_before");
            b.buffer_after = to_minutes(buffer_after, "buffer_after");
            return b;
        }),
        py::arg("start"), py::arg("end"), py::kw_only(), py::arg("id") = "", py::arg("service") = "",
        py::arg("seats") = 1, py::arg("status") = booking_status::confirmed, py::arg("expires") = py::none(),
        py::arg("buffer_before") = from_minutes(zero), py::arg("buffer_after") = from_minutes(zero));
    cls_booking
        .def_property(
            "start", [](const booking& b) { return from_instant(b.time.start); },
            [](booking& b, py::handle v) { b.time.start = to_instant(v, "start"); })
        .def_property(
            "end", [](const booking& b) { return from_instant(b.time.end); },
            [](booking& b, py::handle v) { b.time.end = to_instant(v, "end"); });
    field<as_interval>(cls_booking, "time", &booking::time);
    field<as_text>(cls_booking, "id", &booking::id);
    field<as_text>(cls_booking, "service", &booking::service);
    field<as_int>(cls_booking, "seats", &booking::seats);
    field<as_enum<booking_status, &parse_booking_status>>(cls_booking, "status", &booking::status);
    field<as_optional_instant>(cls_booking, "expires", &booking::expires, "Holds: active while now < expires.");
    field<as_minutes>(cls_booking, "buffer_before", &booking::buffer_before);
    field<as_minutes>(cls_booking, "buffer_after", &booking::buffer_after);
    cls_booking.def_property_readonly("padded", &booking::padded, "[start - buffer_before, end + buffer_after)")
        .def(
            "active_at", [](const booking& b, py::handle now) { return b.active_at(to_instant(now, "now")); },
            py::arg("now"))
        .def("__repr__", [](const booking& b) {
            return "Booking(" + format_instant(b.time.start) + ", " + format_instant(b.time.end) +
                   (b.id.empty() ? "" : ", id='" + b.id + "'") + ", status=" + std::string(to_string(b.status)) + ")";
        });
    value_equality(cls_booking, same_booking);

    // ---- Rotation, Schedule and Resource ----
    py::class_<weekly_rotation> cls_rotation(
        m, "Rotation",
        "Weekly patterns in a cycle (SPEC §9): the week (Monday to Sunday) holding `anchor` uses weeks[0], the next "
        "weeks[1], and so on, round and round, backwards too.");
    cls_rotation.def(py::init([](py::handle anchor, py::handle weeks) {
                         weekly_rotation r{.anchor = to_date(anchor, "anchor")};
                         const auto items = to_items(weeks, "weeks");
                         for (std::size_t i = 0; i < items.size(); ++i)
                             r.weeks.push_back(to_weekly(items[i], "weeks[" + std::to_string(i) + "]"));
                         return r;
                     }),
                     py::arg("anchor"), py::arg("weeks"));
    cls_rotation
        .def_property(
            "anchor", [](const weekly_rotation& r) { return from_date(r.anchor); },
            [](weekly_rotation& r, py::handle v) { r.anchor = to_date(v, "anchor"); })
        .def_property_readonly(
            "weeks",
            [](const weekly_rotation& r) {
                py::list out;
                for (const weekly_hours& week : r.weeks) out.append(from_weekly(week));
                return out;
            },
            "The weekly patterns, in order (a copy: build a new Rotation to change them).")
        .def(
            "week_of", [](const weekly_rotation& r, py::handle day) { return from_weekly(r.week_of(to_date(day, "day"))); },
            py::arg("day"), "The weekly pattern of the week holding `day`.")
        .def(
            "validate", [](const weekly_rotation& r) { r.validate("rotation"); },
            "Checks SPEC §9: 1 to 52 weeks.")
        .def(
            "to_dict", [](const weekly_rotation& r) { return from_json(detail::catalog_json::rotation(r)); },
            "The SPEC §9 form: {\"anchor\": \"YYYY-MM-DD\", \"weeks\": [weekly, ...]}.")
        .def_static(
            "from_dict",
            [](py::handle d) { return detail::json_reader::rotation_of(to_json_document(d, "rotation"), "rotation"); },
            py::arg("data"), "Reads the SPEC §9 form (a dict or JSON text); a bad field is named as a path.")
        .def("__repr__", [](const weekly_rotation& r) {
            return "Rotation(" + detail::catalog_json::date_text(r.anchor) + ", " + std::to_string(r.weeks.size()) +
                   " weeks)";
        });
    value_equality(cls_rotation);

    py::class_<schedule> cls_schedule(
        m, "Schedule", "A resource's rules in its zone: weekly hours or a rotation, date overrides, breaks, time off.");
    cls_schedule.def(py::init(&make_schedule), py::arg("time_zone") = "UTC", py::kw_only(),
                     py::arg("weekly") = py::dict(), py::arg("rotation") = py::none(), py::arg("overrides") = py::dict(),
                     py::arg("breaks") = py::list(), py::arg("time_off") = py::list());
    cls_schedule.def_property(
        "time_zone", [](const schedule& s) { return std::string(s.time_zone.name()); },
        [](schedule& s, py::handle v) { s.time_zone = to_zone(v, "time_zone"); }, "The IANA name.");
    field<as_weekly>(cls_schedule, "weekly", &schedule::weekly, "{\"mon\": [LocalRange, ...], ..., \"sun\": [...]}");
    field<as_optional_rotation>(cls_schedule, "rotation", &schedule::rotation,
                                "A Rotation (then `weekly` stays empty), or None.");
    field<as_overrides>(cls_schedule, "overrides", &schedule::overrides, "{date: [LocalRange, ...]}; [] is a day off.");
    field<as_ranges>(cls_schedule, "breaks", &schedule::breaks);
    field<as_intervals>(cls_schedule, "time_off", &schedule::time_off);
    cls_schedule.def(
        "hours_on", [](const schedule& s, py::handle day) {
            const auto hours = s.hours_on(to_date(day, "day"));
            return from_ranges({hours.begin(), hours.end()});
        },
        py::arg("day"), "The override for `day` if any, else its weekday's ranges in its rotation week or `weekly`.");
    cls_schedule.def("__repr__", [](const schedule& s) { return "Schedule('" + std::string(s.time_zone.name()) + "', ...)"; });
    value_equality(cls_schedule, same_schedule);

    py::class_<resource> cls_resource(m, "Resource", "A resource of the stateless query: rules and bookings.");
    cls_resource.def(
        py::init([](py::handle id, py::handle time_zone, py::handle weekly, py::handle rotation, py::handle overrides,
                    py::handle breaks, py::handle time_off, py::handle bookings) {
            resource r;
            r.id = to_text(id, "id");
            r.rules = make_schedule(time_zone, weekly, rotation, overrides, breaks, time_off);
            r.bookings = to_values<booking>(bookings, "bookings");
            return r;
        }),
        py::arg("id"), py::arg("time_zone") = "UTC", py::kw_only(), py::arg("weekly") = py::dict(),
        py::arg("rotation") = py::none(), py::arg("overrides") = py::dict(), py::arg("breaks") = py::list(), py::arg("time_off") = py::list(),
        py::arg("bookings") = py::list());
    field<as_text>(cls_resource, "id", &resource::id);
    cls_resource.def_property(
        "rules", [](resource& r) -> schedule& { return r.rules; },
        [](resource& r, py::handle v) { r.rules = to_value<schedule>(v, "rules"); }, py::return_value_policy::reference_internal);
    field<as_values<booking>>(cls_resource, "bookings", &resource::bookings);
    cls_resource.def("__repr__", [](const resource& r) { return "Resource('" + r.id + "', '" + std::string(r.rules.time_zone.name()) + "', ...)"; });
    value_equality(cls_resource, same_resource);

    // ---- the order of a slot's free resources (SPEC §12) ----
    py::enum_<assign_strategy>(m, "AssignStrategy", "How a slot's free resources are ordered in any mode (SPEC §12).")
        .value("least_booked", assign_strategy::least_booked)
        .value("weighted", assign_strategy::weighted)
        .value("priority", assign_strategy::priority);
    py::class_<assignment> cls_assign(m, "Assignment",
                                      "A strategy with per-resource weights and priorities (SPEC §12).");
    cls_assign.def(py::init([](py::handle strategy, py::handle weights, py::handle priorities) {
                       return assignment{to_enum<assign_strategy>(strategy, "strategy", parse_assign_strategy),
                                         to_ints_by_id(weights, "weights"), to_ints_by_id(priorities, "priorities")};
                   }),
                   py::arg("strategy") = assign_strategy::least_booked, py::kw_only(), py::arg("weights") = py::dict(),
                   py::arg("priorities") = py::dict());
    field<as_enum<assign_strategy, &parse_assign_strategy>>(cls_assign, "strategy", &assignment::strategy);
    cls_assign.def_property_readonly("weights", [](const assignment& a) { return py::cast(a.weights); },
                                     "Resource id to weight (default 1); a copy.")
        .def_property_readonly("priorities", [](const assignment& a) { return py::cast(a.priorities); },
                               "Resource id to priority (default 0); a copy.")
        .def("__repr__", [](const assignment& a) { return "Assignment('" + std::string(to_string(a.strategy)) + "', ...)"; })
        .def_static(
            "from_dict",
            [](py::handle d) {
                const nlohmann::json value = to_json_document(d, "assign");
                assignment out = detail::json_reader::read_assignment(value, "assign");
                // As in a service's catalog JSON: a misspelt member is refused, never a silent default.
                detail::catalog_json::only_known(value, "assign", {"strategy", "weights", "priorities"});
                return out;
            },
            py::arg("data"),
            "Reads the SPEC §12 form (a dict or JSON text); a bad or unknown field is named as a path.");
    to_dict_method(cls_assign);
    value_equality(cls_assign);

    // ---- the asking client (SPEC §11) ----
    py::class_<asking_client> cls_asker(
        m, "AskingClient", "Who asks (SPEC §11): an id and its bookings on any resource, for the limits per client.");
    cls_asker.def(py::init([](py::handle id, py::handle bookings) {
                      return asking_client{to_text(id, "id"), to_values<booking>(bookings, "bookings")};
                  }),
                  py::arg("id"), py::arg("bookings") = py::list());
    field<as_text>(cls_asker, "id", &asking_client::id);
    field<as_values<booking>>(cls_asker, "bookings", &asking_client::bookings);
    cls_asker.def("__repr__", [](const asking_client& c) {
        return "AskingClient('" + c.id + "', " + std::to_string(c.bookings.size()) + " bookings)";
    });
    value_equality(cls_asker, [](const asking_client& a, const asking_client& b) {
        return a.id == b.id && std::equal(a.bookings.begin(), a.bookings.end(), b.bookings.begin(), b.bookings.end(),
                                          same_booking);
    });

    // ---- pools (SPEC §10) ----
    py::class_<pool> cls_pool(m, "Pool",
                              "Resources a slot needs one free member of (SPEC §10): rooms, chairs, devices.");
    cls_pool.def(py::init([](py::handle id, py::handle resources) {
                     return pool{to_text(id, "id"), to_values<resource>(resources, "resources")};
                 }),
                 py::arg("id"), py::arg("resources") = py::list());
    field<as_text>(cls_pool, "id", &pool::id);
    field<as_values<resource>>(cls_pool, "resources", &pool::members);
    cls_pool.def("__repr__", [](const pool& p) {
        return "Pool('" + p.id + "', " + std::to_string(p.members.size()) + " resources)";
    });
    value_equality(cls_pool, [](const pool& a, const pool& b) {
        return a.id == b.id && std::equal(a.members.begin(), a.members.end(), b.members.begin(), b.members.end(),
                                          same_resource);
    });

    // ---- the query ----
    py::class_<slot_query> cls_query(
        m, "Query", "The stateless query of SPEC §8: free slots of one service across resources in [start, end).");
    cls_query.def(
        py::init([](py::handle now, py::handle start, py::handle end, py::handle asked, py::handle resources,
                    py::handle mode, py::handle seats, py::handle client, py::handle assign, py::handle pools) {
            slot_query q;
            q.now = to_instant(now, "now");
            q.from = to_instant(start, "from");  // errors name SPEC §8's fields (docs/python.md)
            q.to = to_instant(end, "to");
            q.asked = to_value<service>(asked, "service");
            q.resources = to_values<resource>(resources, "resources");
            q.mode = to_enum<resource_mode>(mode, "mode", parse_resource_mode);
            q.seats = to_int(seats, "seats");
            if (!client.is_none()) q.client = to_value<asking_client>(client, "client");
            if (!assign.is_none()) q.assign = to_value<assignment>(assign, "assign");
            q.pools = to_values<pool>(pools, "pools");
            return q;
        }),
        py::arg("now"), py::arg("start"), py::arg("end"), py::arg("service"), py::arg("resources"), py::kw_only(),
        py::arg("mode") = resource_mode::any, py::arg("seats") = 1, py::arg("client") = py::none(),
        py::arg("assign") = py::none(), py::arg("pools") = py::list());
    field<as_instant>(cls_query, "now", &slot_query::now);
    cls_query.def_property(
        "start", [](const slot_query& q) { return from_instant(q.from); },
        [](slot_query& q, py::handle v) { q.from = to_instant(v, "from"); }, "The query range's start (`from` in SPEC §8).");
    cls_query.def_property(
        "end", [](const slot_query& q) { return from_instant(q.to); },
        [](slot_query& q, py::handle v) { q.to = to_instant(v, "to"); }, "The query range's end (`to` in SPEC §8).");
    cls_query.def_property(
        "service", [](slot_query& q) -> service& { return q.asked; },
        [](slot_query& q, py::handle v) { q.asked = to_value<service>(v, "service"); },
        py::return_value_policy::reference_internal);
    field<as_values<resource>>(cls_query, "resources", &slot_query::resources);
    field<as_enum<resource_mode, &parse_resource_mode>>(cls_query, "mode", &slot_query::mode);
    field<as_int>(cls_query, "seats", &slot_query::seats);
    cls_query.def_property(
        "client", [](const slot_query& q) -> py::object { return q.client ? py::cast(*q.client) : py::none(); },
        [](slot_query& q, py::handle v) {
            if (v.is_none()) q.client.reset();
            else q.client = to_value<asking_client>(v, "client");
        },
        "The asking client (SPEC §11), or None: then no limit per client applies.");
    cls_query.def_property(
        "assign", [](const slot_query& q) { return q.assign; },
        [](slot_query& q, py::handle v) { q.assign = to_value<assignment>(v, "assign"); },
        "How each slot's free resources are ordered in any mode (SPEC §12).");
    field<as_values<pool>>(cls_query, "pools", &slot_query::pools);
    cls_query
        .def(
            "validate", [](const slot_query& q) { q.validate(); },
            "Checks SPEC §7; fields are named as in the SPEC §8 JSON (`service.duration`, `resources[0].id`).")
        .def_static(
            "from_dict", [](py::handle d) { return query_from_json(to_json_document(d, "")); }, py::arg("data"),
            "Reads and validates a SPEC §8 query given as a dict (instants as ISO text or aware datetimes).")
        .def_static(
            "from_json", [](py::handle text) { return parse_query(to_text(text, "text")); }, py::arg("text"),
            "Reads and validates a SPEC §8 query given as JSON text.")
        .def("__repr__", [](const slot_query& q) {
            return "Query(" + format_instant(q.from) + ", " + format_instant(q.to) + ", service='" + q.asked.id +
                   "', " + std::to_string(q.resources.size()) + " resource(s))";
        });

    py::class_<slot> cls_slot(m, "Slot", "A free slot: its time, the free resources (preferred first) and seats left.");
    cls_slot.def_property_readonly("start", [](const slot& s) { return from_instant(s.time.start); })
        .def_property_readonly("end", [](const slot& s) { return from_instant(s.time.end); })
        .def_readonly("time", &slot::time)
        .def_readonly("resources", &slot::resources)
        .def_readonly("seats_left", &slot::seats_left)
        .def_property_readonly("pools", &slot_pools,
                               "SPEC §10: each pool's free members, preferred first ({} for a query without pools).")
        .def("to_dict",
             [](const slot& s) {
                 py::dict out;
                 out["start"] = format_instant(s.time.start);
                 out["end"] = format_instant(s.time.end);
                 out["resources"] = py::cast(s.resources);
                 out["seats_left"] = s.seats_left;
                 if (!s.pools.empty()) out["pools"] = slot_pools(s);
                 return out;
             },
             "The slot as in the SPEC §8 answer (with `pools` when the query had pools).")
        .def("__repr__", [](const slot& s) {
            std::string ids;
            for (const auto& id : s.resources) ids += (ids.empty() ? "" : ",") + id;
            return "Slot(" + format_instant(s.time.start) + ", " + format_instant(s.time.end) + ", [" + ids +
                   "], seats_left=" + std::to_string(s.seats_left) + ")";
        });
    value_equality(cls_slot);

    py::class_<reason> cls_reason(m, "Reason", "One rule that refuses a start, with a readable message.");
    cls_reason.def_readonly("code", &reason::code)
        .def_readonly("booking", &reason::booking, "The booking in the way (busy, buffer), else \"\".")
        .def_readonly("message", &reason::message)
        .def("to_dict", &reason_dict, "{\"code\": \"busy\", \"booking\": ..., \"message\": ...}; codes as SPEC spells them.")
        .def("__repr__", &reason_repr);
    value_equality(cls_reason);

    py::class_<resource_refusal>(m, "ResourceRefusal", "Why one resource cannot take a start (no reasons: it can).")
        .def_readonly("resource", &resource_refusal::resource)
        .def_readonly("reasons", &resource_refusal::reasons)
        .def("__repr__", [](const resource_refusal& r) {
            return "ResourceRefusal('" + r.resource + "', " + std::to_string(r.reasons.size()) + " reason(s))";
        });

    py::class_<window>(m, "Window", "One maximal interval of the open time of local date `day`.")
        .def_property_readonly("day", [](const window& w) { return from_date(w.day); })
        .def_readonly("span", &window::span)
        .def("__repr__", [](const window& w) {
            return "Window(" + date::format("%F", w.day) + ", " + format_instant(w.span.start) + ", " +
                   format_instant(w.span.end) + ")";
        });
    py::class_<open_time>(m, "OpenTime", "The open time of a schedule around a span (SPEC §2), piece by piece.")
        .def_readonly("windows", &open_time::windows)
        .def_readonly("open", &open_time::open)
        .def_readonly("hours", &open_time::hours)
        .def_readonly("breaks", &open_time::breaks)
        .def_readonly("time_off", &open_time::time_off);

    m.def(
        "open_time",
        [](py::handle rules, py::handle start, py::handle end) {
            const schedule s = to_value<schedule>(rules, "schedule");
            const interval span{to_instant(start, "start"), to_instant(end, "end")};
            if (span.empty()) reject("end", "must be after start");
            if (span.length() > max_query_range) reject("end", "the span must be at most 366 days");
            return without_gil([&] { return compute_open_time(s, span); });
        },
        py::arg("schedule"), py::arg("start"), py::arg("end"),
        "The open time of `schedule` for every local date that can touch [start, end).");
    m.def(
        "find_slots",
        [](py::handle query) {
            const slot_query q = to_query(query);
            return without_gil([&] { return find_slots(q); });
        },
        py::arg("query"),
        "The free slots of a Query, a SPEC §8 dict or JSON text, by start. Raises InvalidArgument naming the field.");
    m.def(
        "explain",
        [](py::handle query, py::handle start) {
            const slot_query q = to_query(query);
            const instant s = to_instant(start, "start");
            return without_gil([&] { return explain(q, s); });
        },
        py::arg("query"), py::arg("start"),
        "Every reason each resource of the query cannot take `start` (the query range is ignored).");
    m.def(
        "slots_to_dict",
        [](py::handle slots) {
            const auto list = to_values<slot>(slots, "slots");
            return py::module_::import("json").attr("loads")(slots_to_json(list).dump());
        },
        py::arg("slots"), "The SPEC §8 answer: {\"slots\": [{\"start\", \"end\", \"resources\", \"seats_left\"}]}.");
}

}  // namespace slotcraft::python
