#pragma once
// A booking read back from a row, the same way in every SQL store: the
// booking columns in one order (SLOTCRAFT_BOOKING_COLUMNS in the SQLite
// store, SLOTCRAFT_PG_BOOKING_COLUMNS in the PostgreSQL one), instants as
// whole seconds since the epoch.

#include <slotcraft/catalog.hpp>
#include <slotcraft/error.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace slotcraft::detail {

/// The booking in `row`: id, resource, service, location, client, start, end,
/// seats, status, expires (may be null), hold token, buffer before and after
/// (minutes), idempotency key, series, cancel reason, created, updated,
/// attendance. `Row` has `text(i)`, `integer(i)` and `null(i)` for column i.
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

}  // namespace slotcraft::detail
