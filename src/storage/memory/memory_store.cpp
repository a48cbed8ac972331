// In-memory store: maps guarded by one shared mutex, with an undo log per
// write transaction so that a failed transaction leaves the data untouched.

#include <slotcraft/storage/memory_store.hpp>

#include "../common/write_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace slotcraft {

namespace {

/// Hashes any string-like key, so that hash maps of std::string are searched by string_view.
struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>{}(key); }
};

/// A hash map from strings, searched without building a std::string: the
/// indexes that a booking write looks up by one key and never walks in order.
template <class Value>
using string_hash_map = std::unordered_map<std::string, Value, string_hash, std::equal_to<>>;

struct data {
    std::map<std::string, location_record, std::less<>> locations;
    std::map<std::string, resource_record, std::less<>> resources;
    std::map<std::string, service_record, std::less<>> services;
    std::set<std::pair<std::string, std::string>> links;  // (resource, service)
    std::map<std::string, client_record, std::less<>> clients;
    settings config;
    string_hash_map<booking_record> bookings;  // lists of bookings are sorted after collecting
    // Indexes of `bookings`, kept by insert_booking and update_booking: per
    // resource its bookings by padded start and id (the id viewing the key in
    // `bookings`, whose nodes stay put when it rehashes), the longest padded length it ever had
    // (an upper bound: not lowered when that booking changes), and the owners
    // of keys and tokens.
    using padded_key = std::pair<instant, std::string_view>;
    std::map<std::string, std::map<padded_key, const booking_record*>, std::less<>> by_padded_start;
    std::map<std::string, std::chrono::seconds, std::less<>> longest_padded;
    string_hash_map<std::string> by_idempotency_key;
    string_hash_map<std::string> by_hold_token;
    std::map<std::string, series_record, std::less<>> series;
    string_hash_map<std::string> series_keys;  // idempotency key → series id
    std::set<std::pair<std::string, long long>> reminders;  // (booking, offset minutes)
    std::map<std::string, waitlist_entry, std::less<>> waitlist;
    std::deque<audit_entry> audit;  // by sequence; a deque never moves what it holds as it grows
};

template <class Map>
std::vector<typename Map::mapped_type> values_of(const Map& map) {
    std::vector<typename Map::mapped_type> out;
    out.reserve(map.size());
    for (const auto& [key, value] : map) out.push_back(value);
    return out;
}

template <class Map>
std::optional<typename Map::mapped_type> find_in(const Map& map, std::string_view key) {
    const auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    return it->second;
}

class memory_transaction final : public transaction {
public:
    memory_transaction(data& d, bool writable) : data_(d), writable_(writable) {}

    void roll_back() {
        for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
        undo_.clear();
    }

    void put_location(const location_record& location) override { put(data_.locations, location.id, location); }
    std::optional<location_record> location(std::string_view id) override { return find_in(data_.locations, id); }
    std::vector<location_record> locations() override { return values_of(data_.locations); }

    void put_resource(const resource_record& resource) override {
        must_write();
        detail::check_resource_write(resource, [&](const std::string& id) { return data_.locations.contains(id); });
        put(data_.resources, resource.id, resource);
    }
    std::optional<resource_record> resource(std::string_view id) override { return find_in(data_.resources, id); }
    std::vector<resource_record> resources() override { return values_of(data_.resources); }

    void put_service(const service_record& service) override {
        must_write();
        detail::check_service_write(service, [&](const std::string& id) { return data_.locations.contains(id); });
        put(data_.services, service.rules.id, service);
    }
    std::optional<service_record> service(std::string_view id) override { return find_in(data_.services, id); }
    std::vector<service_record> services() override { return values_of(data_.services); }

    void link(std::string_view resource, std::string_view service) override {
        must_write();
        if (!data_.resources.contains(resource))
            throw error(error_category::not_found, "resource", fmt::format("resource \"{}\" does not exist", resource));
        if (!data_.services.contains(service))
            throw error(error_category::not_found, "service", fmt::format("service \"{}\" does not exist", service));
        auto [it, inserted] = data_.links.emplace(std::string(resource), std::string(service));
        if (inserted) undo_.push_back([this, key = *it] { data_.links.erase(key); });
    }
    void unlink(std::string_view resource, std::string_view service) override {
        must_write();
        const std::pair<std::string, std::string> key{std::string(resource), std::string(service)};
        if (data_.links.erase(key) > 0) undo_.push_back([this, key] { data_.links.insert(key); });
    }
    std::vector<std::string> providers(std::string_view service) override {
        std::vector<std::string> out;
        for (const auto& [r, s] : data_.links)
            if (s == service) out.push_back(r);
        return out;
    }
    std::vector<std::string> services_of(std::string_view resource) override {
        std::vector<std::string> out;
        for (auto it = data_.links.lower_bound({std::string(resource), std::string{}});
             it != data_.links.end() && it->first == resource; ++it)
            out.push_back(it->second);
        return out;
    }

    void put_client(const client_record& client) override {
        must_write();
        detail::check_client_write(client, [&](const identity& who) -> std::optional<std::string> {
            if (auto owner = client_by_identity(who)) return owner->id;
            return std::nullopt;
        });
        put(data_.clients, client.id, client);
    }
    std::optional<client_record> client(std::string_view id) override { return find_in(data_.clients, id); }
    std::optional<client_record> client_by_identity(const identity& who) override {
        for (const auto& [id, c] : data_.clients)
            if (std::find(c.identities.begin(), c.identities.end(), who) != c.identities.end()) return c;
        return std::nullopt;
    }
    std::vector<client_record> clients() override {
        std::vector<client_record> out;
        for (const auto& [id, c] : data_.clients) out.push_back(c);
        return out;
    }

    settings load_settings() override { return data_.config; }
    void save_settings(const settings& values) override {
        must_write();
        undo_.push_back([this, old = data_.config] { data_.config = old; });
        data_.config = values;
    }

    void insert_booking(const booking_record& booking) override {
        must_write();
        detail::refuse_booking_write(booking, true, facts(booking, data_.bookings.contains(booking.id)));
        auto& added = *data_.bookings.emplace(booking.id, booking).first;  // a node: stays put as the map grows
        index(added.first, added.second);
        undo_.push_back([this, &added] {
            unindex(added.first, added.second);
            data_.bookings.erase(data_.bookings.find(added.first));  // not erase(key): the key lives in the node
        });
    }
    void update_booking(const booking_record& booking) override {
        must_write();
        const auto it = data_.bookings.find(booking.id);
        detail::refuse_booking_write(booking, false, facts(booking, it != data_.bookings.end()));
        auto& stored = *it;  // a node: stays put as the map grows
        unindex(stored.first, stored.second);
        undo_.push_back([this, &stored, old = stored.second] {
            unindex(stored.first, stored.second);
            stored.second = old;
            index(stored.first, stored.second);
        });
        stored.second = booking;
        index(stored.first, stored.second);
    }
    std::optional<booking_record> booking(std::string_view id) override { return find_in(data_.bookings, id); }
    std::optional<booking_record> booking_by_idempotency_key(std::string_view key) override {
        return booking_keyed(data_.by_idempotency_key, key);
    }
    std::optional<booking_record> booking_by_hold_token(std::string_view token) override {
        return booking_keyed(data_.by_hold_token, token);
    }
    std::vector<booking_record> bookings_of_resource(std::string_view resource, interval span) override {
        std::vector<booking_record> out;
        const auto index = data_.by_padded_start.find(resource);
        if (index == data_.by_padded_start.end()) return out;
        // A booking whose padded interval reaches `span` starts at most its longest padded length before it.
        const auto longest = data_.longest_padded.find(resource)->second;
        for (auto it = index->second.lower_bound({span.start - longest, std::string_view{}});
             it != index->second.end() && it->first.first < span.end; ++it) {
            const booking_record& b = *it->second;
            if (b.padded().overlaps(span)) out.push_back(b);
        }
        sort_by_start(out);
        return out;
    }
    std::vector<booking_record> bookings_of_client(std::string_view client) override {
        return bookings_where([&](const booking_record& b) { return b.client == client; });
    }
    std::vector<booking_record> bookings_of_group(std::string_view group) override {
        if (group.empty()) return {};
        return bookings_where([&](const booking_record& b) { return b.group == group; });
    }
    std::vector<booking_record> confirmed_starting_in(interval span) override {
        return bookings_where([&](const booking_record& b) {
            return b.status == booking_status::confirmed && span.contains(b.time.start);
        });
    }

    void put_series(const series_record& series) override {
        must_write();
        if (!data_.resources.contains(series.resource))
            throw error(error_category::not_found, "series.resource",
                        fmt::format("resource \"{}\" does not exist", series.resource));
        const std::string& key = series.idempotency_key;
        if (const auto owner = data_.series_keys.find(key);
            !key.empty() && owner != data_.series_keys.end() && owner->second != series.id)
            throw error(error_category::conflict, "series.idempotency_key",
                        fmt::format("idempotency key \"{}\" is already used by series \"{}\"", key, owner->second));
        if (const auto old = data_.series.find(series.id);
            old != data_.series.end() && !old->second.idempotency_key.empty()) {
            std::string old_key = old->second.idempotency_key;
            data_.series_keys.erase(old_key);
            undo_.push_back([this, old_key = std::move(old_key), id = series.id] {
                data_.series_keys.insert_or_assign(old_key, id);
            });
        }
        put(data_.series, series.id, series);
        if (!key.empty()) put(data_.series_keys, key, series.id);
    }
    std::optional<series_record> series(std::string_view id) override { return find_in(data_.series, id); }
    std::optional<series_record> series_by_idempotency_key(std::string_view key) override {
        const auto owner = data_.series_keys.find(key);
        return owner == data_.series_keys.end() ? std::nullopt : find_in(data_.series, owner->second);
    }

    bool mark_reminded(std::string_view booking, minutes offset) override {
        must_write();
        if (!data_.bookings.contains(booking))
            throw error(error_category::not_found, "booking", fmt::format("booking \"{}\" does not exist", booking));
        auto [it, inserted] = data_.reminders.emplace(std::string(booking), offset.count());
        if (inserted) undo_.push_back([this, key = *it] { data_.reminders.erase(key); });
        return inserted;
    }
    bool reminded(std::string_view booking, minutes offset) override {
        return data_.reminders.contains({std::string(booking), offset.count()});
    }
    void forget_reminders(std::string_view booking) override {
        must_write();
        auto it = data_.reminders.lower_bound({std::string(booking), std::numeric_limits<long long>::min()});
        while (it != data_.reminders.end() && it->first == booking) {
            undo_.push_back([this, key = *it] { data_.reminders.insert(key); });
            it = data_.reminders.erase(it);
        }
    }

    void put_waitlist_entry(const waitlist_entry& entry) override {
        must_write();
        detail::check_waitlist_write(entry, data_.clients.contains(entry.client), data_.services.contains(entry.service));
        put(data_.waitlist, entry.id, entry);
    }
    std::optional<waitlist_entry> find_waitlist_entry(std::string_view id) override {
        return find_in(data_.waitlist, id);
    }
    std::vector<waitlist_entry> waitlist_of_client(std::string_view client) override {
        return waitlist_where([&](const waitlist_entry& e) { return e.client == client; });
    }
    std::vector<waitlist_entry> open_waitlist() override {
        return waitlist_where([](const waitlist_entry& e) { return e.open(); });
    }
    bool mark_waitlist_notified(std::string_view id) override {
        must_write();
        const auto it = data_.waitlist.find(id);
        if (it == data_.waitlist.end())
            throw error(error_category::not_found, "waitlist", fmt::format("waiting-list entry \"{}\" does not exist", id));
        if (it->second.notified) return false;
        waitlist_entry marked = it->second;
        marked.notified = true;
        put(data_.waitlist, marked.id, marked);
        return true;
    }

    std::int64_t append_audit(const audit_entry& entry) override {
        must_write();
        const std::int64_t sequence = data_.audit.empty() ? 1 : data_.audit.back().sequence + 1;
        data_.audit.emplace_back(entry).sequence = sequence;
        undo_.push_back([this] { data_.audit.pop_back(); });
        return sequence;
    }
    std::vector<audit_entry> audit_log(std::int64_t after, std::size_t limit) override {
        std::vector<audit_entry> out;
        auto it = std::upper_bound(data_.audit.begin(), data_.audit.end(), after,
                                   [](std::int64_t sequence, const audit_entry& e) { return sequence < e.sequence; });
        for (; it != data_.audit.end() && out.size() < limit; ++it) out.push_back(*it);
        return out;
    }

private:
    /// What refuse_booking_write asks about `booking`, given whether its id is taken.
    detail::booking_write_facts facts(const booking_record& booking, bool id_taken) const {
        const auto owner = [](const auto& index, const std::string& key) -> std::optional<std::string> {
            if (key.empty()) return std::nullopt;
            return find_in(index, key);
        };
        return {.id_taken = id_taken,
                .resource_exists = data_.resources.contains(booking.resource),
                .service_exists = data_.services.contains(booking.service),
                .key_owner = owner(data_.by_idempotency_key, booking.idempotency_key),
                .token_owner = owner(data_.by_hold_token, booking.hold_token)};
    }

    /// Adds the index entries of the stored booking `b` (`id` is its key in `bookings`).
    void index(std::string_view id, const booking_record& b) {
        data_.by_padded_start[b.resource].emplace(data::padded_key{b.padded().start, id}, &b);
        auto& longest = data_.longest_padded[b.resource];
        longest = std::max(longest, b.padded().length());
        if (!b.idempotency_key.empty()) data_.by_idempotency_key.insert_or_assign(b.idempotency_key, b.id);
        if (!b.hold_token.empty()) data_.by_hold_token.insert_or_assign(b.hold_token, b.id);
    }

    void unindex(std::string_view id, const booking_record& b) {
        data_.by_padded_start.find(b.resource)->second.erase({b.padded().start, id});
        if (!b.idempotency_key.empty()) data_.by_idempotency_key.erase(b.idempotency_key);
        if (!b.hold_token.empty()) data_.by_hold_token.erase(b.hold_token);
    }

    std::optional<booking_record> booking_keyed(const string_hash_map<std::string>& index,
                                                std::string_view key) const {
        const auto it = key.empty() ? index.end() : index.find(key);
        if (it == index.end()) return std::nullopt;
        return data_.bookings.find(it->second)->second;
    }

    static void sort_by_start(std::vector<booking_record>& bookings) {
        std::sort(bookings.begin(), bookings.end(), [](const booking_record& a, const booking_record& b) {
            return std::tie(a.time.start, a.id) < std::tie(b.time.start, b.id);
        });
    }

    void must_write() const {
        if (!writable_) throw error(error_category::storage, {}, "write in a read-only transaction");
    }

    template <class Map, class Value>
    void put(Map& map, const std::string& key, const Value& value) {
        must_write();
        auto it = map.find(key);
        if (it == map.end()) {
            map.emplace(key, value);
            undo_.push_back([&map, key] { map.erase(key); });
        } else {
            undo_.push_back([&map, key, old = it->second] { map.insert_or_assign(key, old); });
            it->second = value;
        }
    }

    /// The entries `keep` accepts, by creation, then id.
    template <class Keep>
    std::vector<waitlist_entry> waitlist_where(Keep&& keep) const {
        std::vector<waitlist_entry> out;
        for (const auto& [id, e] : data_.waitlist)
            if (keep(e)) out.push_back(e);
        std::stable_sort(out.begin(), out.end(), [](const waitlist_entry& a, const waitlist_entry& b) {
            return a.created_at < b.created_at;
        });
        return out;
    }

    template <class Keep>
    std::vector<booking_record> bookings_where(Keep&& keep) const {
        std::vector<booking_record> out;
        for (const auto& [id, b] : data_.bookings)
            if (keep(b)) out.push_back(b);
        sort_by_start(out);
        return out;
    }

    data& data_;
    bool writable_;
    std::vector<std::function<void()>> undo_;
};

class memory_store final : public store {
public:
    void run(access mode, std::span<const std::string> /*locks: one writer at a time anyway*/,
             const std::function<void(transaction&)>& work) override {
        if (mode == access::read) {
            const std::shared_lock lock(mutex_);
            memory_transaction tx(data_, false);
            work(tx);
            return;
        }
        const std::unique_lock lock(mutex_);
        memory_transaction tx(data_, true);
        try {
            work(tx);
        } catch (...) {
            tx.roll_back();
            throw;
        }
    }

private:
    std::shared_mutex mutex_;
    data data_;
};

}  // namespace

std::unique_ptr<store> open_memory_store() { return std::make_unique<memory_store>(); }

}  // namespace slotcraft
