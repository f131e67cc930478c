# make dev      the whole API on http://127.0.0.1:3000 against a local Cognito
# make test     every test
# make package  sam build: every function for arm64, as deployed
# make bench    cold start, memory, size and latency (not part of make test);
#               PROFILE=<cargo profile> measures a candidate profile (default: release)
# Each installs what it needs: the SAM tools in .venv-deploy; make bench also
# .venv (boto3 and moto, measured beside the Rust local Cognito).

VENV := .venv
VENV_STAMP := $(VENV)/.installed
DEPLOY_VENV := .venv-deploy
DEPLOY_STAMP := $(DEPLOY_VENV)/.installed
PYTHON ?= python3
export SAM_CLI_TELEMETRY := 0

.PHONY: dev test package bench venv lint clean arm64-target

dev:
	cargo build -p local-server -p local-cognito
	./scripts/dev.sh

test: $(DEPLOY_STAMP) arm64-target
	./scripts/test.sh

package: $(DEPLOY_STAMP) arm64-target
	PATH="$(CURDIR)/$(DEPLOY_VENV)/bin:$$PATH" $(DEPLOY_VENV)/bin/sam build

bench: $(VENV_STAMP) $(DEPLOY_STAMP) arm64-target
	./scripts/bench.sh

venv: $(VENV_STAMP) $(DEPLOY_STAMP)

$(VENV_STAMP): bench/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
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
	rm -rf $(VENV) $(DEPLOY_VENV) target .aws-sam .local
