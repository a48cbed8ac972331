#pragma once
/// \file
/// SPEC §12: the order of a slot's free resources in `any` mode, the first
/// being the one a booking of the slot goes to.

#include <slotcraft/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace slotcraft {

/// How the free resources of a slot are ordered (SPEC §12).
enum class assign_strategy {
    least_booked,  ///< by (count, id): SPEC §6
    weighted,      ///< by (count / weight, id); weight 0 after every positive weight
    priority,      ///< by (-priority, count, id)
};

[[nodiscard]] constexpr std::string_view to_string(assign_strategy s) noexcept {
    switch (s) {
        case assign_strategy::least_booked: return "least_booked";
        case assign_strategy::weighted: return "weighted";
        case assign_strategy::priority: return "priority";
    }
    return "least_booked";
}

/// Parses `least_booked`, `weighted` or `priority`. \throws error naming `field`.
[[nodiscard]] inline assign_strategy parse_assign_strategy(std::string_view text, const std::string& field) {
    if (text == "least_booked") return assign_strategy::least_booked;
    if (text == "weighted") return assign_strategy::weighted;
    if (text == "priority") return assign_strategy::priority;
    reject(field, fmt::format("unknown strategy \"{}\" (expected least_booked, weighted or priority)", text.substr(0, 32)));
}

/// A strategy with its per-resource weights and priorities (resource id →
/// value; a resource left out has weight 1 and priority 0).
struct assignment {
    assign_strategy strategy = assign_strategy::least_booked;
    std::map<std::string, int, std::less<>> weights{};
    std::map<std::string, int, std::less<>> priorities{};

    [[nodiscard]] int weight_of(std::string_view id) const { return value_of(weights, id, 1); }
    [[nodiscard]] int priority_of(std::string_view id) const { return value_of(priorities, id, 0); }

    /// True when resource `a`, with `count_a` active bookings starting in the
    /// query range, comes before `b` with `count_b`. The ratios of `weighted`
    /// are compared exactly, by cross-multiplying: a weight is below 2^31 and
    /// a count of bookings held in memory below 2^32, so the products fit.
    [[nodiscard]] bool before(std::string_view a, std::size_t count_a, std::string_view b, std::size_t count_b) const {
        switch (strategy) {
            case assign_strategy::least_booked: break;
            case assign_strategy::weighted: {
                const auto wa = static_cast<std::uint64_t>(weight_of(a));
                const auto wb = static_cast<std::uint64_t>(weight_of(b));
                if ((wa == 0) != (wb == 0)) return wb == 0;  // a weight of 0 comes after every positive one
                if (wa == 0) return a < b;
                const std::uint64_t left = count_a * wb, right = count_b * wa;
                if (left != right) return left < right;
                return a < b;
            }
            case assign_strategy::priority: {
                const int pa = priority_of(a), pb = priority_of(b);
                if (pa != pb) return pa > pb;
                break;
            }
        }
        return count_a != count_b ? count_a < count_b : a < b;
    }

    /// invalid_argument naming `<prefix>assign.weights` or
    /// `<prefix>assign.priorities` for an id `is_resource` denies or a
    /// negative value.
    template <class IsResource>
    void validate(IsResource&& is_resource, std::string_view prefix = "") const {
        const auto check = [&](const std::map<std::string, int, std::less<>>& values, std::string_view key) {
            const std::string field = fmt::format("{}assign.{}", prefix, key);
            for (const auto& [id, value] : values) {
                if (!is_resource(std::string_view(id)))
                    reject(field, fmt::format("\"{}\" is not a resource of the query", id.substr(0, 64)));
                if (value < 0) reject(field, fmt::format("\"{}\": must not be negative (got {})", id.substr(0, 64), value));
            }
        };
        check(weights, "weights");
        check(priorities, "priorities");
    }

    /// As `validate`, for an assignment that names resources kept elsewhere
    /// (a catalog's service): only the values are checked.
    void validate_values(std::string_view prefix) const {
        validate([](std::string_view) { return true; }, prefix);
    }

    /// The same strategy, with only the weights and priorities of the
    /// resources `keep` accepts.
    template <class Keep>
    [[nodiscard]] assignment only(Keep&& keep) const {
        assignment out{.strategy = strategy};
        for (const auto& [id, value] : weights)
            if (keep(std::string_view(id))) out.weights.emplace(id, value);
        for (const auto& [id, value] : priorities)
            if (keep(std::string_view(id))) out.priorities.emplace(id, value);
        return out;
    }

    friend bool operator==(const assignment&, const assignment&) = default;

private:
    static int value_of(const std::map<std::string, int, std::less<>>& values, std::string_view id, int otherwise) {
        const auto it = values.find(id);
        return it == values.end() ? otherwise : it->second;
    }
};

}  // namespace slotcraft
