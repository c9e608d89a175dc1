#!/usr/bin/env bash
# Starts (or stops) a throw-away PostgreSQL server for the test suite and the
# benchmark: its own data directory, loopback only, its own port. Installs
# Debian's postgresql package first when it is missing and we are root.
#   scripts/postgres.sh start DIR PORT [fast] -> prints the postgres:// URL
#     (fast: fsync off, for tests only; the default keeps PostgreSQL's durability)
#   scripts/postgres.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?data directory}; port=${3:-55432}; mode=${4:-durable}

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && { echo "$d"; return; }; done
  return 1
}

if [ "$cmd" = stop ]; then
  bin=$(find_bin) || exit 0
  [ -f "$dir/data/postmaster.pid" ] && su postgres -s /bin/sh -c "$bin/pg_ctl -D '$dir/data' -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

if ! bin=$(find_bin); then
  [ "$(id -u)" = 0 ] || { echo "PostgreSQL is not installed; as root: apt-get install postgresql" >&2; exit 2; }
  echo "# installing PostgreSQL (Debian package)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends postgresql >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends postgresql >/dev/null; }
  bin=$(find_bin)
fi

# postgres refuses to run as root: the server runs as the postgres user, in a
# folder that user owns.
id postgres >/dev/null 2>&1 || useradd --system --home "$dir" postgres
mkdir -p "$dir"
chown postgres "$dir"
chmod 700 "$dir"
if [ ! -f "$dir/data/PG_VERSION" ]; then
  su postgres -s /bin/sh -c "$bin/initdb -D '$dir/data' -U postgres --auth=trust -E UTF8 --no-sync" >/dev/null
fi
extra=''
[ "$mode" = fast ] && extra='-c fsync=off -c synchronous_commit=off -c full_page_writes=off'
su postgres -s /bin/sh -c "$bin/pg_ctl -D '$dir/data' -l '$dir/server.log' -w \
  -o \"-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c max_connections=300 $extra\" start" >/dev/null
echo "postgres://postgres@127.0.0.1:$port/postgres"
