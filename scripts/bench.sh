#!/usr/bin/env bash
# make bench: builds what it measures, then prints the tables (see tests/src/bin/bench.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/local-cognito.sh
export PATH="$PWD/.venv-deploy/bin:$PATH"

cargo lambda build --release --arm64 --output-format zip \
  --bin create-user --bin login --bin new-password --bin email-verification --bin current-user
cargo build --release --bins -p create-user -p login -p new-password -p email-verification -p current-user
cargo build --release -p integration-tests --bin bench

log="$(mktemp)"
trap 'stop_local_cognito; rm -f "$log"' EXIT
start_local_cognito "$(free_port)" "$log"
LAMBDA_BINARIES_DIR="$PWD/target/release" ARM64_DIR="$PWD/target" TWIN_PYTHON="$PWD/.venv/bin/python" \
  target/release/bench
