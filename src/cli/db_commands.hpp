#pragma once
// `slotcraft --db FILE ...`: the catalog and booking commands over a store.

#include <slotcraft/time.hpp>

#include <CLI/CLI.hpp>

#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <string_view>

namespace slotcraft::cli {

/// Options shared by every store command.
struct db_options {
    std::string db;      ///< SQLite path (PostgreSQL URIs come with the PostgreSQL store)
    std::string actor = "cli";
    std::string now;     ///< ISO instant; empty: the system clock
    bool json = false;
};

/// The most the CLI reads from a file or stdin: 16 MiB, as read_ics takes.
inline constexpr std::size_t max_input_bytes = std::size_t{16} * 1024 * 1024;

/// All of `in` (`name` says what it is, e.g. `"stdin"`), refused naming
/// `field` when it cannot be read or holds more than `max_input_bytes`;
/// never more than that is read, so `/dev/zero` is refused too.
[[nodiscard]] std::string read_input(std::istream& in, std::string_view name, const std::string& field);

/// The file at `path`, read as `read_input` reads; a folder or a file that
/// cannot be opened is refused naming `field`.
[[nodiscard]] std::string read_file(const std::string& path, const std::string& field);

/// `--now`, or the system clock when it is not given.
[[nodiscard]] instant now_of(const db_options& options);

/// Adds the store subcommands to `app`. Each sets `run` to the work it does;
/// the work returns the process exit status.
void add_db_commands(CLI::App& app, db_options& options, std::function<int()>& run);

}  // namespace slotcraft::cli
