// Every public header in one translation unit: compiled by a second compiler
// (clang) so that the header-only engine does not rely on GCC-only leniency.
#include <slotcraft/catalog_json.hpp>
#include <slotcraft/interop/boost_date_time.hpp>
#include <slotcraft/json.hpp>
#include <slotcraft/scheduler.hpp>
#include <slotcraft/slotcraft.hpp>
#include <slotcraft/storage/memory_store.hpp>
#include <slotcraft/storage/open_store.hpp>
#include <slotcraft/storage/postgres_store.hpp>
#include <slotcraft/storage/sqlite_store.hpp>

int main() {
    const slotcraft::slot_query query = slotcraft::parse_query(
        R"({"now": "2026-03-01T08:00:00Z", "from": "2026-03-02T00:00:00Z", "to": "2026-03-03T00:00:00Z",
            "service": {"duration": 30},
            "resources": [{"id": "a", "timezone": "UTC", "weekly": {"mon": [["09:00", "10:00"]]}}]})");
    return slotcraft::find_slots(query).size() == 2 ? 0 : 1;
}
