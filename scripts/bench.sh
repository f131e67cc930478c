#!/usr/bin/env bash
# make bench: builds what it measures, then prints the tables (see tests/src/bin/bench.rs).
# PROFILE picks the cargo profile to measure (default: release, the one deployed).
# BENCH_ONLY=local-cognito measures only the local Cognito (no function builds).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv-deploy/bin:$PATH"
profile="${PROFILE:-release}"
functions=($(ls functions))

if [ "${BENCH_ONLY:-}" = local-cognito ]; then
  cargo build --profile "$profile" -p local-cognito -p integration-tests --bin local-cognito --bin bench
  LOCAL_COGNITO_BIN="$PWD/target/$profile/local-cognito" MOTO_SERVER="$PWD/.venv/bin/moto_server" \
    BENCH_ONLY=local-cognito "target/$profile/bench"
  exit 0
fi

cargo lambda build --profile "$profile" --arm64 --output-format zip \
  --lambda-dir "target/lambda-$profile" "${functions[@]/#/--bin=}"
# The panic strategy each arm64 binary was built with; the deployed profile must unwind.
expect=(); [ "$profile" = release ] && expect=(--expect unwind)
scripts/panic-strategy.sh "${expect[@]}" "${functions[@]/#/target/aarch64-unknown-linux-gnu/$profile/}"
cargo build --profile "$profile" --bins "${functions[@]/#/--package=}" --package=local-cognito
cargo build --profile "$profile" -p integration-tests --bin bench

PROFILE="$profile" LAMBDA_BINARIES_DIR="$PWD/target/$profile" \
  ARM64_BINARIES_DIR="$PWD/target/aarch64-unknown-linux-gnu/$profile" ARM64_ZIPS_DIR="$PWD/target/lambda-$profile" \
  LOCAL_COGNITO_BIN="$PWD/target/$profile/local-cognito" MOTO_SERVER="$PWD/.venv/bin/moto_server" \
  TWIN_PYTHON="$PWD/.venv/bin/python" "target/$profile/bench"
