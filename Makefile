# nuportal: every target creates .venv and installs the package when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test validate bench lint clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	# uv (from PyPI) installs the dependencies in ~10 s instead of ~50 s with pip; pip is the fallback
	( $(BIN)/python -m pip install -q uv 2>/dev/null && \
	  $(BIN)/uv pip install -q --python $(BIN)/python -e '.[test]' ) || \
	$(BIN)/python -m pip install -q -e '.[test]'
	# the editable install leaves src/ uncompiled; with PYTHONDONTWRITEBYTECODE set every process (and every
	# worker) would compile nuportal again: compile it once
	$(BIN)/python -m compileall -q src > /dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/nuportal reproduce 000 --out out/000
	$(BIN)/nuportal reproduce 001 --out out/001
	$(BIN)/nuportal reproduce 002 --out out/002
	$(BIN)/nuportal reproduce 003 --out out/003
	$(BIN)/nuportal reproduce 004 --out out/004
	$(BIN)/nuportal report-index out

test: $(STAMP)
	$(BIN)/python -m pytest -q

validate: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

bench: $(STAMP)
	$(BIN)/python benchmarks/na62_reach.py
	$(BIN)/python benchmarks/mc_throughput.py
	$(BIN)/python benchmarks/atm_contour.py
	$(BIN)/python benchmarks/beam_contour.py
	$(BIN)/python benchmarks/reproduce_004.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts

clean:
	rm -rf out build *.egg-info src/*.egg-info
