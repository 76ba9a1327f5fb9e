# Community Events: `make run` serves the app with demo content on SQLite,
# `make test` runs the test suite. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := events_app

HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test setup db translations messages bench clean

## run: set up, migrate, load the demo content and serve http://127.0.0.1:5000
## (with the mail worker in the background: mail lands in instance/outbox/*.eml)
run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask seed demo
	$(BIN)/flask mail work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## test: set up and run the test suite (TEST_DATABASE_URL=… for PostgreSQL)
test: setup node_modules/axe-core/axe.min.js
	$(BIN)/pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Every catalogue in translations/ (English is the source language).
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)

## translations: compile every catalogue
translations: $(CATALOGUES:.po=.mo)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel -q compile -d translations -l $*

## messages: extract every UI string and merge it into every catalogue
messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

# axe-core, injected into pages by the accessibility tests. Without npm the
# browser tests skip with a reason instead of failing.
node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --no-package-lock --loglevel=error || echo "npm is not available: the accessibility tests will be skipped"

## bench: the page benchmark (prints requests/s and latency; not a test)
bench: setup
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache translations/*/LC_MESSAGES/*.mo
