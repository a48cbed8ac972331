#pragma once
// `slotcraft --db FILE ...`: the catalog and booking commands over a store.

#include <slotcraft/time.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace slotcraft::cli {

/// Options shared by every store command.
struct db_options {
    std::string db;      ///< SQLite path (PostgreSQL URIs come with the PostgreSQL store)
    std::string actor = "cli";
    std::string now;     ///< ISO instant; empty: the system clock
    bool json = false;
};

/// `--now`, or the system clock when it is not given.
[[nodiscard]] instant now_of(const db_options& options);

/// Adds the store subcommands to `app`. Each sets `run` to the work it does;
/// the work returns the process exit status.
void add_db_commands(CLI::App& app, db_options& options, std::function<int()>& run);

}  // namespace slotcraft::cli
