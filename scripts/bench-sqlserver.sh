#!/usr/bin/env bash
# make bench SOURCE=sqlserver: the SQL Server source's extraction against the local SQL
# Server (bin/sqlserver-emulator), in one run: rows/s of Extract (SELECT streamed through
# go-mssqldb into Parquet, value checksum included) and of a plain go-mssqldb scan of the
# same rows into discard, their ratio (target >= 0.7) and the peak resident memory of the
# extracting process (target <= 300 MiB), and the CPU time per row of each (user + system
# of the benchmark process, and separately of the local SQL Server's process), which
# moves far less than the rates when other work competes for the cores. BENCH_ROWS
# (default 1,000,000) sets the size.
# The machine's load average is printed first: figures from a busy machine are not
# comparable with a quiet one's.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
export SNOWMIGRATE_SQLSERVER_BIN="$PWD/bin/sqlserver-emulator"
ROWS="${BENCH_ROWS:-1000000}"
echo "== load: $(uptime) =="
echo "== SQL Server source: Extract vs a plain go-mssqldb scan, $ROWS rows of a 10-column table =="
out=$(BENCH_ROWS="$ROWS" go test -run '^$' -bench 'BenchmarkExtract$' -benchtime 1x -timeout 60m ./source/sqlserver/ | tee /dev/stderr)
line=$(echo "$out" | grep '^BenchmarkExtract' || true)
metric() { echo "$line" | awk -v m="$1" '{for (i = 2; i <= NF; i++) if ($i == m) print $(i-1)}'; }
scan=$(metric scan-rows/s); ext=$(metric extract-rows/s); ratio=$(metric extract/scan); rss=$(metric extract-peak-RSS-MiB)
scancpu=$(metric scan-cpu-ns/row); extcpu=$(metric extract-cpu-ns/row)
scansrv=$(metric scan-server-cpu-ns/row); extsrv=$(metric extract-server-cpu-ns/row)
if [ -z "$ratio" ]; then echo "no benchmark result" >&2; exit 1; fi
echo
printf '%-34s %s\n' "plain go-mssqldb scan (rows/s)" "$scan"
printf '%-34s %s\n' "Extract into Parquet (rows/s)" "$ext"
printf '%-34s %s\n' "scan CPU (ns/row)" "${scancpu:-n/a}"
printf '%-34s %s\n' "Extract CPU (ns/row)" "${extcpu:-n/a}"
printf '%-34s %s / %s\n' "server CPU scan/Extract (ns/row)" "${scansrv:-n/a}" "${extsrv:-n/a}"
printf '%-34s %s  (target >= 0.7: %s)\n' "ratio extract/scan" "$ratio" "$(awk -v r="$ratio" 'BEGIN { print (r >= 0.7) ? "met" : "NOT met" }')"
printf '%-34s %s  (target <= 300: %s)\n' "peak RSS while extracting (MiB)" "${rss:-n/a}" "$(awk -v r="${rss:-0}" 'BEGIN { print (r > 0 && r <= 300) ? "met" : "NOT met" }')"
