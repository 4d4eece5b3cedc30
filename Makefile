# hrtele — two entry points: `make run` (demo on SQLite) and `make test` (whole suite).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
FLASK   := $(BIN)/flask --app hrtele
HOST    ?= 127.0.0.1
PORT    ?= 5000
TEST_WORKERS ?= 2

.PHONY: run dev test install install-test install-bench migrate demo serve start lint bench messages clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	scripts/install-system-deps.sh
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	scripts/install-system-deps.sh --test
	$(BIN)/pip install --quiet -e '.[test]'
	scripts/install-axe.sh

migrate:
	$(FLASK) db upgrade

demo:
	$(FLASK) demo-data --if-empty

# Local http: the session cookie cannot be Secure on http://127.0.0.1. The local demo logs in
# without the second factor (production keeps HRTELE_TWO_FACTOR_REQUIRED on).
serve:
	HRTELE_SESSION_COOKIE_SECURE=0 HRTELE_REMEMBER_COOKIE_SECURE=0 HRTELE_TWO_FACTOR_REQUIRED=0 $(FLASK) run --host $(HOST) --port $(PORT)

# gunicorn (several workers) + the huey worker, both under honcho (Procfile); Ctrl-C stops both.
# Local demo over http: cookies not Secure, log-in without the second factor.
start:
	HRTELE_SESSION_COOKIE_SECURE=0 HRTELE_REMEMBER_COOKIE_SECURE=0 HRTELE_TWO_FACTOR_REQUIRED=0 $(BIN)/honcho start -f Procfile -p $(PORT)

run: install migrate demo start

# Flask's development server (reloader, debugger off): jobs run inline, no worker needed.
dev: install migrate demo
	HRTELE_HUEY_IMMEDIATE=1 $(MAKE) serve

test: install-test
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check hrtele tests bench

install-bench: install-test
	$(BIN)/pip install --quiet -e '.[test,bench]'

bench: install-bench
	$(BIN)/python bench/bench_render.py
	$(BIN)/python bench/bench_download.py
	$(BIN)/python bench/bench_observatory.py
	$(BIN)/python bench/bench_planning.py
	$(BIN)/python bench/bench_bulk.py
	$(BIN)/python bench/bench_load.py
	$(BIN)/python bench/bench_scale.py
	$(BIN)/python bench/bench_api.py
	$(BIN)/python bench/bench_signing.py

# Source strings are French; an English catalogue starts from this template:
#   .venv/bin/pybabel init -i hrtele/translations/messages.pot -d hrtele/translations -l en
messages:
	mkdir -p hrtele/translations
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o hrtele/translations/messages.pot .

clean:
	rm -rf $(VENV) .pytest_cache
