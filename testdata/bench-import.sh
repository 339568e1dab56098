#!/usr/bin/env bash
# Measures, on generated workbooks of invented customers:
#   1. the importer alone streaming READ_ROWS rows (default 1,000,000, 10 columns): rows/s, peak RSS,
#      and excelize's own Rows() on the same workbook, the floor it is measured against;
#   2. the 1C reader on a 200 MB CommerceML file: records/s, peak RSS;
#   3. `crmkit import` of ROWS rows into each store: rows/s and peak RSS.
# Usage: testdata/bench-import.sh [ROWS] (default 100000); READ_ROWS=… to change the first.
# PostgreSQL is measured when CRMKIT_TEST_DATABASE_URL is set.
set -euo pipefail
rows=${1:-100000}
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

input=bench/customers-$rows.xlsx
[ -f "$input" ] || go run ./testdata/gen -rows "$rows" -o "$input"
measure() { # name, store DSN
  local log=bench/time-$1.txt start end
  start=$(date +%s.%N)
  /usr/bin/time -v ./bin/crmkit import -q --source bench --store "$2" "$input" 2> "$log"
  end=$(date +%s.%N)
  awk -v n="$rows" -v s="$start" -v e="$end" -v name="$1" \
    '/Maximum resident set size/ {rss=$6} END {printf "%-9s %d rows in %.1f s: %.0f rows/s, peak RSS %.0f MB\n", name, n, e-s, n/(e-s), rss/1024}' "$log"
}
rm -f bench/bench.db bench/bench.db-wal bench/bench.db-shm
measure sqlite bench/bench.db
if [ -n "${CRMKIT_TEST_DATABASE_URL:-}" ]; then
  schema=crmkit_bench_$$
  psql "$CRMKIT_TEST_DATABASE_URL" -qc "CREATE SCHEMA $schema"
  trap 'psql "$CRMKIT_TEST_DATABASE_URL" -qc "DROP SCHEMA $schema CASCADE"' EXIT
  sep='?'; [[ "$CRMKIT_TEST_DATABASE_URL" == *\?* ]] && sep='&'
  measure postgres "$CRMKIT_TEST_DATABASE_URL${sep}search_path=$schema"
fi
