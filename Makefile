# Community Events: `make run` serves the app with demo content on SQLite,
# `make test` runs the test suite. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := events_app

HOST ?= 127.0.0.1
PORT ?= 5000
# Links in mail, feeds and calendar buttons point at the server `make run`
# starts (`make run PORT=5123` included), unless SITE_URL is set.
SITE_URL ?= http://$(HOST):$(PORT)
run: export SITE_URL := $(SITE_URL)
# The demo's organisation details (footer of every page and e-mail): made-up
# contact points, replaced by the real ones through the environment.
ORGANISATION_ADDRESS ?= 251 Dundas Street, London, Ontario N6A 6H9
ORGANISATION_EMAIL ?= community-events@example.org
ORGANISATION_PHONE ?= 519-555-0100
ORGANISATION_WEBSITE ?= https://lmlip.example.org
ORGANISATION_FUNDER ?= Immigration, Refugees and Citizenship Canada
run: export ORGANISATION_ADDRESS := $(ORGANISATION_ADDRESS)
run: export ORGANISATION_EMAIL := $(ORGANISATION_EMAIL)
run: export ORGANISATION_PHONE := $(ORGANISATION_PHONE)
run: export ORGANISATION_WEBSITE := $(ORGANISATION_WEBSITE)
run: export ORGANISATION_FUNDER := $(ORGANISATION_FUNDER)
PYTEST_ARGS ?=

.PHONY: run test setup db translations messages bench clean lock audit

## run: set up, migrate, load the demo content and serve http://127.0.0.1:5000
## (with the mail worker in the background: mail lands in instance/outbox/*.eml);
## once the server answers, says what to do next
run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask seed demo
	$(BIN)/flask mail work & worker=$$!; \
	$(BIN)/flask hint --wait 60 --server http://$(HOST):$(PORT) & hint=$$!; \
	trap 'kill $$worker $$hint 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## test: set up and run the test suite (TEST_DATABASE_URL=… for PostgreSQL)
test: setup $(VENV)/.installed-dev node_modules/axe-core/axe.min.js
	$(BIN)/pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed-app translations

# Installed from the lock files only, every file checked against its hash
# (pip --require-hashes): what runs is what was reviewed. `make run` gets
# the application's packages; the test tools come with `make test`.
$(VENV)/.installed-app: requirements/app.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/app.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt $(VENV)/.installed-app
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	touch $@

## lock: pin every package (and its hashes) after a change to pyproject.toml
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet pip-tools
	for extra in app dev; do \
	  CUSTOM_COMPILE_COMMAND="make lock" .lock-venv/bin/pip-compile --quiet --upgrade \
	    --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	    --no-emit-trusted-host --no-emit-find-links --build-deps-for editable \
	    $$( [ $$extra = dev ] && echo --extra dev ) -o requirements/$$extra.txt pyproject.toml || exit 1; \
	done
	rm -rf .lock-venv

## audit: known vulnerabilities in the locked packages (pip-audit, from PyPI)
audit:
	rm -rf .audit-venv && $(PYTHON) -m venv .audit-venv
	.audit-venv/bin/pip install --quiet pip-audit
	.audit-venv/bin/pip-audit --require-hashes --disable-pip -r requirements/dev.txt
	rm -rf .audit-venv

# Every catalogue in translations/ (English is the source language).
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)

## translations: compile every catalogue
translations: $(CATALOGUES:.po=.mo)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed-app
	$(BIN)/pybabel -q compile -d translations -l $*

## messages: extract every UI string and merge it into every catalogue
messages: $(VENV)/.installed-app
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
	rm -rf $(VENV) node_modules .pytest_cache translations/*/LC_MESSAGES/*.mo .lock-venv .audit-venv
