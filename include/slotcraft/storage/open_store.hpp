#pragma once
/// \file
/// Opens a store from one string, as the CLI's `--db` and the Python module
/// take it.

#include <slotcraft/store.hpp>

#include <memory>
#include <string_view>

namespace slotcraft {

/// Whether this build has the PostgreSQL store (`SLOTCRAFT_BUILD_POSTGRES`).
[[nodiscard]] bool postgres_store_available() noexcept;

/// Opens the store `target` names:
/// - `postgresql://...` or `postgres://...`: the PostgreSQL store;
/// - `memory:`: a new, empty in-memory store;
/// - anything else: a SQLite database file at that path (created when
///   missing; `:memory:` is a private in-memory SQLite database).
/// \throws error (invalid_argument, field `db`) for an empty target or a
/// PostgreSQL URI in a build without the PostgreSQL store; (storage) when the
/// store cannot be opened.
[[nodiscard]] std::unique_ptr<store> open_store(std::string_view target);

}  // namespace slotcraft
