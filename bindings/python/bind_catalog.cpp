// The catalog a store keeps (catalog.hpp): locations, resources with a
// schedule per location, services, clients and their messenger identities,
// settings, stored bookings and the audit log. Each record has to_dict() and
// from_dict() in the JSON form of docs/storage.md.

#include "common.hpp"

#include <slotcraft/catalog_json.hpp>

namespace slotcraft::python {

namespace {

std::vector<minutes> to_minutes_list(py::handle value, const std::string& field) {
    std::vector<minutes> out;
    const auto items = to_items(value, field);
    for (std::size_t i = 0; i < items.size(); ++i)
        out.push_back(to_minutes(items[i], field + "[" + std::to_string(i) + "]"));
    return out;
}

}  // namespace

void register_catalog(py::module_& m) {
    // ---- Location ----
    py::class_<location_record> cls_location(m, "Location", "A place where resources work: a salon, a room, online.");
    cls_location.def(py::init([](py::handle id, py::handle name, py::handle archived) {
                         return location_record{to_text(id, "id"), to_text(name, "name"), to_bool(archived, "archived")};
                     }),
                     py::arg("id"), py::kw_only(), py::arg("name") = "", py::arg("archived") = false);
    field<as_text>(cls_location, "id", &location_record::id);
    field<as_text>(cls_location, "name", &location_record::name);
    field<as_bool>(cls_location, "archived", &location_record::archived,
                   "Retired with Scheduler.archive_location: never offered or booked again.");
    to_dict_method(cls_location);
    from_dict_method(cls_location, "location", [](const nlohmann::json& j, const std::string& p) { return location_from_json(j, p); });
    json_repr(cls_location, "Location");
    value_equality(cls_location);

    // ---- LocationSchedule ----
    py::class_<location_schedule> cls_ls(m, "LocationSchedule",
                                         "A resource's rules at one location, in the resource's zone.");
    cls_ls.def(py::init([](py::handle location, py::handle weekly, py::handle rotation, py::handle overrides,
                           py::handle breaks) {
                   location_schedule s;
                   s.location = to_text(location, "location");
                   s.weekly = to_weekly(weekly, "weekly");
                   s.rotation = as_optional_rotation::to(rotation, "rotation");
                   s.overrides = to_overrides(overrides, "overrides");
                   s.breaks = to_ranges(breaks, "breaks");
                   return s;
               }),
               py::arg("location"), py::kw_only(), py::arg("weekly") = py::dict(), py::arg("rotation") = py::none(),
               py::arg("overrides") = py::dict(), py::arg("breaks") = py::list());
    field<as_text>(cls_ls, "location", &location_schedule::location);
    field<as_weekly>(cls_ls, "weekly", &location_schedule::weekly);
    field<as_optional_rotation>(cls_ls, "rotation", &location_schedule::rotation,
                                "A Rotation (then `weekly` stays empty), or None.");
    field<as_overrides>(cls_ls, "overrides", &location_schedule::overrides);
    field<as_ranges>(cls_ls, "breaks", &location_schedule::breaks);
    to_dict_method(cls_ls);
    from_dict_method(cls_ls, "schedule", [](const nlohmann::json& j, const std::string& p) { return schedule_from_json(j, p); });
    json_repr(cls_ls, "LocationSchedule");
    value_equality(cls_ls);

    // ---- ResourceRecord ----
    py::class_<resource_record> cls_resource(m, "ResourceRecord",
                                             "A master, teacher or room: one zone, one schedule per location.");
    cls_resource.def(py::init([](py::handle id, py::handle time_zone, py::handle name, py::handle schedules,
                                 py::handle time_off, py::handle archived) {
                         resource_record r;
                         r.id = to_text(id, "id");
                         r.time_zone = std::string(to_zone(time_zone, "time_zone").name());
                         r.name = to_text(name, "name");
                         r.schedules = to_values<location_schedule>(schedules, "schedules");
                         r.time_off = to_intervals(time_off, "time_off");
                         r.archived = to_bool(archived, "archived");
                         return r;
                     }),
                     py::arg("id"), py::arg("time_zone") = "UTC", py::kw_only(), py::arg("name") = "",
                     py::arg("schedules") = py::list(), py::arg("time_off") = py::list(), py::arg("archived") = false);
    field<as_text>(cls_resource, "id", &resource_record::id);
    field<as_text>(cls_resource, "name", &resource_record::name);
    cls_resource.def_property(
        "time_zone", [](const resource_record& r) { return r.time_zone; },
        [](resource_record& r, py::handle v) { r.time_zone = std::string(to_zone(v, "time_zone").name()); },
        "The IANA name (set from a str or a zoneinfo.ZoneInfo).");
    field<as_values<location_schedule>>(cls_resource, "schedules", &resource_record::schedules);
    field<as_intervals>(cls_resource, "time_off", &resource_record::time_off);
    field<as_bool>(cls_resource, "archived", &resource_record::archived,
                   "Retired with Scheduler.archive_resource: never offered or booked again.");
    to_dict_method(cls_resource);
    from_dict_method(cls_resource, "resource", [](const nlohmann::json& j, const std::string& p) { return resource_from_json(j, p); });
    json_repr(cls_resource, "ResourceRecord");
    value_equality(cls_resource);

    // ---- ServiceRecord ----
    py::class_<service_record> cls_service(m, "ServiceRecord",
                                           "A stored service: the rules, a name, the locations it is offered at "
                                           "(none: everywhere).");
    cls_service.def(py::init([](py::handle rules, py::handle name, py::handle locations, py::handle archived,
                                py::handle assign, py::handle pools) {
                        return service_record{to_value<service>(rules, "rules"), to_text(name, "name"),
                                              to_texts(locations, "locations"), to_bool(archived, "archived"),
                                              assign.is_none() ? assignment{} : to_value<assignment>(assign, "assign"),
                                              to_service_pools(pools, "pools")};
                    }),
                    py::arg("rules"), py::kw_only(), py::arg("name") = "", py::arg("locations") = py::list(),
                    py::arg("archived") = false, py::arg("assign") = py::none(), py::arg("pools") = py::dict());
    cls_service.def_property(
        "rules", [](service_record& s) -> service& { return s.rules; },
        [](service_record& s, py::handle v) { s.rules = to_value<service>(v, "rules"); },
        py::return_value_policy::reference_internal);
    cls_service.def_property_readonly("id", [](const service_record& s) { return s.rules.id; }, "rules.id");
    field<as_text>(cls_service, "name", &service_record::name);
    field<as_texts>(cls_service, "locations", &service_record::locations);
    field<as_bool>(cls_service, "archived", &service_record::archived,
                   "Retired with Scheduler.archive_service: never offered or booked again.");
    cls_service.def_property(
        "assign", [](const service_record& s) { return s.assign; },
        [](service_record& s, py::handle v) { s.assign = to_value<assignment>(v, "assign"); },
        "How slots order the free resources (SPEC §12): an Assignment; a copy.");
    cls_service.def_property(
        "pools",
        [](const service_record& s) {
            py::dict out;
            for (const service_pool& p : s.pools) out[py::str(p.id)] = py::cast(p.resources);
            return out;
        },
        [](service_record& s, py::handle v) { s.pools = to_service_pools(v, "pools"); },
        "SPEC §10: the pools a booking also takes a free member of, as {pool id: [resource ids]} in order; a copy.");
    to_dict_method(cls_service);
    cls_service.def_static(
        "from_dict", [](py::handle data) { return service_record_from_json(to_json_document(data, "service")); },
        py::arg("data"), "Reads the JSON form (a dict or JSON text); a bad field is named as a path.");
    json_repr(cls_service, "ServiceRecord");
    value_equality(cls_service);

    // ---- clients ----
    py::enum_<messenger>(m, "Messenger", "The messenger a client writes from.")
        .value("telegram", messenger::telegram)
        .value("whatsapp", messenger::whatsapp)
        .value("vk", messenger::vk)
        .value("other", messenger::other);

    py::class_<identity> cls_identity(m, "Identity", "One account of a client on one messenger.");
    cls_identity.def(py::init([](py::handle network, py::handle external_id) {
                         return identity{to_enum<messenger>(network, "network", parse_messenger),
                                         to_text(external_id, "external_id")};
                     }),
                     py::arg("network"), py::arg("external_id"));
    field<as_enum<messenger, &parse_messenger>>(cls_identity, "network", &identity::network);
    field<as_text>(cls_identity, "external_id", &identity::external_id);
    to_dict_method(cls_identity);
    from_dict_method(cls_identity, "identity", [](const nlohmann::json& j, const std::string& p) { return identity_from_json(j, p); });
    json_repr(cls_identity, "Identity");
    value_equality(cls_identity);
    cls_identity.def("__hash__", [](const identity& i) {
        return py::hash(py::make_tuple(static_cast<int>(i.network), i.external_id));
    });

    py::class_<client_record> cls_client(m, "Client", "A person who books, with any number of messenger identities.");
    cls_client.def(py::init([](py::handle id, py::handle name, py::handle identities) {
                       return client_record{to_text(id, "id"), to_text(name, "name"),
                                            to_values<identity>(identities, "identities")};
                   }),
                   py::arg("id"), py::kw_only(), py::arg("name") = "", py::arg("identities") = py::list());
    field<as_text>(cls_client, "id", &client_record::id);
    field<as_text>(cls_client, "name", &client_record::name);
    field<as_values<identity>>(cls_client, "identities", &client_record::identities);
    to_dict_method(cls_client);
    from_dict_method(cls_client, "client", [](const nlohmann::json& j, const std::string& p) { return client_from_json(j, p); });
    json_repr(cls_client, "Client");
    value_equality(cls_client);

    // ---- settings ----
    py::class_<settings> cls_settings(m, "Settings", "Settings shared by every resource.");
    cls_settings.def(py::init([](py::handle reminder_offsets, py::handle global_breaks, py::handle default_step) {
                         settings s;
                         s.reminder_offsets = to_minutes_list(reminder_offsets, "reminder_offsets");
                         s.global_breaks = to_ranges(global_breaks, "global_breaks");
                         s.default_step = as_optional_minutes::to(default_step, "default_step");
                         return s;
                     }),
                     py::kw_only(), py::arg("reminder_offsets") = py::list(), py::arg("global_breaks") = py::list(),
                     py::arg("default_step") = py::none());
    cls_settings.def_property(
        "reminder_offsets",
        [](const settings& s) {
            py::list out;
            for (minutes offset : s.reminder_offsets) out.append(from_minutes(offset));
            return out;
        },
        [](settings& s, py::handle v) { s.reminder_offsets = to_minutes_list(v, "reminder_offsets"); },
        "How long before a booking's start reminders are due.");
    field<as_ranges>(cls_settings, "global_breaks", &settings::global_breaks, "Breaks of every resource.");
    field<as_optional_minutes>(cls_settings, "default_step", &settings::default_step,
                               "Grid step of services that set none (None: their duration).");
    to_dict_method(cls_settings);
    from_dict_method(cls_settings, "settings", [](const nlohmann::json& j, const std::string& p) { return settings_from_json(j, p); });
    json_repr(cls_settings, "Settings");
    value_equality(cls_settings);

    // ---- stored bookings (read-only: the scheduler writes them) ----
    py::enum_<attendance_status>(m, "Attendance", "Whether the client came, marked once the booking has started.")
        .value("unmarked", attendance_status::unmarked)
        .value("attended", attendance_status::attended)
        .value("no_show", attendance_status::no_show);

    py::class_<booking_record> cls_booking(m, "BookingRecord", "A stored booking or hold (read-only).");
    readonly<as_text>(cls_booking, "id", &booking_record::id);
    readonly<as_text>(cls_booking, "resource", &booking_record::resource);
    readonly<as_text>(cls_booking, "service", &booking_record::service);
    readonly<as_text>(cls_booking, "location", &booking_record::location);
    readonly<as_text>(cls_booking, "client", &booking_record::client);
    cls_booking.def_property_readonly("start", [](const booking_record& b) { return from_instant(b.time.start); })
        .def_property_readonly("end", [](const booking_record& b) { return from_instant(b.time.end); });
    readonly<as_interval>(cls_booking, "time", &booking_record::time);
    readonly<as_int>(cls_booking, "seats", &booking_record::seats);
    readonly<as_enum<booking_status, &parse_booking_status>>(cls_booking, "status", &booking_record::status);
    readonly<as_optional_instant>(cls_booking, "expires", &booking_record::expires, "Holds only.");
    readonly<as_text>(cls_booking, "hold_token", &booking_record::hold_token, "Holds only: pass it to confirm().");
    readonly<as_minutes>(cls_booking, "buffer_before", &booking_record::buffer_before);
    readonly<as_minutes>(cls_booking, "buffer_after", &booking_record::buffer_after);
    readonly<as_text>(cls_booking, "idempotency_key", &booking_record::idempotency_key);
    readonly<as_text>(cls_booking, "series", &booking_record::series);
    readonly<as_text>(cls_booking, "group", &booking_record::group,
                      "On a pool member's booking (SPEC §10): the id of the booking it was made with; else \"\".");
    readonly<as_text>(cls_booking, "pool", &booking_record::pool, "On a pool member's booking: its pool's id; else \"\".");
    readonly<as_text>(cls_booking, "cancel_reason", &booking_record::cancel_reason);
    readonly<as_enum<attendance_status, &parse_attendance>>(cls_booking, "attendance", &booking_record::attendance,
                                                            "Set with Scheduler.mark_attendance.");
    readonly<as_instant>(cls_booking, "created_at", &booking_record::created_at);
    readonly<as_instant>(cls_booking, "updated_at", &booking_record::updated_at);
    cls_booking.def_property_readonly("padded", &booking_record::padded)
        .def(
            "active_at", [](const booking_record& b, py::handle now) { return b.active_at(to_instant(now, "now")); },
            py::arg("now"), "False once cancelled, and for a hold whose expiry is at or before `now`.")
        .def("engine_view", &booking_record::engine_view, "The booking as the engine sees it (a Booking).");
    to_dict_method(cls_booking);
    from_dict_method(cls_booking, "booking", [](const nlohmann::json& j, const std::string& p) { return booking_record_from_json(j, p); });
    cls_booking.def("__repr__", [](const booking_record& b) {
        return "BookingRecord('" + b.id + "', " + b.resource + ", " + b.service + ", " + format_instant(b.time.start) +
               ", " + std::string(to_string(b.status)) + ")";
    });
    value_equality(cls_booking);

    // ---- audit log ----
    py::class_<audit_entry> cls_audit(m, "AuditEntry", "One mutation as the audit log keeps it (read-only).");
    cls_audit.def_readonly("sequence", &audit_entry::sequence, "Assigned by the store, increasing.");
    readonly<as_instant>(cls_audit, "at", &audit_entry::at);
    readonly<as_text>(cls_audit, "actor", &audit_entry::actor);
    readonly<as_text>(cls_audit, "action", &audit_entry::action, "book, hold, confirm, cancel, reschedule, put_resource, ...");
    readonly<as_text>(cls_audit, "subject", &audit_entry::subject, "The id acted on.");
    readonly<as_text>(cls_audit, "before", &audit_entry::before, "JSON text; \"\" when created.");
    readonly<as_text>(cls_audit, "after", &audit_entry::after, "JSON text; \"\" when deleted.");
    cls_audit.def("__repr__", [](const audit_entry& e) {
        return "AuditEntry(" + std::to_string(e.sequence) + ", " + format_instant(e.at) + ", " + e.action + " " +
               e.subject + (e.actor.empty() ? "" : " by " + e.actor) + ")";
    });
    value_equality(cls_audit);
}

}  // namespace slotcraft::python
