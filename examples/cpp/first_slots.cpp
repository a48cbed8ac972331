#include <slotcraft/slotcraft.hpp>

#include <fmt/format.h>

int main() {
    using namespace slotcraft;

    resource anna{.id = "anna"};
    anna.rules.time_zone = zone::locate("Europe/Berlin");
    anna.rules.weekly.set(date::Monday, {local_range::parse("09:00", "13:00"), local_range::parse("14:00", "18:00")});
    anna.rules.breaks = {local_range::parse("11:00", "11:15")};
    anna.bookings.push_back({.id = "b-1",
                             .time = {parse_instant("2026-03-02T09:00:00+01:00"), parse_instant("2026-03-02T09:30:00+01:00")},
                             .service = "cut",
                             .buffer_after = minutes{10}});

    slot_query query{.now = parse_instant("2026-03-01T08:00:00Z"),
                     .from = parse_instant("2026-03-02T00:00:00Z"),
                     .to = parse_instant("2026-03-03T00:00:00Z"),
                     .asked = {.id = "cut", .duration = minutes{30}, .step = minutes{15}, .buffer_after = minutes{10}},
                     .resources = {anna}};

    for (const slot& s : find_slots(query))
        fmt::print("{} {}\n", format_instant(s.time.start), fmt::join(s.resources, ","));

    // Why is 09:00 Berlin not offered? The same checks answer.
    const auto refusals = explain(query, parse_instant("2026-03-02T08:00:00Z"));
    for (const reason& r : refusals.front().reasons) fmt::print("refused: {}\n", r.message);
}
