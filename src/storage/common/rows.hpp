#pragma once
// Records read back from rows, the same way in every SQL store, in the
// columns statements.hpp gives each statement: instants as whole seconds since
// the epoch, JSON as text. `Row` has, for column i, `text(i)`, `integer(i)`,
// `flag(i)` (a boolean) and `null(i)`.

#include <slotcraft/catalog.hpp>
#include <slotcraft/error.hpp>

#include <fmt/format.h>

#include "write_checks.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace slotcraft::detail {

/// The booking in `row`: id, resource, service, location, client, start, end,
/// seats, status, expires (may be null), hold token, buffer before and after
/// (minutes), idempotency key, series, cancel reason, created, updated,
/// attendance (SLOTCRAFT_BOOKING_COLUMNS in sqlite/statements.hpp,
/// SLOTCRAFT_PG_BOOKING_COLUMNS in postgres/statements.hpp).
/// \throws error (storage) for a status or attendance no slotcraft wrote.
template <class Row>
booking_record booking_from_row(const Row& row) {
    const auto instant_at = [&](int column) { return instant{std::chrono::seconds{row.integer(column)}}; };
    booking_record b;
    b.id = row.text(0);
    b.resource = row.text(1);
    b.service = row.text(2);
    b.location = row.text(3);
    b.client = row.text(4);
    b.time = {instant_at(5), instant_at(6)};
    b.seats = static_cast<int>(row.integer(7));
    try {
        b.status = parse_booking_status(row.text(8), "status");
    } catch (const error& e) {
        throw error(error_category::storage, "",
                    fmt::format("corrupt data in bookings.status of \"{}\": {}", b.id, e.what()));
    }
    if (!row.null(9)) b.expires = instant_at(9);
    b.hold_token = row.text(10);
    b.buffer_before = minutes{row.integer(11)};
    b.buffer_after = minutes{row.integer(12)};
    b.idempotency_key = row.text(13);
    b.series = row.text(14);
    b.cancel_reason = row.text(15);
    b.created_at = instant_at(16);
    b.updated_at = instant_at(17);
    try {
        b.attendance = parse_attendance(row.text(18), "attendance");
    } catch (const error& e) {
        throw error(error_category::storage, "",
                    fmt::format("corrupt data in bookings.attendance of \"{}\": {}", b.id, e.what()));
    }
    return b;
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
