// scheduler: the booking list and the CSV reports (bookings, attendance, load).

#include "../scheduler/scheduling.hpp"
#include "report_records.hpp"

#include <slotcraft/csv.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace slotcraft {

using namespace scheduling;

namespace {

/// The bookings of `chosen` that `filter` admits, each with the position of
/// its resource in `chosen`, by start then id.
std::vector<std::pair<booking_record, std::size_t>> filtered_bookings(transaction& tx, const booking_filter& filter,
                                                                      std::span<const resource_record> chosen) {
    std::vector<std::pair<booking_record, std::size_t>> rows;
    for (std::size_t i = 0; i < chosen.size(); ++i)
        for (booking_record& b : tx.bookings_of_resource(chosen[i].id, filter.period))
            if (filter.admits(b)) rows.emplace_back(std::move(b), i);
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return std::tie(a.first.time.start, a.first.id) < std::tie(b.first.time.start, b.first.id);
    });
    return rows;
}

}  // namespace

std::vector<booking_record> scheduler::bookings(const booking_filter& filter) {
    if (filter.period.empty()) reject("period", "the period must end after it starts");
    return store_.read([&](transaction& tx) {
        const std::vector<resource_record> chosen = report_resources(tx, filter.resources);
        std::vector<booking_record> out;
        for (auto& row : filtered_bookings(tx, filter, chosen)) out.push_back(std::move(row.first));
        return out;
    });
}

std::string scheduler::bookings_csv(const booking_filter& filter, byte_order_mark bom) {
    if (filter.period.empty()) reject("period", "the report's period must end after it starts");
    return store_.read([&](transaction& tx) {
        const std::vector<resource_record> chosen = report_resources(tx, filter.resources);
        std::vector<zone> zones;  // of chosen[i], located once
        for (const resource_record& r : chosen) zones.push_back(zone::locate(r.time_zone, "time_zone"));
        const auto rows = filtered_bookings(tx, filter, chosen);
        catalog_names names(tx);
        const auto name_of = [&](std::string_view kind, const std::string& id) { return names.of(kind, id); };
        std::string out = csv_start(bom);
        append_csv_record(out, {"id", "resource", "resource_name", "service", "service_name", "location",
                                "location_name", "client", "client_name", "start_utc", "end_utc", "start_local",
                                "end_local", "time_zone", "seats", "status", "attendance", "series", "cancel_reason",
                                "created_utc"});
        for (const auto& [b, i] : rows) {
            const resource_record* r = &chosen[i];
            const zone& tz = zones[i];
            const std::string local_start = date::format("%FT%T", tz.to_local(b.time.start));
            const std::string local_end = date::format("%FT%T", tz.to_local(b.time.end));
            append_csv_record(out, {b.id, r->id, r->name, b.service, name_of("service", b.service), b.location,
                                    name_of("location", b.location), b.client, name_of("client", b.client),
                                    format_instant(b.time.start), format_instant(b.time.end), local_start, local_end,
                                    r->time_zone, std::to_string(b.seats), to_string(b.status),
                                    to_string(b.attendance), b.series, b.cancel_reason, format_instant(b.created_at)});
        }
        return out;
    });
}

namespace {

/// The ISO 8601 week of a date, `2027-W09`: the week of its Thursday, in the
/// Thursday's year.
std::string iso_week_of(local_date day) {
    const local_date thursday = day - date::days{date::weekday{day}.iso_encoding() - 1} + date::days{3};
    const date::year_month_day ymd{thursday};
    const local_date first_of_year{ymd.year() / date::January / 1};
    return fmt::format("{:04}-W{:02}", static_cast<int>(ymd.year()), (thursday - first_of_year).count() / 7 + 1);
}

std::chrono::seconds length_of(const interval_set& set) {
    std::chrono::seconds out{0};
    for (const interval& part : set) out += part.length();
    return out;
}

std::string hours_text(std::chrono::seconds length) {
    return fmt::format("{:.2f}", std::chrono::duration<double, std::ratio<3600>>(length).count());
}

}  // namespace

std::string scheduler::attendance_csv(const booking_filter& filter, byte_order_mark bom) {
    if (filter.period.empty()) reject("period", "the report's period must end after it starts");
    return store_.read([&](transaction& tx) {
        std::vector<resource_record> chosen = report_resources(tx, filter.resources);
        std::sort(chosen.begin(), chosen.end(),
                  [](const resource_record& a, const resource_record& b) { return a.id < b.id; });
        std::string out = csv_start(bom);
        append_csv_record(out, {"resource", "resource_name", "bookings", "attended", "no_show", "unmarked", "cancelled"});
        for (const resource_record& r : chosen) {
            std::array<long long, 4> counts{};  // attended, no_show, unmarked, cancelled
            for (const booking_record& b : tx.bookings_of_resource(r.id, filter.period)) {
                if (!filter.admits(b) || !b.was_confirmed()) continue;  // a hold, live, lapsed or released
                if (b.status == booking_status::cancelled) ++counts[3];
                else if (b.attendance == attendance_status::attended) ++counts[0];
                else if (b.attendance == attendance_status::no_show) ++counts[1];
                else ++counts[2];
            }
            const long long total = counts[0] + counts[1] + counts[2] + counts[3];
            append_csv_record(out, {r.id, r.name, std::to_string(total), std::to_string(counts[0]),
                                    std::to_string(counts[1]), std::to_string(counts[2]), std::to_string(counts[3])});
        }
        return out;
    });
}

std::string scheduler::load_csv(const load_request& request, instant now, byte_order_mark bom) {
    if (request.period.empty()) reject("period", "the report's period must end after it starts");
    if (request.period.length() > date::days{366}) reject("period", "a load report covers at most 366 days");
    if (request.by != load_grouping::day && request.by != load_grouping::week) reject("by", "expected day or week");
    return store_.read([&](transaction& tx) {
        std::vector<resource_record> chosen = report_resources(tx, request.resources);
        std::sort(chosen.begin(), chosen.end(),
                  [](const resource_record& a, const resource_record& b) { return a.id < b.id; });
        const settings config = tx.load_settings();
        std::string out = csv_start(bom);
        append_csv_record(out, {"resource", "resource_name", "time_zone", "period", "days", "open_hours",
                                "booked_hours", "utilisation"});
        for (const resource_record& r : chosen) {
            const zone tz = zone::locate(r.time_zone, "time_zone");
            // Open time: the engine's, at every location (a resource is open where any schedule opens it).
            interval_set open;
            for (const location_schedule& at : r.schedules)
                open |= compute_open_time(rules_at(r, at, config), request.period).open;
            interval_set booked;
            for (const booking_record& b : tx.bookings_of_resource(r.id, request.period))
                if (b.active_at(now)) booked.add(b.time);
            open = open.clipped_to(request.period);
            booked = booked.clipped_to(request.period);

            struct row {
                std::string period;
                int days = 0;
                std::chrono::seconds open{0}, booked{0};
            };
            std::vector<row> rows;
            const local_date last = tz.date_of(request.period.end - std::chrono::seconds{1});
            for (local_date day = tz.date_of(request.period.start); day <= last; day += date::days{1}) {
                const interval whole{tz.to_utc(day, minutes{0}), tz.to_utc(day + date::days{1}, minutes{0})};
                const std::string key =
                    request.by == load_grouping::day ? date::format("%F", day) : iso_week_of(day);
                if (rows.empty() || rows.back().period != key) rows.push_back({.period = key});
                row& current = rows.back();
                ++current.days;
                current.open += length_of(open.clipped_to(whole));
                current.booked += length_of(booked.clipped_to(whole));
            }
            for (const row& line : rows) {
                const std::string use =
                    line.open.count() == 0
                        ? std::string()
                        : fmt::format("{:.4f}", std::chrono::duration<double>(line.booked) / line.open);
                append_csv_record(out, {r.id, r.name, r.time_zone, line.period, std::to_string(line.days),
                                        hours_text(line.open), hours_text(line.booked), use});
            }
        }
        return out;
    });
}

}  // namespace slotcraft
