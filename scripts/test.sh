#!/usr/bin/env bash
# The whole test suite, twice: on the embedded PGlite database, then on a real
# PostgreSQL server that the suite starts itself (installed from Debian's
# packages when missing and we are root). Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npx tsc --noEmit || { echo "type check failed"; exit 1; }
npx tsc --noEmit -p web || { echo "console type check failed"; exit 1; }
# The console tests drive the built console: build it from the sources under test.
npm run -s build:web >/dev/null || { echo "console build failed"; exit 1; }
# schema.graphql and the generated typed documents must match the code.
npx tsx scripts/print-schema.ts --check || exit 1
npx graphql-codegen --config codegen.yml --check >/dev/null || { echo "generated GraphQL documents are stale: run npm run codegen"; exit 1; }

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
for db in pglite postgresql; do
  echo "== test suite on $db =="
  RELAIS_TEST_DB=$db npx vitest run --reporter=default --reporter=json \
    --outputFile.json="$results/$db.json" "$@" || status=1
done

node -e '
  let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(1)) {
    try {
      const r = JSON.parse(require("fs").readFileSync(f, "utf8"));
      passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
    } catch { failed += 1; }
  }
  console.log(`relais: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/pglite.json" "$results/postgresql.json"
exit $status
