// scheduler: the waiting list. A client waits for a free start of a service;
// process_waitlist offers the oldest waiter the earliest start `slots` lists
// for it, as a hold, and settles offers that were confirmed or ran out.

#include "scheduling.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace slotcraft {

using namespace scheduling;

namespace {

/// The lock of one entry: two passes never settle or offer it at once.
std::string entry_lock(std::string_view id) { return "waitlist " + std::string(id); }

/// Writes `after` (updated at `now`) with its audit entry; returns it as written.
waitlist_entry put_audited(transaction& tx, const waitlist_entry& before, waitlist_entry after, instant now,
                           std::string_view actor, std::string_view action) {
    after.updated_at = now;
    tx.put_waitlist_entry(after);
    record(tx, now, actor, action, after.id, as_json(before), as_json(after));
    return after;
}

/// Settles an offered entry from its hold: confirmed (even if cancelled
/// since) → `booked`; expired or cancelled unconfirmed → `lapsed`; a live hold
/// leaves it as it is. Returns the entry now.
waitlist_entry settle(transaction& tx, const waitlist_entry& e, instant now, std::string_view actor) {
    if (e.status != waitlist_status::offered) return e;
    const auto hold = tx.booking(e.offer);
    waitlist_entry after = e;
    if (hold && hold->was_confirmed()) {
        after.status = waitlist_status::booked;
    } else if (!hold || !hold->active_at(now)) {
        after.status = waitlist_status::lapsed;
    } else {
        return e;
    }
    return put_audited(tx, e, after, now, actor,
                       after.status == waitlist_status::booked ? "waitlist_booked" : "waitlist_lapse");
}

/// The first start `slots` lists for `e` from `now`, held for the entry's
/// TTL; nullopt when none is free.
std::optional<booking_record> offer_to(transaction& tx, const waitlist_entry& e, instant now, std::string_view actor,
                                       const lock_set& locks) {
    const slot_request ask{.service = e.service,
                           .resources = e.resource.empty() ? std::vector<std::string>{}
                                                           : std::vector<std::string>{e.resource},
                           .location = e.location,
                           .from = std::max(e.window.start, now),
                           .to = e.window.end,
                           .seats = e.seats,
                           .client = e.client};
    std::vector<located_slot> listed;
    try {
        listed = slots_in(tx, ask, now);
    } catch (const error& failure) {
        // The catalog no longer offers what the entry waits for (an archived
        // service or resource): it waits on, and expires with its range.
        if (failure.category() == error_category::storage) throw;
        return std::nullopt;
    }
    for (const located_slot& free : listed) {
        booking_request request{.resource = free.free.resources.front(),
                                .service = e.service,
                                .location = free.location,
                                .client = e.client,
                                .start = free.free.time.start,
                                .seats = e.seats,
                                .actor = std::string(actor)};
        for (const pool_choice& p : free.free.pools) request.pool_members.emplace(p.pool, p.members.front());
        locks.need(request.resource);
        try {
            return book_in(tx, request, now, e.offer_ttl, {}, nullptr, &locks);
        } catch (const booking_refused&) {
            // Thrown before anything is written. Listed means bookable; should a
            // start still be refused, the next one is tried.
        }
    }
    return std::nullopt;
}

}  // namespace

waitlist_entry scheduler::join_waitlist(const waitlist_request& request, instant now) {
    if (request.client.empty()) reject("client", "must not be empty");
    if (request.service.empty()) reject("service", "must not be empty");
    if (request.window.empty()) reject("window", "must end after it starts");
    if (request.window.length() > max_query_range) reject("window", "must be at most 366 days");
    if (request.seats < 1) reject("seats", fmt::format("must be at least 1 (got {})", request.seats));
    check_minutes(request.offer_ttl, "offer_ttl");
    const std::string lock = client_lock(request.client);
    return store_.write(std::span(&lock, 1), [&](transaction& tx) {
        require_client(tx, request.client);
        const auto offered = tx.service(request.service);
        if (!offered) missing("service", "service", request.service);
        refuse_archived(offered->archived, "service", "service", request.service);
        if (!request.resource.empty()) {
            try {
                (void)load_context(tx, request.resource, request.service);
            } catch (const error& e) {
                // The service was checked above: what is left of it is that the resource does not provide it,
                // which is the resource's fault here (the resource narrows the request).
                if (e.category() == error_category::invalid_argument && e.field() == "service")
                    reject("resource", e.message());
                throw;
            }
        }
        if (!request.location.empty()) {
            const auto place = tx.location(request.location);
            if (!place) missing("location", "location", request.location);
            refuse_archived(place->archived, "location", "location", request.location);
        }
        if (request.seats > offered->rules.capacity)
            reject("seats", fmt::format("{} seats asked, the service has {}", request.seats, offered->rules.capacity));
        const waitlist_entry entry{.id = "wl_" + random_hex(16),
                                   .client = request.client,
                                   .service = request.service,
                                   .resource = request.resource,
                                   .location = request.location,
                                   .window = request.window,
                                   .seats = request.seats,
                                   .offer_ttl = request.offer_ttl,
                                   .created_at = now,
                                   .updated_at = now};
        tx.put_waitlist_entry(entry);
        record(tx, now, request.actor, "waitlist_join", entry.id, {}, as_json(entry));
        return entry;
    });
}

waitlist_entry scheduler::leave_waitlist(std::string_view id, instant now, std::string_view actor) {
    const auto found = find_waitlist_entry(id);
    if (!found) missing("id", "waiting-list entry", id);
    return write_locked(store_, {entry_lock(id), client_lock(found->client)}, [&](transaction& tx, const lock_set& locks) {
        const auto current = tx.find_waitlist_entry(id);
        if (!current) missing("id", "waiting-list entry", id);
        // A confirmed offer is a booking, which leaving does not undo.
        const waitlist_entry settled = settle(tx, *current, now, actor);
        if (!settled.open()) return settled;
        if (settled.status == waitlist_status::offered) {
            const booking_group hold = group_of(tx, *tx.booking(settled.offer));
            need_group_locks(tx, hold, locks);
            (void)cancel_group_in(tx, hold, "left the waiting list", now, actor);
        }
        waitlist_entry after = settled;
        after.status = waitlist_status::left;
        return put_audited(tx, settled, after, now, actor, "waitlist_leave");
    });
}

std::optional<waitlist_entry> scheduler::find_waitlist_entry(std::string_view id) {
    return store_.read([&](transaction& tx) { return tx.find_waitlist_entry(id); });
}

std::vector<waitlist_entry> scheduler::client_waitlist(std::string_view client) {
    return store_.read([&](transaction& tx) {
        if (!tx.client(client)) missing("client", "client", client);
        return tx.waitlist_of_client(client);
    });
}

std::vector<waitlist_offer> scheduler::process_waitlist(instant now, std::string_view actor) {
    std::vector<waitlist_offer> made;
    for (const waitlist_entry& listed : store_.read([](transaction& tx) { return tx.open_waitlist(); })) {
        auto offer = write_locked(
            store_, {entry_lock(listed.id), client_lock(listed.client)},
            [&](transaction& tx, const lock_set& locks) -> std::optional<waitlist_offer> {
                const auto current = tx.find_waitlist_entry(listed.id);
                if (!current || !current->open()) return std::nullopt;  // another pass was first
                if (current->status == waitlist_status::offered) {
                    (void)settle(tx, *current, now, actor);
                    return std::nullopt;
                }
                waitlist_entry after = *current;
                if (std::max(current->window.start, now) >= current->window.end) {
                    after.status = waitlist_status::expired;
                    (void)put_audited(tx, *current, after, now, actor, "waitlist_expire");
                    return std::nullopt;
                }
                std::optional<booking_record> hold = offer_to(tx, *current, now, actor, locks);
                if (!hold) return std::nullopt;
                after.status = waitlist_status::offered;
                after.offer = hold->id;
                after.notified = false;
                return waitlist_offer{put_audited(tx, *current, after, now, actor, "waitlist_offer"),
                                      std::move(*hold)};
            });
        if (offer) made.push_back(std::move(*offer));
    }
    return made;
}

std::vector<waitlist_offer> scheduler::due_waitlist_offers(instant now) {
    return store_.read([&](transaction& tx) {
        std::vector<waitlist_offer> out;
        for (waitlist_entry& e : tx.open_waitlist()) {
            if (e.status != waitlist_status::offered || e.notified) continue;
            auto hold = tx.booking(e.offer);
            if (hold && hold->status == booking_status::held && hold->active_at(now))
                out.push_back({std::move(e), std::move(*hold)});
        }
        return out;
    });
}

bool scheduler::mark_waitlist_notified(std::string_view id) {
    const std::string lock = entry_lock(id);
    return store_.write(std::span(&lock, 1), [&](transaction& tx) {
        if (!tx.find_waitlist_entry(id)) missing("id", "waiting-list entry", id);
        return tx.mark_waitlist_notified(id);
    });
}

}  // namespace slotcraft
