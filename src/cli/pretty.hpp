#pragma once
// Human-readable renderings for the CLI's --pretty mode.

#include <slotcraft/availability.hpp>

#include <span>
#include <string>

namespace slotcraft::cli {

/// The free slots as one table per resource, in that resource's local time.
std::string slots_table(const slot_query& query, std::span<const slot> slots);

/// Each resource's verdict on one start, with its reasons.
std::string refusals_text(const slot_query& query, instant start, std::span<const resource_refusal> refusals);

}  // namespace slotcraft::cli
