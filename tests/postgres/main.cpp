// doctest's main for the PostgreSQL tests. Without a server to test against
// (SLOTCRAFT_TEST_POSTGRES_URI unset) the tests are skipped, never passed:
// exit status 77, which CTest reports as "Skipped". With
// SLOTCRAFT_REQUIRE_POSTGRES=1 (scripts/test, CI) a missing server fails.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

int main(int argc, char** argv) {
    bool listing = false;
    for (int i = 1; i < argc; ++i) listing = listing || std::string_view(argv[i]).starts_with("--list-");
    const char* uri = std::getenv("SLOTCRAFT_TEST_POSTGRES_URI");
    if (!listing && (uri == nullptr || *uri == '\0')) {
        const char* required = std::getenv("SLOTCRAFT_REQUIRE_POSTGRES");
        if (required != nullptr && std::string_view(required) == "1") {
            std::fputs("FAILED: SLOTCRAFT_REQUIRE_POSTGRES=1 but SLOTCRAFT_TEST_POSTGRES_URI is not set\n", stderr);
            return 1;
        }
        std::puts("SKIPPED: no PostgreSQL server to test against (set SLOTCRAFT_TEST_POSTGRES_URI; scripts/test does)");
        return 77;
    }
    doctest::Context context(argc, argv);
    return context.run();
}
