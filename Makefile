# parallel: `make corpus` installs, gets the model if missing and builds corpus/; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test-tools model corpus test bench lint clean

install: $(STAMP)

# torch first, pinned, so that pip takes the CPU wheel instead of a CUDA build: the tests compare our
# translations with Hugging Face Transformers' on the same weights (tests/test_reference.py).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,hf,eval,ray]'
	touch $(STAMP)

# Debian packages the tests use as independent readers of our files: OmegaT opens our TMX,
# headless Chromium opens review.html.  Each package's command has the package's name; only the
# missing ones are installed, with `apt-get update` only when the package lists are too old.
TEST_PACKAGES := omegat chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends

test-tools:
	@missing=$$(for p in $(TEST_PACKAGES); do command -v $$p >/dev/null || echo $$p; done); \
	  [ -z "$$missing" ] || $(APT_INSTALL) $$missing >/dev/null || \
	  { $(SUDO) apt-get update -q >/dev/null && $(APT_INSTALL) $$missing >/dev/null; }

model: install
	@test -f models/opus-mt-ar-en/manifest.json || $(BIN)/parallel model fetch opus-mt-ar-en

# Without an installed model this tries `model fetch`; when that fails, `parallel corpus` prints
# one line and exits 3 (make then reports "Error 3" and exits 2), and corpus/ gets no new files.
corpus: install
	@$(BIN)/parallel corpus --fetch --seeds seeds --out corpus

# PARALLEL_REQUIRE_EXTERNAL=1: a missing OmegaT or Chromium fails the run instead of skipping its tests.
test: install test-tools
	PARALLEL_REQUIRE_EXTERNAL=1 $(BIN)/python -m pytest -q

# Benchmarks (not tests): results go to bench/results.json, see bench/README.md.
bench: install
	$(BIN)/python bench/formats.py
	$(BIN)/python bench/throughput.py --systems pipeline,ctranslate2,reproducible,hf,corpus
	$(BIN)/python bench/scale.py --sizes 1000,10000,100000
	$(BIN)/python bench/ray_engine.py --sentences 400
	$(BIN)/python bench/align_peers.py

lint: install
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .bench
