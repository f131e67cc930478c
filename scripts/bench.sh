#!/usr/bin/env bash
# make bench: builds what it measures, then prints the tables (see crates/bench/src/main.rs).
# PROFILE picks the cargo profile to measure (default: release, the one deployed).
# BENCH_ONLY=local-cognito measures only the local Cognito (no function builds);
# BENCH_ONLY=first-request only the first request after a cold start (TLS, CPU quotas);
# BENCH_ONLY=load only the load test.
# BENCH_FUNCTIONS=login,current-user measures only those functions (default: every one).
# The first-request tables set CPU quotas through cgroups: run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv-deploy/bin:$PATH"
profile="${PROFILE:-release}"
target="${CARGO_TARGET_DIR:-$PWD/target}"
if [ -n "${BENCH_FUNCTIONS:-}" ]; then
  IFS=, read -r -a functions <<< "$BENCH_FUNCTIONS"
else
  # Every function is built (and sized); the route table's are timed (crates/bench/src).
  functions=($(ls functions))
fi

bench_env=(LOCAL_COGNITO_BIN="$target/$profile/local-cognito" MOTO_SERVER="$PWD/.venv/bin/moto_server"
  LAMBDA_BINARIES_DIR="$target/$profile")
case "${BENCH_ONLY:-}" in
  local-cognito|load)
    cargo build --profile "$profile" -p local-cognito -p bench --bin local-cognito --bin bench
    env "${bench_env[@]}" BENCH_ONLY="$BENCH_ONLY" "$target/$profile/bench"
    exit 0 ;;
  first-request)
    # auth-api/bench-ca: the functions may trust the benchmark's own CA (AUTH_API_BENCH_CA_FILE, set by the bench only).
    cargo build --profile "$profile" --features auth-api/bench-ca --bins "${functions[@]/#/--package=}"
    cargo build --profile "$profile" -p bench --bin bench
    env "${bench_env[@]}" BENCH_ONLY=first-request "$target/$profile/bench"
    exit 0 ;;
  "") ;;
  *) echo "BENCH_ONLY must be local-cognito, first-request or load" >&2; exit 2 ;;
esac

cargo lambda build --profile "$profile" --arm64 --output-format zip \
  --lambda-dir "$target/lambda-$profile" "${functions[@]/#/--bin=}"
# The panic strategy each arm64 binary was built with; the deployed profile must unwind.
expect=(); [ "$profile" = release ] && expect=(--expect unwind)
scripts/panic-strategy.sh "${expect[@]}" "${functions[@]/#/$target/aarch64-unknown-linux-gnu/$profile/}"
cargo build --profile "$profile" --features auth-api/bench-ca --bins "${functions[@]/#/--package=}" --package=local-cognito
cargo build --profile "$profile" -p bench --bin bench

env "${bench_env[@]}" PROFILE="$profile" \
  ARM64_BINARIES_DIR="$target/aarch64-unknown-linux-gnu/$profile" ARM64_ZIPS_DIR="$target/lambda-$profile" \
  TWIN_PYTHON="$PWD/.venv/bin/python" "$target/$profile/bench"
