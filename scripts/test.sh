#!/usr/bin/env bash
# Every test, with the slow parts side by side (2 cores: the builds are CPU,
# the installs and the tests mostly wait):
#   1. every binary and test, in one build (the runtime conformance tests run
#      the functions); beside it, what the later steps need installed (the
#      venvs with SAM CLI, cfn-lint, cargo-lambda and schemathesis, the
#      aarch64 target: `make tools`), and the contract and the TypeScript
#      client (scripts/contract.sh: redocly and spectral lint, generated
#      types up to date, tsc --strict), and Chromium and the example app's
#      npm packages (scripts/browser.sh --install);
#   2. one function cross-built for arm64 with cargo-lambda, as `sam build`
#      does (dev profile: it proves the deploy path compiles and links), niced,
#      and the SAM template's cfn-lint (what `sam validate --lint` runs), both beside
#   3. fuzzing of every route from openapi.yaml against the local stack, and
#      4. the unit, local Cognito and end-to-end tests, the TypeScript
#      client's tests against the local stack, and the browser tests
#      (scripts/browser.sh: the example app in Chromium), side by side: the tests
#      mostly wait on loopback, the fuzzer is one Python thread. Each test
#      process starts its own local Cognito in memory.
# Each step prints the seconds since the start, for docs/tests.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv-deploy/bin:$PATH" SAM_CLI_TELEMETRY=0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$SECONDS
step() { echo "== [$((SECONDS - start)) s] $*"; }

# The tools the later steps need, installed while the build runs.
make --no-print-directory tools >"$work/tools.log" 2>&1 &
tools_pid=$!

# The contract's checks (a few seconds of Node; npm ci first on a fresh clone) beside the build.
./scripts/contract.sh >"$work/contract.log" 2>&1 &
contract_pid=$!
# Chromium and jq (apt, when missing) and the example app's npm packages, beside the build too.
./scripts/browser.sh --install >"$work/browser-install.log" 2>&1 &
browser_install_pid=$!

step "every binary and test (beside it: make tools, scripts/contract.sh, scripts/browser.sh --install)"
# One build for both, so that the dev-dependencies' features are unified once:
# built apart, the tests' build would compile the SDK's dependency chain again.
# The benchmark (crates/bench: goose, the TLS CA) is make bench's, not built here.
cargo build --workspace --exclude bench --bins --tests
tools_status=0
wait "$tools_pid" || tools_status=$?
[ "$tools_status" -eq 0 ] || { cat "$work/tools.log"; echo "== make tools FAILED" >&2; exit 1; }

# The arm64 build and the template's lint start now and finish beside the tests: the
# build is niced (the tests, mostly waiting on loopback, keep the CPU when they want it)
# and has a target dir of its own (one cargo at a time may hold a target dir's lock, and
# nextest needs this one's).
step "arm64 build of one function (cargo lambda, as sam build runs it) and the template's lint, beside the tests"
( CARGO_TARGET_DIR=target/arm64 nice -n 19 cargo lambda build --arm64 --bin current-user --lambda-dir target/lambda-check \
    && python3 -c "import sys; sys.exit(open(sys.argv[1], 'rb').read(20)[18] != 0xB7)" target/lambda-check/current-user/bootstrap \
    && scripts/panic-strategy.sh --expect unwind target/lambda-check/current-user/bootstrap \
    || { echo "the arm64 build FAILED, or target/lambda-check/current-user/bootstrap is not an arm64 binary that unwinds" >&2; exit 1; }
) >"$work/arm64.log" 2>&1 &
arm64_pid=$!
# cfn-lint applies the SAM transform itself; `sam validate --lint` runs the same cfn-lint
# with the same rules, so it ran the lint a second time for nothing (8 s of CPU).
cfn-lint template.yaml >"$work/cfn.log" 2>&1 &
lint_pid=$!

contract_status=0
wait "$contract_pid" || contract_status=$?
step "the contract and the TypeScript client (scripts/contract.sh, beside the build)"
cat "$work/contract.log"
[ "$contract_status" -eq 0 ] || echo "== the contract FAILED (exit $contract_status)" >&2
browser_install_status=0
wait "$browser_install_pid" || browser_install_status=$?
cat "$work/browser-install.log"
[ "$browser_install_status" -eq 0 ] || echo "== installing Chromium or examples/web's packages FAILED (exit $browser_install_status)" >&2

step "fuzzing every route from openapi.yaml (schemathesis), beside the tests below"
./scripts/fuzz.sh >"$work/fuzz.log" 2>&1 &
fuzz_pid=$!
client_status=1
client_pid=""
if [ "$contract_status" -eq 0 ]; then
  node --test clients/typescript/dist/test/*.test.js >"$work/client.log" 2>&1 &
  client_pid=$!
else
  echo "== the TypeScript client's tests cannot run: the contract failed" >&2
fi
browser_status=1
browser_pid=""
if [ "$browser_install_status" -eq 0 ]; then
  ./scripts/browser.sh >"$work/browser.log" 2>&1 &
  browser_pid=$!
fi
tests_status=0
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --exclude bench --no-fail-fast >"$work/tests.log" 2>&1 || tests_status=$?
else
  cargo test --workspace --exclude bench --no-fail-fast >"$work/tests.log" 2>&1 || tests_status=$?
fi
fuzz_status=0
wait "$fuzz_pid" || fuzz_status=$?
cat "$work/fuzz.log"
[ "$fuzz_status" -eq 0 ] || echo "== fuzzing FAILED (exit $fuzz_status)" >&2

if [ -n "$client_pid" ]; then
  client_status=0
  wait "$client_pid" || client_status=$?
  echo "== the TypeScript client's tests (clients/typescript/test), beside the tests below"
  cat "$work/client.log"
  [ "$client_status" -eq 0 ] || echo "== the TypeScript client's tests FAILED (exit $client_status)" >&2
fi

if [ -n "$browser_pid" ]; then
  browser_status=0
  wait "$browser_pid" || browser_status=$?
  step "the browser tests (scripts/browser.sh: examples/web in Chromium), beside the tests below"
  cat "$work/browser.log"
  [ "$browser_status" -eq 0 ] || echo "== the browser tests FAILED (exit $browser_status)" >&2
fi

lint_status=0
wait "$lint_pid" || lint_status=$?
step "template.yaml: cfn-lint"
cat "$work/cfn.log"
[ "$lint_status" -eq 0 ] || echo "== the template's lint FAILED" >&2

arm64_status=0
wait "$arm64_pid" || arm64_status=$?
step "the arm64 build (beside the tests)"
tail -n 5 "$work/arm64.log"
[ "$arm64_status" -eq 0 ] || { cat "$work/arm64.log"; echo "== the arm64 build FAILED (exit $arm64_status)" >&2; }

step "unit, local Cognito and end-to-end tests"
cat "$work/tests.log"
[ "$fuzz_status" -eq 0 ] && [ "$tests_status" -eq 0 ] && [ "$contract_status" -eq 0 ] && [ "$client_status" -eq 0 ] \
  && [ "$browser_status" -eq 0 ] && [ "$lint_status" -eq 0 ] && [ "$arm64_status" -eq 0 ]
