# Frontline: `make run` starts the desk with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
export FRONTLINE_DATABASE_URL ?= sqlite:///var/frontline.db
export FRONTLINE_DATA_DIR ?= var/data

.PHONY: run test install system-deps lint typecheck check clean demo-reset

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: install python3-venv"; exit 1; }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]' --config-settings editable_mode=compat
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

system-deps:
	@scripts/system-deps.sh

run: $(STAMP)
	@mkdir -p var
	$(BIN)/frontline migrate
	$(BIN)/frontline demo --if-empty
	@$(BIN)/python -m frontline.demo.credentials
	$(BIN)/frontline serve

test: $(STAMP) system-deps
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check frontline tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy frontline

check: lint typecheck test

demo-reset:
	rm -f var/frontline.db var/frontline.db-wal var/frontline.db-shm

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .mypy_cache .ruff_cache
