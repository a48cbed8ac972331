#pragma once
// What the reports share (not installed): the names of catalog records, each
// read once per transaction, and the resources a report covers.

#include "../scheduler/scheduling.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotcraft::scheduling {

/// The names of catalog records, each read once per transaction.
class catalog_names {
public:
    explicit catalog_names(transaction& tx) : tx_(tx) {}

    /// The name of the `kind` ("service", "location", "resource" or "client")
    /// with id `id`; empty when it has none or does not exist.
    const std::string& of(std::string_view kind, const std::string& id) {
        const std::string key = fmt::format("{}:{}", kind, id);
        if (const auto it = names_.find(key); it != names_.end()) return it->second;
        return names_.emplace(key, read(kind, id)).first->second;
    }

private:
    std::string read(std::string_view kind, const std::string& id) {
        if (id.empty()) return {};
        if (kind == "service") return name_in(tx_.service(id));
        if (kind == "location") return name_in(tx_.location(id));
        if (kind == "resource") return name_in(tx_.resource(id));
        return name_in(tx_.client(id));
    }
    template <class Record>
    static std::string name_in(const std::optional<Record>& record) {
        return record ? record->name : std::string();
    }

    transaction& tx_;
    std::map<std::string, std::string, std::less<>> names_;
};

/// The resources a report covers: those named (not_found `resources[i]` for
/// an unknown one), else every resource; in the order named.
inline std::vector<resource_record> report_resources(transaction& tx, const std::vector<std::string>& named) {
    std::vector<resource_record> chosen;
    if (named.empty()) return tx.resources();
    for (std::size_t i = 0; i < named.size(); ++i) {
        auto r = tx.resource(named[i]);
        if (!r) missing(fmt::format("resources[{}]", i), "resource", named[i]);
        chosen.push_back(std::move(*r));
    }
    return chosen;
}

}  // namespace slotcraft::scheduling
