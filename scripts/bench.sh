#!/usr/bin/env bash
# make bench: prints the performance figures, each from one run against real services.
#  1. the product: baseline COPY, extraction, end-to-end rate and the source worker's peak RSS
#  2. the emulator: COPY INTO throughput and a trivial statement's round trip
#  3. the local SQL Server: a 2,000,000-row SELECT streamed through go-mssqldb, SELECT 1
# BENCH_ROWS (default 2,000,000) sets the table size.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
export SNOWMIGRATE_EMULATOR_BIN="$PWD/bin/snowflake-emulator"
echo "== product: migration of a TPC-H-lineitem-like table =="
go test -run '^$' -bench 'BenchmarkMigrateLineitem' -benchtime 1x -timeout 60m ./internal/e2e/
echo "== emulator =="
(cd emulator && go test -run '^$' -bench 'BenchmarkCopyParquet|BenchmarkTrivialStatementRoundTrip' -benchtime 1x -timeout 30m ./tests/)
echo "== local SQL Server: 2,000,000-row 16-column SELECT through go-mssqldb, SELECT 1 round trip =="
(cd emulator && BENCH_ROWS="${SQLSERVER_BENCH_ROWS:-2000000}" go test -run '^$' -bench 'BenchmarkSelectStream' -benchtime 1x -timeout 30m ./sqlserver/server/)
(cd emulator && go test -run '^$' -bench 'BenchmarkSelectOne' -benchtime 2000x -timeout 10m ./sqlserver/server/)
