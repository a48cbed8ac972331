// Busy time from iCalendar files (see include/slotcraft/ical.hpp and
// docs/calendars.md): content lines read here, VTIMEZONEs evaluated by
// libical, recurrences expanded by src/rrule.cpp.
#include "rrule.hpp"
#include "utf8.hpp"

#include <slotcraft/error.hpp>
#include <slotcraft/ical.hpp>
#include <slotcraft/interval_set.hpp>

#include <fmt/format.h>
#include <libical/ical.h>
#include <unicode/ucal.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>

namespace slotcraft {
namespace {

using detail::upper;

[[noreturn]] void bad_file(std::size_t line, const std::string& message) {
    // A message quotes the file; a file that is one long line (bare CR line ends) must not be quoted whole.
    constexpr std::size_t longest = 300;
    reject("ics", fmt::format("line {}: {}{}", line, std::string_view(message).substr(0, longest),
                              message.size() > longest ? "..." : ""));
}

/// The skipped lines a result lists; past this many, one line says how many more.
constexpr std::size_t max_listed_skips = 1000;

class skip_list {
public:
    void add(std::size_t line, std::string reason) {
        if (out_.size() < max_listed_skips) out_.push_back({line, std::move(reason)});
        else ++more_;
    }
    std::vector<ics_skipped_line> take() && {
        if (more_ > 0) out_.push_back({out_.back().line, fmt::format("and {} more lines skipped", more_)});
        return std::move(out_);
    }

private:
    std::vector<ics_skipped_line> out_;
    std::size_t more_ = 0;
};

// ---- content lines (RFC 5545 §3.1) ----------------------------------------------

struct content_line {
    std::size_t number = 0;  ///< the physical line it starts on, from 1
    std::string text;
};

/// Unfolds lines (CRLF or LF ends; a line starting with a space or tab
/// continues the one before) in one pass.
std::vector<content_line> unfold(std::string_view text, skip_list& skipped) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    std::vector<content_line> out;
    std::size_t number = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        ++number;
        pos = end + 1;
        if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
            if (out.empty()) skipped.add(number, "a continuation line with nothing to continue");
            else out.back().text.append(line.substr(1));
        } else if (!line.empty()) {
            out.push_back({number, std::string(line)});
        }
    }
    return out;
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-'; }

struct property {
    std::size_t line = 0;
    std::string name;                                        ///< upper case
    std::vector<std::pair<std::string, std::string>> params;  ///< upper-case name, value without quotes
    std::string value;

    [[nodiscard]] const std::string* param(std::string_view wanted) const {
        for (const auto& [key, text] : params)
            if (key == wanted) return &text;
        return nullptr;
    }
};

/// The name of a line up to its first `;` or `:`, upper case.
std::string name_of(std::string_view text) {
    std::size_t end = 0;
    while (end < text.size() && name_char(text[end])) ++end;
    return upper(text.substr(0, end));
}

/// `NAME *(";" PARAM "=" VALUE *("," VALUE)) ":" VALUE`, where a parameter
/// value may be quoted (and then hold `:`, `;` and `,`).
std::optional<property> parse_line(const content_line& line) {
    const std::string_view text = line.text;
    property out{.line = line.number, .name = name_of(text), .params = {}, .value = {}};
    std::size_t pos = out.name.size();
    if (pos == 0) return std::nullopt;
    while (pos < text.size() && text[pos] == ';') {
        const std::size_t name_start = ++pos;
        while (pos < text.size() && name_char(text[pos])) ++pos;
        if (pos == name_start || pos >= text.size() || text[pos] != '=') return std::nullopt;
        std::string name = upper(text.substr(name_start, pos - name_start));
        std::string value;
        do {
            ++pos;  // past '=' or ','
            if (!value.empty() || (pos > 0 && text[pos - 1] == ',')) value += ',';
            if (pos < text.size() && text[pos] == '"') {
                const std::size_t close = text.find('"', pos + 1);
                if (close == std::string_view::npos) return std::nullopt;
                value.append(text.substr(pos + 1, close - pos - 1));
                pos = close + 1;
            } else {
                const std::size_t start = pos;
                while (pos < text.size() && text[pos] != ';' && text[pos] != ':' && text[pos] != ',' && text[pos] != '"')
                    ++pos;
                value.append(text.substr(start, pos - start));
            }
        } while (pos < text.size() && text[pos] == ',');
        out.params.emplace_back(std::move(name), std::move(value));
    }
    if (pos >= text.size() || text[pos] != ':') return std::nullopt;
    out.value = std::string(text.substr(pos + 1));
    return out;
}

/// The VEVENT properties that shape busy time; the others are not read.
constexpr std::array<std::string_view, 12> busy_properties{"DTSTART", "DTEND",   "DURATION",      "RRULE",
                                                           "EXRULE",  "RDATE",   "EXDATE",        "RECURRENCE-ID",
                                                           "UID",     "SEQUENCE", "STATUS",       "TRANSP"};

bool shapes_busy_time(std::string_view name) {
    return std::find(busy_properties.begin(), busy_properties.end(), name) != busy_properties.end();
}

/// A TEXT value with RFC 5545 §3.3.11's escapes (`\\,` `\\;` `\\\\` `\\n`) undone.
std::string unescaped(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            const char next = text[++i];
            out += (next == 'n' || next == 'N') ? '\n' : next;
        } else {
            out += text[i];
        }
    }
    return out;
}

// ---- the file's structure ---------------------------------------------------------

struct raw_event {
    std::size_t line = 0;
    std::size_t order = 0;
    std::size_t calendar = 0;  ///< which VCALENDAR of the stream holds it, from 0
    std::vector<property> properties;

    [[nodiscard]] const property* first(std::string_view name) const {
        for (const property& p : properties)
            if (p.name == name) return &p;
        return nullptr;
    }
};

struct raw_calendar {
    std::vector<raw_event> events;
    /// The VFREEBUSY components, with only their FREEBUSY properties.
    std::vector<raw_event> free_busy;
    /// The content lines of each VTIMEZONE, by VCALENDAR and TZID: a TZID names
    /// a VTIMEZONE of its own calendar (RFC 5545 §3.2.19), so two calendars of
    /// one stream may each define "Customized Time Zone". In one calendar the
    /// first of a name wins.
    std::map<std::pair<std::size_t, std::string>, std::vector<std::string>> time_zones;
};

raw_calendar read_structure(const std::vector<content_line>& lines, skip_list& skipped) {
    raw_calendar out;
    std::vector<std::string> open;
    std::optional<raw_event> event;  // the VEVENT being read, directly inside a VCALENDAR
    std::optional<raw_event> free_busy;  // the VFREEBUSY being read, directly inside a VCALENDAR
    std::optional<std::vector<std::string>> zone_lines;
    std::string zone_id;
    bool any_calendar = false;
    std::size_t calendars = 0;  // VCALENDARs begun so far
    std::size_t outside_from = 0;  // first line of a run of text outside any VCALENDAR
    for (const content_line& line : lines) {
        const std::string name = name_of(line.text);
        const std::size_t colon = line.text.find(':');
        const bool structural = (name == "BEGIN" || name == "END") && colon == name.size();
        if (open.empty() && !(structural && name == "BEGIN")) {
            if (outside_from == 0) outside_from = line.number;
            continue;
        }
        if (outside_from != 0) {
            skipped.add(outside_from, "text outside BEGIN:VCALENDAR ... END:VCALENDAR");
            outside_from = 0;
        }
        if (zone_lines) zone_lines->push_back(line.text);
        if (structural) {
            const std::string component = upper(std::string_view(line.text).substr(colon + 1));
            if (component.empty()) bad_file(line.number, fmt::format("{} without a component name", name));
            if (name == "BEGIN") {
                if (open.empty() && component != "VCALENDAR")
                    bad_file(line.number, fmt::format("BEGIN:{} outside BEGIN:VCALENDAR ... END:VCALENDAR", component));
                if (open.empty()) ++calendars;  // a VCALENDAR
                if (component == "VEVENT" && open.back() == "VCALENDAR")
                    event = raw_event{.line = line.number, .order = out.events.size(), .calendar = calendars - 1,
                                      .properties = {}};
                if (component == "VFREEBUSY" && open.back() == "VCALENDAR")
                    free_busy = raw_event{.line = line.number, .order = out.free_busy.size(),
                                          .calendar = calendars - 1, .properties = {}};
                if (component == "VTIMEZONE" && open.back() == "VCALENDAR") {
                    zone_lines.emplace(std::vector<std::string>{line.text});
                    zone_id.clear();
                }
                any_calendar = any_calendar || component == "VCALENDAR";
                open.push_back(component);
            } else {
                if (open.back() != component)
                    bad_file(line.number, fmt::format("END:{} inside {}", component, open.back()));
                open.pop_back();
                if (component == "VEVENT" && event && !open.empty() && open.back() == "VCALENDAR") {
                    out.events.push_back(std::move(*event));
                    event.reset();
                }
                if (component == "VFREEBUSY" && free_busy && !open.empty() && open.back() == "VCALENDAR") {
                    out.free_busy.push_back(std::move(*free_busy));
                    free_busy.reset();
                }
                if (component == "VTIMEZONE" && zone_lines && !open.empty() && open.back() == "VCALENDAR") {
                    if (!zone_id.empty()) out.time_zones.try_emplace({calendars - 1, zone_id}, std::move(*zone_lines));
                    zone_lines.reset();
                }
            }
            continue;
        }
        const bool in_event = event && open.back() == "VEVENT";
        const bool in_free_busy = free_busy && open.back() == "VFREEBUSY";
        std::optional<property> parsed = parse_line(line);
        if (!parsed) {
            if ((in_event && shapes_busy_time(name)) || (in_free_busy && name == "FREEBUSY"))
                bad_file(line.number, fmt::format("{} is not NAME[;PARAM=VALUE]:VALUE", name));
            skipped.add(line.number, "not a content line NAME[;PARAM=VALUE]:VALUE");
            continue;
        }
        if (in_event && shapes_busy_time(parsed->name)) event->properties.push_back(std::move(*parsed));
        else if (in_free_busy && parsed->name == "FREEBUSY") free_busy->properties.push_back(std::move(*parsed));
        else if (zone_lines && open.back() == "VTIMEZONE" && parsed->name == "TZID") zone_id = unescaped(parsed->value);
    }
    if (!open.empty()) bad_file(lines.back().number, fmt::format("{} is not closed", open.back()));
    if (outside_from != 0) skipped.add(outside_from, "text outside BEGIN:VCALENDAR ... END:VCALENDAR");
    if (!any_calendar) bad_file(lines.empty() ? 0 : lines.front().number,
                                lines.empty() ? "the file is empty" : "no BEGIN:VCALENDAR in the file");
    return out;
}

// ---- time zones ---------------------------------------------------------------------

struct zone_free {
    void operator()(icaltimezone* z) const noexcept { icaltimezone_free(z, 1); }
};
struct component_free {
    void operator()(icalcomponent* c) const noexcept { icalcomponent_free(c); }
};

/// Where wall times of a value live: UTC, an IANA zone (or the caller's zone
/// for floating times), or a VTIMEZONE of the file.
class wall_clock {
public:
    static wall_clock utc() { return wall_clock{}; }
    static wall_clock of(const zone& z) {
        wall_clock c;
        c.zone_ = &z;
        return c;
    }
    static wall_clock of(icaltimezone* z) {
        wall_clock c;
        c.vtimezone_ = z;
        return c;
    }

    /// The wall time of an instant.
    [[nodiscard]] date::local_seconds local(instant t) const {
        if (zone_ != nullptr) return zone_->to_local(t);
        return date::local_seconds{t.time_since_epoch() + (vtimezone_ != nullptr ? offset_at(t) : std::chrono::seconds{0})};
    }

    /// The instant of a wall time (SPEC §1: a gap moves it later, an overlap takes the earlier instant).
    [[nodiscard]] instant at(date::local_seconds local) const {
        if (zone_ != nullptr) {
            const auto day = date::floor<date::days>(local);
            const auto whole = std::chrono::floor<minutes>(local - date::local_seconds{day});
            return zone_->to_utc(day, whole) + (local - date::local_seconds{day} - whole);
        }
        const instant guess{local.time_since_epoch()};
        if (vtimezone_ == nullptr) return guess;
        // The offsets a day and a half either side; at most one change lies between.
        const std::chrono::seconds before = offset_at(guess - std::chrono::hours{36});
        const std::chrono::seconds after = offset_at(guess + std::chrono::hours{36});
        const instant early = guess - before;
        const instant late = guess - after;
        const bool early_ok = offset_at(early) == before;
        const bool late_ok = offset_at(late) == after;
        if (early_ok && late_ok) return std::min(early, late);
        if (late_ok) return late;
        return early;  // valid, or in a gap: the offset before it
    }

private:
    [[nodiscard]] std::chrono::seconds offset_at(instant t) const {
        icaltimetype tt = icaltime_from_timet_with_zone(static_cast<time_t>(t.time_since_epoch().count()), 0,
                                                        icaltimezone_get_utc_timezone());
        int daylight = 0;
        return std::chrono::seconds{icaltimezone_get_utc_offset_of_utc_time(vtimezone_, &tt, &daylight)};
    }

    const zone* zone_ = nullptr;
    icaltimezone* vtimezone_ = nullptr;
};

/// The clocks of the TZIDs a file names, each looked up once.
class zone_book {
public:
    zone_book(const zone& floating, const raw_calendar& calendar) : floating_(wall_clock::of(floating)), calendar_(calendar) {}

    [[nodiscard]] const wall_clock& floating() const { return floating_; }
    [[nodiscard]] const wall_clock& utc() const { return utc_; }

    /// The clock of a TZID in the `calendar`-th VCALENDAR: an IANA name; else
    /// that calendar's VTIMEZONE of that name; else an IANA name after a path prefix (`/mozilla.org/20050126_1/Europe/Berlin`,
    /// as libical and Thunderbird write them); else a Windows zone name
    /// (`W. Europe Standard Time`) by CLDR's table, through ICU.
    const wall_clock& named(const std::string& tzid, std::size_t calendar, std::size_t line) {
        const std::pair<std::size_t, std::string> key{calendar, tzid};
        if (const auto found = clocks_.find(key); found != clocks_.end()) return found->second;
        return clocks_.emplace(key, clock_of(tzid, calendar, line)).first->second;
    }

private:
    wall_clock clock_of(const std::string& tzid, std::size_t calendar, std::size_t line) {
        if (const zone* z = iana(tzid)) return wall_clock::of(*z);
        if (const auto own = calendar_.time_zones.find({calendar, tzid}); own != calendar_.time_zones.end()) {
            // Calendars of one stream repeating one definition share the zone libical reads from it once.
            if (const auto same = defined_.find(own->second); same != defined_.end()) return same->second;
            return defined_.emplace(own->second, wall_clock::of(vtimezone_of(tzid, own->second, line))).first->second;
        }
        for (std::size_t slash = tzid.find('/'); slash != std::string::npos; slash = tzid.find('/', slash + 1))
            if (const zone* z = iana(tzid.substr(slash + 1))) return wall_clock::of(*z);
        if (const zone* z = windows_zone(tzid)) return wall_clock::of(*z);
        bad_file(line, fmt::format("TZID \"{}\" is neither an IANA or Windows zone nor a VTIMEZONE of the file",
                                   tzid.substr(0, 80)));
    }

    /// The IANA zone of `name`, looked up once per name; nullptr when there is none.
    const zone* iana(const std::string& name) {
        if (name.empty() || name.size() > 64) return nullptr;
        if (const auto known = iana_.find(name); known != iana_.end()) return known->second;
        const zone* found = nullptr;
        try {
            zones_.push_back(std::make_unique<zone>(zone::locate(name, "tzid")));
            found = zones_.back().get();
        } catch (const error&) {
        }
        return iana_.emplace(name, found).first->second;
    }

    const zone* windows_zone(const std::string& name) {
        if (name.empty() || name.size() > 64) return nullptr;
        std::u16string wide(name.begin(), name.end());
        std::array<UChar, 64> id{};
        UErrorCode status = U_ZERO_ERROR;
        const int32_t length = ucal_getTimeZoneIDForWindowsID(wide.data(), static_cast<int32_t>(wide.size()), nullptr,
                                                              id.data(), static_cast<int32_t>(id.size()), &status);
        if (U_FAILURE(status) || length <= 0 || length >= static_cast<int32_t>(id.size())) return nullptr;
        return iana(std::string(id.begin(), id.begin() + length));
    }

    /// libical's own expansion of a VTIMEZONE's rules runs for as long as a
    /// rule says (a change every minute, or a rule that never matches): only
    /// yearly changes at one time of day that happen are handed to it.
    static void check_zone_rule(const std::string& tzid, std::string_view rule_text, std::size_t line) {
        const auto refuse = [&](const std::string& why) {
            bad_file(line, fmt::format("the VTIMEZONE \"{}\" has a rule that is not a yearly change ({}): {}",
                                       tzid.substr(0, 80), why, rule_text.substr(0, 80)));
        };
        detail::rrule rule;
        try {
            rule = detail::parse_rrule(rule_text, "RRULE");
        } catch (const error& e) {
            refuse(e.what());
        }
        if (rule.freq != detail::frequency::yearly || rule.interval != 1) refuse("FREQ=YEARLY with INTERVAL=1");
        if (rule.by_hour.size() > 1 || rule.by_minute.size() > 1 || rule.by_second.size() > 1)
            refuse("one time of day");
        bool happens = false;
        const date::local_seconds some_start{date::local_days{date::year{2000} / 1 / 1}};
        detail::expand_rrule(rule, some_start, date::local_days{date::year{2400} / 1 / 1}, [&](date::local_seconds) {
            happens = true;
            return false;
        });
        if (!happens) refuse("it never happens");
    }

    icaltimezone* vtimezone_of(const std::string& tzid, const std::vector<std::string>& lines, std::size_t line) {
        std::string text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n";
        for (const std::string& l : lines) {
            if (name_of(l) == "RRULE") check_zone_rule(tzid, std::string_view(l).substr(l.find(':') + 1), line);
            text += l + "\r\n";
        }
        text += "END:VCALENDAR\r\n";
        const std::unique_ptr<icalcomponent, component_free> parsed(icalparser_parse_string(text.c_str()));
        icalcomponent* vtimezone =
            parsed ? icalcomponent_get_first_component(parsed.get(), ICAL_VTIMEZONE_COMPONENT) : nullptr;
        if (vtimezone == nullptr)
            bad_file(line, fmt::format("libical cannot read the VTIMEZONE \"{}\"", tzid.substr(0, 80)));
        icalcomponent_remove_component(parsed.get(), vtimezone);
        std::unique_ptr<icaltimezone, zone_free> z(icaltimezone_new());
        if (icaltimezone_set_component(z.get(), vtimezone) == 0) {
            icalcomponent_free(vtimezone);
            bad_file(line, fmt::format("libical cannot read the VTIMEZONE \"{}\"", tzid.substr(0, 80)));
        }
        own_.push_back(std::move(z));
        return own_.back().get();
    }

    wall_clock floating_;
    wall_clock utc_ = wall_clock::utc();
    const raw_calendar& calendar_;
    std::vector<std::unique_ptr<zone>> zones_;
    std::vector<std::unique_ptr<icaltimezone, zone_free>> own_;
    std::map<std::pair<std::size_t, std::string>, wall_clock> clocks_;  // by VCALENDAR and TZID
    std::map<std::string, const zone*> iana_;                           // by name; nullptr: not a zone
    std::map<std::vector<std::string>, wall_clock> defined_;            // by the VTIMEZONE's lines
};

// ---- values -----------------------------------------------------------------------------

/// A DATE or DATE-TIME value with the clock it is read on.
struct moment {
    bool is_date = false;
    date::local_seconds local{};
    const wall_clock* clock = nullptr;
    instant at{};
};

std::optional<int> digits(std::string_view text, std::size_t from, std::size_t count) {
    int value = 0;
    if (from + count > text.size()) return std::nullopt;
    const auto [end, ec] = std::from_chars(text.data() + from, text.data() + from + count, value);
    if (ec != std::errc{} || end != text.data() + from + count) return std::nullopt;
    return value;
}

/// One value `YYYYMMDD`, `YYYYMMDDTHHMMSS` or `YYYYMMDDTHHMMSSZ`.
struct date_time_text {
    bool is_date = false;
    bool utc = false;
    date::local_seconds local{};
};

std::optional<date_time_text> parse_date_time(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    if (v.size() != 8 && v.size() != 15 && !(v.size() == 16 && (v[15] == 'Z' || v[15] == 'z'))) return std::nullopt;
    const auto y = digits(v, 0, 4);
    const auto m = digits(v, 4, 2);
    const auto d = digits(v, 6, 2);
    if (!y || !m || !d) return std::nullopt;
    const date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)}, date::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return std::nullopt;
    date_time_text out{.is_date = v.size() == 8, .utc = v.size() == 16, .local = date::local_seconds{date::local_days{ymd}}};
    if (out.is_date) return out;
    const auto h = digits(v, 9, 2);
    const auto mi = digits(v, 11, 2);
    const auto s = digits(v, 13, 2);
    if ((v[8] != 'T' && v[8] != 't') || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
    out.local += std::chrono::hours{*h} + minutes{*mi} + std::chrono::seconds{*s};
    return out;
}

/// The nominal days and exact time of a DURATION (RFC 5545 §3.3.6).
struct length {
    long long days = 0;
    std::chrono::seconds exact{0};
};

/// `[+|-]P nW` or `[+|-]P [nD] [T [nH] [nM] [nS]]`; refused past a century,
/// which no real event lasts (libical's own reader overflows silently there).
std::optional<length> parse_duration(std::string_view text) {
    constexpr long long century_seconds = 36525LL * 24 * 3600;
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    long long sign = 1;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        sign = text.front() == '-' ? -1 : 1;
        text.remove_prefix(1);
    }
    if (text.size() < 3 || (text.front() != 'P' && text.front() != 'p')) return std::nullopt;
    text.remove_prefix(1);
    length out;
    bool in_time = false;
    bool any = false;
    std::string_view units = "WD";  // the units still allowed, in order
    while (!text.empty()) {
        if (!in_time && (text.front() == 'T' || text.front() == 't')) {
            in_time = true;
            units = "HMS";
            text.remove_prefix(1);
            if (text.empty()) return std::nullopt;
            continue;
        }
        long long n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        const std::size_t digits = static_cast<std::size_t>(end - text.data());
        if (ec != std::errc{} || digits == 0 || digits >= text.size() || n > century_seconds) return std::nullopt;
        const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text[digits])));
        const std::size_t at = units.find(unit);
        if (at == std::string_view::npos) return std::nullopt;
        if (unit == 'W') {
            if (digits + 1 != text.size()) return std::nullopt;  // weeks stand alone
            out.days += 7 * n;
        } else if (unit == 'D') {
            out.days += n;
        } else {
            out.exact += std::chrono::seconds{n * (unit == 'H' ? 3600 : unit == 'M' ? 60 : 1)};
        }
        units.remove_prefix(at + 1);
        text.remove_prefix(digits + 1);
        any = true;
    }
    if (!any || out.days * 86400 + out.exact.count() > century_seconds) return std::nullopt;
    return length{.days = sign * out.days, .exact = sign * out.exact};
}

std::vector<std::string_view> items_of(std::string_view value) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos <= value.size()) {
        const std::size_t end = std::min(value.find(',', pos), value.size());
        if (end > pos) out.push_back(value.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

/// An occurrence given by RDATE, possibly a PERIOD with its own end.
struct extra_date {
    moment start;
    std::optional<instant> end;
};

/// One VEVENT, read.
struct event {
    std::size_t line = 0;
    std::size_t order = 0;
    std::string key;  ///< UID and RECURRENCE-ID: versions of one event share it
    std::string uid;
    long long sequence = 0;
    bool blocks = true;
    std::optional<moment> recurrence_id;
    bool this_and_future = false;  ///< RANGE=THISANDFUTURE: the override moves every later occurrence too
    moment start;
    length span;
    std::vector<detail::rrule> rules, exclusion_rules;
    std::vector<extra_date> extra;
    std::vector<moment> excluded;

    /// The end of an occurrence starting at `at` (wall time `local` on `clock`).
    [[nodiscard]] instant end_of(const moment& at) const {
        const instant base = span.days == 0 ? at.at : at.clock->at(at.local + date::days{span.days});
        return base + span.exact;
    }
};

class event_reader {
public:
    event_reader(zone_book& zones, skip_list& skipped) : zones_(zones), skipped_(skipped) {}

    /// A DATE or DATE-TIME, with `fallback` the clock of floating date-times.
    moment time_of(const property& p, std::string_view value, const wall_clock* fallback) {
        const auto parsed = parse_date_time(value);
        if (!parsed)
            bad_file(p.line, fmt::format("{}: \"{}\" is not a date or date-time", p.name, value.substr(0, 40)));
        if (const std::string* type = p.param("VALUE")) {
            const std::string wanted = upper(*type);
            if ((wanted == "DATE" && !parsed->is_date) || (wanted == "DATE-TIME" && parsed->is_date))
                bad_file(p.line, fmt::format("{}: \"{}\" is not a {} (VALUE={})", p.name, value.substr(0, 40),
                                             wanted == "DATE" ? "date" : "date-time", wanted));
        }
        moment out{.is_date = parsed->is_date, .local = parsed->local, .clock = nullptr, .at = {}};
        if (parsed->is_date) out.clock = &zones_.floating();
        else if (parsed->utc) out.clock = &zones_.utc();
        else if (const std::string* tzid = p.param("TZID"); tzid != nullptr && !tzid->empty())
            out.clock = &zones_.named(*tzid, calendar_, p.line);
        else out.clock = fallback != nullptr ? fallback : &zones_.floating();
        out.at = out.clock->at(out.local);
        return out;
    }

    detail::rrule rule_of(const property& p) {
        try {
            return detail::parse_rrule(p.value, p.name);
        } catch (const error& e) {
            bad_file(p.line, e.what());
        }
    }

    /// The event, or nothing for a VEVENT without DTSTART (RFC 5545 allows
    /// one in a scheduling message; it blocks no time).
    std::optional<event> read(const raw_event& raw) {
        calendar_ = raw.calendar;
        event out;
        out.line = raw.line;
        out.order = raw.order;
        const property* start = raw.first("DTSTART");
        if (start == nullptr) {
            skipped_.add(raw.line, "a VEVENT without DTSTART blocks no time");
            return std::nullopt;
        }
        out.start = time_of(*start, start->value, nullptr);
        // Floating EXDATE, RDATE and RECURRENCE-ID values of a zoned event are on its clock.
        const wall_clock* own = out.start.clock;
        if (const property* uid = raw.first("UID")) out.uid = uid->value;
        if (const property* seq = raw.first("SEQUENCE")) {
            const auto [end, ec] = std::from_chars(seq->value.data(), seq->value.data() + seq->value.size(), out.sequence);
            if (seq->value.empty() || ec != std::errc{} || end != seq->value.data() + seq->value.size())
                bad_file(seq->line, fmt::format("SEQUENCE: \"{}\" is not a whole number", seq->value.substr(0, 20)));
        }
        if (const property* status = raw.first("STATUS"); status != nullptr && upper(status->value) == "CANCELLED")
            out.blocks = false;
        if (const property* transp = raw.first("TRANSP"); transp != nullptr && upper(transp->value) == "TRANSPARENT")
            out.blocks = false;
        if (const property* rid = raw.first("RECURRENCE-ID")) {
            const std::string* range = rid->param("RANGE");
            out.this_and_future = range != nullptr && upper(*range) == "THISANDFUTURE";
            out.recurrence_id = time_of(*rid, rid->value, own);
        }
        out.span = span_of(raw, out.start);
        for (const property& p : raw.properties) {
            if ((p.name == "RRULE" || p.name == "EXRULE") && p.value.find_first_not_of(" \t") == std::string::npos)
                skipped_.add(p.line, fmt::format("an empty {} repeats nothing", p.name));
            else if (p.name == "RRULE") out.rules.push_back(rule_of(p));
            else if (p.name == "EXRULE") out.exclusion_rules.push_back(rule_of(p));
            else if (p.name == "EXDATE")
                for (const std::string_view v : items_of(p.value)) out.excluded.push_back(time_of(p, v, own));
            else if (p.name == "RDATE")
                for (const std::string_view v : items_of(p.value)) out.extra.push_back(extra_of(p, v, own));
        }
        out.key = out.uid.empty() ? fmt::format("\x1f#{}", raw.order)
                                  : out.uid + (out.recurrence_id ? fmt::format("\x1f{}", out.recurrence_id->at.time_since_epoch().count())
                                                                 : std::string("\x1f-"));
        return out;
    }

    /// The busy periods of a VFREEBUSY's FREEBUSY property (RFC 5545
    /// §3.8.2.6): none when FBTYPE=FREE; BUSY, BUSY-UNAVAILABLE,
    /// BUSY-TENTATIVE and unknown types are busy, as the RFC says.
    std::vector<interval> busy_periods(const property& p, std::size_t calendar) {
        calendar_ = calendar;
        if (const std::string* type = p.param("FBTYPE"); type != nullptr && upper(*type) == "FREE") return {};
        std::vector<interval> out;
        for (const std::string_view v : items_of(p.value)) {
            if (v.find('/') == std::string_view::npos)
                bad_file(p.line, fmt::format("a FREEBUSY value is a period START/END or START/DURATION, not \"{}\"",
                                             v.substr(0, 40)));
            const extra_date period = extra_of(p, v, nullptr);
            out.push_back({period.start.at, *period.end});
        }
        return out;
    }

private:
    length span_of(const raw_event& raw, const moment& start) {
        if (const property* end_prop = raw.first("DTEND")) {
            const moment end = time_of(*end_prop, end_prop->value, start.clock);
            length out;
            if (start.is_date && end.is_date) {
                out.days = (date::floor<date::days>(end.local) - date::floor<date::days>(start.local)).count();
                // RFC 5545 wants an all-day DTEND later than DTSTART; producers that
                // write it equal mean the one day, as without DTEND.
                if (out.days == 0) out.days = 1;
            } else {
                out.exact = end.at - start.at;
            }
            if (out.days < 0 || out.exact.count() < 0) bad_file(end_prop->line, "DTEND is before DTSTART");
            return out;
        }
        if (const property* duration = raw.first("DURATION")) {
            const auto out = parse_duration(duration->value);
            if (!out)
                bad_file(duration->line, fmt::format("DURATION: \"{}\" is not a duration", duration->value.substr(0, 40)));
            if (out->days < 0 || out->exact.count() < 0) bad_file(duration->line, "DURATION is negative");
            return *out;
        }
        return length{.days = start.is_date ? 1 : 0, .exact = {}};
    }

    extra_date extra_of(const property& p, std::string_view v, const wall_clock* own) {
        const std::size_t slash = v.find('/');
        if (slash == std::string_view::npos) return {time_of(p, v, own), std::nullopt};
        const moment from = time_of(p, v.substr(0, slash), own);
        if (from.is_date) bad_file(p.line, fmt::format("a {} period starts with a date-time, not a date", p.name));
        const std::string_view second = v.substr(slash + 1);
        instant to;
        if (!second.empty() && (second.front() == 'P' || second.front() == '+' || second.front() == '-')) {
            const auto d = parse_duration(second);
            if (!d) bad_file(p.line, fmt::format("{}: \"{}\" is not a duration", p.name, second.substr(0, 40)));
            to = (d->days == 0 ? from.at : from.clock->at(from.local + date::days{d->days})) + d->exact;
        } else {
            const moment end = time_of(p, second, own);
            if (end.is_date)
                bad_file(p.line, fmt::format("a {} period ends with a date-time or a duration, not a date", p.name));
            to = end.at;
        }
        if (to < from.at) bad_file(p.line, fmt::format("a {} period ends before it starts", p.name));
        return {from, to};
    }

    zone_book& zones_;
    skip_list& skipped_;
    std::size_t calendar_ = 0;  // of the event being read
};

// ---- occurrences ----------------------------------------------------------------------

/// The most occurrences of a file's events expanded, from their starts up to the window's end.
constexpr long long max_file_occurrences = 1'000'000;
/// The most days the rules of a file look at to find them (about a second
/// and a half here): a yearly birthday since 1970 looks at 365 a year, so
/// 3,000 of them fit; 16 MiB of rules that rarely match would take minutes.
constexpr long long max_file_days_examined = 200'000'000;

/// What a file's expansion may still spend.
struct expansion_budget {
    long long occurrences = max_file_occurrences;
    long long days = max_file_days_examined;
};

struct occurrence {
    moment start;
    std::optional<instant> end;
};

/// The occurrences of `rule` from the event's DTSTART up to `last_day`,
/// DTSTART first (RFC 5545: it always is one, and COUNT counts it) when
/// `with_start`.
void expand(const event& e, const detail::rrule& rule, bool with_start, date::local_days last_day,
            expansion_budget& budget, std::vector<occurrence>& out) {
    long long produced = 0;
    if (with_start) {
        out.push_back({e.start, std::nullopt});
        produced = 1;
    }
    bool first = true;
    detail::expand_rrule(rule, e.start.local, last_day, [&](date::local_seconds local) {
        const bool is_start = first && local == e.start.local;
        first = false;
        if (is_start && with_start) return true;
        if (rule.count && ++produced > *rule.count) return false;
        const instant at = e.start.clock->at(local);
        if (rule.until && detail::past_until(*rule.until, local, at)) return detail::may_come_back(*rule.until, at);
        if (--budget.occurrences < 0)
            bad_file(e.line, fmt::format("the file's events have more than {} occurrences before the window's end "
                                         "(this one passed it)",
                                         max_file_occurrences));
        out.push_back({{e.start.is_date, local, e.start.clock, at}, std::nullopt});
        return true;
    }, &budget.days);
    if (budget.days < 0)
        bad_file(e.line, fmt::format("the file's rules look at more than {} days to find their occurrences before "
                                     "the window's end (this one passed it: a rule that rarely matches, from long ago)",
                                     max_file_days_examined));
}

/// Refuses text that is not UTF-8 (RFC 5545 §3.1.4), naming its line and byte,
/// as the HTTP import refuses it: a Latin-1 file would otherwise be read by one
/// front end and refused by another.
void require_utf8(std::string_view text) {
    const std::optional<std::size_t> bad = detail::for_each_code_point(text, [](auto, std::size_t) {});
    if (!bad) return;
    const auto line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(*bad), '\n') + 1;
    bad_file(static_cast<std::size_t>(line),
             fmt::format("byte {} is not UTF-8; an iCalendar file is UTF-8 text (RFC 5545 §3.1.4)", *bad));
}

}  // namespace

ics_busy read_ics(std::string_view text, const zone& floating, interval window) {
    if (text.size() > max_ics_bytes)
        reject("ics", fmt::format("the file is {} bytes; at most {} ({} MiB) are read", text.size(), max_ics_bytes,
                                  max_ics_bytes / (1024 * 1024)));
    require_utf8(text);
    if (window.empty()) reject("window", "the window must end after it starts");
    skip_list skipped;
    const std::vector<content_line> lines = unfold(text, skipped);
    if (lines.empty()) bad_file(0, "the file is empty");
    const raw_calendar calendar = read_structure(lines, skipped);
    zone_book zones(floating, calendar);

    // The version of each event that counts: the highest SEQUENCE, on a tie the later one.
    std::vector<event> events;
    std::unordered_map<std::string, std::size_t> version_of;
    event_reader reader(zones, skipped);
    for (const raw_event& raw : calendar.events) {
        std::optional<event> e = reader.read(raw);
        if (!e) continue;
        const auto [found, fresh] = version_of.try_emplace(e->key, events.size());
        if (fresh) events.push_back(std::move(*e));
        else if (e->sequence >= events[found->second].sequence) events[found->second] = std::move(*e);
    }
    std::set<std::string> masters;  // UIDs with an event that is not an override
    for (const event& e : events)
        if (!e.recurrence_id && !e.uid.empty()) masters.insert(e.uid);
    std::unordered_map<std::string, std::vector<const event*>> overrides;  // of those masters, by UID
    for (const event& e : events)
        if (e.recurrence_id && masters.contains(e.uid)) overrides[e.uid].push_back(&e);

    // Occurrences are expanded two days past the window (wall times against
    // instants), and as far again as a RANGE=THISANDFUTURE override moves
    // later occurrences earlier: those may move into the window.
    std::chrono::seconds moved_earlier{0};
    for (const event& e : events)
        if (e.recurrence_id && e.this_and_future && masters.contains(e.uid))
            moved_earlier = std::max(moved_earlier, e.recurrence_id->at - e.start.at);
    const date::local_days last_day = date::floor<date::days>(date::local_days{} + window.end.time_since_epoch()) +
                                      date::days{2} + std::chrono::ceil<date::days>(moved_earlier);
    expansion_budget budget;
    std::vector<interval> busy;
    const auto keep = [&](instant from, instant to) {
        if (to > from && to > window.start && from < window.end) busy.push_back({from, to});
    };
    for (const event& e : events) {
        if (e.recurrence_id && masters.contains(e.uid)) {
            // An override blocks its own time (its master leaves that occurrence out below, or,
            // with RANGE=THISANDFUTURE, moves it there with the later ones).
            if (e.blocks) keep(e.start.at, e.end_of(e.start));
            continue;
        }
        // An event, or an override whose master is not in the stream: its own occurrences.
        if (!e.blocks) continue;  // its overrides still block on their own
        std::vector<occurrence> found;
        if (e.rules.empty()) found.push_back({e.start, std::nullopt});
        for (const detail::rrule& rule : e.rules) expand(e, rule, true, last_day, budget, found);
        for (const extra_date& extra : e.extra) found.push_back({extra.start, extra.end});
        std::vector<occurrence> dropped;
        for (const detail::rrule& rule : e.exclusion_rules) expand(e, rule, false, last_day, budget, dropped);
        std::set<instant> gone;
        std::set<date::local_days> gone_days;
        for (const occurrence& o : dropped) gone.insert(o.start.at);
        for (const moment& m : e.excluded) {
            if (m.is_date && !e.start.is_date) gone_days.insert(date::floor<date::days>(m.local));
            else gone.insert(m.at);
        }
        std::vector<const event*> ranges;  // RANGE=THISANDFUTURE overrides, by RECURRENCE-ID
        if (const auto o = overrides.find(e.uid); o != overrides.end() && !e.recurrence_id)
            for (const event* changed : o->second) {
                if (changed->this_and_future) ranges.push_back(changed);
                else if (changed->recurrence_id->is_date && !e.start.is_date)
                    gone_days.insert(date::floor<date::days>(changed->recurrence_id->local));
                else gone.insert(changed->recurrence_id->at);
            }
        std::sort(ranges.begin(), ranges.end(),
                  [](const event* a, const event* b) { return a->recurrence_id->at < b->recurrence_id->at; });
        std::stable_sort(found.begin(), found.end(), [](const occurrence& a, const occurrence& b) { return a.start.at < b.start.at; });
        for (std::size_t i = 0; i < found.size(); ++i) {
            const occurrence& o = found[i];
            // One start given twice (a rule and an RDATE period) is one occurrence: the longest.
            if (i + 1 < found.size() && found[i + 1].start.at == o.start.at) {
                const instant mine = o.end ? *o.end : e.end_of(o.start);
                const instant theirs = found[i + 1].end ? *found[i + 1].end : e.end_of(found[i + 1].start);
                if (mine > theirs) found[i + 1] = o;
                continue;
            }
            // A date EXDATE is a local date of DTSTART's zone, whatever clock an RDATE was written on.
            if (gone.contains(o.start.at) || gone_days.contains(date::floor<date::days>(e.start.clock->local(o.start.at))))
                continue;
            // The latest THISANDFUTURE override at or before this occurrence moves it by the
            // override's own shift (in wall time when both are on one clock) and gives it its length.
            const auto after = std::upper_bound(ranges.begin(), ranges.end(), o.start.at,
                                                [](instant t, const event* r) { return t < r->recurrence_id->at; });
            if (after == ranges.begin()) {
                keep(o.start.at, o.end ? *o.end : e.end_of(o.start));
                continue;
            }
            const event& range = **std::prev(after);
            if (!range.blocks) continue;
            moment moved = o.start;
            if (range.start.clock == range.recurrence_id->clock && moved.clock == range.start.clock) {
                moved.local += range.start.local - range.recurrence_id->local;
                moved.at = moved.clock->at(moved.local);
            } else {
                moved.at += range.start.at - range.recurrence_id->at;
            }
            keep(moved.at, range.end_of(moved));
        }
    }
    for (const raw_event& published : calendar.free_busy)
        for (const property& p : published.properties)
            for (const interval& period : reader.busy_periods(p, published.calendar)) keep(period.start, period.end);
    const interval_set merged(std::move(busy));
    return {{merged.begin(), merged.end()}, std::move(skipped).take()};
}

}  // namespace slotcraft
