# Set-up, build, test and deploy of webhook-platform. Every target installs what it needs from the
# project's own files (requirements*.txt, functions/webhook/package-lock.json).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

PYTHON ?= python3
VENV := .venv
FUNCTION_DIR := functions/webhook
STACK ?= dev

# Local state backend and passphrase-encrypted secrets: no Pulumi Cloud account is needed.
PULUMI_BACKEND_URL ?= file://$(CURDIR)/.pulumi-state
export PULUMI_BACKEND_URL

.PHONY: install build test test-function test-python lint deploy destroy clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

$(FUNCTION_DIR)/node_modules/.installed: $(FUNCTION_DIR)/package.json $(FUNCTION_DIR)/package-lock.json
	npm ci --prefix $(FUNCTION_DIR) --no-audit --no-fund
	touch $@

## install: the Python virtualenv, the function's npm packages and the Node.js 18 and 24 binaries
install: $(VENV)/.installed $(FUNCTION_DIR)/node_modules/.installed

## build: the handler bundle functions/webhook/dist/index.js (esbuild)
build: install
	npm --prefix $(FUNCTION_DIR) run build

## lint: ruff over the Pulumi program and its tests
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## test-function: the handler's unit tests on Node.js 18 and on the deployed runtime's Node.js
test-function: build
	npm --prefix $(FUNCTION_DIR) test

## test-python: the program under Pulumi mocks, and the built bundle against moto's DynamoDB
test-python: build
	$(VENV)/bin/pytest

## test: everything above, from a fresh clone
test: lint test-function test-python

# Stops a target early, with the fix, when the Pulumi CLI is missing.
REQUIRE_PULUMI = command -v pulumi >/dev/null || { \
	  echo "The Pulumi CLI is not installed. Install it (https://www.pulumi.com/docs/install/)," \
	       "then run make $@ again." >&2; exit 1; }

## deploy: pulumi up for STACK (default dev) with local state and a passphrase secrets provider
deploy: build
	@$(REQUIRE_PULUMI)
	mkdir -p .pulumi-state
	scripts/ensure-passphrase.sh
	PULUMI_CONFIG_PASSPHRASE_FILE=$${PULUMI_CONFIG_PASSPHRASE_FILE:-$(CURDIR)/.pulumi-state/passphrase} \
	  bash -c 'pulumi stack select $(STACK) 2>/dev/null \
	    || pulumi stack init $(STACK) --secrets-provider passphrase; pulumi up --stack $(STACK)'

## destroy: pulumi destroy for STACK, with the same backend and passphrase
destroy: install
	@$(REQUIRE_PULUMI)
	PULUMI_CONFIG_PASSPHRASE_FILE=$${PULUMI_CONFIG_PASSPHRASE_FILE:-$(CURDIR)/.pulumi-state/passphrase} \
	  pulumi destroy --stack $(STACK)

clean:
	rm -rf $(FUNCTION_DIR)/dist .pytest_cache .ruff_cache

# Local runner: ports, the stack file whose rate limit, burst and signature settings it applies,
# and the signing secret (generated and printed by `make local` when unset).
PORT ?= 8080
DYNAMODB_PORT ?= 8000
STACK_FILE ?= Pulumi.$(STACK).yaml
LOCAL_RUNNER := PYTHONPATH=src:. $(VENV)/bin/python -m webhook_platform.local --stack-file $(STACK_FILE)
# SERVE_FLAGS passes options to the runner, for example SERVE_FLAGS=--function-logs.
SERVE_FLAGS ?=
export PORT DYNAMODB_PORT LOCAL_SIGNING_SECRET

.PHONY: local send-sample

## local: serve POST /webhook on 127.0.0.1:PORT with moto's DynamoDB on DYNAMODB_PORT; Ctrl-C stops it
local: build
	$(LOCAL_RUNNER) serve $(SERVE_FLAGS)

## send-sample: sign and send a valid webhook and each kind of invalid one to `make local`, list the table
send-sample: install
	$(LOCAL_RUNNER) send

## inventory: list offline what `pulumi up` would create for STACK_FILE, with the policy verdicts
inventory: build
	PYTHONPATH=src $(VENV)/bin/python -m webhook_platform inventory --stack-file $(STACK_FILE)

.PHONY: inventory
