#!/usr/bin/env bash
# npm run bench: relais against a private Postfix on loopback, same load, one
# run (../shared/bench/compare-postfix.sh). relais runs in a bench
# configuration: loopback trusted (smtp-source has no AUTH), every domain
# routed to the sink on 127.0.0.1:2526. Database: a throw-away PostgreSQL with
# its default durability (fsync and synchronous_commit on), or PGlite with
# BENCH_DB=pglite. Extra arguments go to compare-postfix.sh (e.g. -n 2000 -R 1).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH_DIR=${BENCH_DIR:-$ROOT/../shared/bench}
[ -x "$BENCH_DIR/compare-postfix.sh" ] || [ -f "$BENCH_DIR/compare-postfix.sh" ] ||
  { echo "benchmark scripts not found in $BENCH_DIR (set BENCH_DIR)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "the benchmark starts a private Postfix and needs root" >&2; exit 2; }
[ -d node_modules ] || npm ci --no-audit --no-fund

bash "$BENCH_DIR/compare-postfix.sh" -I >&2
WORK=$(mktemp -d -t relais-bench.XXXXXX)
chmod 755 "$WORK"
RELAY_PID=""
cleanup() {
  [ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null && wait "$RELAY_PID" 2>/dev/null
  [ "${BENCH_DB:-postgresql}" = postgresql ] && bash scripts/postgres.sh stop "$WORK/pg" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export RELAIS_DATA_DIR=$WORK/data
export RELAIS_SMTP_HOST=127.0.0.1 RELAIS_SMTP_PORT=2525 RELAIS_HTTP_PORT=0
export RELAIS_TRUSTED_NETWORKS=127.0.0.0/8 RELAIS_ROUTES='*=127.0.0.1:2526'
export RELAIS_HOSTNAME=relais.bench.test
# One sender pushing 10000 messages in a minute is exactly a traffic spike:
# detection still runs, but it only alerts, so the load is not held.
export RELAIS_ANOMALY_ACTION=alert
if [ "${BENCH_DB:-postgresql}" = postgresql ]; then
  RELAIS_DATABASE_URL=$(bash scripts/postgres.sh start "$WORK/pg" 55499)
  export RELAIS_DATABASE_URL
fi
bin/relais.js start 2>"$WORK/relais.log" &
RELAY_PID=$!
for _ in $(seq 300); do
  ss -ltnH 'sport = :2525' | grep -q . && break
  kill -0 "$RELAY_PID" 2>/dev/null || { cat "$WORK/relais.log" >&2; exit 1; }
  sleep 0.1
done
echo "# relais $(git rev-parse --short HEAD 2>/dev/null) database=${BENCH_DB:-postgresql} pid=$RELAY_PID" >&2
TMPDIR=$WORK bash "$BENCH_DIR/compare-postfix.sh" -t 127.0.0.1:2525 -m "echo $RELAY_PID" "$@"
