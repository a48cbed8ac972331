#pragma once
/// \file
/// Existing bookings and holds as the engine sees them (SPEC §4).

#include <slotcraft/error.hpp>
#include <slotcraft/time.hpp>

#include <optional>
#include <utility>
#include <string>
#include <string_view>

namespace slotcraft {

enum class booking_status {
    confirmed,
    held,       ///< blocks time until `expires`
    cancelled,  ///< blocks nothing
};

/// Parses `confirmed`, `held` or `cancelled`. \throws error naming `field`.
[[nodiscard]] inline booking_status parse_booking_status(std::string_view text, const std::string& field) {
    if (text == "confirmed") return booking_status::confirmed;
    if (text == "held") return booking_status::held;
    if (text == "cancelled") return booking_status::cancelled;
    reject(field, fmt::format("unknown status \"{}\" (expected confirmed, held or cancelled)", text.substr(0, 32)));
}

[[nodiscard]] constexpr std::string_view to_string(booking_status s) noexcept {
    switch (s) {
        case booking_status::held: return "held";
        case booking_status::cancelled: return "cancelled";
        case booking_status::confirmed: break;
    }
    return "confirmed";
}

/// A booking of one resource, with the buffers its service had when it was made.
struct booking {
    /// Free-form identifier used in explanations; may be empty.
    std::string id{};
    interval time{};
    std::string service{};
    int seats = 1;
    booking_status status = booking_status::confirmed;
    /// For holds: the hold is active while `now < expires`.
    std::optional<instant> expires{};
    minutes buffer_before{0};
    minutes buffer_after{0};
    /// Made at another place than the one asked about (the scheduler's
    /// locations): a booking of the same group service then blocks its time
    /// instead of sharing its seats, as one resource cannot hold a class at
    /// two places at once.
    bool elsewhere = false;

    /// `[start - buffer_before, end + buffer_after)`.
    [[nodiscard]] interval padded() const noexcept {
        return {time.start - buffer_before, time.end + buffer_after};
    }
    /// Cancelled bookings and holds that expired at or before `now` block nothing.
    [[nodiscard]] bool active_at(instant now) const noexcept {
        switch (status) {
            case booking_status::cancelled: return false;
            case booking_status::held: return expires && now < *expires;
            case booking_status::confirmed: break;
        }
        return true;
    }

    /// The longest buffer accepted: 366 days.
    static constexpr minutes max_buffer{366 * 24 * 60};

    /// The first SPEC §7 problem of the booking as {field, message}, if any.
    [[nodiscard]] std::optional<std::pair<std::string_view, std::string>> problem() const {
        if (time.empty()) return {{"end", "must be after start"}};
        if (seats < 1) return {{"seats", fmt::format("must be at least 1 (got {})", seats)}};
        for (const auto& [value, name] : {std::pair{buffer_before, "buffer_before"}, std::pair{buffer_after, "buffer_after"}}) {
            if (value < minutes{0}) return {{name, fmt::format("must not be negative (got {})", value.count())}};
            if (value > max_buffer)
                return {{name, fmt::format("must be at most {} minutes (366 days), got {}", max_buffer.count(), value.count())}};
        }
        if (status == booking_status::held && !expires)
            return {{"expires", "a held booking needs the instant its hold expires"}};
        return std::nullopt;
    }
};

}  // namespace slotcraft
