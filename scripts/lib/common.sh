# Shared set-up for scripts/demo, scripts/test and scripts/fuzz (sourced, not run).
# Installs missing Debian packages (through sudo when not root) and finds tools.

SLOTCRAFT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Debian packages the build and the tests need.
SLOTCRAFT_BUILD_PACKAGES=(
  g++ cmake ninja-build pkg-config tzdata python3
  libhowardhinnant-date-dev libboost-dev libboost-date-time-dev libfmt-dev nlohmann-json3-dev doctest-dev libcli11-dev
  libsqlite3-dev sqlite3 libpqxx-dev libical-dev libicu-dev
  python3-dev pybind11-dev python3-pybind11 python3-pytest python3-pip python3-setuptools python3-wheel
)

# What the HTTP API (python3 -m slotcraft.server) runs on; on a PostgreSQL
# database it keeps its API keys through python3-psycopg2 too, and it hashes
# users' passwords with python3-argon2; the first answers of idempotent POSTs
# that show a secret are kept encrypted with python3-cryptography. The PDF
# reports' charts (reportlab.graphics) need python3-renderpm, which Debian only
# recommends, and we install without recommends.
SLOTCRAFT_SERVER_PACKAGES=(python3-fastapi python3-uvicorn python3-psycopg2 python3-reportlab python3-renderpm fonts-dejavu-core
  python3-httpx python3-argon2 python3-cryptography)

# What scripts/test needs besides: a PostgreSQL server to start for the tests,
# a second iCalendar reader and recurrence expander (python3-icalendar,
# python3-dateutil) to check exported and imported files with, the PostgreSQL
# driver the booking bot example and the HTTP API keep their own tables with,
# and the HTTP API with the client its tests call it with (python3-httpx); the
# admin panel's browser tests drive headless Chromium with Selenium and read
# PDF reports with pdftotext (poppler-utils); the booking bot finds time zones
# by city in English and Russian in the Unicode CLDR (python3-babel).
SLOTCRAFT_TEST_PACKAGES=(postgresql python3-icalendar python3-dateutil python3-psycopg2 python3-pypdf python3-jsonschema
  "${SLOTCRAFT_SERVER_PACKAGES[@]}" python3-httpx chromium chromium-driver python3-selenium poppler-utils python3-babel)

sc_as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# sc_ensure_packages PKG...: installs the packages that are not installed yet.
sc_ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "slotcraft: installing ${missing[*]}" >&2
  sc_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  sc_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# sc_ensure_npm: npm, for the browser-side libraries the build installs with
# `npm ci` (web/package-lock.json). Debian's nodejs and npm unless a Node.js
# with its own npm is already installed (NodeSource's nodejs package has one).
sc_ensure_npm() {
  command -v npm >/dev/null 2>&1 || sc_ensure_packages nodejs npm
}

# The build type of scripts/test and scripts/demo (one build/ serves both):
# RelWithDebInfo with line tables only (-g1). Backtraces keep file and line;
# full debug info, a third of the compile time of the pybind11 and doctest
# files (37.5 s against 27.5 s for bind_scheduler.cpp), is left to a
# debugging build of one's own.
SLOTCRAFT_BUILD_TYPE_ARGS=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")

# sc_configure_build DIR [CMAKE_ARGS...]: configures and builds into DIR.
sc_configure_build() {
  local dir=$1; shift
  cmake -S "$SLOTCRAFT_ROOT" -B "$dir" -G Ninja "${SLOTCRAFT_BUILD_TYPE_ARGS[@]}" "$@"
  cmake --build "$dir" --parallel "$(nproc)"
}
