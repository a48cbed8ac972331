#pragma once
/// \file
/// Why a start is not bookable.

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace slotcraft {

/// One rule that refuses a start (SPEC §2-§5).
enum class reason_code {
    outside_hours,  ///< the service does not fit inside working hours
    on_break,       ///< it overlaps a daily break
    time_off,       ///< it overlaps time off
    busy,           ///< it overlaps an active booking
    buffer,         ///< only the buffers of it and a booking overlap
    too_soon,       ///< earlier than now + min_notice
    too_far_ahead,  ///< at or after now + max_advance
    daily_limit,    ///< the resource already has max_per_day bookings of it that day
    no_seats,       ///< not enough seats left
    off_grid,       ///< not one of the service's candidate starts
    client_limit,   ///< the asking client reached a SPEC §11 limit of the service
    pool_busy,      ///< no member of a required pool is free (SPEC §10)
};

[[nodiscard]] constexpr std::string_view to_string(reason_code code) noexcept {
    switch (code) {
        case reason_code::outside_hours: return "outside_hours";
        case reason_code::on_break: return "break";
        case reason_code::time_off: return "time_off";
        case reason_code::busy: return "busy";
        case reason_code::buffer: return "buffer";
        case reason_code::too_soon: return "too_soon";
        case reason_code::too_far_ahead: return "too_far_ahead";
        case reason_code::daily_limit: return "daily_limit";
        case reason_code::no_seats: return "no_seats";
        case reason_code::off_grid: return "off_grid";
        case reason_code::client_limit: return "client_limit";
        case reason_code::pool_busy: return "pool_busy";
    }
    return "unknown";
}

/// A refusal with a human-readable message; `booking` names the booking in
/// the way for `busy` and `buffer`.
struct reason {
    reason_code code;
    std::string booking;
    std::string message;

    friend bool operator==(const reason&, const reason&) = default;
};

}  // namespace slotcraft
