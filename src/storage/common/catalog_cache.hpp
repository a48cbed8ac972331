#pragma once
// The catalog as read at one catalog version, kept by a store for all its
// transactions, so that a booking does not read and parse its resource's
// schedules again each time (half of a SQLite booking's instructions, seven
// of a PostgreSQL booking's sixteen round trips: docs/performance.md).
//
// The database keeps the version: a trigger on every catalog table adds one
// to it in the transaction that writes, whoever writes (another process, a
// sqlite3 shell). A transaction reads the version once, at its first catalog
// read; what an earlier transaction read at that same version is what it
// would read itself. After a catalog write of its own, a transaction reads
// the database directly. Clients and bookings are never kept.

#include <slotcraft/store.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotcraft::detail {

/// Catalog reads of one version, shared by the transactions of one store.
/// Thread-safe.
class catalog_cache {
public:
    template <class Value>
    using shelf = std::map<std::string, Value, std::less<>>;

    /// What was read at `version`.
    struct generation {
        std::int64_t version = -1;
        std::size_t entries = 0;
        shelf<std::optional<location_record>> location;
        shelf<std::vector<location_record>> locations;  // one entry, key ""
        shelf<std::optional<resource_record>> resource;
        shelf<std::optional<service_record>> service;
        shelf<std::vector<std::string>> providers;
        shelf<std::vector<std::string>> services_of;
        shelf<settings> config;  // one entry, key ""
    };
    template <class Value>
    using shelf_of = shelf<Value> generation::*;

    /// At most this many records are kept (ids that do not exist included);
    /// past it, reads go to the database.
    static constexpr std::size_t max_entries = 4096;

    /// A copy of what was read under `key` at `version`, if anything.
    template <class Value>
    std::optional<Value> find(std::int64_t version, shelf_of<Value> which, std::string_view key) {
        const std::lock_guard guard(mutex_);
        if (kept_.version != version) return std::nullopt;
        const auto& values = kept_.*which;
        const auto it = values.find(key);
        if (it == values.end()) return std::nullopt;
        return it->second;
    }

    /// Keeps `value`, read under `key` at `version`. Another version than the
    /// one kept replaces it: versions only grow, but a database created anew
    /// starts again from 0, so any difference means the kept one is stale.
    template <class Value>
    void keep(std::int64_t version, shelf_of<Value> which, std::string_view key, const Value& value) {
        const std::lock_guard guard(mutex_);
        if (kept_.version != version) {
            kept_ = generation{};
            kept_.version = version;
        }
        if (kept_.entries >= max_entries) return;
        if ((kept_.*which).emplace(std::string(key), value).second) ++kept_.entries;
    }

private:
    std::mutex mutex_;
    generation kept_;
};

/// A transaction whose catalog reads go through `cache`; everything else,
/// and every write, goes to `inner`. `read_version` reads the catalog version
/// inside `inner`.
class cached_catalog final : public transaction {
public:
    cached_catalog(transaction& inner, catalog_cache& cache, std::function<std::int64_t()> read_version)
        : inner_(inner), cache_(cache), read_version_(std::move(read_version)) {}

    void put_location(const location_record& location) override {
        wrote_catalog_ = true;
        inner_.put_location(location);
    }
    std::optional<location_record> location(std::string_view id) override {
        return through(&catalog_cache::generation::location, id, [&] { return inner_.location(id); });
    }
    std::vector<location_record> locations() override {
        return through(&catalog_cache::generation::locations, "", [&] { return inner_.locations(); });
    }

    void put_resource(const resource_record& resource) override {
        wrote_catalog_ = true;
        inner_.put_resource(resource);
    }
    std::optional<resource_record> resource(std::string_view id) override {
        return through(&catalog_cache::generation::resource, id, [&] { return inner_.resource(id); });
    }
    std::vector<resource_record> resources() override { return inner_.resources(); }

    void put_service(const service_record& service) override {
        wrote_catalog_ = true;
        inner_.put_service(service);
    }
    std::optional<service_record> service(std::string_view id) override {
        return through(&catalog_cache::generation::service, id, [&] { return inner_.service(id); });
    }
    std::vector<service_record> services() override { return inner_.services(); }

    void link(std::string_view resource, std::string_view service) override {
        wrote_catalog_ = true;
        inner_.link(resource, service);
    }
    void unlink(std::string_view resource, std::string_view service) override {
        wrote_catalog_ = true;
        inner_.unlink(resource, service);
    }
    std::vector<std::string> providers(std::string_view service) override {
        return through(&catalog_cache::generation::providers, service, [&] { return inner_.providers(service); });
    }
    std::vector<std::string> services_of(std::string_view resource) override {
        return through(&catalog_cache::generation::services_of, resource,
                       [&] { return inner_.services_of(resource); });
    }

    void put_client(const client_record& client) override { inner_.put_client(client); }
    std::optional<client_record> client(std::string_view id) override { return inner_.client(id); }
    std::optional<client_record> client_by_identity(const identity& who) override {
        return inner_.client_by_identity(who);
    }
    std::vector<client_record> clients() override { return inner_.clients(); }

    settings load_settings() override {
        return through(&catalog_cache::generation::config, "", [&] { return inner_.load_settings(); });
    }
    void save_settings(const settings& values) override {
        wrote_catalog_ = true;
        inner_.save_settings(values);
    }

    void insert_booking(const booking_record& booking) override { inner_.insert_booking(booking); }
    void insert_booking_audited(const booking_record& booking, const audit_entry& entry) override {
        inner_.insert_booking_audited(booking, entry);
    }
    void update_booking(const booking_record& booking) override { inner_.update_booking(booking); }
    void update_booking_audited(const booking_record& booking, const audit_entry& entry) override {
        inner_.update_booking_audited(booking, entry);
    }
    std::optional<booking_record> booking(std::string_view id) override { return inner_.booking(id); }
    std::optional<booking_record> booking_by_idempotency_key(std::string_view key) override {
        return inner_.booking_by_idempotency_key(key);
    }
    std::optional<booking_record> booking_by_hold_token(std::string_view token) override {
        return inner_.booking_by_hold_token(token);
    }
    std::vector<booking_record> bookings_of_resource(std::string_view resource, interval span) override {
        return inner_.bookings_of_resource(resource, span);
    }
    std::vector<booking_record> bookings_of_client(std::string_view client) override {
        return inner_.bookings_of_client(client);
    }
    std::vector<booking_record> bookings_of_group(std::string_view group) override {
        return inner_.bookings_of_group(group);
    }
    void put_waitlist_entry(const waitlist_entry& entry) override { inner_.put_waitlist_entry(entry); }
    std::optional<waitlist_entry> find_waitlist_entry(std::string_view id) override {
        return inner_.find_waitlist_entry(id);
    }
    std::vector<waitlist_entry> waitlist_of_client(std::string_view client) override {
        return inner_.waitlist_of_client(client);
    }
    std::vector<waitlist_entry> open_waitlist() override { return inner_.open_waitlist(); }
    bool mark_waitlist_notified(std::string_view id) override { return inner_.mark_waitlist_notified(id); }
    std::vector<booking_record> confirmed_starting_in(interval span) override {
        return inner_.confirmed_starting_in(span);
    }

    void put_series(const series_record& series) override { inner_.put_series(series); }
    std::optional<series_record> series(std::string_view id) override { return inner_.series(id); }
    std::optional<series_record> series_by_idempotency_key(std::string_view key) override {
        return inner_.series_by_idempotency_key(key);
    }

    bool mark_reminded(std::string_view booking, minutes offset) override {
        return inner_.mark_reminded(booking, offset);
    }
    bool reminded(std::string_view booking, minutes offset) override { return inner_.reminded(booking, offset); }
    void forget_reminders(std::string_view booking) override { inner_.forget_reminders(booking); }

    std::int64_t append_audit(const audit_entry& entry) override { return inner_.append_audit(entry); }
    std::vector<audit_entry> audit_log(std::int64_t after, std::size_t limit) override {
        return inner_.audit_log(after, limit);
    }

private:
    /// The value under `key` on the shelf `which`: kept, or loaded and kept.
    template <class Value, class Load>
    Value through(catalog_cache::shelf_of<Value> which, std::string_view key, Load&& load) {
        if (wrote_catalog_) return load();
        if (!version_) version_ = read_version_();
        if (auto kept = cache_.find(*version_, which, key)) return std::move(*kept);
        Value value = load();
        cache_.keep(*version_, which, key, value);
        return value;
    }

    transaction& inner_;
    catalog_cache& cache_;
    std::function<std::int64_t()> read_version_;
    std::optional<std::int64_t> version_;
    bool wrote_catalog_ = false;
};

}  // namespace slotcraft::detail
