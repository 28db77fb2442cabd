# Set-up and checks for a fresh machine: everything is installed into .venv by this file.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install browser servers migrate run test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,report,postgres]'
	touch $(STAMP)

# Debian's Chromium and its driver, which Playwright drives in the report's and the desk's page
# tests (no browser download works here: never `playwright install`). Silent when both are
# already installed.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

# Debian's PostgreSQL and nginx, which the tests start themselves on loopback (a throw-away
# cluster in a temporary folder; nginx in front of two service processes). Their packaged services
# stay stopped: invoke-rc.d starts none in a container (policy-rc.d, or no init system). Silent when
# both are installed.
servers:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && test -x /usr/sbin/nginx || { \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql nginx >/dev/null; }

# Brings the database at COMPLAINT_DATABASE_URL (default sqlite:///feedback.db) to this release's
# schema; the service refuses to start on any other.
migrate: install
	$(BIN)/python -m service.migrate

run: migrate
	$(BIN)/python -m service --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# pytest exits 5 when it collects no tests; any non-zero exit fails the target, so "no tests" is a failure.
test: lint browser servers
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
