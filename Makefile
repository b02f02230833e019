# Two commands for a newcomer: `make run` and `make test`. Both install what they need.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Where `make test` writes the run's JUnit XML and the qualification report.
REPORT_DIR ?= var/validation

.PHONY: run test validation-report lint format install browser pgbouncer documents client constraints bench wrk clean

# The example third-party plugin is installed too: it is discovered by its entry point,
# exactly as a customer's plugin would be, and its tests run with the suite.
$(STAMP): setup.cfg pyproject.toml requirements/constraints.txt examples/datacapt-hello/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e examples/datacapt-hello
	touch $(STAMP)

install: $(STAMP)

## Embedded PostgreSQL, migrations, the demo tenant, then the API on http://$(HOST):$(PORT)
## (without REDIS_URL, jobs run in the web process and the periodic jobs beside it);
## when it stops, the periodic jobs stop with it and the last of them stops the embedded server
run: install documents
	$(FLASK) tenants migrate
	$(FLASK) demo seed
	$(FLASK) jobs cron & cron=$$!; trap 'kill $$cron 2>/dev/null; wait $$cron' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

## The whole test suite (DATACAPT_TEST_DATABASE_URL / DATACAPT_TEST_REDIS_URL when set), one
## worker per core (at most 4), each on a database of its own, test files kept whole per worker;
## then the qualification report of the run (docs/validation.md). The report fails the run only
## when requirements and tests no longer trace to one another; failed tests fail it already.
test: install browser pgbouncer documents
	$(BIN)/pytest --numprocesses auto --maxprocesses 4 --dist loadfile --junitxml=$(REPORT_DIR)/junit.xml; \
	status=$$?; $(BIN)/python -m datacapt.validation report $(REPORT_DIR)/junit.xml --out $(REPORT_DIR) \
	  || status=1; exit $$status

## The qualification report: of the JUnit XML of a run with JUNIT=path, else of a run of the suite
ifdef JUNIT
validation-report: install documents
	$(BIN)/python -m datacapt.validation report $(JUNIT) --out $(REPORT_DIR)
else
validation-report: test
endif

## Headless Chromium (Debian's package) for the interactive docs' browser test, when missing;
## where it cannot be installed (not root, no apt), that test is skipped and says why
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "chromium could not be installed: the browser test will be skipped"

## pgbouncer (Debian's package), when missing and the user is root with apt: with
## DATACAPT_TEST_PGBOUNCER=1 (as in CI) the suite runs through one in transaction-pooling mode
pgbouncer:
	@command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || { [ "$$(id -u)" = 0 ] \
	  && command -v apt-get >/dev/null 2>&1 && apt-get update -qq \
	  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbouncer >/dev/null; } \
	  || echo "pgbouncer could not be installed: DATACAPT_TEST_PGBOUNCER=1 cannot be used"

## Pango, HarfBuzz's subsetter and a font for the documents printed to PDF (WeasyPrint), when
## missing and the user is root with apt (Debian's packages, as the Dockerfile installs them)
documents:
	@ldconfig -p | grep -q libpangoft2-1.0 && ldconfig -p | grep -q libharfbuzz-subset && fc-list | grep -q DejaVu \
	  || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && apt-get update -qq \
	  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
	     libharfbuzz-subset0 fonts-dejavu-core >/dev/null; } \
	  || echo "Pango or a font could not be installed: documents cannot be printed to PDF"

## TypeScript types generated from the API description (clients/typescript), and its usage
## file type-checked against them; `make test` runs the same check on the test app's description
client: install
	$(FLASK) openapi write --format json clients/typescript/openapi.json
	cd clients/typescript && npm ci --no-audit --no-fund && npm run --silent check

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## wrk (Debian's package), the HTTP load generator of the benches, when missing and the user is
## root with apt; a bench that needs it runs this target itself
wrk:
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } \
	  || echo "wrk could not be installed: the HTTP benches cannot run"

bench: install wrk
	$(BIN)/python bench/tenants.py --tenants 10000
	$(BIN)/python bench/tenant_creation.py
	$(BIN)/python bench/connection_memory.py
	$(BIN)/python bench/host_cache.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/plugins.py
	$(BIN)/python bench/access.py
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/ecrf.py
	$(BIN)/python bench/subject_list.py
	$(BIN)/python bench/jobs.py
	$(BIN)/python bench/jobs.py --jobs-per-horse 1
	$(BIN)/python bench/jobs.py --no-fork
	$(BIN)/python bench/epro.py
	$(BIN)/python bench/monitoring_sdv.py
	$(BIN)/python bench/monitoring_signatures.py
	$(BIN)/python bench/monitoring_queries.py
	$(BIN)/python bench/randomization.py
	$(BIN)/python bench/allocation_dispensing.py
	$(BIN)/python bench/allocation_traceability.py
	$(BIN)/python bench/allocation_supply.py
	$(BIN)/python bench/payments_orders.py
	$(BIN)/python bench/payments_sepa.py
	$(BIN)/python bench/exports.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/analytics.py
	$(BIN)/python bench/econsent.py
	$(BIN)/python bench/calendar_reminders.py
	$(BIN)/python bench/subject_repository.py
	$(BIN)/python bench/side_by_side.py

constraints: install
	{ head -n 2 requirements/constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -v '^datacapt'; } > requirements/constraints.new
	mv requirements/constraints.new requirements/constraints.txt

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .import_linter_cache .mypy_cache clients/typescript/node_modules
