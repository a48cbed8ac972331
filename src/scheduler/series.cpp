// scheduler: recurring series (RRULE) and cancelling their occurrences.

#include "scheduling.hpp"

#include <fmt/format.h>
#include <slotcraft/recurrence.hpp>

namespace slotcraft {

using namespace scheduling;

series_outcome scheduler::book_recurring(const recurring_request& request, instant now) {
    validate_request(request.first);
    const auto owner = resource(request.first.resource);
    if (!owner) missing("resource", "resource", request.first.resource);
    if (std::chrono::floor<minutes>(request.first.start) != request.first.start)
        reject("start", "a recurring series starts on a whole minute");
    const std::vector<instant> starts =
        expand_recurrence(request.rrule, zone::locate(owner->time_zone, "time_zone"), request.first.start,
                          request.except_dates);
    const std::string series = "sr_" + random_hex(16);
    return write_locked(store_, booking_locks(std::span(&request.first, 1)), [&](transaction& tx, const lock_set& locks) {
        series_outcome out;
        context_cache contexts;
        for (std::size_t i = 0; i < starts.size(); ++i) {
            booking_request occurrence = request.first;
            occurrence.start = starts[i];
            if (!occurrence.idempotency_key.empty()) occurrence.idempotency_key += "@" + format_instant(starts[i]);
            try {
                out.booked.push_back(book_in(tx, occurrence, now, std::nullopt, series, &contexts, &locks));
            } catch (const booking_refused& e) {
                if (request.mode == series_mode::all_or_nothing)
                    throw booking_refused(fmt::format("occurrences[{}].start", i),
                                          fmt::format("occurrence {} at {}: {}", i, format_instant(starts[i]), e.message()),
                                          e.reasons());
                out.refused.push_back({.start = starts[i], .reasons = e.reasons()});
            }
        }
        if (!out.booked.empty()) out.series = out.booked.front().series;  // a retried request: the first one's
        if (out.series == series) {
            std::string rule = request.rrule;
            if (rule.starts_with("RRULE:")) rule.erase(0, 6);
            tx.put_series({.id = series, .resource = request.first.resource, .rrule = std::move(rule),
                           .first_start = request.first.start, .except_dates = request.except_dates});
        }
        return out;
    });
}

std::vector<booking_record> scheduler::cancel_series(std::string_view booking_id, series_scope scope,
                                                     std::string_view why, instant now, std::string_view actor) {
    const auto found = booking(booking_id);
    if (!found) missing("id", "booking", booking_id);
    if (scope == series_scope::this_one || found->series.empty()) {
        const bool was_active = found->status != booking_status::cancelled;
        const booking_record b = cancel(booking_id, why, now, actor);
        return was_active ? std::vector<booking_record>{b} : std::vector<booking_record>{};
    }
    return write_locked(store_, {found->resource}, [&](transaction& tx, const lock_set& locks) {
        // A series has one resource; its occurrences lie within a millennium of each other.
        const date::years reach{1000};
        const interval around{found->time.start - reach, found->time.start + reach};
        std::vector<booking_record> out;
        for (booking_record b : tx.bookings_of_resource(found->resource, around)) {
            if (b.series != found->series || b.status == booking_status::cancelled) continue;
            if (scope == series_scope::this_and_following && b.time.start < found->time.start) continue;
            const booking_group group{.main = b, .members = tx.bookings_of_group(b.id)};
            for (const booking_record& m : group.members) locks.need(m.resource);
            // Its pool bookings go with it, after it.
            for (booking_record& cancelled : cancel_group_in(tx, group, why, now, actor))
                if (cancelled.id == b.id) out.push_back(std::move(cancelled));
        }
        return out;
    });
}

}  // namespace slotcraft
