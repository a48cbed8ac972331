#pragma once
/// \file
/// The storage interface: a transaction with typed reads and writes. Adapters
/// (in-memory, SQLite, PostgreSQL) implement it; the scheduler runs the
/// engine's checks and its writes inside one transaction.

#include <slotcraft/catalog.hpp>
#include <slotcraft/waitlist.hpp>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace slotcraft {

/// Typed reads and writes inside one store transaction. Writes are visible to
/// later reads of the same transaction; all of them commit together or not
/// at all. Not thread-safe: one transaction belongs to one thread.
///
/// Every adapter behaves the same (tests/storage/store_contract_test.cpp
/// checks it on each): a refused write changes nothing; a reference to a
/// missing record is `not_found`; a second owner of a unique value is
/// `conflict`; lookups by an empty key find nothing; booking lists are ordered
/// by start, then id. A write in a read transaction is `storage`.
class transaction {
public:
    virtual ~transaction() = default;

    // Catalog. `put_*` inserts or replaces by id. put_resource / put_service:
    // not_found for a location that does not exist (field
    // `resource.schedules[i].location`, `service.locations[i]`).
    virtual void put_location(const location_record& location) = 0;
    [[nodiscard]] virtual std::optional<location_record> location(std::string_view id) = 0;
    [[nodiscard]] virtual std::vector<location_record> locations() = 0;

    virtual void put_resource(const resource_record& resource) = 0;
    [[nodiscard]] virtual std::optional<resource_record> resource(std::string_view id) = 0;
    [[nodiscard]] virtual std::vector<resource_record> resources() = 0;

    virtual void put_service(const service_record& service) = 0;
    [[nodiscard]] virtual std::optional<service_record> service(std::string_view id) = 0;
    [[nodiscard]] virtual std::vector<service_record> services() = 0;

    /// Records that `resource` provides `service` (idempotent); not_found for
    /// an unknown resource or service.
    virtual void link(std::string_view resource, std::string_view service) = 0;
    virtual void unlink(std::string_view resource, std::string_view service) = 0;
    /// Ids of the resources providing `service`, ascending.
    [[nodiscard]] virtual std::vector<std::string> providers(std::string_view service) = 0;
    /// Ids of the services `resource` provides, ascending.
    [[nodiscard]] virtual std::vector<std::string> services_of(std::string_view resource) = 0;

    /// conflict (`client.identities[i]`) when an identity belongs to another client.
    virtual void put_client(const client_record& client) = 0;
    [[nodiscard]] virtual std::optional<client_record> client(std::string_view id) = 0;
    [[nodiscard]] virtual std::optional<client_record> client_by_identity(const identity& who) = 0;
    /// Every client, by id, with their identities.
    [[nodiscard]] virtual std::vector<client_record> clients() = 0;

    [[nodiscard]] virtual settings load_settings() = 0;
    virtual void save_settings(const settings& values) = 0;

    // Bookings.
    /// conflict for a taken id, idempotency key or hold token (`booking.id`,
    /// `booking.idempotency_key`, `booking.hold_token`); not_found for an
    /// unknown resource or service (`booking.resource`, `booking.service`).
    virtual void insert_booking(const booking_record& booking) = 0;
    /// insert_booking(booking), then append_audit(entry): refused the same
    /// way, and then neither is written. A store may do both in one step
    /// (PostgreSQL: one statement, one round trip fewer).
    virtual void insert_booking_audited(const booking_record& booking, const audit_entry& entry) {
        insert_booking(booking);
        (void)append_audit(entry);
    }
    /// Replaces the booking with the same id: not_found (`booking`) when there
    /// is none, conflict when its key or token belongs to another booking.
    virtual void update_booking(const booking_record& booking) = 0;
    /// update_booking(booking), then append_audit(entry): refused the same
    /// way, and then neither is written. A store may do both in one step
    /// (PostgreSQL: one statement, one round trip fewer).
    virtual void update_booking_audited(const booking_record& booking, const audit_entry& entry) {
        update_booking(booking);
        (void)append_audit(entry);
    }
    [[nodiscard]] virtual std::optional<booking_record> booking(std::string_view id) = 0;
    [[nodiscard]] virtual std::optional<booking_record> booking_by_idempotency_key(std::string_view key) = 0;
    [[nodiscard]] virtual std::optional<booking_record> booking_by_hold_token(std::string_view token) = 0;
    /// Bookings of `resource`, any status, whose padded interval overlaps `span`, by start.
    [[nodiscard]] virtual std::vector<booking_record> bookings_of_resource(std::string_view resource, interval span) = 0;
    /// Bookings of `client`, any status, by start.
    [[nodiscard]] virtual std::vector<booking_record> bookings_of_client(std::string_view client) = 0;
    /// The bookings whose `group` is `group` (the pool bookings made with
    /// booking `group`, SPEC §10), any status, by start; none for "".
    [[nodiscard]] virtual std::vector<booking_record> bookings_of_group(std::string_view group) = 0;
    /// Confirmed bookings starting inside `span`, by start.
    [[nodiscard]] virtual std::vector<booking_record> confirmed_starting_in(interval span) = 0;

    /// Records the rule of a booked series (insert or replace by id);
    /// not_found (`series.resource`) for an unknown resource; conflict
    /// (`series.idempotency_key`) for a key another series has.
    virtual void put_series(const series_record& series) = 0;
    [[nodiscard]] virtual std::optional<series_record> series(std::string_view id) = 0;
    /// The series booked with idempotency key `key`; none for "".
    [[nodiscard]] virtual std::optional<series_record> series_by_idempotency_key(std::string_view key) = 0;

    // Reminders: at most once per booking and offset, even across processes.
    /// Records the reminder; true only for the first caller; not_found for an
    /// unknown booking.
    virtual bool mark_reminded(std::string_view booking, minutes offset) = 0;
    [[nodiscard]] virtual bool reminded(std::string_view booking, minutes offset) = 0;
    /// Forgets the booking's reminders (it moved: they were for its old time).
    virtual void forget_reminders(std::string_view booking) = 0;

    // Waiting list (scheduler::join_waitlist).
    /// Inserts or replaces the entry with its id; not_found for an unknown
    /// client or service (`waitlist.client`, `waitlist.service`).
    virtual void put_waitlist_entry(const waitlist_entry& entry) = 0;
    [[nodiscard]] virtual std::optional<waitlist_entry> find_waitlist_entry(std::string_view id) = 0;
    /// A client's entries, any status, by creation, then id.
    [[nodiscard]] virtual std::vector<waitlist_entry> waitlist_of_client(std::string_view client) = 0;
    /// The entries waiting or holding an offer, by creation, then id.
    [[nodiscard]] virtual std::vector<waitlist_entry> open_waitlist() = 0;
    /// Marks the entry's offer reported: true only for the first caller, even
    /// across processes; not_found (`waitlist`) for an unknown entry.
    virtual bool mark_waitlist_notified(std::string_view id) = 0;

    // Audit log (append-only).
    /// Appends `entry`; returns its sequence number.
    virtual std::int64_t append_audit(const audit_entry& entry) = 0;
    /// Entries with a sequence number above `after`, oldest first, at most `limit`.
    [[nodiscard]] virtual std::vector<audit_entry> audit_log(std::int64_t after, std::size_t limit) = 0;
};

/// Whether a transaction writes.
enum class access { read, write };

/// A transactional store. Thread-safe: any number of threads may run
/// transactions at once; writers that name a common lock in `locks` (the
/// scheduler names each resource, and each client as `client ID`) are
/// serialised, so a check and the write it allows cannot be separated.
class store {
public:
    virtual ~store() = default;

    /// Runs `work` in one transaction: commits when it returns, rolls back when
    /// it throws (and rethrows). Do not call `run` from inside `work`. Adapters retry transient failures (busy
    /// database, serialisation failure) a bounded number of times, so `work`
    /// may run more than once and must not have effects outside `tx`.
    virtual void run(access mode, std::span<const std::string> locks,
                     const std::function<void(transaction& tx)>& work) = 0;

    /// `run` returning the value `work` returns.
    template <class Work>
    auto write(std::span<const std::string> locks, Work&& work) {
        return run_returning(access::write, locks, std::forward<Work>(work));
    }
    template <class Work>
    auto read(Work&& work) {
        return run_returning(access::read, {}, std::forward<Work>(work));
    }

private:
    template <class Work>
    auto run_returning(access mode, std::span<const std::string> locks, Work&& work) {
        using result = std::invoke_result_t<Work&, transaction&>;
        if constexpr (std::is_void_v<result>) {
            run(mode, locks, [&](transaction& tx) { work(tx); });
        } else {
            std::optional<result> out;
            run(mode, locks, [&](transaction& tx) { out.emplace(work(tx)); });
            return std::move(*out);
        }
    }
};

}  // namespace slotcraft
