# Dugnad: `make run` for the demo, `make test` for the whole suite. Nothing else to install.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: install run demo test lint layers check-migrations pytest browser bench bench-register bench-rosters bench-web messages lock clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
	@mkdir -p var/mail var/sms
	@echo "Dugnad is served on http://127.0.0.1:8000 (Ctrl+C stops it)"
	@echo "Its e-mail is not sent: each message is written to var/mail/ as an .eml file"
	@echo "Its SMS are not sent either: each one is written to var/sms/ as a .txt file"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The apps' layers and no import circles (contracts in pyproject.toml, docs/architecture.md).
layers: install
	$(BIN)/lint-imports

check-migrations: install
	$(BIN)/python manage.py makemigrations --check --dry-run

pytest: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint layers check-migrations pytest

browser: install
	DUGNAD_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# The end-to-end figure goes through PostgreSQL (a throwaway database `dugnad_bench`); at demo
# scale 12.5 the demo has about 2,000 open slots (size M).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dugnad_bench
# Offers go through a real Celery worker (bench_offers starts one) on this Redis database.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/0
# The incremental re-solve (a "no" to saved proposals) is timed at demo scale 10, in its own
# throwaway database `dugnad_bench10`.
BENCH10_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dugnad_bench10
bench: install
	$(BIN)/python -m matching.engine bench --sizes S,M,L,MS,LS
	$(BIN)/python -m matching.engine bench --sizes M --block-processes 2 --no-verify
	for url in $(BENCH_DATABASE_URL) $(BENCH10_DATABASE_URL); do \
		psql "$$(dirname $$url)/postgres" -qtc "SELECT 1 FROM pg_database WHERE datname = '$$(basename $$url)'" | grep -q 1 || \
			psql "$$(dirname $$url)/postgres" -qc "CREATE DATABASE $$(basename $$url)"; \
		DATABASE_URL=$$url $(BIN)/python manage.py migrate -v0; \
	done
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench_matching --scale 12.5 --incremental 0
	DATABASE_URL=$(BENCH10_DATABASE_URL) $(BIN)/python manage.py bench_matching --scale 10 --reruns 0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py bench_offers_sms --slots 500 --failure-rate 0.1
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(BIN)/python manage.py bench_offers --scale 10

# Registrations per second on the public form through gunicorn on PostgreSQL (prints figures;
# scripts/bench-register.sh says how). A throwaway database `dugnad_bench_register`.
BENCH_REGISTER_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dugnad_bench_register
bench-register: install
	BENCH_REGISTER_DATABASE_URL=$(BENCH_REGISTER_DATABASE_URL) scripts/bench-register.sh

# How fast the roster exports stream 3,000 placed shifts, and the resource register's exports
# 3,000 people and the whole register of 22,000 (CSV and XLSX through the view, on PostgreSQL;
# rows built in a transaction that is rolled back). A throwaway database.
BENCH_ROSTERS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dugnad_bench_rosters
bench-rosters: install
	psql "$(dir $(BENCH_ROSTERS_DATABASE_URL))postgres" -qtc "SELECT 1 FROM pg_database WHERE datname = '$(notdir $(BENCH_ROSTERS_DATABASE_URL))'" | grep -q 1 || \
		psql "$(dir $(BENCH_ROSTERS_DATABASE_URL))postgres" -qc "CREATE DATABASE $(notdir $(BENCH_ROSTERS_DATABASE_URL))"
	DATABASE_URL=$(BENCH_ROSTERS_DATABASE_URL) $(BIN)/python manage.py migrate -v0
	DATABASE_URL=$(BENCH_ROSTERS_DATABASE_URL) $(BIN)/python manage.py bench_roster_export --rows 3000
	DATABASE_URL=$(BENCH_ROSTERS_DATABASE_URL) $(BIN)/python manage.py bench_register_export --rows 3000 --full 22000

# Staff pages at demo scale 10 through gunicorn on PostgreSQL: one line per page (p50, p95,
# queries, size), then 8 clients at once for 30 s (scripts/bench-web.sh). A throwaway database
# `dugnad_bench_web`; the demo is loaded once and reused.
BENCH_WEB_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dugnad_bench_web
bench-web: install
	BENCH_WEB_DATABASE_URL=$(BENCH_WEB_DATABASE_URL) scripts/bench-web.sh

# Needs GNU gettext (developers only; the compiled catalogues are committed).
messages: install
	scripts/messages.sh

lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) var staticfiles
