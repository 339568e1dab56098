#!/usr/bin/env bash
# Measures, on generated files of invented customers (about one row in five a repeat written
# differently):
#   1. the importer alone streaming READ_ROWS rows (default 1,000,000, 10 columns): rows/s, peak RSS,
#      and excelize's own Rows() on the same workbook, the floor it is measured against;
#   2. the 1C reader on a 200 MB CommerceML file: records/s, peak RSS;
#   3. `crmkit import` of ROWS rows (default 1,000,000) from a workbook and from a CSV of the same
#      rows into each store, end to end and per phase (reading and cleansing, matching, writing,
#      commit): seconds, rows/s, peak RSS; next to psql's \copy of the same CSV into a table of
#      text columns.
# Usage: testdata/bench-import.sh [ROWS]; READ_ROWS=… to change the first.
# PostgreSQL is measured when CRMKIT_TEST_DATABASE_URL is set (and psql is installed, for \copy).
set -euo pipefail
rows=${1:-1000000}
read_rows=${READ_ROWS:-1000000}
cd "$(dirname "$0")/.."
mkdir -p bench

big=bench/customers-$read_rows.xlsx
[ -f "$big" ] || go run ./testdata/gen -rows "$read_rows" -o "$big"
go test -c -o bench/importers.test ./importers
CRMKIT_BENCH_XLSX=$big /usr/bin/time -v bench/importers.test -test.run '^$' -test.bench ReadXLSX -test.benchtime 1x \
  > bench/read.txt 2> bench/time-read.txt
awk '/ns\/op/ {ns=$3; n=$5} END {printf "importer  %d rows read in %.1f s: %.0f rows/s", n, ns/1e9, n/(ns/1e9)}' bench/read.txt
awk '/Maximum resident set size/ {printf ", peak RSS %.0f MB\n", $6/1024}' bench/time-read.txt
CRMKIT_BENCH_XLSX=$big /usr/bin/time -v bench/importers.test -test.run '^$' -test.bench ExcelizeRows -test.benchtime 1x \
  > bench/read-excelize.txt 2> bench/time-read-excelize.txt
awk '/ns\/op/ {ns=$3; n=$5} END {printf "excelize  Rows() alone on the same workbook, %d sheet rows in %.1f s: %.0f rows/s", n, ns/1e9, n/(ns/1e9)}' bench/read-excelize.txt
awk '/Maximum resident set size/ {printf ", peak RSS %.0f MB\n", $6/1024}' bench/time-read-excelize.txt

cml=bench/orders-200mb.xml
[ -f "$cml" ] || go run ./testdata/gen -commerceml-mb 200 -o "$cml"
go test -c -o bench/onec.test ./importers/onec
CRMKIT_BENCH_CML=$cml /usr/bin/time -v bench/onec.test -test.run '^$' -test.bench CommerceML -test.benchtime 1x \
  > bench/cml.txt 2> bench/time-cml.txt
awk '/ns\/op/ {ns=$3; n=$5} END {printf "1C        200 MB CommerceML, %d records in %.1f s: %.0f records/s", n, ns/1e9, n/(ns/1e9)}' bench/cml.txt
awk '/Maximum resident set size/ {printf ", peak RSS %.0f MB\n", $6/1024}' bench/time-cml.txt

# phases LOG: the seconds of each phase of a run, from the lines CRMKIT_TRACE_SQL=1 prints.
phases() {
  awk '/^crmkit: at / {t = $3; p = $5; sub(/:$/, "", p); if (prev != "") d[prev] += t - last; prev = p; last = t
         if (!(p in seen)) {seen[p] = 1; order[++n] = p}}
       END {for (i = 1; i <= n; i++) if (order[i] != "finished") printf "%s%s %.1f s", (i > 1 ? ", " : ""), order[i], d[order[i]]}' "$1"
}
measure() { # name, input, store DSN
  local log=bench/time-$1.txt start end
  start=$(date +%s.%N)
  CRMKIT_TRACE_SQL=1 /usr/bin/time -v ./bin/crmkit import -q --source bench --store "$3" "$2" 2> "$log" ||
    { echo "bench-import: crmkit import $2 failed:" >&2; tail -n 30 "$log" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v n="$rows" -v s="$start" -v e="$end" -v name="$1" \
    '/Maximum resident set size/ {rss=$6} END {printf "%-16s %d rows in %.1f s: %.0f rows/s, peak RSS %.0f MB", name, n, e-s, n/(e-s), rss/1024}' "$log"
  echo " ($(phases "$log"))"
}
xlsx=bench/customers-$rows.xlsx csv=bench/customers-$rows.csv
[ -f "$xlsx" ] || go run ./testdata/gen -rows "$rows" -o "$xlsx"
[ -f "$csv" ] || go run ./testdata/gen -rows "$rows" -o "$csv"
for f in xlsx csv; do
  rm -f bench/bench.db bench/bench.db-wal bench/bench.db-shm
  measure "sqlite $f" "${!f}" bench/bench.db
done
rm -f bench/bench.db bench/bench.db-wal bench/bench.db-shm
if [ -n "${CRMKIT_TEST_DATABASE_URL:-}" ]; then
  schema=crmkit_bench_$$
  psql "$CRMKIT_TEST_DATABASE_URL" -qc "CREATE SCHEMA $schema"
  trap 'PGOPTIONS="-c client_min_messages=warning" psql "$CRMKIT_TEST_DATABASE_URL" -qc "DROP SCHEMA $schema CASCADE"' EXIT
  sep='?'; [[ "$CRMKIT_TEST_DATABASE_URL" == *\?* ]] && sep='&'
  for f in xlsx csv; do
    psql "$CRMKIT_TEST_DATABASE_URL" -qc "DROP SCHEMA $schema CASCADE; CREATE SCHEMA $schema" 2>/dev/null
    measure "postgres $f" "${!f}" "$CRMKIT_TEST_DATABASE_URL${sep}search_path=$schema"
  done
  cols=$(head -n 1 "$csv" | awk -F';' '{for (i = 1; i <= NF; i++) printf "%sc%d text", (i > 1 ? ", " : ""), i}')
  psql "$CRMKIT_TEST_DATABASE_URL" -qc "CREATE TABLE $schema.copied ($cols)"
  start=$(date +%s.%N)
  psql "$CRMKIT_TEST_DATABASE_URL" -qc "\\copy $schema.copied FROM '$csv' WITH (FORMAT csv, DELIMITER ';', HEADER true)"
  awk -v n="$rows" -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%-16s %d rows in %.1f s: %.0f rows/s\n", "psql \\copy csv", n, e-s, n/(e-s)}'
fi
