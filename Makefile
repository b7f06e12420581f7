# QuartierSim developer commands. Two to remember:
#   make run     set up (venv, offline Solara assets) and start the browser view
#   make test    set up (plus Chromium), then ruff and the test suite
#
# Every recipe calls the venv's own binaries, so nothing needs to be activated.
# Stamp files live inside the venv: deleting .venv resets everything.

VENV        ?= .venv
PY          := $(VENV)/bin/python
CHROMIUM    := /usr/bin/chromium
PYTEST_ARGS ?=
# 2 cores on our machines; `make test PYTEST_WORKERS=0` runs in one process (easier to debug)
PYTEST_WORKERS ?= 2

INSTALLED := $(VENV)/.stamp-installed
ASSETS    := $(VENV)/.stamp-solara-assets

.DEFAULT_GOAL := setup
.PHONY: setup venv assets browser run test lint bench clean distclean help

help:
	@echo "make [setup]  venv + project (editable, with test extras) + offline Solara assets"
	@echo "make run      start the browser view (quartiersim app, http://127.0.0.1:8765)"
	@echo "make test     ruff + pytest (installs Chromium via apt if missing); PYTEST_ARGS='-k x'"
	@echo "make lint     ruff only"
	@echo "make bench    run the benchmark scripts"
	@echo "make clean    remove caches and build output (keeps .venv); distclean also .venv"

setup: venv assets

venv: $(INSTALLED)

# Create the venv with a Python >= 3.12 found by tools/find-python (override: make PYTHON=...).
# --clear: a half-made or broken venv (e.g. its base Python was removed) is rebuilt from scratch.
$(PY):
	@py="$$(sh tools/find-python)" || exit 1; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv --clear $(VENV) || { rm -rf $(VENV); exit 1; }

# Re-install only when pyproject.toml changes; the install is editable, so code edits need none.
$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -e '.[test]'
	@touch $@

assets: $(ASSETS)

# Solara's JS/CSS into the venv's local CDN cache, so the view works without internet.
$(ASSETS): tools/install-solara-assets $(INSTALLED)
	$(PY) tools/install-solara-assets
	@touch $@

# Debian's Chromium for the real-browser tests (never `playwright install`: it downloads a
# browser build, which our machines cannot fetch).
browser:
	@test -x $(CHROMIUM) || bash tools/apt-install chromium

run: venv assets
	$(VENV)/bin/quartiersim app

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: venv assets browser lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

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
	rm -rf build dist .pytest_cache .ruff_cache .hypothesis *.egg-info src/*.egg-info
	find . \( -name .git -o -name '.venv*' -o -name venv -o -path './$(VENV)' \) -prune \
		-o -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
