"""The compiled loops for dated nodes (``pactsim.inference.kernels``, the ``fast`` extra)
draw exactly what the numpy path draws.

Both paths take the same 32-bit keys from the same generator, so every bit, day
and per-day count must be equal draw for draw, not merely in distribution: the
tests run each scenario twice (``PACTSIM_KERNELS=numpy`` and ``=numba``) and
compare the draws and the streaming statistics, and check that the loops were
called (an equality where they never ran would prove nothing). The loops'
table search is also checked on its own against ``np.searchsorted``, on keys
at, just below and just above every step.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import pactsim
from pactsim.errors import ArgumentError
from pactsim.inference import dated, kernels
from pactsim.inference.dated import NAT
from pactsim.testing.strategies import scenarios

_loops = pytest.importorskip("pactsim.inference._loops", reason="numba (the fast extra)")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
# issue 10's benchmark scenario: a dated event, signing with a hazard ratio on it, two
# milestones after signing (lognormal delay; curve delay with a hazard ratio) and entry
# into force 30 days after both
from _generate import DATED_5  # noqa: E402

#: Gates on a curve node (its days counted after them), a table of curves over two
#: parents, and milestones after any / at least two (left to numpy).
GATED = """\
pactsim: 2
id: gated
as_of: 2025-01-01
horizon: 2026-12-31
events:
  a: {p: 0.5}
  b: {p: 0.4}
  crisis:
    by: {2025-06-30: 0.3, 2026-12-31: 0.6}
    requires: [a]
    excludes: [b]
  ratified: {after: {any: [crisis, signing]}, delay: {median: 90, p90: 200}, p: 0.8}
  two_of: {after: {at_least: 2, of: [crisis, signing, ratified]}, delay: 10}
  late: {after: ratified, delay: {between: [20, 400]}, p: 0.7}
signing:
  given: [a, b]
  table:
    true: {true: {by: {2025-06-30: 0.2, 2026-06-30: 0.9}}, false: {by: {2026-12-31: 0.5}}}
    false: {true: {by: {2025-03-31: 0.1, 2026-12-31: 0.3}}, false: {by: {2025-12-31: 0.7}}}
questions:
  early: signing.date <= 2025-06-30
  gap: late.date - signing.date
"""


class _Spy:
    """Counts the calls of the compiled loops (by name) while it is installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: Counter[str] = Counter()
        for name in ("curve", "milestone", "count"):
            real = getattr(_loops, name)
            monkeypatch.setattr(_loops, name, self._wrap(name, real))

    def _wrap(self, name: str, real: Any) -> Any:
        def call(*args: Any) -> Any:
            self.calls[name] += 1
            return real(*args)
        return call


def _run(sc: pactsim.Scenario, monkeypatch: pytest.MonkeyPatch, mode: str, **kw: Any
         ) -> pactsim.Results:
    monkeypatch.setenv(kernels.ENV, mode)
    return pactsim.simulate(sc, seed=kw.pop("seed", 11), **kw)


def _assert_same(a: pactsim.Results, b: pactsim.Results) -> None:
    if a.draws is not None:
        assert b.draws is not None
        np.testing.assert_array_equal(a.draws.bits, b.draws.bits)
        np.testing.assert_array_equal(a.draws.days, b.draws.days)
    np.testing.assert_array_equal(a.stats.node_counts, b.stats.node_counts)
    np.testing.assert_array_equal(a.stats.date_hist, b.stats.date_hist)
    assert a.stats.moments == b.stats.moments
    assert a.stats.bool_counts == b.stats.bool_counts


@pytest.mark.parametrize("keep", [True, False])
def test_dated_5_draw_for_draw(monkeypatch: pytest.MonkeyPatch, keep: bool) -> None:
    sc = pactsim.loads(DATED_5)
    a = _run(sc, monkeypatch, "numpy", n=150_000, keep_draws=keep)
    spy = _Spy(monkeypatch)
    b = _run(sc, monkeypatch, "numba", n=150_000, keep_draws=keep)
    _assert_same(a, b)
    # three blocks (65,536 + 65,536 + 18,928 draws): every dated node in every block
    assert spy.calls["curve"] == 2 * 3 and spy.calls["milestone"] == 3 * 3
    for node in ("signing", "in_force", "ratified_b"):
        assert a.date_quantiles(node).equals(b.date_quantiles(node))


def test_gates_tables_and_numpy_milestones_draw_for_draw(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sc = pactsim.loads(GATED)
    a = _run(sc, monkeypatch, "numpy", n=70_000, keep_draws=True)
    spy = _Spy(monkeypatch)
    b = _run(sc, monkeypatch, "numba", n=70_000, keep_draws=True)
    _assert_same(a, b)
    # crisis (gated: counted after its gates) and signing in both blocks; the milestones
    # after one anchor (late) by the loops, after any / at least two by numpy; each loop's
    # days counted by a pass of their own
    assert spy.calls == Counter(curve=4, count=6, milestone=2)
    # the gates cleared days the loop had drawn: the counts are the gated ones
    assert a.draws is not None
    crisis = a.draws.days[a.model.slot["crisis"]]
    gate_a = a.draws.bits[a.model.index["a"]]
    assert np.all(crisis[~gate_a] == NAT)
    assert b.stats.date_hist[a.model.slot["crisis"]].sum() == np.count_nonzero(crisis != NAT)


def test_the_flagship_draw_for_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    a = _run(sc, monkeypatch, "numpy", n=70_000, keep_draws=False)
    spy = _Spy(monkeypatch)
    b = _run(sc, monkeypatch, "numba", n=70_000, keep_draws=False)
    _assert_same(a, b)
    assert spy.calls["milestone"] > 0  # entry into force: a fixed delay after both


def test_small_blocks_stay_with_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = pactsim.loads(DATED_5)
    a = _run(sc, monkeypatch, "numpy", n=kernels.FROM - 1)
    spy = _Spy(monkeypatch)
    b = _run(sc, monkeypatch, "numba", n=kernels.FROM - 1)
    _assert_same(a, b)
    assert not spy.calls


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sc=scenarios(dated=True))
def test_generated_dated_scenarios_draw_for_draw(monkeypatch: pytest.MonkeyPatch,
                                                 sc: pactsim.Scenario) -> None:
    a = _run(sc, monkeypatch, "numpy", n=2_500, seed=3)
    b = _run(sc, monkeypatch, "numba", n=2_500, seed=3)
    _assert_same(a, b)


# -- the table search on its own -------------------------------------------------------
def _cum_rows(rng: np.random.Generator, rows: int, width: int) -> np.ndarray:
    """Cumulative rows with flat stretches, tiny steps, big jumps and an end below 1."""
    out = np.zeros((rows, width))
    for r in range(rows):
        mass = rng.exponential(size=width) * (rng.random(width) < 0.4)
        mass[rng.integers(0, width, 3)] *= 1e-7  # steps narrower than a guide bin
        mass[rng.integers(0, width)] += 5.0  # one big jump
        out[r] = np.cumsum(mass) / mass.sum() * rng.uniform(0.3, 1.0)
    out[0, -1] = 1.0  # one row ends at certainty
    return out


def _keys_at_steps(thr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    at = np.unique(thr)
    near = np.concatenate([at - 1, at, at + 1, [0, 1, (1 << 32) - 1],
                           rng.integers(0, 1 << 32, 20_000)])
    return np.clip(near, 0, (1 << 32) - 1).astype(np.uint32)


@pytest.mark.parametrize(("rows", "width"), [(1, 40), (2, 731), (8, 3_000)])
def test_the_loop_search_is_searchsorted(rows: int, width: int) -> None:
    rng = np.random.default_rng(rows * 1000 + width)
    steps = dated._Steps(_cum_rows(rng, rows, width))
    guide, gshift, gbits, thr = steps.guide
    u = _keys_at_steps(steps.thr, rng)
    r = rng.integers(0, rows, u.shape[0])
    want = np.array([np.searchsorted(steps.thr[ri], ui, side="right")
                     for ri, ui in zip(r.tolist(), u.tolist(), strict=True)])
    rk = np.zeros(0, dtype=np.uint32) if rows == 1 else \
        ((u >> np.uint32(gshift)) | (r.astype(np.uint32) << np.uint32(gbits))).astype(np.uint32)
    day = np.empty(u.shape[0], dtype=np.int64)
    out = np.empty(u.shape[0], dtype=np.uint8)
    hist = np.zeros(width + 1, dtype=np.int64)
    _loops.curve(u, rk, guide, gshift, gbits, thr, width, 100, day, out)
    _loops.count(day, 100, hist)
    k = np.where(out.astype(bool), day - 100, width)
    np.testing.assert_array_equal(k, want)
    np.testing.assert_array_equal(day, np.where(want < width, want + 100, NAT))
    np.testing.assert_array_equal(hist, np.bincount(want, minlength=width + 1))


def test_a_day_outside_the_histogram_is_not_written_outside_it() -> None:
    day = np.array([NAT, 5, 9, 10, 11, -3], dtype=np.int64)
    hist = np.zeros(6, dtype=np.int64)  # days 5..9, then the column of missing days
    _loops.count(day, 5, hist)
    np.testing.assert_array_equal(hist, [1, 0, 0, 0, 1, 4])


@pytest.mark.parametrize("columns", [1, 2, 3, 5, 8, 9, 731])
def test_the_count_of_days_is_bincount_with_the_rest_in_the_last_column(columns: int) -> None:
    # days in and out of the histogram (before it, past it, NAT) in runs and alone, so
    # the columns that take the days not counted (0 ... a power of 2 minus 1) see both
    rng = np.random.default_rng(columns)
    day0 = 1000
    day = rng.integers(day0 - 3, day0 + columns + 3, 5_000)
    day[rng.random(5_000) < 0.4] = NAT
    day[100:300] = NAT
    hist = np.full(columns, 7, dtype=np.int64)  # counts are added to what is there
    _loops.count(day, day0, hist)
    inside = (day >= day0) & (day < day0 + columns - 1)
    want = np.bincount(day[inside] - day0, minlength=columns)
    want[-1] = np.count_nonzero(~inside)
    np.testing.assert_array_equal(hist, want + 7)


# -- choosing the implementation -------------------------------------------------------
@pytest.fixture
def fresh_kernels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget the loaded loops for the test (monkeypatch restores them after)."""
    monkeypatch.setattr(kernels, "_LOADED", None)


@pytest.mark.parametrize(("raw", "mode"), [("", "auto"), (" NumBa ", "numba"),
                                           ("numpy", "numpy"), ("auto", "auto")])
def test_mode_reads_the_environment(monkeypatch: pytest.MonkeyPatch, raw: str,
                                    mode: str) -> None:
    monkeypatch.setenv(kernels.ENV, raw)
    assert kernels.mode() == mode


def test_an_unknown_mode_is_refused_before_sampling_even_without_dates(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(kernels.ENV, "fastest")
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "events:\n  rain: {p: 0.3}\n")
    with pytest.raises(ArgumentError, match=r"PACTSIM_KERNELS='fastest': use one of numpy, "
                                            r"numba, auto"):
        pactsim.simulate(sc, n=10, seed=1)


def test_numba_asked_for_but_missing(monkeypatch: pytest.MonkeyPatch,
                                     fresh_kernels: None) -> None:
    monkeypatch.setitem(sys.modules, "pactsim.inference._loops", None)  # import fails
    sc = pactsim.loads(DATED_5)
    monkeypatch.setenv(kernels.ENV, "numba")
    with pytest.raises(ArgumentError, match=r"pip install 'pactsim\[fast\]'"):
        pactsim.simulate(sc, n=10, seed=1)
    # auto falls back to numpy, whatever the size of the run
    monkeypatch.setenv(kernels.ENV, "auto")
    monkeypatch.setattr(kernels, "AUTO_WORK", 0)
    assert kernels.loops(10**9) is None
    res = pactsim.simulate(sc, n=5_000, seed=1)
    monkeypatch.setenv(kernels.ENV, "numpy")
    _assert_same(res, pactsim.simulate(sc, n=5_000, seed=1))


def test_auto_uses_the_loops_for_long_runs_only(monkeypatch: pytest.MonkeyPatch,
                                                fresh_kernels: None) -> None:
    monkeypatch.setenv(kernels.ENV, "auto")
    monkeypatch.delitem(sys.modules, "numba", raising=False)  # as in a fresh process
    assert kernels.loops(kernels.AUTO_WORK - 1) is None
    assert kernels.loops(kernels.AUTO_WORK) is _loops


def test_a_short_run_does_not_import_numba() -> None:
    code = ("import sys, pactsim\n"
            f"sc = pactsim.loads({DATED_5!r})\n"
            "pactsim.simulate(sc, n=100_000, seed=1)\n"
            "print('numba' in sys.modules)\n")
    env = {k: v for k, v in os.environ.items() if k != kernels.ENV}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.strip() == "False"


def _uncacheable(tmp_path: Path, mode: str | None) -> dict[str, str]:
    """An environment where pactsim is imported from a copy whose loops numba cannot
    cache anywhere: its ``inference/__pycache__`` is a file, and HOME and
    XDG_CACHE_HOME lie under a file (no user-wide cache), as in a read-only install
    run by a service account (review18)."""
    src = Path(pactsim.__file__).resolve().parent
    copy = tmp_path / "site"
    shutil.copytree(src, copy / "pactsim", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "pactsim" / "inference" / "__pycache__").write_text("")
    nohome = tmp_path / "nohome"
    nohome.write_text("")
    env = {k: v for k, v in os.environ.items()
           if k not in (kernels.ENV, "NUMBA_CACHE_DIR", "PYTHONPATH")}
    env.update(PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1", HOME=str(nohome),
               XDG_CACHE_HOME=str(nohome / "cache"))
    if mode is not None:
        env[kernels.ENV] = mode
    (tmp_path / "dated5.yaml").write_text(DATED_5)
    return env


@pytest.mark.parametrize("mode", [None, "numba"])
def test_loops_that_numba_cannot_cache_are_compiled_per_process(tmp_path: Path,
                                                                mode: str | None) -> None:
    """numba refuses ``cache=True`` where no directory is writable: the loops are then
    compiled without a cache (before, ``auto`` with numba imported raised numba's
    RuntimeError, and ``pactsim run`` with ``numba`` exited 4, an internal error)."""
    env = _uncacheable(tmp_path, mode)
    code = ("import numba, sys, pactsim\n"
            f"assert pactsim.__file__.startswith({str(tmp_path)!r}), pactsim.__file__\n"
            f"sc = pactsim.load({str(tmp_path / 'dated5.yaml')!r})\n"
            "res = pactsim.simulate(sc, n=5_000, seed=1, keep_draws=False)\n"
            "from pactsim.inference import kernels\n"
            "print(res.n, kernels._LOADED is not None)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["5000", "True"]
