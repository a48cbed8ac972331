#pragma once
// Human-readable renderings for the CLI's --pretty mode.

#include <slotcraft/availability.hpp>

#include <functional>
#include <span>
#include <utility>
#include <string>

namespace slotcraft::cli {

/// Slots as one block per resource, a line per local date and `place` (more
/// lines past eight times), each time in that resource's zone.
std::string times_by_day(std::span<const std::pair<std::string, const zone*>> resources, std::span<const slot> slots,
                         bool show_seats, const std::function<std::string(const slot&)>& place);

/// The free slots as one table per resource, in that resource's local time.
std::string slots_table(const slot_query& query, std::span<const slot> slots);

/// Each resource's verdict on one start, with its reasons.
std::string refusals_text(const slot_query& query, instant start, std::span<const resource_refusal> refusals);

}  // namespace slotcraft::cli
