#include <slotcraft/error.hpp>
#include <slotcraft/storage/open_store.hpp>
#include <slotcraft/storage/sqlite_store.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <unistd.h>

namespace slotcraft {

TEST_CASE("open_store refuses an empty target, naming the field db") {
    try {
        (void)open_store("");
        FAIL("an empty target was accepted");
    } catch (const error& e) {
        CHECK(e.category() == error_category::invalid_argument);
        CHECK(e.field() == "db");
    }
}

TEST_CASE("a store target holding a NUL is refused, and no file named by its first part is made") {
    const auto dir = std::filesystem::temp_directory_path() / ("slotcraft-nul-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "x").string() + std::string("\0y.sqlite", 9);
    const auto field_of = [](auto&& open) {
        try {
            (void)open();
        } catch (const error& e) {
            CHECK(e.category() == error_category::invalid_argument);
            return e.field();
        }
        FAIL("a path with a NUL was accepted");
        return std::string();
    };
    CHECK(field_of([&] { return open_store(path); }) == "db");
    CHECK(field_of([&] { return open_sqlite_store(path); }) == "path");
    CHECK(std::filesystem::is_empty(dir));
    std::filesystem::remove_all(dir);
}

TEST_CASE("open_store gives separate empty stores for memory:") {
    auto first = open_store("memory:");
    auto second = open_store("memory:");
    first->write({}, [](transaction& tx) { tx.put_location({.id = "salon", .name = "Salon"}); });
    CHECK(first->read([](transaction& tx) { return tx.location("salon").has_value(); }));
    CHECK_FALSE(second->read([](transaction& tx) { return tx.location("salon").has_value(); }));
}

TEST_CASE("open_store opens a SQLite file for a path and finds its records again") {
    const auto path = std::filesystem::temp_directory_path() /
                      ("slotcraft-open-store-" + std::to_string(::getpid()) + ".sqlite");
    {
        auto db = open_store(path.string());
        db->write({}, [](transaction& tx) { tx.put_location({.id = "salon", .name = "Salon"}); });
    }
    CHECK(std::filesystem::exists(path));
    auto again = open_store(path.string());
    CHECK(again->read([](transaction& tx) { return tx.location("salon").has_value(); }));
    again.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

TEST_CASE("open_store sends postgresql:// URIs to the PostgreSQL store or says it is not built") {
    if (postgres_store_available()) {
        // Nothing listens on port 1: the PostgreSQL store reports a storage error.
        CHECK_THROWS_AS((void)open_store("postgresql://127.0.0.1:1/none?connect_timeout=2"), error);
    } else {
        try {
            (void)open_store("postgresql://127.0.0.1/none");
            FAIL("a PostgreSQL URI was accepted by a build without the PostgreSQL store");
        } catch (const error& e) {
            CHECK(e.field() == "db");
            CHECK(std::string(e.what()).find("PostgreSQL") != std::string::npos);
        }
    }
}

}  // namespace slotcraft
