#pragma once
// Records read back from rows, the same way in every SQL store, in the
// columns statements.hpp gives each statement: instants as whole seconds since
// the epoch, JSON as text. `Row` has, for column i, `text(i)`, `integer(i)`,
// `flag(i)` (a boolean) and `null(i)`.

#include <slotcraft/catalog.hpp>
#include <slotcraft/catalog_json.hpp>
#include <slotcraft/error.hpp>

#include <fmt/format.h>

#include "write_checks.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slotcraft::detail {

/// Whole seconds since the epoch, as the SQL stores keep instants.
inline std::int64_t seconds_of(instant t) { return t.time_since_epoch().count(); }
inline instant instant_of(std::int64_t seconds) { return instant{std::chrono::seconds{seconds}}; }

/// `read()` of a stored value; the input error it throws becomes a storage
/// failure naming `where`: the database was changed behind slotcraft's back,
/// which is not the caller's bad input.
template <class Read>
auto stored_value(std::string_view where, Read&& read) {
    try {
        return read();
    } catch (const error& e) {
        throw error(error_category::storage, "", fmt::format("corrupt data in {}: {}", where, e.what()));
    }
}

/// Reads the JSON text of a column with `read`; text that does not parse, or
/// that `read` refuses, is a storage failure naming `where`.
template <class Read>
auto decode_column(const std::string& text, std::string_view where, Read&& read) {
    // nlohmann's reader would end the text at a NUL byte.
    const bool has_nul = text.find('\0') != std::string::npos;
    const nlohmann::json value = has_nul ? nlohmann::json(nlohmann::json::value_t::discarded)
                                         : nlohmann::json::parse(text, nullptr, false);
    if (value.is_discarded()) throw error(error_category::storage, "", fmt::format("corrupt JSON in {}", where));
    return stored_value(where, [&] { return read(value); });
}

/// A location: id, name, archived.
template <class Row>
location_record location_from_row(const Row& row) {
    return {.id = row.text(0), .name = row.text(1), .archived = row.flag(2)};
}

/// A resource without its schedules: id, name, time zone, time off (JSON), archived.
template <class Row>
resource_record resource_from_row(const Row& row) {
    resource_record r;
    r.id = row.text(0);
    r.name = row.text(1);
    r.time_zone = row.text(2);
    r.time_off = decode_column(row.text(3), fmt::format("resources.time_off of \"{}\"", r.id),
                               [](const nlohmann::json& v) { return catalog_json::read_spans(v, "time_off"); });
    r.archived = row.flag(4);
    return r;
}

/// One schedule of a resource: resource, location, schedule (JSON).
template <class Row>
location_schedule schedule_from_row(const Row& row) {
    location_schedule s = decode_column(row.text(2), fmt::format("resource_schedules.schedule of \"{}\"", row.text(0)),
                                        [](const nlohmann::json& v) { return schedule_from_json(v, "schedule"); });
    s.location = row.text(1);
    return s;
}

/// A service without its locations: id, rules (JSON, with `assign` and
/// `pools` beside them; rows written before those have none), name, archived.
template <class Row>
service_record service_from_row(const Row& row) {
    service_record s;
    const std::string id = row.text(0);
    decode_column(row.text(1), fmt::format("the rules of service \"{}\"", id), [&](const nlohmann::json& v) {
        s.rules = service_rules_from_json(v);
        s.assign = assignment_from_json(v, "service");
        s.pools = service_pools_from_json(v, "service");
        return 0;
    });
    s.rules.id = id;
    s.name = row.text(2);
    s.archived = row.flag(3);
    return s;
}

/// A client without identities: id, name.
template <class Row>
client_record client_from_row(const Row& row) {
    return {.id = row.text(0), .name = row.text(1)};
}

/// One identity of a client: client, network, external id.
template <class Row>
identity identity_from_row(const Row& row) {
    identity who;
    who.network = stored_value(fmt::format("client_identities of \"{}\"", row.text(0)),
                               [&] { return parse_messenger(row.text(1), "network"); });
    who.external_id = row.text(2);
    return who;
}

/// Adds what the rows of a child table (their parent's id in column 0, in the
/// parents' order) hold to `parents` (by id, as a read of them all returns
/// them): `add(parent, row)` for each row whose parent is there.
template <class Parent, class IdOf>
class child_rows {
public:
    child_rows(std::vector<Parent>& parents, IdOf id_of) : parents_(parents), id_of_(std::move(id_of)) {}

    template <class Row, class Add>
    void add(const Row& row, Add&& add_to) {
        const std::string owner = row.text(0);
        while (next_ < parents_.size() && id_of_(parents_[next_]) < owner) ++next_;
        if (next_ < parents_.size() && id_of_(parents_[next_]) == owner) add_to(parents_[next_], row);
    }

private:
    std::vector<Parent>& parents_;
    IdOf id_of_;
    std::size_t next_ = 0;
};

/// A series: id, resource, rule, first start, except dates (JSON), idempotency key.
template <class Row>
series_record series_from_row(const Row& row) {
    series_record out{.id = row.text(0),
                      .resource = row.text(1),
                      .rrule = row.text(2),
                      .first_start = instant_of(row.integer(3)),
                      .idempotency_key = row.text(5)};
    out.except_dates = decode_column(row.text(4), fmt::format("series.except_dates of \"{}\"", out.id),
                                     [](const nlohmann::json& v) { return catalog_json::read_dates(v, "except_dates"); });
    return out;
}

/// An audit entry: sequence, at, actor, action, subject, before, after.
template <class Row>
audit_entry audit_entry_from_row(const Row& row) {
    return {.sequence = row.integer(0),
            .at = instant_of(row.integer(1)),
            .actor = row.text(2),
            .action = row.text(3),
            .subject = row.text(4),
            .before = row.text(5),
            .after = row.text(6)};
}

/// Adds one row of the settings table (key, value JSON) to `document`.
template <class Row>
void add_setting(nlohmann::json& document, const Row& row) {
    const std::string key = row.text(0);
    document[key] = decode_column(row.text(1), "settings." + key, [](const nlohmann::json& v) { return v; });
}

/// The settings that add_setting gathered in `document`.
inline settings settings_from_document(const nlohmann::json& document) {
    return stored_value("settings", [&] { return settings_from_json(document, "settings"); });
}

/// The booking in `row`: id, resource, service, location, client, start, end,
/// seats, status, expires (may be null), hold token, buffer before and after
/// (minutes), idempotency key, series, cancel reason, created, updated,
/// attendance, group, pool (SLOTCRAFT_BOOKING_COLUMNS in sqlite/statements.hpp,
/// SLOTCRAFT_PG_BOOKING_COLUMNS in postgres/statements.hpp).
/// \throws error (storage) for a status or attendance no slotcraft wrote.
template <class Row>
booking_record booking_from_row(const Row& row) {
    const auto instant_at = [&](int column) { return instant_of(row.integer(column)); };
    booking_record b;
    b.id = row.text(0);
    b.resource = row.text(1);
    b.service = row.text(2);
    b.location = row.text(3);
    b.client = row.text(4);
    b.time = {instant_at(5), instant_at(6)};
    b.seats = static_cast<int>(row.integer(7));
    b.status = stored_value(fmt::format("bookings.status of \"{}\"", b.id),
                            [&] { return parse_booking_status(row.text(8), "status"); });
    if (!row.null(9)) b.expires = instant_at(9);
    b.hold_token = row.text(10);
    b.buffer_before = minutes{row.integer(11)};
    b.buffer_after = minutes{row.integer(12)};
    b.idempotency_key = row.text(13);
    b.series = row.text(14);
    b.cancel_reason = row.text(15);
    b.created_at = instant_at(16);
    b.updated_at = instant_at(17);
    b.attendance = stored_value(fmt::format("bookings.attendance of \"{}\"", b.id),
                                [&] { return parse_attendance(row.text(18), "attendance"); });
    b.group = row.text(19);
    b.pool = row.text(20);
    return b;
}

/// A waiting-list entry: id, client, service, resource, location, from, to,
/// seats, offer TTL (minutes), status, offer, notified, created, updated.
/// \throws error (storage) for a status no slotcraft wrote.
template <class Row>
waitlist_entry waitlist_entry_from_row(const Row& row) {
    waitlist_entry e;
    e.id = row.text(0);
    e.client = row.text(1);
    e.service = row.text(2);
    e.resource = row.text(3);
    e.location = row.text(4);
    e.window = {instant_of(row.integer(5)), instant_of(row.integer(6))};
    e.seats = static_cast<int>(row.integer(7));
    e.offer_ttl = minutes{row.integer(8)};
    e.status = stored_value(fmt::format("waitlist.status of \"{}\"", e.id),
                            [&] { return parse_waitlist_status(row.text(9), "status"); });
    e.offer = row.text(10);
    e.notified = row.flag(11);
    e.created_at = instant_of(row.integer(12));
    e.updated_at = instant_of(row.integer(13));
    return e;
}

/// The row of statement::booking_write_facts.
template <class Row>
booking_write_facts booking_write_facts_from_row(const Row& row) {
    const auto owner = [&](int column) -> std::optional<std::string> {
        if (row.null(column)) return std::nullopt;
        return row.text(column);
    };
    return {.id_taken = row.flag(0),
            .resource_exists = row.flag(1),
            .service_exists = row.flag(2),
            .key_owner = owner(3),
            .token_owner = owner(4)};
}

}  // namespace slotcraft::detail
