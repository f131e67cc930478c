#!/usr/bin/env bash
# Every test:
#   1. the SAM template: sam validate --lint and cfn-lint;
#   2. one function cross-built for arm64 with cargo-lambda, as `sam build`
#      does (dev profile: it proves the deploy path compiles and links);
#   3. every function's binary (the runtime conformance tests run them);
#   4. fuzzing of every route from openapi.yaml against the local stack;
#   5. the unit, emulator and end-to-end tests. Each test process starts its
#      own local Cognito in memory, so nothing is started here.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv-deploy/bin:$PATH" SAM_CLI_TELEMETRY=0

echo "== template.yaml: sam validate --lint, cfn-lint"
sam validate --lint --template template.yaml
cfn-lint template.yaml

echo "== arm64 build of one function (cargo lambda, as sam build runs it)"
cargo lambda build --arm64 --bin current-user --lambda-dir target/lambda-check
python3 -c "import sys; sys.exit(open(sys.argv[1], 'rb').read(20)[18] != 0xB7)" target/lambda-check/current-user/bootstrap \
  || { echo "target/lambda-check/current-user/bootstrap is not an arm64 binary" >&2; exit 1; }

echo "== every function's binary"
cargo build --workspace --bins

echo "== fuzzing every route from openapi.yaml (schemathesis)"
./scripts/fuzz.sh

echo "== unit, local Cognito and end-to-end tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi
