// The stores: in-memory, SQLite, PostgreSQL (when built), opened by one
// target string as the CLI's --db takes it. Opening releases the GIL (a
// SQLite file may be busy with another process's migration).

#include "stores.hpp"

#include <slotcraft/storage/memory_store.hpp>
#include <slotcraft/storage/open_store.hpp>
#include <slotcraft/storage/sqlite_store.hpp>

namespace slotcraft::python {

namespace {

/// A str or an os.PathLike (a SQLite file).
std::string to_target(py::handle value, const std::string& field) {
    if (PyUnicode_Check(value.ptr())) return to_text(value, field);
    if (py::hasattr(value, "__fspath__")) {
        const py::object path = py::module_::import("os").attr("fspath")(value);
        if (PyUnicode_Check(path.ptr())) return to_text(path, field);
    }
    reject(field, "must be a str or an os.PathLike, got " + type_name(value));
}

}  // namespace

store_handle open_target(py::handle target, const std::string& field) {
    const std::string text = to_target(target, field);
    std::shared_ptr<store> opened = without_gil([&] { return std::shared_ptr<store>(open_store(text)); });
    return {std::move(opened), text};
}

void register_stores(py::module_& m) {
    py::class_<store_handle>(m, "Store",
                             "A transactional store (thread-safe). Get one from open_store(), open_memory_store() "
                             "or open_sqlite_store(); several Schedulers may share it.")
        .def_readonly("target", &store_handle::target, "What was opened: a path, \"memory:\" or a URI.")
        .def("__repr__", [](const store_handle& s) { return "Store('" + s.target + "')"; });

    m.def(
        "open_store", [](py::handle target) { return open_target(target, "target"); }, py::arg("target"),
        "Opens the store `target` names: \"postgresql://...\" (when built), \"memory:\" (a new in-memory store), "
        "else a SQLite file path (created when missing; \":memory:\" is a private in-memory SQLite database).");
    m.def(
        "open_memory_store",
        [] { return store_handle{std::shared_ptr<store>(open_memory_store()), "memory:"}; },
        "A new, empty in-memory store: thread-safe, nothing persists.");
    m.def(
        "open_sqlite_store",
        [](py::handle path, py::handle busy_timeout, py::handle synchronous, py::handle max_idle_connections) {
            const std::string file = to_target(path, "path");
            sqlite_options options;
            options.busy_timeout = to_milliseconds(busy_timeout, "busy_timeout");
            const std::string sync = to_text(synchronous, "synchronous");
            if (sync == "full") options.synchronous = sqlite_sync::full;
            else if (sync == "normal") options.synchronous = sqlite_sync::normal;
            else reject("synchronous", "must be \"full\" or \"normal\", got \"" + sync.substr(0, 32) + "\"");
            options.max_idle_connections = to_int(max_idle_connections, "max_idle_connections");
            if (options.max_idle_connections < 0) reject("max_idle_connections", "must not be negative");
            std::shared_ptr<store> opened =
                without_gil([&] { return std::shared_ptr<store>(open_sqlite_store(file, options)); });
            return store_handle{std::move(opened), file};
        },
        py::arg("path"), py::kw_only(), py::arg("busy_timeout") = from_seconds(std::chrono::seconds{30}),
        py::arg("synchronous") = "full", py::arg("max_idle_connections") = 8,
        "Opens (creating it when missing) a slotcraft SQLite database. busy_timeout bounds the wait for other "
        "writers; synchronous=\"full\" makes every commit survive a power loss, \"normal\" is faster.");
    m.def("postgres_store_available", &postgres_store_available,
          "Whether this build has the PostgreSQL store (SLOTCRAFT_BUILD_POSTGRES).");
    m.def("sqlite_schema_version", &sqlite_schema_version, "The SQLite schema version (PRAGMA user_version) of this build.");
}

}  // namespace slotcraft::python
