#pragma once
/// \file
/// A set of instants stored as sorted, disjoint, merged half-open intervals.

#include <slotcraft/time.hpp>

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <span>
#include <utility>
#include <vector>

namespace slotcraft {

/// A set of instants as sorted, disjoint intervals; touching pieces are merged
/// (`[a,b) ∪ [b,c) = [a,c)`) and empty ones dropped. Set operations are linear
/// merges of the two sorted vectors.
class interval_set {
public:
    interval_set() = default;
    interval_set(std::initializer_list<interval> parts) : interval_set(std::vector<interval>(parts)) {}
    /// Builds the union of arbitrary (unsorted, overlapping, empty) intervals.
    explicit interval_set(std::vector<interval> parts) : parts_(std::move(parts)) { normalize(); }

    [[nodiscard]] std::span<const interval> parts() const noexcept { return parts_; }
    [[nodiscard]] bool empty() const noexcept { return parts_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return parts_.size(); }
    [[nodiscard]] auto begin() const noexcept { return parts_.begin(); }
    [[nodiscard]] auto end() const noexcept { return parts_.end(); }

    friend bool operator==(const interval_set&, const interval_set&) = default;

    /// Empties the set, keeping its memory for what is added next.
    void clear() noexcept { parts_.clear(); }
    /// Makes room for `count` parts, so that adding them in order allocates once.
    void reserve(std::size_t count) { parts_.reserve(count); }

    /// Adds one interval. Appending in ascending order is amortised O(1);
    /// anything else merges it into place.
    void add(interval piece) {
        if (piece.empty()) return;
        if (parts_.empty() || parts_.back().end < piece.start) {
            parts_.push_back(piece);
            return;
        }
        if (parts_.back().start <= piece.start) {
            parts_.back().end = std::max(parts_.back().end, piece.end);
            return;
        }
        // The parts that overlap or touch `piece` are [first, last).
        const auto first = std::lower_bound(parts_.begin(), parts_.end(), piece.start,
                                            [](const interval& p, instant t) { return p.end < t; });
        const auto last = std::upper_bound(first, parts_.end(), piece.end,
                                           [](instant t, const interval& p) { return t < p.start; });
        if (first == last) {
            parts_.insert(first, piece);
            return;
        }
        first->start = std::min(first->start, piece.start);
        first->end = std::max(std::prev(last)->end, piece.end);
        parts_.erase(std::next(first), last);
    }

    /// The maximal part containing `t`, or nullptr.
    [[nodiscard]] const interval* part_containing(instant t) const noexcept {
        auto it = std::upper_bound(parts_.begin(), parts_.end(), t,
                                   [](instant value, const interval& p) { return value < p.start; });
        if (it == parts_.begin()) return nullptr;
        --it;
        return it->contains(t) ? &*it : nullptr;
    }

    /// True when all of the non-empty `piece` lies inside the set (and so
    /// inside one maximal part).
    [[nodiscard]] bool covers(const interval& piece) const noexcept {
        if (piece.empty()) return false;
        const interval* part = part_containing(piece.start);
        return part != nullptr && piece.end <= part->end;
    }

    /// True when some instant of `piece` is in the set.
    [[nodiscard]] bool overlaps(const interval& piece) const noexcept {
        if (piece.empty()) return false;
        auto it = std::lower_bound(parts_.begin(), parts_.end(), piece.start,
                                   [](const interval& p, instant value) { return p.end <= value; });
        return it != parts_.end() && it->start < piece.end;
    }

    /// The part of the set inside `window`, found by binary search, so its
    /// cost depends on what lies in `window`, not on the size of the set.
    [[nodiscard]] interval_set clipped_to(const interval& window) const {
        interval_set out;
        if (window.empty()) return out;
        auto it = std::lower_bound(parts_.begin(), parts_.end(), window.start,
                                   [](const interval& p, instant value) { return p.end <= value; });
        for (; it != parts_.end() && it->start < window.end; ++it)
            out.parts_.push_back({std::max(it->start, window.start), std::min(it->end, window.end)});
        return out;
    }

    /// The union of both sets.
    [[nodiscard]] friend interval_set operator|(const interval_set& a, const interval_set& b) {
        interval_set out;
        out.parts_.reserve(a.size() + b.size());
        auto i = a.parts_.begin();
        auto j = b.parts_.begin();
        while (i != a.parts_.end() || j != b.parts_.end()) {
            const bool take_a = j == b.parts_.end() || (i != a.parts_.end() && i->start <= j->start);
            out.add(take_a ? *i++ : *j++);
        }
        return out;
    }

    /// The instants of `a` that are not in `b`.
    [[nodiscard]] friend interval_set operator-(const interval_set& a, const interval_set& b) {
        interval_set out;
        out.parts_.reserve(a.size() + b.size());
        auto j = b.parts_.begin();
        for (interval piece : a.parts_) {
            while (j != b.parts_.end() && j->end <= piece.start) ++j;
            for (auto k = j; k != b.parts_.end() && k->start < piece.end; ++k) {
                if (k->start > piece.start) out.parts_.push_back({piece.start, k->start});
                piece.start = std::max(piece.start, k->end);
                if (piece.empty()) break;
            }
            if (!piece.empty()) out.parts_.push_back(piece);
        }
        return out;
    }

    /// The instants in both sets.
    [[nodiscard]] friend interval_set operator&(const interval_set& a, const interval_set& b) {
        interval_set out;
        auto i = a.parts_.begin();
        auto j = b.parts_.begin();
        while (i != a.parts_.end() && j != b.parts_.end()) {
            const interval common{std::max(i->start, j->start), std::min(i->end, j->end)};
            if (!common.empty()) out.parts_.push_back(common);
            if (i->end < j->end) ++i; else ++j;
        }
        return out;
    }

    interval_set& operator|=(const interval_set& other) { return *this = *this | other; }
    interval_set& operator-=(const interval_set& other) { return *this = *this - other; }
    interval_set& operator&=(const interval_set& other) { return *this = *this & other; }

private:
    void normalize() {
        std::erase_if(parts_, [](const interval& p) { return p.empty(); });
        if (!std::is_sorted(parts_.begin(), parts_.end())) std::sort(parts_.begin(), parts_.end());
        std::size_t kept = 0;
        for (std::size_t i = 0; i < parts_.size(); ++i) {
            if (kept > 0 && parts_[i].start <= parts_[kept - 1].end)
                parts_[kept - 1].end = std::max(parts_[kept - 1].end, parts_[i].end);
            else
                parts_[kept++] = parts_[i];
        }
        parts_.resize(kept);
    }

    std::vector<interval> parts_;
};

}  // namespace slotcraft
