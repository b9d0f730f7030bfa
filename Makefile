# Two entry points for a fresh clone: `make demo` and `make test`.
# Each creates its own virtual environment and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: demo test lint format lock translations-extract translations-update translations-compile bench-ingest bench-search bench-care bench-protocols bench-web bench-leads bench-hotel-page clean

# Exactly the versions in the lock file (every dependency, pinned), then the project
# itself without resolving again: the same install on every machine and in CI.
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The lock files, from pyproject.toml (pip-tools' pip-compile, in a virtual environment of
# its own so the project's stays exactly the lock): requirements.lock for the image
# (Dockerfile), requirements-dev.lock for development and CI. After changing a dependency
# run `make lock` and commit both; `make lock ARGS=--upgrade` moves every pin to the newest.
LOCK_TOOLS := .venv-lock
lock:
	test -x $(LOCK_TOOLS)/bin/pip-compile || ($(PYTHON) -m venv $(LOCK_TOOLS) && \
		$(LOCK_TOOLS)/bin/python -m pip install --quiet pip-tools)
	$(LOCK_TOOLS)/bin/pip-compile --quiet --strip-extras --no-emit-index-url \
		--no-emit-find-links $(ARGS) --output-file requirements.lock pyproject.toml
	$(LOCK_TOOLS)/bin/pip-compile --quiet --strip-extras --no-emit-index-url \
		--no-emit-find-links $(ARGS) --extra dev --extra scrapyd \
		--unsafe-package tourscope --unsafe-package pip --unsafe-package setuptools \
		--output-file requirements-dev.lock pyproject.toml

# The browser tests drive Debian's chromium (Playwright's own browser download does not
# work here); only the tests need it.
$(CHROMIUM):
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

demo: $(STAMP)
	$(BIN)/tourscope demo

test: $(STAMP) $(CHROMIUM)
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench-ingest: $(STAMP)
	bash scripts/ensure-postgres.sh tourscope_bench
	$(BIN)/python -m benchmarks.ingest

# Seeds 5M offers into PostgreSQL, then prints p50/p95 of searches and price calendars.
bench-search: $(STAMP)
	bash scripts/ensure-postgres.sh tourscope_search_bench
	$(BIN)/python -m benchmarks.search

# Seeds a 50-manager network (200k clients, 2M contacts, 300k trips and their letters,
# 100k feedback) into PostgreSQL, then prints p50/p95 of the client-care pages' queries.
bench-care: $(STAMP)
	bash scripts/ensure-postgres.sh tourscope_care_bench
	$(BIN)/python -m benchmarks.care

# A full sweep of each published-protocol replica (Tourvisor, Master-Tour, TEZ TOUR):
# requests sent, offers stored, references mapped, crawl time.
bench-protocols: $(STAMP)
	$(BIN)/python -m benchmarks.protocols

# Serves bench-search's 5M offers (`tourscope serve`, production settings) and drives
# /healthz, /api/search, the HTML search page, /api/calendar, / and hotel pages at 16, 64
# and 256 connections: req/s and its share of /healthz's, p50/p95/p99, every status code,
# stalled requests. ARGS="--workers 2 --only api" and such pass through.
bench-web: $(STAMP)
	bash scripts/ensure-postgres.sh tourscope_search_bench
	$(BIN)/python -m benchmarks.web $(ARGS)

# The catalogs (tourscope/translations/<locale>/LC_MESSAGES/messages.po): extract the
# strings into the template, merge it into each language's catalog, translate the new
# entries, and compile. The app also compiles an edited .po in memory, so compiling is for
# releases; tests/test_translations.py fails on any untranslated or stale entry.
CATALOGS := tourscope/translations
PYBABEL := $(BIN)/pybabel
translations-extract: $(STAMP)
	$(PYBABEL) extract --mapping babel.cfg --keyword lazy_gettext --keyword _l --keyword N_ \
		--no-location --sort-output --project Tourscope --output $(CATALOGS)/messages.pot .

translations-update: translations-extract
	$(PYBABEL) update --input-file $(CATALOGS)/messages.pot --output-dir $(CATALOGS) \
		--no-fuzzy-matching --ignore-obsolete

translations-compile: $(STAMP)
	$(PYBABEL) compile --directory $(CATALOGS) --statistics

# One hotel with 50 to 1,000 matching offers in a SQLite file, the real app in process:
# p50/p95 of its page, HTML and JSON, with the answer cache off.
bench-hotel-page: $(STAMP)
	$(BIN)/python -m benchmarks.hotel_page $(ARGS)

# Sends 400 lead forms, 8 visitors at once, to `tourscope serve` over bench-search's
# database with no re-check worker running: p50/p95 of the POST until the redirect.
bench-leads: $(STAMP)
	bash scripts/ensure-postgres.sh tourscope_search_bench
	$(BIN)/python -m benchmarks.leads $(ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
