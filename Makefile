# ShopGuard — `make run` starts the bot (console chat without BOT_TOKEN), `make test` runs everything.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint typecheck services bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

lint: $(STAMP)
	$(BIN)/ruff check src bot tests bench
	$(BIN)/ruff format --check src bot tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# PostgreSQL and Redis for the tests that need them, from Debian's packages (scripts/services.sh)
services:
	scripts/services.sh start

# the whole suite on the SQLite default, then again on PostgreSQL + Redis (the production profile)
test: $(STAMP) lint typecheck services
	. .services/env && SHOPGUARD_REQUIRE_SERVICES=1 $(BIN)/python -m pytest
	. .services/env && SHOPGUARD_REQUIRE_SERVICES=1 SHOPGUARD_TEST_DATABASE=postgres \
		SHOPGUARD_TEST_REDIS=1 $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	-scripts/services.sh stop
	rm -rf $(VENV) .services .pytest_cache .mypy_cache .ruff_cache
