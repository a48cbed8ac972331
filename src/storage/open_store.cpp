#include <slotcraft/error.hpp>
#include <slotcraft/storage/memory_store.hpp>
#include <slotcraft/storage/open_store.hpp>
#include <slotcraft/storage/sqlite_store.hpp>

#ifdef SLOTCRAFT_HAS_POSTGRES
#include <slotcraft/storage/postgres_store.hpp>
#endif

#include <string>

namespace slotcraft {

bool postgres_store_available() noexcept {
#ifdef SLOTCRAFT_HAS_POSTGRES
    return true;
#else
    return false;
#endif
}

std::unique_ptr<store> open_store(std::string_view target) {
    if (target.empty()) reject("db", "a store is required: a SQLite file path, postgresql://... or memory:");
    // The C APIs below would read up to the NUL and open another file or server.
    if (target.find('\0') != std::string_view::npos) reject("db", "must not contain a NUL character");
    if (target.starts_with("postgresql://") || target.starts_with("postgres://")) {
#ifdef SLOTCRAFT_HAS_POSTGRES
        return open_postgres_store(std::string(target));
#else
        reject("db", "this build of slotcraft has no PostgreSQL store (configure with -DSLOTCRAFT_BUILD_POSTGRES=ON)");
#endif
    }
    if (target == "memory:") return open_memory_store();
    return open_sqlite_store(std::string(target));
}

}  // namespace slotcraft
