#!/usr/bin/env bash
# make bench: prints the performance figures, each from one run against real services.
#  1. the product: baseline COPY, extraction, end-to-end rate and the source worker's peak RSS,
#     each with and without the value checksum, and the checksum's share of end-to-end time
#  2. the value checksum alone: the extractor's Go code per row, the local Snowflake's SQL
#     over one 250,000-row partition (CPU ns per row)
#  3. the emulator: COPY INTO throughput and a trivial statement's round trip
#  4. the local SQL Server: a 2,000,000-row SELECT streamed through go-mssqldb, SELECT 1
#  5. re-sync of the lineitem table with 1 % of rows changed (checksum, watermark)
# BENCH_ROWS (default 2,000,000) sets the table size. The machine's load average is printed
# first: figures from a busy machine are not comparable with a quiet one's.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
export SNOWMIGRATE_EMULATOR_BIN="$PWD/bin/snowflake-emulator"
echo "== load: $(uptime) =="
echo "== product: migration of a TPC-H-lineitem-like table =="
go test -run '^$' -bench 'BenchmarkMigrateLineitem' -benchtime 1x -timeout 60m ./internal/e2e/
echo "== value checksum: extractor (Go, per lineitem row) and local Snowflake (checksum SQL over a 250,000-row partition) =="
go test -run '^$' -bench 'BenchmarkLineitemRow|BenchmarkMD5LineitemRow' -count 1 -timeout 10m ./checksum/
go test -run '^$' -bench 'BenchmarkChecksumLineitem' -benchtime 500x -timeout 10m ./source/parquetx/
(cd emulator && go test -run '^$' -bench 'BenchmarkChecksumRange' -benchtime 4x -timeout 10m ./engine/)
echo "== emulator =="
(cd emulator && go test -run '^$' -bench 'BenchmarkCopyParquet|BenchmarkTrivialStatementRoundTrip' -benchtime 1x -timeout 30m ./tests/)
echo "== local SQL Server: 2,000,000-row 16-column SELECT through go-mssqldb, SELECT 1 round trip =="
(cd emulator && BENCH_ROWS="${SQLSERVER_BENCH_ROWS:-2000000}" go test -run '^$' -bench 'BenchmarkSelectStream' -benchtime 1x -timeout 30m ./sqlserver/server/)
(cd emulator && go test -run '^$' -bench 'BenchmarkSelectOne' -benchtime 2000x -timeout 10m ./sqlserver/server/)
echo "== re-sync: 1 % of lineitem changed, checksum and watermark re-sync as a ratio to the full migration =="
go test -run '^$' -bench 'BenchmarkResync$' -benchtime 1x -timeout 60m ./internal/e2e/
# SQL Server extraction against a plain go-mssqldb scan: make bench SOURCE=sqlserver.
