# tapegrad: `make demo` and `make test` set up .venv when needed, then run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev
DEMO_STAMP := $(VENV)/.installed-examples

.PHONY: demo test lint format bench bench-quick fuzz clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(DEMO_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[examples]'
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(PY) -m tapegrad
	$(PY) examples/digits.py

test: $(STAMP)
	$(PY) -m ruff check src tests bench examples
	$(PY) -m ruff format --check src tests bench examples
	$(PY) -m pytest

format: $(STAMP)
	$(PY) -m ruff check --fix src tests bench examples
	$(PY) -m ruff format src tests bench examples

# property-based fuzzing: FUZZ_EXAMPLES random programs (default 10000) over the op registry
fuzz: $(STAMP)
	$(PY) tests/run_fuzz.py --examples $${FUZZ_EXAMPLES:-10000}

# benchmarks of issue #7 on one thread: `make bench` (a minute or two) prints bench/RESULTS.md's body;
# `make bench-quick` runs a few repeats (under a minute)
ONE_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

bench: $(STAMP)
	@$(ONE_THREAD) $(PY) bench/bench.py

bench-quick: $(STAMP)
	@$(ONE_THREAD) $(PY) bench/bench.py --quick

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
