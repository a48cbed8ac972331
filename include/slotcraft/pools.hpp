#pragma once
/// \file
/// SPEC §10: pools of resources (rooms, chairs, devices) of which a slot
/// needs one free member each, beside the person who serves it.

#include <slotcraft/resource_view.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace slotcraft {

/// A named set of resources a service needs one of (JSON `{"id", "resources"}`).
struct pool {
    std::string id{};
    std::vector<resource> members{};
};

/// The free members of one pool at a slot's start, preferred first.
struct pool_choice {
    std::string pool{};
    resource_ids members{};

    friend bool operator==(const pool_choice&, const pool_choice&) = default;
};

/// The members of a query's pools prepared for one service, one `now` and a
/// range of starts: which of them are free at a start (SPEC §10), in the
/// order they are preferred, fewest active bookings starting inside the
/// range first, ties by id.
class pool_members {
public:
    /// `pools` and `svc` must outlive this.
    pool_members(std::span<const pool> pools, const service& svc, instant now, interval starts) {
        by_pool_.reserve(pools.size());
        for (const pool& p : pools) {
            std::vector<member>& members = by_pool_.emplace_back();
            members.reserve(p.members.size());
            for (std::size_t i = 0; i < p.members.size(); ++i) {
                const resource& r = p.members[i];
                members.push_back({static_cast<std::uint32_t>(i), detail::load_of(r, now, starts),
                                   resource_view(r, svc, now, starts)});
            }
            std::sort(members.begin(), members.end(), [](const member& a, const member& b) {
                return a.load != b.load ? a.load < b.load : a.view.source().id < b.view.source().id;
            });
        }
    }

    [[nodiscard]] std::size_t pool_count() const noexcept { return by_pool_.size(); }

    /// Appends, pool by pool, the positions (in `pool::members`) of the
    /// members free at `s`, preferred first, to `positions`, and how many
    /// each pool has to `counts`. When some pool has none, returns false and
    /// leaves both as they were.
    bool free_at(instant s, std::vector<std::uint32_t>& positions, std::vector<std::uint32_t>& counts) const {
        const std::size_t positions_before = positions.size();
        const std::size_t counts_before = counts.size();
        for (const std::vector<member>& members : by_pool_) {
            std::uint32_t count = 0;
            for (const member& m : members)
                if (m.view.free_as_pool_member(s)) {
                    positions.push_back(m.position);
                    ++count;
                }
            if (count == 0) {
                positions.resize(positions_before);
                counts.resize(counts_before);
                return false;
            }
            counts.push_back(count);
        }
        return true;
    }

    /// The positions (in the query's pools) of the pools with no member free at `s`.
    [[nodiscard]] std::vector<std::size_t> busy_at(instant s) const {
        std::vector<std::size_t> out;
        for (std::size_t p = 0; p < by_pool_.size(); ++p)
            if (std::none_of(by_pool_[p].begin(), by_pool_[p].end(),
                             [&](const member& m) { return m.view.free_as_pool_member(s); }))
                out.push_back(p);
        return out;
    }

private:
    struct member {
        std::uint32_t position;
        std::size_t load;
        resource_view view;
    };
    std::vector<std::vector<member>> by_pool_;
};

namespace detail {

/// SPEC §7-style checks of the pools of a query: a non-empty id unique among
/// the pools, members checked as `check_resource` checks a resource of the
/// query, and member ids unique within their pool.
/// \throws error (invalid_argument) naming `pools[i].id` or `pools[i].resources[j]...`.
template <class CheckResource>
void validate_pools(std::span<const pool> pools, CheckResource&& check_resource) {
    std::set<std::string_view> pool_ids;
    for (std::size_t i = 0; i < pools.size(); ++i) {
        const pool& p = pools[i];
        if (p.id.empty()) reject(fmt::format("pools[{}].id", i), "must not be empty");
        if (!pool_ids.insert(p.id).second) reject(fmt::format("pools[{}].id", i), fmt::format("duplicate pool id \"{}\"", p.id));
        std::set<std::string_view> member_ids;
        for (std::size_t j = 0; j < p.members.size(); ++j) {
            const std::string path = fmt::format("pools[{}].resources[{}]", i, j);
            check_resource(p.members[j], path);
            if (!member_ids.insert(p.members[j].id).second)
                reject(path + ".id", fmt::format("duplicate resource id \"{}\" in pool \"{}\"", p.members[j].id, p.id));
        }
    }
}

}  // namespace detail

}  // namespace slotcraft
