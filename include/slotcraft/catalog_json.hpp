#pragma once
/// \file
/// JSON for the records a store keeps (catalog.hpp), on nlohmann::json.
///
/// One stable form used by the SQLite columns that hold structured data, the
/// audit log's before/after, the CLI and the Python module:
///
/// - instants are UTC ISO 8601 strings (`"2026-03-02T09:00:00Z"`), minutes
///   whole numbers, local ranges `["HH:MM", "HH:MM"]`;
/// - weekly hours are `{"mon": [...], ..., "sun": [...]}`, overrides
///   `{"YYYY-MM-DD": [[...]]}`, time off `[{"start": ..., "end": ...}]`;
/// - a location schedule has `weekly`, or instead a SPEC §9 `rotation`
///   `{"anchor": "YYYY-MM-DD", "weeks": [weekly, ...]}` (never both);
/// - a service uses the SPEC §8 names (`id`, `duration`, `step`, `align`,
///   `buffer_before`, `buffer_after`, `min_notice`, `max_advance`, `capacity`,
///   `max_per_day`, and SPEC §11's `max_per_client_per_day`,
///   `max_per_client_per_week`, `max_seats_per_client`); a `service_record` adds `name`, `locations`,
///   `archived`, SPEC §12's `assign` (`{"strategy", "weights", "priorities"}`) and SPEC §10's
///   `pools` (`[{"id", "resources": [ids]}]`) beside them; a booking record has `group` and `pool`;
///   locations and resources have `archived` too;
/// - optional values (`step`, `default_step`, `expires`) are left out when unset.
///
/// Writing emits every field (of a schedule, `weekly` or `rotation`: the one in
/// use), so `from_json(to_json(x)) == x` for every valid value.
/// Reading checks the shape (types, ISO instants, `HH:MM`, dates, enum words,
/// whole numbers within `int`) and throws `error` (invalid_argument) naming the
/// field as a path (`resource.schedules[0].weekly.mon[1][0]`); a field left
/// out takes the member's default. SPEC §7 range rules (`duration > 0`, known
/// time zone, end after start) are the scheduler's validator's job, so that
/// any value a store accepted reads back. Unknown keys are ignored.
///
/// The ADL hooks make `nlohmann::json j = record;` and `j.get<T>()` work; the
/// `*_from_json(value, path)` functions read with a caller-chosen field path.

#include <slotcraft/catalog.hpp>
#include <slotcraft/json.hpp>
#include <slotcraft/waitlist.hpp>

#include <nlohmann/json.hpp>

#include <fmt/compile.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slotcraft {


namespace detail {

/// Writers and path-aware readers shared by the public functions below.
struct catalog_json {
    using json = nlohmann::json;
    using reader = json_reader;

    /// Weekday keys, Monday first, with their `date::weekday` encodings.
    static constexpr std::array<std::pair<const char*, unsigned>, 7> weekdays{
        {{"mon", 1}, {"tue", 2}, {"wed", 3}, {"thu", 4}, {"fri", 5}, {"sat", 6}, {"sun", 0}}};

    // ---- writing -------------------------------------------------------

    static json range(const local_range& r) { return json::array({r.from.to_string(), r.to.to_string()}); }

    static json ranges(std::span<const local_range> list) {
        json out = json::array();
        for (const local_range& r : list) out.push_back(range(r));
        return out;
    }

    static std::string date_text(local_date day) {
        const date::year_month_day ymd{day};
        return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                           static_cast<unsigned>(ymd.day()));
    }

    static json dates(std::span<const local_date> days) {
        json out = json::array();
        for (const local_date day : days) out.push_back(date_text(day));
        return out;
    }

    static std::vector<local_date> read_dates(const json& value, const std::string& path) {
        std::vector<local_date> out;
        for (const json& item : reader::array(value, path)) {
            const std::string item_path = fmt::format("{}[{}]", path, out.size());
            out.push_back(reader::calendar_date(reader::string(item, item_path), item_path));
        }
        return out;
    }

    static json span_of(const interval& i) {
        return json{{"start", format_instant(i.start)}, {"end", format_instant(i.end)}};
    }

    static json spans(std::span<const interval> list) {
        json out = json::array();
        for (const interval& i : list) out.push_back(span_of(i));
        return out;
    }

    static json weekly(const weekly_hours& hours) {
        json out = json::object();
        for (const auto& [key, encoding] : weekdays) out[key] = ranges(hours.on(date::weekday{encoding}));
        return out;
    }

    static json rotation(const weekly_rotation& cycle) {
        json weeks = json::array();
        for (const weekly_hours& week : cycle.weeks) weeks.push_back(weekly(week));
        return {{"anchor", date_text(cycle.anchor)}, {"weeks", std::move(weeks)}};
    }

    // ---- reading -------------------------------------------------------

    static std::string text(const json& object, const char* key, const std::string& path) {
        const json* value = reader::member(object, key);
        return value == nullptr ? std::string{} : std::string(reader::string(*value, path + "." + key));
    }

    static std::string required_text(const json& object, const char* key, const std::string& path) {
        const std::string field = path + "." + key;
        return std::string(reader::string(reader::required(object, key, field), field));
    }

    static void read_minutes(const json& object, const char* key, const std::string& path, minutes& target) {
        if (const json* value = reader::member(object, key)) target = minutes{reader::integer(*value, path + "." + key)};
    }

    /// Refuses a member of `object` that `known` does not name: a misspelt
    /// field is an error naming it, never a silent default.
    static void only_known(const json& object, const std::string& path, std::initializer_list<std::string_view> known) {
        for (const auto& item : object.items()) {
            const std::string& key = item.key();
            if (std::find(known.begin(), known.end(), key) == known.end())
                reject(path + "." + key.substr(0, 32), fmt::format("unknown field (expected {})", fmt::join(known, ", ")));
        }
    }

    static void read_flag(const json& object, const char* key, const std::string& path, bool& target) {
        if (const json* value = reader::member(object, key)) target = reader::boolean(*value, path + "." + key);
    }

    static void read_int(const json& object, const char* key, const std::string& path, int& target) {
        if (const json* value = reader::member(object, key))
            target = static_cast<int>(reader::integer(*value, path + "." + key));
    }

    static void read_instant(const json& object, const char* key, const std::string& path, instant& target) {
        if (const json* value = reader::member(object, key)) target = reader::time_point(*value, path + "." + key);
    }

    static std::vector<std::string> strings(const json& value, const std::string& path) {
        std::vector<std::string> out;
        std::size_t i = 0;
        for (const json& item : reader::array(value, path))
            out.emplace_back(reader::string(item, fmt::format("{}[{}]", path, i++)));
        return out;
    }

    static interval read_span(const json& value, const std::string& path) {
        reader::object(value, path);
        return {reader::time_point(reader::required(value, "start", path + ".start"), path + ".start"),
                reader::time_point(reader::required(value, "end", path + ".end"), path + ".end")};
    }

    static std::vector<interval> read_spans(const json& value, const std::string& path) {
        std::vector<interval> out;
        std::size_t i = 0;
        for (const json& item : reader::array(value, path)) out.push_back(read_span(item, fmt::format("{}[{}]", path, i++)));
        return out;
    }
};

}  // namespace detail

// ---- to_json -------------------------------------------------------------

inline void to_json(nlohmann::json& out, messenger m) { out = std::string(to_string(m)); }

inline void to_json(nlohmann::json& out, const interval& i) { out = detail::catalog_json::span_of(i); }

inline void to_json(nlohmann::json& out, const location_record& l) {
    out = {{"id", l.id}, {"name", l.name}, {"archived", l.archived}};
}

inline void to_json(nlohmann::json& out, const location_schedule& s) {
    using w = detail::catalog_json;
    nlohmann::json overrides = nlohmann::json::object();
    for (const auto& [day, list] : s.overrides) overrides[w::date_text(day)] = w::ranges(list);
    out = {{"location", s.location}, {"overrides", std::move(overrides)}, {"breaks", w::ranges(s.breaks)}};
    if (s.rotation)
        out["rotation"] = w::rotation(*s.rotation);
    else
        out["weekly"] = w::weekly(s.weekly);
}

inline void to_json(nlohmann::json& out, const resource_record& r) {
    nlohmann::json schedules = nlohmann::json::array();
    for (const location_schedule& s : r.schedules) schedules.push_back(s);
    out = {{"id", r.id},
           {"name", r.name},
           {"timezone", r.time_zone},
           {"schedules", std::move(schedules)},
           {"time_off", detail::catalog_json::spans(r.time_off)},
           {"archived", r.archived}};
}

/// The service rules with their SPEC §8 names; `step` is left out when unset.
inline void to_json(nlohmann::json& out, const service& s) {
    out = {{"id", s.id},
           {"duration", s.duration.count()},
           {"align", std::string(to_string(s.align))},
           {"buffer_before", s.buffer_before.count()},
           {"buffer_after", s.buffer_after.count()},
           {"min_notice", s.min_notice.count()},
           {"max_advance", s.max_advance.count()},
           {"capacity", s.capacity},
           {"max_per_day", s.max_per_day},
           {"max_per_client_per_day", s.max_per_client_per_day},
           {"max_per_client_per_week", s.max_per_client_per_week},
           {"max_seats_per_client", s.max_seats_per_client}};
    if (s.step) out["step"] = s.step->count();
}

/// SPEC §12's `{"strategy", "weights", "priorities"}`.
inline void to_json(nlohmann::json& out, const assignment& a) {
    out = {{"strategy", std::string(to_string(a.strategy))},
           {"weights", nlohmann::json(a.weights)},
           {"priorities", nlohmann::json(a.priorities)}};
}

/// The rules' fields plus `name`, `locations`, `archived` and `assign`, in one object.
inline void to_json(nlohmann::json& out, const service_record& s) {
    to_json(out, s.rules);
    out["name"] = s.name;
    out["locations"] = s.locations;
    out["archived"] = s.archived;
    out["assign"] = s.assign;
    out["pools"] = nlohmann::json::array();
    for (const service_pool& p : s.pools) out["pools"].push_back({{"id", p.id}, {"resources", p.resources}});
}

inline void to_json(nlohmann::json& out, const identity& i) {
    out = {{"network", std::string(to_string(i.network))}, {"external_id", i.external_id}};
}

inline void to_json(nlohmann::json& out, const client_record& c) {
    nlohmann::json identities = nlohmann::json::array();
    for (const identity& i : c.identities) identities.push_back(i);
    out = {{"id", c.id}, {"name", c.name}, {"identities", std::move(identities)}};
}

inline void to_json(nlohmann::json& out, const settings& s) {
    nlohmann::json offsets = nlohmann::json::array();
    for (const minutes m : s.reminder_offsets) offsets.push_back(m.count());
    out = {{"reminder_offsets", std::move(offsets)}, {"global_breaks", detail::catalog_json::ranges(s.global_breaks)}};
    if (s.default_step) out["default_step"] = s.default_step->count();
}

inline void to_json(nlohmann::json& out, const booking_record& b) {
    out = {{"id", b.id},
           {"resource", b.resource},
           {"service", b.service},
           {"location", b.location},
           {"client", b.client},
           {"start", format_instant(b.time.start)},
           {"end", format_instant(b.time.end)},
           {"seats", b.seats},
           {"status", std::string(to_string(b.status))},
           {"hold_token", b.hold_token},
           {"buffer_before", b.buffer_before.count()},
           {"buffer_after", b.buffer_after.count()},
           {"idempotency_key", b.idempotency_key},
           {"series", b.series},
           {"group", b.group},
           {"pool", b.pool},
           {"cancel_reason", b.cancel_reason},
           {"attendance", std::string(to_string(b.attendance))},
           {"created_at", format_instant(b.created_at)},
           {"updated_at", format_instant(b.updated_at)}};
    if (b.expires) out["expires"] = format_instant(*b.expires);
}

/// A place on the waiting list: its range as `start` and `end`, `offer_ttl` in minutes.
inline void to_json(nlohmann::json& out, const waitlist_entry& e) {
    out = {{"id", e.id},
           {"client", e.client},
           {"service", e.service},
           {"resource", e.resource},
           {"location", e.location},
           {"start", format_instant(e.window.start)},
           {"end", format_instant(e.window.end)},
           {"seats", e.seats},
           {"offer_ttl", e.offer_ttl.count()},
           {"status", std::string(to_string(e.status))},
           {"offer", e.offer},
           {"notified", e.notified},
           {"created_at", format_instant(e.created_at)},
           {"updated_at", format_instant(e.updated_at)}};
}

/// The text of `nlohmann::json(b).dump()`, without building the json value
/// first (the audit log keeps it for every booking written, and the value's
/// tree of keys costs several times the text): the keys in nlohmann's sorted
/// order, numbers and instants by fmt, and every string that needs escaping
/// by nlohmann (so escaped, and invalid UTF-8 refused, as before).
[[nodiscard]] inline std::string booking_json_text(const booking_record& b) {
    std::string out;
    out.reserve(512);  // a booking with short ids takes about 430
    // A string of printable ASCII without `"` or `\\` is its own JSON text between quotes (ids, tokens, names
    // of states); anything else is nlohmann's to escape and to check as UTF-8.
    const auto text = [&](std::string_view key, std::string_view value) {
        out += key;
        const bool plain = std::all_of(value.begin(), value.end(), [](char c) {
            return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        });
        if (plain) {
            out += '"';
            out += value;
            out += '"';
        } else {
            out += nlohmann::json(value).dump();
        }
    };
    const auto number = [&](std::string_view key, long long value) {
        out += key;
        const fmt::format_int digits(value);
        out.append(digits.data(), digits.size());
    };
    const auto when = [&](std::string_view key, instant t) {
        out += key;
        out += '"';
        append_instant(out, t);
        out += '"';
    };
    text(R"({"attendance":)", to_string(b.attendance));
    number(R"(,"buffer_after":)", b.buffer_after.count());
    number(R"(,"buffer_before":)", b.buffer_before.count());
    text(R"(,"cancel_reason":)", b.cancel_reason);
    text(R"(,"client":)", b.client);
    when(R"(,"created_at":)", b.created_at);
    when(R"(,"end":)", b.time.end);
    if (b.expires) when(R"(,"expires":)", *b.expires);
    text(R"(,"group":)", b.group);
    text(R"(,"hold_token":)", b.hold_token);
    text(R"(,"id":)", b.id);
    text(R"(,"idempotency_key":)", b.idempotency_key);
    text(R"(,"location":)", b.location);
    text(R"(,"pool":)", b.pool);
    text(R"(,"resource":)", b.resource);
    number(R"(,"seats":)", b.seats);
    text(R"(,"series":)", b.series);
    text(R"(,"service":)", b.service);
    when(R"(,"start":)", b.time.start);
    text(R"(,"status":)", to_string(b.status));
    when(R"(,"updated_at":)", b.updated_at);
    out += '}';
    return out;
}

// ---- reading with a field path -------------------------------------------

[[nodiscard]] inline messenger messenger_from_json(const nlohmann::json& value, const std::string& path) {
    return parse_messenger(detail::json_reader::string(value, path), path);
}

[[nodiscard]] inline interval interval_from_json(const nlohmann::json& value, const std::string& path) {
    return detail::catalog_json::read_span(value, path);
}

[[nodiscard]] inline location_record location_from_json(const nlohmann::json& value, const std::string& path) {
    using w = detail::catalog_json;
    w::reader::object(value, path);
    w::only_known(value, path, {"id", "name", "archived"});
    location_record out{.id = w::required_text(value, "id", path), .name = w::text(value, "name", path)};
    w::read_flag(value, "archived", path, out.archived);
    return out;
}

[[nodiscard]] inline location_schedule schedule_from_json(const nlohmann::json& value, const std::string& path) {
    using w = detail::catalog_json;
    w::reader::object(value, path);
    w::only_known(value, path, {"location", "weekly", "rotation", "overrides", "breaks"});
    location_schedule out;
    out.location = w::required_text(value, "location", path);
    if (const auto* v = w::reader::member(value, "weekly")) out.weekly = w::reader::weekly_of(*v, path + ".weekly");
    if (const auto* v = w::reader::member(value, "rotation")) {
        if (w::reader::member(value, "weekly") != nullptr)
            reject(path + ".rotation", "give either weekly or rotation, not both");
        out.rotation = w::reader::rotation_of(*v, path + ".rotation");
    }
    if (const auto* v = w::reader::member(value, "overrides")) out.overrides = w::reader::overrides_of(*v, path + ".overrides");
    if (const auto* v = w::reader::member(value, "breaks")) out.breaks = w::reader::ranges(*v, path + ".breaks");
    return out;
}

[[nodiscard]] inline resource_record resource_from_json(const nlohmann::json& value, const std::string& path) {
    using w = detail::catalog_json;
    w::reader::object(value, path);
    w::only_known(value, path, {"id", "name", "timezone", "schedules", "time_off", "archived"});
    resource_record out;
    out.id = w::required_text(value, "id", path);
    out.name = w::text(value, "name", path);
    if (const auto* v = w::reader::member(value, "timezone"))
        out.time_zone = std::string(w::reader::string(*v, path + ".timezone"));
    if (const auto* v = w::reader::member(value, "schedules")) {
        std::size_t i = 0;
        for (const auto& item : w::reader::array(*v, path + ".schedules"))
            out.schedules.push_back(schedule_from_json(item, fmt::format("{}.schedules[{}]", path, i++)));
    }
    if (const auto* v = w::reader::member(value, "time_off")) out.time_off = w::read_spans(*v, path + ".time_off");
    w::read_flag(value, "archived", path, out.archived);
    return out;
}

/// Reads service rules; the field names are `service.duration` and so on
/// (json_reader::read_service names them so).
[[nodiscard]] inline service service_rules_from_json(const nlohmann::json& value) {
    return detail::json_reader::read_service(value);
}

/// Reads the `assign` member of `owner` (a service's JSON, at `path`); the
/// default strategy with no weights when it is left out.
[[nodiscard]] inline assignment assignment_from_json(const nlohmann::json& owner, const std::string& path) {
    const auto* v = detail::json_reader::member(owner, "assign");
    if (v == nullptr) return assignment{};
    assignment out = detail::json_reader::read_assignment(*v, path + ".assign");  // its shape first
    detail::catalog_json::only_known(*v, path + ".assign", {"strategy", "weights", "priorities"});
    return out;
}

/// Reads the `pools` member of `owner` (a service's JSON, at `path`): none
/// when it is left out. Only the shape is read here (service_pool::validate
/// checks the rest).
[[nodiscard]] inline std::vector<service_pool> service_pools_from_json(const nlohmann::json& owner,
                                                                       const std::string& path) {
    using w = detail::catalog_json;
    std::vector<service_pool> out;
    const auto* v = w::reader::member(owner, "pools");
    if (v == nullptr) return out;
    const std::string at = path + ".pools";
    w::reader::array(*v, at);
    for (std::size_t i = 0; i < v->size(); ++i) {
        const nlohmann::json& item = (*v)[i];
        const std::string item_path = fmt::format("{}[{}]", at, i);
        w::reader::object(item, item_path);
        w::only_known(item, item_path, {"id", "resources"});
        service_pool& p = out.emplace_back();
        p.id = w::required_text(item, "id", item_path);
        p.resources = w::strings(w::reader::required(item, "resources", item_path + ".resources"),
                                 item_path + ".resources");
    }
    return out;
}

/// Reads a service record: the rules (with a required `id`), `name`, `locations`.
[[nodiscard]] inline service_record service_record_from_json(const nlohmann::json& value) {
    using w = detail::catalog_json;
    const std::string path = "service";
    w::reader::object(value, path);
    w::only_known(value, path,
                  {"id", "name", "locations", "archived", "duration", "step", "align", "buffer_before", "buffer_after",
                   "min_notice", "max_advance", "capacity", "max_per_day", "max_per_client_per_day",
                   "max_per_client_per_week", "max_seats_per_client", "assign", "pools"});
    (void)w::required_text(value, "id", path);
    service_record out;
    out.rules = detail::json_reader::read_service(value);
    out.name = w::text(value, "name", path);
    if (const auto* v = w::reader::member(value, "locations")) out.locations = w::strings(*v, path + ".locations");
    w::read_flag(value, "archived", path, out.archived);
    out.assign = assignment_from_json(value, path);
    out.pools = service_pools_from_json(value, path);
    return out;
}

[[nodiscard]] inline identity identity_from_json(const nlohmann::json& value, const std::string& path) {
    using w = detail::catalog_json;
    w::reader::object(value, path);
    w::only_known(value, path, {"network", "external_id"});
    identity out;
    out.network = messenger_from_json(w::reader::required(value, "network", path + ".network"), path + ".network");
    out.external_id = w::required_text(value, "external_id", path);
    return out;
}

[[nodiscard]] inline client_record client_from_json(const nlohmann::json& value, const std::string& path) {
    using w = detail::catalog_json;
    w::reader::object(value, path);
    w::only_known(value, path, {"id", "name", "identities"});
    client_record out;
    out.id = w::required_text(value, "id", path);
    out.name = w::text(value, "name", path);
    if (const auto* v = w::reader::member(value, "identities")) {
        std::size_t i = 0;
        for (const auto& item : w::reader::array(*v, path + ".identities"))
            out.identities.push_back(identity_from_json(item, fmt::format("{}.identities[{}]", path, i++)));
    }
    return out;
}

[[nodiscard]] inline settings settings_from_json(const nlohmann::json& value, const std::string& path) {
    using w = detail::catalog_json;
    w::reader::object(value, path);
    w::only_known(value, path, {"reminder_offsets", "global_breaks", "default_step"});
    settings out;
    if (const auto* v = w::reader::member(value, "reminder_offsets")) {
        const std::string list_path = path + ".reminder_offsets";
        std::size_t i = 0;
        for (const auto& item : w::reader::array(*v, list_path))
            out.reminder_offsets.emplace_back(w::reader::integer(item, fmt::format("{}[{}]", list_path, i++)));
    }
    if (const auto* v = w::reader::member(value, "global_breaks"))
        out.global_breaks = w::reader::ranges(*v, path + ".global_breaks");
    if (const auto* v = w::reader::member(value, "default_step"))
        out.default_step = minutes{w::reader::integer(*v, path + ".default_step")};
    return out;
}

[[nodiscard]] inline booking_record booking_record_from_json(const nlohmann::json& value, const std::string& path) {
    using w = detail::catalog_json;
    w::reader::object(value, path);
    (void)w::required_text(value, "id", path);
    // The engine's part (id, start, end, service, seats, status, expires, buffers)
    // is read by the SPEC §8 booking reader.
    const booking core = detail::json_reader::read_booking(value, path);
    booking_record out;
    out.id = core.id;
    out.service = core.service;
    out.time = core.time;
    out.seats = core.seats;
    out.status = core.status;
    out.expires = core.expires;
    out.buffer_before = core.buffer_before;
    out.buffer_after = core.buffer_after;
    out.resource = w::text(value, "resource", path);
    out.location = w::text(value, "location", path);
    out.client = w::text(value, "client", path);
    out.hold_token = w::text(value, "hold_token", path);
    out.idempotency_key = w::text(value, "idempotency_key", path);
    out.series = w::text(value, "series", path);
    out.group = w::text(value, "group", path);
    out.pool = w::text(value, "pool", path);
    out.cancel_reason = w::text(value, "cancel_reason", path);
    if (const auto* v = w::reader::member(value, "attendance"))
        out.attendance = parse_attendance(w::reader::string(*v, path + ".attendance"), path + ".attendance");
    w::read_instant(value, "created_at", path, out.created_at);
    w::read_instant(value, "updated_at", path, out.updated_at);
    return out;
}

/// A waiting-list entry in the form `to_json` writes: `start` and `end` the
/// range, `offer_ttl` in minutes, `status` by name; unknown keys are refused.
[[nodiscard]] inline waitlist_entry waitlist_entry_from_json(const nlohmann::json& value, const std::string& path) {
    using w = detail::catalog_json;
    w::reader::object(value, path);
    w::only_known(value, path, {"id", "client", "service", "resource", "location", "start", "end", "seats", "offer_ttl",
                                "status", "offer", "notified", "created_at", "updated_at"});
    waitlist_entry out;
    out.id = w::required_text(value, "id", path);
    out.client = w::text(value, "client", path);
    out.service = w::text(value, "service", path);
    out.resource = w::text(value, "resource", path);
    out.location = w::text(value, "location", path);
    out.window = {w::reader::time_point(w::reader::required(value, "start", path + ".start"), path + ".start"),
                  w::reader::time_point(w::reader::required(value, "end", path + ".end"), path + ".end")};
    w::read_int(value, "seats", path, out.seats);
    w::read_minutes(value, "offer_ttl", path, out.offer_ttl);
    if (const auto* v = w::reader::member(value, "status"))
        out.status = parse_waitlist_status(w::reader::string(*v, path + ".status"), path + ".status");
    out.offer = w::text(value, "offer", path);
    w::read_flag(value, "notified", path, out.notified);
    w::read_instant(value, "created_at", path, out.created_at);
    w::read_instant(value, "updated_at", path, out.updated_at);
    return out;
}

// ---- from_json (ADL hooks; the root of the field path is the type's name) --

inline void from_json(const nlohmann::json& value, messenger& out) { out = messenger_from_json(value, "network"); }
inline void from_json(const nlohmann::json& value, interval& out) { out = interval_from_json(value, "interval"); }
inline void from_json(const nlohmann::json& value, location_record& out) { out = location_from_json(value, "location"); }
inline void from_json(const nlohmann::json& value, location_schedule& out) { out = schedule_from_json(value, "schedule"); }
inline void from_json(const nlohmann::json& value, resource_record& out) { out = resource_from_json(value, "resource"); }
inline void from_json(const nlohmann::json& value, service& out) { out = service_rules_from_json(value); }
inline void from_json(const nlohmann::json& value, service_record& out) { out = service_record_from_json(value); }
inline void from_json(const nlohmann::json& value, identity& out) { out = identity_from_json(value, "identity"); }
inline void from_json(const nlohmann::json& value, client_record& out) { out = client_from_json(value, "client"); }
inline void from_json(const nlohmann::json& value, settings& out) { out = settings_from_json(value, "settings"); }
inline void from_json(const nlohmann::json& value, booking_record& out) { out = booking_record_from_json(value, "booking"); }
inline void from_json(const nlohmann::json& value, waitlist_entry& out) { out = waitlist_entry_from_json(value, "waitlist"); }

}  // namespace slotcraft
