# ivp: evidence base for the Integraal Veiligheidsplan Noordoost Twente.
# `make run` and `make test` set themselves up: they create .venv and install the package when missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CKSUM  := $(shell cksum < pyproject.toml | cut -d' ' -f1)
# One stamp per install level: `make run` installs only what running needs; the test and bench tools
# come with `make test`, `make lint` and `make bench`. A changed pyproject.toml reinstalls.
RUN_STAMP   := $(VENV)/.installed-run-$(CKSUM)
TEST_STAMP  := $(VENV)/.installed-test-$(CKSUM)
BENCH_STAMP := $(VENV)/.installed-bench-$(CKSUM)

.DEFAULT_GOAL := help
.PHONY: help run test lint format bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/python:
	@echo "ivp: virtuele omgeving $(VENV)/ aanmaken (eenmalig)"
	$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@echo "ivp: ivp en wat het nodig heeft installeren in $(VENV)/ (pandas, pyarrow, matplotlib, ...; de eerste keer enkele minuten)"
	$(BIN)/python -m pip install --progress-bar on -e .
	@rm -f $(VENV)/.installed-run-* && touch $@

$(TEST_STAMP): $(RUN_STAMP)
	@echo "ivp: testgereedschap installeren (pytest, hypothesis, ruff, mypy, import-linter)"
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-test-* && touch $@

$(BENCH_STAMP): $(RUN_STAMP)
	@echo "ivp: benchmarkgereedschap installeren (duckdb)"
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@rm -f $(VENV)/.installed-bench-* && touch $@

run: $(RUN_STAMP) ## ingest the bundled sample data and score it (outputs in data/processed and reports/)
	@echo "ivp: voorbeeldgegevens inlezen (data/raw -> data/processed)"
	$(BIN)/ivp ingest
	@echo "ivp: scoren en rapporten maken (data/processed -> reports/)"
	$(BIN)/ivp score

test: $(TEST_STAMP) ## run the test suite
	$(BIN)/python -m pytest -q

lint: $(TEST_STAMP) ## ruff (format check + lint), mypy and the layer contracts (lint-imports)
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(TEST_STAMP) ## format the code with ruff
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

bench: $(BENCH_STAMP) ## speed figures of issue 13 (score, no-op, start-up, national ingest vs DuckDB) -> bench/results.md
	$(BIN)/python bench/run.py

clean: ## remove generated data and reports (keeps data/raw)
	rm -rf data/processed reports
