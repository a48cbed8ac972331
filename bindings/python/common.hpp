#pragma once
// Shared by the binding files: the Python <-> C++ conversions (convert.cpp)
// and helpers that define properties through them.
//
// Every conversion takes the field name used in errors: bad input is refused
// with slotcraft::error (invalid_argument) naming the field, which the
// translator of bind_errors.cpp raises as slotcraft.InvalidArgument. pybind11's
// own chrono caster is never included: instants are aware datetimes, read
// through utcoffset() (convert.cpp), durations are whole-minute timedeltas.

#include <slotcraft/availability.hpp>
#include <slotcraft/catalog.hpp>
#include <slotcraft/error.hpp>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace py = pybind11;

// A slot's resource ids (boost small_vector) cross as a list of str, like a std::vector.
template <typename T, std::size_t N>
struct pybind11::detail::type_caster<boost::container::small_vector<T, N>>
    : list_caster<boost::container::small_vector<T, N>, T> {};

namespace slotcraft::python {

// ---- registration, one function per binding file -------------------------

void register_errors(py::module_& m);

/// The name Python errors carry in `category` ("conflict", "not_found", ...).
std::string_view category_name(error_category c);
void register_time(py::module_& m);
void register_engine(py::module_& m);
void register_calendar(py::module_& m);
void register_catalog(py::module_& m);
void register_stores(py::module_& m);
void register_scheduler(py::module_& m);

// ---- conversions ----------------------------------------------------------

/// `type(value).__name__`, for messages.
std::string type_name(py::handle value);

/// An aware `datetime` -> instant (sub-second parts dropped, as the C++ ISO
/// reader truncates fractions). Naive datetimes and other types are refused.
instant to_instant(py::handle value, const std::string& field);
/// A `datetime` with `tzinfo=timezone.utc`; an instant outside the years
/// 1-9999 is refused on `field` (the argument it was made from).
py::object from_instant(instant t, std::string_view field = "");
/// `None` -> the wall clock's current second, else `to_instant(value, "now")`.
instant now_or_clock(py::handle value);

/// A `timedelta` of whole minutes (negative allowed: the validators decide).
minutes to_minutes(py::handle value, const std::string& field);
py::object from_minutes(minutes value);
py::object from_seconds(std::chrono::seconds value);
/// A `timedelta` of whole milliseconds, not negative.
std::chrono::milliseconds to_milliseconds(py::handle value, const std::string& field);

/// A `datetime.date` (a `datetime` is refused: it is not a local date).
local_date to_date(py::handle value, const std::string& field);
/// A `datetime.date`; a date outside the years 1-9999 is refused on `field`.
py::object from_date(local_date day, std::string_view field = "");

/// A `datetime.time` (naive, whole minutes) or `"HH:MM"` (`"24:00"` allowed).
wall_time to_wall_time(py::handle value, const std::string& field);
/// A `datetime.time`; 24:00 becomes time(0, 0), the same end of a range.
py::object from_wall_time(wall_time t);

/// A LocalRange or a pair (start, end) of times.
local_range to_range(py::handle value, const std::string& field);
std::vector<local_range> to_ranges(py::handle value, const std::string& field);
py::list from_ranges(const std::vector<local_range>& ranges);
/// `{"mon": [ranges], ...}` (any Mapping); weekdays left out have no hours.
weekly_hours to_weekly(py::handle value, const std::string& field);
py::dict from_weekly(const weekly_hours& hours);
std::map<local_date, std::vector<local_range>> to_overrides(py::handle value, const std::string& field);
/// `{"anna": 3, ...}` (any Mapping of resource id to int): weights or priorities.
std::map<std::string, int, std::less<>> to_ints_by_id(py::handle value, const std::string& field);
/// A slot's pools as a dict: pool id to its free members, preferred first.
py::dict slot_pools(const slot& s);
/// SPEC §10 pools of a service from {pool id: [resource ids]}, in the dict's
/// order (service_pool::validate checks the rest).
std::vector<service_pool> to_service_pools(py::handle value, const std::string& field);
/// A dict of str to str (a pool id to a resource id), naming `field.KEY` for a bad value.
std::map<std::string, std::string, std::less<>> to_texts_by_id(py::handle value, const std::string& field);
py::dict from_overrides(const std::map<local_date, std::vector<local_range>>& overrides);

/// An Interval or a pair (start, end) of aware datetimes.
interval to_interval(py::handle value, const std::string& field);
std::vector<interval> to_intervals(py::handle value, const std::string& field);
py::list from_intervals(const std::vector<interval>& list);

std::string to_text(py::handle value, const std::string& field);
std::vector<std::string> to_texts(py::handle value, const std::string& field);
int to_int(py::handle value, const std::string& field);
long long to_int64(py::handle value, const std::string& field);
bool to_bool(py::handle value, const std::string& field);

/// An IANA name or a zoneinfo.ZoneInfo (or a slotcraft.Zone), checked
/// against the tz database.
zone to_zone(py::handle value, const std::string& field);

/// The items of a list, tuple or other iterable (not a str, bytes or mapping).
std::vector<py::object> to_items(py::handle value, const std::string& field);

/// How deep JSON-like data may nest: far beyond any record's shape, and far
/// below what would exhaust the stack (a dict that holds itself nests forever).
inline constexpr int max_json_depth = 512;

/// JSON-compatible Python data (dict with str keys, list, tuple, str, int,
/// float, bool, None; aware datetimes become ISO 8601 UTC text), nested at
/// most `max_json_depth` levels.
nlohmann::json to_json(py::handle value, const std::string& field, int depth = 0);
py::object from_json(const nlohmann::json& value);
/// A dict, or a str of JSON text. Field paths inside start at `root`
/// (`resource.id`), or at the top (`service.duration`) when `root` is empty;
/// a document that is neither is refused naming `root`, or `query`.
nlohmann::json to_json_document(py::handle value, const std::string& root);

/// A value of a bound enum, or its name as SPEC spells it (parsed by `parse`).
template <class Enum, class Parse>
Enum to_enum(py::handle value, const std::string& field, Parse parse) {
    if (py::isinstance<Enum>(value)) return value.cast<Enum>();
    if (PyUnicode_Check(value.ptr())) return parse(to_text(value, field), field);
    reject(field, "must be a slotcraft." + std::string(py::str(py::type::of<Enum>().attr("__name__"))) +
                      " or its name as a str, got " + type_name(value));
}

/// A copy of a bound C++ value of type T (the object must be a T).
template <class T>
T to_value(py::handle value, const std::string& field) {
    if (!py::isinstance<T>(value))
        reject(field, "must be a slotcraft." + std::string(py::str(py::type::of<T>().attr("__name__"))) + ", got " +
                          type_name(value));
    return value.cast<T>();
}

template <class T>
std::vector<T> to_values(py::handle value, const std::string& field) {
    std::vector<T> out;
    const auto items = to_items(value, field);
    for (std::size_t i = 0; i < items.size(); ++i)
        out.push_back(to_value<T>(items[i], field + "[" + std::to_string(i) + "]"));
    return out;
}

template <class T>
py::list from_values(const std::vector<T>& values) {
    py::list out;
    for (const T& v : values) out.append(py::cast(v));
    return out;
}

// ---- conversions as types, for the property helpers below ---------------

struct as_text {
    static std::string to(py::handle v, const std::string& f) { return to_text(v, f); }
    static py::object from(const std::string& s) { return py::str(s); }
};
struct as_texts {
    static std::vector<std::string> to(py::handle v, const std::string& f) { return to_texts(v, f); }
    static py::object from(const std::vector<std::string>& s) { return py::cast(s); }
};
struct as_int {
    static int to(py::handle v, const std::string& f) { return to_int(v, f); }
    static py::object from(int n) { return py::int_(n); }
};
struct as_bool {
    static bool to(py::handle v, const std::string& f) { return to_bool(v, f); }
    static py::object from(bool b) { return py::bool_(b); }
};
struct as_instant {
    static instant to(py::handle v, const std::string& f) { return to_instant(v, f); }
    static py::object from(instant t) { return from_instant(t); }
};
struct as_optional_instant {
    static std::optional<instant> to(py::handle v, const std::string& f) {
        if (v.is_none()) return std::nullopt;
        return to_instant(v, f);
    }
    static py::object from(const std::optional<instant>& t) { return t ? from_instant(*t) : py::none(); }
};
struct as_minutes {
    static minutes to(py::handle v, const std::string& f) { return to_minutes(v, f); }
    static py::object from(minutes m) { return from_minutes(m); }
};
struct as_optional_minutes {
    static std::optional<minutes> to(py::handle v, const std::string& f) {
        if (v.is_none()) return std::nullopt;
        return to_minutes(v, f);
    }
    static py::object from(const std::optional<minutes>& m) { return m ? from_minutes(*m) : py::none(); }
};
struct as_ranges {
    static std::vector<local_range> to(py::handle v, const std::string& f) { return to_ranges(v, f); }
    static py::object from(const std::vector<local_range>& r) { return from_ranges(r); }
};
struct as_weekly {
    static weekly_hours to(py::handle v, const std::string& f) { return to_weekly(v, f); }
    static py::object from(const weekly_hours& w) { return from_weekly(w); }
};
/// A slotcraft.Rotation, or None for none.
struct as_optional_rotation {
    static std::optional<weekly_rotation> to(py::handle v, const std::string& f) {
        if (v.is_none()) return std::nullopt;
        return to_value<weekly_rotation>(v, f);
    }
    static py::object from(const std::optional<weekly_rotation>& r) { return r ? py::cast(*r) : py::none(); }
};
struct as_overrides {
    static std::map<local_date, std::vector<local_range>> to(py::handle v, const std::string& f) {
        return to_overrides(v, f);
    }
    static py::object from(const std::map<local_date, std::vector<local_range>>& o) { return from_overrides(o); }
};
struct as_intervals {
    static std::vector<interval> to(py::handle v, const std::string& f) { return to_intervals(v, f); }
    static py::object from(const std::vector<interval>& i) { return from_intervals(i); }
};
struct as_interval {
    static interval to(py::handle v, const std::string& f) { return to_interval(v, f); }
    static py::object from(const interval& i) { return py::cast(i); }
};
template <class T>
struct as_values {
    static std::vector<T> to(py::handle v, const std::string& f) { return to_values<T>(v, f); }
    static py::object from(const std::vector<T>& list) { return from_values(list); }
};
template <class Enum, auto Parse>
struct as_enum {
    static Enum to(py::handle v, const std::string& f) { return to_enum<Enum>(v, f, Parse); }
    static py::object from(Enum e) { return py::cast(e); }
};

/// A read-write property `name` of member `member`, converted by `Conv`;
/// a bad value is refused naming the attribute.
template <class Conv, class T, class M, class... Options>
void field(py::class_<T, Options...>& cls, const char* name, M T::*member, const char* doc = nullptr) {
    const std::string field_name = name;
    cls.def_property(
        name, [member](const T& self) { return Conv::from(self.*member); },
        [member, field_name](T& self, py::handle value) { self.*member = Conv::to(value, field_name); }, doc);
}

/// A read-only property `name` of member `member`, converted by `Conv`.
template <class Conv, class T, class M, class... Options>
void readonly(py::class_<T, Options...>& cls, const char* name, M T::*member, const char* doc = nullptr) {
    cls.def_property_readonly(name, [member](const T& self) { return Conv::from(self.*member); }, doc);
}

/// `__eq__` / `__ne__` through `equal` (the C++ `operator==` by default;
/// NotImplemented for other types, so comparisons with other objects are False).
template <class T, class... Options, class Equal = std::equal_to<>>
void value_equality(py::class_<T, Options...>& cls, Equal equal = {}) {
    cls.def("__eq__", [equal](const T& self, py::handle other) -> py::object {
        if (!py::isinstance<T>(other)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
        return py::bool_(equal(self, other.cast<const T&>()));
    });
    cls.def("__ne__", [equal](const T& self, py::handle other) -> py::object {
        if (!py::isinstance<T>(other)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
        return py::bool_(!equal(self, other.cast<const T&>()));
    });
}

/// `to_dict()` through the value's nlohmann::json form (catalog_json.hpp).
template <class T, class... Options>
void to_dict_method(py::class_<T, Options...>& cls) {
    cls.def("to_dict", [](const T& self) { return from_json(nlohmann::json(self)); },
            "The value in its JSON form (docs/storage.md), as a dict.");
}

/// `from_dict(data)`: a dict or JSON text through `read`, field paths rooted at `root`.
template <class T, class Read, class... Options>
void from_dict_method(py::class_<T, Options...>& cls, const char* root, Read read) {
    const std::string name = root;
    cls.def_static(
        "from_dict", [name, read](py::handle data) { return read(to_json_document(data, name), name); },
        py::arg("data"), "Reads the JSON form (a dict or JSON text); a bad field is named as a path.");
}

/// `repr()` as `Type({...json...})`.
template <class T, class... Options>
void json_repr(py::class_<T, Options...>& cls, const char* type) {
    const std::string name = type;
    cls.def("__repr__", [name](const T& self) { return name + "(" + nlohmann::json(self).dump() + ")"; });
}

/// Runs `work` with the GIL released (store I/O, long engine calls). Convert
/// every Python argument before calling this.
template <class Work>
auto without_gil(Work&& work) {
    py::gil_scoped_release release;
    return work();
}

}  // namespace slotcraft::python
