// slotcraft._core: the compiled part of the `slotcraft` Python package, one
// register_* function per area (bind_*.cpp). The package's __init__.py
// re-exports it; _core.pyi beside it is checked against it by the tests.

#include "common.hpp"

#include <slotcraft/version.hpp>

PYBIND11_MODULE(_core, m) {
    using namespace slotcraft::python;
    m.doc() = "slotcraft: availability, booking rules and time zones (the compiled core of the slotcraft package)";
    m.attr("__version__") = std::string(slotcraft::version);

    register_errors(m);
    register_time(m);     // Interval, LocalRange, Zone: used by the later areas' conversions
    register_engine(m);   // Reason: raised with Conflict
    register_calendar(m); // IcsImport: returned by Scheduler.import_ics
    register_catalog(m);
    register_stores(m);
    register_scheduler(m);
}
