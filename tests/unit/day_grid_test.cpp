// day_grid: the starts the listing lays on one local date's windows.
#include <slotcraft/day_grid.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace slotcraft;
using namespace std::chrono_literals;

namespace {

schedule in_zone(std::string_view zone_name, date::weekday day, std::vector<local_range> ranges) {
    schedule out{.time_zone = zone::locate(zone_name)};
    out.weekly.set(day, std::move(ranges));
    return out;
}

std::vector<std::string> local_times(const schedule& rules, const std::vector<instant>& starts) {
    std::vector<std::string> out;
    for (const instant s : starts) out.push_back(date::format("%d %R", rules.time_zone.to_local(s)));
    return out;
}

const local_date monday{date::year{2026} / 3 / 2};

}  // namespace

TEST_CASE("the day's grid steps from each window's start, cut by breaks, and only where the core fits") {
    schedule rules = in_zone("Europe/Berlin", date::Monday, {local_range::parse("09:00", "12:00")});
    rules.breaks = {local_range::parse("10:00", "10:30")};
    CHECK(local_times(rules, day_grid(rules, monday, {.id = "x", .duration = 30min})) ==
          std::vector<std::string>{"02 09:00", "02 09:30", "02 10:30", "02 11:00", "02 11:30"});
    // A 45-minute service on a 15-minute step: the last start leaves 45 minutes.
    CHECK(local_times(rules, day_grid(rules, monday, {.id = "x", .duration = 45min, .step = 15min})) ==
          std::vector<std::string>{"02 09:00", "02 09:15", "02 10:30", "02 10:45", "02 11:00", "02 11:15"});
    // `free` lays the `window` grid: there are no bookings here.
    CHECK(day_grid(rules, monday, {.id = "x", .duration = 30min, .align = alignment::free}) ==
          day_grid(rules, monday, {.id = "x", .duration = 30min}));
}

TEST_CASE("the clock grid keeps whole multiples of the step from local midnight") {
    const schedule rules = in_zone("Asia/Kathmandu", date::Monday, {local_range::parse("09:15", "12:00")});
    CHECK(local_times(rules, day_grid(rules, monday, {.id = "x", .duration = 60min, .align = alignment::clock})) ==
          std::vector<std::string>{"02 10:00", "02 11:00"});
}

TEST_CASE("an overnight range belongs to the date it starts on, and the previous night's does not") {
    const schedule rules = in_zone("Europe/Berlin", date::Sunday, {local_range::parse("22:00", "02:00")});
    const local_date sunday{date::year{2026} / 3 / 1};
    CHECK(local_times(rules, day_grid(rules, sunday, {.id = "x", .duration = 60min})) ==
          std::vector<std::string>{"01 22:00", "01 23:00", "02 00:00", "02 01:00"});
    CHECK(day_grid(rules, monday, {.id = "x", .duration = 60min}).empty());
}

TEST_CASE("on a spring-forward day the grid runs on real time: 00:00-06:00 in New York is five hours") {
    const schedule rules = in_zone("America/New_York", date::Sunday, {local_range::parse("00:00", "06:00")});
    const local_date change{date::year{2026} / 3 / 8};
    CHECK(local_times(rules, day_grid(rules, change, {.id = "x", .duration = 60min})) ==
          std::vector<std::string>{"08 00:00", "08 01:00", "08 03:00", "08 04:00", "08 05:00"});
    // And on the autumn day 00:00-03:00 is four hours: 01:00 comes twice.
    const schedule autumn = in_zone("America/New_York", date::Sunday, {local_range::parse("00:00", "03:00")});
    const local_date back{date::year{2026} / 11 / 1};
    CHECK(local_times(autumn, day_grid(autumn, back, {.id = "x", .duration = 60min})) ==
          std::vector<std::string>{"01 00:00", "01 01:00", "01 01:00", "01 02:00"});
}

TEST_CASE("day_grid refuses a bad service naming the field") {
    const schedule rules = in_zone("UTC", date::Monday, {local_range::parse("09:00", "10:00")});
    CHECK_THROWS_WITH_AS(day_grid(rules, monday, {.id = "x", .duration = 0min}), doctest::Contains("service.duration"),
                         error);
    CHECK_THROWS_WITH_AS(day_grid(rules, monday, {.id = "x", .duration = 30min, .step = -5min}),
                         doctest::Contains("service.step"), error);
}
