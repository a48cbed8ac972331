#pragma once
// Small helpers shared by the unit tests.

#include <slotcraft/json.hpp>
#include <slotcraft/slotcraft.hpp>

#include <initializer_list>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

namespace slotcraft::test {

using nlohmann::json;

inline instant at(std::string_view iso) { return parse_instant(iso, "test"); }

inline local_date on(int y, unsigned m, unsigned d) {
    return local_date{date::year{y} / date::month{m} / date::day{d}};
}

inline local_range range(std::string_view from, std::string_view to) { return local_range::parse(from, to); }

/// Local ranges as SPEC §8 JSON: `hours({{"09:00", "12:00"}})` is
/// `[["09:00", "12:00"]]` (a bare `{{"09:00", "12:00"}}` would be an object).
inline json hours(std::initializer_list<std::pair<const char*, const char*>> ranges) {
    json out = json::array();
    for (const auto& [from, to] : ranges) out.push_back(json::array({from, to}));
    return out;
}

/// A one-resource query with no hours; tests fill in what they pin.
inline json base_query(std::string_view zone_name = "UTC") {
    return json{{"now", "2026-01-01T00:00:00Z"},
                {"from", "2026-03-02T00:00:00Z"},
                {"to", "2026-03-03T00:00:00Z"},
                {"service", {{"id", "svc"}, {"duration", 30}}},
                {"resources", json::array({json{{"id", "r1"}, {"timezone", zone_name}, {"weekly", json::object()}}})}};
}

/// The free slots of a JSON query.
inline std::vector<slot> slots_of(const json& query) { return find_slots(query_from_json(query)); }

/// The starts of the free slots, as ISO strings (what SPEC §8 prints).
inline std::vector<std::string> starts_of(const json& query) {
    std::vector<std::string> out;
    for (const slot& s : slots_of(query)) out.push_back(format_instant(s.time.start));
    return out;
}

/// The reason codes `explain` gives for the first resource.
inline std::vector<reason_code> reasons_at(const json& query, std::string_view start) {
    std::vector<reason_code> out;
    const auto refusals = explain(query_from_json(query), at(start));
    for (const reason& r : refusals.front().reasons) out.push_back(r.code);
    return out;
}

/// The field named by the error `find_slots` raises for `query`, or "" if none.
inline std::string refused_field(const json& query) {
    try {
        (void)slots_of(query);
    } catch (const error& e) {
        return e.field();
    }
    return {};
}

}  // namespace slotcraft::test
