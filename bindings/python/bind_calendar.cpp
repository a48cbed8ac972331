// Calendars: busy time read from iCalendar files and RFC 5545 recurrences
// (docs/calendars.md), as the scheduler's import and series use them.

#include "common.hpp"

#include <slotcraft/ical.hpp>
#include <slotcraft/recurrence.hpp>
#include <slotcraft/scheduler.hpp>

namespace slotcraft::python {

void register_calendar(py::module_& m) {
    py::class_<ics_skipped_line>(m, "SkippedLine", "A line of an iCalendar file that was passed over, and why.")
        .def_readonly("line", &ics_skipped_line::line)
        .def_readonly("reason", &ics_skipped_line::reason)
        .def("__eq__", [](const ics_skipped_line& a, const ics_skipped_line& b) { return a == b; })
        .def("__repr__", [](const ics_skipped_line& l) {
            return "SkippedLine(" + std::to_string(l.line) + ", " + py::repr(py::str(l.reason)).cast<std::string>() + ")";
        });
    py::class_<ics_busy>(m, "IcsBusy", "The busy time of an iCalendar file and the lines passed over.")
        .def_readonly("busy", &ics_busy::busy)
        .def_readonly("skipped", &ics_busy::skipped)
        .def("__repr__", [](const ics_busy& b) {
            return "IcsBusy(" + std::to_string(b.busy.size()) + " interval(s), " + std::to_string(b.skipped.size()) +
                   " skipped line(s))";
        });
    py::class_<ics_import>(m, "IcsImport", "What Scheduler.import_ics added as time off, and the lines it passed over.")
        .def_readonly("added", &ics_import::added)
        .def_readonly("skipped", &ics_import::skipped)
        .def("__repr__", [](const ics_import& b) {
            return "IcsImport(" + std::to_string(b.added.size()) + " added, " + std::to_string(b.skipped.size()) +
                   " skipped line(s))";
        });

    m.def(
        "read_ics",
        [](py::handle ics, py::handle zone_name, py::handle start, py::handle end) {
            const std::string text = to_text(ics, "ics");
            const zone floating = to_zone(zone_name, "zone");
            const interval window{to_instant(start, "start"), to_instant(end, "end")};
            if (window.empty()) reject("end", "must be after start");
            return without_gil([&] { return read_ics(text, floating, window); });
        },
        py::arg("ics"), py::arg("zone"), py::arg("start"), py::arg("end"),
        "The busy time of an iCalendar text overlapping [start, end) (docs/calendars.md); floating and all-day times "
        "in `zone`. Raises InvalidArgument (field 'ics') naming the line of a problem that would make it wrong.");
    m.def(
        "expand_recurrence",
        [](py::handle rrule, py::handle zone_name, py::handle first_start, py::handle except_dates) {
            const std::string rule = to_text(rrule, "rrule");
            const zone where = to_zone(zone_name, "zone");
            const instant first = to_instant(first_start, "first_start");
            std::vector<local_date> skip;
            if (!except_dates.is_none()) {
                if (!py::isinstance<py::iterable>(except_dates) || py::isinstance<py::str>(except_dates))
                    reject("except_dates", "expected a sequence of dates");
                std::size_t i = 0;
                for (py::handle day : except_dates)
                    skip.push_back(to_date(day, "except_dates[" + std::to_string(i++) + "]"));
            }
            const std::vector<instant> starts = without_gil([&] { return expand_recurrence(rule, where, first, skip); });
            py::list out;
            for (const instant t : starts) out.append(from_instant(t));
            return out;
        },
        py::arg("rrule"), py::arg("zone"), py::arg("first_start"), py::arg("except_dates") = py::none(),
        "The starts (aware UTC datetimes) of a booking series' RRULE whose first occurrence is `first_start`, wall "
        "times kept in `zone` (SPEC §1). Raises InvalidArgument (field 'rrule') for a rule a series cannot use.");
}

}  // namespace slotcraft::python
