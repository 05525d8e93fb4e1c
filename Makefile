# The two commands for a newcomer: `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS ?= corpus
DB ?= reports/syndication.duckdb
OUT ?= reports

.PHONY: report test lint bench eval clean format

# (Re)create the virtualenv when it is missing or pyproject.toml changed.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev,bench]"
	touch $(STAMP)

report: $(STAMP)
	rm -f $(DB) $(DB).wal
	$(BIN)/dedup run $(CORPUS) --db $(DB)
	$(BIN)/dedup report --db $(DB) --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check dedup tests bench eval
	$(BIN)/ruff format --check dedup tests bench eval

format: $(STAMP)
	$(BIN)/ruff check --fix dedup tests bench eval
	$(BIN)/ruff format dedup tests bench eval

bench: $(STAMP)
	$(BIN)/python -m bench.run

eval: $(STAMP)
	$(BIN)/python -m eval.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build *.egg-info
	rm -rf reports/csv reports/parquet reports/figures reports/report.html reports/report.md
	rm -f $(DB) $(DB).wal
