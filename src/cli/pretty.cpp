#include "pretty.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <vector>

namespace slotcraft::cli {

namespace {

constexpr std::size_t times_per_line = 8;

}  // namespace

std::string times_by_day(std::span<const std::pair<std::string, const zone*>> resources, std::span<const slot> slots,
                         bool show_seats, const std::function<std::string(const slot&)>& place) {
    std::string out;
    auto it = std::back_inserter(out);
    for (const auto& [id, tz] : resources) {
        fmt::format_to(it, "\n{} ({})\n", id, tz->name());
        std::optional<std::pair<local_date, std::string>> line;
        std::size_t on_line = 0;
        std::size_t listed = 0;
        for (const slot& s : slots) {
            if (std::find(s.resources.begin(), s.resources.end(), id) == s.resources.end()) continue;
            const std::pair<local_date, std::string> key{tz->date_of(s.time.start), place ? place(s) : std::string{}};
            if (line != key) {
                fmt::format_to(it, "{}  {}{}", listed == 0 ? "" : "\n", date::format("%a %F", key.first),
                               key.second.empty() ? "" : "  " + key.second);
                line = key;
                on_line = 0;
            } else if (on_line == times_per_line) {
                fmt::format_to(it, "\n{:{}}", "", 16 + (key.second.empty() ? 0 : key.second.size() + 2));
                on_line = 0;
            }
            fmt::format_to(it, "  {}", date::format("%R", tz->to_local(s.time.start)));
            if (show_seats) fmt::format_to(it, " ({} left)", s.seats_left);
            ++on_line;
            ++listed;
        }
        fmt::format_to(it, "{}\n", listed == 0 ? "  no free slots" : "");
    }
    fmt::format_to(it, "\n{} slot(s)\n", slots.size());
    return out;
}

std::string slots_table(const slot_query& query, std::span<const slot> slots) {
    std::vector<std::pair<std::string, const zone*>> resources;
    for (const resource& r : query.resources) resources.emplace_back(r.id, &r.rules.time_zone);
    return fmt::format("Free slots for {} ({} min, {} alignment), {} .. {}, {} of {} resource(s)\n{}",
                       query.asked.id.empty() ? "the service" : query.asked.id, query.asked.duration.count(),
                       to_string(query.asked.align), format_instant(query.from), format_instant(query.to),
                       query.mode == resource_mode::any ? "any" : "all", query.resources.size(),
                       times_by_day(resources, slots, query.asked.is_group(), {}));
}

std::string refusals_text(const slot_query& query, instant start, std::span<const resource_refusal> refusals) {
    std::string out;
    auto it = std::back_inserter(out);
    fmt::format_to(it, "{} for {} ({} min):\n", format_instant(start),
                   query.asked.id.empty() ? "the service" : query.asked.id, query.asked.duration.count());
    for (const resource_refusal& refusal : refusals) {
        if (refusal.reasons.empty()) {
            fmt::format_to(it, "  {}: bookable\n", refusal.resource);
            continue;
        }
        fmt::format_to(it, "  {}: not bookable\n", refusal.resource);
        for (const reason& r : refusal.reasons) fmt::format_to(it, "    - {}: {}\n", to_string(r.code), r.message);
    }
    return out;
}

}  // namespace slotcraft::cli
