#pragma once
/// \file
/// SPEC §11: limits per client. The asking client of a query, and its
/// bookings of one service counted the way the limits read them in one
/// resource's zone.

#include <slotcraft/booking.hpp>
#include <slotcraft/service.hpp>
#include <slotcraft/tz.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace slotcraft {

/// Who asks (SPEC §11): its id and its bookings on any resource. Only the
/// active ones of the asked service count towards the service's limits.
struct asking_client {
    std::string id{};
    std::vector<booking> bookings{};
};

namespace detail {

/// Sorts `entries` by key and adds up the values of equal keys.
template <class Key, class Value>
void sum_by_key(std::vector<std::pair<Key, Value>>& entries) {
    if (entries.empty()) return;
    const auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (!std::is_sorted(entries.begin(), entries.end(), by_key)) std::sort(entries.begin(), entries.end(), by_key);
    std::size_t kept = 0;
    for (std::size_t i = 1; i < entries.size(); ++i) {
        if (entries[i].first == entries[kept].first) entries[kept].second += entries[i].second;
        else entries[++kept] = entries[i];
    }
    entries.resize(kept + 1);
}

/// The value summed under `key` in entries `sum_by_key` made, or 0.
template <class Key, class Value>
Value summed_at(const std::vector<std::pair<Key, Value>>& entries, const Key& key) {
    const auto it = std::lower_bound(entries.begin(), entries.end(), key,
                                     [](const auto& entry, const Key& k) { return entry.first < k; });
    return it != entries.end() && it->first == key ? it->second : Value{};
}

}  // namespace detail

/// One client's active bookings of one service, counted per local date, per
/// ISO week and per start in one resource's zone, to answer whether a start
/// would pass the service's limits per client.
class client_load {
public:
    /// Counts `client`'s bookings (none when nullptr, or when `svc` sets no
    /// limit) active at `now`, with dates in the zone of `offsets`.
    void reset(const asking_client* client, const service& svc, instant now, const zone_offsets& offsets) {
        per_day_.clear();
        per_week_.clear();
        seats_at_.clear();
        limited_ = client != nullptr && svc.limits_clients();
        if (!limited_) return;
        for (const booking& b : client->bookings) {
            if (!b.active_at(now) || b.service != svc.id) continue;
            const local_date day = offsets.date_of(b.time.start);
            if (svc.max_per_client_per_day > 0) per_day_.emplace_back(day, 1);
            if (svc.max_per_client_per_week > 0) per_week_.emplace_back(monday_of(day), 1);
            if (svc.max_seats_per_client > 0) seats_at_.emplace_back(b.time.start, b.seats);
        }
        detail::sum_by_key(per_day_);
        detail::sum_by_key(per_week_);
        detail::sum_by_key(seats_at_);
    }

    /// Why start `s` for `seats` more seats fails a limit of `svc` (the first
    /// that fails); empty when it passes them all.
    [[nodiscard]] std::string refusal(instant s, int seats, const service& svc, const zone_offsets& offsets) const {
        const local_date day = offsets.date_of(s);
        switch (failing(s, seats, svc, day)) {
            case limit::none: break;
            case limit::per_day:
                return fmt::format("the client already has {} booking(s) of {} on {} (at most {} a day)",
                                   detail::summed_at(per_day_, day), svc.id, date::format("%F", day),
                                   svc.max_per_client_per_day);
            case limit::per_week:
                return fmt::format("the client already has {} booking(s) of {} in the week from {} (at most {} a week)",
                                   detail::summed_at(per_week_, monday_of(day)), svc.id,
                                   date::format("%F", monday_of(day)), svc.max_per_client_per_week);
            case limit::seats:
                return fmt::format("the client holds {} seat(s) at this start and asks {} more (at most {} a client)",
                                   detail::summed_at(seats_at_, s), seats, svc.max_seats_per_client);
        }
        return {};
    }

    /// False when `allows` is true of every start: no client asks, or the service limits none.
    [[nodiscard]] bool limits_starts() const noexcept { return limited_; }

    /// True when start `s` for `seats` more seats passes every limit.
    [[nodiscard]] bool allows(instant s, int seats, const service& svc, const zone_offsets& offsets) const {
        return !limited_ || failing(s, seats, svc, offsets.date_of(s)) == limit::none;
    }

private:
    enum class limit { none, per_day, per_week, seats };

    /// The first limit of `svc` that start `s` (on local date `day`) fails.
    [[nodiscard]] limit failing(instant s, int seats, const service& svc, local_date day) const {
        if (!limited_) return limit::none;
        if (svc.max_per_client_per_day > 0 && detail::summed_at(per_day_, day) >= svc.max_per_client_per_day)
            return limit::per_day;
        if (svc.max_per_client_per_week > 0 &&
            detail::summed_at(per_week_, monday_of(day)) >= svc.max_per_client_per_week)
            return limit::per_week;
        if (svc.max_seats_per_client > 0 && detail::summed_at(seats_at_, s) + seats > svc.max_seats_per_client)
            return limit::seats;
        return limit::none;
    }

    bool limited_ = false;
    std::vector<std::pair<local_date, int>> per_day_;    // by date, summed
    std::vector<std::pair<local_date, int>> per_week_;   // by the week's Monday, summed
    std::vector<std::pair<instant, long long>> seats_at_;  // by start, summed
};

}  // namespace slotcraft
