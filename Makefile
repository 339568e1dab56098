# crmkit — see README.md.
GO      ?= go
BIN     := bin/crmkit
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: build demo test test-short lint bench generate clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/crmkit

# The main job on the embedded store with the sample files: no server needed.
demo: build
	rm -f crmkit.db crmkit.db-wal crmkit.db-shm
	./$(BIN) import --config testdata/crmkit.yaml testdata/clients.xlsx testdata/contacts-1251.csv testdata/leads.csv
	./$(BIN) export cards -o - --store crmkit.db

# The whole suite. PostgreSQL tests run when CRMKIT_TEST_DATABASE_URL is set
# (and must, under CI=true); tests that need ../shared run when it is beside
# the clone. go test hides why a passing package skipped tests, so the suite
# runs verbose and the filter prints what `go test ./...` would, plus every
# skipped test with its reason and a count at the end.
test: lint
	@$(GO) test -count=1 -v ./... > .test.log 2>&1; rc=$$?; \
		awk -f testdata/test-summary.awk .test.log; rm -f .test.log; exit $$rc

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet ./testdata/gen

# Benchmarks: a million messy phone cells on one core and on all, then
# imports of BENCH_ROWS rows (default 1,000,000) from a workbook and a CSV
# into both stores, next to excelize's Rows() and psql's \copy, then a nightly
# file of 20,000 rows into a store of NIGHTLY_STORE records (default
# 1,000,000; NIGHTLY_STORE=skip skips it).
bench: build
	$(GO) test -run '^$$' -bench Phones -benchtime 1000000x -cpu 1,$$(nproc) -benchmem ./normalize/
	./testdata/bench-import.sh $(BENCH_ROWS)
	[ "$(NIGHTLY_STORE)" = skip ] || ./testdata/bench-nightly.sh $(NIGHTLY_STORE)

generate:
	$(GO) generate ./...

clean:
	rm -rf bin bench crmkit.db crmkit.db-wal crmkit.db-shm
