// RFC 5545 §3.3.10 recurrence rules (see src/rrule.hpp and docs/calendars.md).
#include "rrule.hpp"

#include <slotcraft/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

namespace slotcraft::detail {

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
    return out;
}

namespace {

constexpr std::array<std::pair<std::string_view, unsigned>, 7> weekday_names{
    {{"SU", 0}, {"MO", 1}, {"TU", 2}, {"WE", 3}, {"TH", 4}, {"FR", 5}, {"SA", 6}}};

class rule_parser {
public:
    explicit rule_parser(std::string field) : field_(std::move(field)) {}

    [[noreturn]] void fail(const std::string& message) const { reject(field_, message); }

    long long number(std::string_view part, std::string_view text, long long low, long long high) const {
        long long value = 0;
        const char* first = text.data();
        if (!text.empty() && text.front() == '+' && low < 0) ++first;  // a sign only where negatives are allowed
        const auto [end, ec] = std::from_chars(first, text.data() + text.size(), value);
        if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
            fail(fmt::format("{}: \"{}\" is not a whole number", part, text.substr(0, 32)));
        if (value < low || value > high) fail(fmt::format("{}: {} is outside {}..{}", part, value, low, high));
        return value;
    }

    /// A comma-separated list of whole numbers in ±[low, high] (`signed_values`) or [low, high].
    std::vector<int> numbers(std::string_view part, std::string_view text, int low, int high, bool signed_values) const {
        std::vector<int> out;
        for_each_item(text, [&](std::string_view item) {
            const auto n = static_cast<int>(number(part, item, signed_values ? -high : low, high));
            if (signed_values && n == 0) fail(fmt::format("{}: 0 is not a valid value", part));
            out.push_back(n);
        });
        return out;
    }

    date::weekday weekday(std::string_view part, std::string_view name) const {
        for (const auto& [code, index] : weekday_names)
            if (name == code) return date::weekday{index};
        fail(fmt::format("{}: \"{}\" is not a day (SU, MO, TU, WE, TH, FR, SA)", part, name.substr(0, 16)));
    }

    std::vector<weekday_position> days(std::string_view text) const {
        std::vector<weekday_position> out;
        for_each_item(text, [&](std::string_view item) {
            if (item.size() < 2) fail(fmt::format("BYDAY: \"{}\" is not a day like MO, 2TU or -1FR", item));
            const std::string_view prefix = item.substr(0, item.size() - 2);
            const int position = prefix.empty() ? 0 : static_cast<int>(number("BYDAY", prefix, -53, 53));
            if (!prefix.empty() && position == 0) fail("BYDAY: a position must not be 0");
            out.push_back({position, weekday("BYDAY", item.substr(item.size() - 2))});
        });
        return out;
    }

    rrule_until until(std::string_view text) const {
        const auto digits = [&](std::size_t from, std::size_t n, int low, int high) {
            return static_cast<int>(number("UNTIL", text.substr(from, n), low, high));
        };
        const bool utc = text.size() == 16 && text[15] == 'Z';
        if (text.size() != 8 && text.size() != 15 && !utc)
            fail(fmt::format("UNTIL: \"{}\" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])",
                             text.substr(0, 32)));
        if (text.size() > 8 && text[8] != 'T') fail("UNTIL: a date-time needs T between the date and the time");
        const date::year_month_day day{date::year{digits(0, 4, 1, 9999)}, date::month{static_cast<unsigned>(digits(4, 2, 1, 12))},
                                       date::day{static_cast<unsigned>(digits(6, 2, 1, 31))}};
        if (!day.ok()) fail(fmt::format("UNTIL: {} is not a date", text.substr(0, 8)));
        rrule_until out;
        out.local = date::local_seconds{date::local_days{day}};
        if (text.size() == 8) return out;
        out.local += std::chrono::hours{digits(9, 2, 0, 23)} + std::chrono::minutes{digits(11, 2, 0, 59)} +
                     std::chrono::seconds{digits(13, 2, 0, 60)};
        out.form = utc ? rrule_until::kind::utc : rrule_until::kind::floating;
        if (utc) out.utc = instant{out.local.time_since_epoch()};
        return out;
    }

    template <class F>
    void for_each_item(std::string_view text, F&& each) const {
        std::size_t pos = 0;
        while (pos <= text.size()) {
            const std::size_t end = std::min(text.find(',', pos), text.size());
            std::string_view item = text.substr(pos, end - pos);
            while (!item.empty() && item.front() == ' ') item.remove_prefix(1);  // "MO, TU" as Exchange writes it
            while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
            each(item);
            pos = end + 1;
        }
    }

private:
    std::string field_;
};

bool contains(const std::vector<int>& values, int v) { return std::find(values.begin(), values.end(), v) != values.end(); }

/// Whether `value` (1-based in a run of `length`) is named by `wanted`, where
/// a negative entry counts from the end.
bool picked(const std::vector<int>& wanted, int value, int length) {
    return std::any_of(wanted.begin(), wanted.end(), [&](int n) { return n > 0 ? n == value : length + n + 1 == value; });
}

/// The first day of week 1 of `y`: the week (from `week_start`) that holds
/// 4 January, so it has at least four days of the year (ISO 8601 with WKST).
date::local_days week_one(date::year y, date::weekday week_start) {
    const date::local_days fourth{y / date::January / 4};
    return fourth - (date::weekday{fourth} - week_start);
}

/// Whether `day` is in a week BYWEEKNO names, numbered within the week's own year.
bool in_weeks(const std::vector<int>& weeks, date::local_days day, date::year y, date::weekday week_start) {
    date::local_days first = week_one(y, week_start);
    if (day < first) {
        --y;
        first = week_one(y, week_start);
    } else if (day >= week_one(y + date::years{1}, week_start)) {
        ++y;
        first = week_one(y, week_start);
    }
    const int number = static_cast<int>((day - first).count() / 7) + 1;
    const int count = static_cast<int>((week_one(y + date::years{1}, week_start) - first).count() / 7);
    return picked(weeks, number, count);
}

/// The rule with RFC 5545's defaults from DTSTART filled in.
rrule with_defaults(rrule rule, date::local_seconds start) {
    const date::local_days day = date::floor<date::days>(start);
    const date::year_month_day ymd{day};
    if (rule.by_week_no.empty() && rule.by_year_day.empty() && rule.by_month_day.empty() && rule.by_day.empty()) {
        switch (rule.freq) {
            case frequency::yearly:
                if (rule.by_month.empty()) rule.by_month = {static_cast<int>(static_cast<unsigned>(ymd.month()))};
                rule.by_month_day = {static_cast<int>(static_cast<unsigned>(ymd.day()))};
                break;
            case frequency::monthly: rule.by_month_day = {static_cast<int>(static_cast<unsigned>(ymd.day()))}; break;
            case frequency::weekly: rule.by_day = {{0, date::weekday{day}}}; break;
            case frequency::daily: break;
        }
    }
    const date::hh_mm_ss clock{start - day};
    if (rule.by_hour.empty()) rule.by_hour = {static_cast<int>(clock.hours().count())};
    if (rule.by_minute.empty()) rule.by_minute = {static_cast<int>(clock.minutes().count())};
    if (rule.by_second.empty()) rule.by_second = {static_cast<int>(clock.seconds().count())};
    return rule;
}

/// Whether `day` passes every BY part that limits days (the period supplies
/// the days; RFC 5545's "expand" parts are filters over a whole period).
bool day_matches(const rrule& rule, date::local_days day) {
    const date::year_month_day ymd{day};
    const auto month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    if (!rule.by_month.empty() && !contains(rule.by_month, month)) return false;
    if (!rule.by_week_no.empty() && !in_weeks(rule.by_week_no, day, ymd.year(), rule.week_start)) return false;
    const date::local_days year_start{ymd.year() / date::January / 1};
    const int year_length = ymd.year().is_leap() ? 366 : 365;
    if (!rule.by_year_day.empty() &&
        !picked(rule.by_year_day, static_cast<int>((day - year_start).count()) + 1, year_length))
        return false;
    const auto month_length = static_cast<int>(static_cast<unsigned>((ymd.year() / ymd.month() / date::last).day()));
    const auto day_of_month = static_cast<int>(static_cast<unsigned>(ymd.day()));
    if (!rule.by_month_day.empty() && !picked(rule.by_month_day, day_of_month, month_length)) return false;
    if (rule.by_day.empty()) return true;
    const date::weekday wd{day};
    // Positions count within the month (MONTHLY, or YEARLY with BYMONTH) or the year.
    const bool in_month = rule.freq == frequency::monthly || !rule.by_month.empty();
    const int index = in_month ? day_of_month : static_cast<int>((day - year_start).count()) + 1;
    const int length = in_month ? month_length : year_length;
    return std::any_of(rule.by_day.begin(), rule.by_day.end(), [&](const weekday_position& d) {
        if (d.day != wd) return false;
        if (d.position == 0) return true;
        return d.position > 0 ? (index - 1) / 7 + 1 == d.position : (length - index) / 7 + 1 == -d.position;
    });
}

}  // namespace

rrule parse_rrule(std::string_view text, const std::string& field) {
    const rule_parser parse(field);
    std::string whole = upper(text);
    std::string_view rest = whole;
    if (rest.starts_with("RRULE:")) rest.remove_prefix(6);
    rrule rule;
    std::vector<std::string> seen;
    bool has_freq = false;
    std::size_t pos = 0;
    while (pos <= rest.size()) {
        const std::size_t end = std::min(rest.find(';', pos), rest.size());
        const std::string_view part = rest.substr(pos, end - pos);
        pos = end + 1;
        if (part.empty()) continue;  // "FREQ=DAILY;" as some producers write it
        const std::size_t eq = part.find('=');
        if (eq == std::string_view::npos || eq == 0)
            parse.fail(fmt::format("\"{}\" is not a NAME=VALUE part", part.substr(0, 40)));
        const std::string name(part.substr(0, eq));
        const std::string_view value = part.substr(eq + 1);
        if (std::find(seen.begin(), seen.end(), name) != seen.end())
            parse.fail(fmt::format("the part {} is given twice", name));
        seen.push_back(name);
        if (value.empty()) parse.fail(fmt::format("{} has no value", name));
        if (name == "FREQ") {
            has_freq = true;
            if (value == "DAILY") rule.freq = frequency::daily;
            else if (value == "WEEKLY") rule.freq = frequency::weekly;
            else if (value == "MONTHLY") rule.freq = frequency::monthly;
            else if (value == "YEARLY") rule.freq = frequency::yearly;
            else if (value == "HOURLY" || value == "MINUTELY" || value == "SECONDLY")
                parse.fail(fmt::format("FREQ={} is not supported: occurrences come at most daily (use BYHOUR and "
                                       "BYMINUTE with FREQ=DAILY)",
                                       value));
            else
                parse.fail(fmt::format("FREQ: \"{}\" is not DAILY, WEEKLY, MONTHLY or YEARLY", value.substr(0, 16)));
        } else if (name == "INTERVAL") {
            rule.interval = static_cast<int>(parse.number(name, value, 1, 100000));
        } else if (name == "COUNT") {
            rule.count = parse.number(name, value, 1, 1'000'000'000);
        } else if (name == "UNTIL") {
            rule.until = parse.until(value);
        } else if (name == "BYSECOND") {
            rule.by_second = parse.numbers(name, value, 0, 59, false);
        } else if (name == "BYMINUTE") {
            rule.by_minute = parse.numbers(name, value, 0, 59, false);
        } else if (name == "BYHOUR") {
            rule.by_hour = parse.numbers(name, value, 0, 23, false);
        } else if (name == "BYDAY") {
            rule.by_day = parse.days(value);
        } else if (name == "BYMONTHDAY") {
            rule.by_month_day = parse.numbers(name, value, 1, 31, true);
        } else if (name == "BYYEARDAY") {
            rule.by_year_day = parse.numbers(name, value, 1, 366, true);
        } else if (name == "BYWEEKNO") {
            rule.by_week_no = parse.numbers(name, value, 1, 53, true);
        } else if (name == "BYMONTH") {
            rule.by_month = parse.numbers(name, value, 1, 12, false);
        } else if (name == "BYSETPOS") {
            rule.by_set_pos = parse.numbers(name, value, 1, 366, true);
        } else if (name == "WKST") {
            rule.week_start = parse.weekday(name, value);
        } else {
            parse.fail(fmt::format("the part {} is not an RFC 5545 rule part", name.substr(0, 32)));
        }
    }
    if (!has_freq) parse.fail(seen.empty() ? std::string("must not be empty") : std::string("FREQ is required"));
    if (rule.count && rule.until) parse.fail("COUNT and UNTIL must not both be given (RFC 5545)");
    const bool positions =
        std::any_of(rule.by_day.begin(), rule.by_day.end(), [](const weekday_position& d) { return d.position != 0; });
    if (!rule.by_month_day.empty() && rule.freq == frequency::weekly)
        parse.fail("BYMONTHDAY does not go with FREQ=WEEKLY (RFC 5545)");
    if (!rule.by_year_day.empty() && rule.freq != frequency::yearly)
        parse.fail("BYYEARDAY goes only with FREQ=YEARLY (RFC 5545)");
    if (!rule.by_week_no.empty() && rule.freq != frequency::yearly)
        parse.fail("BYWEEKNO goes only with FREQ=YEARLY (RFC 5545)");
    if (positions && rule.freq != frequency::monthly && rule.freq != frequency::yearly)
        parse.fail("a BYDAY with a position (like 2TU) needs FREQ=MONTHLY or FREQ=YEARLY (RFC 5545)");
    if (positions && !rule.by_week_no.empty())
        parse.fail("a BYDAY with a position (like 2TU) does not go with BYWEEKNO (RFC 5545)");
    return rule;
}

bool past_until(const rrule_until& until, date::local_seconds local, instant at) {
    switch (until.form) {
        case rrule_until::kind::date: return date::floor<date::days>(local) > date::floor<date::days>(until.local);
        case rrule_until::kind::floating: return local > until.local;
        case rrule_until::kind::utc: return at > until.utc;
    }
    return false;
}

bool may_come_back(const rrule_until& until, instant at) {
    return until.form == rrule_until::kind::utc && at <= until.utc + date::days{1};
}

std::vector<std::chrono::seconds> times_of_day(const rrule& given, date::local_seconds start) {
    const rrule rule = with_defaults(given, start);
    std::vector<std::chrono::seconds> times;
    for (const int h : rule.by_hour)
        for (const int m : rule.by_minute)
            for (const int s : rule.by_second)
                times.push_back(std::chrono::hours{h} + std::chrono::minutes{m} + std::chrono::seconds{s});
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    return times;
}

void expand_rrule(const rrule& given, date::local_seconds start, date::local_days last_day,
                  const std::function<bool(date::local_seconds)>& next, long long* days_left) {
    const rrule rule = with_defaults(given, start);
    const std::vector<std::chrono::seconds> times = times_of_day(rule, start);

    const date::local_days first_day = date::floor<date::days>(start);
    const date::year_month_day first_ymd{first_day};
    const date::local_days first_week = first_day - (date::weekday{first_day} - rule.week_start);
    std::vector<date::local_seconds> period;
    date::local_days last_match = first_day;
    for (long long k = 0;; ++k) {
        const long long step = k * rule.interval;
        date::local_days from;
        date::local_days to;
        switch (rule.freq) {
            case frequency::daily: from = to = first_day + date::days{step}; break;
            case frequency::weekly:
                from = first_week + date::weeks{step};
                to = from + date::days{6};
                break;
            // Months and years are counted in 64 bits: date::year holds a short, and
            // a large INTERVAL would wrap it back to an earlier year.
            case frequency::monthly: {
                const long long month = static_cast<int>(first_ymd.year()) * 12LL +
                                        static_cast<unsigned>(first_ymd.month()) - 1 + step;
                if (month / 12 > 9999) return;
                const date::year_month ym{date::year{static_cast<int>(month / 12)},
                                          date::month{static_cast<unsigned>(month % 12) + 1}};
                from = date::local_days{ym / 1};
                to = date::local_days{ym / date::last};
                break;
            }
            case frequency::yearly: {
                const long long year = static_cast<int>(first_ymd.year()) + step;
                if (year > 9999) return;
                const date::year y{static_cast<int>(year)};
                from = date::local_days{y / date::January / 1};
                to = date::local_days{y / date::December / 31};
                break;
            }
        }
        // The Gregorian calendar repeats every 400 years, so periods of `interval` repeat within
        // 400 * interval years: a rule with no occurrence in that long has none after it.
        if (from > last_day || from > date::local_days{date::year{9999} / 1 / 1} ||
            (from - last_match).count() > 146097LL * rule.interval)
            return;
        period.clear();
        if (days_left != nullptr && (*days_left -= (to - from).count() + 1) < 0) return;
        for (date::local_days day = from; day <= to; day += date::days{1})
            if (day_matches(rule, day))
                for (const auto t : times) period.push_back(date::local_seconds{day} + t);
        if (!rule.by_set_pos.empty()) {
            std::vector<date::local_seconds> chosen;
            const auto size = static_cast<long long>(period.size());
            for (const int p : rule.by_set_pos) {
                const long long index = p > 0 ? p - 1 : size + p;
                if (index >= 0 && index < size) chosen.push_back(period[static_cast<std::size_t>(index)]);
            }
            std::sort(chosen.begin(), chosen.end());
            chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
            period.swap(chosen);
        }
        if (!period.empty()) last_match = date::floor<date::days>(period.back());
        for (const auto at : period)
            if (at >= start && !next(at)) return;
    }
}

}  // namespace slotcraft::detail
