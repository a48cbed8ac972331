#pragma once
// The baseline: a deliberately straightforward implementation of SPEC §1-§6,
// written separately from the engine (no interval_set, no resource_view, no
// caches). For every candidate start on the grid it checks every rule against
// every booking by linear scan. The benchmark times it in the same run and
// compares its answers with the engine's; it shares with the engine only the
// input types and SPEC §1's local -> UTC conversion (`zone`).

#include <slotcraft/availability.hpp>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

namespace slotcraft::bench::baseline {

/// Sorted, merged union of `pieces`.
inline std::vector<interval> unite(std::vector<interval> pieces) {
    std::erase_if(pieces, [](const interval& p) { return p.empty(); });
    std::sort(pieces.begin(), pieces.end());
    std::vector<interval> out;
    for (const interval& p : pieces) {
        if (!out.empty() && p.start <= out.back().end) out.back().end = std::max(out.back().end, p.end);
        else out.push_back(p);
    }
    return out;
}

/// `set` minus every interval of `cuts`, one cut at a time.
inline std::vector<interval> subtract(std::vector<interval> set, const std::vector<interval>& cuts) {
    for (const interval& cut : cuts) {
        std::vector<interval> next;
        for (const interval& p : set) {
            if (!p.overlaps(cut)) {
                next.push_back(p);
                continue;
            }
            if (p.start < cut.start) next.push_back({p.start, cut.start});
            if (cut.end < p.end) next.push_back({cut.end, p.end});
        }
        set = std::move(next);
    }
    return set;
}

struct day_windows {
    local_date day;
    std::vector<interval> windows;
};

/// SPEC §2 for every local date that can touch [first_start, last_end).
inline std::vector<day_windows> windows_of(const resource& r, instant first_start, instant last_end) {
    const zone& tz = r.rules.time_zone;
    const local_date first = tz.date_of(first_start) - date::days{2};
    const local_date last = tz.date_of(last_end) + date::days{1};
    std::vector<interval> closed;
    for (local_date d = first - date::days{1}; d <= last + date::days{1}; d += date::days{1})
        for (const local_range& b : r.rules.breaks) closed.push_back(tz.to_utc(d, b));
    for (const interval& off : r.rules.time_off) closed.push_back(off);
    std::vector<day_windows> out;
    for (local_date d = first; d <= last; d += date::days{1}) {
        std::vector<interval> hours;
        for (const local_range& range : r.rules.hours_on(d)) hours.push_back(tz.to_utc(d, range));
        out.push_back({d, unite(subtract(unite(hours), closed))});
    }
    return out;
}

/// Everything one resource offers: its kept starts and the seats left at each.
struct kept_start {
    instant start;
    long long seats_left;
};

inline std::vector<kept_start> free_starts(const slot_query& q, const resource& r) {
    const service& svc = q.asked;
    const zone& tz = r.rules.time_zone;
    const minutes step = svc.grid_step();
    const std::vector<day_windows> days = windows_of(r, q.from, q.to + svc.duration);
    std::vector<interval> all;
    for (const day_windows& d : days) all.insert(all.end(), d.windows.begin(), d.windows.end());
    const std::vector<interval> open = unite(all);

    const auto same_group_service = [&](const booking& b) { return svc.capacity > 1 && b.service == svc.id; };

    // SPEC §3: the candidate grid.
    std::vector<instant> candidates;
    const auto grid = [&](const interval& piece) {
        for (instant t = piece.start; t < piece.end; t += step) candidates.push_back(t);
    };
    if (svc.align == alignment::clock) {
        for (const day_windows& d : days)
            for (minutes wall{0}; wall < date::days{1}; wall += step)
                for (instant t : tz.instants_at(d.day, wall))
                    for (const interval& o : open)
                        if (o.contains(t)) candidates.push_back(t);
    } else {
        for (const day_windows& d : days) {
            for (const interval& w : d.windows) {
                std::vector<interval> pieces{w};
                if (svc.align == alignment::free) {
                    std::vector<interval> obstacles;
                    for (const booking& b : r.bookings)
                        if (b.active_at(q.now) && !same_group_service(b))
                            obstacles.push_back({b.padded().start - svc.buffer_after, b.padded().end + svc.buffer_before});
                    pieces = subtract(pieces, obstacles);
                }
                for (const interval& p : pieces) grid(p);
            }
        }
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

    std::vector<kept_start> out;
    for (instant s : candidates) {
        if (s < q.from || s >= q.to) continue;
        if (s < q.now + svc.min_notice) continue;
        if (svc.max_advance > minutes{0} && s >= q.now + svc.max_advance) continue;
        const interval core{s, s + svc.duration};
        bool inside = false;
        for (const interval& o : open) inside = inside || (o.start <= core.start && core.end <= o.end);
        if (!inside) continue;
        const interval padded{s - svc.buffer_before, core.end + svc.buffer_after};
        bool blocked = false;
        long long taken = 0;
        int same_day = 0;
        for (const booking& b : r.bookings) {
            if (!b.active_at(q.now)) continue;
            if (same_group_service(b) && b.time.start == s) taken += b.seats;
            else if (b.padded().overlaps(padded)) blocked = true;
            if (svc.max_per_day > 0 && b.service == svc.id && tz.date_of(b.time.start) == tz.date_of(s)) ++same_day;
        }
        if (blocked || taken + q.seats > svc.capacity) continue;
        if (svc.max_per_day > 0 && same_day >= svc.max_per_day) continue;
        out.push_back({s, svc.capacity - taken});
    }
    return out;
}

/// SPEC §6: the answer of `find_slots`, the straightforward way.
inline std::vector<slot> find_slots(const slot_query& q) {
    const std::size_t n = q.resources.size();
    std::vector<std::vector<kept_start>> each(n);
    for (std::size_t i = 0; i < n; ++i) each[i] = free_starts(q, q.resources[i]);

    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    if (q.mode == resource_mode::any) {
        std::vector<std::size_t> load(n, 0);
        for (std::size_t i = 0; i < n; ++i)
            for (const booking& b : q.resources[i].bookings)
                if (b.active_at(q.now) && q.range().contains(b.time.start)) ++load[i];
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return std::tie(load[a], q.resources[a].id) < std::tie(load[b], q.resources[b].id);
        });
    }

    std::vector<instant> starts;
    for (const auto& list : each)
        for (const kept_start& k : list) starts.push_back(k.start);
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());

    std::vector<slot> out;
    for (instant s : starts) {
        slot found{{s, s + q.asked.duration}, {}, 0};
        bool first = true;
        for (std::size_t i : order) {
            const auto k = std::lower_bound(each[i].begin(), each[i].end(), s,
                                            [](const kept_start& a, instant t) { return a.start < t; });
            if (k == each[i].end() || k->start != s) continue;
            found.resources.push_back(q.resources[i].id);
            if (first || (q.mode == resource_mode::all && k->seats_left < found.seats_left)) found.seats_left = k->seats_left;
            first = false;
        }
        if (q.mode == resource_mode::any || found.resources.size() == n) out.push_back(std::move(found));
    }
    return out;
}

}  // namespace slotcraft::bench::baseline
