#pragma once
/// \file
/// The facade bots and servers call: catalog, free slots, hold → confirm,
/// book, cancel, reschedule, series, reminders, audit. Every write runs the
/// engine's checks and its write inside one store transaction that
/// serialises the writers of the resources involved.

#include <slotcraft/availability.hpp>
#include <slotcraft/catalog.hpp>
#include <slotcraft/csv.hpp>
#include <slotcraft/error.hpp>
#include <slotcraft/ical.hpp>
#include <slotcraft/store.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace slotcraft {

/// A booking refused by the engine, with every reason (category `conflict`).
class booking_refused : public error {
public:
    booking_refused(std::string field, const std::string& message, std::vector<reason> reasons)
        : error(error_category::conflict, std::move(field), message), reasons_(std::move(reasons)) {}
    [[nodiscard]] const std::vector<reason>& reasons() const noexcept { return reasons_; }

private:
    std::vector<reason> reasons_;
};

/// "When is this service free?"
struct slot_request {
    std::string service{};
    /// The resources to consider; empty: every resource providing the service.
    std::vector<std::string> resources{};
    /// Where; empty: every location the service is offered at.
    std::string location{};
    instant from{};
    instant to{};
    int seats = 1;
    resource_mode mode = resource_mode::any;
    /// A booking to leave out, as if it were cancelled: with its resource and
    /// service, the starts `reschedule` would move it to. Empty: none.
    std::string ignore_booking{};
    /// The asking client (an existing client's id): the service's limits per
    /// client (SPEC §11) drop what that client may not book. Empty: no limits.
    std::string client{};
};

/// A free slot at one location: the resources free there (SPEC §6 order in
/// `any` mode) and that location's seats left. A start free at two
/// locations is two slots.
struct located_slot {
    slot free{};
    std::string location{};
    friend bool operator==(const located_slot&, const located_slot&) = default;
};

/// "Book this start." `location` may be empty when the resource works at only
/// one location the service is offered at.
struct booking_request {
    std::string resource{};
    std::string service{};
    std::string location{};
    std::string client{};
    instant start{};
    int seats = 1;
    /// For a service that needs pools (SPEC §10): the member to book, by pool
    /// id (`{"room": "r2"}`); a pool not named gets its preferred free member
    /// (the fewest bookings starting that local day of the resource, ties by id).
    std::map<std::string, std::string, std::less<>> pool_members{};
    /// The same key again returns the first booking instead of a second one.
    std::string idempotency_key{};
    /// Who asks, for the audit log.
    std::string actor{};
};

/// A reminder that is due: `offset` before the booking's start has passed.
struct due_reminder {
    booking_record booking{};
    minutes offset{0};
    friend bool operator==(const due_reminder&, const due_reminder&) = default;
};

/// How `book_recurring` books a series.
enum class series_mode {
    all_or_nothing,  ///< every occurrence or none: the first refusal is thrown
    what_is_free,    ///< the free occurrences; each refused one is reported with its reasons
};

/// "Book this every Tuesday": the first occurrence and an RFC 5545 RRULE.
struct recurring_request {
    /// The first occurrence; every occurrence keeps its local wall time in the
    /// resource's zone. A non-empty idempotency key makes each occurrence's
    /// key `KEY@START`, so a retried request returns the same bookings.
    booking_request first{};
    /// The rule, e.g. `FREQ=WEEKLY;BYDAY=TU;COUNT=10` (see expand_recurrence).
    std::string rrule{};
    /// EXDATEs: local dates (in the resource's zone) left out of the series.
    std::vector<local_date> except_dates{};
    series_mode mode = series_mode::all_or_nothing;
};

/// An occurrence that was not booked, and why.
struct refused_occurrence {
    instant start{};
    std::vector<reason> reasons{};
    friend bool operator==(const refused_occurrence&, const refused_occurrence&) = default;
};

/// What `book_recurring` did.
struct series_outcome {
    /// The id the booked occurrences share (`booking_record::series`); empty
    /// when none was booked.
    std::string series{};
    std::vector<booking_record> booked{};
    std::vector<refused_occurrence> refused{};
};

/// How `book_many` treats a request it cannot book.
enum class batch_mode {
    all_or_nothing,  ///< every request or none: the first refusal is thrown
    each_alone,      ///< every request that can be booked is; each other one is reported
};

/// A request of `book_many` that was not booked, and why: the error `book`
/// would have thrown for it, its field prefixed `requests[i].`.
struct refused_request {
    std::size_t index = 0;  ///< its place among the requests
    error_category category = error_category::conflict;
    std::string field{};
    std::string message{};
    /// The engine's reasons when the time was not bookable (empty for a
    /// refusal of the request itself: an unknown service, a bad seat count...).
    std::vector<reason> reasons{};
    friend bool operator==(const refused_request&, const refused_request&) = default;
};

/// What `book_many` did: the bookings in the order of their requests, and
/// the refused requests (only in `batch_mode::each_alone`).
struct batch_outcome {
    std::vector<booking_record> booked{};
    std::vector<refused_request> refused{};
};

/// The most requests one `book_many` call takes: a batch holds its resources'
/// write locks (on SQLite the file's) until it commits.
inline constexpr std::size_t max_batch_requests = 10000;

/// Which occurrences of a series `cancel_series` cancels.
enum class series_scope {
    this_one,            ///< only the booking named
    this_and_following,  ///< it and the series' later occurrences
    all,                 ///< every occurrence of its series
};

/// "Tell me when a start frees up": a place on a service's waiting list.
struct waitlist_request {
    std::string client{};    ///< an existing client (required)
    std::string service{};
    std::string resource{};  ///< empty: any resource providing the service
    std::string location{};  ///< empty: any location
    interval window{};       ///< the starts the client accepts, `[start, end)`, at most 366 days
    int seats = 1;
    minutes offer_ttl{60};   ///< how long each offer's hold lasts (at most 366 days)
    std::string actor{};     ///< who asks, for the audit log
};

/// An offer on the waiting list: the entry and the hold it was offered.
struct waitlist_offer {
    waitlist_entry entry{};
    booking_record hold{};
    friend bool operator==(const waitlist_offer&, const waitlist_offer&) = default;
};

/// What scheduler::import_ics did: the time off it added and the lines of
/// the file it skipped.
struct ics_import {
    std::vector<interval> added;
    std::vector<ics_skipped_line> skipped;
};

/// Whose bookings an iCalendar export holds: set exactly one.
struct calendar_selection {
    std::string resource{};
    std::string client{};
    std::string booking{};
};

/// Which bookings a report lists: those starting in `period`, narrowed by
/// the filters that are set.
struct booking_filter {
    interval period{};
    std::vector<std::string> resources{};  ///< empty: every resource
    std::string service{};                 ///< empty: every service
    std::string client{};                  ///< empty: every client
    std::optional<booking_status> status{};

    /// Whether `b` starts in the period and passes the filters that are set.
    [[nodiscard]] bool admits(const booking_record& b) const {
        return period.contains(b.time.start) && (service.empty() || b.service == service) &&
               (client.empty() || b.client == client) && (!status || b.status == *status);
    }
};

/// How a load report groups the local dates of each resource.
enum class load_grouping {
    day,   ///< one row per local date
    week,  ///< one row per ISO 8601 week (`2027-W09`) of local dates
};

/// Parses `day` or `week`. \throws error naming `field`.
[[nodiscard]] inline load_grouping parse_load_grouping(std::string_view text, const std::string& field) {
    if (text == "day") return load_grouping::day;
    if (text == "week") return load_grouping::week;
    reject(field, fmt::format("unknown grouping \"{}\" (expected day or week)", text.substr(0, 32)));
}

/// Which resources a load report covers, over which period, by day or week.
struct load_request {
    interval period{};
    std::vector<std::string> resources{};  ///< empty: every resource
    load_grouping by = load_grouping::day;
};

/// The longest hold TTL, reminder offset and default step accepted: 366 days.
inline constexpr minutes max_scheduler_minutes = max_service_minutes;

/// The most days `upcoming` looks ahead: 3,660.
inline constexpr int max_upcoming_days = 3660;

/// Whether catalog listings show archived records.
enum class archived_records { hide, include };

/// The scheduling API over one store. Thread-safe as the store is.
class scheduler {
public:
    /// `backend` must outlive the scheduler.
    explicit scheduler(store& backend) : store_(backend) {}

    // Catalog. Each write validates its input and is recorded in the audit log.
    void put_location(const location_record& location, std::string_view actor = {});
    void put_resource(const resource_record& resource, std::string_view actor = {});
    void put_service(const service_record& service, std::string_view actor = {});
    void link(std::string_view resource, std::string_view service, std::string_view actor = {});
    /// `resource` no longer provides `service` (its bookings stay); nothing
    /// happens if it did not. \throws error (not_found) for an unknown id.
    void unlink(std::string_view resource, std::string_view service, std::string_view actor = {});
    /// Archives a location, resource or service: it is never offered or
    /// booked again (nor confirmed, nor moved to), its bookings stay readable,
    /// and listings hide it unless asked. Archiving twice changes nothing.
    /// Audited (`archive_location`, ...). \throws error: not_found (field
    /// `id`) for an unknown id; conflict (field `id`) while an active booking
    /// of it has not yet ended at `now` (cancel or move those first).
    void archive_location(std::string_view id, instant now, std::string_view actor = {});
    void archive_resource(std::string_view id, instant now, std::string_view actor = {});
    void archive_service(std::string_view id, instant now, std::string_view actor = {});
    /// Takes an archived record back into use (audited as `restore_location`,
    /// ...; restoring an active one changes nothing). \throws error
    /// (not_found, field `id`) for an unknown id.
    void restore_location(std::string_view id, std::string_view actor = {});
    void restore_resource(std::string_view id, std::string_view actor = {});
    void restore_service(std::string_view id, std::string_view actor = {});

    void put_client(const client_record& client, std::string_view actor = {});
    /// The client with identity `who`, created with `name` if there is none.
    client_record client_for(const identity& who, std::string_view name, std::string_view actor = {});
    void save_settings(const settings& values, std::string_view actor = {});

    /// A record by id, archived or not.
    [[nodiscard]] std::optional<location_record> location(std::string_view id);
    /// Every location, by id; archived ones only with `archived_records::include`.
    [[nodiscard]] std::vector<location_record> locations(archived_records archived = archived_records::hide);
    [[nodiscard]] std::optional<resource_record> resource(std::string_view id);
    /// Every resource, by id; archived ones only with `archived_records::include`.
    [[nodiscard]] std::vector<resource_record> resources(archived_records archived = archived_records::hide);
    [[nodiscard]] std::optional<service_record> service(std::string_view id);
    /// Every service, by id; archived ones only with `archived_records::include`.
    [[nodiscard]] std::vector<service_record> services(archived_records archived = archived_records::hide);
    [[nodiscard]] std::optional<client_record> client(std::string_view id);
    /// Every client, by id.
    [[nodiscard]] std::vector<client_record> clients();
    [[nodiscard]] std::optional<booking_record> booking(std::string_view id);
    /// The bookings `filter` admits, by start then id (the rows of bookings_csv).
    /// \throws error (invalid_argument `period`) for an empty period,
    /// (not_found `resources[i]`) for an unknown resource.
    [[nodiscard]] std::vector<booking_record> bookings(const booking_filter& filter);
    [[nodiscard]] settings current_settings();
    /// Ids of the resources providing `service`, ascending; archived ones
    /// only with `archived_records::include`.
    [[nodiscard]] std::vector<std::string> providers(std::string_view service,
                                                     archived_records archived = archived_records::hide);
    /// Ids of the services `resource` provides, ascending; archived ones only
    /// with `archived_records::include`.
    [[nodiscard]] std::vector<std::string> services_of(std::string_view resource,
                                                       archived_records archived = archived_records::hide);

    /// Free slots per SPEC, read from the store: one per start and location,
    /// ordered by start, then location id (see located_slot). Booking a
    /// listed slot with its location and any resource it names succeeds
    /// (`check` is empty), with the same `now` and nothing written between.
    /// \throws error: invalid_argument naming the field; not_found for an
    /// unknown service, location, resource or `ignore_booking`; conflict
    /// for an archived service, location or named resource.
    [[nodiscard]] std::vector<located_slot> slots(const slot_request& request, instant now);
    /// Every reason `request.start` is not bookable (empty: it is), with
    /// the booking `ignore_booking` left out as if cancelled (the check of
    /// `reschedule`). \throws as book does, without writing.
    [[nodiscard]] std::vector<reason> check(const booking_request& request, instant now,
                                            std::string_view ignore_booking = {});
    /// The open time (SPEC §2) of `resource` at `location` (empty: its only
    /// location) around `span`: that location's schedule, the global breaks
    /// and the resource's time off, as listings and checks see it.
    /// \throws error: not_found (`resource`); invalid_argument (`location`)
    /// for a location it has no schedule at, or none named when it has several;
    /// (`span`) for an empty span or one over 366 days.
    [[nodiscard]] slotcraft::open_time open_time(std::string_view resource, std::string_view location, interval span);
    /// The starts the listing lays on local date `day` of `resource` at
    /// `location` (empty: its only location) for `asked` (SPEC §3 before
    /// bookings and limits; see day_grid): the service's own step, or the
    /// settings' default step when it has none; global breaks apply. With
    /// `usual_hours`, the date's override and the resource's time off are
    /// left out: the weekly hours minus breaks, what a poll asks the resource
    /// to confirm. \throws error naming the field (`service.duration`, ...).
    [[nodiscard]] std::vector<instant> day_grid(std::string_view resource, std::string_view location, local_date day,
                                                const slotcraft::service& asked, bool usual_hours = false);

    /// Books `request.start` directly. For a service with pools (SPEC §10)
    /// it writes, in the same transaction, one booking of the same service on
    /// a free member of each pool (`booking_record::group` names the main
    /// booking, `pool` the pool; they have no client, so a client's lists and
    /// limits count the main booking only); cancelling, moving or confirming
    /// either takes the whole group along. \throws booking_refused with the
    /// reasons (`pool_busy` naming a pool with no free member, or the member
    /// named in `pool_members` when it is busy).
    booking_record book(const booking_request& request, instant now);
    /// Holds `request.start` for `ttl` (more than 0, at most 366 days);
    /// confirm it with the returned `hold_token`.
    booking_record hold(const booking_request& request, minutes ttl, instant now);
    /// Turns a live hold into a booking: the same complete check as `book` at
    /// `now` (catalog, hours, bookings, notice, limits; the hold itself left
    /// out), and the booking takes the service's current length and buffers
    /// (docs/semantics.md). A refused confirm leaves the hold as it was.
    /// \throws error (not_found; conflict when expired or cancelled);
    /// booking_refused with the reasons.
    booking_record confirm(std::string_view hold_token, instant now, std::string_view actor = {});
    /// Cancels a booking or hold, with its pool bookings (for the id of a pool
    /// booking: the booking it was made with, and its whole group);
    /// cancelling twice returns the cancelled booking.
    booking_record cancel(std::string_view booking_id, std::string_view reason, instant now,
                          std::string_view actor = {});
    /// Moves a booking to `new_start` (and to `location`; empty: it stays
    /// where it is) in one step: the old time is released only if the new
    /// one is taken. The moved booking is checked and written as a new
    /// booking of its service would be, with the service's current length
    /// and buffers, leaving itself out (docs/semantics.md); the starts
    /// `slots` lists with `ignore_booking` are the ones it accepts. Its pool
    /// bookings move with it, each to the same member when that one is free
    /// at the new time, else to the pool's preferred free member; for the id
    /// of a pool booking, its main booking is moved. Returns the main booking.
    booking_record reschedule(std::string_view booking_id, instant new_start, instant now,
                              std::string_view actor = {}, std::string_view location = {});
    /// Books every request or none (the first refusal is thrown).
    std::vector<booking_record> book_series(std::span<const booking_request> requests, instant now);
    /// Books independent requests (each its own booking, no series) in one
    /// transaction, so a store commits them with one sync: every request or
    /// none (`all_or_nothing`: the first refusal is thrown, its field prefixed
    /// `requests[i].`), or each on its own (`each_alone`: the refused ones are
    /// listed and the others booked). Each request is checked exactly as
    /// `book` checks it, seeing the requests booked before it in the batch; an
    /// idempotency key met again returns its first booking. A store failure
    /// fails the whole batch. \throws error (invalid_argument, field
    /// `requests`) for more than max_batch_requests requests.
    batch_outcome book_many(std::span<const booking_request> requests, instant now,
                            batch_mode mode = batch_mode::all_or_nothing);
    /// Books the occurrences of a recurrence rule in one transaction, all or
    /// nothing or what is free (`request.mode`). \throws booking_refused
    /// (field `occurrences[i].start`) for the first refused occurrence of an
    /// all-or-nothing series; error (invalid_argument, field `rrule`) for a
    /// rule outside the supported subset.
    series_outcome book_recurring(const recurring_request& request, instant now);
    /// Cancels the booking `booking_id` and, by `scope`, other active
    /// occurrences of its series; returns the bookings cancelled now, by start.
    std::vector<booking_record> cancel_series(std::string_view booking_id, series_scope scope, std::string_view reason,
                                              instant now, std::string_view actor = {});

    /// Marks whether the client came to a confirmed booking whose start is at
    /// or before `now` (`unmarked` takes a mark back); audited as `attendance`.
    /// Marking the value it has returns the booking unchanged. \throws error:
    /// not_found (field `id`) for an unknown booking; conflict (field `id`)
    /// for a cancelled booking, an unconfirmed hold or one not yet started;
    /// invalid_argument (field `attendance`) for a value outside the enum.
    booking_record mark_attendance(std::string_view booking_id, attendance_status value, instant now,
                                   std::string_view actor = {});

    /// Confirmed bookings not yet started whose reminder offsets have passed
    /// and that were not marked reminded, oldest offset first: per booking the
    /// closest offset passed, and only when its moment came at or after the
    /// booking took its time (booked, confirmed or moved: `updated_at`), so a
    /// booking made 23 hours ahead gets no 24-hour reminder.
    [[nodiscard]] std::vector<due_reminder> due_reminders(instant now);
    /// True for exactly one caller per booking and offset, across processes.
    bool mark_reminded(std::string_view booking_id, minutes offset);
    /// As above, but only a reminder `due_reminders(now)` lists (false for any
    /// other, and nothing marked): what a worker claims after listing them, so
    /// that a claim made early cannot silence a reminder before its time.
    bool mark_reminded(std::string_view booking_id, minutes offset, instant now);

    /// Active bookings of `resource` starting in `[from, from + days)`, by
    /// start; `days` from 1 to max_upcoming_days.
    [[nodiscard]] std::vector<booking_record> upcoming(std::string_view resource, instant from, int days);
    /// A client's bookings: `active` ones not yet ended, else the past and cancelled ones.
    [[nodiscard]] std::vector<booking_record> client_bookings(std::string_view client, instant now, bool active);

    /// An iCalendar file (RFC 5545, see ical.hpp) of every booking, any
    /// status, of a resource, of a client, or one booking. For a resource or
    /// a client, a series booked with book_recurring is one recurring event
    /// (RRULE and EXDATEs in the resource's zone, cancelled occurrences as
    /// overrides; docs/storage.md). \throws error
    /// (invalid_argument) unless exactly one of `what` is set; not_found for
    /// an unknown id.
    [[nodiscard]] std::string export_ics(const calendar_selection& what, instant now);

    /// The three reports below are CSV files for spreadsheets (csv.hpp): a
    /// UTF-8 byte order mark first unless `bom` omits it, and every cell a
    /// spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first)
    /// written with a `'` in front.

    /// An RFC 4180 CSV of the bookings `filter` selects, by start then id:
    /// a header row, then id, resource, service, location, client (ids and
    /// names), start and end in UTC and in the resource's local time, its
    /// zone, seats, status, attendance, series, cancel reason, created. \throws error
    /// (invalid_argument, field `period`) for an empty period; not_found for
    /// an unknown resource.
    [[nodiscard]] std::string bookings_csv(const booking_filter& filter,
                                           byte_order_mark bom = byte_order_mark::write);

    /// An RFC 4180 CSV of attendance: one row per resource `filter` selects
    /// (every resource when it names none), by id, counting the bookings that
    /// start in the period and pass the filters: `bookings` (the sum),
    /// `attended`, `no_show`, `unmarked` (confirmed ones not marked, started
    /// or not) and `cancelled`; unconfirmed holds are not counted. \throws
    /// as bookings_csv.
    [[nodiscard]] std::string attendance_csv(const booking_filter& filter,
                                             byte_order_mark bom = byte_order_mark::write);

    /// An RFC 4180 CSV of each resource's load: for every local date (or ISO
    /// week of local dates) in its zone touching `request.period`, the hours
    /// it is open (SPEC §2: schedules of every location, overrides, breaks,
    /// time off) and the hours booked (the union of the core intervals of
    /// bookings active at `now`, so seats of one class count once, whether
    /// inside open time or not), both within the day's real length (23 or 25
    /// hours on a DST change) clipped to the period, and booked / open.
    /// \throws error (invalid_argument, field `period`) for an empty period or
    /// one over 366 days; not_found (`resources[i]`) for an unknown resource.
    [[nodiscard]] std::string load_csv(const load_request& request, instant now,
                                       byte_order_mark bom = byte_order_mark::write);

    /// Adds the busy time of an iCalendar file overlapping `window` (see
    /// read_ics; floating and all-day times in the resource's zone) to the
    /// time off of `resource`, in one write; returns the intervals added
    /// (those already there are not added again) and the lines read_ics
    /// skipped. A refused file writes nothing.
    ics_import import_ics(std::string_view resource, std::string_view ics, interval window, std::string_view actor = {});

    // Waiting list (docs/semantics.md, "The waiting list").
    /// Puts `request.client` on the waiting list of `request.service`
    /// (audited `waitlist_join`). \throws error: invalid_argument naming the
    /// field (`client` empty, `window` empty or over 366 days, `seats`,
    /// `offer_ttl`); not_found (`client`, `service`, `resource`, `location`);
    /// conflict for an archived service, resource or location; invalid_argument
    /// (`resource`) for a resource that does not provide the service.
    waitlist_entry join_waitlist(const waitlist_request& request, instant now);
    /// Takes an entry off the list (audited `waitlist_leave`); a live offer's
    /// hold is cancelled with it. Leaving twice returns the entry as it is.
    /// \throws error (not_found, `id`).
    waitlist_entry leave_waitlist(std::string_view id, instant now, std::string_view actor = {});
    [[nodiscard]] std::optional<waitlist_entry> find_waitlist_entry(std::string_view id);
    /// A client's entries, any status, oldest first. \throws error (not_found, `client`).
    [[nodiscard]] std::vector<waitlist_entry> client_waitlist(std::string_view client);
    /// One pass over the open entries, oldest first: an entry whose offer
    /// was confirmed is `booked`, one whose offer expired or was cancelled is
    /// `lapsed` (its start is free again for the waiters after it), one whose
    /// range has no start left is `expired`; each one still waiting gets the
    /// earliest free start that `slots` lists for it (its service, resource or
    /// any, location or any, range from `now`, seats, limits per client), held
    /// for its `offer_ttl`. Each step is its own transaction, taken under the
    /// entry's lock, so workers running passes at once make each offer once.
    /// Returns the offers this pass made.
    std::vector<waitlist_offer> process_waitlist(instant now, std::string_view actor = {});
    /// Live offers not yet marked reported, oldest entry first (for a bot or
    /// a webhook worker to tell the client, as due_reminders).
    [[nodiscard]] std::vector<waitlist_offer> due_waitlist_offers(instant now);
    /// True for exactly one caller per entry, across processes. \throws error (not_found, `id`).
    bool mark_waitlist_notified(std::string_view id);

    /// Audit entries after sequence number `after`, oldest first.
    [[nodiscard]] std::vector<audit_entry> audit(std::int64_t after = 0, std::size_t limit = 1000);

private:
    store& store_;
};

}  // namespace slotcraft
