#!/usr/bin/env bash
# Every test: the local Cognito's own tests, then the Rust unit and end-to-end
# tests, all against one local Cognito started here and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/local-cognito.sh

log="$(mktemp)"
trap 'stop_local_cognito; rm -f "$log"' EXIT
start_local_cognito "$(free_port)" "$log"
echo "local Cognito: $LOCAL_COGNITO_URL"

echo "== local Cognito extensions (pytest)"
"$VENV_PYTHON" -m pytest -q local-cognito

echo "== Rust unit and end-to-end tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi
