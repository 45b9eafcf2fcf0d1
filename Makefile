# Every command a contributor needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
CDK := npx --no-install cdk
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.PHONY: help java install demo test unit integration local infra lint format typecheck synth deploy destroy bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

java: ## Java 17+ for DynamoDB Local: installed with apt when missing (as root), else say how
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; \
	  else \
	    echo "DynamoDB Local needs Java 17 or newer: install a JRE (e.g. apt-get install openjdk-17-jre-headless)"; \
	    exit 1; \
	  fi; }

install: $(STAMP) $(NPM_STAMP) java ## Create the venv, install Python and npm packages (pinned), and Java if missing

DEMO_SCALE ?= 0.5
demo: install ## The whole pipeline on DynamoDB Local: a generated day ingested, queried, and an HTML report
	$(VENV)/bin/lambda-durations local demo --scale $(DEMO_SCALE)

test: install lint typecheck ## Every gate: lint, types, and the unit, integration, local, cli, report and infra suites
	$(PY) -m pytest

unit: install ## Unit suite only (pure code, fast)
	$(PY) -m pytest tests/unit

integration: install ## Integration suite only (moto)
	$(PY) -m pytest tests/integration

local: install ## Local-mode suite only (DynamoDB Local)
	$(PY) -m pytest tests/local

infra: install ## Infra suite only (synth, template assertions, cdk-nag, cfn-lint)
	$(PY) -m pytest tests/infra

lint: install ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install ## mypy (strict) on runtime and infra code
	$(VENV)/bin/mypy

synth: install ## Synthesize the CloudFormation template offline (cdk-nag runs inside)
	$(CDK) synth --quiet

deploy: install ## Deploy to the account and Region of your AWS environment
	$(CDK) deploy

destroy: install ## Delete the stack (the table is kept unless deployed with -c retain_data=false)
	$(CDK) destroy

bench: install ## Benchmarks: ingest parsing; query of 100,000 invocations on DynamoDB Local (medians, ratios)
	$(PY) bench/bench_ingest_parse.py
	$(PY) bench/bench_query.py

clean: ## Remove build output and caches (keeps the venv, node_modules and local data)
	rm -rf cdk.out .pytest_cache .mypy_cache .ruff_cache .hypothesis
