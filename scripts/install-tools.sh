#!/usr/bin/env bash
# Installs what the tests and the demo need, only when missing; safe to run again.
set -euo pipefail
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

have_pg() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; }
if ! have_pg; then
  echo "installing PostgreSQL (Debian packages)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
if ! id postgres >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
fi

# Later versions of the CLI cannot be `go install`ed (replace directives in their go.mod).
if ! command -v temporal >/dev/null 2>&1; then
  echo "building the Temporal CLI (a few minutes, once)"
  go install github.com/temporalio/cli/cmd/temporal@v1.5.1
fi
if ! command -v minio >/dev/null 2>&1; then
  echo "building MinIO (once)"
  go install github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c
fi
if ! command -v staticcheck >/dev/null 2>&1; then
  go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
fi
echo "tools: $(command -v temporal) $(command -v minio) $(command -v staticcheck) postgres=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | head -1)"
