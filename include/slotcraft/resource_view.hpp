#pragma once
/// \file
/// One resource prepared to answer questions about one service at one `now`:
/// candidate starts (SPEC §3) and the checks of SPEC §2-§5. Explaining a
/// refusal goes through `resource_view::check`; listing slots gives the same
/// answer as `bookable` on every candidate, computed in one sweep.

#include <slotcraft/booking.hpp>
#include <slotcraft/client_limits.hpp>
#include <slotcraft/detail/radix_sort.hpp>
#include <slotcraft/reason.hpp>
#include <slotcraft/schedule.hpp>
#include <slotcraft/service.hpp>

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace slotcraft {

/// A bookable thing with its own rules and zone: a master, a teacher, a room.
struct resource {
    std::string id{};
    schedule rules{};
    std::vector<booking> bookings{};
};

namespace detail {

/// Active bookings of `r` starting inside `range` (the SPEC §6 preference key).
inline std::size_t load_of(const resource& r, instant now, interval range) {
    return static_cast<std::size_t>(std::count_if(r.bookings.begin(), r.bookings.end(), [&](const booking& b) {
        return b.active_at(now) && range.contains(b.time.start);
    }));
}

}  // namespace detail

/// The ids of a slot's resources (or of a pool's free members). Most slots
/// have one: it is kept inline, so a slot of one resource with a short id
/// allocates nothing.
using resource_ids = boost::container::small_vector<std::string, 1>;

/// A start that passes every check, with the seats left at it.
struct free_start {
    instant start;
    long long seats_left;
    friend constexpr bool operator==(const free_start&, const free_start&) = default;
};

/// A resource prepared for one service, one `now` and a range of starts.
class resource_view {
public:
    /// Prepares `res` for starts in `starts`, for `client` when one asks (its
    /// SPEC §11 limits apply then). `res`, `svc` and `client` must outlive the view.
    resource_view(const resource& res, const service& svc, instant now, interval starts,
                  const asking_client* client = nullptr)
        : resource_view(res, svc, now, starts, std::shared_ptr<const zone_offsets>{}, client) {}

    /// As above, with `offsets` of the resource's zone covering `starts` (the
    /// resources of one query in one zone can share them); nullptr reads them.
    resource_view(const resource& res, const service& svc, instant now, interval starts,
                  std::shared_ptr<const zone_offsets> offsets, const asking_client* client = nullptr)
        : service_(&svc), now_(now), client_(client) {
        reset(res, starts, std::move(offsets));
    }

    /// Prepares the view for another resource and range of starts (same
    /// service and `now`), keeping the memory it has, so that going through
    /// many resources with one view allocates almost nothing.
    void reset(const resource& res, interval starts, std::shared_ptr<const zone_offsets> offsets) {
        const service& svc = *service_;
        resource_ = &res;
        starts_ = starts;
        const interval reach{starts.start, starts.end + svc.duration};
        offsets_ = std::move(offsets);
        if (!offsets_ || !(offsets_->time_zone() == res.rules.time_zone))
            offsets_ = std::make_shared<const zone_offsets>(res.rules.time_zone, reach);
        compute_open_time(res.rules, reach, *offsets_, open_);

        active_.clear();
        seats_taken_.clear();
        per_day_.clear();
        longest_padded_ = std::chrono::seconds{0};
        // A booking matters to a start in `starts` when it can overlap the
        // start's padded interval, or (`free` alignment) cut a window that
        // the start's grid is laid on. Beyond both it is left out; a booking
        // of the service still counts towards its local date's limit.
        interval matters = reach;
        for (const window& w : open_.windows)
            if (w.span.overlaps(reach)) matters = {std::min(matters.start, w.span.start), std::max(matters.end, w.span.end)};
        const std::chrono::seconds widen = svc.buffer_before + svc.buffer_after;
        matters = {matters.start - widen, matters.end + widen};
        active_.reserve(res.bookings.size());
        bool in_order = true;  // by padded start, as bookings read from a store come
        for (const booking& b : res.bookings) {
            if (!b.active_at(now_)) continue;
            if (svc.max_per_day > 0 && b.service == svc.id) per_day_.emplace_back(offsets_->date_of(b.time.start), 1);
            const interval padded = b.padded();
            if (!padded.overlaps(matters)) continue;
            const bool seats_only = shares_seats(b);
            if (!active_.empty() && padded.start < active_.back().padded.start) in_order = false;
            active_.push_back({padded, b.time, &b, seats_only});
            longest_padded_ = std::max(longest_padded_, padded.length());
            if (seats_only) seats_taken_.emplace_back(b.time.start, b.seats);
        }
        if (!in_order) sort_active();
        detail::sum_by_key(seats_taken_);
        detail::sum_by_key(per_day_);
        client_load_.reset(client_, svc, now_, *offsets_);
    }

    [[nodiscard]] const resource& source() const noexcept { return *resource_; }
    [[nodiscard]] const open_time& open() const noexcept { return open_; }

    /// Runs every check of SPEC §2-§5 on start `s` for `seats` seats, calling
    /// `refuse(reason_code, const booking*)` for each rule that fails (the
    /// booking is the one in the way, else nullptr); `refuse` returns false to
    /// stop at that reason. Returns true when `s` passes every check.
    template <class Refuse>
    bool check(instant s, int seats, Refuse&& refuse) const {
        return check_at(s, seats, refuse, nullptr);
    }

    /// True when `s` passes every check (stops at the first failure).
    [[nodiscard]] bool bookable(instant s, int seats) const { return check_at(s, seats, stop_at_first{}, nullptr); }

    /// The candidate starts that pass every check, in order, with the seats
    /// left at each: `bookable` and `seats_left` of every candidate, found in
    /// one sweep. Stops after `max_count` of them or at the first candidate
    /// after `until`.
    [[nodiscard]] std::vector<free_start> free_starts(int seats, std::size_t max_count = SIZE_MAX,
                                                      instant until = instant::max()) const {
        std::vector<free_start> out;
        std::vector<instant> scratch;
        free_starts(seats, out, scratch, max_count, until);
        return out;
    }
    /// As above, into `out` (replacing its contents), with `scratch` for the
    /// candidates: once both have grown, no allocation.
    void free_starts(int seats, std::vector<free_start>& out, std::vector<instant>& scratch,
                     std::size_t max_count = SIZE_MAX, instant until = instant::max()) const {
        out.clear();
        scratch.clear();
        collect_candidates(scratch);
        out.reserve(std::min(scratch.size(), max_count));
        if (seats_taken_.empty()) {
            free_starts_between_obstacles(seats, out, scratch, max_count, until);
            return;
        }
        // Bookings sharing seats: each candidate checked in order, with cursors.
        sweep_cursor cursor;
        for (instant s : scratch) {
            if (out.size() >= max_count || s > until) break;
            if (check_at(s, seats, stop_at_first{}, &cursor)) out.push_back({s, service_->capacity - cursor.taken});
        }
    }

    /// Seats of the same group service already taken at `s` (0 for a
    /// one-seat service, whose bookings are obstacles, not seats).
    [[nodiscard]] long long seats_taken(instant s) const { return detail::summed_at(seats_taken_, s); }
    [[nodiscard]] long long seats_left(instant s) const { return service_->capacity - seats_taken(s); }

    /// Why start `s` for `seats` seats fails the asking client's limits
    /// (SPEC §11); empty when it does not, or no client asks.
    [[nodiscard]] std::string client_refusal(instant s, int seats) const {
        return client_load_.refusal(s, seats, *service_, *offsets_);
    }

    /// SPEC §10: true when this resource, as a member of a pool, is free for
    /// start `s`: the core lies inside one maximal part of its open time and
    /// no active booking is in the way of the padded interval, a booking of
    /// the same group service starting at `s` being the class already there.
    /// Its grid, notice, advance, daily limit and seats play no part.
    [[nodiscard]] bool free_as_pool_member(instant s) const {
        const service& svc = *service_;
        const interval core{s, s + svc.duration};
        if (!open_.open.covers(core)) return false;
        const interval padded{s - svc.buffer_before, core.end + svc.buffer_after};
        for (std::size_t i = first_reaching(padded); i < active_.size() && active_[i].padded.start < padded.end; ++i)
            if (in_the_way(active_[i], padded, s)) return false;
        return true;
    }

    /// Active bookings (of any service) starting inside `range`.
    [[nodiscard]] std::size_t bookings_starting_in(interval range) const {
        return static_cast<std::size_t>(std::count_if(
            active_.begin(), active_.end(), [&](const active_booking& b) { return range.contains(b.time.start); }));
    }

    /// The candidate starts of SPEC §3 inside the view's range of starts,
    /// sorted and unique, before any check.
    [[nodiscard]] std::vector<instant> candidates() const {
        std::vector<instant> out;
        collect_candidates(out);
        return out;
    }

private:
    /// An active booking as the checks read it.
    struct active_booking {
        interval padded;
        interval time;
        const booking* source;
        bool seats_only;  // a booking of the same group service: takes seats at its start, blocks nothing
    };

    /// Whether active booking `b` is in the way of start `s` with padded
    /// interval `padded` (SPEC §4): their padded intervals overlap, and `b` is
    /// not a seat of the same group class at that very start.
    static bool in_the_way(const active_booking& b, const interval& padded, instant s) noexcept {
        return b.padded.overlaps(padded) && !(b.seats_only && b.time.start == s);
    }

    /// The position of the first active booking that can reach `padded`:
    /// only those whose padded start is after `padded.start - longest_padded_`.
    [[nodiscard]] std::size_t first_reaching(const interval& padded) const {
        const instant reach_back = padded.start - longest_padded_;
        return static_cast<std::size_t>(
            std::upper_bound(active_.begin(), active_.end(), reach_back,
                             [](instant t, const active_booking& b) { return t < b.padded.start; }) -
            active_.begin());
    }

    /// `refuse` of the listing path: any failure ends the check.
    struct stop_at_first {
        bool operator()(reason_code, const booking*) const noexcept { return false; }
    };

    /// Where the checks of increasing starts have got to, so that each
    /// lookup moves forward instead of searching again.
    struct sweep_cursor {
        std::size_t open_part = 0;
        std::size_t first_booking = 0;
        std::size_t seat_entry = 0;
        long long taken = 0;  // seats taken at the last start that got that far
    };

    template <class Refuse>
    bool check_at(instant s, int seats, Refuse&& refuse, sweep_cursor* cursor) const {
        constexpr bool first_failure_ends = std::is_same_v<std::remove_cvref_t<Refuse>, stop_at_first>;
        const service& svc = *service_;
        bool passed = true;
        const auto report = [&](reason_code code, const booking* in_the_way = nullptr) {
            passed = false;
            return refuse(code, in_the_way);
        };

        if (s < now_ + svc.min_notice && !report(reason_code::too_soon)) return false;
        if (svc.max_advance > minutes{0} && s >= now_ + svc.max_advance && !report(reason_code::too_far_ahead))
            return false;

        const interval core{s, s + svc.duration};
        if (!open_covers(core, cursor)) {
            if constexpr (first_failure_ends) return false;  // some reason below applies; which one does not matter
            const interval_set hours = open_.hours.clipped_to(core);
            if (!hours.covers(core) && !report(reason_code::outside_hours)) return false;
            const interval_set breaks = open_.breaks.clipped_to(core) & hours;
            if (!breaks.empty() && !report(reason_code::on_break)) return false;
            if (!((open_.time_off.clipped_to(core) & hours) - breaks).empty() && !report(reason_code::time_off))
                return false;
        }

        const interval padded{s - svc.buffer_before, core.end + svc.buffer_after};
        std::size_t first = 0;
        if (cursor != nullptr) {
            const instant reach_back = padded.start - longest_padded_;
            while (cursor->first_booking < active_.size() && active_[cursor->first_booking].padded.start <= reach_back)
                ++cursor->first_booking;
            first = cursor->first_booking;
        } else {
            first = first_reaching(padded);
        }
        for (std::size_t i = first; i < active_.size() && active_[i].padded.start < padded.end; ++i) {
            const active_booking& b = active_[i];
            if (!in_the_way(b, padded, s)) continue;
            if (!report(b.time.overlaps(core) ? reason_code::busy : reason_code::buffer, b.source)) return false;
        }

        long long taken = 0;
        if (!seats_taken_.empty()) {
            if (cursor != nullptr) {
                while (cursor->seat_entry < seats_taken_.size() && seats_taken_[cursor->seat_entry].first < s)
                    ++cursor->seat_entry;
                if (cursor->seat_entry < seats_taken_.size() && seats_taken_[cursor->seat_entry].first == s)
                    taken = seats_taken_[cursor->seat_entry].second;
            } else {
                taken = seats_taken(s);
            }
        }
        if (cursor != nullptr) cursor->taken = taken;
        if (taken + seats > svc.capacity && !report(reason_code::no_seats)) return false;

        if (day_is_full(s) && !report(reason_code::daily_limit)) return false;
        if (!client_load_.allows(s, seats, svc, *offsets_) && !report(reason_code::client_limit)) return false;
        return passed;
    }

    /// `free_starts` when no booking shares seats with the service (every
    /// one-seat service): then the checks of SPEC §2-§4 and §5's notice and
    /// advance limits together allow a set of starts, the open parts shrunk
    /// by the duration and cut to the limits, minus the starts whose padded
    /// interval would meet a booking's. The candidates are taken run by run
    /// from its pieces instead of being checked one by one; only the daily
    /// limit and the client's limits are still looked up per start.
    void free_starts_between_obstacles(int seats, std::vector<free_start>& out, std::span<const instant> candidates,
                                       std::size_t max_count, instant until) const {
        const service& svc = *service_;
        if (seats > svc.capacity) return;  // no seats at any start
        using std::chrono::seconds;
        const seconds duration = svc.duration;
        // Booking `b` is in the way of start `s` when [s - before, s + duration + after)
        // overlaps b.padded: b.padded.start - duration - after < s < b.padded.end + before.
        // In whole seconds that is the run [b.padded.start - duration - after + 1s, b.padded.end + before).
        const seconds run_from = -(duration + svc.buffer_after) + seconds{1};
        const seconds run_to = svc.buffer_before;
        const instant earliest = now_ + svc.min_notice;
        const instant latest = svc.max_advance > minutes{0} ? now_ + svc.max_advance : instant::max();
        // Without a daily limit or a client's limits, a run's starts are listed as they are.
        const bool each_start_checked = svc.max_per_day > 0 || client_load_.limits_starts();
        const long long capacity = svc.capacity;

        // The starts some booking is in the way of, as merged runs in order
        // (the bookings are sorted by padded start, and so are the runs' starts).
        const active_booking* next_booking = active_.data();
        const active_booking* const bookings_end = next_booking + active_.size();
        interval blocked{};
        const auto next_blocked = [&] {
            if (next_booking == bookings_end) {
                blocked = {instant::max(), instant::max()};
                return;
            }
            blocked = {next_booking->padded.start + run_from, next_booking->padded.end + run_to};
            for (++next_booking; next_booking != bookings_end && next_booking->padded.start + run_from <= blocked.end;
                 ++next_booking)
                blocked.end = std::max(blocked.end, next_booking->padded.end + run_to);
        };
        next_blocked();

        const instant* candidate = candidates.data();
        // Candidates after `until` are never listed.
        const instant* const candidates_end = std::upper_bound(candidate, candidate + candidates.size(), until);
        for (const interval& part : open_.open.parts()) {
            // Starts whose core [s, s + duration) lies inside `part`, within the limits.
            instant from = std::max(part.start, earliest);
            const instant to = std::min(part.end - duration + seconds{1}, latest);
            while (from < to) {
                while (blocked.end <= from) next_blocked();
                if (blocked.start <= from) {
                    from = blocked.end;
                    continue;
                }
                const instant free_until = std::min(to, blocked.start);  // [from, free_until) is allowed
                while (candidate != candidates_end && *candidate < from) ++candidate;
                const instant* const run_begin = candidate;
                while (candidate != candidates_end && *candidate < free_until) ++candidate;
                if (!each_start_checked) {
                    const std::size_t room = max_count - out.size();
                    const auto run_length = static_cast<std::size_t>(candidate - run_begin);
                    for (const instant* s = run_begin; s != run_begin + std::min(run_length, room); ++s)
                        out.push_back({*s, capacity});
                    if (run_length > room) return;
                } else {
                    for (const instant* s = run_begin; s != candidate; ++s) {
                        if (out.size() >= max_count) return;
                        if (!day_is_full(*s) && client_load_.allows(*s, seats, svc, *offsets_))
                            out.push_back({*s, capacity});
                    }
                }
                from = free_until;
            }
            if (candidate == candidates_end) return;
        }
    }

    /// True when the service's daily limit is reached on the local date of `s`.
    [[nodiscard]] bool day_is_full(instant s) const {
        return service_->max_per_day > 0 && detail::summed_at(per_day_, offsets_->date_of(s)) >= service_->max_per_day;
    }

    /// True when the non-empty `core` lies inside one maximal part of open time.
    [[nodiscard]] bool open_covers(const interval& core, sweep_cursor* cursor) const noexcept {
        if (cursor == nullptr) return open_.open.covers(core);
        const std::span<const interval> parts = open_.open.parts();
        while (cursor->open_part < parts.size() && parts[cursor->open_part].end <= core.start) ++cursor->open_part;
        if (cursor->open_part == parts.size()) return false;
        const interval& part = parts[cursor->open_part];
        return part.start <= core.start && core.end <= part.end;
    }

    /// Sorts the active bookings by padded start; ties keep the input order,
    /// so explanations list bookings the same way every time. A few are
    /// sorted directly, many by radix as {offset, position} keys, gathered
    /// in that order afterwards.
    void sort_active() {
        if (active_.size() <= 64) {
            std::sort(active_.begin(), active_.end(), [](const active_booking& a, const active_booking& b) {
                return a.padded.start != b.padded.start ? a.padded.start < b.padded.start : a.source < b.source;
            });
            return;
        }
        instant earliest = instant::max();
        for (const active_booking& b : active_) earliest = std::min(earliest, b.padded.start);
        order_.clear();
        order_.reserve(active_.size());
        for (std::size_t i = 0; i < active_.size(); ++i)
            order_.push_back({static_cast<std::uint64_t>((active_[i].padded.start - earliest).count()), static_cast<std::uint32_t>(i)});
        detail::radix_sort_stable(order_, order_buffer_);
        unsorted_.swap(active_);
        active_.clear();
        active_.reserve(unsorted_.size());
        for (const auto& key : order_) active_.push_back(unsorted_[key.position]);
    }

    /// A booking of the same group service (at the same place) uses seats instead of blocking time.
    [[nodiscard]] bool shares_seats(const booking& b) const {
        return service_->is_group() && b.service == service_->id && !b.elsewhere;
    }

    /// Appends the candidate starts of SPEC §3 inside the view's range of
    /// starts to the empty `out`, sorted and unique.
    void collect_candidates(std::vector<instant>& out) const {
        const service& svc = *service_;
        const minutes step = svc.grid_step();
        if (svc.align != alignment::clock) {
            std::size_t most = 0;  // an upper bound of the grid points, to allocate once
            for (const window& w : open_.windows)
                if (w.span.end > starts_.start && w.span.start < starts_.end)
                    most += static_cast<std::size_t>((std::min(w.span.end, starts_.end) - std::max(w.span.start, starts_.start)) / step) + 1;
            out.reserve(out.size() + most);
        }
        bool in_order = true;  // strictly increasing
        switch (svc.align) {
            case alignment::window:
                for (const window& w : open_.windows) add_grid(w.span, step, out, in_order);
                break;
            case alignment::free: {
                // Each window minus the obstacles, swept in order.
                const interval_set obstacles = widened_bookings();
                const std::span<const interval> cuts = obstacles.parts();
                for (const window& w : open_.windows) {
                    interval piece = w.span;
                    auto cut = std::lower_bound(cuts.begin(), cuts.end(), piece.start,
                                                [](const interval& c, instant t) { return c.end <= t; });
                    for (; cut != cuts.end() && cut->start < piece.end; ++cut) {
                        if (cut->start > piece.start) add_grid({piece.start, cut->start}, step, out, in_order);
                        piece.start = std::max(piece.start, cut->end);
                        if (piece.empty()) break;
                    }
                    if (!piece.empty()) add_grid(piece, step, out, in_order);
                }
                break;
            }
            case alignment::clock: {
                const auto [first, last] = dates_touching(*offsets_, starts_);
                for (local_date day = first; day <= last; day += date::days{1})
                    for (minutes wall{0}; wall < date::days{1}; wall += step)
                        for (instant t : offsets_->instants_at(day, wall))
                            if (starts_.contains(t) && open_.open.part_containing(t)) out.push_back(t);
                in_order = std::adjacent_find(out.begin(), out.end(), std::greater_equal<>{}) == out.end();
                break;
            }
        }
        // Windows of one date come in order; only dates whose hours overlap
        // (overnight ranges, DST) leave something to sort.
        if (!in_order) {
            std::sort(out.begin(), out.end());
            out.erase(std::unique(out.begin(), out.end()), out.end());
        }
    }

    /// SPEC §3 `free`: every obstacle's padded interval, widened by the
    /// asked service's own buffers.
    [[nodiscard]] interval_set widened_bookings() const {
        std::vector<interval> pieces;
        pieces.reserve(active_.size());
        for (const active_booking& b : active_)
            if (!b.seats_only)
                pieces.push_back({b.padded.start - service_->buffer_after, b.padded.end + service_->buffer_before});
        return interval_set(std::move(pieces));
    }

    /// Appends `piece.start + k*step` below `piece.end`, restricted to the
    /// range of starts; clears `in_order` when they do not all come after
    /// what `out` holds.
    void add_grid(const interval& piece, minutes step, std::vector<instant>& out, bool& in_order) const {
        instant t = piece.start;
        if (t < starts_.start) {
            const auto steps_behind = (starts_.start - t + step - std::chrono::seconds{1}) / step;
            t += steps_behind * step;
        }
        const instant stop = std::min(piece.end, starts_.end);
        if (t < stop && !out.empty() && t <= out.back()) in_order = false;
        for (; t < stop; t += step) out.push_back(t);
    }

    const resource* resource_ = nullptr;
    const service* service_;
    instant now_;
    const asking_client* client_ = nullptr;
    client_load client_load_;
    interval starts_{};
    std::shared_ptr<const zone_offsets> offsets_;
    open_time open_;
    std::vector<active_booking> active_;  // by padded start
    std::vector<active_booking> unsorted_;                 // sorting buffers, kept for reuse
    std::vector<detail::offset_key> order_, order_buffer_;
    std::chrono::seconds longest_padded_{0};
    std::vector<std::pair<instant, long long>> seats_taken_;  // by start, summed
    std::vector<std::pair<local_date, int>> per_day_;         // by date, summed
};

/// The bookings a check of the one start `s` of `svc` can depend on
/// (`resource_view::check`, `explain`): those whose padded interval overlaps
/// the returned interval, `s`'s own padded interval. Every other booking can
/// be left out of the resource without changing a reason or the booking it
/// names. std::nullopt when farther bookings matter too: a daily limit counts
/// every booking of `s`'s local date, and `free` alignment lays `s`'s grid
/// on windows that bookings cut.
[[nodiscard]] inline std::optional<interval> bookings_in_reach(const service& svc, instant s) {
    if (svc.max_per_day > 0 || svc.align == alignment::free) return std::nullopt;
    return interval{s - svc.buffer_before, s + svc.duration + svc.buffer_after};
}

}  // namespace slotcraft
