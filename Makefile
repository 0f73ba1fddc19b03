# The two commands of the README: `make demo` and `make test`. Both set everything up
# on a fresh machine: a .venv with the project, Graphviz's dot (and, for the tests,
# Chromium with its driver), installing the Debian packages when run as root.
# `make speed` prints the speed table of the README (benchmarks/, not a test).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
TOOLS_STAMP := $(VENV)/.installed-tools-$(shell cksum pyproject.toml | cut -d' ' -f1)
VIZ_JS := viz/graph/viz-global.js

.PHONY: demo test speed setup setup-tools docs package test-versions student system-dot system-browser system-npm lint clean

demo: setup system-dot
	$(BIN)/backprop-lab demo --out demo-out

test: setup system-dot system-browser lint setup-tools system-npm
	$(BIN)/python -m pytest -n 2 --dist loadfile --nbmake tests notebooks

# The speed table the README quotes (benchmarks/table.py): a few minutes, not part of
# `make test`. It makes one venv per pyenv Python under .bench-venvs/ on its first run.
speed: setup
	$(BIN)/python -c 'import micrograd' 2>/dev/null || $(BIN)/python -m pip install --quiet 'micrograd==0.1.0'
	$(BIN)/python -m benchmarks.table

setup: $(STAMP) $(VIZ_JS)

# The in-browser Graphviz (viz.graph.browser: graphs without dot), pinned in the script and
# fetched once with npm pack; git ignores it, the wheel ships it.
$(VIZ_JS): scripts/fetch_viz_js.py
	$(call need,npm,npm,--no-install-recommends)
	$(PYTHON) scripts/fetch_viz_js.py
	touch $@

# The student edition: every solution (nbgrader's metadata) blanked, the checks kept.
student: setup
	rm -rf student
	$(BIN)/python scripts/student_edition.py notebooks student

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,torch]'
	rm -f $(VENV)/.installed-*
	touch $@

# The documentation site's and the package's tools (the docs and package extras): the tests
# build the site (tests/test_docs_site.py) and the wheel (tests/test_package.py).
setup-tools: $(TOOLS_STAMP)

$(TOOLS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[docs,package]'
	touch $@

# The documentation site, into site/ (the notebooks executed: a few minutes).
docs: setup-tools system-dot system-npm
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# An sdist and a wheel into dist/, checked by twine.
package: setup-tools
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	$(BIN)/twine check --strict dist/*

# tests/autograd and tests/nn on the oldest and the newest supported Python (noxfile.py).
test-versions: setup-tools
	$(BIN)/nox

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(if $(NOTEBOOKS),$(BIN)/nbstripout --verify $(NOTEBOOKS))

# Installs a Debian package when its program is missing: as root it installs it,
# otherwise it prints the exact command and stops.
define need
	@command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing $(2) (for $(1))..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(3) $(2) >/dev/null; \
	  else \
	    echo "$(1) is missing. Install it with: sudo apt-get install $(3) $(2)"; exit 1; \
	  fi; }
endef

system-dot:
	$(call need,dot,graphviz,)

system-browser:
	$(call need,chromedriver,chromium chromium-driver,--no-install-recommends)

# npm fetches, once, the pinned shim that lets the site's search work from file:// (docs/hooks.py),
# and the in-browser Graphviz (scripts/fetch_viz_js.py).
system-npm:
	$(call need,npm,npm,--no-install-recommends)

clean:
	rm -rf $(VENV) $(VIZ_JS) .bench-venvs demo-out student .pytest_cache .ruff_cache .hypothesis site dist build .cache .nox
