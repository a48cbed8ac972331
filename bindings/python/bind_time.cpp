// Time (SPEC §1): instants as aware datetimes, Interval, IntervalSet,
// LocalRange and Zone with the local -> UTC rules.

#include "common.hpp"

#include <slotcraft/interval_set.hpp>
#include <slotcraft/tz.hpp>

namespace slotcraft::python {

namespace {

std::string interval_repr(const interval& i) {
    return "Interval(" + format_instant(i.start) + ", " + format_instant(i.end) + ")";
}

std::string range_repr(const local_range& r) {
    return "LocalRange('" + r.from.to_string() + "', '" + r.to.to_string() + "')";
}

}  // namespace

void register_time(py::module_& m) {
    m.def(
        "parse_instant", [](py::handle text) { return from_instant(parse_instant(to_text(text, "text"), "text")); },
        py::arg("text"),
        "Reads ISO 8601 with `Z` or an offset (fractions of a second are dropped) and returns an aware UTC datetime.");
    m.def(
        "format_instant", [](py::handle t) { return format_instant(to_instant(t, "t")); }, py::arg("t"),
        "Formats an aware datetime as UTC ISO 8601 with `Z` (`2026-03-29T00:30:00Z`).");

    py::class_<interval> cls_interval(m, "Interval", "A half-open interval [start, end) of instants (immutable).");
    cls_interval
        .def(py::init([](py::handle start, py::handle end) {
                 return interval{to_instant(start, "start"), to_instant(end, "end")};
             }),
             py::arg("start"), py::arg("end"))
        .def_property_readonly("start", [](const interval& i) { return from_instant(i.start); })
        .def_property_readonly("end", [](const interval& i) { return from_instant(i.end); })
        .def_property_readonly("empty", &interval::empty, "True when end <= start.")
        .def_property_readonly("length", [](const interval& i) { return from_seconds(i.length()); })
        .def(
            "contains", [](const interval& i, py::handle t) { return i.contains(to_instant(t, "t")); }, py::arg("t"))
        .def(
            "covers", [](const interval& i, py::handle inner) { return i.covers(to_interval(inner, "inner")); },
            py::arg("inner"), "True when the non-empty `inner` lies inside this interval.")
        .def(
            "overlaps", [](const interval& i, py::handle other) { return i.overlaps(to_interval(other, "other")); },
            py::arg("other"), "Half-open overlap: intervals that only touch do not overlap.")
        .def("__hash__", [](const interval& i) {
            return py::hash(py::make_tuple(i.start.time_since_epoch().count(), i.end.time_since_epoch().count()));
        })
        .def("__repr__", &interval_repr)
        .def("to_dict", [](const interval& i) {
            py::dict out;
            out["start"] = format_instant(i.start);
            out["end"] = format_instant(i.end);
            return out;
        });
    value_equality(cls_interval);

    py::class_<interval_set> cls_set(m, "IntervalSet",
                                     "Sorted, disjoint, merged intervals; `|`, `-` and `&` are union, difference "
                                     "and intersection.");
    cls_set
        .def(py::init([](py::handle parts) { return interval_set(to_intervals(parts, "parts")); }),
             py::arg("parts") = py::list())
        .def("__len__", &interval_set::size)
        .def("__bool__", [](const interval_set& s) { return !s.empty(); })
        .def("__iter__",
             [](const interval_set& s) {
                 return py::iter(from_intervals(std::vector<interval>(s.begin(), s.end())));
             })
        .def_property_readonly("parts",
                               [](const interval_set& s) { return from_intervals({s.begin(), s.end()}); })
        .def(
            "covers", [](const interval_set& s, py::handle p) { return s.covers(to_interval(p, "piece")); },
            py::arg("piece"), "True when all of the non-empty `piece` lies inside one part.")
        .def(
            "overlaps", [](const interval_set& s, py::handle p) { return s.overlaps(to_interval(p, "piece")); },
            py::arg("piece"))
        .def(
            "part_containing",
            [](const interval_set& s, py::handle t) -> py::object {
                const interval* part = s.part_containing(to_instant(t, "t"));
                return part ? py::cast(*part) : py::none();
            },
            py::arg("t"), "The part containing `t`, or None.")
        .def(
            "clipped_to", [](const interval_set& s, py::handle w) { return s.clipped_to(to_interval(w, "window")); },
            py::arg("window"))
        .def("__or__", [](const interval_set& a, py::handle b) { return a | to_value<interval_set>(b, "other"); })
        .def("__sub__", [](const interval_set& a, py::handle b) { return a - to_value<interval_set>(b, "other"); })
        .def("__and__", [](const interval_set& a, py::handle b) { return a & to_value<interval_set>(b, "other"); })
        .def("__repr__", [](const interval_set& s) {
            std::string out = "IntervalSet([";
            for (const interval& i : s) out += (out.back() == '[' ? "" : ", ") + interval_repr(i);
            return out + "])";
        });
    value_equality(cls_set);

    py::class_<local_range> cls_range(m, "LocalRange",
                                      "A local range [start, end) of one day in a resource's zone (immutable); "
                                      "end <= start runs overnight. Give times as datetime.time or \"HH:MM\" "
                                      "(\"24:00\" is the next local midnight).");
    cls_range
        .def(py::init([](py::handle start, py::handle end) {
                 return local_range{to_wall_time(start, "start"), to_wall_time(end, "end")};
             }),
             py::arg("start"), py::arg("end"))
        .def_property_readonly("start", [](const local_range& r) { return from_wall_time(r.from); },
                               "The start as datetime.time (24:00 reads as time(0, 0)).")
        .def_property_readonly("end", [](const local_range& r) { return from_wall_time(r.to); },
                               "The end as datetime.time (24:00 reads as time(0, 0): the same end).")
        .def_property_readonly("overnight", &local_range::overnight, "True when the range ends on the next date.")
        .def("to_strings", [](const local_range& r) { return py::make_tuple(r.from.to_string(), r.to.to_string()); },
             "(\"HH:MM\", \"HH:MM\"), exactly as given (keeps 24:00).")
        .def("__hash__", [](const local_range& r) {
            return py::hash(py::make_tuple(r.from.since_midnight().count(), r.to.since_midnight().count()));
        })
        .def("__repr__", &range_repr)
        .def("__str__", [](const local_range& r) { return r.from.to_string() + "-" + r.to.to_string(); });
    value_equality(cls_range);

    py::class_<zone> cls_zone(m, "Zone", "An IANA time zone with the SPEC §1 local -> UTC rules.");
    cls_zone.def(py::init([](py::handle name) { return to_zone(name, "name"); }), py::arg("name"))
        .def_property_readonly("name", [](const zone& z) { return std::string(z.name()); })
        .def(
            "to_utc",
            [](const zone& z, py::handle day, py::handle at) {
                return from_instant(z.to_utc(to_date(day, "day"), to_wall_time(at, "at")), "day");
            },
            py::arg("day"), py::arg("at"),
            "The instant of local time `at` on local date `day`: in a gap (spring forward) the offset before the "
            "transition is used, so the time moves later by the gap; in an overlap (fall back) the earlier instant.")
        .def(
            "instants_at",
            [](const zone& z, py::handle day, py::handle at) {
                py::list out;
                for (instant t : z.instants_at(to_date(day, "day"), to_wall_time(at, "at").since_midnight()))
                    out.append(from_instant(t, "day"));
                return out;
            },
            py::arg("day"), py::arg("at"), "Every instant with that local time: none in a gap, two in an overlap.")
        .def(
            "date_of", [](const zone& z, py::handle t) { return from_date(z.date_of(to_instant(t, "t")), "t"); },
            py::arg("t"), "The local date an instant falls on.")
        .def("__repr__", [](const zone& z) { return "Zone('" + std::string(z.name()) + "')"; })
        .def("__str__", [](const zone& z) { return std::string(z.name()); });
    value_equality(cls_zone);
}

}  // namespace slotcraft::python
