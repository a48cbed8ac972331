#pragma once
/// \file
/// What is being booked: duration, slot grid, buffers, booking window, seats.

#include <slotcraft/error.hpp>
#include <slotcraft/time.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace slotcraft {

/// How candidate starts are laid out (SPEC §3).
enum class alignment {
    window,  ///< every `step` from the start of each window
    clock,   ///< local wall times that are whole multiples of `step` from local midnight
    free,    ///< like `window`, after cutting out existing bookings and buffers
};

/// Parses `window`, `clock` or `free`. \throws error naming `field`.
[[nodiscard]] inline alignment parse_alignment(std::string_view text, const std::string& field) {
    if (text == "window") return alignment::window;
    if (text == "clock") return alignment::clock;
    if (text == "free") return alignment::free;
    reject(field, fmt::format("unknown align \"{}\" (expected window, clock or free)", text.substr(0, 32)));
}

[[nodiscard]] constexpr std::string_view to_string(alignment a) noexcept {
    switch (a) {
        case alignment::clock: return "clock";
        case alignment::free: return "free";
        case alignment::window: break;
    }
    return "window";
}

/// The longest duration, step, buffer or notice accepted: 366 days. The
/// scheduler holds hold TTLs, reminder offsets and the default step to it too.
inline constexpr minutes max_service_minutes{366 * 24 * 60};

/// The longest booking window (`max_advance`) accepted: 3,660 days, about ten years.
inline constexpr minutes max_advance_minutes{3660 * 24 * 60};

/// A bookable service (a haircut, a lesson, a group class).
struct service {
    std::string id{};
    minutes duration{0};
    /// Grid step; defaults to `duration` when not set.
    std::optional<minutes> step{};
    alignment align = alignment::window;
    minutes buffer_before{0};
    minutes buffer_after{0};
    minutes min_notice{0};
    /// 0 = unlimited.
    minutes max_advance{0};
    /// Seats per slot; above 1 the service is a group class.
    int capacity = 1;
    /// Bookings of this service per resource and local date; 0 = unlimited.
    int max_per_day = 0;
    /// SPEC §11, for the asking client's active bookings of this service (on
    /// any resource; dates and weeks local to the resource asked): at most
    /// this many starting on one local date, in one ISO week (Monday to
    /// Monday), and seats held at one start, the asked ones included.
    /// 0 = unlimited.
    int max_per_client_per_day = 0;
    int max_per_client_per_week = 0;
    int max_seats_per_client = 0;

    friend bool operator==(const service&, const service&) = default;

    [[nodiscard]] minutes grid_step() const noexcept { return step.value_or(duration); }
    [[nodiscard]] bool is_group() const noexcept { return capacity > 1; }
    /// True when a SPEC §11 limit is set.
    [[nodiscard]] bool limits_clients() const noexcept {
        return max_per_client_per_day > 0 || max_per_client_per_week > 0 || max_seats_per_client > 0;
    }

    /// Checks SPEC §7 for a service; `prefix` is prepended to field names.
    /// \throws error (invalid_argument) naming the field.
    void validate(const std::string& prefix = "service.") const {
        const auto positive = [&](minutes value, const char* name) {
            if (value <= minutes{0}) reject(prefix + name, fmt::format("must be > 0 minutes (got {})", value.count()));
            if (value > max_service_minutes)
                reject(prefix + name, fmt::format("must be at most {} minutes (366 days), got {}",
                                                  max_service_minutes.count(), value.count()));
        };
        const auto non_negative = [&](minutes value, const char* name) {
            if (value < minutes{0}) reject(prefix + name, fmt::format("must not be negative (got {})", value.count()));
            if (value > max_service_minutes)
                reject(prefix + name, fmt::format("must be at most {} minutes (366 days), got {}",
                                                  max_service_minutes.count(), value.count()));
        };
        positive(duration, "duration");
        if (step) positive(*step, "step");
        non_negative(buffer_before, "buffer_before");
        non_negative(buffer_after, "buffer_after");
        non_negative(min_notice, "min_notice");
        if (max_advance < minutes{0})
            reject(prefix + "max_advance", fmt::format("must not be negative (got {})", max_advance.count()));
        if (max_advance > max_advance_minutes)
            reject(prefix + "max_advance", fmt::format("must be at most {} minutes (3660 days), got {}",
                                                       max_advance_minutes.count(), max_advance.count()));
        if (capacity < 1) reject(prefix + "capacity", fmt::format("must be at least 1 (got {})", capacity));
        const auto count = [&](int value, const char* name) {
            if (value < 0) reject(prefix + name, fmt::format("must not be negative (got {})", value));
        };
        count(max_per_day, "max_per_day");
        count(max_per_client_per_day, "max_per_client_per_day");
        count(max_per_client_per_week, "max_per_client_per_week");
        count(max_seats_per_client, "max_seats_per_client");
    }
};

}  // namespace slotcraft
