// The scheduler facade: catalog, slots, hold -> confirm, book, cancel,
// reschedule, series, reminders, audit. Every call converts its Python
// arguments first, then runs with the GIL released (store I/O and engine
// work), so other Python threads go on meanwhile. `now` defaults to the wall
// clock (whole seconds).

#include "stores.hpp"

#include <slotcraft/catalog_json.hpp>
#include <slotcraft/scheduler.hpp>
#include <slotcraft/tz.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <span>

namespace slotcraft::python {

namespace {

/// A Scheduler and the store it runs on (kept alive as long as it is used).
struct py_scheduler {
    store_handle handle;
    scheduler impl;
    explicit py_scheduler(store_handle h) : handle(std::move(h)), impl(*handle.backend) {}
};

store_handle to_store(py::handle value) {
    if (py::isinstance<store_handle>(value)) return value.cast<store_handle>();
    return open_target(value, "store");
}

booking_request make_request(py::handle resource, py::handle service, py::handle start, py::handle location,
                             py::handle client, py::handle seats, py::handle idempotency_key, py::handle actor,
                             py::handle pool_members) {
    return booking_request{.resource = to_text(resource, "resource"),
                           .service = to_text(service, "service"),
                           .location = to_text(location, "location"),
                           .client = to_text(client, "client"),
                           .start = to_instant(start, "start"),
                           .seats = to_int(seats, "seats"),
                           .pool_members = to_texts_by_id(pool_members, "pool_members"),
                           .idempotency_key = to_text(idempotency_key, "idempotency_key"),
                           .actor = to_text(actor, "actor")};
}

slot_request make_slot_request(py::handle service_id, py::handle start, py::handle end, py::handle resources,
                               py::handle location, py::handle seats, py::handle mode, py::handle ignore_booking,
                               py::handle client) {
    slot_request request{.service = to_text(service_id, "service"),
                         .resources = to_texts(resources, "resources"),
                         .location = to_text(location, "location"),
                         .from = to_instant(start, "start"),
                         .to = to_instant(end, "end"),
                         .seats = to_int(seats, "seats"),
                         .mode = to_enum<resource_mode>(mode, "mode", parse_resource_mode),
                         .ignore_booking = to_text(ignore_booking, "ignore_booking"),
                         .client = to_text(client, "client")};
    // Named as the Python arguments are (the C++ check calls the end `to`).
    if (request.to <= request.from) reject("end", "must be after start");
    if (request.to - request.from > max_query_range) reject("end", "the query range must be at most 366 days");
    return request;
}

/// Appends `t` as ISO 8601 wall time, 2027-03-01T09:00:00.
template <class Clock>
void append_wall_time(std::string& out, std::chrono::time_point<Clock, std::chrono::seconds> t) {
    const auto day = date::floor<date::days>(t);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss time{t - day};
    fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", int(ymd.year()),
                   unsigned(ymd.month()), unsigned(ymd.day()), time.hours().count(), time.minutes().count(),
                   time.seconds().count());
}

/// Appends `t` on the wall clock of `z` with its offset, as Python's
/// isoformat writes it: 2027-03-01T09:00:00+01:00. `known` keeps the zone's
/// last period, which most neighbouring slots share.
void append_local_time(std::string& out, instant t, const date::time_zone& z, date::sys_info& known) {
    if (t < known.begin || t >= known.end) known = z.get_info(t);
    const std::chrono::seconds offset = known.offset;
    append_wall_time(out, date::local_seconds{(t + offset).time_since_epoch()});
    const date::hh_mm_ss magnitude{offset < std::chrono::seconds{0} ? -offset : offset};
    fmt::format_to(std::back_inserter(out), "{}{:02}:{:02}", offset < std::chrono::seconds{0} ? '-' : '+',
                   magnitude.hours().count(), magnitude.minutes().count());
    if (magnitude.seconds().count() != 0) fmt::format_to(std::back_inserter(out), ":{:02}", magnitude.seconds().count());
}

/// The answer of slotcraft.server's GET /v1/slots (its views.slot_view, made
/// here: in Python it was most of the route's time): at most `limit` slots (0:
/// all), each in UTC and on the wall clock of its first resource's zone.
std::string located_slots_json(scheduler& s, std::span<const located_slot> found, std::size_t limit) {
    struct zone_of_resource {
        const date::time_zone* zone;
        std::string quoted_name;
        date::sys_info known{};
    };
    std::map<std::string, zone_of_resource, std::less<>> zones;
    std::map<std::string, std::string, std::less<>> quoted;  // text -> its JSON string
    const auto quote = [&](const std::string& text) -> const std::string& {
        auto at = quoted.find(text);
        if (at == quoted.end()) at = quoted.emplace(text, nlohmann::json(text).dump()).first;
        return at->second;
    };
    const auto zone_of = [&](const std::string& resource) -> zone_of_resource& {
        auto at = zones.find(resource);
        if (at == zones.end()) {
            const auto record = s.resource(resource);
            const zone z = zone::locate(record ? record->time_zone : "UTC");
            at = zones.emplace(resource, zone_of_resource{z.get(), nlohmann::json(z.name()).dump()}).first;
        }
        return at->second;
    };
    const auto shown = found.first(limit == 0 ? found.size() : std::min(limit, found.size()));
    std::string out = "{\"slots\":[";
    out.reserve(shown.size() * 256 + 16);
    for (const located_slot& ls : shown) {
        zone_of_resource& z = zone_of(ls.free.resources.front());
        out += &ls == shown.data() ? "{\"start\":\"" : ",{\"start\":\"";
        append_wall_time(out, ls.free.time.start);
        out += "Z\",\"end\":\"";
        append_wall_time(out, ls.free.time.end);
        out += "Z\",\"local_start\":\"";
        append_local_time(out, ls.free.time.start, *z.zone, z.known);
        out += "\",\"local_end\":\"";
        append_local_time(out, ls.free.time.end, *z.zone, z.known);
        out += "\",\"time_zone\":";
        out += z.quoted_name;
        out += ",\"location\":";
        out += quote(ls.location);
        out += ",\"resources\":[";
        for (const std::string& id : ls.free.resources) {
            if (&id != ls.free.resources.data()) out += ',';
            out += quote(id);
        }
        fmt::format_to(std::back_inserter(out), "],\"seats_left\":{}", ls.free.seats_left);
        if (!ls.free.pools.empty()) {  // SPEC §10: each pool's free members, preferred first
            out += ",\"pools\":{";
            for (const pool_choice& p : ls.free.pools) {
                if (&p != ls.free.pools.data()) out += ',';
                out += quote(p.pool);
                out += ":[";
                for (const std::string& id : p.members) {
                    if (&id != p.members.data()) out += ',';
                    out += quote(id);
                }
                out += ']';
            }
            out += '}';
        }
        out += '}';
    }
    out += "]}";
    return out;
}

std::string request_repr(const booking_request& r) {
    return "BookingRequest(" + r.resource + ", " + r.service + ", " + format_instant(r.start) +
           (r.location.empty() ? "" : ", location=" + r.location) + (r.client.empty() ? "" : ", client=" + r.client) +
           (r.seats == 1 ? "" : ", seats=" + std::to_string(r.seats)) + ")";
}

/// `archived_records` from a Python bool `include_archived`.
archived_records archived_from(py::handle include_archived) {
    return to_bool(include_archived, "include_archived") ? archived_records::include : archived_records::hide;
}

/// `byte_order_mark` from a Python bool `bom`.
byte_order_mark bom_from(py::handle bom) {
    return to_bool(bom, "bom") ? byte_order_mark::write : byte_order_mark::omit;
}

/// A sequence of resource ids (not one str), refused naming `resources[i]`.
std::vector<std::string> resource_ids(py::handle resources) {
    if (!py::isinstance<py::iterable>(resources) || py::isinstance<py::str>(resources))
        reject("resources", "expected a sequence of resource ids");
    std::vector<std::string> out;
    for (py::handle id : resources) out.push_back(to_text(id, "resources[" + std::to_string(out.size()) + "]"));
    return out;
}

}  // namespace

void register_scheduler(py::module_& m) {
    // ---- BookingRequest ----
    py::class_<booking_request> cls_request(m, "BookingRequest",
                                            "\"Book this start\": for book_series (book and hold take the same "
                                            "fields as arguments).");
    cls_request.def(py::init(&make_request), py::arg("resource"), py::arg("service"), py::arg("start"), py::kw_only(),
                    py::arg("location") = "", py::arg("client") = "", py::arg("seats") = 1,
                    py::arg("idempotency_key") = "", py::arg("actor") = "", py::arg("pool_members") = py::dict());
    field<as_text>(cls_request, "resource", &booking_request::resource);
    field<as_text>(cls_request, "service", &booking_request::service);
    field<as_text>(cls_request, "location", &booking_request::location, "\"\": the only location that fits.");
    field<as_text>(cls_request, "client", &booking_request::client);
    field<as_instant>(cls_request, "start", &booking_request::start);
    field<as_int>(cls_request, "seats", &booking_request::seats);
    field<as_text>(cls_request, "idempotency_key", &booking_request::idempotency_key,
                   "The same key again returns the first booking.");
    field<as_text>(cls_request, "actor", &booking_request::actor, "Who asks, for the audit log.");
    cls_request.def_property(
        "pool_members", [](const booking_request& r) { return py::cast(r.pool_members); },
        [](booking_request& r, py::handle v) { r.pool_members = to_texts_by_id(v, "pool_members"); },
        "SPEC §10: the member to book per pool id ({} : each pool's preferred free member); a copy.");
    cls_request.def("__repr__", &request_repr);

    // ---- results ----
    py::class_<located_slot>(m, "LocatedSlot", "A free slot and the location it is free at.")
        .def_readonly("slot", &located_slot::free)
        .def_readonly("location", &located_slot::location)
        .def_property_readonly("start", [](const located_slot& s) { return from_instant(s.free.time.start); })
        .def_property_readonly("end", [](const located_slot& s) { return from_instant(s.free.time.end); })
        .def_property_readonly("resources", [](const located_slot& s) { return py::cast(s.free.resources); },
                               "The free resources, preferred first.")
        .def_property_readonly("seats_left", [](const located_slot& s) { return s.free.seats_left; })
        .def_property_readonly("pools", [](const located_slot& s) { return slot_pools(s.free); },
                               "SPEC §10: each pool's free members, preferred first ({} for a service without pools).")
        .def("__eq__",
             [](const located_slot& a, py::handle b) -> py::object {
                 if (!py::isinstance<located_slot>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
                 return py::bool_(a == b.cast<const located_slot&>());
             })
        .def("__repr__", [](const located_slot& s) {
            std::string ids;
            for (const auto& id : s.free.resources) ids += (ids.empty() ? "" : ",") + id;
            return "LocatedSlot(" + format_instant(s.free.time.start) + ", " + format_instant(s.free.time.end) +
                   ", [" + ids + "], location='" + s.location + "', seats_left=" + std::to_string(s.free.seats_left) +
                   ")";
        });

    py::class_<due_reminder>(m, "DueReminder", "A reminder that is due: `offset` before the booking's start has passed.")
        .def_readonly("booking", &due_reminder::booking)
        .def_property_readonly("offset", [](const due_reminder& r) { return from_minutes(r.offset); })
        .def("__repr__", [](const due_reminder& r) {
            return "DueReminder('" + r.booking.id + "', " + std::to_string(r.offset.count()) + " min)";
        });

    // ---- the waiting list ----
    py::enum_<waitlist_status>(m, "WaitlistStatus", "Where a place on a waiting list stands.")
        .value("waiting", waitlist_status::waiting)
        .value("offered", waitlist_status::offered)
        .value("booked", waitlist_status::booked)
        .value("lapsed", waitlist_status::lapsed)
        .value("expired", waitlist_status::expired)
        .value("left", waitlist_status::left);
    py::class_<waitlist_entry> cls_entry(m, "WaitlistEntry", "A client's place on a service's waiting list (read-only).");
    readonly<as_text>(cls_entry, "id", &waitlist_entry::id);
    readonly<as_text>(cls_entry, "client", &waitlist_entry::client);
    readonly<as_text>(cls_entry, "service", &waitlist_entry::service);
    readonly<as_text>(cls_entry, "resource", &waitlist_entry::resource, "\"\": any resource providing the service.");
    readonly<as_text>(cls_entry, "location", &waitlist_entry::location, "\"\": any location.");
    cls_entry.def_property_readonly("start", [](const waitlist_entry& e) { return from_instant(e.window.start); })
        .def_property_readonly("end", [](const waitlist_entry& e) { return from_instant(e.window.end); });
    readonly<as_int>(cls_entry, "seats", &waitlist_entry::seats);
    readonly<as_minutes>(cls_entry, "offer_ttl", &waitlist_entry::offer_ttl);
    readonly<as_enum<waitlist_status, &parse_waitlist_status>>(cls_entry, "status", &waitlist_entry::status);
    readonly<as_text>(cls_entry, "offer", &waitlist_entry::offer, "The hold offered, if any (a booking id).");
    readonly<as_bool>(cls_entry, "notified", &waitlist_entry::notified);
    readonly<as_instant>(cls_entry, "created_at", &waitlist_entry::created_at);
    readonly<as_instant>(cls_entry, "updated_at", &waitlist_entry::updated_at);
    to_dict_method(cls_entry);
    from_dict_method(cls_entry, "waitlist",
                     [](const nlohmann::json& j, const std::string& p) { return waitlist_entry_from_json(j, p); });
    json_repr(cls_entry, "WaitlistEntry");
    value_equality(cls_entry);
    py::class_<waitlist_offer>(m, "WaitlistOffer", "An offer to a waiter: the entry and its hold.")
        .def_readonly("entry", &waitlist_offer::entry)
        .def_readonly("hold", &waitlist_offer::hold)
        .def("__repr__", [](const waitlist_offer& o) { return "WaitlistOffer('" + o.entry.id + "', '" + o.hold.id + "')"; });

    py::class_<refused_occurrence>(m, "RefusedOccurrence", "An occurrence of a series that was not booked, and why.")
        .def_property_readonly("start", [](const refused_occurrence& r) { return from_instant(r.start); })
        .def_readonly("reasons", &refused_occurrence::reasons)
        .def("__repr__", [](const refused_occurrence& r) {
            return "RefusedOccurrence(" + format_instant(r.start) + ", " + std::to_string(r.reasons.size()) +
                   " reason(s))";
        });

    py::class_<series_outcome>(m, "SeriesOutcome", "What book_recurring did: the booked and the refused occurrences.")
        .def_readonly("series", &series_outcome::series, "The id the booked occurrences share ('' when none was).")
        .def_readonly("booked", &series_outcome::booked)
        .def_readonly("refused", &series_outcome::refused)
        .def("__repr__", [](const series_outcome& o) {
            return "SeriesOutcome('" + o.series + "', booked=" + std::to_string(o.booked.size()) +
                   ", refused=" + std::to_string(o.refused.size()) + ")";
        });

    py::class_<refused_request>(m, "RefusedRequest",
                                "A request of book_many that was not booked: the error book would have raised.")
        .def_readonly("index", &refused_request::index, "Its place among the requests.")
        .def_property_readonly(
            "category", [](const refused_request& r) { return std::string(category_name(r.category)); },
            "\"conflict\", \"not_found\" or \"invalid_argument\", as Error.category.")
        .def_readonly("field", &refused_request::field, "The field refused, e.g. 'requests[2].start'.")
        .def_readonly("message", &refused_request::message)
        .def_readonly("reasons", &refused_request::reasons, "The engine's reasons when the time was not bookable.")
        .def("__repr__", [](const refused_request& r) {
            return "RefusedRequest(" + std::to_string(r.index) + ", '" + r.field + "', " +
                   std::string(category_name(r.category)) + ")";
        });

    py::class_<batch_outcome>(m, "BatchOutcome", "What book_many did: the bookings in request order, and the refused requests.")
        .def_readonly("booked", &batch_outcome::booked)
        .def_readonly("refused", &batch_outcome::refused)
        .def("__repr__", [](const batch_outcome& o) {
            return "BatchOutcome(booked=" + std::to_string(o.booked.size()) +
                   ", refused=" + std::to_string(o.refused.size()) + ")";
        });

    // ---- Scheduler ----
    py::class_<py_scheduler> cls(m, "Scheduler",
                                 "The scheduling API over one store; thread-safe. Every write runs the engine's "
                                 "checks and the write in one store transaction.");
    cls.def(py::init([](py::handle store) { return std::make_unique<py_scheduler>(to_store(store)); }),
            py::arg("store"),
            "`store`: a Store, or a target for open_store() (a SQLite path, \"memory:\", \"postgresql://...\").")
        .def_property_readonly(
            "store", [](const py_scheduler& s) { return s.handle; }, "The Store this scheduler runs on.");

    // Catalog.
    cls.def(
        "put_location",
        [](py_scheduler& s, py::handle location, py::handle actor) {
            const auto value = to_value<location_record>(location, "location");
            const auto who = to_text(actor, "actor");
            without_gil([&] { s.impl.put_location(value, who); });
        },
        py::arg("location"), py::kw_only(), py::arg("actor") = "", "Inserts or replaces a location (audited).");
    cls.def(
        "put_resource",
        [](py_scheduler& s, py::handle resource, py::handle actor) {
            const auto value = to_value<resource_record>(resource, "resource");
            const auto who = to_text(actor, "actor");
            without_gil([&] { s.impl.put_resource(value, who); });
        },
        py::arg("resource"), py::kw_only(), py::arg("actor") = "",
        "Inserts or replaces a resource; its locations must exist.");
    cls.def(
        "put_service",
        [](py_scheduler& s, py::handle offered, py::handle actor) {
            const service_record value = py::isinstance<service>(offered)
                                             ? service_record{offered.cast<service>(), "", {}}
                                             : to_value<service_record>(offered, "service");
            const auto who = to_text(actor, "actor");
            without_gil([&] { s.impl.put_service(value, who); });
        },
        py::arg("service"), py::kw_only(), py::arg("actor") = "",
        "Inserts or replaces a service (a ServiceRecord, or a Service offered everywhere).");
    cls.def(
        "link",
        [](py_scheduler& s, py::handle resource, py::handle offered, py::handle actor) {
            const auto r = to_text(resource, "resource");
            const auto sv = to_text(offered, "service");
            const auto who = to_text(actor, "actor");
            without_gil([&] { s.impl.link(r, sv, who); });
        },
        py::arg("resource"), py::arg("service"), py::kw_only(), py::arg("actor") = "",
        "Records that `resource` provides `service`.");
    cls.def(
        "unlink",
        [](py_scheduler& s, py::handle resource, py::handle offered, py::handle actor) {
            const auto r = to_text(resource, "resource");
            const auto sv = to_text(offered, "service");
            const auto who = to_text(actor, "actor");
            without_gil([&] { s.impl.unlink(r, sv, who); });
        },
        py::arg("resource"), py::arg("service"), py::kw_only(), py::arg("actor") = "",
        "`resource` no longer provides `service` (its bookings stay); nothing happens if it did not.");
    cls.def(
        "put_client",
        [](py_scheduler& s, py::handle client, py::handle actor) {
            const auto value = to_value<client_record>(client, "client");
            const auto who = to_text(actor, "actor");
            without_gil([&] { s.impl.put_client(value, who); });
        },
        py::arg("client"), py::kw_only(), py::arg("actor") = "",
        "Inserts or replaces a client; Conflict when an identity belongs to another client.");
    cls.def(
        "client_for",
        [](py_scheduler& s, py::handle who, py::handle name, py::handle actor) {
            const auto id = to_value<identity>(who, "identity");
            const auto n = to_text(name, "name");
            const auto a = to_text(actor, "actor");
            return without_gil([&] { return s.impl.client_for(id, n, a); });
        },
        py::arg("identity"), py::arg("name") = "", py::kw_only(), py::arg("actor") = "",
        "The client with this identity, created with `name` if there is none.");
    cls.def(
        "save_settings",
        [](py_scheduler& s, py::handle values, py::handle actor) {
            const auto value = to_value<settings>(values, "settings");
            const auto who = to_text(actor, "actor");
            without_gil([&] { s.impl.save_settings(value, who); });
        },
        py::arg("settings"), py::kw_only(), py::arg("actor") = "");

    cls.def(
        "location",
        [](py_scheduler& s, py::handle id) {
            const auto key = to_text(id, "id");
            return without_gil([&] { return s.impl.location(key); });
        },
        py::arg("id"), "The location, or None.");
    // The catalog listings: every record of a kind, by id, archived ones only when asked.
    const auto listing = [&cls](const char* name, auto list, const char* doc) {
        cls.def(
            name,
            [list](py_scheduler& s, py::handle include_archived) {
                const archived_records which = archived_from(include_archived);
                return without_gil([&] { return (s.impl.*list)(which); });
            },
            py::kw_only(), py::arg("include_archived") = false, doc);
    };
    listing("locations", &scheduler::locations, "Every location, by id; archived ones only with include_archived=True.");
    listing("resources", &scheduler::resources, "Every resource, by id; archived ones only with include_archived=True.");
    listing("services", &scheduler::services,
            "Every service record, by id; archived ones only with include_archived=True.");
    cls.def(
        "resource",
        [](py_scheduler& s, py::handle id) {
            const auto key = to_text(id, "id");
            return without_gil([&] { return s.impl.resource(key); });
        },
        py::arg("id"), "The resource, or None.");
    cls.def(
        "service",
        [](py_scheduler& s, py::handle id) {
            const auto key = to_text(id, "id");
            return without_gil([&] { return s.impl.service(key); });
        },
        py::arg("id"), "The service record, or None.");
    cls.def(
        "client",
        [](py_scheduler& s, py::handle id) {
            const auto key = to_text(id, "id");
            return without_gil([&] { return s.impl.client(key); });
        },
        py::arg("id"), "The client, or None.");
    cls.def(
        "clients", [](py_scheduler& s) { return without_gil([&] { return s.impl.clients(); }); },
        "Every client, by id.");
    cls.def(
        "booking",
        [](py_scheduler& s, py::handle id) {
            const auto key = to_text(id, "id");
            return without_gil([&] { return s.impl.booking(key); });
        },
        py::arg("id"), "The booking or hold, or None.");
    cls.def(
        "settings", [](py_scheduler& s) { return without_gil([&] { return s.impl.current_settings(); }); },
        "The current settings.");
    cls.def(
        "providers",
        [](py_scheduler& s, py::handle service_id, py::handle include_archived) {
            const auto key = to_text(service_id, "service");
            const archived_records which = archived_from(include_archived);
            return without_gil([&] { return s.impl.providers(key, which); });
        },
        py::arg("service"), py::kw_only(), py::arg("include_archived") = false,
        "Ids of the resources providing `service`, ascending; archived ones only with include_archived=True.");
    cls.def(
        "services_of",
        [](py_scheduler& s, py::handle resource_id, py::handle include_archived) {
            const auto key = to_text(resource_id, "resource");
            const archived_records which = archived_from(include_archived);
            return without_gil([&] { return s.impl.services_of(key, which); });
        },
        py::arg("resource"), py::kw_only(), py::arg("include_archived") = false,
        "Ids of the services `resource` provides, ascending; archived ones only with include_archived=True.");

    // Archiving: one pair of methods per kind of record, all alike.
    const auto archiving = [&cls](const char* kind, void (scheduler::*archive)(std::string_view, instant, std::string_view),
                                  void (scheduler::*restore)(std::string_view, std::string_view)) {
        cls.def(
            ("archive_" + std::string(kind)).c_str(),
            [archive](py_scheduler& s, py::handle id, py::handle now, py::handle actor) {
                const auto key = to_text(id, "id");
                const instant at = now_or_clock(now);
                const auto who = to_text(actor, "actor");
                without_gil([&] { (s.impl.*archive)(key, at, who); });
            },
            py::arg("id"), py::kw_only(), py::arg("now") = py::none(), py::arg("actor") = "",
            ("Archives the " + std::string(kind) +
             ": never offered or booked again, its bookings stay readable (audited). NotFound for an unknown id; "
             "Conflict (field `id`) while an active booking of it has not ended.")
                .c_str());
        cls.def(
            ("restore_" + std::string(kind)).c_str(),
            [restore](py_scheduler& s, py::handle id, py::handle actor) {
                const auto key = to_text(id, "id");
                const auto who = to_text(actor, "actor");
                without_gil([&] { (s.impl.*restore)(key, who); });
            },
            py::arg("id"), py::kw_only(), py::arg("actor") = "",
            ("Takes an archived " + std::string(kind) + " back into use (audited). NotFound for an unknown id.").c_str());
    };
    archiving("location", &scheduler::archive_location, &scheduler::restore_location);
    archiving("resource", &scheduler::archive_resource, &scheduler::restore_resource);
    archiving("service", &scheduler::archive_service, &scheduler::restore_service);

    // Availability.
    cls.def(
        "slots",
        [](py_scheduler& s, py::handle service_id, py::handle start, py::handle end, py::handle resources,
           py::handle location, py::handle seats, py::handle mode, py::handle ignore_booking, py::handle client,
           py::handle now) {
            const slot_request request =
                make_slot_request(service_id, start, end, resources, location, seats, mode, ignore_booking, client);
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.slots(request, at); });
        },
        py::arg("service"), py::arg("start"), py::arg("end"), py::kw_only(), py::arg("resources") = py::list(),
        py::arg("location") = "", py::arg("seats") = 1, py::arg("mode") = resource_mode::any,
        py::arg("ignore_booking") = "", py::arg("client") = "", py::arg("now") = py::none(),
        "Free slots of `service` starting in [start, end): one per start and location, by start then location id, "
        "each with the resources free there. `resources`: [] means every provider; `location`: \"\" means every "
        "location the service is offered at; `ignore_booking`: a booking left out as if cancelled (the starts "
        "reschedule accepts for it); `client`: the asking client, whose limits per client apply (SPEC §11).");
    cls.def(
        "slots_json",
        [](py_scheduler& s, py::handle service_id, py::handle start, py::handle end, py::handle resources,
           py::handle location, py::handle seats, py::handle mode, py::handle ignore_booking, py::handle client,
           py::handle now, py::handle limit) {
            const slot_request request =
                make_slot_request(service_id, start, end, resources, location, seats, mode, ignore_booking, client);
            const instant at = now_or_clock(now);
            const int asked = limit.is_none() ? 0 : to_int(limit, "limit");
            if (!limit.is_none() && asked < 1) reject("limit", "must be at least 1");
            const auto most = static_cast<std::size_t>(asked);
            return without_gil([&] { return located_slots_json(s.impl, s.impl.slots(request, at), most); });
        },
        py::arg("service"), py::arg("start"), py::arg("end"), py::kw_only(), py::arg("resources") = py::list(),
        py::arg("location") = "", py::arg("seats") = 1, py::arg("mode") = resource_mode::any,
        py::arg("ignore_booking") = "", py::arg("client") = "", py::arg("now") = py::none(),
        py::arg("limit") = py::none(),
        "`slots` as the JSON text slotcraft.server answers: `{\"slots\": [{start, end, local_start, local_end, "
        "time_zone, location, resources, seats_left, and pools for a service with pools}]}`, the local times in the zone of each slot's first resource; "
        "at most `limit` slots (None: all).");
    cls.def(
        "check",
        [](py_scheduler& s, py::handle resource, py::handle service_id, py::handle start, py::handle location,
           py::handle client, py::handle seats, py::handle ignore_booking, py::handle pool_members, py::handle now) {
            const booking_request request = make_request(resource, service_id, start, location, client, seats,
                                                         py::str(""), py::str(""), pool_members);
            const auto ignored = to_text(ignore_booking, "ignore_booking");
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.check(request, at, ignored); });
        },
        py::arg("resource"), py::arg("service"), py::arg("start"), py::kw_only(), py::arg("location") = "",
        py::arg("client") = "", py::arg("seats") = 1, py::arg("ignore_booking") = "",
        py::arg("pool_members") = py::dict(), py::arg("now") = py::none(),
        "Every reason `start` is not bookable (an empty list: it is), with the booking `ignore_booking` left out as "
        "if cancelled.");
    cls.def(
        "open_time",
        [](py_scheduler& s, py::handle resource, py::handle start, py::handle end, py::handle location) {
            const auto id = to_text(resource, "resource");
            const interval span{to_instant(start, "start"), to_instant(end, "end")};
            // Named as the Python arguments are (the C++ check calls the pair `span`).
            if (span.empty()) reject("end", "must be after start");
            if (span.length() > max_query_range) reject("end", "must be at most 366 days after start");
            const auto where = to_text(location, "location");
            return without_gil([&] { return s.impl.open_time(id, where, span); });
        },
        py::arg("resource"), py::arg("start"), py::arg("end"), py::kw_only(), py::arg("location") = "",
        "The open time (SPEC §2) of `resource` at `location` (\"\": its only location) around [start, end): that "
        "location's schedule, the global breaks and the time off, as listings and checks see it.");
    cls.def(
        "day_grid",
        [](py_scheduler& s, py::handle resource, py::handle day, py::handle asked, py::handle location,
           py::handle usual_hours) {
            const auto id = to_text(resource, "resource");
            const local_date date = to_date(day, "day");
            const auto where = to_text(location, "location");
            const bool usual = to_bool(usual_hours, "usual_hours");
            std::vector<instant> starts;
            if (py::isinstance<service>(asked)) {
                const service rules = asked.cast<service>();
                starts = without_gil([&] { return s.impl.day_grid(id, where, date, rules, usual); });
            } else {
                const auto service_id = to_text(asked, "service");
                starts = without_gil([&] {
                    const auto offered = s.impl.service(service_id);
                    if (!offered)
                        throw error(error_category::not_found, "service", fmt::format("no service \"{}\"", service_id));
                    return s.impl.day_grid(id, where, date, offered->rules, usual);
                });
            }
            py::list out;
            for (const instant t : starts) out.append(from_instant(t));
            return out;
        },
        py::arg("resource"), py::arg("day"), py::arg("service"), py::kw_only(), py::arg("location") = "",
        py::arg("usual_hours") = false,
        "The starts the listing lays on local date `day` of `resource` at `location` (\"\": its only location) "
        "for `service` (a Service, or a stored service's id), before bookings and limits. With usual_hours=True "
        "the date's override and the time off are left out: the weekly hours minus breaks.");

    // Bookings.
    cls.def(
        "book",
        [](py_scheduler& s, py::handle resource, py::handle service_id, py::handle start, py::handle location,
           py::handle client, py::handle seats, py::handle idempotency_key, py::handle actor, py::handle pool_members,
           py::handle now) {
            const booking_request request = make_request(resource, service_id, start, location, client, seats,
                                                         idempotency_key, actor, pool_members);
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.book(request, at); });
        },
        py::arg("resource"), py::arg("service"), py::arg("start"), py::kw_only(), py::arg("location") = "",
        py::arg("client") = "", py::arg("seats") = 1, py::arg("idempotency_key") = "", py::arg("actor") = "",
        py::arg("pool_members") = py::dict(), py::arg("now") = py::none(),
        "Books `start` if every check passes at the moment of the write; else raises Conflict with the reasons. "
        "For a service with pools (SPEC §10) it also books a free member of each pool (`pool_members` names one "
        "per pool id), in the same transaction: BookingRecord.group of those names this booking.");
    cls.def(
        "hold",
        [](py_scheduler& s, py::handle resource, py::handle service_id, py::handle start, py::handle ttl,
           py::handle location, py::handle client, py::handle seats, py::handle idempotency_key, py::handle actor,
           py::handle pool_members, py::handle now) {
            const booking_request request = make_request(resource, service_id, start, location, client, seats,
                                                         idempotency_key, actor, pool_members);
            const minutes lasting = to_minutes(ttl, "ttl");
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.hold(request, lasting, at); });
        },
        py::arg("resource"), py::arg("service"), py::arg("start"), py::arg("ttl"), py::kw_only(),
        py::arg("location") = "", py::arg("client") = "", py::arg("seats") = 1, py::arg("idempotency_key") = "",
        py::arg("actor") = "", py::arg("pool_members") = py::dict(), py::arg("now") = py::none(),
        "Holds `start` for `ttl` (with its pool members, as book); confirm it with the returned record's hold_token.");
    cls.def(
        "confirm",
        [](py_scheduler& s, py::handle hold_token, py::handle now, py::handle actor) {
            const auto token = to_text(hold_token, "hold_token");
            const instant at = now_or_clock(now);
            const auto who = to_text(actor, "actor");
            return without_gil([&] { return s.impl.confirm(token, at, who); });
        },
        py::arg("hold_token"), py::kw_only(), py::arg("now") = py::none(), py::arg("actor") = "",
        "Turns a live hold into a booking after the same checks as book (the hold itself left out), with the "
        "service's current length and buffers: NotFound for an unknown token, Conflict when expired, cancelled or "
        "no longer bookable (the hold then stays as it was).");
    cls.def(
        "cancel",
        [](py_scheduler& s, py::handle booking_id, py::handle reason_text, py::handle now, py::handle actor) {
            const auto id = to_text(booking_id, "id");
            const auto why = to_text(reason_text, "reason");
            const instant at = now_or_clock(now);
            const auto who = to_text(actor, "actor");
            return without_gil([&] { return s.impl.cancel(id, why, at, who); });
        },
        py::arg("id"), py::arg("reason") = "", py::kw_only(), py::arg("now") = py::none(), py::arg("actor") = "",
        "Cancels a booking or hold; cancelling again returns the cancelled booking.");
    cls.def(
        "reschedule",
        [](py_scheduler& s, py::handle booking_id, py::handle new_start, py::handle location, py::handle now,
           py::handle actor) {
            const auto id = to_text(booking_id, "id");
            const instant to = to_instant(new_start, "new_start");
            const auto where = to_text(location, "location");
            const instant at = now_or_clock(now);
            const auto who = to_text(actor, "actor");
            return without_gil([&] { return s.impl.reschedule(id, to, at, who, where); });
        },
        py::arg("id"), py::arg("new_start"), py::kw_only(), py::arg("location") = "", py::arg("now") = py::none(),
        py::arg("actor") = "",
        "Moves a booking in one step (to `location` too; \"\": it stays where it is): the old time is released only "
        "if the new one is taken. It is checked and written as a new booking of its service, with the service's "
        "current length and buffers; slots(ignore_booking=id) lists the starts it accepts.");
    cls.def(
        "mark_attendance",
        [](py_scheduler& s, py::handle booking_id, py::handle value, py::handle now, py::handle actor) {
            const auto id = to_text(booking_id, "id");
            const attendance_status mark = to_enum<attendance_status>(value, "attendance", &parse_attendance);
            const instant at = now_or_clock(now);
            const auto who = to_text(actor, "actor");
            return without_gil([&] { return s.impl.mark_attendance(id, mark, at, who); });
        },
        py::arg("id"), py::arg("attendance"), py::kw_only(), py::arg("now") = py::none(), py::arg("actor") = "",
        "Marks a confirmed booking whose start has passed attended, no_show or unmarked again: NotFound for an "
        "unknown id, Conflict (field `id`) for a cancelled booking, a hold or one not yet started.");
    cls.def(
        "book_series",
        [](py_scheduler& s, py::handle requests, py::handle now) {
            const auto list = to_values<booking_request>(requests, "requests");
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.book_series(list, at); });
        },
        py::arg("requests"), py::kw_only(), py::arg("now") = py::none(),
        "Books every request or none; a refusal names the request (`[2].start`).");

    cls.def(
        "book_many",
        [](py_scheduler& s, py::handle requests, py::handle each_alone, py::handle now) {
            const auto list = to_values<booking_request>(requests, "requests");
            const batch_mode mode = to_bool(each_alone, "each_alone") ? batch_mode::each_alone : batch_mode::all_or_nothing;
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.book_many(list, at, mode); });
        },
        py::arg("requests"), py::kw_only(), py::arg("each_alone") = false, py::arg("now") = py::none(),
        "Books independent requests in one transaction (one commit for all): every one or none (the first refusal "
        "is raised, naming `requests[i].start`), or with each_alone=True what can be booked, the others listed in "
        "`refused`. Each is checked as book checks it, seeing the ones before it.");

    cls.def(
        "book_recurring",
        [](py_scheduler& s, py::handle resource, py::handle service_id, py::handle start, py::handle rrule,
           py::handle except_dates, py::handle what_is_free, py::handle location, py::handle client, py::handle seats,
           py::handle idempotency_key, py::handle actor, py::handle pool_members, py::handle now) {
            recurring_request request{
                .first = make_request(resource, service_id, start, location, client, seats, idempotency_key, actor,
                                      pool_members),
                .rrule = to_text(rrule, "rrule"),
                .mode = to_bool(what_is_free, "what_is_free") ? series_mode::what_is_free : series_mode::all_or_nothing};
            if (!py::isinstance<py::iterable>(except_dates) || py::isinstance<py::str>(except_dates))
                reject("except_dates", "expected a sequence of dates");
            std::size_t i = 0;
            for (py::handle day : except_dates)
                request.except_dates.push_back(to_date(day, "except_dates[" + std::to_string(i++) + "]"));
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.book_recurring(request, at); });
        },
        py::arg("resource"), py::arg("service"), py::arg("start"), py::arg("rrule"), py::kw_only(),
        py::arg("except_dates") = py::tuple(), py::arg("what_is_free") = false, py::arg("location") = "",
        py::arg("client") = "", py::arg("seats") = 1, py::arg("idempotency_key") = "", py::arg("actor") = "",
        py::arg("pool_members") = py::dict(), py::arg("now") = py::none(),
        "Books the occurrences of an RFC 5545 RRULE from `start`, each at the same local wall time: all or none "
        "(Conflict names `occurrences[i].start`), or with what_is_free=True the free ones, the others listed in "
        "`refused`.");
    cls.def(
        "cancel_series",
        [](py_scheduler& s, py::handle booking_id, py::handle scope, py::handle reason_text, py::handle now,
           py::handle actor) {
            const auto id = to_text(booking_id, "id");
            const auto which = to_text(scope, "scope");
            series_scope chosen = series_scope::this_one;
            if (which == "following")
                chosen = series_scope::this_and_following;
            else if (which == "all")
                chosen = series_scope::all;
            else if (which != "this")
                reject("scope", "expected 'this', 'following' or 'all', got '" + which + "'");
            const auto why = to_text(reason_text, "reason");
            const instant at = now_or_clock(now);
            const auto who = to_text(actor, "actor");
            return without_gil([&] { return s.impl.cancel_series(id, chosen, why, at, who); });
        },
        py::arg("id"), py::arg("scope"), py::arg("reason") = "", py::kw_only(), py::arg("now") = py::none(),
        py::arg("actor") = "",
        "Cancels the booking and, with scope 'following' or 'all', the later or all active occurrences of its "
        "series; returns the bookings cancelled now, by start.");
    cls.def(
        "export_ics",
        [](py_scheduler& s, py::handle resource, py::handle client, py::handle booking_id, py::handle now) {
            const calendar_selection what{.resource = to_text(resource, "resource"),
                                          .client = to_text(client, "client"),
                                          .booking = to_text(booking_id, "booking")};
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.export_ics(what, at); });
        },
        py::kw_only(), py::arg("resource") = "", py::arg("client") = "", py::arg("booking") = "",
        py::arg("now") = py::none(),
        "An iCalendar (RFC 5545) file of every booking of a resource, a client, or one booking (name exactly one).");
    // The listing and the reports over a booking_filter: the same arguments.
    const auto filter_from = [](py::handle start, py::handle end, py::handle resources, py::handle service_id,
                                py::handle client, py::handle status) {
        booking_filter filter{.period = {to_instant(start, "start"), to_instant(end, "end")},
                              .resources = resource_ids(resources),
                              .service = to_text(service_id, "service"),
                              .client = to_text(client, "client")};
        if (!status.is_none()) filter.status = parse_booking_status(to_text(status, "status"), "status");
        return filter;
    };
    cls.def(
        "bookings",
        [filter_from](py_scheduler& s, py::handle start, py::handle end, py::handle resources, py::handle service_id,
                      py::handle client, py::handle status) {
            const booking_filter filter = filter_from(start, end, resources, service_id, client, status);
            return without_gil([&] { return s.impl.bookings(filter); });
        },
        py::arg("start"), py::arg("end"), py::kw_only(), py::arg("resources") = py::tuple(), py::arg("service") = "",
        py::arg("client") = "", py::arg("status") = py::none(),
        "The bookings and holds of any status starting in [start, end), by start then id, narrowed by the "
        "filters given (the rows of bookings_csv).");
    const auto filtered_report = [&cls, filter_from](const char* name,
                                                     std::string (scheduler::*report)(const booking_filter&,
                                                                                      byte_order_mark),
                                                     const char* doc) {
        cls.def(
            name,
            [report, filter_from](py_scheduler& s, py::handle start, py::handle end, py::handle resources,
                                  py::handle service_id, py::handle client, py::handle status, py::handle bom) {
                const booking_filter filter = filter_from(start, end, resources, service_id, client, status);
                const byte_order_mark mark = bom_from(bom);
                return without_gil([&] { return (s.impl.*report)(filter, mark); });
            },
            py::arg("start"), py::arg("end"), py::kw_only(), py::arg("resources") = py::tuple(),
            py::arg("service") = "", py::arg("client") = "", py::arg("status") = py::none(), py::arg("bom") = true,
            doc);
    };
    filtered_report("bookings_csv", &scheduler::bookings_csv,
                    "An RFC 4180 CSV of the bookings starting in [start, end), by start, narrowed by the filters "
                    "given. For spreadsheets: a UTF-8 BOM first (bom=False leaves it out), formula-like cells "
                    "neutralised with a leading '.");
    filtered_report("attendance_csv", &scheduler::attendance_csv,
                    "An RFC 4180 CSV, one row per resource: the bookings starting in [start, end) that pass the "
                    "filters, attended, no_show, unmarked and cancelled (holds are not counted).");
    cls.def(
        "load_csv",
        [](py_scheduler& s, py::handle start, py::handle end, py::handle resources, py::handle by, py::handle now,
           py::handle bom) {
            const load_request request{.period = {to_instant(start, "start"), to_instant(end, "end")},
                                       .resources = resource_ids(resources),
                                       .by = parse_load_grouping(to_text(by, "by"), "by")};
            const instant at = now_or_clock(now);
            const byte_order_mark mark = bom_from(bom);
            return without_gil([&] { return s.impl.load_csv(request, at, mark); });
        },
        py::arg("start"), py::arg("end"), py::kw_only(), py::arg("resources") = py::tuple(), py::arg("by") = "day",
        py::arg("now") = py::none(), py::arg("bom") = true,
        "An RFC 4180 CSV of open and booked hours per resource and local date (by='day') or ISO week (by='week') "
        "in [start, end), with booked / open.");
    cls.def(
        "import_ics",
        [](py_scheduler& s, py::handle resource, py::handle ics, py::handle start, py::handle end, py::handle actor) {
            const auto id = to_text(resource, "resource");
            const auto text = to_text(ics, "ics");
            const interval window{to_instant(start, "start"), to_instant(end, "end")};
            const auto who = to_text(actor, "actor");
            return without_gil([&] { return s.impl.import_ics(id, text, window, who); });
        },
        py::arg("resource"), py::arg("ics"), py::arg("start"), py::arg("end"), py::kw_only(), py::arg("actor") = "",
        "Adds the busy time of an iCalendar file within [start, end) to the resource's time off (docs/calendars.md); "
        "returns an IcsImport: the intervals added and the lines skipped. A file whose busy time would be wrong "
        "raises InvalidArgument naming its line, and nothing is written.");

    // Reminders, lists, audit.
    cls.def(
        "due_reminders",
        [](py_scheduler& s, py::handle now) {
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.due_reminders(at); });
        },
        py::kw_only(), py::arg("now") = py::none(),
        "Confirmed bookings not yet started whose closest passed reminder offset was not marked.");
    cls.def(
        "mark_reminded",
        [](py_scheduler& s, py::handle booking_id, py::handle offset, py::handle now) {
            const auto id = to_text(booking_id, "id");
            const minutes by = to_minutes(offset, "offset");
            if (now.is_none()) return without_gil([&] { return s.impl.mark_reminded(id, by); });
            const instant at = to_instant(now, "now");
            return without_gil([&] { return s.impl.mark_reminded(id, by, at); });
        },
        py::arg("id"), py::arg("offset"), py::kw_only(), py::arg("now") = py::none(),
        "True for exactly one caller per booking and offset, across processes; with `now`, only for a reminder "
        "`due_reminders(now)` lists (false for any other, and nothing is marked).");
    cls.def(
        "join_waitlist",
        [](py_scheduler& s, py::handle client, py::handle service_id, py::handle start, py::handle end,
           py::handle resource, py::handle location, py::handle seats, py::handle offer_ttl, py::handle actor,
           py::handle now) {
            waitlist_request request{.client = to_text(client, "client"),
                                     .service = to_text(service_id, "service"),
                                     .resource = to_text(resource, "resource"),
                                     .location = to_text(location, "location"),
                                     .window = {to_instant(start, "start"), to_instant(end, "end")},
                                     .seats = to_int(seats, "seats"),
                                     .offer_ttl = to_minutes(offer_ttl, "offer_ttl"),
                                     .actor = to_text(actor, "actor")};
            // Named as the Python arguments are (the C++ check names the `window`).
            if (request.window.empty()) reject("end", "must be after start");
            if (request.window.length() > max_query_range) reject("end", "the range must be at most 366 days");
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.join_waitlist(request, at); });
        },
        py::arg("client"), py::arg("service"), py::arg("start"), py::arg("end"), py::kw_only(),
        py::arg("resource") = "", py::arg("location") = "", py::arg("seats") = 1,
        py::arg("offer_ttl") = py::module_::import("datetime").attr("timedelta")(py::arg("minutes") = 60),
        py::arg("actor") = "", py::arg("now") = py::none(),
        "Puts `client` on the waiting list of `service` for a start in [start, end) (of `resource`, at "
        "`location`; \"\": any); process_waitlist offers a free one as a hold lasting `offer_ttl`.");
    cls.def(
        "leave_waitlist",
        [](py_scheduler& s, py::handle id, py::handle now, py::handle actor) {
            const auto entry = to_text(id, "id");
            const auto who = to_text(actor, "actor");
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.leave_waitlist(entry, at, who); });
        },
        py::arg("id"), py::kw_only(), py::arg("now") = py::none(), py::arg("actor") = "",
        "Takes the entry off the list; its live offer's hold is cancelled with it (a confirmed one stays).");
    cls.def(
        "find_waitlist_entry",
        [](py_scheduler& s, py::handle id) {
            const auto entry = to_text(id, "id");
            return without_gil([&] { return s.impl.find_waitlist_entry(entry); });
        },
        py::arg("id"));
    cls.def(
        "client_waitlist",
        [](py_scheduler& s, py::handle client) {
            const auto id = to_text(client, "client");
            return without_gil([&] { return s.impl.client_waitlist(id); });
        },
        py::arg("client"), "A client's waiting-list entries, any status, oldest first.");
    cls.def(
        "process_waitlist",
        [](py_scheduler& s, py::handle now, py::handle actor) {
            const auto who = to_text(actor, "actor");
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.process_waitlist(at, who); });
        },
        py::kw_only(), py::arg("now") = py::none(), py::arg("actor") = "",
        "Settles offers (booked, lapsed), expires ranges that passed, and offers each waiter, oldest first, the "
        "earliest free start as a hold; returns the offers made. Safe to run from several workers at once.");
    cls.def(
        "due_waitlist_offers",
        [](py_scheduler& s, py::handle now) {
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.due_waitlist_offers(at); });
        },
        py::kw_only(), py::arg("now") = py::none(), "Live offers not yet marked reported, oldest entry first.");
    cls.def(
        "mark_waitlist_notified",
        [](py_scheduler& s, py::handle id) {
            const auto entry = to_text(id, "id");
            return without_gil([&] { return s.impl.mark_waitlist_notified(entry); });
        },
        py::arg("id"), "True for exactly one caller per entry, across processes.");
    cls.def(
        "upcoming",
        [](py_scheduler& s, py::handle resource, py::handle start, py::handle days) {
            const auto id = to_text(resource, "resource");
            const instant from = to_instant(start, "start");
            const int count = to_int(days, "days");
            return without_gil([&] { return s.impl.upcoming(id, from, count); });
        },
        py::arg("resource"), py::arg("start"), py::arg("days"),
        "Active bookings of `resource` starting in [start, start + days), by start.");
    cls.def(
        "client_bookings",
        [](py_scheduler& s, py::handle client, py::handle active, py::handle now) {
            const auto id = to_text(client, "client");
            const bool want_active = to_bool(active, "active");
            const instant at = now_or_clock(now);
            return without_gil([&] { return s.impl.client_bookings(id, at, want_active); });
        },
        py::arg("client"), py::kw_only(), py::arg("active") = true, py::arg("now") = py::none(),
        "A client's active bookings not yet ended, or (active=False) the past and cancelled ones.");
    cls.def(
        "audit",
        [](py_scheduler& s, py::handle after, py::handle limit) {
            const long long from = to_int64(after, "after");
            const long long count = to_int64(limit, "limit");
            if (count < 0) reject("limit", "must not be negative");
            return without_gil([&] { return s.impl.audit(from, static_cast<std::size_t>(count)); });
        },
        py::kw_only(), py::arg("after") = 0, py::arg("limit") = 1000,
        "Audit entries with a sequence number above `after`, oldest first, at most `limit`.");
    cls.def("__repr__", [](const py_scheduler& s) { return "Scheduler(Store('" + s.handle.target + "'))"; });
}

}  // namespace slotcraft::python
