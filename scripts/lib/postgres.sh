# A throwaway PostgreSQL server for the tests (sourced by scripts/test).
#
#   sc_pg_start DIR   initdb + pg_ctl start in DIR (a fresh folder), listening
#                     only on a unix socket in DIR/socket; as user postgres
#                     when run as root. Exports SLOTCRAFT_TEST_POSTGRES_URI.
#   sc_pg_start_replica
#                     a streaming replica of it (pg_basebackup -R) in
#                     DIR/replica, on its own socket; exports
#                     SLOTCRAFT_TEST_POSTGRES_REPLICA_URI.
#   sc_pg_stop        stops them (fast shutdown) and removes DIR.
#
# The server is for tests only: fsync is off (SC_PG_FSYNC=on turns it on, for
# benchmarks of commits that reach the disk) and every local user is trusted.

SC_PG_DIR=""

sc_pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "slotcraft: no PostgreSQL server binaries under /usr/lib/postgresql (Debian package postgresql)" >&2
    return 1
  fi
  echo "$dir"
}

# Runs a server binary as the user owning the data (postgres when we are root).
sc_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

sc_pg_start() {
  local dir=$1 bin port
  bin=$(sc_pg_bindir) || return 1
  SC_PG_DIR=$dir
  mkdir -p "$dir/socket"
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir"; fi
  sc_pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; return 1; }
  # The port only names the socket file (in our own folder); nothing listens on TCP.
  port=5432
  sc_pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir/socket' -p $port -c fsync=${SC_PG_FSYNC:-off} -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; return 1; }
  sc_pg_as_owner "$bin/createdb" -h "$dir/socket" -p "$port" -U postgres slotcraft_test
  # In public, once: each test works in a schema of its own and drops it after,
  # and a store creating the extension would put it in (and drop it with) that schema.
  sc_pg_as_owner "$bin/psql" -q -h "$dir/socket" -p "$port" -U postgres -d slotcraft_test \
    -c "CREATE EXTENSION btree_gist SCHEMA public" >/dev/null
  export SLOTCRAFT_TEST_POSTGRES_URI="postgresql:///slotcraft_test?host=$dir/socket&port=$port&user=postgres"
  echo "slotcraft: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests at $SLOTCRAFT_TEST_POSTGRES_URI" >&2
}

sc_pg_start_replica() {
  local bin dir=$SC_PG_DIR/replica port=5433
  bin=$(sc_pg_bindir) || return 1
  mkdir -p "$dir/socket"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir"; fi
  sc_pg_as_owner "$bin/pg_basebackup" -h "$SC_PG_DIR/socket" -p 5432 -U postgres -D "$dir/data" -R \
    >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; return 1; }
  # max_connections may not be lower than the primary's.
  sc_pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir/socket' -p $port -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; return 1; }
  export SLOTCRAFT_TEST_POSTGRES_REPLICA_URI="postgresql:///slotcraft_test?host=$dir/socket&port=$port&user=postgres"
  echo "slotcraft: a streaming replica of it at $SLOTCRAFT_TEST_POSTGRES_REPLICA_URI" >&2
}

sc_pg_stop() {
  [ -n "$SC_PG_DIR" ] || return 0
  local bin
  bin=$(sc_pg_bindir) || return 0
  if [ -f "$SC_PG_DIR/replica/data/postmaster.pid" ]; then
    sc_pg_as_owner "$bin/pg_ctl" -D "$SC_PG_DIR/replica/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$SC_PG_DIR/data/postmaster.pid" ]; then
    sc_pg_as_owner "$bin/pg_ctl" -D "$SC_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$SC_PG_DIR"
  SC_PG_DIR=""
}
