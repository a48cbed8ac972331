#pragma once
/// \file
/// The grid of one local date: the starts a listing lays on that date's
/// windows before any booking or booking limit is looked at. A poll that asks
/// a teacher which of their usual times they can take asks about these, so
/// the poll, the listing and booking share one grid.

#include <slotcraft/resource_view.hpp>

#include <algorithm>
#include <vector>

namespace slotcraft {

/// The candidate starts of SPEC §3 of `asked` on the windows of local date
/// `day` (SPEC §2: an overnight window belongs to the date it starts on)
/// whose core `[s, s + duration)` lies inside open time, in order. The
/// `free` alignment lays its grid as `window` does: there are no bookings
/// here. Bookings, notice, advance and daily limits are not looked at.
/// \throws error (invalid_argument) naming the `service.` field for a bad service.
[[nodiscard]] inline std::vector<instant> day_grid(const schedule& rules, local_date day, const service& asked) {
    asked.validate("service.");
    // Date D's windows lie within [D 00:00, D + 2 00:00) local: a range ends by the next local midnight.
    const interval around{rules.time_zone.to_utc(day, minutes{0}), rules.time_zone.to_utc(day + date::days{2}, minutes{0})};
    const resource alone{.id = {}, .rules = rules, .bookings = {}};
    const resource_view view(alone, asked, around.start, around);
    const open_time& open = view.open();
    std::vector<instant> out;
    for (const instant s : view.candidates()) {
        const bool on_day = std::any_of(open.windows.begin(), open.windows.end(),
                                        [&](const window& w) { return w.day == day && w.span.contains(s); });
        if (on_day && open.open.covers({s, s + asked.duration})) out.push_back(s);
    }
    return out;
}

}  // namespace slotcraft
