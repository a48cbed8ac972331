#pragma once
// What a refused scheduler call says, for the conformance suites.

#include <slotcraft/error.hpp>

#include <stdexcept>
#include <string>

namespace slotcraft::test {

/// The category of the error `call` throws; a logic_error when it throws none.
template <class Call>
error_category category_of(Call&& call) {
    try {
        call();
    } catch (const error& e) {
        return e.category();
    }
    throw std::logic_error("no error was raised");
}

/// The field the error `call` throws names; a logic_error when it throws none.
template <class Call>
std::string field_of(Call&& call) {
    try {
        call();
    } catch (const error& e) {
        return e.field();
    }
    throw std::logic_error("no error was raised");
}

}  // namespace slotcraft::test
