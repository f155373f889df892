# issou: `make run` to try it, `make test` to check it. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench install migrate demo national clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 以上が必要です")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --size small

national: migrate
	$(BIN)/python manage.py seed_demo --size national

run: demo
	@echo
	@$(BIN)/python manage.py demo_logins
	@echo
	@echo "http://127.0.0.1:8000 で起動します（停止は Ctrl+C）。取込などのバックグラウンド処理も同時に動きます。"
	$(BIN)/python manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy .

test: lint
	$(BIN)/python -m pytest

# Benchmarks on national-size synthetic data; results in bench/results/ and bench/RESULTS.md.
# Splink (comparison only) lives in its own environment, never in the application's.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: requirements.txt requirements-dev.txt bench/requirements.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet -r requirements-dev.txt -r bench/requirements.txt
	touch $@

bench: install $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python bench/identify.py --splink $(BENCH_ARGS)
	$(BENCH_VENV)/bin/python bench/roster_import.py
	$(BENCH_VENV)/bin/python bench/search.py
	$(BENCH_VENV)/bin/python bench/api_paging.py
	$(BENCH_VENV)/bin/python bench/division.py
	$(BENCH_VENV)/bin/python bench/payments.py
	$(BENCH_VENV)/bin/python bench/targets.py
	$(BENCH_VENV)/bin/python bench/load.py
	@echo "bench/faults.py restarts PostgreSQL: run it by hand where that is allowed (never beside CI)."

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
