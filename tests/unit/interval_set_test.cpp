#include "support.hpp"

#include <doctest/doctest.h>

using namespace slotcraft;
using slotcraft::test::at;

namespace {
interval iv(std::string_view a, std::string_view b) { return {at(a), at(b)}; }
}  // namespace

TEST_CASE("an interval set sorts, merges overlapping and touching pieces and drops empty ones") {
    const interval_set set{iv("2026-01-01T12:00:00Z", "2026-01-01T13:00:00Z"),
                           iv("2026-01-01T09:00:00Z", "2026-01-01T10:00:00Z"),
                           iv("2026-01-01T10:00:00Z", "2026-01-01T10:30:00Z"),
                           iv("2026-01-01T12:30:00Z", "2026-01-01T14:00:00Z"),
                           iv("2026-01-01T16:00:00Z", "2026-01-01T16:00:00Z")};
    REQUIRE(set.size() == 2);
    CHECK(set.parts()[0] == iv("2026-01-01T09:00:00Z", "2026-01-01T10:30:00Z"));
    CHECK(set.parts()[1] == iv("2026-01-01T12:00:00Z", "2026-01-01T14:00:00Z"));
}

TEST_CASE("intervals that only touch do not overlap") {
    const interval a = iv("2026-01-01T09:00:00Z", "2026-01-01T10:00:00Z");
    const interval b = iv("2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z");
    CHECK_FALSE(a.overlaps(b));
    CHECK_FALSE(b.overlaps(a));
    CHECK(a.overlaps(iv("2026-01-01T09:59:59Z", "2026-01-01T10:00:01Z")));
    CHECK_FALSE(interval_set{a}.overlaps(b));
}

TEST_CASE("subtracting cuts holes and trims ends") {
    const interval_set day{iv("2026-01-01T09:00:00Z", "2026-01-01T18:00:00Z")};
    const interval_set cuts{iv("2026-01-01T08:00:00Z", "2026-01-01T09:30:00Z"),
                            iv("2026-01-01T12:00:00Z", "2026-01-01T13:00:00Z"),
                            iv("2026-01-01T17:45:00Z", "2026-01-01T19:00:00Z")};
    const interval_set left = day - cuts;
    REQUIRE(left.size() == 2);
    CHECK(left.parts()[0] == iv("2026-01-01T09:30:00Z", "2026-01-01T12:00:00Z"));
    CHECK(left.parts()[1] == iv("2026-01-01T13:00:00Z", "2026-01-01T17:45:00Z"));
    CHECK((day - day).empty());
    CHECK((day - interval_set{}) == day);
}

TEST_CASE("one long cut removes several pieces") {
    const interval_set pieces{iv("2026-01-01T09:00:00Z", "2026-01-01T10:00:00Z"),
                              iv("2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z"),
                              iv("2026-01-01T13:00:00Z", "2026-01-01T14:00:00Z")};
    const interval_set left = pieces - interval_set{iv("2026-01-01T09:30:00Z", "2026-01-01T13:30:00Z")};
    REQUIRE(left.size() == 2);
    CHECK(left.parts()[0] == iv("2026-01-01T09:00:00Z", "2026-01-01T09:30:00Z"));
    CHECK(left.parts()[1] == iv("2026-01-01T13:30:00Z", "2026-01-01T14:00:00Z"));
}

TEST_CASE("union and intersection are the usual set operations") {
    const interval_set a{iv("2026-01-01T09:00:00Z", "2026-01-01T11:00:00Z"),
                         iv("2026-01-01T14:00:00Z", "2026-01-01T15:00:00Z")};
    const interval_set b{iv("2026-01-01T10:00:00Z", "2026-01-01T12:00:00Z"),
                         iv("2026-01-01T15:00:00Z", "2026-01-01T16:00:00Z")};
    const interval_set both = a | b;
    REQUIRE(both.size() == 2);
    CHECK(both.parts()[0] == iv("2026-01-01T09:00:00Z", "2026-01-01T12:00:00Z"));
    CHECK(both.parts()[1] == iv("2026-01-01T14:00:00Z", "2026-01-01T16:00:00Z"));
    const interval_set common = a & b;
    REQUIRE(common.size() == 1);
    CHECK(common.parts()[0] == iv("2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z"));
}

TEST_CASE("covers asks for one maximal part holding the whole interval") {
    const interval_set set{iv("2026-01-01T09:00:00Z", "2026-01-01T10:00:00Z"),
                           iv("2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z"),
                           iv("2026-01-01T12:00:00Z", "2026-01-01T13:00:00Z")};
    CHECK(set.covers(iv("2026-01-01T09:30:00Z", "2026-01-01T10:30:00Z")));
    CHECK(set.covers(iv("2026-01-01T12:00:00Z", "2026-01-01T13:00:00Z")));
    CHECK_FALSE(set.covers(iv("2026-01-01T10:30:00Z", "2026-01-01T12:30:00Z")));
    CHECK_FALSE(set.covers(iv("2026-01-01T12:30:00Z", "2026-01-01T13:00:01Z")));
    CHECK_FALSE(set.covers(iv("2026-01-01T09:30:00Z", "2026-01-01T09:30:00Z")));
}

TEST_CASE("clipping keeps only the part inside the window") {
    const interval_set set{iv("2026-01-01T09:00:00Z", "2026-01-01T10:00:00Z"),
                           iv("2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z"),
                           iv("2026-01-01T13:00:00Z", "2026-01-01T14:00:00Z")};
    const interval_set clipped = set.clipped_to(iv("2026-01-01T09:30:00Z", "2026-01-01T11:30:00Z"));
    REQUIRE(clipped.size() == 2);
    CHECK(clipped.parts()[0] == iv("2026-01-01T09:30:00Z", "2026-01-01T10:00:00Z"));
    CHECK(clipped.parts()[1] == iv("2026-01-01T11:00:00Z", "2026-01-01T11:30:00Z"));
}

TEST_CASE("adding out of order still leaves a sorted merged set") {
    interval_set set;
    set.add(iv("2026-01-01T12:00:00Z", "2026-01-01T13:00:00Z"));
    set.add(iv("2026-01-01T09:00:00Z", "2026-01-01T10:00:00Z"));
    set.add(iv("2026-01-01T09:30:00Z", "2026-01-01T12:00:00Z"));
    REQUIRE(set.size() == 1);
    CHECK(set.parts()[0] == iv("2026-01-01T09:00:00Z", "2026-01-01T13:00:00Z"));
}

TEST_CASE("adding pieces one by one in any order gives the union of all of them") {
    // A small linear congruential generator: the same pieces on every platform.
    std::uint64_t state = 12345;
    const auto next = [&](int n) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<int>((state >> 33) % static_cast<std::uint64_t>(n));
    };
    const instant base = at("2026-01-01T00:00:00Z");
    for (int round = 0; round < 200; ++round) {
        std::vector<interval> pieces;
        interval_set one_by_one;
        for (int i = 0, count = 1 + next(12); i < count; ++i) {
            const instant start = base + minutes{5 * next(40)};
            const interval piece{start, start + minutes{5 * next(8)}};  // some empty, some touching
            pieces.push_back(piece);
            one_by_one.add(piece);
        }
        CAPTURE(round);
        CHECK(one_by_one == interval_set(pieces));
    }
}
