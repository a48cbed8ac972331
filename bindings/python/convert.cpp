// Python <-> C++ values. The only translation unit that uses CPython's
// datetime C API (PyDateTime_IMPORT fills a per-file static).

#include "common.hpp"

#include <slotcraft/json.hpp>
#include <slotcraft/tz.hpp>

#include <datetime.h>
#include <fmt/format.h>

#include <cstdlib>
#include <limits>

namespace slotcraft::python {

namespace {

void datetime_api() {
    if (PyDateTimeAPI == nullptr) {
        PyDateTime_IMPORT;
        if (PyDateTimeAPI == nullptr) throw py::error_already_set();
    }
}

constexpr long long micro = 1'000'000;

long long floor_div(long long a, long long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/// Whole seconds of a timedelta (without its microseconds); never overflows.
long long delta_seconds(PyObject* delta) {
    return static_cast<long long>(PyDateTime_DELTA_GET_DAYS(delta)) * 86400 + PyDateTime_DELTA_GET_SECONDS(delta);
}

/// Total microseconds of a timedelta shorter than about 290,000 years (UTC offsets).
long long delta_microseconds(PyObject* delta) {
    return (static_cast<long long>(PyDateTime_DELTA_GET_DAYS(delta)) * 86400 + PyDateTime_DELTA_GET_SECONDS(delta)) *
               micro +
           PyDateTime_DELTA_GET_MICROSECONDS(delta);
}

std::string weekday_keys() { return "mon, tue, wed, thu, fri, sat or sun"; }

constexpr std::array<std::pair<const char*, unsigned>, 7> weekdays{
    {{"mon", 1}, {"tue", 2}, {"wed", 3}, {"thu", 4}, {"fri", 5}, {"sat", 6}, {"sun", 0}}};

std::string indexed(const std::string& field, std::size_t i) { return fmt::format("{}[{}]", field, i); }

/// A dict, or any other collections.abc.Mapping copied into one; else nullopt.
std::optional<py::dict> as_dict(py::handle value) {
    if (PyDict_Check(value.ptr())) return py::reinterpret_borrow<py::dict>(value);
    if (py::isinstance(value, py::module_::import("collections.abc").attr("Mapping")))
        return py::dict(py::reinterpret_borrow<py::object>(value));
    return std::nullopt;
}

bool is_pair(py::handle value) {
    return (PyTuple_Check(value.ptr()) || PyList_Check(value.ptr())) && py::len(value) == 2;
}

}  // namespace

std::string type_name(py::handle value) {
    return py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(Py_TYPE(value.ptr())))
        .attr("__name__")
        .cast<std::string>();
}

// ---- instants ----

instant to_instant(py::handle value, const std::string& field) {
    datetime_api();
    PyObject* obj = value.ptr();
    if (!PyDateTime_Check(obj)) {
        if (PyDate_Check(obj))
            reject(field, "must be an aware datetime.datetime, got a datetime.date (a date names no instant)");
        reject(field, "must be an aware datetime.datetime, got " + type_name(value));
    }
    py::object offset;
    try {
        offset = py::reinterpret_borrow<py::object>(value).attr("utcoffset")();
    } catch (py::error_already_set& failed) {
        // datetime itself refuses a tzinfo's offset of a day or more (ValueError); a tzinfo may raise anything.
        if (!failed.matches(PyExc_Exception)) throw;  // KeyboardInterrupt and the like go on
        reject(field, fmt::format("its tzinfo gives no offset: utcoffset() raised {}", failed.what()));
    }
    if (offset.is_none())
        reject(field,
               "naive datetime (no tzinfo) names no instant and is not read as local time; give it a zone, e.g. "
               "tzinfo=timezone.utc or ZoneInfo(\"Europe/Berlin\")");
    // A datetime subclass may answer anything from utcoffset(); its fields are read only from a timedelta
    // within a day either side, as datetime itself requires of a tzinfo.
    if (!PyDelta_Check(offset.ptr()))
        reject(field, "utcoffset() must return a datetime.timedelta, got " + type_name(offset));
    if (std::abs(delta_microseconds(offset.ptr())) >= 86400 * micro)
        reject(field, "utcoffset() must be less than a day either side of UTC");
    const date::year_month_day ymd{date::year{PyDateTime_GET_YEAR(obj)},
                                   date::month{static_cast<unsigned>(PyDateTime_GET_MONTH(obj))},
                                   date::day{static_cast<unsigned>(PyDateTime_GET_DAY(obj))}};
    const long long local_seconds = static_cast<long long>(date::sys_days{ymd}.time_since_epoch().count()) * 86400 +
                                    PyDateTime_DATE_GET_HOUR(obj) * 3600LL + PyDateTime_DATE_GET_MINUTE(obj) * 60LL +
                                    PyDateTime_DATE_GET_SECOND(obj);
    const long long utc_micro =
        local_seconds * micro + PyDateTime_DATE_GET_MICROSECOND(obj) - delta_microseconds(offset.ptr());
    // Fractions of a second are dropped: the instant is the whole second the
    // datetime falls in (09:00:00.999 -> 09:00:00), as the ISO reader does.
    const instant out{std::chrono::seconds{floor_div(utc_micro, micro)}};
    // 0001-01-01 00:00 at +14:00 is before the year 1 in UTC, which no record can spell (as the ISO reader says).
    if (out < earliest_instant || out > latest_instant) reject(field, "is outside the years 0001-9999 in UTC");
    return out;
}

py::object from_instant(instant t, std::string_view field) {
    datetime_api();
    const auto day = date::floor<date::days>(t);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<std::chrono::seconds> tod{t - day};
    const int year = static_cast<int>(ymd.year());
    if (year < 1 || year > 9999)
        throw error(error_category::invalid_argument, std::string(field),
                    "the instant is outside the years 1-9999 of datetime");
    PyObject* out = PyDateTimeAPI->DateTime_FromDateAndTime(
        year, static_cast<int>(static_cast<unsigned>(ymd.month())), static_cast<int>(static_cast<unsigned>(ymd.day())),
        static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
        static_cast<int>(tod.seconds().count()), 0, PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
    if (out == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(out);
}

instant now_or_clock(py::handle value) {
    if (value.is_none()) return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return to_instant(value, "now");
}

// ---- durations ----

minutes to_minutes(py::handle value, const std::string& field) {
    datetime_api();
    if (!PyDelta_Check(value.ptr()))
        reject(field, "must be a datetime.timedelta (whole minutes), got " + type_name(value));
    const long long seconds = delta_seconds(value.ptr());
    if (PyDateTime_DELTA_GET_MICROSECONDS(value.ptr()) != 0 || seconds % 60 != 0)
        reject(field, fmt::format("must be whole minutes, got {}", py::str(value).cast<std::string>()));
    return minutes{seconds / 60};
}

py::object from_seconds(std::chrono::seconds value) {
    datetime_api();
    const long long s = value.count();
    PyObject* out = PyDelta_FromDSU(static_cast<int>(floor_div(s, 86400)), static_cast<int>(s - floor_div(s, 86400) * 86400), 0);
    if (out == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(out);
}

py::object from_minutes(minutes value) { return from_seconds(std::chrono::seconds{value}); }

std::chrono::milliseconds to_milliseconds(py::handle value, const std::string& field) {
    datetime_api();
    if (!PyDelta_Check(value.ptr())) reject(field, "must be a datetime.timedelta, got " + type_name(value));
    const long long seconds = delta_seconds(value.ptr());
    if (seconds < 0) reject(field, "must not be negative");
    return std::chrono::milliseconds{seconds * 1000 + PyDateTime_DELTA_GET_MICROSECONDS(value.ptr()) / 1000};
}

// ---- local dates and times ----

local_date to_date(py::handle value, const std::string& field) {
    datetime_api();
    PyObject* obj = value.ptr();
    if (PyDateTime_Check(obj))
        reject(field, "must be a datetime.date (a local date), got a datetime.datetime");
    if (!PyDate_Check(obj)) reject(field, "must be a datetime.date, got " + type_name(value));
    return local_date{date::year{PyDateTime_GET_YEAR(obj)} / static_cast<int>(PyDateTime_GET_MONTH(obj)) /
                      static_cast<int>(PyDateTime_GET_DAY(obj))};
}

py::object from_date(local_date day, std::string_view field) {
    datetime_api();
    const date::year_month_day ymd{day};
    if (ymd.year() < date::year{1} || ymd.year() > date::year{9999})  // 0001-01-01T00:00Z is still 0000 in New York
        throw error(error_category::invalid_argument, std::string(field),
                    "the date is outside the years 1-9999 of datetime");
    PyObject* out = PyDate_FromDate(static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                                    static_cast<int>(static_cast<unsigned>(ymd.day())));
    if (out == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(out);
}

wall_time to_wall_time(py::handle value, const std::string& field) {
    datetime_api();
    PyObject* obj = value.ptr();
    if (PyUnicode_Check(obj)) return wall_time::parse(to_text(value, field), field);
    if (!PyTime_Check(obj)) reject(field, "must be a datetime.time or \"HH:MM\", got " + type_name(value));
    if (!py::reinterpret_borrow<py::object>(value).attr("tzinfo").is_none())
        reject(field, "a local time takes its zone from the resource; give a datetime.time without tzinfo");
    if (PyDateTime_TIME_GET_SECOND(obj) != 0 || PyDateTime_TIME_GET_MICROSECOND(obj) != 0)
        reject(field, fmt::format("must be whole minutes, got {}", py::str(value).cast<std::string>()));
    return wall_time::from_minutes(PyDateTime_TIME_GET_HOUR(obj) * 60 + PyDateTime_TIME_GET_MINUTE(obj), field);
}

py::object from_wall_time(wall_time t) {
    datetime_api();
    const auto m = static_cast<int>(t.since_midnight().count() % (24 * 60));
    PyObject* out = PyTime_FromTime(m / 60, m % 60, 0, 0);
    if (out == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(out);
}

local_range to_range(py::handle value, const std::string& field) {
    if (py::isinstance<local_range>(value)) return value.cast<local_range>();
    if (!is_pair(value))
        reject(field, "must be a LocalRange or a pair (start, end) of datetime.time or \"HH:MM\", got " +
                          type_name(value));
    return {to_wall_time(value[py::int_(0)], field + "[0]"), to_wall_time(value[py::int_(1)], field + "[1]")};
}

std::vector<local_range> to_ranges(py::handle value, const std::string& field) {
    std::vector<local_range> out;
    const auto items = to_items(value, field);
    for (std::size_t i = 0; i < items.size(); ++i) out.push_back(to_range(items[i], indexed(field, i)));
    return out;
}

py::list from_ranges(const std::vector<local_range>& ranges) {
    py::list out;
    for (const local_range& r : ranges) out.append(py::cast(r));
    return out;
}

weekly_hours to_weekly(py::handle value, const std::string& field) {
    const auto days = as_dict(value);
    if (!days) reject(field, "must be a dict of weekday (" + weekday_keys() + ") to ranges, got " + type_name(value));
    weekly_hours out;
    for (const auto& [key, ranges] : *days) {
        if (!PyUnicode_Check(key.ptr())) reject(field, "weekday keys must be str, got " + type_name(key));
        const std::string name = to_text(key, field);
        const auto day = std::find_if(weekdays.begin(), weekdays.end(), [&](const auto& d) { return name == d.first; });
        if (day == weekdays.end())
            reject(field + "." + name.substr(0, 16), "unknown weekday (expected " + weekday_keys() + ")");
        out.set(date::weekday{day->second}, to_ranges(ranges, field + "." + name));
    }
    return out;
}

std::map<std::string, int, std::less<>> to_ints_by_id(py::handle value, const std::string& field) {
    const auto items = as_dict(value);
    if (!items) reject(field, "must be a dict of resource id to int, got " + type_name(value));
    std::map<std::string, int, std::less<>> out;
    for (const auto& [key, number] : *items) out[to_text(key, field)] = to_int(number, field);
    return out;
}

std::map<std::string, std::string, std::less<>> to_texts_by_id(py::handle value, const std::string& field) {
    const auto items = as_dict(value);
    if (!items) reject(field, "must be a dict of str to str, got " + type_name(value));
    std::map<std::string, std::string, std::less<>> out;
    for (const auto& [key, text] : *items) {
        const std::string id = to_text(key, field);
        out[id] = to_text(text, field + "." + id.substr(0, 64));
    }
    return out;
}

py::dict slot_pools(const slot& s) {
    py::dict out;
    for (const pool_choice& p : s.pools) out[py::str(p.pool)] = py::cast(p.members);
    return out;
}

std::vector<service_pool> to_service_pools(py::handle value, const std::string& field) {
    const auto items = as_dict(value);
    if (!items) reject(field, "must be a dict of pool id to a list of resource ids, got " + type_name(value));
    std::vector<service_pool> out;
    for (const auto& [key, members] : *items) {
        const std::string id = to_text(key, field);
        out.push_back({.id = id, .resources = to_texts(members, field + "." + id.substr(0, 64))});
    }
    return out;
}

py::dict from_weekly(const weekly_hours& hours) {
    py::dict out;
    for (const auto& [key, encoding] : weekdays) {
        const auto ranges = hours.on(date::weekday{encoding});
        out[key] = from_ranges(std::vector<local_range>(ranges.begin(), ranges.end()));
    }
    return out;
}

std::map<local_date, std::vector<local_range>> to_overrides(py::handle value, const std::string& field) {
    const auto dates = as_dict(value);
    if (!dates) reject(field, "must be a dict of datetime.date to ranges, got " + type_name(value));
    std::map<local_date, std::vector<local_range>> out;
    for (const auto& [key, ranges] : *dates) {
        const local_date day = to_date(key, field);
        out[day] = to_ranges(ranges, field + "." + date::format("%F", day));
    }
    return out;
}

py::dict from_overrides(const std::map<local_date, std::vector<local_range>>& overrides) {
    py::dict out;
    for (const auto& [day, ranges] : overrides) out[from_date(day)] = from_ranges(ranges);
    return out;
}

// ---- intervals ----

interval to_interval(py::handle value, const std::string& field) {
    if (py::isinstance<interval>(value)) return value.cast<interval>();
    if (!is_pair(value))
        reject(field, "must be an Interval or a pair (start, end) of aware datetimes, got " + type_name(value));
    return {to_instant(value[py::int_(0)], field + ".start"), to_instant(value[py::int_(1)], field + ".end")};
}

std::vector<interval> to_intervals(py::handle value, const std::string& field) {
    std::vector<interval> out;
    const auto items = to_items(value, field);
    for (std::size_t i = 0; i < items.size(); ++i) out.push_back(to_interval(items[i], indexed(field, i)));
    return out;
}

py::list from_intervals(const std::vector<interval>& list) {
    py::list out;
    for (const interval& i : list) out.append(py::cast(i));
    return out;
}

// ---- scalars ----

std::string to_text(py::handle value, const std::string& field) {
    if (!PyUnicode_Check(value.ptr())) reject(field, "must be a str, got " + type_name(value));
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(value.ptr(), &size);
    if (utf8 == nullptr) {
        PyErr_Clear();
        reject(field, "must be valid Unicode text (it holds a lone surrogate)");
    }
    return {utf8, static_cast<std::size_t>(size)};
}

std::vector<std::string> to_texts(py::handle value, const std::string& field) {
    std::vector<std::string> out;
    const auto items = to_items(value, field);
    for (std::size_t i = 0; i < items.size(); ++i) out.push_back(to_text(items[i], indexed(field, i)));
    return out;
}

long long to_int64(py::handle value, const std::string& field) {
    if (!PyLong_Check(value.ptr()) || PyBool_Check(value.ptr()))
        reject(field, "must be an int, got " + type_name(value));
    int overflow = 0;
    const long long n = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
    if (overflow != 0) reject(field, "is out of range");
    return n;
}

int to_int(py::handle value, const std::string& field) {
    const long long n = to_int64(value, field);
    if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) reject(field, "is out of range");
    return static_cast<int>(n);
}

bool to_bool(py::handle value, const std::string& field) {
    if (!PyBool_Check(value.ptr())) reject(field, "must be a bool, got " + type_name(value));
    return value.ptr() == Py_True;
}

zone to_zone(py::handle value, const std::string& field) {
    if (py::isinstance<zone>(value)) return value.cast<zone>();
    if (PyUnicode_Check(value.ptr())) return zone::locate(to_text(value, field), field);
    const py::object zoneinfo = py::module_::import("zoneinfo").attr("ZoneInfo");
    if (py::isinstance(value, zoneinfo)) {
        const py::object key = py::reinterpret_borrow<py::object>(value).attr("key");
        if (!PyUnicode_Check(key.ptr())) reject(field, "a ZoneInfo without an IANA key (read from a file) is not supported");
        return zone::locate(to_text(key, field), field);
    }
    reject(field, "must be an IANA time zone name or a zoneinfo.ZoneInfo, got " + type_name(value));
}

std::vector<py::object> to_items(py::handle value, const std::string& field) {
    PyObject* obj = value.ptr();
    if (PyUnicode_Check(obj) || PyBytes_Check(obj) || PyDict_Check(obj) || !py::isinstance<py::iterable>(value))
        reject(field, "must be a list, got " + type_name(value));
    std::vector<py::object> out;
    for (py::handle item : value) out.push_back(py::reinterpret_borrow<py::object>(item));
    return out;
}

// ---- JSON-like data ----

nlohmann::json to_json(py::handle value, const std::string& field, int depth) {
    datetime_api();
    PyObject* obj = value.ptr();
    if (depth > max_json_depth)  // named by its outermost member: the whole path would be thousands of characters
        reject(field.empty() ? "query" : field.substr(0, field.find_first_of(".[")),
               fmt::format("nests deeper than {} levels (a dict or list that holds itself?)", max_json_depth));
    if (value.is_none()) return nullptr;
    if (PyBool_Check(obj)) return obj == Py_True;
    if (PyLong_Check(obj)) return to_int64(value, field);
    if (PyFloat_Check(obj)) return value.cast<double>();
    if (PyUnicode_Check(obj)) return to_text(value, field.empty() ? "query" : field);
    if (PyDateTime_Check(obj)) return format_instant(to_instant(value, field));
    if (PyDict_Check(obj)) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& [key, item] : py::reinterpret_borrow<py::dict>(value)) {
            if (!PyUnicode_Check(key.ptr())) reject(field, "keys must be str, got " + type_name(key));
            const std::string name = to_text(key, field.empty() ? "query" : field);
            out[name] = to_json(item, field.empty() ? name : field + "." + name, depth + 1);
        }
        return out;
    }
    if (PyList_Check(obj) || PyTuple_Check(obj)) {
        nlohmann::json out = nlohmann::json::array();
        std::size_t i = 0;
        for (py::handle item : value) {
            out.push_back(to_json(item, indexed(field, i), depth + 1));
            ++i;
        }
        return out;
    }
    reject(field.empty() ? "query" : field, "is not JSON data (dict, list, str, int, float, bool, None or an aware "
                                            "datetime), got " + type_name(value));
}

py::object from_json(const nlohmann::json& value) {
    return py::module_::import("json").attr("loads")(value.dump());
}

nlohmann::json to_json_document(py::handle value, const std::string& root) {
    const std::string field = root.empty() ? "query" : root;
    if (PyUnicode_Check(value.ptr())) return parse_json_text(to_text(value, field), field);
    if (!PyDict_Check(value.ptr())) reject(field, "must be a dict or JSON text, got " + type_name(value));
    return to_json(value, root);
}

}  // namespace slotcraft::python
