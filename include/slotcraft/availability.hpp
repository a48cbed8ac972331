#pragma once
/// \file
/// The stateless availability query (SPEC §6-§8): free slots of one service
/// across several resources, and why a given start is not bookable.

#include <slotcraft/resource_view.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace slotcraft {

/// How several resources combine (SPEC §6).
enum class resource_mode {
    any,  ///< round robin: one free resource is enough
    all,  ///< collective: every resource must be free
};

/// Parses `any` or `all`. \throws error naming `field`.
[[nodiscard]] inline resource_mode parse_resource_mode(std::string_view text, const std::string& field) {
    if (text == "any") return resource_mode::any;
    if (text == "all") return resource_mode::all;
    reject(field, fmt::format("unknown mode \"{}\" (expected any or all)", text.substr(0, 32)));
}

/// The longest query range accepted (SPEC §7).
inline constexpr std::chrono::days max_query_range{366};

/// Checks the query range `[from, to)` and the seats asked (SPEC §7).
/// \throws error (invalid_argument) naming `to` or `seats`.
inline void validate_query_range(instant from, instant to, int seats) {
    if (to <= from) reject("to", "must be after from");
    if (to - from > max_query_range) reject("to", "the query range must be at most 366 days");
    if (seats < 1) reject("seats", fmt::format("must be at least 1 (got {})", seats));
}

/// Everything needed to answer "when is this service free?" (SPEC §8).
struct slot_query {
    instant now{};
    instant from{};
    instant to{};
    resource_mode mode = resource_mode::any;
    service asked{};
    /// Seats the asker wants.
    int seats = 1;
    std::vector<resource> resources{};

    /// Checks SPEC §7; field names are those of the JSON query.
    /// \throws error (invalid_argument) naming the field.
    void validate() const {
        validate_query_range(from, to, seats);
        asked.validate("service.");
        if (resources.empty()) reject("resources", "at least one resource is needed");
        std::set<std::string_view> ids;
        for (std::size_t i = 0; i < resources.size(); ++i) {
            const resource& r = resources[i];
            const std::string prefix = fmt::format("resources[{}].", i);
            if (r.id.empty()) reject(prefix + "id", "must not be empty");
            if (!ids.insert(r.id).second) reject(prefix + "id", fmt::format("duplicate resource id \"{}\"", r.id));
            for (std::size_t j = 0; j < r.rules.time_off.size(); ++j)
                if (r.rules.time_off[j].empty())
                    reject(fmt::format("{}time_off[{}].end", prefix, j), "must be after start");
            for (std::size_t j = 0; j < r.bookings.size(); ++j)
                if (auto found = r.bookings[j].problem())
                    reject(fmt::format("{}bookings[{}].{}", prefix, j, found->first), found->second);
        }
    }

    [[nodiscard]] interval range() const noexcept { return {from, to}; }
};

/// A free slot: its core time, the free resources (preferred first in `any`
/// mode, query order in `all` mode) and the seats left.
struct slot {
    interval time;
    std::vector<std::string> resources;
    long long seats_left = 0;

    friend bool operator==(const slot&, const slot&) = default;
};

namespace detail {

struct resource_slot {
    instant start;
    long long seats_left;
};

inline std::vector<resource_slot> free_starts(const resource_view& view, int seats) {
    std::vector<resource_slot> out;
    for (instant s : view.candidates())
        if (view.bookable(s, seats)) out.push_back({s, view.seats_left(s)});
    return out;
}

}  // namespace detail

/// The free slots of `query` (SPEC §3-§6), ordered by start.
/// \throws error (invalid_argument) for bad input, before any work.
[[nodiscard]] inline std::vector<slot> find_slots(const slot_query& query) {
    query.validate();
    const std::size_t n = query.resources.size();
    std::vector<resource_view> views;
    views.reserve(n);
    for (const resource& r : query.resources) views.emplace_back(r, query.asked, query.now, query.range());

    // Per resource: its free starts; the preference order of SPEC §6 `any`.
    std::vector<std::vector<detail::resource_slot>> free(n);
    for (std::size_t i = 0; i < n; ++i) free[i] = detail::free_starts(views[i], query.seats);
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    if (query.mode == resource_mode::any) {
        std::vector<std::size_t> load(n);
        for (std::size_t i = 0; i < n; ++i) load[i] = views[i].bookings_starting_in(query.range());
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return std::tie(load[a], query.resources[a].id) < std::tie(load[b], query.resources[b].id);
        });
    }

    // Merge the sorted per-resource lists by start.
    std::vector<std::size_t> next(n, 0);
    std::vector<slot> out;
    for (;;) {
        instant start = instant::max();
        for (std::size_t i = 0; i < n; ++i)
            if (next[i] < free[i].size()) start = std::min(start, free[i][next[i]].start);
        if (start == instant::max()) break;

        slot found{{start, start + query.asked.duration}, {}, 0};
        bool seats_set = false;
        for (std::size_t i : order) {
            if (next[i] >= free[i].size() || free[i][next[i]].start != start) continue;
            const long long left = free[i][next[i]].seats_left;
            found.resources.push_back(query.resources[i].id);
            // `any`: the preferred (first) resource's seats; `all`: the minimum.
            if (!seats_set || (query.mode == resource_mode::all && left < found.seats_left)) found.seats_left = left;
            seats_set = true;
        }
        for (std::size_t i = 0; i < n; ++i)
            if (next[i] < free[i].size() && free[i][next[i]].start == start) ++next[i];
        if (query.mode == resource_mode::any || found.resources.size() == n) out.push_back(std::move(found));
    }
    return out;
}

/// Why one resource cannot take a start.
struct resource_refusal {
    std::string resource;
    std::vector<reason> reasons;  ///< empty when the resource can take it
};

namespace detail {

inline std::string local_text(const zone& tz, instant t) {
    return date::format("%a %F %R", tz.to_local(t));
}

inline std::string booking_name(const resource& r, const booking& b) {
    if (!b.id.empty()) return b.id;
    return fmt::format("{}#{}", r.id, &b - r.bookings.data());
}

inline std::string describe(reason_code code, const resource_view& view, const slot_query& q, instant s,
                            const booking* b) {
    const resource& r = view.source();
    const zone& tz = r.rules.time_zone;
    const auto span = fmt::format("{} - {} {}", local_text(tz, s), date::format("%R", tz.to_local(s + q.asked.duration)),
                                  tz.name());
    switch (code) {
        case reason_code::outside_hours: return fmt::format("{} is outside the working hours of {}", span, r.id);
        case reason_code::on_break: return fmt::format("{} overlaps a break of {}", span, r.id);
        case reason_code::time_off: return fmt::format("{} overlaps time off of {}", span, r.id);
        case reason_code::busy:
            return fmt::format("{} overlaps booking {} ({} - {})", span, booking_name(r, *b), local_text(tz, b->time.start),
                               date::format("%R", tz.to_local(b->time.end)));
        case reason_code::buffer:
            return fmt::format("{} is too close to booking {} ({} - {}) once buffers are kept", span,
                               booking_name(r, *b), local_text(tz, b->time.start),
                               date::format("%R", tz.to_local(b->time.end)));
        case reason_code::too_soon:
            return fmt::format("starts before now + {} minutes of notice", q.asked.min_notice.count());
        case reason_code::too_far_ahead:
            return fmt::format("starts more than {} minutes ahead", q.asked.max_advance.count());
        case reason_code::daily_limit:
            return fmt::format("{} already has {} booking(s) of {} on {}", r.id, q.asked.max_per_day, q.asked.id,
                               date::format("%F", tz.date_of(s)));
        case reason_code::no_seats:
            return fmt::format("{} seat(s) asked, {} left", q.seats, std::max(0LL, view.seats_left(s)));
        case reason_code::off_grid:
            return fmt::format("{} is not one of the service's start times ({} alignment, step {} minutes)", span,
                               to_string(q.asked.align), q.asked.grid_step().count());
    }
    return {};
}

}  // namespace detail

/// Every reason each resource of `query` cannot take `start` (SPEC §2-§5, and
/// `off_grid` for a start inside open time that is not a candidate of §3); the
/// query range is ignored. A start that
/// `find_slots` lists has no reasons for the resources it lists.
/// \throws error (invalid_argument) for bad input.
[[nodiscard]] inline std::vector<resource_refusal> explain(const slot_query& query, instant start) {
    query.validate();
    std::vector<resource_refusal> out;
    const interval just_start{start, start + std::chrono::seconds{1}};
    for (const resource& r : query.resources) {
        const resource_view view(r, query.asked, query.now, just_start);
        resource_refusal refusal{r.id, {}};
        view.check(start, query.seats, [&](reason_code code, const booking* b) {
            refusal.reasons.push_back(
                {code, b ? detail::booking_name(r, *b) : std::string{}, detail::describe(code, view, query, start, b)});
            return true;
        });
        // Off the grid matters only inside open time; elsewhere there is no grid to miss.
        const auto grid = view.candidates();
        if (view.open().open.part_containing(start) != nullptr && !std::binary_search(grid.begin(), grid.end(), start))
            refusal.reasons.push_back({reason_code::off_grid, {}, detail::describe(reason_code::off_grid, view, query, start, nullptr)});
        out.push_back(std::move(refusal));
    }
    return out;
}

}  // namespace slotcraft
