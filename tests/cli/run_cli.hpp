#pragma once
// Runs the slotcraft CLI (SLOTCRAFT_CLI, set by CMake) as a process, for the
// CLI tests and the CLI-on-PostgreSQL tests.

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

namespace slotcraft::test {

struct outcome {
    int status = -1;
    std::string out;
    std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Runs `slotcraft ARGS` with `input` on stdin.
inline outcome run(const std::string& args, const std::string& input) {
    namespace fs = std::filesystem;
    static std::atomic<int> counter{0};
    const fs::path dir = fs::temp_directory_path() / ("slotcraft-cli-test-" + std::to_string(::getpid()) + "-" +
                                                      std::to_string(counter++));
    fs::create_directories(dir);
    std::ofstream(dir / "in") << input;
    const std::string command = std::string("'") + SLOTCRAFT_CLI + "' " + args + " < '" + (dir / "in").string() +
                                "' > '" + (dir / "out").string() + "' 2> '" + (dir / "err").string() + "'";
    const int raw = std::system(command.c_str());
    outcome result{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(dir / "out"), slurp(dir / "err")};
    fs::remove_all(dir);
    return result;
}

}  // namespace slotcraft::test
