# The book's two commands: `make book` builds it, `make test` checks it.
# Each creates or refreshes the virtual environment in .venv from requirements.txt first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: book test bench bench-reader preview serve venv clean

book: $(STAMP)
	$(PY) -m pipeline.build $(BUILD_FLAGS)

AXE := node_modules/axe-core/axe.min.js

test: $(STAMP) $(AXE)
	@echo "== data package"
	$(PY) -m analyses.data
	@echo "== unit, data and notebook tests"
	$(PY) -m pytest -m "not built and not browser" -q
	@echo "== notebooks rerun with nbval (strict)"
	$(PY) -m pytest --nbval --nbval-current-env -q chapters
	@echo "== strict book build (no execution)"
	$(PY) -m pipeline.build --frozen
	@echo "== built book and browser tests"
	@# on every core (pytest-xdist): each worker drives a Chromium of its own
	$(PY) -m pytest -m "built or browser" -q -n auto

# Timings of the pipeline against Jupyter Book's own execution, page weight, and the reader's
# side: Lighthouse and a throttled phone (several minutes). Non-zero when a target is missed.
bench: $(STAMP) $(AXE)
	@status=0; $(PY) -m pipeline.bench || status=1; $(PY) -m pipeline.reader_bench || status=1; exit $$status

# The reader's side alone, on the book last built.
bench-reader: $(STAMP) $(AXE)
	$(PY) -m pipeline.reader_bench

# For authors: the book on http://127.0.0.1:$(PORT)/, rebuilt when a file is saved and the open page
# reloaded (pipeline/preview.py). It builds into _build/preview/ and never touches _build/html.
preview: $(STAMP)
	$(PY) -m pipeline.preview --port $(PORT)

serve: $(STAMP)
	@test -d _build/html || { echo "no built book: run make book first"; exit 1; }
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

venv: $(STAMP)

# axe-core, for the accessibility audit of the browser tests, pinned in package.json.
$(AXE): package.json
	npm install --no-audit --no-fund --silent --no-package-lock
	touch $(AXE)

# The environment is rebuilt from scratch when requirements.txt or pyproject.toml change,
# so a package removed from the pins does not linger.
$(STAMP): requirements.txt pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

clean:
	rm -rf _build node_modules
