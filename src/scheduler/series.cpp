// scheduler: recurring series (RRULE) and cancelling their occurrences.

#include "../rrule.hpp"
#include "scheduling.hpp"

#include <fmt/format.h>
#include <slotcraft/recurrence.hpp>

#include <algorithm>
#include <tuple>

namespace slotcraft {

using namespace scheduling;

series_outcome scheduler::book_recurring(const recurring_request& request, instant now) {
    validate_request(request.first);
    const auto owner = resource(request.first.resource);
    if (!owner) missing("resource", "resource", request.first.resource);
    if (std::chrono::floor<minutes>(request.first.start) != request.first.start)
        reject("start", "a recurring series starts on a whole minute");
    const zone where = zone::locate(owner->time_zone, "time_zone");
    detail::refuse_second_of_repeated_hour(where, request.first.start, "start");
    const std::vector<instant> starts = expand_recurrence(request.rrule, where, request.first.start, request.except_dates);
    const std::string fresh_series = "sr_" + random_hex(16);
    std::string rule = request.rrule;  // as the series record keeps it
    if (detail::upper(std::string_view(rule).substr(0, 6)) == "RRULE:") rule.erase(0, 6);  // in any case, as parsed
    const auto key_of = [&](instant start) { return request.first.idempotency_key + "@" + format_instant(start); };
    return write_locked(store_, booking_locks(std::span(&request.first, 1)), [&](transaction& tx, const lock_set& locks) {
        series_outcome out;
        context_cache contexts;
        // A retried request books what became free under the series id of its
        // first attempt, which must have asked for the same series. The key
        // of a single booking (book, hold, book_many) is not a series' key.
        std::string series = fresh_series;
        if (const std::string& key = request.first.idempotency_key; !key.empty()) {
            if (tx.booking_by_idempotency_key(key))
                throw error(error_category::conflict, "idempotency_key",
                            "this idempotency key was used for a single booking, not a series");
            if (const auto first = tx.series_by_idempotency_key(key)) {
                if (first->resource != request.first.resource || first->rrule != rule ||
                    first->first_start != request.first.start || first->except_dates != request.except_dates)
                    throw error(error_category::conflict, "idempotency_key",
                                "this idempotency key was used for a different series");
                series = first->id;
            }
        }
        for (std::size_t i = 0; i < starts.size(); ++i) {
            booking_request occurrence = request.first;
            occurrence.start = starts[i];
            if (!occurrence.idempotency_key.empty()) occurrence.idempotency_key = key_of(starts[i]);
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
        if (!out.booked.empty()) out.series = series;
        if (out.series == fresh_series) {
            tx.put_series({.id = series, .resource = request.first.resource, .rrule = rule,
                           .first_start = request.first.start, .except_dates = request.except_dates,
                           .idempotency_key = request.first.idempotency_key});
        }
        return out;
    });
}

std::vector<booking_record> scheduler::cancel_series(std::string_view booking_id, series_scope scope,
                                                     std::string_view why, instant now, std::string_view actor) {
    const auto found = booking(booking_id);
    if (!found) missing("id", "booking", booking_id);
    // A pool booking belongs to its main booking's occurrence.
    const booking_record main = store_.read([&](transaction& tx) { return main_of(tx, *found); });
    if (scope == series_scope::this_one || main.series.empty()) {
        const bool was_active = found->status != booking_status::cancelled;
        const booking_record b = cancel(booking_id, why, now, actor);
        return was_active ? std::vector<booking_record>{b} : std::vector<booking_record>{};
    }
    return write_locked(store_, {main.resource}, [&](transaction& tx, const lock_set& locks) {
        // A recurring series has one resource, which its record names; one of
        // book_series may have several and no record: then every resource is
        // looked through. Occurrences lie within a millennium of each other.
        std::vector<std::string> owners;
        if (const auto record = tx.series(main.series)) owners.push_back(record->resource);
        else
            for (const resource_record& r : tx.resources()) owners.push_back(r.id);
        const date::years reach{1000};
        const interval around{main.time.start - reach, main.time.start + reach};
        std::vector<booking_group> groups;
        for (const std::string& owner : owners)
            for (booking_record& b : tx.bookings_of_resource(owner, around)) {
                if (b.series != main.series || b.status == booking_status::cancelled) continue;
                if (scope == series_scope::this_and_following && b.time.start < main.time.start) continue;
                groups.push_back({.main = std::move(b), .members = {}});
            }
        std::sort(groups.begin(), groups.end(), [](const booking_group& a, const booking_group& b) {
            return std::tie(a.main.time.start, a.main.resource) < std::tie(b.main.time.start, b.main.resource);
        });
        // Every writer of these bookings waits (their resources, clients and pool members) before any is cancelled.
        std::vector<std::string> wanted;
        for (booking_group& group : groups) {
            group.members = tx.bookings_of_group(group.main.id);
            wanted.push_back(group.main.resource);
            if (!group.main.client.empty()) wanted.push_back(client_lock(group.main.client));
            for (const booking_record& m : group.members) wanted.push_back(m.resource);
        }
        locks.need(wanted);
        std::vector<booking_record> out;
        for (const booking_group& group : groups)
            // Its pool bookings go with it, after it.
            for (booking_record& cancelled : cancel_group_in(tx, group, why, now, actor))
                if (cancelled.id == group.main.id) out.push_back(std::move(cancelled));
        return out;
    });
}

}  // namespace slotcraft
