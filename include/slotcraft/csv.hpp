#pragma once
/// \file
/// RFC 4180 CSV for spreadsheets: fields quoted when they must be, CRLF line
/// ends, cells a spreadsheet would run as a formula neutralised, and an
/// optional UTF-8 byte order mark so that spreadsheet programs read
/// non-Latin text (Cyrillic names) as UTF-8.

#include <initializer_list>
#include <string>
#include <string_view>

namespace slotcraft {

/// Whether a CSV file starts with the UTF-8 byte order mark (EF BB BF).
enum class byte_order_mark {
    write,  ///< for files meant for spreadsheet programs (the default)
    omit,   ///< for programs that read plain UTF-8
};

/// The UTF-8 byte order mark.
inline constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

/// An empty CSV file: the byte order mark or nothing.
[[nodiscard]] inline std::string csv_start(byte_order_mark bom) {
    return bom == byte_order_mark::write ? std::string(utf8_bom) : std::string();
}

/// True when a spreadsheet would read `field` as a formula: it begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP, "CSV Injection").
[[nodiscard]] constexpr bool csv_formula_like(std::string_view field) noexcept {
    return !field.empty() && std::string_view("=+-@\t\r").find(field.front()) != std::string_view::npos;
}

/// Appends one record of `fields` to `out`. A field a spreadsheet would run
/// as a formula gets a `'` in front, so it is shown as the text it is; a
/// field holding a comma, a double quote, CR or LF, or space at either end
/// is quoted, its quotes doubled.
inline void append_csv_record(std::string& out, std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (std::string_view field : fields) {
        if (!first) out += ',';
        first = false;
        const std::string_view guard = csv_formula_like(field) ? "'" : "";
        const bool quoted = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!field.empty() && (field.front() == ' ' || field.back() == ' '));
        if (!quoted) {
            out += guard;
            out += field;
            continue;
        }
        out += '"';
        out += guard;
        for (char c : field) {
            if (c == '"') out += '"';
            out += c;
        }
        out += '"';
    }
    out += "\r\n";
}

}  // namespace slotcraft
