#include "pretty.hpp"

#include <fmt/format.h>

#include <iterator>
#include <vector>

namespace slotcraft::cli {

namespace {

constexpr std::size_t times_per_line = 8;

std::string slot_label(const slot_query& query, const zone& tz, const slot& s) {
    auto label = date::format("%R", tz.to_local(s.time.start));
    if (query.asked.is_group()) label += fmt::format(" ({} left)", s.seats_left);
    return label;
}

}  // namespace

std::string slots_table(const slot_query& query, std::span<const slot> slots) {
    std::string out;
    auto it = std::back_inserter(out);
    fmt::format_to(it, "Free slots for {} ({} min, {} alignment), {} .. {}, {} of {} resource(s)\n",
                   query.asked.id.empty() ? "the service" : query.asked.id, query.asked.duration.count(),
                   to_string(query.asked.align), format_instant(query.from), format_instant(query.to),
                   query.mode == resource_mode::any ? "any" : "all", query.resources.size());
    for (const resource& r : query.resources) {
        const zone& tz = r.rules.time_zone;
        fmt::format_to(it, "\n{} ({})\n", r.id, tz.name());
        std::optional<local_date> day;
        std::size_t on_line = 0;
        std::size_t listed = 0;
        for (const slot& s : slots) {
            if (std::find(s.resources.begin(), s.resources.end(), r.id) == s.resources.end()) continue;
            const local_date slot_day = tz.date_of(s.time.start);
            if (day != slot_day || on_line == times_per_line) {
                if (day != slot_day) fmt::format_to(it, "{}  {}", listed == 0 ? "" : "\n", date::format("%a %F", slot_day));
                else fmt::format_to(it, "\n{:16}", "");
                day = slot_day;
                on_line = 0;
            }
            fmt::format_to(it, "  {}", slot_label(query, tz, s));
            ++on_line;
            ++listed;
        }
        fmt::format_to(it, "{}\n", listed == 0 ? "  no free slots" : "");
    }
    fmt::format_to(it, "\n{} slot(s)\n", slots.size());
    return out;
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
