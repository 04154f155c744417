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

# Reinstall only when the dependency list or the pins change. uv installs the same pins more
# than ten times faster than pip; it is taken from PATH, or bootstrapped from PyPI into .venv,
# and pip does the whole install if neither works (UV=no forces pip).
UV ?=
UV_VERSION := 0.13.9
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s); set PYTHON=python3.11" % sys.version.split()[0])'
	@set -e; \
	uv="$(UV)"; \
	if [ "$$uv" != no ]; then \
	  [ -n "$$uv" ] || uv="$$(command -v uv || true)"; \
	  if [ -z "$$uv" ]; then \
	    $(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(VENV)/.uv uv==$(UV_VERSION) >/dev/null 2>&1 \
	      && uv=$(VENV)/.uv/bin/uv || uv=""; \
	  fi; \
	fi; \
	if [ -n "$$uv" ] && [ "$$uv" != no ]; then \
	  echo "setup: installing the pinned environment with uv"; \
	  test -x $(BIN)/python || "$$uv" venv --quiet --seed --allow-existing --python $(PYTHON) $(VENV); \
	  "$$uv" pip install --quiet --python $(BIN)/python -c constraints.txt -e ".[dev]"; \
	else \
	  echo "setup: uv not available, installing with pip (slower)"; \
	  test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
	  $(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"; \
	fi
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

figures: setup
	$(BIN)/migrationdata build $(if $(JOBS),--jobs $(JOBS))

lint: setup
	$(BIN)/ruff check src tests notebooks $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests notebooks $(wildcard benchmarks)

# Compiled bytecode for the test run's many Python processes (workers, CLI runs, kernels):
# where PYTHONDONTWRITEBYTECODE is set, each of them would compile pandas and the rest from
# source again (about 1.5 s of CPU each). The cache is kept inside .venv, never in the tree.
PYCACHE ?= $(CURDIR)/$(VENV)/.pycache

test: lint
	PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX="$(PYCACHE)" $(BIN)/python -m pytest -n $(or $(TEST_WORKERS),auto)

data: setup
	$(BIN)/migrationdata fetch

lab: setup
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .build-state
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
