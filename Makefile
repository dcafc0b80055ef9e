# Two commands on a fresh Debian 12 machine:
#   make run   — install everything, then build every document of the default data set into output/
#   make test  — install everything, then run the tests
VENV := .venv
PYTHON ?= python3

.PHONY: run test lint install system clean

run: install
	$(VENV)/bin/reportgen build --allow-incomplete

# one test process per core (pytest-xdist), a module's tests on one process, modules handed out in the
# order tests/conftest.py gives (LONGEST_FIRST; by default xdist starts with the modules of most tests);
# the session's full build is made once and shared (tests/conftest.py)
test: install lint
	$(VENV)/bin/pytest -q -n auto --dist loadfile --no-loadscope-reorder

# ruff (pyproject [tool.ruff]) and the import contracts of the one-way flow (pyproject [tool.importlinter])
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

install: system $(VENV)/.installed

system:
	bash scripts/setup-system.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf output $(VENV)
