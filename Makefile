# Examhall's front door: `make run` serves the demo, `make test` proves it works.
# Everything installs into .venv from requirements*.txt; nothing else is needed but Python 3.11.

VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
PORT   ?= 5000
export PORT

.PHONY: run test install install-dev migrate seed lint format check-migrations worker realtime clean

$(PY):
	@python3 -m venv $(VENV) || { echo "Could not create $(VENV). On Debian/Ubuntu: apt-get install python3-venv"; exit 1; }
	@$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) demo seed --if-empty

## Serve on http://127.0.0.1:$(PORT) in the foreground (SQLite in instance/ unless DATABASE_URL is set).
run: seed
	@bash scripts/serve_dev.sh

## The suite on SQLite; again on PostgreSQL + Redis when TEST_DATABASE_URL and TEST_REDIS_URL are set.
test: install-dev
	$(PY) -m pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ] && [ -n "$$TEST_REDIS_URL" ]; then \
		echo "== again on $$TEST_DATABASE_URL and $$TEST_REDIS_URL =="; \
		TEST_TARGET=services $(PY) -m pytest -q; \
	fi

lint: install-dev
	$(VENV)/bin/ruff check .

format: install-dev
	$(VENV)/bin/ruff format app tests scripts bench

check-migrations: install-dev
	bash scripts/check_migrations.sh

worker: install
	$(VENV)/bin/rq worker --with-scheduler --url "$${REDIS_URL:?set REDIS_URL}" examhall

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
