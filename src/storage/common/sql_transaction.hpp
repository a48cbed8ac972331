#pragma once
// A SQL store's transaction, written once over the statement catalog
// (statements.hpp) and the row readers (rows.hpp). A store derives its
// transaction from sql_transaction<itself> and gives it three ways to run a
// statement of its dialect, with the arguments bound to ?1, ?2, ... in order
// (text as std::string or std::string_view, numbers as std::int64_t, flags as
// bool):
//
//   template <class Each, class... Args> void each_row(statement, Each&& each, const Args&...);
//       calls `each(row)` for every row;
//   template <class Read, class... Args> auto first_row(statement, Read&& read, const Args&...);
//       `read(row)` of the first row, or nullopt when there is none;
//   template <class... Args> std::int64_t run(statement, const Args&...);
//       runs it, returning how many rows it changed;
//   template <class... Args> std::int64_t insert_numbered(statement, const Args&...);
//       runs an insert, returning the number the database gave the new row;
//
// where a row has text(i), integer(i), flag(i) and null(i); and
//
//   [[noreturn]] void taken_meanwhile(std::string field, const std::string& message);
//       what a unique value that the check before a write found free, but
//       the write found taken, throws (a writer of another process took it).
//
// Every write checks first what the database would refuse, so a refused write
// changes nothing and no store maps a failed statement afterwards. The store
// writes bookings itself (insert_booking, update_booking): there what its
// database forces differs (PostgreSQL's exclusion constraint, its writers in
// other processes between a check and a write).

#include <slotcraft/catalog_json.hpp>
#include <slotcraft/store.hpp>

#include "rows.hpp"
#include "statements.hpp"
#include "write_checks.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotcraft::detail {

template <class Tx>
class sql_transaction : public transaction {
public:
    explicit sql_transaction(access mode) : mode_(mode) {}

    // ---- the catalog ----
    void put_location(const location_record& l) override {
        writing();
        self().run(statement::put_location, l.id, l.name, l.archived);
    }
    void put_resource(const resource_record& r) override {
        writing();
        check_resource_write(r, [&](const std::string& id) { return exists(statement::location_exists, id); });
        std::vector<std::string> schedules;
        for (std::size_t i = 0; i < r.schedules.size(); ++i)
            schedules.push_back(json_text(r.schedules[i], fmt::format("resource.schedules[{}]", i)));
        self().run(statement::put_resource, r.id, r.name, r.time_zone,
                   json_text(catalog_json::spans(r.time_off), "resource.time_off"), r.archived);
        self().run(statement::delete_resource_schedules, r.id);
        for (std::size_t i = 0; i < r.schedules.size(); ++i)
            self().run(statement::insert_resource_schedule, r.id, r.schedules[i].location, std::int64_t(i), schedules[i]);
    }
    void put_service(const service_record& s) override {
        writing();
        check_service_write(s, [&](const std::string& id) { return exists(statement::location_exists, id); });
        // The rules column holds the engine's rules, the SPEC §12 assignment
        // and the SPEC §10 pools beside them.
        nlohmann::json rules = s;
        for (const char* kept_elsewhere : {"name", "locations", "archived"}) rules.erase(kept_elsewhere);
        self().run(statement::put_service, s.rules.id, json_text(rules, "service"), s.name, s.archived);
        self().run(statement::delete_service_locations, s.rules.id);
        for (std::size_t i = 0; i < s.locations.size(); ++i)
            self().run(statement::insert_service_location, s.rules.id, s.locations[i], std::int64_t(i));
    }
    void link(std::string_view resource_id, std::string_view service_id) override {
        writing();
        if (!exists(statement::resource_exists, resource_id))
            throw error(error_category::not_found, "resource", fmt::format("resource \"{}\" does not exist", resource_id));
        if (!exists(statement::service_exists, service_id))
            throw error(error_category::not_found, "service", fmt::format("service \"{}\" does not exist", service_id));
        self().run(statement::link, resource_id, service_id);
    }
    void unlink(std::string_view resource_id, std::string_view service_id) override {
        writing();
        self().run(statement::unlink, resource_id, service_id);
    }

    void put_client(const client_record& c) override {
        writing();
        check_client_write(c, [&](const identity& who) { return client_id_of(who); });
        self().run(statement::put_client, c.id, c.name);
        self().run(statement::delete_client_identities, c.id);
        for (std::size_t i = 0; i < c.identities.size(); ++i) {
            const identity& who = c.identities[i];
            if (self().run(statement::insert_client_identity, std::string(to_string(who.network)), who.external_id, c.id,
                           std::int64_t(i)) == 0)
                self().taken_meanwhile(fmt::format("client.identities[{}]", i),
                                       fmt::format("{} account \"{}\" was just given to another client",
                                                   to_string(who.network), who.external_id));
        }
    }

    void save_settings(const settings& values) override {
        writing();
        const nlohmann::json document = values;
        // A row per key the settings' JSON may hold; an absent key removes its row.
        for (const std::string key : {"reminder_offsets", "global_breaks", "default_step"}) {
            if (const auto it = document.find(key); it != document.end())
                self().run(statement::put_setting, key, json_text(*it, "settings." + key));
            else
                self().run(statement::delete_setting, key);
        }
    }

    // ---- series, reminders, audit ----
    void put_series(const series_record& s) override {
        writing();
        if (!exists(statement::resource_exists, s.resource))
            throw error(error_category::not_found, "series.resource",
                        fmt::format("resource \"{}\" does not exist", s.resource));
        if (const auto owner = self().first_row(
                statement::series_key_owner, [](const auto& row) { return std::string(row.text(0)); }, s.idempotency_key, s.id))
            throw error(error_category::conflict, "series.idempotency_key",
                        fmt::format("idempotency key \"{}\" is already used by series \"{}\"", s.idempotency_key, *owner));
        self().run(statement::put_series, s.id, s.resource, s.rrule, seconds_of(s.first_start),
                   json_text(catalog_json::dates(s.except_dates), "series.except_dates"), s.idempotency_key);
    }
    bool mark_reminded(std::string_view booking_id, minutes offset) override {
        writing();
        if (!exists(statement::booking_exists, booking_id))
            throw error(error_category::not_found, "booking", fmt::format("booking \"{}\" does not exist", booking_id));
        return self().run(statement::mark_reminded, booking_id, std::int64_t{offset.count()}) == 1;
    }
    void forget_reminders(std::string_view booking_id) override {
        writing();
        self().run(statement::forget_reminders, booking_id);
    }
    std::int64_t append_audit(const audit_entry& e) override {
        writing();
        return self().insert_numbered(statement::append_audit, seconds_of(e.at), e.actor, e.action, e.subject, e.before,
                                      e.after);
    }

    // ---- reads ----
    std::optional<location_record> location(std::string_view id) override {
        return self().first_row(statement::location, [](const auto& row) { return location_from_row(row); }, id);
    }
    std::vector<location_record> locations() override {
        std::vector<location_record> out;
        self().each_row(statement::locations, [&](const auto& row) { out.push_back(location_from_row(row)); });
        return out;
    }

    std::optional<resource_record> resource(std::string_view id) override {
        auto r = self().first_row(statement::resource, [](const auto& row) { return resource_from_row(row); }, id);
        if (r)
            self().each_row(statement::schedules_of_resource,
                            [&](const auto& row) { r->schedules.push_back(schedule_from_row(row)); }, id);
        return r;
    }
    std::vector<resource_record> resources() override {
        std::vector<resource_record> out;
        self().each_row(statement::resources, [&](const auto& row) { out.push_back(resource_from_row(row)); });
        child_rows schedules(out, [](const resource_record& r) -> const std::string& { return r.id; });
        self().each_row(statement::all_resource_schedules, [&](const auto& row) {
            schedules.add(row, [](resource_record& r, const auto& found) { r.schedules.push_back(schedule_from_row(found)); });
        });
        return out;
    }

    std::optional<service_record> service(std::string_view id) override {
        auto s = self().first_row(statement::service, [](const auto& row) { return service_from_row(row); }, id);
        if (s)
            self().each_row(statement::locations_of_service, [&](const auto& row) { s->locations.push_back(row.text(1)); },
                            id);
        return s;
    }
    std::vector<service_record> services() override {
        std::vector<service_record> out;
        self().each_row(statement::services, [&](const auto& row) { out.push_back(service_from_row(row)); });
        child_rows locations(out, [](const service_record& s) -> const std::string& { return s.rules.id; });
        self().each_row(statement::all_service_locations, [&](const auto& row) {
            locations.add(row, [](service_record& s, const auto& found) { s.locations.push_back(found.text(1)); });
        });
        return out;
    }

    std::vector<std::string> providers(std::string_view service_id) override {
        return first_column(statement::providers, service_id);
    }
    std::vector<std::string> services_of(std::string_view resource_id) override {
        return first_column(statement::services_of, resource_id);
    }

    std::optional<client_record> client(std::string_view id) override {
        auto c = self().first_row(statement::client, [](const auto& row) { return client_from_row(row); }, id);
        if (c)
            self().each_row(statement::identities_of_client,
                            [&](const auto& row) { c->identities.push_back(identity_from_row(row)); }, id);
        return c;
    }
    std::optional<client_record> client_by_identity(const identity& who) override {
        const auto id = client_id_of(who);
        if (!id) return std::nullopt;
        return client(*id);
    }
    std::vector<client_record> clients() override {
        std::vector<client_record> out;
        self().each_row(statement::clients, [&](const auto& row) { out.push_back(client_from_row(row)); });
        child_rows identities(out, [](const client_record& c) -> const std::string& { return c.id; });
        self().each_row(statement::all_client_identities, [&](const auto& row) {
            identities.add(row, [](client_record& c, const auto& found) { c.identities.push_back(identity_from_row(found)); });
        });
        return out;
    }

    settings load_settings() override {
        nlohmann::json document = nlohmann::json::object();
        self().each_row(statement::settings, [&](const auto& row) { add_setting(document, row); });
        return settings_from_document(document);
    }

    std::optional<booking_record> booking(std::string_view id) override { return one_booking(statement::booking, id); }
    std::optional<booking_record> booking_by_idempotency_key(std::string_view key) override {
        return one_booking(statement::booking_by_idempotency_key, key);
    }
    std::optional<booking_record> booking_by_hold_token(std::string_view token) override {
        return one_booking(statement::booking_by_hold_token, token);
    }
    std::vector<booking_record> bookings_of_resource(std::string_view resource_id, interval span) override {
        return bookings(statement::bookings_of_resource, resource_id, seconds_of(span.start), seconds_of(span.end));
    }
    std::vector<booking_record> bookings_of_client(std::string_view client_id) override {
        return bookings(statement::bookings_of_client, client_id);
    }
    std::vector<booking_record> bookings_of_group(std::string_view group) override {
        if (group.empty()) return {};
        return bookings(statement::bookings_of_group, group);
    }
    std::vector<booking_record> confirmed_starting_in(interval span) override {
        return bookings(statement::confirmed_starting_in, seconds_of(span.start), seconds_of(span.end));
    }

    std::optional<series_record> series(std::string_view id) override {
        return self().first_row(statement::series, [](const auto& row) { return series_from_row(row); }, id);
    }
    std::optional<series_record> series_by_idempotency_key(std::string_view key) override {
        return self().first_row(statement::series_by_idempotency_key,
                                [](const auto& row) { return series_from_row(row); }, key);
    }

    bool reminded(std::string_view booking_id, minutes offset) override {
        return exists(statement::reminded, booking_id, std::int64_t{offset.count()});
    }

    void put_waitlist_entry(const waitlist_entry& e) override {
        writing();
        check_waitlist_write(e, exists(statement::client, e.client), exists(statement::service_exists, e.service));
        self().run(statement::put_waitlist_entry, e.id, e.client, e.service, e.resource, e.location,
                   seconds_of(e.window.start), seconds_of(e.window.end), std::int64_t{e.seats},
                   std::int64_t{e.offer_ttl.count()}, std::string(to_string(e.status)), e.offer, e.notified,
                   seconds_of(e.created_at), seconds_of(e.updated_at));
    }
    std::optional<waitlist_entry> find_waitlist_entry(std::string_view id) override {
        return self().first_row(statement::waitlist_entry, [](const auto& row) { return waitlist_entry_from_row(row); },
                                id);
    }
    std::vector<waitlist_entry> waitlist_of_client(std::string_view client) override {
        return waitlist(statement::waitlist_of_client, client);
    }
    std::vector<waitlist_entry> open_waitlist() override { return waitlist(statement::open_waitlist); }
    bool mark_waitlist_notified(std::string_view id) override {
        writing();
        if (!exists(statement::waitlist_entry, id))
            throw error(error_category::not_found, "waitlist", fmt::format("waiting-list entry \"{}\" does not exist", id));
        return self().run(statement::mark_waitlist_notified, id) == 1;
    }

    std::vector<audit_entry> audit_log(std::int64_t after, std::size_t limit) override {
        std::vector<audit_entry> out;
        const auto most = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
        self().each_row(statement::audit_log, [&](const auto& row) { out.push_back(audit_entry_from_row(row)); }, after,
                        static_cast<std::int64_t>(std::min(limit, most)));
        return out;
    }

protected:
    [[nodiscard]] access mode() const noexcept { return mode_; }

    /// storage error for a write in a read transaction.
    void writing() const {
        if (mode_ != access::write)
            throw error(error_category::storage, "", "a read transaction cannot write (use access::write)");
    }

    /// The JSON text of `value`; invalid_argument naming `field` for text that is not valid UTF-8.
    static std::string json_text(const nlohmann::json& value, const std::string& field) {
        try {
            return value.dump();
        } catch (const nlohmann::json::exception&) {
            reject(field, "contains text that is not valid UTF-8");
        }
    }

    /// Whether `s` with `args` returns a row.
    template <class... Args>
    bool exists(statement s, const Args&... args) {
        return self().first_row(s, [](const auto&) { return true; }, args...).has_value();
    }

    /// The client who has the identity `who`, if any.
    std::optional<std::string> client_id_of(const identity& who) {
        return self().first_row(statement::client_of_identity, [](const auto& row) { return row.text(0); },
                                std::string(to_string(who.network)), who.external_id);
    }

private:
    Tx& self() { return static_cast<Tx&>(*this); }

    access mode_;

    std::vector<std::string> first_column(statement s, std::string_view key) {
        std::vector<std::string> out;
        self().each_row(s, [&](const auto& row) { out.push_back(row.text(0)); }, key);
        return out;
    }

    std::optional<booking_record> one_booking(statement s, std::string_view key) {
        return self().first_row(s, [](const auto& row) { return booking_from_row(row); }, key);
    }

    template <class... Args>
    std::vector<waitlist_entry> waitlist(statement s, const Args&... args) {
        std::vector<waitlist_entry> out;
        self().each_row(s, [&](const auto& row) { out.push_back(waitlist_entry_from_row(row)); }, args...);
        return out;
    }

    template <class... Args>
    std::vector<booking_record> bookings(statement s, const Args&... args) {
        std::vector<booking_record> out;
        self().each_row(s, [&](const auto& row) { out.push_back(booking_from_row(row)); }, args...);
        return out;
    }
};

}  // namespace slotcraft::detail
