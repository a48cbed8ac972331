// The `slotcraft` command line: translates between stdin/stdout and the engine.

#include "pretty.hpp"

#include <slotcraft/json.hpp>
#include <slotcraft/version.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view usage = R"(usage: slotcraft <command> [options] < query.json

commands:
  slots [--pretty]                 print the free slots of a SPEC §8 query
  explain --start INSTANT [--pretty]
                                   say why each resource can or cannot take INSTANT
  --version                        print the version

A refused query prints {"error": {"field": ..., "message": ...}} and exits 2.
)";

constexpr int exit_refused = 2;
constexpr int exit_usage = 64;

std::string read_stdin() {
    return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
}

std::string dump(const nlohmann::ordered_json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct options {
    bool pretty = false;
    std::optional<std::string> start;
};

std::optional<options> parse_options(std::span<char*> args) {
    options out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg == "--pretty") {
            out.pretty = true;
        } else if (arg == "--start" && i + 1 < args.size()) {
            out.start = args[++i];
        } else if (arg.starts_with("--start=")) {
            out.start = std::string(arg.substr(8));
        } else {
            fmt::print(stderr, "slotcraft: unknown option '{}'\n{}", arg, usage);
            return std::nullopt;
        }
    }
    return out;
}

int run_slots(const options& opts) {
    const slotcraft::slot_query query = slotcraft::parse_query(read_stdin());
    const std::vector<slotcraft::slot> slots = slotcraft::find_slots(query);
    if (opts.pretty)
        fmt::print("{}", slotcraft::cli::slots_table(query, slots));
    else
        fmt::print("{}\n", dump(slotcraft::slots_to_json(slots)));
    return 0;
}

int run_explain(const options& opts) {
    if (!opts.start) {
        fmt::print(stderr, "slotcraft explain: --start INSTANT is required\n{}", usage);
        return exit_usage;
    }
    const slotcraft::instant start = slotcraft::parse_instant(*opts.start, "start");
    const slotcraft::slot_query query = slotcraft::parse_query(read_stdin());
    const auto refusals = slotcraft::explain(query, start);
    if (opts.pretty) {
        fmt::print("{}", slotcraft::cli::refusals_text(query, start, refusals));
        return 0;
    }
    auto resources = nlohmann::ordered_json::array();
    for (const auto& refusal : refusals) {
        auto reasons = nlohmann::ordered_json::array();
        for (const auto& r : refusal.reasons) {
            nlohmann::ordered_json item{{"code", slotcraft::to_string(r.code)}, {"message", r.message}};
            if (!r.booking.empty()) item["booking"] = r.booking;
            reasons.push_back(std::move(item));
        }
        resources.push_back({{"id", refusal.resource}, {"bookable", refusal.reasons.empty()}, {"reasons", reasons}});
    }
    fmt::print("{}\n", dump(nlohmann::ordered_json{{"start", slotcraft::format_instant(start)}, {"resources", resources}}));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::span<char*> args(argv + 1, static_cast<std::size_t>(argc > 0 ? argc - 1 : 0));
    if (args.empty()) {
        fmt::print(stderr, "{}", usage);
        return exit_usage;
    }
    const std::string_view command = args[0];
    if (command == "--help" || command == "-h" || command == "help") {
        fmt::print("{}", usage);
        return 0;
    }
    if (command == "--version") {
        fmt::print("slotcraft {}\n", slotcraft::version);
        return 0;
    }
    const auto opts = parse_options(args.subspan(1));
    if (!opts) return exit_usage;
    try {
        if (command == "slots") return run_slots(*opts);
        if (command == "explain") return run_explain(*opts);
        fmt::print(stderr, "slotcraft: unknown command '{}'\n{}", command, usage);
        return exit_usage;
    } catch (const slotcraft::error& e) {
        if (opts->pretty) fmt::print(stderr, "slotcraft: {}\n", e.what());
        else fmt::print("{}\n", dump(slotcraft::error_to_json(e)));
        return exit_refused;
    }
}
