# Shared by demo.sh, down.sh and bench.sh: where the local stack lives and how to start
# each piece once. Everything is under .local/ and listens on 127.0.0.1 only.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
BIN="$ROOT/bin"
LOGS="$LOCAL/logs"
PIDS="$LOCAL/pids"
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
mkdir -p "$LOGS" "$PIDS"

TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
PG_PORT="${DEMO_PG_PORT:-55432}"
EMU_ADDR="${DEMO_EMULATOR_ADDR:-127.0.0.1:8089}"
MINIO_PORT="${DEMO_MINIO_PORT:-59000}"
RS_PORT="${DEMO_REDSHIFT_PORT:-55439}"
# The demo's S3 (MinIO) root credentials: local only, never a real account's.
DEMO_S3_KEY="snowmigrate-demo"
DEMO_S3_SECRET="snowmigrate-demo-secret"
export TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT"
export SNOWFLAKE_HOME="$LOCAL/snowflake-home"

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

# wait_port PORT NAME SECONDS
wait_port() {
  for _ in $(seq 1 $(( $3 * 5 ))); do listening "$1" && return 0; sleep 0.2; done
  echo "$2 did not start listening on port $1; see $LOGS/$2.log" >&2; tail -20 "$LOGS/$2.log" >&2 || true; return 1
}

# start NAME CMD... : runs CMD in the background once, recording its pid.
start() {
  local name="$1"; shift
  if running "$name"; then return 0; fi
  nohup "$@" >"$LOGS/$name.log" 2>&1 &
  echo $! >"$PIDS/$name.pid"
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# as_pg CMD...: initdb/pg_ctl refuse to run as root. Run from / because the postgres
# user may not be able to enter the current directory (a private checkout); every path
# given is absolute.
as_pg() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

# The dev server's single history shard reads its transfer queue (every activity and
# workflow task on its way to a worker) at most 20 times a second by default: past a
# burst, each task waited up to 50 ms (docs/performance.md, "Temporal task dispatch").
# One task-queue partition: a task that waits for a busy worker's free slot sits in one
# of 4 partitions' backlog by default and waited up to ~1.3 s for a poll to reach it.
start_temporal() {
  if running temporal; then return 0; fi
  if listening "$TEMPORAL_PORT"; then
    echo "port $TEMPORAL_PORT is taken by another server; set TEMPORAL_PORT to a free port (or 'make down')" >&2; return 1
  fi
  log "starting Temporal dev server (gRPC :$TEMPORAL_PORT, Web UI http://localhost:$TEMPORAL_UI_PORT)"
  start temporal temporal server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
    --db-filename "$LOCAL/temporal.db" --log-level error \
    --dynamic-config-value history.transferProcessorMaxPollRPS=1000 \
    --dynamic-config-value matching.numTaskqueueReadPartitions=1 --dynamic-config-value matching.numTaskqueueWritePartitions=1 \
    --search-attribute MigrationName=Keyword --search-attribute SourcePlatform=Keyword --search-attribute MigrationTable=Keyword
  wait_port "$TEMPORAL_PORT" temporal 90
}

# pg_dir: where the demo's PostgreSQL cluster lives. Normally .local/pg. As root the
# server runs as the postgres user, who cannot reach a checkout under a private directory
# (a 0700 home, a `mktemp -d`): then the cluster lives in the postgres user's home, in a
# directory named after this checkout (so every run of this checkout finds it again), and
# .local/pg-location says where.
pg_dir() {
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$LOCAL" 2>/dev/null; then
    echo "$LOCAL/pg"; return 0
  fi
  local home; home="$(getent passwd postgres | cut -d: -f6)"
  if [ -z "$home" ] || [ "$(stat -c %U "$home" 2>/dev/null)" != postgres ] || ! runuser -u postgres -- test -w "$home"; then
    home=/var/tmp
  fi
  echo "$home/snowmigrate-demo-$(printf %s "$ROOT" | sha256sum | cut -c1-12)"
}
PG_DIR="$(pg_dir)"

start_postgres() {
  local data="$PG_DIR/data"
  if [ ! -d "$data" ]; then
    log "initialising PostgreSQL in $data"
    if [ "$(id -u)" -eq 0 ]; then
      # Created with its owner and mode at once; a symlink or someone else's directory
      # planted at that path is refused.
      install -d -o postgres -g postgres -m 700 "$PG_DIR"
      if [ -L "$PG_DIR" ] || [ "$(stat -c %U "$PG_DIR")" != postgres ]; then
        echo "$PG_DIR is not a directory of the postgres user; remove it and run again" >&2; return 1
      fi
    else
      mkdir -p "$PG_DIR"
    fi
    [ "$PG_DIR" = "$LOCAL/pg" ] || echo "$PG_DIR" >"$LOCAL/pg-location"
    as_pg "$(pg_bin)/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C >"$LOGS/initdb.log"
  fi
  if ! pg_running; then
    if listening "$PG_PORT"; then
      echo "port $PG_PORT is taken by another server; set DEMO_PG_PORT to a free port" >&2; return 1
    fi
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg "$(pg_bin)/pg_ctl" -D "$data" -l "$PG_DIR/postgres.log" -w \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
  fi
}

pg_running() { [ -d "$PG_DIR/data" ] && as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; }

start_emulator() {
  if ! running emulator && listening "${EMU_ADDR##*:}"; then
    echo "port ${EMU_ADDR##*:} is taken by another server; set DEMO_EMULATOR_ADDR to a free address" >&2; return 1
  fi
  if ! running emulator; then
    log "starting the Snowflake emulator on $EMU_ADDR (data in $LOCAL/snowflake)"
    # External stages (s3://…) resolve to the demo's MinIO (make demo SOURCE=redshift).
    start emulator "$BIN/snowflake-emulator" --addr "$EMU_ADDR" --data-dir "$LOCAL/snowflake" --user local --password local \
      --s3-endpoint "127.0.0.1:$MINIO_PORT"
    wait_port "${EMU_ADDR##*:}" emulator 60
  fi
  mkdir -p "$SNOWFLAKE_HOME"; chmod 700 "$SNOWFLAKE_HOME"
  cat >"$SNOWFLAKE_HOME/connections.toml" <<TOML
[local]
account = "local"
user = "local"
password = "local"
host = "${EMU_ADDR%:*}"
port = ${EMU_ADDR##*:}
protocol = "http"
TOML
  chmod 600 "$SNOWFLAKE_HOME/connections.toml"
}

psql_demo() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }

# start_minio: the demo's S3 for Redshift UNLOAD, with the bucket "unload".
start_minio() {
  if ! running minio; then
    if listening "$MINIO_PORT"; then
      echo "port $MINIO_PORT is taken by another server; set DEMO_MINIO_PORT to a free port" >&2; return 1
    fi
    log "starting MinIO on 127.0.0.1:$MINIO_PORT (data in $LOCAL/minio)"
    MINIO_ROOT_USER="$DEMO_S3_KEY" MINIO_ROOT_PASSWORD="$DEMO_S3_SECRET" MINIO_BROWSER=off MINIO_UPDATE=off \
      start minio minio server --quiet --address "127.0.0.1:$MINIO_PORT" "$LOCAL/minio"
    wait_port "$MINIO_PORT" minio 60
  fi
  local code
  for _ in $(seq 1 50); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" --user "$DEMO_S3_KEY:$DEMO_S3_SECRET" \
      -X PUT "http://127.0.0.1:$MINIO_PORT/unload") || code=000
    case "$code" in 200|409) return 0 ;; esac
    sleep 0.2
  done
  echo "could not create the MinIO bucket 'unload' (HTTP $code); see $LOGS/minio.log" >&2; return 1
}

# start_redshift: the local Redshift over the demo's PostgreSQL, unloading into MinIO.
start_redshift() {
  if running redshift; then return 0; fi
  if listening "$RS_PORT"; then
    echo "port $RS_PORT is taken by another server; set DEMO_REDSHIFT_PORT to a free port" >&2; return 1
  fi
  log "starting the local Redshift on 127.0.0.1:$RS_PORT"
  AWS_ACCESS_KEY_ID="$DEMO_S3_KEY" AWS_SECRET_ACCESS_KEY="$DEMO_S3_SECRET" AWS_REGION=us-east-1 \
    start redshift "$BIN/redshift-emulator" --addr "127.0.0.1:$RS_PORT" \
    --postgres "postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable" \
    --s3-endpoint "http://127.0.0.1:$MINIO_PORT" --user awsuser --password local
  wait_port "$RS_PORT" redshift 60
}
