# parallel: `make corpus` installs, gets the model if missing and builds corpus/; `make test` runs the tests.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PIP    := $(BIN)/python -m pip --disable-pip-version-check
# torch for the tests comes from PyTorch's CPU index, named here on purpose: PyPI's torch is a CUDA
# build of several GB.  The lock pins `torch==…+cpu`, a version only that index (or a wheel on disk)
# has, so no other source can satisfy it.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
LOCK_TOOLS := .cache/lock-tools
PIP_COMPILE := $(LOCK_TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
# Package names as the locks write them (PEP 503: lower case, runs of - _ . as one -), versions untouched.
NORMALISE_NAMES := sed -E 's/^[^=]+/\L&/; :a; s/^([^=]*)[_.]+/\1-/; ta'
DEV_EXTRAS := --extra test --extra parquet --extra hf --extra eval --extra ray

.PHONY: install install-dev test-tools model corpus test bench lint lock check-latest clean

# The main job only (requirements/main.txt: reading, segmenting, translating, aligning, scoring, the
# corpus formats), at the locked versions, every file checked against its hash.
install: $(STAMP)

$(STAMP): pyproject.toml requirements/main.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements/main.txt
	$(PIP) install --quiet --no-deps -e .
	touch $(STAMP)

# Everything the tests and benchmarks need besides (requirements/dev.txt): the extras parquet, hf,
# eval, ray and test; torch first, the CPU build from $(TORCH_INDEX).
install-dev: $(DEV_STAMP)

$(DEV_STAMP): $(STAMP) requirements/dev.txt requirements/torch.txt
	$(PIP) install --quiet --no-deps --require-hashes --extra-index-url $(TORCH_INDEX) -r requirements/torch.txt
	$(PIP) install --quiet --require-hashes -r requirements/dev.txt
	touch $(DEV_STAMP)

# Refresh the locks from pyproject.toml's ranges (and requirements/torch-cpu.in), with hashes, after
# changing a dependency or to take newer releases; commit the three files it writes.  torch's CPU
# build is looked up on $(TORCH_INDEX) (`make lock TORCH_INDEX=` where a wheel on disk serves it, as
# on the machines this project is built on, which cannot reach that index).
lock:
	test -x $(LOCK_TOOLS)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_TOOLS) && \
	  $(LOCK_TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check 'pip-tools>=7.4'; }
	$(PIP_COMPILE) --upgrade -o requirements/main.txt pyproject.toml
	$(PIP_COMPILE) --upgrade $(DEV_EXTRAS) -c requirements/main.txt -c requirements/torch-cpu.in \
	  $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX)) -o requirements/dev.txt pyproject.toml
	{ echo '# torch alone, from requirements/dev.txt (written by make lock): make install-dev installs it'; \
	  echo '# first, with --extra-index-url $$(TORCH_INDEX).'; \
	  awk '/^torch==/ {keep = 1; print; next} keep && /^ +--hash/ {print; next} {keep = 0}' requirements/dev.txt; \
	} > requirements/torch.txt

# Drift found by us first: the newest versions pyproject.toml's ranges allow (torch kept at its locked
# CPU build), in a scratch venv, then the quick tests.  Not in CI; run it before `make lock`.
check-latest:
	rm -rf .venv-latest && $(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	.venv-latest/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
	  --extra-index-url $(TORCH_INDEX) -r requirements/torch.txt
	.venv-latest/bin/python -m pip install --quiet --disable-pip-version-check --upgrade \
	  --upgrade-strategy eager -c requirements/torch-cpu.in -e '.[test,parquet,hf,eval,ray]'
	@echo "Newer than requirements/dev.txt:"; .venv-latest/bin/python -m pip freeze --exclude-editable | \
	  $(NORMALISE_NAMES) | grep -vxF -f <(grep -o '^[^ #]*==[^ ]*' requirements/dev.txt | $(NORMALISE_NAMES)) || true
	.venv-latest/bin/python -m pytest -q -m 'not slow'

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
test: install-dev test-tools
	PARALLEL_REQUIRE_EXTERNAL=1 $(BIN)/python -m pytest -q

# Benchmarks (not tests): results go to bench/results.json, see bench/README.md.
bench: install-dev
	$(BIN)/python bench/formats.py
	$(BIN)/python bench/throughput.py --systems pipeline,ctranslate2,ctranslate2-scores,reproducible,hf,corpus
	$(BIN)/python bench/scale.py --sizes 1000,10000,100000
	$(BIN)/python bench/ray_engine.py --sentences 2000 --small 200 --repeat 3
	$(BIN)/python bench/align_peers.py
	$(BIN)/python bench/pair_docs.py --sizes 10000,100000
	$(BIN)/python bench/reading_pages.py --write

lint: install-dev
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) .venv-latest build dist src/*.egg-info .pytest_cache .bench
