// slotcraft.Error and its subclasses, and the translator that raises them for
// every C++ exception the bindings let through (none surfaces as RuntimeError).

#include "common.hpp"

#include <slotcraft/scheduler.hpp>

#include <new>

namespace slotcraft::python {

namespace {

struct error_classes {
    py::object base, invalid_argument, not_found, conflict, storage;
};

error_classes& classes() {
    static error_classes* instance = new error_classes();  // lives as long as the interpreter
    return *instance;
}

py::object make_class(py::module_& m, const char* name, const char* doc, py::tuple bases) {
    const std::string qualified = std::string("slotcraft.") + name;
    PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
    if (cls == nullptr) throw py::error_already_set();
    auto out = py::reinterpret_steal<py::object>(cls);
    m.add_object(name, out);
    return out;
}

/// A Python str of C++ text; bytes that are not UTF-8 (a message that quotes
/// cut-off input) are replaced instead of failing inside the translator.
py::str text_of(const std::string& text) {
    PyObject* out = PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "replace");
    if (out == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::str>(out);
}

void raise(const py::object& cls, const std::string& text, const std::string& field, const std::string& message,
           std::string_view category, py::object reasons) {
    py::object exc = cls(text_of(text));
    exc.attr("field") = text_of(field);
    exc.attr("message") = text_of(message);
    exc.attr("category") = py::str(std::string(category));
    exc.attr("reasons") = std::move(reasons);
    PyErr_SetObject(cls.ptr(), exc.ptr());
}

const py::object& class_of(error_category c) {
    const error_classes& all = classes();
    switch (c) {
        case error_category::invalid_argument: return all.invalid_argument;
        case error_category::not_found: return all.not_found;
        case error_category::conflict: return all.conflict;
        case error_category::storage: return all.storage;
    }
    return all.base;
}

}  // namespace

std::string_view category_name(error_category c) {
    switch (c) {
        case error_category::invalid_argument: return "invalid_argument";
        case error_category::not_found: return "not_found";
        case error_category::conflict: return "conflict";
        case error_category::storage: return "storage";
    }
    return "unknown";
}

void register_errors(py::module_& m) {
    error_classes& all = classes();
    all.base = make_class(m, "Error",
                          "Base class of every slotcraft error. Attributes: field (the offending field, or \"\"), "
                          "message (without the field), category, reasons (for Conflict).",
                          py::make_tuple(py::reinterpret_borrow<py::object>(PyExc_Exception)));
    all.base.attr("field") = "";
    all.base.attr("message") = "";
    all.base.attr("category") = "";
    all.base.attr("reasons") = py::list();
    all.invalid_argument = make_class(
        m, "InvalidArgument",
        "Bad input (a wrong type, a naive datetime, an unknown zone, a value out of range); `field` names it. "
        "Also a ValueError and a TypeError.",
        py::make_tuple(all.base, py::reinterpret_borrow<py::object>(PyExc_ValueError),
                       py::reinterpret_borrow<py::object>(PyExc_TypeError)));
    all.not_found = make_class(m, "NotFound", "An id that does not exist. Also a LookupError.",
                               py::make_tuple(all.base, py::reinterpret_borrow<py::object>(PyExc_LookupError)));
    all.conflict = make_class(m, "Conflict",
                              "The time is taken or otherwise not bookable, an expired hold, a reused "
                              "idempotency key; `reasons` lists every Reason of a refused booking.",
                              py::make_tuple(all.base));
    all.storage = make_class(m, "StorageError", "The store failed (I/O, a file that is not a slotcraft database).",
                             py::make_tuple(all.base));

    py::register_local_exception_translator([](std::exception_ptr p) {
        if (!p) return;
        try {
            std::rethrow_exception(p);
        } catch (const booking_refused& e) {
            raise(classes().conflict, e.what(), e.field(), e.message(), category_name(e.category()), py::cast(e.reasons()));
        } catch (const error& e) {
            raise(class_of(e.category()), e.what(), e.field(), e.message(), category_name(e.category()), py::list());
        } catch (const py::error_already_set&) {
            throw;  // a Python exception: raised as it is
        } catch (const py::cast_error& e) {
            // A value pybind11 could not convert: bad input, not a RuntimeError.
            raise(classes().invalid_argument, e.what(), "", e.what(), "invalid_argument", py::list());
        } catch (const py::builtin_exception&) {
            throw;  // pybind11's own TypeError, ValueError, ...
        } catch (const std::bad_alloc&) {
            throw;  // MemoryError
        } catch (const std::exception& e) {
            raise(classes().base, e.what(), "", e.what(), "internal", py::list());
        }
    });
}

}  // namespace slotcraft::python
