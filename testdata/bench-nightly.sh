#!/usr/bin/env bash
# Measures the nightly import:
#   1. a nightly file of NIGHT_ROWS rows (default 20,000), about half of them stored records with a
#      changed phone, e-mail or address (same Код) and half new customers, into a store of
#      STORE_ROWS records (default 1,000,000): seconds and peak RSS (target ≤ 10 s); and into an
#      empty store, for comparison (there its changed rows are new records: a different job);
#   2. the same file into an empty store and into a store holding other customers (the issue's
#      ratio): a file of NIGHT_ROWS new customers, into an empty store and into the store of
#      STORE_ROWS records: the full store may take at most 1.5× as long.
# Setup (the STORE_ROWS import into an empty store) is timed too; it is not the target.
# Usage: testdata/bench-nightly.sh [STORE_ROWS [NIGHT_ROWS]]; SEED=… (default 1) changes the data.
# SQLite is always measured, PostgreSQL when CRMKIT_TEST_DATABASE_URL is set (a fresh schema per
# store, dropped at exit); after the setup its tables get a VACUUM ANALYZE, as autovacuum would give
# them before the next night (a test server may run with autovacuum off; NO_VACUUM=1 skips it), and
# a CHECKPOINT, so that the night does not compete with writing the setup out.
# The SQLite base store is kept as bench/nightly-base-*.db, named after its rows, seed and the SQLite
# migrations and keys version; REBUILD=1 builds it again (e.g. after a change to matching).
set -euo pipefail
store_rows=${1:-${STORE_ROWS:-1000000}}
night_rows=${2:-${NIGHT_ROWS:-20000}}
seed=${SEED:-1}
[[ $store_rows =~ ^[1-9][0-9]*$ && $night_rows =~ ^[1-9][0-9]*$ && $seed =~ ^[0-9]+$ ]] ||
  { echo "usage: testdata/bench-nightly.sh [STORE_ROWS [NIGHT_ROWS]] (numbers; SEED=… a number)" >&2; exit 2; }
cd "$(dirname "$0")/.."
mkdir -p bench
[ -x bin/crmkit ] || { echo "bench-nightly: build bin/crmkit first (make build)" >&2; exit 1; }

base=bench/base-$store_rows-s$seed.csv
night=bench/nightly-$night_rows-of-$store_rows-s$seed.csv
[ -f "$base" ] || go run ./testdata/gen -rows "$store_rows" -seed "$seed" -o "$base"
[ -f "$night" ] || go run ./testdata/gen -rows "$night_rows" -nightly-of "$store_rows" -seed "$seed" -o "$night"
others=bench/new-$night_rows-of-$store_rows-s$seed.csv
[ -f "$others" ] || go run ./testdata/gen -rows "$night_rows" -nightly-of "$store_rows" -new-only -seed "$seed" -o "$others"

# run LOG FILE DSN: one timed import; leaves its wall seconds and peak RSS (MB) in $secs and $rss,
# and its JSON summary in LOG.json.
run() {
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -v ./bin/crmkit import -q --format json --source bench --store "$3" "$2" > "$1.json" 2> "$1.txt" ||
    { echo "bench-nightly: crmkit import $2 into $3 failed:" >&2; tail -n 30 "$1.txt" >&2; exit 1; }
  end=$(date +%s.%N)
  secs=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.1f", e-s}')
  rss=$(awk '/Maximum resident set size/ {printf "%.0f", $6/1024}' "$1.txt")
}
# field LOG NAME: a number from LOG.json.
field() { sed -n "s/^  \"$2\": \([0-9]*\),*$/\1/p" "$1.json"; }

# ratio A B: A/B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a/b; else print "inf"}'; }

# report ENGINE: the lines of one engine; $full_* and $empty_* are its two nightly runs, $other_*
# and $fresh_* the file of new customers into the full and an empty store; new and changed
# records are counted in the store by the command $sql (SQL on stdin).
report() {
  local r1 r2 verdict
  r1=$(ratio "$full_secs" "$empty_secs") r2=$(ratio "$other_secs" "$fresh_secs")
  verdict=$(awk -v a="$full_secs" 'BEGIN {print (a <= 10 ? "≤ 10 s ok" : "> 10 s MISSED")}')
  printf '%-9s setup: %d rows into an empty store in %.1f s, peak RSS %d MB%s\n' "$1" "$store_rows" "$setup_secs" "$setup_rss" "$setup_note"
  printf '%-9s nightly %d rows into %d-record store: %.1f s, peak RSS %d MB (%s); into empty store: %.1f s, peak RSS %d MB (%s×)\n' \
    "$1" "$night_rows" "$store_rows" "$full_secs" "$full_rss" "$verdict" "$empty_secs" "$empty_rss" "$r1"
  verdict=$(awk -v r="$r2" 'BEGIN {print (r != "inf" && r <= 1.5 ? "≤ 1.5× ok" : "> 1.5× MISSED")}')
  printf '%-9s %d new customers into the store of other customers: %.1f s, peak RSS %d MB; into empty store: %.1f s, peak RSS %d MB; ratio %s× (%s)\n' \
    "$1" "$night_rows" "$other_secs" "$other_rss" "$fresh_secs" "$fresh_rss" "$r2" "$verdict"
  local log=bench/nightly-$1-full run_id new changed
  run_id=$(field "$log" run_id)
  read -r new changed < <($sql <<< "SELECT (SELECT count(*) FROM records WHERE first_run = $run_id), (SELECT count(*) FROM records WHERE run_id = $run_id AND first_run <> $run_id);")
  printf '%-9s nightly run %d: %d rows read, %d records new, %d changed; cards %d created, %d updated, %d merged, %d split; %d duplicates merged\n' \
    "$1" "$run_id" "$(field "$log" records)" "$new" "$changed" "$(field "$log" cards_created)" "$(field "$log" cards_updated)" \
    "$(field "$log" cards_merged)" "$(field "$log" cards_split)" "$(field "$log" duplicates_merged)"
}

# SQLite: the base store is built once, then copied for each measurement.
migrations=$( (cat export/sqlite/migrations/*.sql; grep "KeysVersion =" dedupe/keys.go) | sha256sum | cut -c1-8)
cache=bench/nightly-base-$store_rows-s$seed-$migrations.db
setup_note=" (cached $cache)"
setup_secs=0 setup_rss=0
if [ -n "${REBUILD:-}" ] || [ ! -f "$cache" ]; then
  rm -f "$cache" "$cache-wal" "$cache-shm" bench/nightly-build.db bench/nightly-build.db-wal bench/nightly-build.db-shm
  run bench/nightly-sqlite-setup "$base" bench/nightly-build.db
  mv bench/nightly-build.db "$cache"
  [ ! -f bench/nightly-build.db-wal ] || mv bench/nightly-build.db-wal "$cache-wal"
  setup_secs=$secs setup_rss=$rss setup_note=""
  [ -f bench/nightly-sqlite-setup.txt ] && cp bench/nightly-sqlite-setup.txt "$cache.time.txt"
elif [ -f "$cache.time.txt" ]; then # the figures of the run that built it
  setup_secs=$(awk '/Elapsed \(wall clock\)/ {n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s*60 + p[i]; print s}' "$cache.time.txt")
  setup_rss=$(awk '/Maximum resident set size/ {printf "%.0f", $6/1024}' "$cache.time.txt")
fi
# copy_base FULL EMPTY: the stores FULL.db, a copy of the base store, and EMPTY.db, none yet.
copy_base() {
  rm -f "$1".db* "$2".db*
  cp "$cache" "$1.db"
  [ ! -f "$cache-wal" ] || cp "$cache-wal" "$1.db-wal"
  sync # the copy's pages written out: a night starts with the store on disk, not gigabytes being flushed
}
copy_base bench/nightly-full bench/nightly-empty
run bench/nightly-sqlite-full "$night" bench/nightly-full.db
full_secs=$secs full_rss=$rss
run bench/nightly-sqlite-empty "$night" bench/nightly-empty.db
empty_secs=$secs empty_rss=$rss
copy_base bench/nightly-other bench/nightly-fresh
run bench/nightly-sqlite-other "$others" bench/nightly-other.db
other_secs=$secs other_rss=$rss
run bench/nightly-sqlite-fresh "$others" bench/nightly-fresh.db
fresh_secs=$secs fresh_rss=$rss
rm -f bench/nightly-other.db* bench/nightly-fresh.db*
sqlite_sql() { sqlite3 -separator ' ' bench/nightly-full.db; }
sql=sqlite_sql
report sqlite

if [ -n "${CRMKIT_TEST_DATABASE_URL:-}" ]; then
  full=crmkit_nightly_full_$$ empty=crmkit_nightly_empty_$$ fresh=crmkit_nightly_fresh_$$
  PGOPTIONS="-c client_min_messages=warning" psql "$CRMKIT_TEST_DATABASE_URL" -qc "CREATE SCHEMA $full; CREATE SCHEMA $empty; CREATE SCHEMA $fresh"
  trap 'PGOPTIONS="-c client_min_messages=warning" psql "$CRMKIT_TEST_DATABASE_URL" -qc "DROP SCHEMA $full CASCADE; DROP SCHEMA $empty CASCADE; DROP SCHEMA $fresh CASCADE"' EXIT
  sep='?'; [[ "$CRMKIT_TEST_DATABASE_URL" == *\?* ]] && sep='&'
  run bench/nightly-postgres-setup "$base" "$CRMKIT_TEST_DATABASE_URL${sep}search_path=$full"
  setup_secs=$secs setup_rss=$rss setup_note=""
  if [ -z "${NO_VACUUM:-}" ]; then
    start=$(date +%s.%N)
    tables=$(psql "$CRMKIT_TEST_DATABASE_URL" -XAtc "SELECT string_agg('$full.' || tablename, ', ') FROM pg_tables WHERE schemaname = '$full'")
    psql "$CRMKIT_TEST_DATABASE_URL" -qc "VACUUM ANALYZE $tables"
    setup_note=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf ", then VACUUM ANALYZE %.1f s", e-s}')
  fi
  # The setup's gigabytes written out before the night, as SQLite's copy is
  # synced: otherwise the server's checkpointer is still flushing them while
  # both nightly runs are timed (14.7 s and 9.5 s against 10.4 s and 7.0 s).
  psql "$CRMKIT_TEST_DATABASE_URL" -qc "CHECKPOINT" 2>/dev/null || echo "bench-nightly: CHECKPOINT needs a superuser; timing with the setup still being written out" >&2
  sync
  run bench/nightly-postgres-full "$night" "$CRMKIT_TEST_DATABASE_URL${sep}search_path=$full"
  full_secs=$secs full_rss=$rss
  run bench/nightly-postgres-empty "$night" "$CRMKIT_TEST_DATABASE_URL${sep}search_path=$empty"
  empty_secs=$secs empty_rss=$rss
  # Into the full store after its nightly run: the new customers' codes are none of its own.
  run bench/nightly-postgres-other "$others" "$CRMKIT_TEST_DATABASE_URL${sep}search_path=$full"
  other_secs=$secs other_rss=$rss
  run bench/nightly-postgres-fresh "$others" "$CRMKIT_TEST_DATABASE_URL${sep}search_path=$fresh"
  fresh_secs=$secs fresh_rss=$rss
  postgres_sql() { psql "$CRMKIT_TEST_DATABASE_URL" -XAtq -F ' ' -c "SET search_path = $full" -f -; }
  sql=postgres_sql
  report postgres
fi
