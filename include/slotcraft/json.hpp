#pragma once
/// \file
/// The SPEC §8 JSON query and answer, on nlohmann::json. Every refusal names
/// the field as a path into the document (`resources[0].weekly.mon[1][0]`).

#include <slotcraft/availability.hpp>

#include <nlohmann/json.hpp>

#include <limits>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace slotcraft {

namespace detail {

class json_reader {
public:
    using json = nlohmann::json;

    static const json* member(const json& object, const char* key) {
        const auto it = object.find(key);
        return it == object.end() ? nullptr : &*it;
    }

    static const json& required(const json& object, const char* key, const std::string& path) {
        const json* value = member(object, key);
        if (value == nullptr) reject(path, "is required");
        return *value;
    }

    static const json& object(const json& value, const std::string& path) {
        if (!value.is_object()) reject(path, fmt::format("must be an object, got {}", value.type_name()));
        return value;
    }

    static const json& array(const json& value, const std::string& path) {
        if (!value.is_array()) reject(path, fmt::format("must be an array, got {}", value.type_name()));
        return value;
    }

    static std::string_view string(const json& value, const std::string& path) {
        if (!value.is_string()) reject(path, fmt::format("must be a string, got {}", value.type_name()));
        return value.get_ref<const std::string&>();
    }

    static bool boolean(const json& value, const std::string& path) {
        if (!value.is_boolean()) reject(path, fmt::format("must be true or false, got {}", value.type_name()));
        return value.get<bool>();
    }

    static long long integer(const json& value, const std::string& path) {
        constexpr auto lowest = static_cast<long long>(std::numeric_limits<int>::min());
        constexpr auto highest = static_cast<long long>(std::numeric_limits<int>::max());
        if (value.is_number_unsigned()) {
            if (value.get<unsigned long long>() > static_cast<unsigned long long>(highest)) reject(path, "is too large");
            return value.get<long long>();
        }
        if (value.is_number_integer()) {
            const long long n = value.get<long long>();
            if (n < lowest || n > highest) reject(path, "is out of range");
            return n;
        }
        if (value.is_number_float()) {
            // 30.0 is read as 30; fractions and values beyond int are refused.
            const double d = value.get<double>();
            if (!(d >= static_cast<double>(lowest) && d <= static_cast<double>(highest)) ||
                d != static_cast<double>(static_cast<long long>(d)))
                reject(path, fmt::format("must be a whole number, got {}", d));
            return static_cast<long long>(d);
        }
        reject(path, fmt::format("must be a whole number, got {}", value.type_name()));
    }

    static instant time_point(const json& value, const std::string& path) {
        return parse_instant(string(value, path), path);
    }

    static local_range range(const json& value, const std::string& path) {
        if (!value.is_array() || value.size() != 2)
            reject(path, "must be a pair [\"HH:MM\", \"HH:MM\"]");
        return local_range::parse(string(value[0], path + "[0]"), string(value[1], path + "[1]"), path);
    }

    static std::vector<local_range> ranges(const json& value, const std::string& path) {
        std::vector<local_range> out;
        std::size_t i = 0;
        for (const json& item : array(value, path)) out.push_back(range(item, fmt::format("{}[{}]", path, i++)));
        return out;
    }

    static local_date calendar_date(std::string_view text, const std::string& path) {
        const auto y = digits(text, 0, 4);
        const auto m = digits(text, 5, 2);
        const auto d = digits(text, 8, 2);
        if (text.size() != 10 || !y || !m || !d || text[4] != '-' || text[7] != '-')
            reject(path, "expected a date YYYY-MM-DD");
        const date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                                       date::day{static_cast<unsigned>(*d)}};
        if (*y < 1 || !ymd.ok()) reject(path, "no such calendar date");
        return local_date{ymd};
    }

    static service read_service(const json& value) {
        object(value, "service");
        service s;
        if (const json* id = member(value, "id")) s.id = string(*id, "service.id");
        const auto mins = [&](const char* key, minutes& target) {
            if (const json* v = member(value, key)) target = minutes{integer(*v, std::string("service.") + key)};
        };
        s.duration = minutes{integer(required(value, "duration", "service.duration"), "service.duration")};
        if (const json* step = member(value, "step")) s.step = minutes{integer(*step, "service.step")};
        if (const json* align = member(value, "align")) s.align = parse_alignment(string(*align, "service.align"), "service.align");
        mins("buffer_before", s.buffer_before);
        mins("buffer_after", s.buffer_after);
        mins("min_notice", s.min_notice);
        mins("max_advance", s.max_advance);
        const auto count = [&](const char* key, int& target) {
            if (const json* v = member(value, key)) target = static_cast<int>(integer(*v, std::string("service.") + key));
        };
        count("capacity", s.capacity);
        count("max_per_day", s.max_per_day);
        count("max_per_client_per_day", s.max_per_client_per_day);
        count("max_per_client_per_week", s.max_per_client_per_week);
        count("max_seats_per_client", s.max_seats_per_client);
        return s;
    }

    /// A SPEC §12 `{"strategy", "weights", "priorities"}` at `path`.
    static assignment read_assignment(const json& value, const std::string& path) {
        object(value, path);
        assignment out;
        if (const json* strategy = member(value, "strategy"))
            out.strategy = parse_assign_strategy(string(*strategy, path + ".strategy"), path + ".strategy");
        const auto values = [&](const char* key, std::map<std::string, int, std::less<>>& target) {
            const std::string field = path + "." + key;
            if (const json* given = member(value, key))
                for (const auto& [id, number] : object(*given, field).items()) {
                    try {
                        target[id] = static_cast<int>(integer(number, field));
                    } catch (const error& e) {
                        // The field is the whole map: the message says whose value it was.
                        reject(field, fmt::format("\"{}\": {}", id.substr(0, 64), e.message()));
                    }
                }
        };
        values("weights", out.weights);
        values("priorities", out.priorities);
        return out;
    }

    static booking read_booking(const json& value, const std::string& path) {
        object(value, path);
        booking b;
        if (const json* id = member(value, "id")) b.id = string(*id, path + ".id");
        b.time.start = time_point(required(value, "start", path + ".start"), path + ".start");
        b.time.end = time_point(required(value, "end", path + ".end"), path + ".end");
        if (const json* v = member(value, "service")) b.service = string(*v, path + ".service");
        if (const json* v = member(value, "seats")) b.seats = static_cast<int>(integer(*v, path + ".seats"));
        if (const json* v = member(value, "status"))
            b.status = parse_booking_status(string(*v, path + ".status"), path + ".status");
        if (const json* v = member(value, "expires")) b.expires = time_point(*v, path + ".expires");
        if (const json* v = member(value, "buffer_before"))
            b.buffer_before = minutes{integer(*v, path + ".buffer_before")};
        if (const json* v = member(value, "buffer_after")) b.buffer_after = minutes{integer(*v, path + ".buffer_after")};
        return b;
    }

    /// A `weekly` object: ranges by weekday name.
    static weekly_hours weekly_of(const json& value, const std::string& path) {
        const json& weekly = object(value, path);
        static constexpr std::array<std::pair<const char*, unsigned>, 7> days{
            {{"mon", 1}, {"tue", 2}, {"wed", 3}, {"thu", 4}, {"fri", 5}, {"sat", 6}, {"sun", 0}}};
        weekly_hours out;
        for (const auto& item : weekly.items()) {
            const std::string& key = item.key();
            const auto day = std::find_if(days.begin(), days.end(), [&](const auto& d) { return key == d.first; });
            if (day == days.end())
                reject(path + "." + key.substr(0, 16), "unknown weekday (expected mon, tue, wed, thu, fri, sat or sun)");
            out.set(date::weekday{day->second}, ranges(item.value(), path + "." + key));
        }
        return out;
    }

    /// A `rotation` object (SPEC §9): `anchor` and 1 to 52 `weeks`, each a
    /// `weekly` object; the count is checked before the weeks are read.
    static weekly_rotation rotation_of(const json& value, const std::string& path) {
        object(value, path);
        weekly_rotation cycle;
        cycle.anchor = calendar_date(string(required(value, "anchor", path + ".anchor"), path + ".anchor"), path + ".anchor");
        const json& weeks = array(required(value, "weeks", path + ".weeks"), path + ".weeks");
        weekly_rotation::check_week_count(weeks.size(), path);
        for (std::size_t i = 0; i < weeks.size(); ++i)
            cycle.weeks.push_back(weekly_of(weeks[i], fmt::format("{}.weeks[{}]", path, i)));
        return cycle;
    }

    /// An `overrides` object: ranges by calendar date.
    static std::map<local_date, std::vector<local_range>> overrides_of(const json& value, const std::string& path) {
        std::map<local_date, std::vector<local_range>> out;
        for (const auto& [key, ranges_of_date] : object(value, path).items()) {
            const std::string date_path = path + "." + key.substr(0, 16);
            out[calendar_date(key, date_path)] = ranges(ranges_of_date, date_path);
        }
        return out;
    }

    static resource read_resource(const json& value, const std::string& path) {
        object(value, path);
        resource r;
        r.id = std::string(string(required(value, "id", path + ".id"), path + ".id"));
        const std::string tz_path = path + ".timezone";
        r.rules.time_zone = zone::locate(string(required(value, "timezone", tz_path), tz_path), tz_path);

        if (const json* rotation = member(value, "rotation")) {
            if (member(value, "weekly") != nullptr) reject(path + ".rotation", "give either weekly or rotation, not both");
            r.rules.rotation = rotation_of(*rotation, path + ".rotation");
        } else {
            r.rules.weekly = weekly_of(required(value, "weekly", path + ".weekly"), path + ".weekly");
        }
        if (const json* overrides = member(value, "overrides")) r.rules.overrides = overrides_of(*overrides, path + ".overrides");
        if (const json* breaks = member(value, "breaks")) r.rules.breaks = ranges(*breaks, path + ".breaks");
        if (const json* time_off = member(value, "time_off")) {
            std::size_t i = 0;
            for (const json& item : array(*time_off, path + ".time_off")) {
                const std::string item_path = fmt::format("{}.time_off[{}]", path, i++);
                object(item, item_path);
                r.rules.time_off.push_back({time_point(required(item, "start", item_path + ".start"), item_path + ".start"),
                                            time_point(required(item, "end", item_path + ".end"), item_path + ".end")});
            }
        }
        if (const json* bookings = member(value, "bookings")) {
            std::size_t i = 0;
            for (const json& item : array(*bookings, path + ".bookings"))
                r.bookings.push_back(read_booking(item, fmt::format("{}.bookings[{}]", path, i++)));
        }
        return r;
    }
};

}  // namespace detail

/// Reads a SPEC §8 query (already parsed JSON) and validates it (SPEC §7).
/// \throws error (invalid_argument) naming the first bad field.
[[nodiscard]] inline slot_query query_from_json(const nlohmann::json& document) {
    using reader = detail::json_reader;
    reader::object(document, "query");
    slot_query q;
    q.now = reader::time_point(reader::required(document, "now", "now"), "now");
    q.from = reader::time_point(reader::required(document, "from", "from"), "from");
    q.to = reader::time_point(reader::required(document, "to", "to"), "to");
    if (const auto* mode = reader::member(document, "mode")) q.mode = parse_resource_mode(reader::string(*mode, "mode"), "mode");
    q.asked = reader::read_service(reader::required(document, "service", "service"));
    if (const auto* seats = reader::member(document, "seats")) q.seats = static_cast<int>(reader::integer(*seats, "seats"));
    if (const auto* limit = reader::member(document, "limit")) {
        const long long value = reader::integer(*limit, "limit");
        if (value < 0) reject("limit", fmt::format("must not be negative (got {})", value));
        q.limit = static_cast<std::size_t>(value);
    }
    std::size_t i = 0;
    for (const auto& item : reader::array(reader::required(document, "resources", "resources"), "resources"))
        q.resources.push_back(reader::read_resource(item, fmt::format("resources[{}]", i++)));
    if (const auto* assign = reader::member(document, "assign")) q.assign = reader::read_assignment(*assign, "assign");
    if (const auto* pools = reader::member(document, "pools")) {
        std::size_t p = 0;
        for (const auto& item : reader::array(*pools, "pools")) {
            const std::string path = fmt::format("pools[{}]", p++);
            reader::object(item, path);
            pool& read = q.pools.emplace_back();
            read.id = std::string(reader::string(reader::required(item, "id", path + ".id"), path + ".id"));
            std::size_t j = 0;
            for (const auto& member : reader::array(reader::required(item, "resources", path + ".resources"), path + ".resources"))
                read.members.push_back(reader::read_resource(member, fmt::format("{}.resources[{}]", path, j++)));
        }
    }
    if (const auto* client = reader::member(document, "client")) {
        reader::object(*client, "client");
        q.client.emplace();
        q.client->id = std::string(reader::string(reader::required(*client, "id", "client.id"), "client.id"));
        if (const auto* bookings = reader::member(*client, "bookings")) {
            std::size_t j = 0;
            for (const auto& item : reader::array(*bookings, "client.bookings"))
                q.client->bookings.push_back(reader::read_booking(item, fmt::format("client.bookings[{}]", j++)));
        }
    }
    q.validate();
    return q;
}

/// Parses JSON text. A member named twice in one object is refused, naming
/// its path (`service.duration`): RFC 8259 leaves the meaning to the reader
/// and I-JSON (RFC 7493 §2.3) forbids it; keeping the last silently would
/// hide the first (a second `"mon": []` closing Monday).
/// \throws error (invalid_argument) naming `field` for text that is not JSON.
[[nodiscard]] inline nlohmann::json parse_json_text(std::string_view text, const std::string& field) {
    using event = nlohmann::json::parse_event_t;
    struct open_value {
        bool is_array = false;
        std::size_t index = 0;       // arrays: the element being read
        std::string name{};          // objects: the member being read
        std::unordered_set<std::string> names{};
    };
    std::vector<open_value> open;
    std::string repeated;  // the path of the first member named twice
    const auto path_to = [&](std::string_view name) {
        std::string out;
        for (const open_value& v : open) {
            if (&v == &open.back()) break;
            out += v.is_array ? fmt::format("[{}]", v.index) : (out.empty() ? v.name : "." + v.name);
        }
        return out.empty() ? std::string(name) : out + "." + std::string(name);
    };
    const auto element_read = [&] {
        if (!open.empty() && open.back().is_array) ++open.back().index;
    };
    const nlohmann::json::parser_callback_t track = [&](int, event e, nlohmann::json& parsed) {
        switch (e) {
            case event::object_start: open.push_back({}); break;
            case event::array_start: open.push_back({.is_array = true}); break;
            case event::key: {
                open_value& object = open.back();
                object.name = parsed.get<std::string>();
                if (!object.names.insert(object.name).second && repeated.empty()) repeated = path_to(object.name);
                break;
            }
            case event::object_end:
            case event::array_end: open.pop_back(); element_read(); break;
            case event::value: element_read(); break;
        }
        return true;
    };
    // nlohmann's reader ends the text at a NUL byte and would take what
    // follows as absent; JSON allows none outside an escape (RFC 8259 §7).
    if (const auto nul = text.find('\0'); nul != std::string_view::npos)
        reject(field, fmt::format("is not valid JSON: a NUL byte at offset {}", nul));
    auto document = nlohmann::json::parse(text, track, false);
    if (document.is_discarded()) reject(field, "is not valid JSON");
    if (!repeated.empty()) reject(repeated, "is given twice in one object; give each member once");
    return document;
}

/// Parses and reads a SPEC §8 query from text.
/// \throws error (invalid_argument, field `query`) for text that is not JSON.
[[nodiscard]] inline slot_query parse_query(std::string_view text) {
    return query_from_json(parse_json_text(text, "query"));
}

/// The SPEC §8 answer: `{"slots": [{"start", "end", "resources", "seats_left"}]}`,
/// with SPEC §10's `"pools": {"room": ["r2", "r1"]}` in each slot of a query with pools.
[[nodiscard]] inline nlohmann::ordered_json slots_to_json(std::span<const slot> slots) {
    auto list = nlohmann::ordered_json::array();
    for (const slot& s : slots) {
        auto& item = list.emplace_back(nlohmann::ordered_json{{"start", format_instant(s.time.start)},
                                                              {"end", format_instant(s.time.end)},
                                                              {"resources", s.resources},
                                                              {"seats_left", s.seats_left}});
        if (s.pools.empty()) continue;
        auto& pools = item["pools"] = nlohmann::ordered_json::object();
        for (const pool_choice& p : s.pools) pools[p.pool] = p.members;
    }
    return nlohmann::ordered_json{{"slots", std::move(list)}};
}

/// The SPEC §8 refusal: `{"error": {"field", "message"}}`.
[[nodiscard]] inline nlohmann::ordered_json error_to_json(const error& e) {
    return {{"error", {{"field", e.field()}, {"message", e.message()}}}};
}

}  // namespace slotcraft
