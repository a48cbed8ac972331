#pragma once
/// \file
/// The stateless availability query (SPEC §6-§8): free slots of one service
/// across several resources, and why a given start is not bookable.

#include <slotcraft/assignment.hpp>
#include <slotcraft/pools.hpp>
#include <slotcraft/resource_view.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
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
    /// The asking client (SPEC §11): when set, the service's limits per
    /// client drop the starts they forbid.
    std::optional<asking_client> client{};
    /// The order of each slot's free resources in `any` mode (SPEC §12);
    /// `all` mode keeps the query's order.
    assignment assign{};
    /// Pools a slot needs one free member of each (SPEC §10).
    std::vector<pool> pools{};
    /// At most this many slots, the earliest; 0 = all. The work stops as soon
    /// as they are known (an extension of SPEC §8, see docs/semantics.md).
    std::size_t limit = 0;

    /// Checks SPEC §7; field names are those of the JSON query.
    /// \throws error (invalid_argument) naming the field.
    void validate() const {
        validate_query_range(from, to, seats);
        asked.validate("service.");
        // Every slot's end must be an instant an answer can spell.
        if (from < earliest_instant) reject("from", "must not be before 0001-01-01T00:00:00Z");
        if (to - std::chrono::seconds{1} > latest_instant - asked.duration)
            reject("to", "a slot starting before it would end after 9999-12-31T23:59:59Z");
        if (resources.empty()) reject("resources", "at least one resource is needed");
        // The first resource whose id an earlier one has: sorted by hash, only
        // equal hashes compare the ids.
        std::vector<std::pair<std::size_t, std::size_t>> by_hash(resources.size());  // {hash, position}
        for (std::size_t i = 0; i < by_hash.size(); ++i) by_hash[i] = {std::hash<std::string_view>{}(resources[i].id), i};
        std::sort(by_hash.begin(), by_hash.end());
        std::size_t duplicate = resources.size();
        for (std::size_t k = 1; k < by_hash.size(); ++k)
            for (std::size_t j = k; j-- > 0 && by_hash[j].first == by_hash[k].first;)
                if (resources[by_hash[j].second].id == resources[by_hash[k].second].id)
                    duplicate = std::min(duplicate, by_hash[k].second);  // the later of the two: (hash, position) order

        // What every resource, of the query or of a pool, must be; `path` is `resources[i]` or
        // `pools[i].resources[j]`.
        const auto check_resource = [](const resource& r, const std::string& path, bool repeated) {
            if (r.id.empty()) reject(path + ".id", "must not be empty");
            r.rules.validate_rotation(path + ".rotation");
            if (repeated) reject(path + ".id", fmt::format("duplicate resource id \"{}\"", r.id));
            for (std::size_t j = 0; j < r.rules.time_off.size(); ++j)
                if (r.rules.time_off[j].empty()) reject(fmt::format("{}.time_off[{}].end", path, j), "must be after start");
            for (std::size_t j = 0; j < r.bookings.size(); ++j)
                if (auto found = r.bookings[j].problem())
                    reject(fmt::format("{}.bookings[{}].{}", path, j, found->first), found->second);
        };
        for (std::size_t i = 0; i < resources.size(); ++i)
            check_resource(resources[i], fmt::format("resources[{}]", i), i == duplicate);
        detail::validate_pools(pools, [&](const resource& r, const std::string& path) { check_resource(r, path, false); });
        assign.validate([&](std::string_view id) {
            return std::any_of(resources.begin(), resources.end(), [&](const resource& r) { return r.id == id; });
        });
        if (client) {
            if (client->id.empty()) reject("client.id", "must not be empty");
            for (std::size_t j = 0; j < client->bookings.size(); ++j)
                if (auto found = client->bookings[j].problem())
                    reject(fmt::format("client.bookings[{}].{}", j, found->first), found->second);
        }
    }

    /// The asking client, or nullptr.
    [[nodiscard]] const asking_client* asker() const noexcept { return client ? &*client : nullptr; }

    [[nodiscard]] interval range() const noexcept { return {from, to}; }
};

/// A free slot: its core time, the free resources (preferred first in `any`
/// mode, query order in `all` mode), the seats left and, when the query has
/// pools, each pool's free members (SPEC §10).
struct slot {
    interval time{};
    resource_ids resources{};
    long long seats_left = 0;
    std::vector<pool_choice> pools{};

    /// An empty slot. Written out rather than defaulted: a defaulted one is
    /// zeroed whole before its members are built, which was more than half of
    /// the time `find_slots` spends making W1's 769 slots (docs/performance.md).
    slot() noexcept {}
    slot(interval core, resource_ids free_resources, long long seats = 0, std::vector<pool_choice> pool_members = {})
        : time(core), resources(std::move(free_resources)), seats_left(seats), pools(std::move(pool_members)) {}

    friend bool operator==(const slot&, const slot&) = default;
};

/// The most free starts (one resource, or one free member of a pool, at one
/// start) a query's answer may hold at once. Beyond it the query is refused
/// on `query` before its answer exhausts memory: 366 days at a one-minute
/// step are 527,040 starts a resource, so ten resources reach it
/// (docs/semantics.md).
inline constexpr std::size_t max_answer_starts = 5'000'000;

/// The free slots of a query with each slot's resources given as positions
/// in `slot_query::resources`, all kept in one array: the answer of
/// `find_slots` without copying a resource id per slot.
struct slot_table {
    /// One free slot; its resources are `members[first, first + count)`, its
    /// pools' free members `pool_members[pool_first, ...)`, pool by pool.
    struct row {
        interval time;
        long long seats_left = 0;
        std::uint32_t first = 0;
        std::uint32_t count = 0;
        std::uint32_t pool_first = 0;
        friend constexpr bool operator==(const row&, const row&) = default;
    };
    std::vector<row> rows;
    std::vector<std::uint32_t> members;
    /// SPEC §10: per row, for each pool of the query in order, how many free
    /// members it has (`pool_counts[row * pools + p]`), and their positions
    /// in `pool::members`, preferred first.
    std::vector<std::uint32_t> pool_counts;
    std::vector<std::uint32_t> pool_members;

    [[nodiscard]] std::size_t size() const noexcept { return rows.size(); }
    [[nodiscard]] bool empty() const noexcept { return rows.empty(); }
    /// The positions of `r`'s resources, preferred first (`any`) or in query order (`all`).
    [[nodiscard]] std::span<const std::uint32_t> resources_of(const row& r) const noexcept {
        return std::span<const std::uint32_t>(members).subspan(r.first, r.count);
    }
    /// The slots with their resource ids, as `find_slots` gives them.
    [[nodiscard]] std::vector<slot> to_slots(const slot_query& query) const {
        std::vector<slot> out;
        out.reserve(rows.size());
        const std::size_t pools = query.pools.size();
        for (std::size_t k = 0; k < rows.size(); ++k) {
            const row& r = rows[k];
            slot& s = out.emplace_back();
            s.time = r.time;
            s.seats_left = r.seats_left;
            s.resources.reserve(r.count);
            for (std::uint32_t i : resources_of(r)) s.resources.emplace_back(query.resources[i].id);
            std::size_t next = r.pool_first;
            for (std::size_t p = 0; p < pools; ++p) {
                pool_choice& choice = s.pools.emplace_back();
                choice.pool = query.pools[p].id;
                for (std::uint32_t c = pool_counts[k * pools + p]; c > 0; --c)
                    choice.members.emplace_back(query.pools[p].members[pool_members[next++]].id);
            }
        }
        return out;
    }
    friend bool operator==(const slot_table&, const slot_table&) = default;
};

namespace detail {

/// The offsets of each resource's zone over the whole query, read once per
/// distinct zone.
inline std::vector<std::shared_ptr<const zone_offsets>> offsets_by_resource(const slot_query& q) {
    const interval reach{q.from, q.to + q.asked.duration};
    std::vector<std::shared_ptr<const zone_offsets>> out;
    out.reserve(q.resources.size());
    std::vector<std::shared_ptr<const zone_offsets>> distinct;
    for (const resource& r : q.resources) {
        const auto known = std::find_if(distinct.begin(), distinct.end(),
                                        [&](const auto& o) { return o->time_zone() == r.rules.time_zone; });
        if (known != distinct.end()) {
            out.push_back(*known);
        } else {
            distinct.push_back(std::make_shared<const zone_offsets>(r.rules.time_zone, reach));
            out.push_back(distinct.back());
        }
    }
    return out;
}

/// The `limit` smallest distinct starts seen so far (for `limit` up to 64).
class smallest_starts {
public:
    explicit smallest_starts(std::size_t limit) : limit_(limit <= 64 ? limit : 0) {}
    void add(instant t) {
        if (limit_ == 0 || (kept_.size() == limit_ && t >= kept_.back())) return;
        const auto at = std::lower_bound(kept_.begin(), kept_.end(), t);
        if (at != kept_.end() && *at == t) return;
        kept_.insert(at, t);
        if (kept_.size() > limit_) kept_.pop_back();
    }
    /// No start after this one can be among the first `limit`.
    [[nodiscard]] instant bound() const { return limit_ > 0 && kept_.size() == limit_ ? kept_.back() : instant::max(); }

private:
    std::size_t limit_;
    std::vector<instant> kept_;
};

}  // namespace detail

/// The free slots of `query` (SPEC §3-§6, §10), ordered by start, with resources
/// as positions in `query.resources`. With `query.limit`, the starts are
/// searched from `from` onwards in growing spans (a week, then two, four, ...)
/// and each resource stops at its own first `limit` free starts, so the work
/// done depends on how soon the slots come, not on the length of the range.
/// \throws error (invalid_argument) for bad input, before any work.
[[nodiscard]] inline slot_table find_slot_table(const slot_query& query) {
    query.validate();
    const std::size_t n = query.resources.size();
    const bool any = query.mode == resource_mode::any;
    const auto offsets = detail::offsets_by_resource(query);
    // `any`: a resource's starts after its own `limit`-th free one cannot be
    // among the first `limit` slots. `all` needs every resource at each start,
    // and pools may refuse any start, so neither stops a resource early.
    const bool pooled = !query.pools.empty();
    const std::size_t early_limit = any && !pooled ? query.limit : 0;
    const std::size_t per_resource = early_limit > 0 ? early_limit : SIZE_MAX;
    // SPEC §10: the pools' members, over the whole range (their checks need no grid).
    std::optional<pool_members> pools;
    if (pooled) pools.emplace(query.pools, query.asked, query.now, query.range());

    std::vector<std::size_t> load(n, SIZE_MAX);  // filled when first needed
    const auto load_of = [&](std::size_t i) {
        if (load[i] == SIZE_MAX) load[i] = detail::load_of(query.resources[i], query.now, query.range());
        return load[i];
    };

    slot_table out;
    std::size_t held = 0;  // the span's free lists and the answer so far
    const auto refuse_large_answer = [] {
        reject("query", fmt::format("the answer would hold more than {} free starts (a resource or a pool's member "
                                    "at a start); ask for fewer resources, a shorter range, a larger step or a limit",
                                    max_answer_starts));
    };
    // Whether every pool has a free member at the row's start; if so, they are recorded for it.
    const auto pools_allow = [&](slot_table::row& row) {
        if (!pools) return true;
        row.pool_first = static_cast<std::uint32_t>(out.pool_members.size());
        if (!pools->free_at(row.time.start, out.pool_members, out.pool_counts)) return false;
        if (held + out.pool_members.size() > max_answer_starts) refuse_large_answer();
        return true;
    };
    std::vector<std::vector<free_start>> free(n);
    std::vector<instant> scratch;
    std::vector<std::size_t> listed;  // resources with free starts in the span, in SPEC §6 order
    std::vector<std::size_t> next(n, 0);
    // With a limit: a week first, then twice as long each time. Once some
    // start is found, each view ends at the bound, so an early answer costs
    // little more than the days up to it.
    std::chrono::seconds span_length = query.limit > 0 ? std::chrono::seconds{std::chrono::days{7}} : query.to - query.from;
    std::optional<resource_view> view;  // one view, reset for each resource: its memory is reused
    for (instant span_start = query.from; span_start < query.to; span_start += span_length, span_length *= 2) {
        const interval span{span_start, std::min(query.to, span_start + span_length)};
        listed.clear();
        held = out.members.size();
        detail::smallest_starts first_starts(early_limit);
        bool all_free_somewhere = true;
        for (std::size_t i = 0; i < n && all_free_somewhere; ++i) {
            // Starts after the bound cannot be among the first `limit`: the view need not reach them.
            const instant bound = first_starts.bound();
            const interval starts{span.start, bound < span.end ? bound + std::chrono::seconds{1} : span.end};
            if (view) view->reset(query.resources[i], starts, offsets[i]);
            else view.emplace(query.resources[i], query.asked, query.now, starts, offsets[i], query.asker());
            view->free_starts(query.seats, free[i], scratch, per_resource, bound);
            held += free[i].size();
            if (held > max_answer_starts) refuse_large_answer();
            next[i] = 0;
            if (early_limit > 0)
                for (const free_start& f : free[i]) first_starts.add(f.start);
            if (!free[i].empty()) listed.push_back(i);
            else if (!any) all_free_somewhere = false;  // `all`: nothing in this span
        }
        if (!all_free_somewhere) continue;
        if (any)
            std::sort(listed.begin(), listed.end(), [&](std::size_t a, std::size_t b) {
                return query.assign.before(query.resources[a].id, load_of(a), query.resources[b].id, load_of(b));
            });

        if (listed.size() == 1 && (any || n == 1)) {
            // One list: it is the answer for this span.
            const std::size_t i = listed.front();
            // Rows are sized once and written in place, field by field: a row
            // built aside and then copied makes the copy's wide loads wait for
            // the row's narrow stores (W1 a third slower). A row the pools
            // refuse is written over by the next.
            const std::size_t first_row = out.rows.size();
            const std::size_t first_member = out.members.size();
            out.rows.resize(first_row + free[i].size());
            const std::chrono::seconds duration = query.asked.duration;
            std::size_t kept = first_row;
            for (const free_start& f : free[i]) {
                slot_table::row& row = out.rows[kept];
                row.time = {f.start, f.start + duration};
                row.seats_left = f.seats_left;
                row.first = static_cast<std::uint32_t>(first_member + (kept - first_row));
                row.count = 1;
                if (pooled && !pools_allow(row)) continue;
                if (++kept == query.limit) break;
            }
            out.rows.resize(kept);
            out.members.resize(first_member + (kept - first_row), static_cast<std::uint32_t>(i));
            if (query.limit > 0 && out.rows.size() == query.limit) return out;
            continue;
        }
        // Merge the sorted per-resource lists by start.
        for (;;) {
            instant start = instant::max();
            for (std::size_t i : listed)
                if (next[i] < free[i].size()) start = std::min(start, free[i][next[i]].start);
            if (start == instant::max()) break;

            slot_table::row row{{start, start + query.asked.duration}, 0, static_cast<std::uint32_t>(out.members.size()), 0};
            for (std::size_t i : listed) {
                if (next[i] >= free[i].size() || free[i][next[i]].start != start) continue;
                const long long left = free[i][next[i]++].seats_left;
                // `any`: the preferred (first) resource's seats; `all`: the minimum.
                if (row.count == 0 || (!any && left < row.seats_left)) row.seats_left = left;
                out.members.push_back(static_cast<std::uint32_t>(i));
                ++row.count;
            }
            if ((any || row.count == n) && pools_allow(row)) out.rows.push_back(row);
            else out.members.resize(row.first);
            if (query.limit > 0 && out.rows.size() == query.limit) return out;
        }
    }
    return out;
}

/// The free slots of `query` (SPEC §3-§6, §10), ordered by start.
/// \throws error (invalid_argument) for bad input, before any work.
[[nodiscard]] inline std::vector<slot> find_slots(const slot_query& query) {
    return find_slot_table(query).to_slots(query);
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
        case reason_code::client_limit: return view.client_refusal(s, q.seats);
        case reason_code::pool_busy: break;  // pool_refusal
    }
    return {};
}

/// Why no member of `p` can be had for `s` (SPEC §10), in the words of
/// `view`'s resource; the first few members are named.
inline std::string pool_refusal(const pool& p, const resource_view& view, const slot_query& q, instant s) {
    constexpr std::size_t named = 5;
    const zone& tz = view.source().rules.time_zone;
    std::string members;
    for (std::size_t i = 0; i < std::min(named, p.members.size()); ++i)
        members += (members.empty() ? "" : ", ") + p.members[i].id;
    if (p.members.size() > named) members += fmt::format(" and {} more", p.members.size() - named);
    return fmt::format("no member of pool \"{}\" is free for {} - {} {} ({})", p.id, local_text(tz, s),
                       date::format("%R", tz.to_local(s + q.asked.duration)), tz.name(),
                       members.empty() ? std::string("it has none") : members);
}

}  // namespace detail

/// Every reason each resource of `query` cannot take `start` (SPEC §2-§5,
/// `off_grid` for a start inside open time that is not a candidate of §3, and
/// `pool_busy` for each pool with no free member, SPEC §10); the query range
/// is ignored. A start that
/// `find_slots` lists has no reasons for the resources it lists.
/// \throws error (invalid_argument) for bad input.
[[nodiscard]] inline std::vector<resource_refusal> explain(const slot_query& query, instant start) {
    query.validate();
    std::vector<resource_refusal> out;
    const interval just_start{start, start + std::chrono::seconds{1}};
    std::vector<std::size_t> busy_pools;
    if (!query.pools.empty())
        busy_pools = pool_members(query.pools, query.asked, query.now, just_start).busy_at(start);
    for (const resource& r : query.resources) {
        const resource_view view(r, query.asked, query.now, just_start, query.asker());
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
        for (const std::size_t p : busy_pools)
            refusal.reasons.push_back({reason_code::pool_busy, {}, detail::pool_refusal(query.pools[p], view, query, start)});
        out.push_back(std::move(refusal));
    }
    return out;
}

}  // namespace slotcraft
