# Thư viện học tập. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint install lock translations extract-messages e2e-deps clean

# Installs come from requirements.lock (exact versions, made by `make lock` from the lower bounds in
# pyproject.toml), so every machine and CI run gets the same packages.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[test]'
	touch $(STAMP)

# Re-pin after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip install -q pip-tools
	$(BIN)/pip-compile --extra test --strip-extras -q --no-header --no-emit-index-url --no-emit-find-links \
	  --annotation-style line -o requirements.lock pyproject.toml

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile -d elearn/translations

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o elearn/translations/messages.pot .
	$(BIN)/pybabel update -i elearn/translations/messages.pot -d elearn/translations --no-fuzzy-matching

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) run --host 127.0.0.1 --port 5000

# axe-core for the accessibility checks in tests/e2e, pinned in tests/e2e/package-lock.json.
e2e-deps:
	@if command -v npm >/dev/null 2>&1; then \
	  test -f tests/e2e/node_modules/axe-core/axe.min.js || npm ci --prefix tests/e2e --silent --no-audit --no-fund; \
	else echo "npm not found: e2e accessibility checks will be skipped"; fi

lint: $(STAMP)
	$(BIN)/ruff check .

test: install e2e-deps lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) tests/e2e/node_modules
