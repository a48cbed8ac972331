#pragma once
/// \file
/// Conversions between slotcraft's time types and Boost.Date_Time, for code
/// that already speaks Boost. Opt-in: the `slotcraft` target does not depend
/// on Boost; a user of this header links Boost's headers (Boost.Date_Time is
/// header-only since Boost 1.73). No I/O: only Boost's `*_types.hpp` headers.
///
/// Boost's Gregorian calendar covers 1400-01-01 to 9999-12-31; values outside
/// it, Boost's special values (not-a-date-time, ±infinity) and intervals whose
/// end is not after their start are refused with `slotcraft::error`
/// (invalid_argument) naming the field.

#include <slotcraft/error.hpp>
#include <slotcraft/time.hpp>
#include <slotcraft/tz.hpp>

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <date/date.h>
#include <fmt/format.h>

#include <chrono>
#include <string>

namespace slotcraft::interop {

namespace detail {

// The range of boost::gregorian::date.
inline constexpr date::local_days first_boost_day{date::year{1400} / date::January / 1};
inline constexpr date::local_days last_boost_day{date::year{9999} / date::December / 31};

inline void check_boost_range(local_date day, const std::string& field) {
    if (day < first_boost_day || day > last_boost_day)
        reject(field, "date is outside Boost.Date_Time's range 1400-01-01..9999-12-31");
}

inline void check_boost_range(instant t, const std::string& field) {
    const date::sys_days first{first_boost_day.time_since_epoch()};
    const date::sys_days after_last{last_boost_day.time_since_epoch() + date::days{1}};
    if (t < first || t >= after_last)
        reject(field, "time is outside Boost.Date_Time's range 1400-01-01..9999-12-31");
}

inline const char* special_name(const boost::posix_time::ptime& t) {
    if (t.is_pos_infinity()) return "+infinity";
    if (t.is_neg_infinity()) return "-infinity";
    return "not_a_date_time";
}

}  // namespace detail

/// The Boost date of local date `day`.
/// \throws error (invalid_argument) naming `field` when `day` is outside
/// 1400-01-01..9999-12-31.
inline boost::gregorian::date to_gregorian(local_date day, const std::string& field = "date") {
    detail::check_boost_range(day, field);
    const date::year_month_day ymd{day};
    return boost::gregorian::date{static_cast<unsigned short>(static_cast<int>(ymd.year())),
                                  static_cast<unsigned short>(static_cast<unsigned>(ymd.month())),
                                  static_cast<unsigned short>(static_cast<unsigned>(ymd.day()))};
}

/// The local date of Boost date `day`.
/// \throws error (invalid_argument) naming `field` when `day` is a special
/// value (not_a_date_time, ±infinity).
inline local_date from_gregorian(const boost::gregorian::date& day, const std::string& field = "date") {
    if (day.is_special())
        reject(field, day.is_not_a_date() ? "Boost date is not_a_date_time"
                                          : "Boost date is infinite");
    const auto ymd = day.year_month_day();
    return local_date{date::year{static_cast<int>(static_cast<unsigned short>(ymd.year))} /
                      date::month{static_cast<unsigned>(ymd.month.as_number())} /
                      date::day{static_cast<unsigned>(static_cast<unsigned short>(ymd.day))}};
}

/// The UTC `ptime` of instant `t`.
/// \throws error (invalid_argument) naming `field` when `t` is outside
/// 1400-01-01T00:00:00Z..9999-12-31T23:59:59Z.
inline boost::posix_time::ptime to_ptime(instant t, const std::string& field = "time") {
    detail::check_boost_range(t, field);
    const auto day = date::floor<date::days>(t);
    const std::chrono::seconds time_of_day = t - day;
    return boost::posix_time::ptime{to_gregorian(local_date{day.time_since_epoch()}, field),
                                    boost::posix_time::seconds(time_of_day.count())};
}

/// The instant of UTC `ptime` `t`. Fractions of a second are dropped: the
/// result is the start of the second `t` falls in (floor, never rounded up).
/// \throws error (invalid_argument) naming `field` when `t` is a special value
/// (not_a_date_time, ±infinity).
inline instant from_ptime(const boost::posix_time::ptime& t, const std::string& field = "time") {
    if (t.is_special())
        reject(field, std::string{"Boost ptime is "} + detail::special_name(t));
    const local_date day = from_gregorian(t.date(), field);
    // time_of_day() is in [0, 24h), so truncating division is a floor.
    const std::chrono::seconds time_of_day{t.time_of_day().total_seconds()};
    return instant{day.time_since_epoch() + time_of_day};
}

/// The Boost period `[begin, end)` of interval `iv`.
/// \throws error (invalid_argument): naming `field` when `iv` is empty (end
/// not after start), naming `field.start` / `field.end` when an end lies
/// outside Boost's range.
inline boost::posix_time::time_period to_time_period(const interval& iv,
                                                     const std::string& field = "interval") {
    if (iv.empty())
        reject(field, fmt::format("end {} is not after start {}", format_instant(iv.end),
                                  format_instant(iv.start)));
    return boost::posix_time::time_period{to_ptime(iv.start, field + ".start"),
                                          to_ptime(iv.end, field + ".end")};
}

/// The interval `[begin(), end())` of Boost period `p` (not `last()`, which is
/// end minus one tick). Both ends are floored to whole seconds as by `from_ptime`.
/// \throws error (invalid_argument): naming `field.start` / `field.end` for a
/// special-valued end, naming `field` when the converted end is not after the
/// converted start (a null or inverted period, or one inside a single second).
inline interval from_time_period(const boost::posix_time::time_period& p,
                                 const std::string& field = "interval") {
    const interval iv{from_ptime(p.begin(), field + ".start"), from_ptime(p.end(), field + ".end")};
    if (iv.empty())
        reject(field, fmt::format("end {} is not after start {}", format_instant(iv.end),
                                  format_instant(iv.start)));
    return iv;
}

}  // namespace slotcraft::interop
