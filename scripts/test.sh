#!/usr/bin/env bash
# Every test:
#   1. the SAM template: sam validate --lint and cfn-lint;
#   2. one function built for arm64 with cargo-lambda, as `sam build` does;
#   3. the release binaries of every function (the runtime conformance tests run them);
#   4. the local Cognito's own tests, then the Rust unit and end-to-end tests,
#      against one local Cognito started here and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/local-cognito.sh
export PATH="$PWD/.venv-deploy/bin:$PATH" SAM_CLI_TELEMETRY=0

echo "== template.yaml: sam validate --lint, cfn-lint"
sam validate --lint --template template.yaml
cfn-lint template.yaml

echo "== arm64 build of one function (cargo lambda, as sam build runs it)"
cargo lambda build --release --arm64 --bin current-user
python3 -c "import sys; sys.exit(open(sys.argv[1], 'rb').read(20)[18] != 0xB7)" target/lambda/current-user/bootstrap \
  || { echo "target/lambda/current-user/bootstrap is not an arm64 binary" >&2; exit 1; }

echo "== release binaries of every function"
cargo build --release --bins -p create-user -p login -p new-password -p email-verification -p current-user
export LAMBDA_BINARIES_DIR="$PWD/target/release"

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
