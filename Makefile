# The two commands of the README: `make demo` and `make test`. Both set everything up
# on a fresh machine: a .venv with the project, Graphviz's dot (and, for the tests,
# Chromium with its driver), installing the Debian packages when run as root.
# `make speed` prints the speed table of the README (benchmarks/, not a test).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test speed setup system-dot system-browser lint clean

demo: setup system-dot
	$(BIN)/backprop-lab demo --out demo-out

test: setup system-dot system-browser lint
	$(BIN)/python -m pytest -n 2 --dist loadfile --nbmake tests notebooks

# The speed table the README quotes (benchmarks/table.py): a few minutes, not part of
# `make test`. It makes one venv per pyenv Python under .bench-venvs/ on its first run.
speed: setup
	$(BIN)/python -c 'import micrograd' 2>/dev/null || $(BIN)/python -m pip install --quiet 'micrograd==0.1.0'
	$(BIN)/python -m benchmarks.table

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,torch]'
	rm -f $(VENV)/.installed-*
	touch $@

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

clean:
	rm -rf $(VENV) .bench-venvs demo-out .pytest_cache .ruff_cache .hypothesis
