#pragma once
/// \file
/// What a store keeps: resources with their schedules per location, services,
/// who provides what, clients with their messenger identities, settings and
/// bookings. Plain value types; the scheduler validates them.

#include <slotcraft/assignment.hpp>
#include <slotcraft/booking.hpp>
#include <slotcraft/error.hpp>
#include <slotcraft/schedule.hpp>
#include <slotcraft/service.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotcraft {

/// A place where resources work (a salon, a room, "online").
struct location_record {
    std::string id{};
    std::string name{};
    /// Retired (scheduler::archive_location): never offered or booked again.
    bool archived = false;
    friend bool operator==(const location_record&, const location_record&) = default;
};

/// A resource's working rules at one location, in the resource's zone.
struct location_schedule {
    std::string location{};
    weekly_hours weekly{};
    /// When set, the weeks cycle through its patterns and `weekly` must be
    /// empty (SPEC §9).
    std::optional<weekly_rotation> rotation{};
    std::map<local_date, std::vector<local_range>> overrides{};
    std::vector<local_range> breaks{};
    friend bool operator==(const location_schedule&, const location_schedule&) = default;
};

/// A master, a teacher, a room: one time zone, one schedule per location.
struct resource_record {
    std::string id{};
    std::string name{};
    std::string time_zone{"UTC"};  ///< IANA name
    std::vector<location_schedule> schedules{};
    /// UTC intervals away from every location.
    std::vector<interval> time_off{};
    /// Retired (scheduler::archive_resource): never offered or booked again.
    bool archived = false;
    friend bool operator==(const resource_record&, const resource_record&) = default;
};

/// A pool a service needs one free member of (SPEC §10), by the ids of its
/// member resources: rooms, chairs, devices with hours of their own.
struct service_pool {
    std::string id{};
    std::vector<std::string> resources{};

    /// Checks the shape of `pools`: each id non-empty and unique among them,
    /// at least one member, member ids non-empty and unique within their pool.
    /// \throws error (invalid_argument) naming `{prefix}pools[i].id` or
    /// `{prefix}pools[i].resources[j]`.
    static void validate(const std::vector<service_pool>& pools, std::string_view prefix) {
        for (std::size_t i = 0; i < pools.size(); ++i) {
            const service_pool& p = pools[i];
            const std::string at = fmt::format("{}pools[{}]", prefix, i);
            if (p.id.empty()) reject(at + ".id", "must not be empty");
            for (std::size_t k = 0; k < i; ++k)
                if (pools[k].id == p.id) reject(at + ".id", fmt::format("pool \"{}\" is listed twice", p.id.substr(0, 64)));
            if (p.resources.empty()) reject(at + ".resources", "must name at least one resource");
            for (std::size_t j = 0; j < p.resources.size(); ++j) {
                const std::string field = fmt::format("{}.resources[{}]", at, j);
                if (p.resources[j].empty()) reject(field, "must not be empty");
                for (std::size_t k = 0; k < j; ++k)
                    if (p.resources[k] == p.resources[j])
                        reject(field, fmt::format("resource \"{}\" is listed twice", p.resources[j].substr(0, 64)));
            }
        }
    }
    friend bool operator==(const service_pool&, const service_pool&) = default;
};

/// A service and the locations it is offered at (empty: at every location).
struct service_record {
    service rules{};
    std::string name{};
    std::vector<std::string> locations{};
    /// Retired (scheduler::archive_service): never offered or booked again.
    bool archived = false;
    /// How listings order the free resources of a slot (SPEC §12); weights
    /// and priorities are keyed by resource id.
    assignment assign{};
    /// The pools a booking of it also takes one member of (SPEC §10); a
    /// member serves only at the locations it has a schedule at.
    std::vector<service_pool> pools{};
    friend bool operator==(const service_record&, const service_record&) = default;
};

/// The messenger a client writes from.
enum class messenger { telegram, whatsapp, vk, other };

[[nodiscard]] constexpr std::string_view to_string(messenger m) noexcept {
    switch (m) {
        case messenger::telegram: return "telegram";
        case messenger::whatsapp: return "whatsapp";
        case messenger::vk: return "vk";
        case messenger::other: break;
    }
    return "other";
}

/// Parses `telegram`, `whatsapp`, `vk` or `other`. \throws error naming `field`.
[[nodiscard]] inline messenger parse_messenger(std::string_view text, const std::string& field) {
    if (text == "telegram") return messenger::telegram;
    if (text == "whatsapp") return messenger::whatsapp;
    if (text == "vk") return messenger::vk;
    if (text == "other") return messenger::other;
    reject(field, fmt::format("unknown network \"{}\" (expected telegram, whatsapp, vk or other)", text.substr(0, 32)));
}

/// One account of a client on one messenger.
struct identity {
    messenger network = messenger::other;
    std::string external_id{};
    friend auto operator<=>(const identity&, const identity&) = default;
};

/// A person who books; one client may write from several messengers.
struct client_record {
    std::string id{};
    std::string name{};
    std::vector<identity> identities{};
    friend bool operator==(const client_record&, const client_record&) = default;
};

/// Settings shared by every resource.
struct settings {
    /// Offsets before a booking's start at which reminders are due.
    std::vector<minutes> reminder_offsets{};
    /// Breaks that apply to every resource, on top of each schedule's own.
    std::vector<local_range> global_breaks{};
    /// Grid step for services that set none (else the duration).
    std::optional<minutes> default_step{};
    friend bool operator==(const settings&, const settings&) = default;
};

/// Whether the client came to a booking, once its start has passed.
enum class attendance_status {
    unmarked,  ///< not marked (yet)
    attended,
    no_show,
};

/// Parses `unmarked`, `attended` or `no_show` (also `no-show`). \throws error naming `field`.
[[nodiscard]] inline attendance_status parse_attendance(std::string_view text, const std::string& field) {
    if (text == "unmarked") return attendance_status::unmarked;
    if (text == "attended") return attendance_status::attended;
    if (text == "no_show" || text == "no-show") return attendance_status::no_show;
    reject(field, fmt::format("unknown attendance \"{}\" (expected attended, no_show or unmarked)", text.substr(0, 32)));
}

[[nodiscard]] constexpr std::string_view to_string(attendance_status a) noexcept {
    switch (a) {
        case attendance_status::attended: return "attended";
        case attendance_status::no_show: return "no_show";
        case attendance_status::unmarked: break;
    }
    return "unmarked";
}

/// A stored booking or hold.
struct booking_record {
    std::string id{};
    std::string resource{};
    std::string service{};
    std::string location{};
    std::string client{};
    interval time{};
    int seats = 1;
    booking_status status = booking_status::confirmed;
    std::optional<instant> expires{};  ///< holds only
    std::string hold_token{};          ///< holds only
    minutes buffer_before{0};
    minutes buffer_after{0};
    std::string idempotency_key{};
    std::string series{};  ///< shared by the bookings of one series
    /// On the booking of a pool member (SPEC §10): the id of the booking it
    /// was made with, which has the client; empty on every other booking.
    std::string group{};
    /// On the booking of a pool member: the id of its pool; else empty.
    std::string pool{};
    std::string cancel_reason{};
    /// Marked with scheduler::mark_attendance once the start has passed.
    attendance_status attendance = attendance_status::unmarked;
    instant created_at{};
    instant updated_at{};

    [[nodiscard]] interval padded() const noexcept { return {time.start - buffer_before, time.end + buffer_after}; }
    /// Whether this books a pool member for another booking (`group`).
    [[nodiscard]] bool for_pool() const noexcept { return !group.empty(); }
    /// Whether this is booking `main` or one of the pool bookings made with it.
    [[nodiscard]] bool in_group_of(std::string_view main) const noexcept {
        return !main.empty() && (id == main || group == main);
    }
    [[nodiscard]] bool active_at(instant now) const noexcept { return engine_view().active_at(now); }
    /// Whether the booking was confirmed, now or before it was cancelled: a
    /// confirm drops a hold's expiry, which a hold cancelled unconfirmed keeps.
    [[nodiscard]] bool was_confirmed() const noexcept {
        return status == booking_status::confirmed || (status == booking_status::cancelled && !expires);
    }
    /// The booking as the engine sees it.
    [[nodiscard]] booking engine_view() const {
        return booking{.id = id, .time = time, .service = service, .seats = seats, .status = status,
                       .expires = expires, .buffer_before = buffer_before, .buffer_after = buffer_after};
    }
    friend bool operator==(const booking_record&, const booking_record&) = default;
};

/// The rule a recurring series was booked from (scheduler::book_recurring),
/// so that an export can write it as an RRULE.
struct series_record {
    std::string id{};        ///< the `series` of its bookings
    std::string resource{};
    std::string rrule{};     ///< the RRULE value, without `RRULE:`
    instant first_start{};   ///< DTSTART: its local wall time in the resource's zone anchors the rule
    std::vector<local_date> except_dates{};  ///< EXDATEs, local dates
    std::string idempotency_key{};  ///< the key it was booked with, or empty; one series' and no booking's
    friend bool operator==(const series_record&, const series_record&) = default;
};

/// One mutation, as the audit log keeps it.
struct audit_entry {
    std::int64_t sequence = 0;  ///< assigned by the store, increasing
    instant at{};
    std::string actor{};
    std::string action{};   ///< `book`, `hold`, `confirm`, `cancel`, `reschedule`, `add_resource`, ...
    std::string subject{};  ///< the id acted on
    std::string before{};   ///< JSON, empty when created
    std::string after{};    ///< JSON, empty when deleted
    friend bool operator==(const audit_entry&, const audit_entry&) = default;
};

}  // namespace slotcraft
