# Two commands do all set-up on a fresh machine with Python >= 3.11:
#   make forecast   -- the flagship scenario's forecast
#   make test       -- the test suite
# Both create .venv and install pactsim with its dev extra on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: forecast test bench lint typecheck clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pactsim needs Python >= 3.11; set PYTHON=python3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

forecast: $(STAMP)
	$(VENV)/bin/pactsim run scenarios/iran-russia-2024.yaml -n 1000000 --seed 7

# -n auto: one pytest worker per core (pytest-xdist, in the dev extra). Bytecode is
# written even where the environment says not to (PYTHONDONTWRITEBYTECODE): the many
# `pactsim` processes the tests start then read src/ compiled once, not each time
# (about 8% of the integration tests' time; __pycache__ is ignored by git).
# --dist worksteal: a worker that runs out of tests takes some from the other, so a
# few long tests (notebooks, Sobol) near the end do not leave a core idle.
test: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -n auto --dist worksteal

bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	status=0; \
	$(PY) benchmarks/run.py --markdown --strict || status=1; \
	$(PY) benchmarks/bench_startup.py --importtime || status=1; \
	$(PY) benchmarks/bench_memory.py || status=1; \
	$(PY) benchmarks/bench_hostile.py || status=1; \
	$(PY) benchmarks/bench_sensitivity.py || status=1; \
	$(PY) benchmarks/bench_spread.py || status=1; \
	exit $$status

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
