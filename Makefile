# Everything installs into .venv from the pinned lock file; a stamp file makes
# the second run instant. The install is quiet: pip's and the build backend's
# output (setuptools' deprecation banners) go to .venv/install.log, shown
# whole only if something fails; the last line says what is ready.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test demo bench soak clean

LOG := $(VENV)/install.log
export PIP_DISABLE_PIP_VERSION_CHECK := 1

$(STAMP): pyproject.toml requirements.lock
	@echo "Installing the portal and its pinned packages into $(VENV) (a minute or two)..."
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@{ $(BIN)/python -m pip install --upgrade pip \
	  && $(BIN)/python -m pip install -r requirements.lock \
	  && $(BIN)/python -m pip install --no-deps -e . ; } > $(LOG) 2>&1 \
	  || { cat $(LOG); echo; echo "make: the install failed; what pip said is above (and in $(LOG))."; exit 1; }
	@touch $(STAMP)

install: $(STAMP)
	@echo "Installed: $(BIN)/portal is ready. Next: make demo (or make test)."

# Two workers (pytest-xdist): the suite takes about half as long on two cores;
# each worker has its own SQLite files and PostgreSQL schemas.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2

demo: $(STAMP)
	$(BIN)/portal demo run

bench: $(STAMP)
	$(BIN)/python -m bench

soak: $(STAMP)
	$(BIN)/python -m pytest -q --run-slow tests/hardening

clean:
	rm -rf $(VENV) .pytest_cache
