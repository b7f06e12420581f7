# QuartierSim developer commands. Two to remember:
#   make run     set up (venv with what the view needs, offline Solara assets) and start the view
#   make test    set up (plus test tools and Chromium), then ruff, mypy and the test suite
#
# Every recipe calls the venv's own binaries, so nothing needs to be activated.
# Stamp files live inside the venv: deleting .venv resets everything.
# Every install is pinned by constraints.txt (the tested versions); `make lock` updates it.

VENV        ?= .venv
PY          := $(VENV)/bin/python
CHROMIUM    := /usr/bin/chromium
PYTEST_ARGS ?=
# 2 cores on our machines; `make test PYTEST_WORKERS=0` runs in one process (easier to debug)
PYTEST_WORKERS ?= 2

APP_INSTALLED := $(VENV)/.stamp-installed-app
INSTALLED     := $(VENV)/.stamp-installed
ASSETS        := $(VENV)/.stamp-solara-assets
LOCK          := constraints.txt
PIP_INSTALL    = $(PY) -m pip install --disable-pip-version-check -c $(LOCK)
# uv resolves the lock for every platform and Python >= 3.12 at once (`uv pip compile --universal`)
UV_VERSION    := 0.13.9

.DEFAULT_GOAL := setup
.PHONY: setup venv venv-app assets browser run test test-fast lint lock bench clean distclean help

help:
	@echo "make [setup]  venv + project (editable, with test extras) + offline Solara assets"
	@echo "make run      start the browser view (quartiersim app, http://127.0.0.1:8765)"
	@echo "make lock     add new dependencies to constraints.txt (UPGRADE=--upgrade: newest allowed)"
	@echo "make test     lint + every test (installs Chromium via apt if missing); PYTEST_ARGS='-k x'"
	@echo "make test-fast  lint + the tests not marked slow (no browser, docs, notebook, cluster,"
	@echo "              whole sweeps): the edit-test loop; make test before you commit"
	@echo "make lint     ruff check, ruff format --check, mypy (src/)"
	@echo "make bench    run the benchmark scripts"
	@echo "make clean    remove caches and build output (keeps .venv); distclean also .venv"

setup: venv assets

venv: $(INSTALLED)

venv-app: $(APP_INSTALLED)

# Create the venv with a Python >= 3.12 found by tools/find-python (override: make PYTHON=...).
# --clear: a half-made or broken venv (e.g. its base Python was removed) is rebuilt from scratch.
$(PY):
	@py="$$(sh tools/find-python)" || exit 1; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv --clear $(VENV) || { rm -rf $(VENV); exit 1; }

# Re-install only when pyproject.toml, the lock or the version (read from __init__.py) changes;
# the install is editable, so other code edits need none. The view needs the package alone; the
# tests add the [test] extra.
$(APP_INSTALLED): pyproject.toml $(LOCK) src/quartiersim/__init__.py | $(PY)
	$(PIP_INSTALL) -e .
	@touch $@

$(INSTALLED): pyproject.toml $(LOCK) $(APP_INSTALLED)
	$(PIP_INSTALL) -e '.[test]'
	@touch $@

assets: $(ASSETS)

# Solara's JS/CSS into the venv's local CDN cache, so the view works without internet
# (the script installs Debian's npm through tools/apt-install if npm is missing).
$(ASSETS): tools/install-solara-assets $(APP_INSTALLED)
	$(PY) tools/install-solara-assets
	@touch $@

# Resolve the newest versions pyproject.toml allows, for every platform and Python >= 3.12, into
# constraints.txt; then `make test` installs and tests exactly those. Commit both together.
# `make lock` keeps every pin it can and adds what pyproject.toml newly asks for;
# `make lock UPGRADE=--upgrade` moves every package to the newest version pyproject.toml allows.
UPGRADE ?=
lock: | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q 'uv==$(UV_VERSION)'
	$(VENV)/bin/uv pip compile pyproject.toml --all-extras --universal --python-version 3.12 \
		$(UPGRADE) --annotation-style line --custom-compile-command 'make lock' -o $(LOCK)

# Debian's Chromium for the real-browser tests (never `playwright install`: it downloads a
# browser build, which our machines cannot fetch).
browser:
	@test -x $(CHROMIUM) || bash tools/apt-install chromium

run: venv-app assets
	$(VENV)/bin/quartiersim app

# mypy reads its settings (files = src/, strictness, stub-less packages) from pyproject.toml
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: venv assets browser lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Tests marked slow (pyproject.toml: real browser, docs and notebook, Dask cluster, validation
# end to end) are left out; `make test` and CI run them all.
test-fast: venv assets lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

# benchmarks/run_all.py if there is one, else every benchmarks/*.py in turn.
bench: venv
	@if [ -f benchmarks/run_all.py ]; then \
		$(PY) benchmarks/run_all.py; \
	else \
		found=; for f in benchmarks/*.py; do \
			[ -f "$$f" ] || continue; found=1; \
			echo "== $$f"; $(PY) "$$f" || exit 1; \
		done; \
		[ -n "$$found" ] || echo "no benchmarks/*.py yet"; \
	fi

clean:
	rm -rf build dist .pytest_cache .ruff_cache .mypy_cache .hypothesis *.egg-info src/*.egg-info
	find . \( -name .git -o -name '.venv*' -o -name venv -o -path './$(VENV)' \) -prune \
		-o -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
