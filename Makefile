# parallel: `make corpus` installs, gets the model if missing and builds corpus/; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install model corpus test lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

model: install
	@test -f models/opus-mt-ar-en/manifest.json || $(BIN)/parallel model fetch opus-mt-ar-en

# Without an installed model this tries `model fetch`; when that fails, `parallel corpus` prints
# one line and exits 3 (make then reports "Error 3" and exits 2), and corpus/ gets no new files.
corpus: install
	@$(BIN)/parallel corpus --fetch --seeds seeds --out corpus --cache .cache/translations.sqlite

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
