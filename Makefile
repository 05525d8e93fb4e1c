# The two commands for a newcomer: `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS ?= corpus
DB ?= reports/syndication.duckdb
OUT ?= reports

.PHONY: report test lint bench eval clean format faults bytecode

# (Re)create the virtualenv when it is missing or pyproject.toml changed.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev,bench]"
	$(MAKE) --no-print-directory bytecode
	touch $(STAMP)

# An editable install compiles nothing, and where PYTHONDONTWRITEBYTECODE is set (CI
# sandboxes) every run would compile the package again (0.05 s of each command).
bytecode:
	$(BIN)/python -m compileall -q dedup

# Built next to $(DB) and swapped in: a database another process holds is never replaced.
# The shell removes the file it made however it ends (dash runs no EXIT trap when a signal
# kills it: the signal traps exit instead).
report: $(STAMP)
	mkdir -p $(dir $(DB))
	tmp=$$(mktemp "$(DB).XXXXXX") && trap 'rm -f "$$tmp" "$$tmp.wal"' EXIT && \
	trap 'exit 130' INT && trap 'exit 143' TERM && trap 'exit 129' HUP && \
	$(BIN)/dedup run $(CORPUS) --db "$$tmp" && $(BIN)/python -m dedup.swap "$$tmp" "$(DB)"
	$(BIN)/dedup report --db $(DB) --out $(OUT)

# Test files spread over TEST_WORKERS processes (each file's tests stay in one, with its
# fixtures): 5.2 minutes instead of 8 on the 2-core machine. TEST_WORKERS=0 runs in this one.
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check dedup tests bench eval
	$(BIN)/ruff format --check dedup tests bench eval

format: $(STAMP)
	$(BIN)/ruff check --fix dedup tests bench eval
	$(BIN)/ruff format dedup tests bench eval

bench: $(STAMP) bytecode
	$(BIN)/python -m bench.run

eval: $(STAMP)
	$(BIN)/python -m eval.run

# dedup run killed by SIGKILL, SIGINT and SIGTERM at random points (see bench/faults.py).
faults: $(STAMP)
	$(BIN)/python -m bench.faults --points 24 --articles 600 --work reports/faults

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build *.egg-info dedup/__pycache__
	rm -rf reports/faults reports/csv reports/parquet reports/figures reports/report.html reports/report.md reports/report.xlsx reports/.dedup-partial-*
	rm -f $(DB) $(DB).wal
