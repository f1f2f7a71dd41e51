# ivp: evidence base for the Integraal Veiligheidsplan Noordoost Twente.
# `make run` and `make test` set themselves up: they create .venv and install the package when missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.DEFAULT_GOAL := help
.PHONY: help run test lint format bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP) ## ingest the bundled sample data and score it (outputs in data/processed and reports/)
	$(BIN)/ivp ingest
	$(BIN)/ivp score

test: $(STAMP) ## run the test suite
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## ruff (format check + lint), mypy and the layer contracts (lint-imports)
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP) ## format the code with ruff
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

bench: $(STAMP) ## benchmark: national police file, ivp ingest against DuckDB
	$(BIN)/python bench/ingest_national.py

clean: ## remove generated data and reports (keeps data/raw)
	rm -rf data/processed reports
