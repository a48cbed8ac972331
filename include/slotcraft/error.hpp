#pragma once
/// \file
/// The one exception type slotcraft throws.

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace slotcraft {

/// What kind of failure an `error` reports.
enum class error_category {
    invalid_argument,  ///< bad input; `field()` names it
    not_found,         ///< an id that does not exist
    conflict,          ///< the time is taken or otherwise not bookable
    storage,           ///< the store failed
};

/// The single exception type of slotcraft. For input errors `field()` names
/// the offending field as a path (`service.duration`, `resources[0].timezone`).
class error : public std::runtime_error {
public:
    error(error_category category, std::string field, const std::string& message)
        : std::runtime_error(field.empty() ? message : field + ": " + message),
          category_(category),
          field_(std::move(field)),
          message_(message) {}

    [[nodiscard]] error_category category() const noexcept { return category_; }
    /// The offending field, empty when the error is not about one field.
    [[nodiscard]] const std::string& field() const noexcept { return field_; }
    /// The message without the field prefix.
    [[nodiscard]] const std::string& message() const noexcept { return message_; }

private:
    error_category category_;
    std::string field_;
    std::string message_;
};

/// Throws an `invalid_argument` error for `field`.
[[noreturn]] inline void reject(std::string field, const std::string& message) {
    throw error(error_category::invalid_argument, std::move(field), message);
}

}  // namespace slotcraft
