#pragma once
/// \file
/// A place on a waiting list (scheduler::join_waitlist): a client waits for a
/// free start of a service in a time range; scheduler::process_waitlist
/// offers the earliest waiter a matching free start as a hold.

#include <slotcraft/error.hpp>
#include <slotcraft/time.hpp>

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace slotcraft {

/// Where a place on a waiting list stands.
enum class waitlist_status {
    waiting,  ///< no offer yet
    offered,  ///< a hold (`offer`) waits for the client's confirm
    booked,   ///< the client confirmed the offer
    lapsed,   ///< the offer expired or was cancelled unconfirmed: it passed on
    expired,  ///< the range's last start passed without an offer
    left,     ///< the client left the list
};

[[nodiscard]] constexpr std::string_view to_string(waitlist_status s) noexcept {
    switch (s) {
        case waitlist_status::offered: return "offered";
        case waitlist_status::booked: return "booked";
        case waitlist_status::lapsed: return "lapsed";
        case waitlist_status::expired: return "expired";
        case waitlist_status::left: return "left";
        case waitlist_status::waiting: break;
    }
    return "waiting";
}

/// Parses a waitlist_status name. \throws error naming `field`.
[[nodiscard]] inline waitlist_status parse_waitlist_status(std::string_view text, const std::string& field) {
    for (const waitlist_status s : {waitlist_status::waiting, waitlist_status::offered, waitlist_status::booked,
                                    waitlist_status::lapsed, waitlist_status::expired, waitlist_status::left})
        if (text == to_string(s)) return s;
    reject(field, fmt::format("unknown waiting-list status \"{}\" (expected waiting, offered, booked, lapsed, "
                              "expired or left)",
                              text.substr(0, 32)));
}

/// One client's place on the waiting list of a service.
struct waitlist_entry {
    std::string id{};
    std::string client{};
    std::string service{};
    std::string resource{};  ///< empty: any resource providing the service
    std::string location{};  ///< empty: any location
    interval window{};       ///< the starts the client accepts: `[start, end)`
    int seats = 1;
    minutes offer_ttl{60};   ///< how long an offer's hold lasts
    waitlist_status status = waitlist_status::waiting;
    std::string offer{};     ///< the hold offered (status `offered`, `booked`, `lapsed`)
    bool notified = false;   ///< the offer was reported (scheduler::mark_waitlist_notified)
    instant created_at{};
    instant updated_at{};

    /// Still on the list: waiting, or holding an offer.
    [[nodiscard]] bool open() const noexcept {
        return status == waitlist_status::waiting || status == waitlist_status::offered;
    }
    friend bool operator==(const waitlist_entry&, const waitlist_entry&) = default;
};

}  // namespace slotcraft
