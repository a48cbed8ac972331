#pragma once
/// \file
/// One resource prepared to answer questions about one service at one `now`:
/// candidate starts (SPEC §3) and the checks of SPEC §2-§5. Listing slots and
/// explaining a refusal both go through `resource_view::check`.

#include <slotcraft/booking.hpp>
#include <slotcraft/reason.hpp>
#include <slotcraft/schedule.hpp>
#include <slotcraft/service.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace slotcraft {

/// A bookable thing with its own rules and zone: a master, a teacher, a room.
struct resource {
    std::string id{};
    schedule rules{};
    std::vector<booking> bookings{};
};

/// A resource prepared for one service, one `now` and a range of starts.
class resource_view {
public:
    /// Prepares `res` for starts in `starts`. `res` and `svc` must outlive the view.
    resource_view(const resource& res, const service& svc, instant now, interval starts)
        : resource_(&res), service_(&svc), now_(now), starts_(starts) {
        const interval reach{starts.start, starts.end + svc.duration};
        open_ = compute_open_time(res.rules, reach);

        for (const booking& b : res.bookings) {
            if (!b.active_at(now)) continue;
            active_.push_back(&b);
            longest_padded_ = std::max(longest_padded_, b.padded().length());
            if (shares_seats(b)) seats_taken_[b.time.start] += b.seats;
            if (svc.max_per_day > 0 && b.service == svc.id) ++per_day_[res.rules.time_zone.date_of(b.time.start)];
        }
        std::sort(active_.begin(), active_.end(),
                  [](const booking* a, const booking* b) { return a->padded().start < b->padded().start; });
    }

    [[nodiscard]] const resource& source() const noexcept { return *resource_; }
    [[nodiscard]] const open_time& open() const noexcept { return open_; }

    /// Runs every check of SPEC §2-§5 on start `s` for `seats` seats, calling
    /// `refuse(reason_code, const booking*)` for each rule that fails (the
    /// booking is the one in the way, else nullptr); `refuse` returns false to
    /// stop at that reason. Returns true when `s` passes every check.
    template <class Refuse>
    bool check(instant s, int seats, Refuse&& refuse) const {
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
        if (!open_.open.covers(core)) {
            const interval_set hours = open_.hours.clipped_to(core);
            if (!hours.covers(core) && !report(reason_code::outside_hours)) return false;
            const interval_set breaks = open_.breaks.clipped_to(core) & hours;
            if (!breaks.empty() && !report(reason_code::on_break)) return false;
            if (!((open_.time_off.clipped_to(core) & hours) - breaks).empty() && !report(reason_code::time_off))
                return false;
        }

        const interval padded{s - svc.buffer_before, core.end + svc.buffer_after};
        const auto first = std::lower_bound(active_.begin(), active_.end(), padded.start - longest_padded_,
                                            [](const booking* b, instant t) { return b->padded().start <= t; });
        for (auto it = first; it != active_.end() && (*it)->padded().start < padded.end; ++it) {
            const booking& b = **it;
            if (!b.padded().overlaps(padded) || (shares_seats(b) && b.time.start == s)) continue;
            if (!report(b.time.overlaps(core) ? reason_code::busy : reason_code::buffer, &b)) return false;
        }

        if (seats_taken(s) + seats > svc.capacity && !report(reason_code::no_seats)) return false;

        if (svc.max_per_day > 0) {
            const auto day = per_day_.find(resource_->rules.time_zone.date_of(s));
            if (day != per_day_.end() && day->second >= svc.max_per_day && !report(reason_code::daily_limit))
                return false;
        }
        return passed;
    }

    /// True when `s` passes every check (the listing path: stops at the first failure).
    [[nodiscard]] bool bookable(instant s, int seats) const {
        return check(s, seats, [](reason_code, const booking*) { return false; });
    }

    /// Seats of the same group service already taken at `s` (0 for a
    /// one-seat service, whose bookings are obstacles, not seats).
    [[nodiscard]] long long seats_taken(instant s) const {
        const auto it = seats_taken_.find(s);
        return it == seats_taken_.end() ? 0 : it->second;
    }
    [[nodiscard]] long long seats_left(instant s) const { return service_->capacity - seats_taken(s); }

    /// Active bookings (of any service) starting inside `range`.
    [[nodiscard]] std::size_t bookings_starting_in(interval range) const {
        return static_cast<std::size_t>(std::count_if(
            active_.begin(), active_.end(), [&](const booking* b) { return range.contains(b->time.start); }));
    }

    /// The candidate starts of SPEC §3 inside the view's range of starts,
    /// sorted and unique, before any check.
    [[nodiscard]] std::vector<instant> candidates() const {
        std::vector<instant> out;
        const service& svc = *service_;
        const minutes step = svc.grid_step();
        switch (svc.align) {
            case alignment::window:
                for (const window& w : open_.windows) add_grid(w.span, step, out);
                break;
            case alignment::free: {
                const interval_set obstacles = widened_bookings();
                for (const window& w : open_.windows)
                    for (const interval& piece : interval_set{w.span} - obstacles.clipped_to(w.span))
                        add_grid(piece, step, out);
                break;
            }
            case alignment::clock: {
                const zone& tz = resource_->rules.time_zone;
                const auto [first, last] = dates_touching(tz, starts_);
                for (local_date day = first; day <= last; day += date::days{1})
                    for (minutes wall{0}; wall < date::days{1}; wall += step)
                        for (instant t : tz.instants_at(day, wall))
                            if (starts_.contains(t) && open_.open.part_containing(t)) out.push_back(t);
                break;
            }
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

private:
    /// A booking of the same group service uses seats instead of blocking time.
    [[nodiscard]] bool shares_seats(const booking& b) const {
        return service_->is_group() && b.service == service_->id;
    }

    /// SPEC §3 `free`: every obstacle's padded interval, widened by the
    /// asked service's own buffers.
    [[nodiscard]] interval_set widened_bookings() const {
        std::vector<interval> pieces;
        for (const booking* b : active_)
            if (!shares_seats(*b))
                pieces.push_back({b->padded().start - service_->buffer_after, b->padded().end + service_->buffer_before});
        return interval_set(std::move(pieces));
    }

    /// `piece.start + k*step` below `piece.end`, restricted to the range of starts.
    void add_grid(const interval& piece, minutes step, std::vector<instant>& out) const {
        instant t = piece.start;
        if (t < starts_.start) {
            const auto steps_behind = (starts_.start - t + step - std::chrono::seconds{1}) / step;
            t += steps_behind * step;
        }
        for (const instant stop = std::min(piece.end, starts_.end); t < stop; t += step) out.push_back(t);
    }

    const resource* resource_;
    const service* service_;
    instant now_;
    interval starts_;
    open_time open_;
    std::vector<const booking*> active_;  // by padded start
    std::chrono::seconds longest_padded_{0};
    std::map<instant, long long> seats_taken_;
    std::map<local_date, int> per_day_;
};

}  // namespace slotcraft
