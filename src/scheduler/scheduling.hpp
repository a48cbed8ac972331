#pragma once
// What the scheduler's parts share (not installed): loading a booking's
// context from the catalog, the one check of a start that book, hold,
// confirm, reschedule and check all run, writing a booking with its audit
// entry, and the small helpers around them. scheduling.cpp defines them;
// catalog, availability, booking, series and the reports use them.

#include <slotcraft/catalog_json.hpp>
#include <slotcraft/scheduler.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slotcraft::scheduling {

// Bookings up to this far from a query still matter: one local date's
// bookings count against the daily limit of every start on that date.
constexpr std::chrono::days booking_margin{2};

// `digits` random lowercase hex digits (booking ids, hold tokens).
std::string random_hex(std::size_t digits);
instant wall_clock_now();

inline std::string as_json(const auto& value) { return nlohmann::json(value).dump(); }
inline std::string as_json(const booking_record& b) { return booking_json_text(b); }

// Appends an audit entry inside `tx`.
void record(transaction& tx, instant at, std::string_view actor, std::string_view action, std::string_view subject,
            std::string before, std::string after);
// not_found for `field`: no `what` with id `id`.
[[noreturn]] void missing(std::string field, std::string_view what, std::string_view id);
// conflict for `field` when `archived`: it is not offered or booked any more.
void refuse_archived(bool archived, std::string field, std::string_view what, std::string_view id);

using id_set = std::set<std::string, std::less<>>;
// The ids of the archived locations.
id_set archived_locations(transaction& tx);

// Everything a check of one resource for one service needs.
struct booking_context {
    resource_record resource;
    service_record offered;
    settings config;
    id_set closed_places;  // archived locations
};

service engine_service(const booking_context& ctx);
bool offered_at(const service_record& s, std::string_view location);
// The locations (not archived) where `ctx.resource` works and its service is
// offered, or just `requested`.
std::vector<std::string> eligible_locations(const booking_context& ctx, std::string_view requested);
const location_schedule& schedule_at(const resource_record& r, std::string_view location);
// The bookings of `r` that can matter to starts in `span`.
std::vector<booking_record> bookings_around(transaction& tx, const resource_record& r, interval span);
// The engine's rules of `r` at one of its locations.
schedule rules_at(const resource_record& r, const location_schedule& at, const settings& config);
// The engine's view of `ctx.resource` at `location` with `bookings` (but `leave_out`).
resource engine_resource(const booking_context& ctx, std::string_view location,
                         std::span<const booking_record> bookings, std::string_view leave_out = {});
// The asking client of a query of `asked` (SPEC §11): `client` with its
// bookings but `leave_out`; nullopt for no client or a service without limits.
std::optional<asking_client> asking_client_of(transaction& tx, std::string_view client, const service& asked,
                                              std::string_view leave_out);
// The engine query for one start of one resource at one location, asked by `asker`.
slot_query single_start_query(transaction& tx, const booking_context& ctx, std::string_view location, instant start,
                              int seats, const std::optional<asking_client>& asker, instant now,
                              std::string_view leave_out);
// The resource and service of a booking as the catalog has them now: both
// exist, neither is archived, and the resource provides the service.
booking_context load_context(transaction& tx, std::string_view resource_id, std::string_view service_id);
// The location a request books at: the asked one, which must be eligible, or
// the only eligible one.
std::vector<std::string> request_locations(const booking_context& ctx, std::string_view requested);

struct checked_start {
    std::string location;         // where it is bookable, if anywhere
    std::vector<reason> reasons;  // of the first location tried, when bookable nowhere
};
// The one check of a start for `client`, with the booking `leave_out` left out.
checked_start check_start(transaction& tx, const booking_context& ctx, std::string_view requested_location,
                          instant start, int seats, std::string_view client, instant now,
                          std::string_view leave_out = {});

// not_found naming `client` for a client id (but "") the store does not have.
void require_client(transaction& tx, std::string_view client);
// The locks of a transaction that books `requests`: each resource and each
// client (whose limits count its bookings on every resource), once, sorted.
std::vector<std::string> booking_locks(std::span<const booking_request> requests);

void validate_request(const booking_request& request);
void refuse_more_seats_than(const booking_context& ctx, int seats);
// Refuses a duration, offset or TTL outside (0, max_scheduler_minutes].
void check_minutes(minutes value, const std::string& field);
// Throws booking_refused with `reasons`.
[[noreturn]] void refuse(const std::vector<reason>& reasons);
// Gives `b` what a new booking of its service at `start` would have (the
// check of confirm and reschedule). \throws booking_refused.
void rebook(transaction& tx, booking_record& b, instant start, const std::string& place, instant now);

// The booking contexts a batch or series has loaded, by resource and
// service. Its transaction writes only bookings and audit entries, so the
// catalog they come from does not change while it runs.
using context_cache = std::map<std::pair<std::string, std::string>, booking_context>;
const booking_context& context_of(transaction& tx, const booking_request& request, context_cache* cache,
                                  std::optional<booking_context>& own);
// Cancels the active booking `b` inside `tx`, with its audit entry.
booking_record cancel_in(transaction& tx, booking_record b, std::string_view why, instant now, std::string_view actor);
// Checks and writes one booking or hold inside `tx`.
booking_record book_in(transaction& tx, const booking_request& request, instant now, std::optional<minutes> hold_for,
                       std::string_view series = {}, context_cache* contexts = nullptr);

}  // namespace slotcraft::scheduling
