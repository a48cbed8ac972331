// The `slotcraft` command line: translates between the shell and the library.
//
//   slotcraft slots [--pretty] < query.json         SPEC §8, stateless
//   slotcraft explain --start T [--pretty] < query.json
//   slotcraft bench QUERY.json [--repeat N]            times a SPEC §8 query in-process
//   slotcraft --db FILE|URI<command> ...               catalog and bookings in a store

#include "db_commands.hpp"
#include "pretty.hpp"

#include <slotcraft/json.hpp>
#include <slotcraft/scheduler.hpp>
#include <slotcraft/storage/open_store.hpp>
#include <slotcraft/version.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <iostream>
#include <stdexcept>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

/// CLI11 reads whole numbers with strtoll in base 0, so `030` is octal 24
/// and `0x0F` is 15, and one too large for a 64-bit option as the largest one
/// (strtoll saturates), so that a refusal would show a value nobody typed.
/// Every whole-number option takes decimal digits only (leading zeros are
/// dropped before CLI11 reads them), and out-of-range text is refused as typed.
void refuse_numbers_out_of_range(CLI::App& app) {
    const CLI::Validator in_range(
        [](std::string& text) -> std::string {
            const std::size_t sign = text.starts_with('+') || text.starts_with('-') ? 1 : 0;
            const std::string_view digits = std::string_view(text).substr(sign);
            if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
                return fmt::format("{} is not a whole number in decimal digits", text.substr(0, 40));
            long long value = 0;
            if (std::from_chars(digits.data(), digits.data() + digits.size(), value).ec == std::errc::result_out_of_range)
                return fmt::format("{} is out of range", text.substr(0, 40));
            const std::size_t zeros = std::min(digits.find_first_not_of('0'), digits.size() - 1);
            text.erase(sign, zeros);
            return "";
        },
        "");
    for (CLI::Option* option : app.get_options())
        if (option->get_type_name() == "INT" || option->get_type_name() == "UINT") option->transform(in_range);
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) refuse_numbers_out_of_range(*sub);
}

using ordered_json = nlohmann::ordered_json;

std::string dump(const ordered_json& value) {
    return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

constexpr int exit_usage = 64;
constexpr int exit_internal = 70;  // EX_SOFTWARE: a fault of ours, never of the input

/// Reports an error that is not a slotcraft::error the way those are
/// reported (SPEC §8 JSON for a stateless query, `--json` or text for the
/// store's commands), and returns `status`.
int report_unexpected(bool stateless, bool json, std::string_view field, const std::string& message,
                      std::string_view category, int status) {
    if (stateless)
        fmt::print("{}\n", dump(ordered_json{{"error", {{"field", field}, {"message", message}}}}));
    else if (json)
        fmt::print("{}\n", dump(ordered_json{{"error", {{"field", field}, {"message", message}, {"category", category}}}}));
    else
        fmt::print(stderr, "slotcraft: {}{}{}\n", field, field.empty() ? "" : ": ", message);
    return status;
}

/// Whether `--json` is among the arguments (read before parsing, so that a
/// usage error can be answered as JSON too).
bool json_asked(int argc, char** argv) {
    for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i)
        if (std::string_view(argv[i]) == "--json") return true;
    return false;
}

/// The option or argument a CLI11 usage error is about, without its dashes
/// (`--duration: ...`, `--duration is required`, `id is required`), or "".
std::string usage_field(std::string_view message) {
    // CLI11's "Could not convert: --seats = 99999999999" (a number out of its type's range).
    constexpr std::string_view not_converted = "Could not convert: ";
    if (message.starts_with(not_converted)) {
        message.remove_prefix(not_converted.size());
        const std::size_t end = message.find(" = ");
        if (end == std::string_view::npos) return "";
        message = message.substr(0, end);
        message.remove_prefix(std::min(message.find_first_not_of('-'), message.size()));
        return std::string(message);
    }
    const std::size_t dashes = std::min(message.find_first_not_of('-'), std::size_t{2});
    const std::size_t end = message.find_first_of(": ", dashes);
    if (end == std::string_view::npos || end == dashes) return "";
    const std::string_view name = message.substr(dashes, end - dashes);
    const bool is_name = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    const std::string_view rest = message.substr(end);
    return is_name && (rest.starts_with(": ") || rest.starts_with(" is required")) ? std::string(name) : "";
}

std::string read_stdin() { return slotcraft::cli::read_input(std::cin, "the query on stdin", "query"); }

/// The exit status for an error: 2 bad input, 3 not found, 4 conflict, 5 storage.
int exit_status(slotcraft::error_category category) {
    switch (category) {
        case slotcraft::error_category::not_found: return 3;
        case slotcraft::error_category::conflict: return 4;
        case slotcraft::error_category::storage: return 5;
        case slotcraft::error_category::invalid_argument: break;
    }
    return 2;
}

std::string_view category_name(slotcraft::error_category category) {
    switch (category) {
        case slotcraft::error_category::not_found: return "not_found";
        case slotcraft::error_category::conflict: return "conflict";
        case slotcraft::error_category::storage: return "storage";
        case slotcraft::error_category::invalid_argument: break;
    }
    return "invalid_argument";
}

struct query_options {
    bool pretty = false;
    std::string start;
    // --db slots
    std::string service, from, to, location, mode = "any", ignore_booking, client;
    std::vector<std::string> resources;
    int seats = 1;
};

int run_stateless_slots(const query_options& q) {
    const slotcraft::slot_query query = slotcraft::parse_query(read_stdin());
    const std::vector<slotcraft::slot> slots = slotcraft::find_slots(query);
    if (q.pretty) fmt::print("{}", slotcraft::cli::slots_table(query, slots));
    else fmt::print("{}\n", dump(slotcraft::slots_to_json(slots)));
    return 0;
}

int run_stateless_explain(const query_options& q) {
    const slotcraft::instant start = slotcraft::parse_instant(q.start, "start");
    const slotcraft::slot_query query = slotcraft::parse_query(read_stdin());
    const auto refusals = slotcraft::explain(query, start);
    if (q.pretty) {
        fmt::print("{}", slotcraft::cli::refusals_text(query, start, refusals));
        return 0;
    }
    auto resources = ordered_json::array();
    for (const auto& refusal : refusals) {
        auto reasons = ordered_json::array();
        for (const auto& r : refusal.reasons) {
            ordered_json item{{"code", slotcraft::to_string(r.code)}, {"message", r.message}};
            if (!r.booking.empty()) item["booking"] = r.booking;
            reasons.push_back(std::move(item));
        }
        resources.push_back({{"id", refusal.resource}, {"bookable", refusal.reasons.empty()}, {"reasons", reasons}});
    }
    fmt::print("{}\n", dump(ordered_json{{"start", slotcraft::format_instant(start)}, {"resources", resources}}));
    return 0;
}

/// `slotcraft bench`: parses the query once, computes it once to warm up,
/// then `repeat` times, and prints the rate.
int run_bench(const std::string& file, const std::string& repeat_text) {
    long long repeat = 0;
    const auto [end, problem] = std::from_chars(repeat_text.data(), repeat_text.data() + repeat_text.size(), repeat);
    if (problem != std::errc{} || end != repeat_text.data() + repeat_text.size() || repeat < 1 || repeat > 1'000'000'000)
        slotcraft::reject("repeat", fmt::format("must be a whole number from 1 to 1000000000 (got \"{}\")", repeat_text.substr(0, 32)));
    const slotcraft::slot_query query = slotcraft::parse_query(slotcraft::cli::read_file(file, "file"));

    const std::size_t slots = slotcraft::find_slot_table(query).size();  // warm-up
    std::size_t checksum = 0;
    const auto start = std::chrono::steady_clock::now();
    for (long long i = 0; i < repeat; ++i) checksum += slotcraft::find_slot_table(query).size();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (checksum != slots * static_cast<std::size_t>(repeat)) throw std::logic_error("the answer changed between runs");
    ordered_json out{{"queries_per_s", static_cast<double>(repeat) / elapsed},
                     {"slots_per_query", slots},
                     {"repeat", repeat}};
    fmt::print("{}\n", dump(out));
    return 0;
}

int run_db_slots(const slotcraft::cli::db_options& o, const query_options& q) {
    using namespace slotcraft;
    if (q.service.empty()) reject("service", "slots with --db needs the service: slotcraft --db FILE slots SERVICE ...");
    auto backend = open_store(o.db);
    scheduler s(*backend);
    const slot_request request{.service = q.service, .resources = q.resources, .location = q.location,
                               .from = parse_instant(q.from, "from"), .to = parse_instant(q.to, "to"),
                               .seats = q.seats, .mode = parse_resource_mode(q.mode, "mode"),
                               .ignore_booking = q.ignore_booking, .client = q.client};
    const auto found = s.slots(request, slotcraft::cli::now_of(o));
    if (o.json) {
        auto list = ordered_json::array();
        for (const located_slot& ls : found) {
            auto& item = list.emplace_back(ordered_json{
                {"start", format_instant(ls.free.time.start)}, {"end", format_instant(ls.free.time.end)},
                {"resources", ls.free.resources}, {"seats_left", ls.free.seats_left}, {"location", ls.location}});
            if (ls.free.pools.empty()) continue;  // SPEC §10: each pool's free members, preferred first
            auto& pools = item["pools"] = ordered_json::object();
            for (const pool_choice& p : ls.free.pools) pools[p.pool] = p.members;
        }
        fmt::print("{}\n", dump(ordered_json{{"slots", list}}));
        return 0;
    }
    // One block per resource in its own zone, a line per local date and location.
    std::vector<std::string> ids;
    for (const located_slot& ls : found)
        for (const std::string& id : ls.free.resources)
            if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    std::vector<zone> zones;
    zones.reserve(ids.size());
    for (const std::string& id : ids) zones.push_back(zone::locate(s.resource(id)->time_zone));
    std::vector<std::pair<std::string, const zone*>> blocks;
    for (std::size_t i = 0; i < ids.size(); ++i) blocks.emplace_back(ids[i], &zones[i]);
    std::vector<slot> plain;  // plain[i] is found[i]'s slot
    plain.reserve(found.size());
    for (const located_slot& ls : found) plain.push_back(ls.free);
    const auto offered = s.service(q.service);
    fmt::print("Free slots for {} ({} min), {} .. {}{}\n", q.service, offered->rules.duration.count(), q.from, q.to,
               q.location.empty() ? "" : " at " + q.location);
    fmt::print("{}", slotcraft::cli::times_by_day(blocks, plain, offered->rules.is_group(), [&](const slot& sl) {
                   return found[static_cast<std::size_t>(&sl - plain.data())].location;
               }));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"slotcraft: free slots and bookings, correct across time zones and DST.\n"
                 "Without --db, `slots` and `explain` read a SPEC §8 JSON query on stdin."};
    app.require_subcommand(1);
    app.fallthrough();
    app.set_version_flag("--version", fmt::format("slotcraft {}", slotcraft::version));

    slotcraft::cli::db_options o;
    app.add_option("--db", o.db, "the store: a SQLite file (created if missing) or postgresql://...");
    app.add_option("--actor", o.actor, "who acts, for the audit log (default: cli)");
    app.add_option("--now", o.now, "the current instant, ISO 8601 (default: the system clock)");
    app.add_flag("--json", o.json, "print JSON instead of text (store commands)");

    query_options q;
    std::function<int()> run;
    auto* slots = app.add_subcommand("slots", "free slots: of a JSON query on stdin, or of a service with --db");
    slots->add_flag("--pretty", q.pretty, "a table in each resource's local time (JSON query)");
    slots->add_option("service", q.service, "with --db: the service");
    slots->add_option("--from", q.from, "with --db: ISO 8601 instant");
    slots->add_option("--to", q.to, "with --db: ISO 8601 instant");
    slots->add_option("--resource", q.resources, "with --db: limit to these resources (repeatable)");
    slots->add_option("--location", q.location, "with --db: only this location");
    slots->add_option("--seats", q.seats, "with --db: seats wanted (default 1)");
    slots->add_option("--mode", q.mode, "with --db: any or all (default any)");
    slots->add_option("--ignore-booking", q.ignore_booking,
                      "with --db: leave this booking out, as if cancelled (where `reschedule` can move it)");
    slots->add_option("--client", q.client, "with --db: the asking client, whose limits per client apply");
    slots->callback([&] { run = [&] { return o.db.empty() ? run_stateless_slots(q) : run_db_slots(o, q); }; });

    auto* explain = app.add_subcommand("explain", "why each resource can or cannot take a start (JSON query on stdin)");
    explain->add_option("--start", q.start, "ISO 8601 instant")->required();
    explain->add_flag("--pretty", q.pretty, "readable text");
    explain->callback([&] { run = [&] { return run_stateless_explain(q); }; });

    std::string bench_file;
    std::string bench_repeat = "100";
    auto* bench = app.add_subcommand("bench", "time a SPEC §8 JSON query in-process: parse once, compute N times");
    bench->add_option("query", bench_file, "the query file (SPEC §8 JSON)")->required();
    bench->add_option("--repeat", bench_repeat, "how many times to compute it after a warm-up (default 100)");
    bench->callback([&] { run = [&] { return run_bench(bench_file, bench_repeat); }; });

    slotcraft::cli::add_db_commands(app, o, run);
    refuse_numbers_out_of_range(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        if (json_asked(argc, argv))  // storage.md: with --json every failure is JSON on stdout
            fmt::print("{}\n", dump(ordered_json{{"error", {{"field", usage_field(e.what())},
                                                            {"message", e.what()},
                                                            {"category", "usage"}}}}));
        fmt::print(stderr, "slotcraft: {}\nRun with --help for usage.\n", e.what());
        return exit_usage;
    }

    const bool stateless = (o.db.empty() && slots->parsed()) || explain->parsed() || bench->parsed();
    try {
        // Options are checked whether or not the command reads them: a typo is never silently ignored.
        if (!o.now.empty()) (void)slotcraft::parse_instant(o.now, "now");
        if (stateless && !o.now.empty())
            slotcraft::reject("now", "a JSON query has its own \"now\"; --now is for the store's commands (--db)");
        if (stateless && !o.db.empty())
            slotcraft::reject("db", fmt::format("{} reads a SPEC §8 JSON query, not a store",
                                                explain->parsed() ? "explain" : "bench"));
        if (stateless && app.get_option("--actor")->count() > 0)
            slotcraft::reject("actor", "a JSON query changes nothing; --actor is for the store's commands (--db)");
        if (!stateless && q.pretty)
            slotcraft::reject("pretty", "is for a JSON query; with --db the answer is text, or JSON with --json");
        if (stateless && slots->parsed())
            for (const char* only_with_db : {"service", "--from", "--to", "--resource", "--location", "--seats", "--mode",
                                             "--ignore-booking", "--client"})
                if (slots->get_option(only_with_db)->count() > 0)
                    slotcraft::reject(std::string(only_with_db).substr(only_with_db[0] == '-' ? 2 : 0),
                                      "needs --db; without it the query is the JSON on stdin");
        return run();
    } catch (const slotcraft::error& e) {
        if (stateless) {
            fmt::print("{}\n", dump(slotcraft::error_to_json(e)));  // SPEC §8, with --pretty too
            return 2;
        }
        if (o.json) {
            ordered_json out{{"field", e.field()}, {"message", e.message()}, {"category", category_name(e.category())}};
            if (const auto* refused = dynamic_cast<const slotcraft::booking_refused*>(&e)) {
                auto reasons = ordered_json::array();
                for (const auto& r : refused->reasons())
                    reasons.push_back({{"code", slotcraft::to_string(r.code)}, {"booking", r.booking}, {"message", r.message}});
                out["reasons"] = reasons;
            }
            fmt::print("{}\n", dump(ordered_json{{"error", out}}));
        } else if (const auto* refused = dynamic_cast<const slotcraft::booking_refused*>(&e)) {
            fmt::print(stderr, "slotcraft: refused:\n");
            for (const auto& r : refused->reasons()) fmt::print(stderr, "  - {}: {}\n", slotcraft::to_string(r.code), r.message);
        } else {
            fmt::print(stderr, "slotcraft: {}\n", e.what());
        }
        return stateless ? 2 : exit_status(e.category());
    } catch (const std::bad_alloc&) {
        // A query whose answer does not fit in memory is too large a question, not a crash.
        return report_unexpected(stateless, o.json, "query",
                                 "the answer does not fit in memory: ask for a shorter range, fewer resources or a "
                                 "larger step",
                                 "invalid_argument", 2);
    } catch (const std::exception& e) {
        return report_unexpected(stateless, o.json, "", fmt::format("internal error: {}", e.what()), "internal",
                                 exit_internal);
    }
}
