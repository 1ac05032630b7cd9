#!/usr/bin/env bash
# make down: stops what make demo started (idempotent). Data stays in .local/ (and, as
# root in a checkout the postgres user cannot reach, where .local/pg-location says).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
for name in source-worker source-worker-redshift source-worker-sqlserver orchestrator orchestrator-redshift orchestrator-sqlserver emulator redshift sqlserver minio temporal; do
  if running "$name"; then
    kill "$(cat "$PIDS/$name.pid")" 2>/dev/null
    for _ in $(seq 1 50); do running "$name" || break; sleep 0.2; done
    running "$name" && kill -9 "$(cat "$PIDS/$name.pid")" 2>/dev/null
    echo "stopped $name"
  fi
  rm -f "$PIDS/$name.pid"
done
if pg_running; then
  as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null && echo "stopped postgres"
fi
exit 0
