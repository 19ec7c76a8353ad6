# Everything a fresh machine with only Python 3.11 needs: `make run`, `make test`, `make bench`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint browser sysdeps clean openapi mutation

# python-ldap (the LDAP login) builds against Debian's libldap2-dev/libsasl2-dev; the deploy tests
# run a real slapd and `nginx -t`. Installed where missing (root only); RUNLEVEL=1 keeps the
# packages' own services from starting. Without them the LDAP extra is skipped, and so are its tests.
SYSDEPS := libldap2-dev libsasl2-dev slapd nginx
sysdeps:
	@if [ "$$(id -u)" = 0 ] && ! dpkg -s $(SYSDEPS) >/dev/null 2>&1; then \
	  export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1; \
	  apt-get install -y -q $(SYSDEPS) >/dev/null 2>&1 || \
	  (apt-get update -q >/dev/null && apt-get install -y -q $(SYSDEPS) >/dev/null); fi

$(STAMP): pyproject.toml | sysdeps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev,ldap]" || $(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

# Debian's chromium (and a CJK font for readable screenshots) drive the real-browser tests;
# install them where missing (root only).
browser:
	@if [ "$$(id -u)" = 0 ] && { ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy; }; then \
	  apt-get install -y -q chromium fonts-wqy-microhei >/dev/null 2>&1 || \
	  (apt-get update -q >/dev/null && apt-get install -y -q chromium fonts-wqy-microhei >/dev/null); fi

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ingest fixtures/gazettes/*.txt
	$(BIN)/python manage.py demo_setup
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP) browser
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The reminder and dashboard benchmarks need PostgreSQL: BENCH_DATABASE_URL (default: the local server).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tracker_bench
bench: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(BIN)/python -m benchmarks

# The OpenAPI document of the REST API (tracker/api/), regenerated after an API change and committed:
# tests/api/test_schema.py fails while the served schema and docs/openapi.yaml differ.
openapi: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

# Mutation testing of the core rules (docs/mutation.md; not in CI: slow). mutmut 3 over tracker/permissions.py,
# the state machine (transitions, lifecycle_office, lifecycle_unit), tracker/querysets.py and parsing/deadlines.py
# ([tool.mutmut] in pyproject.toml: SQLite, only the tests of these modules, no browser/Redis/PostgreSQL).
# MUTATE narrows the run to mutant names ("tracker.permissions*"); CHILDREN caps the worker processes.
MUTATE ?=
CHILDREN ?= 1
mutation: $(STAMP)
	-env -u DATABASE_URL $(BIN)/mutmut run $(MUTATE) --max-children $(CHILDREN)
	$(BIN)/mutmut results --all true | $(BIN)/python tools/mutation_score.py docs/mutation-equivalent.txt

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) db.sqlite3 var mutants
