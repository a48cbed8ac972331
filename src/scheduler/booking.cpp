// scheduler: book, hold, confirm, cancel, reschedule, attendance, batches;
// reminders and the lists of bookings and audit entries.

#include "scheduling.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace slotcraft {

using namespace scheduling;

// ---- bookings ----

booking_record scheduler::book(const booking_request& request, instant now) {
    return write_locked(store_, booking_locks(std::span(&request, 1)), [&](transaction& tx, const lock_set& locks) {
        return book_in(tx, request, now, std::nullopt, {}, nullptr, &locks);
    });
}

booking_record scheduler::hold(const booking_request& request, minutes ttl, instant now) {
    check_minutes(ttl, "ttl");
    return write_locked(store_, booking_locks(std::span(&request, 1)), [&](transaction& tx, const lock_set& locks) {
        return book_in(tx, request, now, ttl, {}, nullptr, &locks);
    });
}

namespace {

/// Runs `change(tx, booking, group, locks)` on one stored booking with the
/// writers of its resource, its client and, for a pool group (SPEC §10), of
/// every resource the group may touch serialised. `group` is the booking's
/// group as stored, read once.
template <class Change>
booking_record change_booking(store& backend, std::string_view field, std::optional<booking_record> found,
                              std::string_view key, Change&& change) {
    if (!found) missing(std::string(field), field == "hold_token" ? "hold" : "booking", key);
    const booking_request owners{.resource = found->resource, .client = found->client};
    const std::string id = found->id;
    return write_locked(backend, booking_locks(std::span(&owners, 1)), [&](transaction& tx, const lock_set& locks) {
        auto current = tx.booking(id);
        if (!current) missing(std::string(field), "booking", key);
        const booking_group group = group_of(tx, *current);
        need_group_locks(tx, group, locks);
        return change(tx, *current, group, locks);
    });
}

}  // namespace

booking_record scheduler::confirm(std::string_view hold_token, instant now, std::string_view actor) {
    auto found = store_.read([&](transaction& tx) { return tx.booking_by_hold_token(hold_token); });
    return change_booking(store_, "hold_token", found, hold_token,
                          [&](transaction& tx, booking_record b, const booking_group& group, const lock_set& locks) {
        if (b.status == booking_status::confirmed) return b;
        if (b.status == booking_status::cancelled)
            throw error(error_category::conflict, "hold_token", "the hold was cancelled");
        if (!b.active_at(now))
            throw error(error_category::conflict, "hold_token",
                        fmt::format("the hold expired at {}", format_instant(*b.expires)));
        // A hold token is a main booking's: its pool bookings are the group's.
        const std::span<const booking_record> members =
            group.main.id == b.id ? std::span<const booking_record>(group.members) : std::span<const booking_record>();
        const std::string before = as_json(b);
        member_choice chosen;
        try {
            chosen = rebook(tx, b, members, b.time.start, b.location, now, &locks);
        } catch (const error& e) {
            // The token is the only input: a catalog that no longer allows the
            // hold (an unlinked service, a location it is no longer offered at) is a conflict.
            if (e.category() != error_category::invalid_argument) throw;
            throw error(error_category::conflict, e.field(), e.message());
        }
        b.status = booking_status::confirmed;
        b.expires.reset();
        b.updated_at = now;
        update_recorded(tx, b, now, actor, "confirm", before);
        regroup(tx, b, members, chosen, now, actor, "confirm");
        return b;
    });
}

booking_record scheduler::cancel(std::string_view booking_id, std::string_view why, instant now,
                                 std::string_view actor) {
    auto found = store_.read([&](transaction& tx) { return tx.booking(booking_id); });
    return change_booking(store_, "id", found, booking_id,
                          [&](transaction& tx, booking_record b, const booking_group& group, const lock_set&) {
        if (b.status == booking_status::cancelled) return b;
        for (booking_record& cancelled : cancel_group_in(tx, group, why, now, actor))
            if (cancelled.id == b.id) return cancelled;
        return cancel_in(tx, std::move(b), why, now, actor);  // a pool booking its main booking no longer has
    });
}

booking_record scheduler::reschedule(std::string_view booking_id, instant new_start, instant now,
                                     std::string_view actor, std::string_view location) {
    auto found = store_.read([&](transaction& tx) { return tx.booking(booking_id); });
    return change_booking(store_, "id", found, booking_id,
                          [&](transaction& tx, const booking_record&, const booking_group& group, const lock_set& locks) {
        booking_record b = group.main;
        if (!b.active_at(now))
            throw error(error_category::conflict, "id",
                        b.status == booking_status::cancelled ? "a cancelled booking cannot be rescheduled"
                                                              : "the hold has expired");
        const std::string before = as_json(b);
        const instant old_start = b.time.start;
        const member_choice chosen = rebook(tx, b, group.members, new_start,
                                            std::string(location.empty() ? std::string_view(b.location) : location),
                                            now, &locks);
        b.attendance = attendance_status::unmarked;  // a mark was for the old time
        member_choice members_now;
        for (const booking_record& m : group.members)
            if (m.status != booking_status::cancelled) members_now.emplace(m.pool, m.resource);
        b.updated_at = group.main.updated_at;
        if (b == group.main && members_now == chosen) return b;  // moved to where it is: no change, nothing written
        b.updated_at = now;
        update_recorded(tx, b, now, actor, "reschedule", before);
        if (b.time.start != old_start) tx.forget_reminders(b.id);  // and so were its reminders
        regroup(tx, b, group.members, chosen, now, actor, "reschedule");
        return b;
    });
}

booking_record scheduler::mark_attendance(std::string_view booking_id, attendance_status value, instant now,
                                          std::string_view actor) {
    switch (value) {
        case attendance_status::unmarked:
        case attendance_status::attended:
        case attendance_status::no_show: break;
        default: reject("attendance", "expected attended, no_show or unmarked");
    }
    auto found = store_.read([&](transaction& tx) { return tx.booking(booking_id); });
    return change_booking(store_, "id", found, booking_id,
                          [&](transaction& tx, booking_record b, const booking_group&, const lock_set&) {
        if (b.status == booking_status::cancelled)
            throw error(error_category::conflict, "id",
                        fmt::format("booking \"{}\" was cancelled: its attendance cannot be marked", b.id));
        if (b.status != booking_status::confirmed)
            throw error(error_category::conflict, "id",
                        fmt::format("\"{}\" is a hold, not a confirmed booking: its attendance cannot be marked", b.id));
        if (b.time.start > now)
            throw error(error_category::conflict, "id",
                        fmt::format("booking \"{}\" starts at {}, after now ({}): attendance is marked once it has "
                                    "started",
                                    b.id, format_instant(b.time.start), format_instant(now)));
        if (b.attendance == value) return b;
        const std::string before = as_json(b);
        b.attendance = value;
        b.updated_at = now;
        update_recorded(tx, b, now, actor, "attendance", before);
        return b;
    });
}

std::vector<booking_record> scheduler::book_series(std::span<const booking_request> requests, instant now) {
    const std::string series = "sr_" + random_hex(16);
    return write_locked(store_, booking_locks(requests), [&](transaction& tx, const lock_set& locks) {
        std::vector<booking_record> out;
        context_cache contexts;
        for (std::size_t i = 0; i < requests.size(); ++i) {
            try {
                out.push_back(book_in(tx, requests[i], now, std::nullopt, series, &contexts, &locks));
            } catch (const booking_refused& e) {
                throw booking_refused(fmt::format("[{}].start", i), e.message(), e.reasons());
            }
        }
        return out;
    });
}

batch_outcome scheduler::book_many(std::span<const booking_request> requests, instant now, batch_mode mode) {
    if (requests.size() > max_batch_requests)
        reject("requests", fmt::format("{} requests: at most {} in one batch", requests.size(), max_batch_requests));
    if (requests.empty()) return {};
    return write_locked(store_, booking_locks(requests), [&](transaction& tx, const lock_set& locks) {
        batch_outcome batch;  // afresh on each attempt: a store may run this again
        context_cache contexts;
        for (std::size_t i = 0; i < requests.size(); ++i) {
            try {
                batch.booked.push_back(book_in(tx, requests[i], now, std::nullopt, {}, &contexts, &locks));
            } catch (const error& e) {
                // book_in throws before it writes; a store failure fails the batch.
                if (e.category() == error_category::storage) throw;
                const std::string field = fmt::format("requests[{}]{}{}", i, e.field().empty() ? "" : ".", e.field());
                const auto* refused = dynamic_cast<const booking_refused*>(&e);
                if (mode == batch_mode::all_or_nothing) {
                    if (refused != nullptr) throw booking_refused(field, e.message(), refused->reasons());
                    throw error(e.category(), field, e.message());
                }
                batch.refused.push_back({.index = i,
                                         .category = e.category(),
                                         .field = field,
                                         .message = e.message(),
                                         .reasons = refused != nullptr ? refused->reasons() : std::vector<reason>{}});
            }
        }
        return batch;
    });
}


// ---- reminders, lists, audit ----

namespace {

/// The reminder offsets of the settings, shortest first.
std::vector<minutes> reminder_offsets(transaction& tx) {
    std::vector<minutes> offsets = tx.load_settings().reminder_offsets;
    std::sort(offsets.begin(), offsets.end());
    return offsets;
}

/// The offset of `b`'s reminder due at `now` (`offsets` shortest first), if any.
std::optional<minutes> due_offset(transaction& tx, const booking_record& b, std::span<const minutes> offsets,
                                  instant now) {
    if (b.status != booking_status::confirmed || b.for_pool() || b.time.start <= now) return std::nullopt;
    // Only the closest offset that has passed: a booking made two hours
    // before its start gets the two-hour reminder, not also the day-before one.
    const auto passed =
        std::find_if(offsets.begin(), offsets.end(), [&](minutes offset) { return b.time.start - offset <= now; });
    // And only one whose moment came after the booking took its time
    // (`updated_at`: booked, confirmed or moved; nothing else changes a
    // booking before its start): a lesson booked 23 hours ahead gets no
    // day-before reminder seconds after "Booked". A room is not reminded: its
    // main booking's client is.
    if (passed == offsets.end() || b.time.start - *passed < b.updated_at || tx.reminded(b.id, *passed))
        return std::nullopt;
    return *passed;
}

}  // namespace

std::vector<due_reminder> scheduler::due_reminders(instant now) {
    return store_.read([&](transaction& tx) {
        const std::vector<minutes> offsets = reminder_offsets(tx);
        std::vector<due_reminder> out;
        if (offsets.empty()) return out;
        const interval coming{now + std::chrono::seconds{1}, now + offsets.back() + std::chrono::seconds{1}};
        for (const booking_record& b : tx.confirmed_starting_in(coming))
            if (const auto offset = due_offset(tx, b, offsets, now)) out.push_back({b, *offset});
        return out;
    });
}

bool scheduler::mark_reminded(std::string_view booking_id, minutes offset) {
    check_minutes(offset, "offset");
    return store_.write({}, [&](transaction& tx) {
        if (!tx.booking(booking_id)) missing("id", "booking", booking_id);
        return tx.mark_reminded(booking_id, offset);
    });
}

bool scheduler::mark_reminded(std::string_view booking_id, minutes offset, instant now) {
    check_minutes(offset, "offset");
    return store_.write({}, [&](transaction& tx) {
        const auto b = tx.booking(booking_id);
        if (!b) missing("id", "booking", booking_id);
        return due_offset(tx, *b, reminder_offsets(tx), now) == offset && tx.mark_reminded(booking_id, offset);
    });
}

std::vector<booking_record> scheduler::upcoming(std::string_view resource, instant from, int days) {
    if (days < 1 || days > max_upcoming_days)
        reject("days", fmt::format("must be from 1 to {} (got {})", max_upcoming_days, days));
    return store_.read([&](transaction& tx) {
        if (!tx.resource(resource)) missing("resource", "resource", resource);
        const interval span{from, from + std::chrono::days{days}};
        std::vector<booking_record> out;
        for (booking_record& b : tx.bookings_of_resource(resource, span))
            if (b.active_at(from) && span.contains(b.time.start)) out.push_back(std::move(b));
        return out;
    });
}

std::vector<booking_record> scheduler::client_bookings(std::string_view client, instant now, bool active) {
    return store_.read([&](transaction& tx) {
        if (!tx.client(client)) missing("client", "client", client);
        std::vector<booking_record> out;
        for (booking_record& b : tx.bookings_of_client(client))
            if ((b.active_at(now) && b.time.end > now) == active) out.push_back(std::move(b));
        return out;
    });
}

std::vector<audit_entry> scheduler::audit(std::int64_t after, std::size_t limit) {
    return store_.read([&](transaction& tx) { return tx.audit_log(after, limit); });
}

}  // namespace slotcraft
