# make dev    the whole API on http://127.0.0.1:3000 against a local Cognito
# make test   every test
# Both install what they need: a Python venv with the pinned local Cognito.

VENV := .venv
VENV_STAMP := $(VENV)/.installed
PYTHON ?= python3

.PHONY: dev test venv lint clean

dev: $(VENV_STAMP)
	cargo build -p local-server
	./scripts/dev.sh

test: $(VENV_STAMP)
	./scripts/test.sh

venv: $(VENV_STAMP)

$(VENV_STAMP): local-cognito/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r local-cognito/requirements.txt
	touch $@

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

clean:
	rm -rf $(VENV) target
