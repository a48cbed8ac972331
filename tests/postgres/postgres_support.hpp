#pragma once
// The PostgreSQL test database: its URI comes from SLOTCRAFT_TEST_POSTGRES_URI
// (scripts/test starts a throwaway server and sets it). Each test works in a
// schema of its own, so tests may run in parallel on one database. The
// database must already have the extension btree_gist in a schema no test
// drops (scripts/lib/postgres.sh creates it in public): a store that finds it
// missing creates it in its own schema, and dropping that schema would take
// the extension away from every other test's tables.

#include <slotcraft/storage/postgres_store.hpp>

#include <pqxx/pqxx>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace slotcraft::test {

/// The test database's URI; throws when the variable is not set.
inline std::string postgres_test_uri() {
    const char* uri = std::getenv("SLOTCRAFT_TEST_POSTGRES_URI");
    if (uri == nullptr || *uri == '\0') throw std::runtime_error("SLOTCRAFT_TEST_POSTGRES_URI is not set");
    return uri;
}

/// `uri` with `search_path` set to `schema` for every connection.
inline std::string uri_with_schema(const std::string& uri, const std::string& schema) {
    return uri + (uri.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

/// A new, empty schema, dropped with everything in it when the object goes.
class scratch_schema {
public:
    scratch_schema() : name_(fresh_name()) { admin("CREATE SCHEMA " + name_); }
    scratch_schema(const scratch_schema&) = delete;
    scratch_schema& operator=(const scratch_schema&) = delete;
    ~scratch_schema() {
        try {
            admin("DROP SCHEMA " + name_ + " CASCADE");
        } catch (const std::exception&) {
            // A leftover schema in a throwaway database harms no later test.
        }
    }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] std::string uri() const { return uri_with_schema(postgres_test_uri(), name_); }

    /// A plain libpqxx connection to the schema, for checks in SQL.
    [[nodiscard]] pqxx::connection connect() const { return pqxx::connection(uri()); }

private:
    static void admin(const std::string& sql) {
        pqxx::connection conn{postgres_test_uri()};
        pqxx::nontransaction tx{conn};
        tx.exec0(sql);
    }

    static std::string fresh_name() {
        static std::atomic<int> counter{0};
        return "t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    }

    std::string name_;
};

}  // namespace slotcraft::test
