// scheduler: iCalendar export of bookings and import of busy time.

#include "../rrule.hpp"
#include "../scheduler/scheduling.hpp"
#include "report_records.hpp"

#include <slotcraft/ical.hpp>
#include <slotcraft/interval_set.hpp>
#include <slotcraft/recurrence.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace slotcraft {

using namespace scheduling;

namespace {

/// The rule of a series in the form RFC 5545 wants next to a DTSTART with a
/// TZID: an UNTIL becomes the UTC instant of the last occurrence (the same
/// occurrences; slotcraft also accepts a local date or wall time).
std::string exported_rule(const std::string& rule, const std::vector<instant>& occurrences) {
    // Rule part names are case-insensitive (RFC 5545 §3.1): `until=` is an UNTIL too.
    if (detail::upper(rule).find("UNTIL=") == std::string::npos) return rule;
    std::string out;
    std::size_t pos = 0;
    while (pos <= rule.size()) {
        const std::size_t end = std::min(rule.find(';', pos), rule.size());
        const std::string part = rule.substr(pos, end - pos);
        if (!detail::upper(part).starts_with("UNTIL=")) out += (out.empty() ? "" : ";") + part;
        pos = end + 1;
    }
    return out + date::format(";UNTIL=%Y%m%dT%H%M%SZ", occurrences.back());
}

/// Takes the bookings of series whose rule is stored out of `bookings` and
/// returns them as calendar series: the occurrences booked at the start the
/// rule gives them are the rule's; those not booked there are EXDATEs; a
/// cancelled one is an override. A moved occurrence stays in `bookings` as an
/// event of its own (its original date is an EXDATE), as does every booking
/// of a series without a stored rule, in a zone libical cannot describe, or
/// whose rule no longer fits its first start (the resource changed zone).
template <class EntryOf>
std::vector<calendar_series> take_series(transaction& tx, std::vector<booking_record>& bookings, EntryOf&& entry_of) {
    std::map<std::string, std::vector<booking_record>> by_series;
    for (const booking_record& b : bookings)
        if (!b.series.empty()) by_series[b.series].push_back(b);
    std::vector<calendar_series> out;
    std::set<std::string> taken;  // booking ids now in a series' events
    for (auto& [id, members] : by_series) {
        const auto rule = tx.series(id);
        if (!rule) continue;
        const auto owner = tx.resource(rule->resource);
        if (!owner || !ics_zone_available(owner->time_zone)) continue;
        const zone tz = zone::locate(owner->time_zone, "time_zone");
        std::vector<instant> occurrences;
        try {
            occurrences = expand_recurrence(rule->rrule, tz, rule->first_start);
        } catch (const error&) {
            continue;
        }
        calendar_series s{.rule = *rule, .time_zone = owner->time_zone, .length = std::chrono::duration_cast<minutes>(
                                                                              members.front().time.length())};
        s.rule.rrule = exported_rule(rule->rrule, occurrences);
        booking_record summary = members.front();
        for (const booking_record& b : members) {
            summary.created_at = std::min(summary.created_at, b.created_at);
            summary.updated_at = std::max(summary.updated_at, b.updated_at);
        }
        const bool any_active = std::any_of(members.begin(), members.end(), [](const booking_record& b) {
            return b.status != booking_status::cancelled;
        });
        summary.status = any_active ? booking_status::confirmed : booking_status::cancelled;
        summary.cancel_reason.clear();
        for (const instant start : occurrences) {
            const auto at = [&](bool active) {
                return std::find_if(members.begin(), members.end(), [&](const booking_record& b) {
                    return b.time.start == start && (b.status != booking_status::cancelled) == active;
                });
            };
            if (const auto live = at(true); live != members.end()) {
                taken.insert(live->id);
            } else if (const auto gone = at(false); gone != members.end()) {
                taken.insert(gone->id);
                s.cancelled.emplace_back(start, entry_of(*gone));
            } else {
                s.excluded.push_back(start);
            }
        }
        s.master = entry_of(summary);
        out.push_back(std::move(s));
    }
    std::erase_if(bookings, [&](const booking_record& b) { return taken.contains(b.id); });
    return out;
}

/// Takes the bookings of group services (capacity above one) out of `bookings`
/// and returns one event per session, the resource's calendar shows a class
/// once, not once per seat: the bookings sharing a service, a start, an end
/// and a location. Its UID names the session (stable as seats are booked and
/// cancelled); it is confirmed while a seat is, tentative while only holds
/// are, cancelled when every seat is; its description counts the seats and
/// names the clients of the active ones (by name).
template <class NameOf>
std::vector<calendar_entry> take_sessions(transaction& tx, std::vector<booking_record>& bookings, NameOf&& name_of) {
    std::map<std::string, int> capacity;
    const auto group_service = [&](const std::string& id) {
        if (!capacity.contains(id)) {
            const auto found = tx.service(id);
            capacity[id] = found ? found->rules.capacity : 1;
        }
        return capacity[id] > 1;
    };
    using session_key = std::tuple<std::string, instant, instant, std::string>;
    std::map<session_key, std::vector<booking_record>> sessions;
    for (const booking_record& b : bookings)
        if (group_service(b.service)) sessions[{b.service, b.time.start, b.time.end, b.location}].push_back(b);
    std::erase_if(bookings, [&](const booking_record& b) { return group_service(b.service); });
    std::vector<calendar_entry> out;
    for (auto& [key, members] : sessions) {
        booking_record summary = members.front();
        summary.id = fmt::format("session-{}-{}-{}", summary.resource, summary.service,
                                 summary.time.start.time_since_epoch().count());
        summary.client.clear();
        summary.series.clear();
        summary.cancel_reason.clear();
        int seats = 0;
        std::vector<std::string> clients;
        const auto has = [&](booking_status s) {
            return std::any_of(members.begin(), members.end(), [&](const booking_record& b) { return b.status == s; });
        };
        summary.status = has(booking_status::confirmed) ? booking_status::confirmed
                         : has(booking_status::held)    ? booking_status::held
                                                        : booking_status::cancelled;
        for (const booking_record& b : members) {
            summary.created_at = std::min(summary.created_at, b.created_at);
            summary.updated_at = std::max(summary.updated_at, b.updated_at);
            if (b.status == booking_status::cancelled) continue;
            seats += b.seats;
            if (!b.client.empty()) clients.push_back(name_of("client", b.client));
        }
        calendar_entry e{.summary = name_of("service", summary.service),
                         .location = summary.location.empty() ? std::string() : name_of("location", summary.location),
                         .description = fmt::format("With {}, {} of {} seats booked", name_of("resource", summary.resource),
                                                    seats, capacity[summary.service])};
        std::sort(clients.begin(), clients.end());
        if (!clients.empty()) e.description += fmt::format(": {}", fmt::join(clients, ", "));
        e.booking = std::move(summary);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace

std::string scheduler::export_ics(const calendar_selection& what, instant now) {
    const int chosen = (what.resource.empty() ? 0 : 1) + (what.client.empty() ? 0 : 1) + (what.booking.empty() ? 0 : 1);
    if (chosen != 1) reject("selection", "name exactly one of resource, client or booking");
    std::vector<calendar_series> series;
    const std::vector<calendar_entry> entries = store_.read([&](transaction& tx) {
        std::vector<booking_record> bookings;
        if (!what.resource.empty()) {
            if (!tx.resource(what.resource)) missing("resource", "resource", what.resource);
            const date::years reach{1000};
            bookings = tx.bookings_of_resource(what.resource, {now - reach, now + reach});
        } else if (!what.client.empty()) {
            if (!tx.client(what.client)) missing("client", "client", what.client);
            bookings = tx.bookings_of_client(what.client);
        } else {
            auto one = tx.booking(what.booking);
            if (!one) missing("booking", "booking", what.booking);
            bookings.push_back(std::move(*one));
        }
        // A hold that expired no longer holds its time: the calendar shows it
        // cancelled when it lapsed (a change, so SEQUENCE grows with it).
        for (booking_record& b : bookings)
            if (b.status == booking_status::held && !b.active_at(now)) {
                b.status = booking_status::cancelled;
                if (b.cancel_reason.empty()) b.cancel_reason = "the hold expired";
                if (b.expires) b.updated_at = std::max(b.updated_at, *b.expires);
            }
        catalog_names names(tx);
        const auto name_of = [&](std::string_view kind, const std::string& id) {
            const std::string& name = names.of(kind, id);
            return name.empty() ? id : name;
        };
        const auto entry_of = [&](booking_record b) {
            calendar_entry e{.summary = name_of("service", b.service),
                             .location = b.location.empty() ? std::string() : name_of("location", b.location),
                             .description = "With " + name_of("resource", b.resource)};
            if (!b.client.empty()) e.description += " for " + name_of("client", b.client);
            if (b.seats > 1) e.description += fmt::format(", {} seats", b.seats);
            if (!b.cancel_reason.empty()) e.description += ". Cancelled: " + b.cancel_reason;
            e.booking = std::move(b);
            return e;
        };
        // One booking is its own event; a resource's or client's series are recurring events.
        series.clear();  // the store may run this more than once
        if (what.booking.empty()) series = take_series(tx, bookings, entry_of);
        std::vector<calendar_entry> out;
        if (!what.resource.empty()) out = take_sessions(tx, bookings, name_of);
        for (booking_record& b : bookings) out.push_back(entry_of(std::move(b)));
        return out;
    });
    return write_ics(entries, series, now);
}


ics_import scheduler::import_ics(std::string_view resource_id, std::string_view ics, interval window,
                                 std::string_view actor) {
    if (window.empty()) reject("window", "the import window must end after it starts");
    const auto found = resource(resource_id);
    if (!found) missing("resource", "resource", resource_id);
    ics_busy read = read_ics(ics, zone::locate(found->time_zone, "time_zone"), window);
    const std::string id(resource_id);
    std::vector<interval> added = store_.write(std::span(&id, 1), [&](transaction& tx) {
        auto r = tx.resource(id);
        if (!r) missing("resource", "resource", id);
        const std::string before = as_json(*r);
        // Only time not already off is added: importing a file again, with
        // any window, adds nothing it added before.
        interval_set known{std::vector<interval>(r->time_off.begin(), r->time_off.end())};
        std::vector<interval> fresh;
        for (interval piece : read.busy) {
            // Busy time before the year 1 or after 9999 (an all-day event at either end, read in a zone
            // far from UTC) can hold no booking, and a record cannot spell it: it is cut there.
            piece = {std::max(piece.start, earliest_instant), std::min(piece.end, latest_instant)};
            for (const interval& part : interval_set{piece} - known) fresh.push_back(part);
            known.add(piece);
        }
        if (fresh.empty()) return fresh;
        r->time_off.insert(r->time_off.end(), fresh.begin(), fresh.end());
        tx.put_resource(*r);
        record(tx, wall_clock_now(), actor, "import_ics", id, before, as_json(*r));
        return fresh;
    });
    return {std::move(added), std::move(read.skipped)};
}

}  // namespace slotcraft
