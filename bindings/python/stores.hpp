#pragma once
// The Python Store object, shared by bind_stores.cpp and bind_scheduler.cpp.

#include "common.hpp"

#include <slotcraft/store.hpp>

#include <memory>
#include <string>

namespace slotcraft::python {

/// A store shared by the Python objects that use it (a Store, Schedulers).
struct store_handle {
    std::shared_ptr<store> backend;
    std::string target;
};

/// Opens `target` (a str or os.PathLike) with open_store(), the GIL released.
store_handle open_target(py::handle target, const std::string& field);

}  // namespace slotcraft::python
