#pragma once
/// \file
/// RFC 4180 CSV: fields quoted when they must be, CRLF line ends.

#include <initializer_list>
#include <string>
#include <string_view>

namespace slotcraft {

/// Appends one record of `fields` to `out`: a field holding a comma, a double
/// quote, CR or LF, or space at either end is quoted, its quotes doubled.
inline void append_csv_record(std::string& out, std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (std::string_view field : fields) {
        if (!first) out += ',';
        first = false;
        const bool quoted = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!field.empty() && (field.front() == ' ' || field.back() == ' '));
        if (!quoted) {
            out += field;
            continue;
        }
        out += '"';
        for (char c : field) {
            if (c == '"') out += '"';
            out += c;
        }
        out += '"';
    }
    out += "\r\n";
}

}  // namespace slotcraft
