#pragma once
// The stores the conformance suite runs on, as doctest template arguments.

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
    std::unique_ptr<store> backend = open_memory_store();
    store& get() { return *backend; }
};

/// A fresh SQLite file per test, removed afterwards.
struct sqlite_backend {
    std::filesystem::path path = fresh_path();
    std::unique_ptr<store> backend = open_sqlite_store(path.string());
    store& get() { return *backend; }

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
    scratch_schema schema;
    std::unique_ptr<store> backend = open_postgres_store(schema.uri());
    store& get() { return *backend; }
    ~postgres_backend() { backend.reset(); }  // before the schema is dropped
};
#endif

}  // namespace slotcraft::test
