# Rapport: `make run` serves the dashboard with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint format bench clean

# Finds a Python >= 3.12 (pyenv's shims honour .python-version), or says clearly there is none.
PYTHON_FOR_VENV = $(shell bin/find-python)

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON_FOR_VENV)" || { echo "Rapport needs Python 3.12 or newer; none found (tried python3.13, python3.12, python3). Install one, e.g. 'pyenv install 3.13'." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

run: install
	bin/run

test: install
	bin/test

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
