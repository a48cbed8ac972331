#pragma once
// The stores the conformance suites run on, as doctest template arguments.
// Where stores legitimately differ, a backend says so with a capability flag
// (as SOCI's tests/test-context.h does) and a test asks `if constexpr`:
//
//   cross_process        another store object opened on the same database
//                        (open_again()) shares its data and its at-most-once
//                        guarantees, as another process would;
//   overlap_in_database  the database itself refuses an overlapping active
//                        booking and an over-sold group slot written past the
//                        scheduler (PostgreSQL's EXCLUDE constraint and seat
//                        trigger); elsewhere that check is the scheduler's.

#include <slotcraft/storage/memory_store.hpp>
#include <slotcraft/storage/sqlite_store.hpp>

#ifdef SLOTCRAFT_HAS_POSTGRES
#include "../postgres/postgres_support.hpp"
#endif

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

namespace slotcraft::test {

struct memory_backend {
    static constexpr bool cross_process = false;  // each store object is its own database
    static constexpr bool overlap_in_database = false;
    std::unique_ptr<store> backend = open_memory_store();
    store& get() { return *backend; }
};

/// A fresh SQLite file per test, removed afterwards.
struct sqlite_backend {
    static constexpr bool cross_process = true;
    static constexpr bool overlap_in_database = false;
    std::filesystem::path path = fresh_path();
    std::unique_ptr<store> backend = open_sqlite_store(path.string());
    store& get() { return *backend; }
    /// Another store object on the same file, as another process opens it.
    [[nodiscard]] std::unique_ptr<store> open_again() const { return open_sqlite_store(path.string()); }

    ~sqlite_backend() {
        backend.reset();
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path.string() + suffix, ignored);
    }

    static std::filesystem::path fresh_path() {
        static std::atomic<int> counter{0};
        return std::filesystem::temp_directory_path() /
               ("slotcraft-conformance-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".sqlite");
    }
};

#ifdef SLOTCRAFT_HAS_POSTGRES
/// A fresh schema of the test database per test, dropped afterwards.
struct postgres_backend {
    static constexpr bool cross_process = true;
    static constexpr bool overlap_in_database = true;
    scratch_schema schema;
    std::unique_ptr<store> backend = open_postgres_store(schema.uri());
    store& get() { return *backend; }
    /// Another store object (its own connections) on the same schema.
    [[nodiscard]] std::unique_ptr<store> open_again() const { return open_postgres_store(schema.uri()); }
    ~postgres_backend() { backend.reset(); }  // before the schema is dropped
};
#endif

}  // namespace slotcraft::test
