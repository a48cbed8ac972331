#pragma once
/// \file
/// A store kept in memory: for tests, scripts and single-process bots that do
/// not need persistence.

#include <slotcraft/store.hpp>

#include <memory>

namespace slotcraft {

/// A new, empty in-memory store. Thread-safe: readers share the data, writers
/// run one at a time, and a transaction whose work throws leaves nothing behind.
[[nodiscard]] std::unique_ptr<store> open_memory_store();

}  // namespace slotcraft
