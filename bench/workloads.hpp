#pragma once
// The benchmark workloads W1-W5 as SPEC §8 JSON queries, generated
// deterministically from a seed (bench/README.md describes each one).

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace slotcraft::bench {

using nlohmann::json;

/// splitmix64: the same numbers on every platform and standard library
/// (std::uniform_int_distribution is implementation-defined).
class rng {
public:
    explicit rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, n).
    int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
    bool chance(int percent) { return below(100) < percent; }

private:
    std::uint64_t state_;
};

inline std::string two_digits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

/// `YYYY-MM-DDTHH:MM:00` + offset text; days counted from 2026-01-01 (a Thursday).
inline std::string local_text(int day_index, int minute_of_day) {
    static constexpr std::array<int, 12> month_days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int year = 2026, month = 0, day = day_index;
    while (day >= month_days[static_cast<std::size_t>(month)]) {
        day -= month_days[static_cast<std::size_t>(month)];
        if (++month == 12) {
            month = 0;
            ++year;
        }
    }
    return std::to_string(year) + "-" + two_digits(month + 1) + "-" + two_digits(day + 1) + "T" +
           two_digits(minute_of_day / 60) + ":" + two_digits(minute_of_day % 60) + ":00";
}

/// Monday..Friday of day `day_index` (2026-01-01 is a Thursday).
inline bool is_weekday(int day_index) { return (day_index + 3) % 7 < 5; }

/// A UTC offset in minutes of the zones used, good enough to place bookings
/// roughly inside working hours (bookings need not fit any rule).
struct zone_choice {
    const char* name;
    int winter_offset;  // minutes east of UTC in January
};
inline constexpr std::array<zone_choice, 6> mixed_zones{{{"Europe/Berlin", 60},
                                                        {"America/New_York", -300},
                                                        {"Europe/London", 0},
                                                        {"Asia/Kolkata", 330},
                                                        {"Australia/Sydney", 660},
                                                        {"America/Los_Angeles", -480}}};

inline std::string utc_text(int day_index, int minute_of_day_utc) {
    while (minute_of_day_utc < 0) {
        minute_of_day_utc += 1440;
        --day_index;
    }
    while (minute_of_day_utc >= 1440) {
        minute_of_day_utc -= 1440;
        ++day_index;
    }
    return local_text(day_index, minute_of_day_utc) + "Z";
}

/// Mon-Fri 09:00-18:00 with a 13:00-14:00 break (W1, W2, W3).
inline json office_resource(const std::string& id, const char* zone) {
    const json day = json::array({json::array({"09:00", "18:00"})});
    return json{{"id", id},
                {"timezone", zone},
                {"weekly", {{"mon", day}, {"tue", day}, {"wed", day}, {"thu", day}, {"fri", day}}},
                {"breaks", json::array({json::array({"13:00", "14:00"})})},
                {"bookings", json::array()}};
}

/// `count` bookings of 30 or 60 minutes on the 15-minute grid of working
/// hours of weekdays `first_day .. first_day + days`, mostly confirmed,
/// some held (half of them expired at `now`) and some cancelled; they do not
/// overlap each other (a store would not hold overlapping bookings).
inline json office_bookings(rng& r, int count, int first_day, int days, int offset_minutes,
                            const std::string& service) {
    std::vector<std::pair<int, int>> taken;  // [start, end) in minutes since day 0, UTC
    json out = json::array();
    int attempts = 0;
    while (static_cast<int>(out.size()) < count && attempts++ < count * 50) {
        const int day = first_day + r.below(days);
        if (!is_weekday(day)) continue;
        const int length = r.chance(80) ? 30 : 60;
        const int local_start = 9 * 60 + 15 * r.below((9 * 60 - length) / 15 + 1);
        const int start = day * 1440 + local_start - offset_minutes;
        const int end = start + length;
        bool overlaps = false;
        for (const auto& [s, e] : taken) overlaps = overlaps || (s < end && start < e);
        if (overlaps) continue;
        taken.emplace_back(start, end);
        json b{{"start", utc_text(0, start)}, {"end", utc_text(0, end)}, {"service", service}};
        const int kind = r.below(100);
        if (kind < 5) {
            b["status"] = "cancelled";
        } else if (kind < 15) {
            b["status"] = "held";
            // Half the holds expired before `now` (day first_day - 1), half last for good.
            b["expires"] = utc_text(first_day + (kind < 10 ? -2 : 400), 0);
        }
        if (r.chance(20)) b["buffer_after"] = 10;
        out.push_back(std::move(b));
    }
    return out;
}

inline json office_service() {
    return json{{"id", "consult"}, {"duration", 30}, {"step", 15}, {"min_notice", 120}};
}

/// W1: one resource in Europe/Berlin, 90 days across the March DST change,
/// 500 bookings.
inline json w1_query(std::uint64_t seed, int bookings = 500, int days = 90) {
    rng r(seed);
    constexpr int first_day = 32;  // 2026-02-02, a Monday; 90 days reach 2026-05-03
    json res = office_resource("anna", "Europe/Berlin");
    res["bookings"] = office_bookings(r, bookings, first_day, days, 60, "consult");
    return json{{"now", utc_text(first_day - 1, 8 * 60)},
                {"from", utc_text(first_day, 0)},
                {"to", utc_text(first_day + days, 0)},
                {"service", office_service()},
                {"resources", json::array({res})}};
}

/// W2: a team of `team` in mixed zones, `any` mode, 30 days across the
/// European and Australian DST changes, 200 bookings each.
inline json w2_query(std::uint64_t seed, int team = 50, int bookings = 200, int days = 30) {
    rng r(seed);
    constexpr int first_day = 74;  // 2026-03-16, a Monday; 30 days reach 2026-04-15
    json resources = json::array();
    for (int i = 0; i < team; ++i) {
        const zone_choice& z = mixed_zones[static_cast<std::size_t>(i) % mixed_zones.size()];
        json res = office_resource("m" + two_digits(i), z.name);
        res["bookings"] = office_bookings(r, bookings, first_day, days, z.winter_offset, "consult");
        resources.push_back(std::move(res));
    }
    return json{{"now", utc_text(first_day - 1, 8 * 60)},
                {"from", utc_text(first_day, 0)},
                {"to", utc_text(first_day + days, 0)},
                {"mode", "any"},
                {"service", office_service()},
                {"resources", std::move(resources)}};
}

/// W3: the first free slot among `count` resources over 30 days (`limit`: 1):
/// every resource is fully booked on its first working day, a third are
/// away for the first week, so the answer is on the second day.
inline json w3_query(std::uint64_t seed, int count = 1000, int days = 30) {
    rng r(seed);
    constexpr int first_day = 95;  // 2026-04-06, a Monday
    json resources = json::array();
    for (int i = 0; i < count; ++i) {
        const zone_choice& z = mixed_zones[static_cast<std::size_t>(i) % mixed_zones.size()];
        json res = office_resource("r" + std::to_string(1000 + i), z.name);
        const int summer = (z.winter_offset == 660) ? 600 : (z.winter_offset == 330 ? 330 : z.winter_offset + 60);
        json bookings = json::array();
        // The whole first working day is taken (the morning and the afternoon).
        bookings.push_back({{"start", utc_text(first_day, 9 * 60 - summer)},
                            {"end", utc_text(first_day, 13 * 60 - summer)}, {"service", "consult"}});
        bookings.push_back({{"start", utc_text(first_day, 14 * 60 - summer)},
                            {"end", utc_text(first_day, 18 * 60 - summer)}, {"service", "consult"}});
        for (auto& b : office_bookings(r, 20, first_day + 1, days - 1, summer, "consult")) bookings.push_back(b);
        res["bookings"] = std::move(bookings);
        if (i % 3 == 1)
            res["time_off"] = json::array({json{{"start", utc_text(first_day, 0)}, {"end", utc_text(first_day + 7, 0)}}});
        resources.push_back(std::move(res));
    }
    return json{{"now", utc_text(first_day, 0)},
                {"from", utc_text(first_day, 0)},
                {"to", utc_text(first_day + days, 0)},
                {"mode", "any"},
                {"limit", 1},
                {"service", office_service()},
                {"resources", std::move(resources)}};
}

/// W4: group classes of capacity 12 in `rooms` rooms (UTC+1/+2), hourly
/// from 07:00 to 21:00 every day for 60 days; most classes partly sold in
/// several bookings, a few sold out, some hours taken by a private lesson.
inline json w4_query(std::uint64_t seed, int rooms = 10, int days = 60) {
    rng r(seed);
    constexpr int first_day = 60;  // 2026-03-02
    json resources = json::array();
    const json day = json::array({json::array({"07:00", "22:00"})});
    for (int i = 0; i < rooms; ++i) {
        json bookings = json::array();
        for (int d = 0; d < days; ++d) {
            const int offset = (first_day + d) >= 88 ? 120 : 60;  // Europe/Berlin, DST from 2026-03-29
            for (int hour = 7; hour < 22; ++hour) {
                const int start = (first_day + d) * 1440 + hour * 60 - offset;
                if (r.chance(5)) {
                    bookings.push_back({{"start", utc_text(0, start)}, {"end", utc_text(0, start + 60)},
                                        {"service", "private"}});
                    continue;
                }
                int sold = r.below(100) < 10 ? 12 : r.below(12);
                while (sold > 0) {
                    const int seats = std::min(sold, 1 + r.below(3));
                    bookings.push_back({{"start", utc_text(0, start)}, {"end", utc_text(0, start + 60)},
                                        {"service", "yoga"}, {"seats", seats}});
                    sold -= seats;
                }
            }
        }
        resources.push_back({{"id", "room" + two_digits(i)},
                             {"timezone", "Europe/Berlin"},
                             {"weekly", {{"mon", day}, {"tue", day}, {"wed", day}, {"thu", day}, {"fri", day},
                                         {"sat", day}, {"sun", day}}},
                             {"bookings", std::move(bookings)}});
    }
    return json{{"now", utc_text(first_day - 1, 8 * 60)},
                {"from", utc_text(first_day, 0)},
                {"to", utc_text(first_day + days, 0)},
                {"mode", "any"},
                {"seats", 2},
                {"service", {{"id", "yoga"}, {"duration", 60}, {"capacity", 12}, {"buffer_after", 0}}},
                {"resources", std::move(resources)}};
}

/// W5 (SPEC §10): `masters` masters sharing `rooms` rooms in one Berlin
/// salon, `any` mode, 30 days across the March DST change. Masters work
/// Monday-Saturday 09:00-19:00 (half-hour sessions on a 15-minute step),
/// rooms are open daily 08:00-21:00. Each of `sessions` sessions is written
/// as a store writes a pooled booking, twice: on its master and on a room
/// free at that half hour, so 1,500 sessions are 3,000 bookings and fill
/// the rooms' working half hours to about 58%.
inline json w5_query(std::uint64_t seed, int masters = 20, int rooms = 5, int sessions = 1500, int days = 30) {
    rng r(seed);
    constexpr int first_day = 74;  // 2026-03-16, a Monday
    const json work = json::array({json::array({"09:00", "19:00"})});
    const json open = json::array({json::array({"08:00", "21:00"})});
    json team = json::array();
    for (int i = 0; i < masters; ++i)
        team.push_back({{"id", "m" + two_digits(i)},
                        {"timezone", "Europe/Berlin"},
                        {"weekly", {{"mon", work}, {"tue", work}, {"wed", work}, {"thu", work}, {"fri", work}, {"sat", work}}},
                        {"bookings", json::array()}});
    json studio = json::array();
    for (int i = 0; i < rooms; ++i)
        studio.push_back({{"id", "room" + std::to_string(i + 1)},
                          {"timezone", "Europe/Berlin"},
                          {"weekly", {{"mon", open}, {"tue", open}, {"wed", open}, {"thu", open}, {"fri", open},
                                      {"sat", open}, {"sun", open}}},
                          {"bookings", json::array()}});
    std::vector<std::set<int>> master_hours(static_cast<std::size_t>(masters));
    std::vector<std::set<int>> room_hours(static_cast<std::size_t>(rooms));
    int placed = 0;
    for (int attempts = 0; placed < sessions && attempts < sessions * 50; ++attempts) {
        const int day = first_day + r.below(days);
        if ((day + 3) % 7 == 6) continue;  // Sundays are off
        const int half_hour = 18 + r.below(20);  // 09:00 .. 18:30
        const int key = day * 48 + half_hour;
        auto& mine = master_hours[static_cast<std::size_t>(r.below(masters))];
        if (mine.contains(key)) continue;
        int room = -1;
        for (int k = 0, first = r.below(rooms); k < rooms && room < 0; ++k)
            if (!room_hours[static_cast<std::size_t>((first + k) % rooms)].contains(key)) room = (first + k) % rooms;
        if (room < 0) continue;  // every room is taken then
        mine.insert(key);
        room_hours[static_cast<std::size_t>(room)].insert(key);
        const int offset = day >= 88 ? 120 : 60;  // Europe/Berlin, DST from 2026-03-29
        const int start = day * 1440 + half_hour * 30 - offset;
        const json b{{"start", utc_text(0, start)}, {"end", utc_text(0, start + 30)}, {"service", "session"}};
        const std::size_t master = static_cast<std::size_t>(&mine - master_hours.data());
        team[master]["bookings"].push_back(b);
        studio[static_cast<std::size_t>(room)]["bookings"].push_back(b);
        ++placed;
    }
    return json{{"now", utc_text(first_day - 1, 8 * 60)},
                {"from", utc_text(first_day, 0)},
                {"to", utc_text(first_day + days, 0)},
                {"mode", "any"},
                {"service", {{"id", "session"}, {"duration", 30}, {"step", 15}}},
                {"resources", std::move(team)},
                {"pools", json::array({json{{"id", "room"}, {"resources", std::move(studio)}}})}};
}

}  // namespace slotcraft::bench
