// slotcraft_bench_ics: how long read_ics takes as a calendar grows, to show
// that the cost per event stays flat (issue 16 found 40,000 events taking
// 14 s and one 8 MB folded line 17 s).
//
//   slotcraft_bench_ics [--repeat N]
//
// Each file: N events, a quarter of them weekly with an EXDATE and a moved
// occurrence (a RECURRENCE-ID override), the rest single events with a
// description, in Europe/Berlin; read over a year.
#include <slotcraft/ical.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace slotcraft;

std::string calendar_of(int events) {
    std::string out = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//slotcraft bench//EN\r\n";
    for (int i = 0; i < events; ++i) {
        const int day = 1 + i % 28;
        const int hour = 6 + i % 12;
        const std::string start = fmt::format("202703{:02}T{:02}0000", day, hour);
        if (i % 4 == 0) {
            out += fmt::format(
                "BEGIN:VEVENT\r\nUID:r{0}@bench\r\nDTSTART;TZID=Europe/Berlin:{1}\r\nDURATION:PT45M\r\n"
                "RRULE:FREQ=WEEKLY;COUNT=20\r\nEXDATE;TZID=Europe/Berlin:202704{2:02}T{3:02}0000\r\nEND:VEVENT\r\n"
                "BEGIN:VEVENT\r\nUID:r{0}@bench\r\nRECURRENCE-ID;TZID=Europe/Berlin:{1}\r\n"
                "DTSTART;TZID=Europe/Berlin:202703{2:02}T{3:02}3000\r\nDURATION:PT45M\r\nEND:VEVENT\r\n",
                i, start, std::min(day + 1, 28), hour);
        } else {
            out += fmt::format("BEGIN:VEVENT\r\nUID:e{}@bench\r\nSUMMARY:Appointment {}\r\nDESCRIPTION:\r\n"
                               "DTSTART;TZID=Europe/Berlin:{}\r\nDURATION:PT30M\r\nEND:VEVENT\r\n",
                               i, i, start);
        }
    }
    return out + "END:VCALENDAR\r\n";
}

std::string folded_line_of(std::size_t bytes) {
    std::string out = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:l\r\nDESCRIPTION:";
    while (out.size() < bytes) out += std::string(73, 'x') + "\r\n ";
    return out + "\r\nDTSTART:20270302T100000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
}

double best_seconds(const std::string& text, int repeat, std::size_t& intervals) {
    const zone berlin = zone::locate("Europe/Berlin");
    const interval year{parse_instant("2027-01-01T00:00:00Z"), parse_instant("2028-01-01T00:00:00Z")};
    double best = 1e300;
    for (int r = 0; r < repeat; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        intervals = read_ics(text, berlin, year).busy.size();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    int repeat = 3;
    if (argc == 3 && std::string(argv[1]) == "--repeat") repeat = std::max(1, std::stoi(argv[2]));
    fmt::print("| input | bytes | busy intervals | best of {} s | µs per event or KiB |\n|---|---:|---:|---:|---:|\n",
               repeat);
    for (const int n : {5000, 10000, 20000, 40000}) {
        const std::string text = calendar_of(n);
        std::size_t intervals = 0;
        const double s = best_seconds(text, repeat, intervals);
        fmt::print("| {} events | {} | {} | {:.3f} | {:.1f} |\n", n, text.size(), intervals, s, s * 1e6 / n);
    }
    for (const std::size_t mb : {2, 8}) {
        const std::string text = folded_line_of(mb * 1024 * 1024);
        std::size_t intervals = 0;
        const double s = best_seconds(text, repeat, intervals);
        fmt::print("| one {} MiB folded line | {} | {} | {:.3f} | {:.2f} |\n", mb, text.size(), intervals, s,
                   s * 1e6 / (static_cast<double>(text.size()) / 1024));
    }
}
