# make dev      the whole API on http://127.0.0.1:3000 against a local Cognito, and
#               the example web app (examples/web) on http://localhost:5173
# make test     every test
# make package  sam build: every function for arm64, as deployed
# make bench    cold start, memory, size and latency, the first request after a cold
#               start over TLS under Lambda's CPU share (as root: cgroups), and a load
#               test with goose (not part of make test);
#               PROFILE=<cargo profile> measures a candidate profile (default: release);
#               BENCH_ONLY=local-cognito|first-request|load measures only that part;
#               BENCH_FUNCTIONS=login,current-user only those functions
# Each installs what it needs: the SAM tools in .venv-deploy, schemathesis in
# .venv-fuzz, the contract's and the client's npm tools in clients/typescript
# (npm ci) and openapi-python-client in .venv-pyclient (make test), the example
# app's and its browser tests' in examples/web (npm ci), and Chromium (apt, as
# root, when missing: make test); make bench also
# .venv (boto3 and moto, measured beside the Rust local Cognito).

VENV := .venv
VENV_STAMP := $(VENV)/.installed
DEPLOY_VENV := .venv-deploy
DEPLOY_STAMP := $(DEPLOY_VENV)/.installed
FUZZ_VENV := .venv-fuzz
FUZZ_STAMP := $(FUZZ_VENV)/.installed
PYTHON ?= python3
export SAM_CLI_TELEMETRY := 0

.PHONY: dev test tools package bench venv lint clean arm64-target conformance

dev:
	cargo build -p local-server -p local-cognito
	./scripts/dev.sh

# scripts/test.sh runs `make tools` beside the build.
test:
	./scripts/test.sh

# What make test needs besides cargo: the venvs and the aarch64 target.
tools: $(DEPLOY_STAMP) $(FUZZ_STAMP) arm64-target

package: $(DEPLOY_STAMP) arm64-target
	PATH="$(CURDIR)/$(DEPLOY_VENV)/bin:$$PATH" $(DEPLOY_VENV)/bin/sam build
	./scripts/panic-strategy.sh --expect unwind .aws-sam/build/*/bootstrap

bench: $(VENV_STAMP) $(DEPLOY_STAMP) arm64-target
	./scripts/bench.sh

venv: $(VENV_STAMP) $(DEPLOY_STAMP)

$(VENV_STAMP): bench/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

$(FUZZ_STAMP): fuzz/requirements.txt
	$(PYTHON) -m venv $(FUZZ_VENV)
	$(FUZZ_VENV)/bin/pip install --quiet --disable-pip-version-check -r fuzz/requirements.txt
	touch $@

$(DEPLOY_STAMP): deploy/requirements.txt
	$(PYTHON) -m venv $(DEPLOY_VENV)
	$(DEPLOY_VENV)/bin/pip install --quiet --disable-pip-version-check -r deploy/requirements.txt
	touch $@

# The Lambda functions run on arm64 (Graviton).
arm64-target:
	@rustup target list --installed | grep -qx aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

clean:
	rm -rf $(VENV) $(DEPLOY_VENV) $(FUZZ_VENV) .venv-pyclient target .aws-sam .local clients/typescript/node_modules clients/typescript/dist examples/web/node_modules

# The local Cognito's conformance suite against a real user pool (docs/local-cognito.md):
# CONFORMANCE_USER_POOL_ID, CONFORMANCE_CLIENT_ID, [CONFORMANCE_CLIENT_SECRET], AWS credentials and AWS_REGION.
conformance:
	@test -n "$$CONFORMANCE_USER_POOL_ID" -a -n "$$CONFORMANCE_CLIENT_ID" || { echo "set CONFORMANCE_USER_POOL_ID and CONFORMANCE_CLIENT_ID (docs/local-cognito.md)" >&2; exit 2; }
	cargo nextest run -p local-cognito --test conformance --no-fail-fast --no-capture
