# migrationdata — the two commands a reporter needs are `make figures` and `make test`.
# Everything else is implied: both set up .venv first (fast when nothing changed).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?=

.PHONY: setup figures test lint data lab clean help
.DEFAULT_GOAL := help

help:
	@echo "make figures   set up, then build every chart and the fact-check report"
	@echo "make test      set up, then lint and run the whole test suite"
	@echo "make data      refresh every source from the publishers (or MIGRATIONDATA_MIRROR)"
	@echo "make lab       open JupyterLab on the notebooks"
	@echo "make setup     create .venv with the pinned dependencies (done by the others)"
	@echo "make clean     remove .venv and caches (keeps data, figures and reports)"

setup: $(STAMP)

# Reinstall only when the dependency list or the pins change.
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s); set PYTHON=python3.11" % sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

figures: setup
	$(BIN)/migrationdata build $(if $(JOBS),--jobs $(JOBS))

lint: setup
	$(BIN)/ruff check src tests notebooks $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests notebooks $(wildcard benchmarks)

test: lint
	$(BIN)/python -m pytest

data: setup
	$(BIN)/migrationdata fetch

lab: setup
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .build-state
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
