#include "db_commands.hpp"

#include <slotcraft/catalog_json.hpp>
#include <slotcraft/scheduler.hpp>
#include <slotcraft/storage/open_store.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <ios>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

namespace slotcraft::cli {

namespace {

using json = nlohmann::ordered_json;

std::unique_ptr<store> open_db(const std::string& where) {
    if (where.empty()) reject("db", "--db FILE|postgresql://... is required for this command");
    return open_store(where);
}

/// Calls `each` with every piece of `text` between `separator`s.
template <class Each>
void for_each_piece(const std::string& text, char separator, Each&& each) {
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t end = std::min(text.find(separator, pos), text.size());
        each(text.substr(pos, end - pos));
        pos = end + 1;
    }
}

/// "09:00-13:00,14:00-18:00" (or "off" / "" for none).
std::vector<local_range> parse_ranges(const std::string& text, const std::string& field) {
    std::vector<local_range> out;
    if (text.empty() || text == "off") return out;
    for_each_piece(text, ',', [&](const std::string& piece) {
        const std::size_t dash = piece.find('-');
        if (dash == std::string::npos) reject(field, fmt::format("expected HH:MM-HH:MM, got \"{}\"", piece));
        out.push_back(local_range::parse(std::string_view(piece).substr(0, dash),
                                         std::string_view(piece).substr(dash + 1), field));
    });
    return out;
}

/// One week of a rotation: "mon=09:00-13:00,14:00-18:00;wed=10:00-12:00"
/// (weekdays left out have no hours; "off" or "" is a week without hours).
weekly_hours parse_week(const std::string& text, const std::string& field) {
    const auto& keys = detail::catalog_json::weekdays;  // the JSON form's names
    weekly_hours out;
    if (text.empty() || text == "off") return out;
    std::set<std::string_view> seen;  // a day given twice is refused, as the JSON form refuses it
    for_each_piece(text, ';', [&](const std::string& day) {
        const std::size_t eq = day.find('=');
        const std::string_view name = std::string_view(day).substr(0, eq);
        const auto key = std::find_if(keys.begin(), keys.end(), [&](const auto& k) { return name == k.first; });
        if (eq == std::string::npos || key == keys.end())
            reject(field, fmt::format("expected DAY=RANGES with DAY one of mon..sun, got \"{}\"", day.substr(0, 32)));
        if (!seen.insert(key->first).second)
            reject(field, fmt::format("{} is given twice in one week; give each day once with all its ranges",
                                      key->first));
        out.set(date::weekday{key->second}, parse_ranges(day.substr(eq + 1), field));
    });
    return out;
}

/// `KEY=VALUE` options, in order: one without `=`, with an empty side, or
/// whose key was given before is refused naming `field` (`shape` says what
/// was expected, as `RESOURCE=N`).
std::vector<std::pair<std::string, std::string>> key_values(const std::vector<std::string>& given,
                                                            const std::string& field, std::string_view shape) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string& item : given) {
        const std::size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
            reject(field, fmt::format("expected {}, got \"{}\"", shape, item.substr(0, 64)));
        std::string key = item.substr(0, eq);
        if (std::any_of(out.begin(), out.end(), [&](const auto& kv) { return kv.first == key; }))
            reject(field, fmt::format("\"{}\" is given twice", key.substr(0, 64)));
        out.emplace_back(std::move(key), item.substr(eq + 1));
    }
    return out;
}

/// `--weight anna=3 --weight boris=1` as resource id → number; a value that
/// is not a whole number, or a resource named twice, is refused naming `field`.
std::map<std::string, int, std::less<>> values_by_resource(const std::vector<std::string>& given,
                                                           const std::string& field) {
    std::map<std::string, int, std::less<>> out;
    for (const auto& [id, text] : key_values(given, field, "RESOURCE=N with N a whole number")) {
        int value = 0;
        const char* last = text.data() + text.size();
        const auto [end, problem] = std::from_chars(text.data(), last, value);
        if (problem == std::errc::result_out_of_range)
            reject(field, fmt::format("{} for \"{}\" is out of range", text.substr(0, 32), id.substr(0, 64)));
        if (end != last || problem != std::errc{})
            reject(field, fmt::format("expected RESOURCE=N with N a whole number, got \"{}={}\"", id.substr(0, 64),
                                      text.substr(0, 32)));
        out.emplace(id, value);
    }
    return out;
}

/// `--pool room=room-1,room-2` (SPEC §10) as the service's pools, in order.
std::vector<service_pool> pools_of(const std::vector<std::string>& given) {
    std::vector<service_pool> out;
    for (auto& [id, members] : key_values(given, "pool", "POOL=RESOURCE,RESOURCE...")) {
        service_pool& p = out.emplace_back(service_pool{.id = std::move(id), .resources = {}});
        for (std::size_t from = 0;;) {
            const std::size_t comma = members.find(',', from);
            p.resources.push_back(members.substr(from, comma - from));
            if (comma == std::string::npos) break;
            from = comma + 1;
        }
    }
    return out;
}

/// `--pool-member room=room-2` as the member to book per pool.
std::map<std::string, std::string, std::less<>> members_by_pool(const std::vector<std::string>& given) {
    std::map<std::string, std::string, std::less<>> out;
    for (auto& [pool_id, member] : key_values(given, "pool_member", "POOL=RESOURCE")) out.emplace(pool_id, member);
    return out;
}

std::string local_span(const std::string& zone_name, interval time) {
    const zone tz = zone::locate(zone_name);
    return fmt::format("{} - {} {}", date::format("%a %F %R", tz.to_local(time.start)),
                       date::format("%R", tz.to_local(time.end)), zone_name);
}

void print_booking(scheduler& s, const db_options& o, const booking_record& b) {
    if (o.json) {
        fmt::print("{}\n", nlohmann::json(b).dump());
        return;
    }
    const auto r = s.resource(b.resource);
    fmt::print("{}  {}  {}  {}  {}  {}{}{}{}\n", b.id, b.resource, b.service,
               local_span(r ? r->time_zone : "UTC", b.time), b.location.empty() ? "-" : b.location, to_string(b.status),
               b.attendance == attendance_status::unmarked ? "" : fmt::format("  {}", to_string(b.attendance)),
               b.client.empty() ? "" : "  client " + b.client,
               b.hold_token.empty() || b.status != booking_status::held
                   ? ""
                   : fmt::format("  hold {} until {}", b.hold_token, format_instant(*b.expires)));
}

/// SERVICE RESOURCE START [--client C] [--seats N] [--location L] [--pool-member P=R]: what asks about one start.
void add_request_options(CLI::App& cmd, booking_request& request, std::string& start,
                         std::vector<std::string>& pool_members) {
    cmd.add_option("service", request.service)->required();
    cmd.add_option("resource", request.resource)->required();
    cmd.add_option("start", start, "ISO 8601 instant")->required();
    cmd.add_option("--client", request.client);
    cmd.add_option("--seats", request.seats);
    cmd.add_option("--location", request.location);
    cmd.add_option("--pool-member", pool_members,
                   "POOL=RESOURCE: the member of a pool of the service to book (repeatable; default: the preferred free one)");
}

/// Reasons as the JSON of a refusal: [{"code", "booking", "message"}].
json reasons_json(const std::vector<reason>& reasons) {
    json out = json::array();
    for (const reason& why : reasons)
        out.push_back({{"code", to_string(why.code)}, {"booking", why.booking}, {"message", why.message}});
    return out;
}

void print_done(const db_options& o, std::string_view what, std::string_view id) {
    if (o.json) fmt::print("{}\n", json{{"ok", true}, {what, id}}.dump());
    else fmt::print("{} {} saved\n", what, id);
}

}  // namespace

void print_series(scheduler& s, const db_options& o, const series_outcome& out) {
    if (o.json) {
        json refused = json::array();
        for (const refused_occurrence& r : out.refused)
            refused.push_back({{"start", format_instant(r.start)}, {"reasons", reasons_json(r.reasons)}});
        json booked = json::array();
        for (const booking_record& b : out.booked) booked.push_back(json(nlohmann::json(b)));
        fmt::print("{}\n", json{{"series", out.series}, {"booked", booked}, {"refused", refused}}.dump());
        return;
    }
    for (const booking_record& b : out.booked) print_booking(s, o, b);
    for (const refused_occurrence& r : out.refused) {
        fmt::print("refused {}:\n", format_instant(r.start));
        for (const reason& why : r.reasons) fmt::print("  - {}: {}\n", to_string(why.code), why.message);
    }
    fmt::print("series {}: {} booked, {} refused\n", out.series.empty() ? "-" : out.series, out.booked.size(),
               out.refused.size());
}

std::string read_input(std::istream& in, std::string_view name, const std::string& field) {
    std::string out;
    try {
        char chunk[65536];
        while (out.size() <= max_input_bytes && in.read(chunk, sizeof chunk).gcount() > 0)
            out.append(chunk, static_cast<std::size_t>(in.gcount()));
    } catch (const std::ios_base::failure&) {  // libstdc++ throws when read(2) fails, as on a folder
        reject(field, fmt::format("cannot read {}", name.substr(0, 200)));
    }
    if (in.bad()) reject(field, fmt::format("cannot read {}", name.substr(0, 200)));
    if (out.size() > max_input_bytes)
        reject(field, fmt::format("{} holds more than {} bytes (16 MiB), the most that is read", name.substr(0, 200),
                                  max_input_bytes));
    return out;
}

std::string read_file(const std::string& path, const std::string& field) {
    const std::string name = fmt::format("\"{}\"", path);
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored)) reject(field, fmt::format("{} is a folder, not a file", name.substr(0, 200)));
    std::ifstream in(path, std::ios::binary);
    if (!in) reject(field, fmt::format("cannot read {}", name.substr(0, 200)));
    return read_input(in, name, field);
}

instant now_of(const db_options& o) {
    if (o.now.empty()) return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return parse_instant(o.now, "now");
}

void add_db_commands(CLI::App& app, db_options& o, std::function<int()>& run) {
    const auto with_scheduler = [&o](auto work) {
        return [&o, work] {
            auto backend = open_db(o.db);
            scheduler s(*backend);
            return work(s);
        };
    };

    // location add ID [--name]
    {
        auto* location = app.add_subcommand("location", "manage locations")->require_subcommand(1);
        auto* add = location->add_subcommand("add", "add or replace a location");
        auto record = std::make_shared<location_record>();
        add->add_option("id", record->id, "location id")->required();
        add->add_option("--name", record->name, "display name");
        add->callback([&run, record, with_scheduler, &o] {
            run = with_scheduler([record, &o](scheduler& s) {
                s.put_location(*record, o.actor);
                print_done(o, "location", record->id);
                return 0;
            });
        });
    }

    // resource add ID --tz ZONE [--name]
    {
        auto* resource = app.add_subcommand("resource", "manage resources")->require_subcommand(1);
        auto* add = resource->add_subcommand("add", "add a resource, or rename / re-zone one keeping its schedules");
        auto record = std::make_shared<resource_record>();
        add->add_option("id", record->id, "resource id")->required();
        add->add_option("--tz", record->time_zone, "IANA time zone, e.g. Europe/Moscow")->required();
        add->add_option("--name", record->name, "display name");
        add->callback([&run, record, with_scheduler, &o] {
            run = with_scheduler([record, &o](scheduler& s) {
                resource_record updated = *record;
                if (auto existing = s.resource(record->id)) {
                    updated.schedules = existing->schedules;
                    updated.time_off = existing->time_off;
                    updated.archived = existing->archived;
                }
                s.put_resource(updated, o.actor);
                print_done(o, "resource", record->id);
                return 0;
            });
        });
    }

    // schedule set RESOURCE LOCATION (--mon R ... | --anchor DATE --week W ...) --break R --override DATE=R
    {
        auto* schedule_cmd = app.add_subcommand("schedule", "working hours of a resource at a location")
                                 ->require_subcommand(1);
        auto* set = schedule_cmd->add_subcommand("set", "replace the resource's schedule at one location");
        struct args {
            std::string resource, location;
            std::array<std::string, 7> days;  // Monday first
            std::vector<std::string> breaks, overrides, weeks;
            std::string anchor;
        };
        auto a = std::make_shared<args>();
        set->add_option("resource", a->resource)->required();
        set->add_option("location", a->location)->required();
        static constexpr std::array<const char*, 7> names{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        for (std::size_t i = 0; i < 7; ++i)
            set->add_option(std::string("--") + names[i], a->days[i], "ranges, e.g. 09:00-13:00,14:00-18:00");
        set->add_option("--anchor", a->anchor, "a rotation's anchor date: its week takes the first --week");
        set->add_option("--week", a->weeks,
                        "one week of a rotation, in order, e.g. \"mon=09:00-13:00;wed=10:00-18:00\" or off (repeatable)");
        set->add_option("--break", a->breaks, "daily break, e.g. 13:00-14:00 (repeatable)");
        set->add_option("--override", a->overrides, "DATE=RANGES or DATE=off (repeatable)");
        set->callback([&run, a, with_scheduler, &o] {
            run = with_scheduler([a, &o](scheduler& s) {
                auto r = s.resource(a->resource);
                if (!r) throw error(error_category::not_found, "resource", fmt::format("no resource \"{}\"", a->resource));
                if (!s.location(a->location))
                    throw error(error_category::not_found, "location", fmt::format("no location \"{}\"", a->location));
                location_schedule ls{.location = a->location};
                for (unsigned i = 0; i < 7; ++i)
                    ls.weekly.set(date::weekday{(i + 1) % 7}, parse_ranges(a->days[i], names[i]));
                if (!a->weeks.empty() || !a->anchor.empty()) {
                    if (a->anchor.empty()) reject("anchor", "a rotation (--week) needs --anchor DATE");
                    weekly_rotation cycle{.anchor = detail::json_reader::calendar_date(a->anchor, "anchor")};
                    for (const std::string& week : a->weeks) cycle.weeks.push_back(parse_week(week, "week"));
                    ls.rotation = std::move(cycle);
                    validate_rotation(ls.weekly, ls.rotation, "week");
                }
                for (const std::string& b : a->breaks)
                    for (const local_range& piece : parse_ranges(b, "break")) ls.breaks.push_back(piece);
                for (const std::string& item : a->overrides) {
                    const std::size_t eq = item.find('=');
                    if (eq == std::string::npos) reject("override", "expected DATE=RANGES or DATE=off");
                    const local_date day = detail::json_reader::calendar_date(item.substr(0, eq), "override");
                    if (ls.overrides.contains(day))
                        reject("override", fmt::format("{} is given twice; give each date once with all its ranges",
                                                       item.substr(0, eq)));
                    ls.overrides[day] = parse_ranges(item.substr(eq + 1), "override");
                }
                std::erase_if(r->schedules, [&](const location_schedule& x) { return x.location == a->location; });
                r->schedules.push_back(std::move(ls));
                s.put_resource(*r, o.actor);
                print_done(o, "schedule", a->resource + "@" + a->location);
                return 0;
            });
        });
    }

    // timeoff add RESOURCE FROM TO
    {
        auto* timeoff = app.add_subcommand("timeoff", "time away from every location")->require_subcommand(1);
        auto* add = timeoff->add_subcommand("add", "add time off");
        auto a = std::make_shared<std::array<std::string, 3>>();
        add->add_option("resource", (*a)[0])->required();
        add->add_option("from", (*a)[1], "ISO 8601 instant")->required();
        add->add_option("to", (*a)[2], "ISO 8601 instant")->required();
        add->callback([&run, a, with_scheduler, &o] {
            run = with_scheduler([a, &o](scheduler& s) {
                auto r = s.resource((*a)[0]);
                if (!r) throw error(error_category::not_found, "resource", fmt::format("no resource \"{}\"", (*a)[0]));
                r->time_off.push_back({parse_instant((*a)[1], "from"), parse_instant((*a)[2], "to")});
                if (r->time_off.back().empty()) reject("to", "must be after from");
                s.put_resource(*r, o.actor);
                print_done(o, "timeoff", (*a)[0]);
                return 0;
            });
        });
    }

    // service add ID --duration N ...
    {
        auto* service_cmd = app.add_subcommand("service", "manage services")->require_subcommand(1);
        auto* add = service_cmd->add_subcommand("add", "add or replace a service");
        struct args {
            service_record record;
            // Wider than int, so that a number too large reaches the validator, which names the field and its bound.
            long long duration = 0, buffer_before = 0, buffer_after = 0, min_notice = 0, max_advance = 0;
            std::optional<long long> step;
            std::string align = "window";
            std::string assign = "least_booked";
            std::vector<std::string> weights, priorities;  // RESOURCE=N each
            std::vector<std::string> pools;                // POOL=RESOURCE,RESOURCE... each
        };
        auto a = std::make_shared<args>();
        add->add_option("id", a->record.rules.id)->required();
        add->add_option("--duration", a->duration, "minutes")->required();
        add->add_option("--step", a->step, "minutes (default: the duration)");
        add->add_option("--align", a->align, "window, clock or free");
        add->add_option("--buffer-before", a->buffer_before, "minutes");
        add->add_option("--buffer-after", a->buffer_after, "minutes");
        add->add_option("--min-notice", a->min_notice, "minutes");
        add->add_option("--max-advance", a->max_advance, "minutes, 0 = unlimited");
        add->add_option("--capacity", a->record.rules.capacity, "seats per slot");
        add->add_option("--max-per-day", a->record.rules.max_per_day, "per resource and local date, 0 = unlimited");
        add->add_option("--max-per-client-per-day", a->record.rules.max_per_client_per_day,
                        "bookings one client may have on a local date, 0 = unlimited");
        add->add_option("--max-per-client-per-week", a->record.rules.max_per_client_per_week,
                        "bookings one client may have in an ISO week, 0 = unlimited");
        add->add_option("--max-seats-per-client", a->record.rules.max_seats_per_client,
                        "seats one client may hold at one start, 0 = unlimited");
        add->add_option("--name", a->record.name, "display name");
        add->add_option("--location", a->record.locations, "offered at (repeatable; none = everywhere)");
        add->add_option("--assign", a->assign, "least_booked, weighted or priority: whom a listing prefers");
        add->add_option("--weight", a->weights, "RESOURCE=N for --assign weighted (repeatable; default 1)");
        add->add_option("--priority", a->priorities, "RESOURCE=N for --assign priority (repeatable; default 0)");
        add->add_option("--pool", a->pools,
                        "POOL=RESOURCE,RESOURCE...: a booking also takes a free member of this pool (repeatable)");
        add->callback([&run, a, with_scheduler, &o] {
            run = with_scheduler([a, &o](scheduler& s) {
                service_record record = a->record;
                record.rules.duration = minutes{a->duration};
                if (a->step) record.rules.step = minutes{*a->step};
                record.rules.align = parse_alignment(a->align, "align");
                record.rules.buffer_before = minutes{a->buffer_before};
                record.rules.buffer_after = minutes{a->buffer_after};
                record.rules.min_notice = minutes{a->min_notice};
                record.rules.max_advance = minutes{a->max_advance};
                record.assign.strategy = parse_assign_strategy(a->assign, "assign");
                record.assign.weights = values_by_resource(a->weights, "weight");
                record.assign.priorities = values_by_resource(a->priorities, "priority");
                record.pools = pools_of(a->pools);
                s.put_service(record, o.actor);
                print_done(o, "service", record.rules.id);
                return 0;
            });
        });
    }

    // link / unlink RESOURCE SERVICE
    for (const bool linking : {true, false}) {
        const std::string name = linking ? "link" : "unlink";
        auto* cmd = app.add_subcommand(name, linking ? "a resource provides a service"
                                                     : "a resource no longer provides a service (its bookings stay)");
        auto a = std::make_shared<std::array<std::string, 2>>();
        cmd->add_option("resource", (*a)[0])->required();
        cmd->add_option("service", (*a)[1])->required();
        cmd->callback([&run, a, with_scheduler, &o, linking, name] {
            run = with_scheduler([a, &o, linking, name](scheduler& s) {
                if (linking) s.link((*a)[0], (*a)[1], o.actor);
                else s.unlink((*a)[0], (*a)[1], o.actor);
                print_done(o, name, (*a)[0] + "/" + (*a)[1]);
                return 0;
            });
        });
    }

    // location list / resource list / service list [--archived]
    for (const char* kind : {"location", "resource", "service"}) {
        auto* parent = app.get_subcommand(kind);
        auto* list = parent->add_subcommand("list", fmt::format("every {}, by id", kind));
        auto with_archived = std::make_shared<bool>(false);
        list->add_flag("--archived", *with_archived, "also the archived ones");
        const std::string what = kind;
        list->callback([&run, with_archived, with_scheduler, &o, what] {
            run = with_scheduler([with_archived, &o, what](scheduler& s) {
                const archived_records which = *with_archived ? archived_records::include : archived_records::hide;
                const auto print = [&](const auto& records, auto&& id_of, auto&& name_of) {
                    for (const auto& r : records) {
                        if (o.json) fmt::print("{}\n", nlohmann::json(r).dump());
                        else fmt::print("{}  {}{}\n", id_of(r), name_of(r).empty() ? "-" : name_of(r),
                                        r.archived ? "  archived" : "");
                    }
                    if (!o.json && records.empty()) fmt::print("no {}s\n", what);
                };
                const auto name = [](const auto& r) -> const std::string& { return r.name; };
                if (what == "location") print(s.locations(which), [](const location_record& r) { return r.id; }, name);
                else if (what == "resource") print(s.resources(which), [](const resource_record& r) { return r.id; }, name);
                else print(s.services(which), [](const service_record& r) { return r.rules.id; }, name);
                return 0;
            });
        });
    }

    // archive / restore location|resource|service ID
    for (const bool archiving : {true, false}) {
        auto* cmd = app.add_subcommand(archiving ? "archive" : "restore",
                                       archiving ? "retire a location, resource or service: never offered or booked "
                                                   "again, its bookings stay"
                                                 : "take an archived location, resource or service back into use");
        auto a = std::make_shared<std::array<std::string, 2>>();
        cmd->add_option("kind", (*a)[0], "location, resource or service")->required();
        cmd->add_option("id", (*a)[1])->required();
        cmd->callback([&run, a, with_scheduler, &o, archiving] {
            run = with_scheduler([a, &o, archiving](scheduler& s) {
                const std::string& kind = (*a)[0];
                const std::string& id = (*a)[1];
                const instant now = now_of(o);
                if (kind == "location") archiving ? s.archive_location(id, now, o.actor) : s.restore_location(id, o.actor);
                else if (kind == "resource") archiving ? s.archive_resource(id, now, o.actor) : s.restore_resource(id, o.actor);
                else if (kind == "service") archiving ? s.archive_service(id, now, o.actor) : s.restore_service(id, o.actor);
                else reject("kind", fmt::format("expected location, resource or service, got \"{}\"", kind.substr(0, 32)));
                if (o.json) fmt::print("{}\n", json{{"ok", true}, {kind, id}, {"archived", archiving}}.dump());
                else fmt::print("{} {} {}\n", kind, id, archiving ? "archived" : "restored");
                return 0;
            });
        });
    }

    // client add ID [--name] [--telegram X] ...
    {
        auto* client_cmd = app.add_subcommand("client", "manage clients")->require_subcommand(1);
        auto* add = client_cmd->add_subcommand("add", "add or replace a client");
        struct args {
            client_record record;
            std::vector<std::string> telegram, whatsapp, vk, other;
        };
        auto a = std::make_shared<args>();
        add->add_option("id", a->record.id)->required();
        add->add_option("--name", a->record.name);
        add->add_option("--telegram", a->telegram, "Telegram user id (repeatable)");
        add->add_option("--whatsapp", a->whatsapp, "WhatsApp number (repeatable)");
        add->add_option("--vk", a->vk, "VK id (repeatable)");
        add->add_option("--other", a->other, "other messenger id (repeatable)");
        add->callback([&run, a, with_scheduler, &o] {
            run = with_scheduler([a, &o](scheduler& s) {
                client_record record = a->record;
                for (const auto& [network, ids] : {std::pair{messenger::telegram, &a->telegram},
                                                   std::pair{messenger::whatsapp, &a->whatsapp},
                                                   std::pair{messenger::vk, &a->vk}, std::pair{messenger::other, &a->other}})
                    for (const std::string& id : *ids) record.identities.push_back({network, id});
                s.put_client(record, o.actor);
                print_done(o, "client", record.id);
                return 0;
            });
        });
    }

    // settings [--reminders 1440,120] [--global-break R] [--default-step N]
    {
        auto* settings_cmd = app.add_subcommand("settings", "show or change global settings");
        struct args {
            std::optional<std::string> reminders;
            std::vector<std::string> global_breaks;
            bool clear_breaks = false;
            std::optional<long long> default_step;
        };
        auto a = std::make_shared<args>();
        settings_cmd->add_option("--reminders", a->reminders, "offsets in minutes, e.g. 1440,120 ('' for none)");
        settings_cmd->add_option("--global-break", a->global_breaks, "a break for every resource (repeatable)");
        settings_cmd->add_flag("--no-global-breaks", a->clear_breaks, "remove the global breaks");
        settings_cmd->add_option("--default-step", a->default_step, "minutes, for services without a step");
        settings_cmd->callback([&run, a, with_scheduler, &o] {
            run = with_scheduler([a, &o](scheduler& s) {
                settings values = s.current_settings();
                const bool change = a->reminders || !a->global_breaks.empty() || a->clear_breaks || a->default_step;
                if (a->reminders) {
                    values.reminder_offsets.clear();
                    std::size_t pos = 0;
                    while (!a->reminders->empty() && pos <= a->reminders->size()) {
                        const std::size_t comma = std::min(a->reminders->find(',', pos), a->reminders->size());
                        const std::string piece = a->reminders->substr(pos, comma - pos);
                        long long value = 0;
                        const auto [end, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), value);
                        if (ec != std::errc{} || end != piece.data() + piece.size())
                            reject("reminders", fmt::format("expected minutes, got \"{}\"", piece));
                        values.reminder_offsets.push_back(minutes{value});
                        pos = comma + 1;
                    }
                }
                if (a->clear_breaks) values.global_breaks.clear();
                for (const std::string& b : a->global_breaks)
                    for (const local_range& piece : parse_ranges(b, "global_break")) values.global_breaks.push_back(piece);
                if (a->default_step) values.default_step = minutes{*a->default_step};
                if (change) s.save_settings(values, o.actor);
                fmt::print("{}\n", nlohmann::json(values).dump(o.json ? -1 : 2));
                return 0;
            });
        });
    }

    // slots SERVICE --from --to ... (only with --db; without it, `slots` reads a JSON query)
    // is wired in main.cpp, which owns the `slots` name; see run_db_slots below.

    // hold / book SERVICE RESOURCE START
    for (const bool holding : {true, false}) {
        auto* cmd = app.add_subcommand(holding ? "hold" : "book",
                                       holding ? "hold a start for a while; confirm it with its token"
                                               : "book a start");
        struct args {
            booking_request request;
            std::string start;
            long long ttl = 10;
            std::string rrule;
            std::vector<std::string> except;
            bool what_is_free = false;
            std::vector<std::string> pool_members;
        };
        auto a = std::make_shared<args>();
        add_request_options(*cmd, a->request, a->start, a->pool_members);
        cmd->add_option("--key", a->request.idempotency_key, "idempotency key: a retry returns the same booking");
        if (holding) {
            cmd->add_option("--ttl", a->ttl, "minutes the hold lasts (default 10)");
        } else {
            cmd->add_option("--rrule", a->rrule, "book a series: an RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=10");
            cmd->add_option("--except", a->except, "with --rrule: a local date (YYYY-MM-DD) to leave out");
            cmd->add_flag("--what-is-free", a->what_is_free,
                          "with --rrule: book the free occurrences and list the refused ones (default: all or none)");
        }
        cmd->callback([&run, a, with_scheduler, &o, holding] {
            run = with_scheduler([a, &o, holding](scheduler& s) {
                booking_request request = a->request;
                request.start = parse_instant(a->start, "start");
                request.pool_members = members_by_pool(a->pool_members);
                request.actor = o.actor;
                const instant now = now_of(o);
                if (a->rrule.empty()) {
                    if (!a->except.empty() || a->what_is_free)
                        reject("rrule", "--except and --what-is-free need --rrule");
                    print_booking(s, o, holding ? s.hold(request, minutes{a->ttl}, now) : s.book(request, now));
                    return 0;
                }
                recurring_request series{.first = request, .rrule = a->rrule,
                                         .mode = a->what_is_free ? series_mode::what_is_free : series_mode::all_or_nothing};
                for (std::size_t i = 0; i < a->except.size(); ++i)
                    series.except_dates.push_back(
                        detail::json_reader::calendar_date(a->except[i], fmt::format("except[{}]", i)));
                print_series(s, o, s.book_recurring(series, now));
                return 0;
            });
        });
    }

    // check SERVICE RESOURCE START [--location] [--client] [--seats] [--ignore-booking]
    {
        auto* cmd = app.add_subcommand("check", "every reason a start is not bookable; exit status 4 when it is not");
        struct args {
            booking_request request;
            std::string start, ignore_booking;
            std::vector<std::string> pool_members;
        };
        auto a = std::make_shared<args>();
        add_request_options(*cmd, a->request, a->start, a->pool_members);
        cmd->add_option("--ignore-booking", a->ignore_booking, "leave this booking out, as if cancelled (a move)");
        cmd->callback([&run, a, with_scheduler, &o] {
            run = with_scheduler([a, &o](scheduler& s) {
                booking_request request = a->request;
                request.start = parse_instant(a->start, "start");
                request.pool_members = members_by_pool(a->pool_members);
                const auto reasons = s.check(request, now_of(o), a->ignore_booking);
                if (o.json) {
                    fmt::print("{}\n", json{{"bookable", reasons.empty()}, {"reasons", reasons_json(reasons)}}.dump());
                } else if (reasons.empty()) {
                    fmt::print("bookable\n");
                } else {
                    fmt::print("not bookable:\n");
                    for (const reason& why : reasons) fmt::print("  - {}: {}\n", to_string(why.code), why.message);
                }
                return reasons.empty() ? 0 : 4;
            });
        });
    }

    // confirm TOKEN / cancel ID / reschedule ID START
    {
        auto* confirm = app.add_subcommand("confirm", "turn a hold into a booking");
        auto token = std::make_shared<std::string>();
        confirm->add_option("token", *token, "the hold token")->required();
        confirm->callback([&run, token, with_scheduler, &o] {
            run = with_scheduler([token, &o](scheduler& s) {
                print_booking(s, o, s.confirm(*token, now_of(o), o.actor));
                return 0;
            });
        });

        auto* cancel = app.add_subcommand("cancel", "cancel a booking or hold");
        auto a = std::make_shared<std::array<std::string, 3>>();
        cancel->add_option("booking", (*a)[0])->required();
        cancel->add_option("--reason", (*a)[1]);
        cancel->add_option("--series", (*a)[2], "also other occurrences of its series: following | all");
        cancel->callback([&run, a, with_scheduler, &o] {
            run = with_scheduler([a, &o](scheduler& s) {
                const std::string& scope = (*a)[2];
                if (scope.empty()) {
                    print_booking(s, o, s.cancel((*a)[0], (*a)[1], now_of(o), o.actor));
                    return 0;
                }
                if (scope != "following" && scope != "all")
                    reject("series", fmt::format("expected following or all, got \"{}\"", scope));
                const auto cancelled =
                    s.cancel_series((*a)[0], scope == "all" ? series_scope::all : series_scope::this_and_following,
                                    (*a)[1], now_of(o), o.actor);
                for (const booking_record& b : cancelled) print_booking(s, o, b);
                if (!o.json) fmt::print("{} booking(s) cancelled\n", cancelled.size());
                return 0;
            });
        });

        auto* move = app.add_subcommand("reschedule", "move a booking to another start (and place), atomically");
        auto m = std::make_shared<std::array<std::string, 3>>();
        move->add_option("booking", (*m)[0])->required();
        move->add_option("start", (*m)[1], "ISO 8601 instant")->required();
        move->add_option("--location", (*m)[2], "move it to this location too (default: it stays where it is)");
        move->callback([&run, m, with_scheduler, &o] {
            run = with_scheduler([m, &o](scheduler& s) {
                print_booking(s, o,
                              s.reschedule((*m)[0], parse_instant((*m)[1], "start"), now_of(o), o.actor, (*m)[2]));
                return 0;
            });
        });

        auto* attend = app.add_subcommand("attend", "mark whether the client came to a booking that has started");
        auto at = std::make_shared<std::array<std::string, 2>>();
        attend->add_option("booking", (*at)[0])->required();
        attend->add_option("attendance", (*at)[1], "attended, no-show (or no_show) or unmarked")->required();
        attend->callback([&run, at, with_scheduler, &o] {
            run = with_scheduler([at, &o](scheduler& s) {
                const attendance_status value = parse_attendance((*at)[1], "attendance");
                print_booking(s, o, s.mark_attendance((*at)[0], value, now_of(o), o.actor));
                return 0;
            });
        });
    }

    // export-ics --resource R | --client C | --booking B
    {
        auto* ics = app.add_subcommand("export-ics", "an iCalendar (.ics) file of bookings, on stdout");
        auto what = std::make_shared<calendar_selection>();
        ics->add_option("--resource", what->resource, "every booking of this resource");
        ics->add_option("--client", what->client, "every booking of this client");
        ics->add_option("--booking", what->booking, "this booking");
        ics->callback([&run, what, with_scheduler, &o] {
            run = with_scheduler([what, &o](scheduler& s) {
                fmt::print("{}", s.export_ics(*what, now_of(o)));
                return 0;
            });
        });
    }

    // report [--kind bookings|attendance|load] --from T --to T [--resource R]... [--service S] [--client C]
    //        [--status S] [--by day|week]
    {
        auto* report = app.add_subcommand("report", "a CSV (RFC 4180) of the bookings, attendance or load in a period");
        struct args {
            std::string from, to, status, kind = "bookings", by;
            booking_filter filter;
            bool no_bom = false;
        };
        auto a = std::make_shared<args>();
        report->add_option("--from", a->from, "ISO 8601 instant")->required();
        report->add_option("--to", a->to, "ISO 8601 instant")->required();
        report->add_option("--resource", a->filter.resources, "only this resource (repeatable)");
        report->add_option("--service", a->filter.service, "only this service");
        report->add_option("--client", a->filter.client, "only this client");
        report->add_option("--status", a->status, "only confirmed, held or cancelled bookings");
        report->add_option("--kind", a->kind, "bookings (default), attendance or load");
        report->add_option("--by", a->by, "with --kind load: day (default) or week");
        report->add_flag("--no-bom", a->no_bom,
                         "leave out the UTF-8 byte order mark that spreadsheet programs need to read non-Latin text");
        report->callback([&run, a, with_scheduler, &o] {
            run = with_scheduler([a, &o](scheduler& s) {
                booking_filter filter = a->filter;
                filter.period = {parse_instant(a->from, "from"), parse_instant(a->to, "to")};
                if (!a->status.empty()) filter.status = parse_booking_status(a->status, "status");
                if (a->kind != "load" && !a->by.empty()) reject("by", "--by goes with --kind load");
                const byte_order_mark bom = a->no_bom ? byte_order_mark::omit : byte_order_mark::write;
                if (a->kind == "bookings") {
                    fmt::print("{}", s.bookings_csv(filter, bom));
                } else if (a->kind == "attendance") {
                    fmt::print("{}", s.attendance_csv(filter, bom));
                } else if (a->kind == "load") {
                    if (!filter.service.empty()) reject("service", "a load report counts every service");
                    if (!filter.client.empty()) reject("client", "a load report counts every client");
                    if (filter.status) reject("status", "a load report counts the active bookings");
                    const load_request request{.period = filter.period, .resources = filter.resources,
                                               .by = a->by.empty() ? load_grouping::day : parse_load_grouping(a->by, "by")};
                    fmt::print("{}", s.load_csv(request, now_of(o), bom));
                } else {
                    reject("kind", fmt::format("unknown report \"{}\" (expected bookings, attendance or load)",
                                               a->kind.substr(0, 32)));
                }
                return 0;
            });
        });
    }

    // import-ics RESOURCE FILE [--from T] [--to T]
    {
        auto* ics = app.add_subcommand("import-ics", "busy time from an iCalendar (.ics) file becomes time off");
        auto a = std::make_shared<std::array<std::string, 4>>();
        ics->add_option("resource", (*a)[0])->required();
        ics->add_option("file", (*a)[1], "the .ics file")->required();
        ics->add_option("--from", (*a)[2], "ISO 8601 instant; default: now");
        ics->add_option("--to", (*a)[3], "ISO 8601 instant; default: a year after --from");
        ics->callback([&run, a, with_scheduler, &o] {
            run = with_scheduler([a, &o](scheduler& s) {
                const std::string text = read_file((*a)[1], "file");
                const instant from = (*a)[2].empty() ? now_of(o) : parse_instant((*a)[2], "from");
                const instant to = (*a)[3].empty() ? from + date::days{365} : parse_instant((*a)[3], "to");
                const ics_import done = s.import_ics((*a)[0], text, {from, to}, o.actor);
                if (o.json) {
                    json added = json::array();
                    for (const interval& i : done.added)
                        added.push_back({{"start", format_instant(i.start)}, {"end", format_instant(i.end)}});
                    json skipped = json::array();
                    for (const ics_skipped_line& l : done.skipped) skipped.push_back({{"line", l.line}, {"reason", l.reason}});
                    fmt::print("{}\n", json{{"added", added}, {"skipped", skipped}}.dump());
                } else {
                    for (const interval& i : done.added)
                        fmt::print("time off {} - {}\n", format_instant(i.start), format_instant(i.end));
                    for (const ics_skipped_line& l : done.skipped) fmt::print("skipped line {}: {}\n", l.line, l.reason);
                    fmt::print("{} interval(s) of time off added to {}\n", done.added.size(), (*a)[0]);
                }
                return 0;
            });
        });
    }

    // waitlist join | leave | list | process
    {
        auto* waitlist_cmd =
            app.add_subcommand("waitlist", "wait for a start to free up; offers are holds")->require_subcommand(1);
        const auto print_entry = [&o](const waitlist_entry& e) {
            if (o.json) {
                fmt::print("{}\n", nlohmann::json(e).dump());
                return;
            }
            fmt::print("{}  {}  {}  {}  {} - {}  {}{}\n", e.id, e.client, e.service, e.resource.empty() ? "any" : e.resource,
                       format_instant(e.window.start), format_instant(e.window.end), to_string(e.status),
                       e.offer.empty() ? "" : "  offer " + e.offer);
        };

        auto* join = waitlist_cmd->add_subcommand("join", "put a client on a service's waiting list");
        struct join_args {
            waitlist_request request;
            std::string from, to;
            long long offer_minutes = 60;
        };
        auto j = std::make_shared<join_args>();
        join->add_option("client", j->request.client)->required();
        join->add_option("service", j->request.service)->required();
        join->add_option("--from", j->from, "the first start accepted (ISO 8601)")->required();
        join->add_option("--to", j->to, "starts before this instant (ISO 8601)")->required();
        join->add_option("--resource", j->request.resource, "only this resource (default: any)");
        join->add_option("--location", j->request.location, "only this location (default: any)");
        join->add_option("--seats", j->request.seats);
        join->add_option("--offer-minutes", j->offer_minutes, "how long an offer is held (default 60)");
        join->callback([&run, j, with_scheduler, &o, print_entry] {
            run = with_scheduler([j, &o, print_entry](scheduler& s) {
                waitlist_request request = j->request;
                request.window = {parse_instant(j->from, "from"), parse_instant(j->to, "to")};
                request.offer_ttl = minutes{j->offer_minutes};
                request.actor = o.actor;
                print_entry(s.join_waitlist(request, now_of(o)));
                return 0;
            });
        });

        auto* leave = waitlist_cmd->add_subcommand("leave", "take an entry off the list (its live offer is released)");
        auto id = std::make_shared<std::string>();
        leave->add_option("entry", *id)->required();
        leave->callback([&run, id, with_scheduler, &o, print_entry] {
            run = with_scheduler([id, &o, print_entry](scheduler& s) {
                print_entry(s.leave_waitlist(*id, now_of(o), o.actor));
                return 0;
            });
        });

        auto* list = waitlist_cmd->add_subcommand("list", "a client's entries, oldest first");
        auto client = std::make_shared<std::string>();
        list->add_option("client", *client)->required();
        list->callback([&run, client, with_scheduler, print_entry] {
            run = with_scheduler([client, print_entry](scheduler& s) {
                for (const waitlist_entry& e : s.client_waitlist(*client)) print_entry(e);
                return 0;
            });
        });

        auto* process = waitlist_cmd->add_subcommand(
            "process", "settle offers and offer free starts to the waiters, oldest first (run it periodically)");
        process->callback([&run, with_scheduler, &o] {
            run = with_scheduler([&o](scheduler& s) {
                for (const waitlist_offer& offer : s.process_waitlist(now_of(o), o.actor)) {
                    if (o.json)
                        fmt::print("{}\n", nlohmann::json{{"entry", offer.entry}, {"hold", offer.hold}}.dump());
                    else
                        fmt::print("offer {} to {}: {} at {}, hold {} until {}\n", offer.entry.id, offer.entry.client,
                                   offer.hold.resource, format_instant(offer.hold.time.start), offer.hold.hold_token,
                                   format_instant(*offer.hold.expires));
                }
                return 0;
            });
        });
    }

    // bookings --resource R [--days N] | --client C [--past]
    {
        auto* list = app.add_subcommand("bookings", "a resource's coming bookings, or a client's");
        struct args {
            std::string resource, client;
            int days = 7;
            bool past = false;
        };
        auto a = std::make_shared<args>();
        list->add_option("--resource", a->resource);
        list->add_option("--client", a->client);
        list->add_option("--days", a->days, "with --resource: how many days ahead (default 7)");
        list->add_flag("--past", a->past, "with --client: past and cancelled bookings instead of active ones");
        list->callback([&run, a, list, with_scheduler, &o] {
            run = with_scheduler([a, list, &o](scheduler& s) {
                if (a->resource.empty() == a->client.empty()) reject("resource", "give exactly one of --resource and --client");
                if (!a->client.empty() && list->get_option("--days")->count() > 0)
                    reject("days", "is for --resource; --client lists every active booking (or --past)");
                if (!a->resource.empty() && a->past) reject("past", "is for --client; --resource lists coming bookings");
                const instant now = now_of(o);
                const auto found = a->resource.empty() ? s.client_bookings(a->client, now, !a->past)
                                                       : s.upcoming(a->resource, now, a->days);
                for (const booking_record& b : found) print_booking(s, o, b);
                if (!o.json && found.empty()) fmt::print("no bookings\n");
                return 0;
            });
        });
    }

    // audit [--after N] [--limit N]
    {
        auto* audit = app.add_subcommand("audit", "the append-only log of every change");
        auto a = std::make_shared<std::pair<std::int64_t, std::int64_t>>(0, 100);
        audit->add_option("--after", a->first, "show entries after this sequence number");
        audit->add_option("--limit", a->second, "at most this many entries (default 100)");
        audit->callback([&run, a, with_scheduler, &o] {
            run = with_scheduler([a, &o](scheduler& s) {
                // Signed, so that -1 is refused rather than read as the largest number.
                if (a->second < 0) reject("limit", fmt::format("must not be negative (got {})", a->second));
                for (const audit_entry& e : s.audit(a->first, static_cast<std::size_t>(a->second))) {
                    if (o.json) {
                        fmt::print("{}\n", json{{"sequence", e.sequence}, {"at", format_instant(e.at)}, {"actor", e.actor},
                                                {"action", e.action}, {"subject", e.subject},
                                                {"before", e.before.empty() ? json() : json::parse(e.before)},
                                                {"after", e.after.empty() ? json() : json::parse(e.after)}}
                                               .dump());
                    } else {
                        fmt::print("#{:<4} {}  {:<8} {:<13} {}\n", e.sequence, format_instant(e.at),
                                   e.actor.empty() ? "-" : e.actor, e.action, e.subject);
                    }
                }
                return 0;
            });
        });
    }
}

}  // namespace slotcraft::cli
