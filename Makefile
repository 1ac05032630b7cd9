# The two commands a new user runs are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
GO    ?= go
BIN   := $(CURDIR)/bin
# Tests run the emulators `make build` just built instead of building their own.
EMU_ENV := SNOWMIGRATE_EMULATOR_BIN=$(BIN)/snowflake-emulator SNOWMIGRATE_SQLSERVER_BIN=$(BIN)/sqlserver-emulator SNOWMIGRATE_REDSHIFT_EMULATOR_BIN=$(BIN)/redshift-emulator
export PATH := $(PATH):$(HOME)/go/bin

.PHONY: all build build-product build-emulator tools test test-product test-emulator test-short soak lint demo down bench clean

all: build

build: build-product build-emulator

build-product:
	$(GO) build -o $(BIN)/starter ./starter
	$(GO) build -o $(BIN)/workers ./workers

# The emulator is its own module so that cgo and DuckDB stay out of the product's binaries.
build-emulator:
	cd emulator && $(GO) build -o $(BIN)/snowflake-emulator ./cmd/snowflake-emulator
	cd emulator && $(GO) build -o $(BIN)/sqlserver-emulator ./cmd/sqlserver-emulator
	cd emulator && $(GO) build -o $(BIN)/redshift-emulator ./cmd/redshift-emulator

# Installs what the tests and the demo need when missing (idempotent): PostgreSQL,
# the Temporal CLI (dev server + Web UI), MinIO (S3 tests), staticcheck.
tools:
	./scripts/install-tools.sh

# The README's test command; .ci/run calls it. Every test runs against real services.
test: tools build
	$(EMU_ENV) $(GO) test -count=1 -timeout 40m ./...
	cd emulator && $(GO) test -count=1 -timeout 30m ./...

# Skips the long history-size and end-to-end scale tests.
test-short: tools build
	$(EMU_ENV) $(GO) test -short -count=1 ./...
	cd emulator && $(GO) test -short -count=1 ./...

# The long fault soak (internal/e2e/fault_test.go): many seeded trials of SIGKILLs and
# service restarts during migrations (`make test` runs a few). SNOWMIGRATE_FAULT_TRIALS
# sets the count, SNOWMIGRATE_FAULT_SEED replays a logged seed.
soak: tools build
	SNOWMIGRATE_FAULT_SOAK=1 $(EMU_ENV) $(GO) test -count=1 -timeout 12h -v -run 'TestFault' ./internal/e2e/

lint:
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || (echo "gofmt: files above need formatting" && exit 1)
	$(GO) vet ./...
	cd emulator && $(GO) vet ./...
	staticcheck ./...
	cd emulator && staticcheck ./...

# Starts the local stack in the background, runs the sample migration, prints a summary
# and leaves the stack up (Temporal Web UI on http://localhost:8233). `make down` stops it.
demo: tools build
	SOURCE=$(SOURCE) ./scripts/demo.sh

down:
	./scripts/down.sh

# Prints the throughput figures (see README "Performance").
bench: tools build
	if [ "$(SOURCE)" = sqlserver ]; then ./scripts/bench-sqlserver.sh; else ./scripts/bench.sh; fi

clean:
	rm -rf $(BIN)
