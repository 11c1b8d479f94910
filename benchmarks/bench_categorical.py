"""Time categorical nodes in the Monte Carlo engine (issue 15, item 5).

Run from the repository root::

    python benchmarks/bench_categorical.py [--n 262144] [--repeat 9] [--k 25]

Everything is timed in this one process, interleaved (each repetition runs every
case once, so a slow spell of the machine hits them all), best CPU time of
``--repeat`` kept. Cases:

1. **Binary scenarios are not slower.** The engine (``sample_blocks`` of ``n``
   draws, the only code the one-uniform draw changed) on the generated
   ``binary-12`` and ``binary-50`` scenarios (``_generate.py``), beside the
   engine as it was before categorical nodes (``src/pactsim/inference/engine.py``
   at commit c45cc58, read with ``git show`` and imported under another name;
   the row is skipped without git), timed side by side in alternating order
   ``4 * --repeat`` times. Target: now / before <= 1.05 (timing noise).
   ``simulate`` of binary-50 against the float64 floor is printed too.
2. **A categorical costs about two binary nodes.** ``k`` categorical events of
   4 outcomes (``absent`` and three others: a present row and three outcome
   rows) against ``2k`` binary events, each pair in two shapes: *flat* (fixed
   levels / fixed p) and *chained* (each categorical ``given`` the one before it,
   a table over its 4 outcomes, i.e. over 3 outcome rows; each binary event
   ``given`` the three before it, a table as wide).
   Reported as seconds and as a ratio to the float64 floor of ``2k`` numbers per
   draw (``np.random.default_rng().random`` into a preallocated buffer) — per
   node, a categorical counted as two. Target: the engine on the categorical
   scenario within 1.25× the engine on the ``2k``-binary one. The engine with
   the row-by-row stick-breaking draw (``engine.ONE_UNIFORM = False``: one
   uniform per outcome row) is shown for comparison, and whole ``simulate``
   calls (``keep_draws=False``, statistics of 4k rows against 2k) as well.

Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import pactsim
from pactsim.inference import engine
from pactsim.inference.compile import compile_scenario

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from _generate import load_binary  # noqa: E402

#: The engine before categorical nodes were drawn with one uniform.
BEFORE = "c45cc58"
NOT_SLOWER = 1.05  # now / before on binary scenarios
PER_PAIR = 1.25  # k categoricals / 2k binary nodes, engine time
SEED = 1


def categorical_text(k: int, *, chained: bool, seed: int = 0) -> str:
    """``k`` categorical events of outcomes absent, o1, o2, o3 (``chained``: each given
    the one before)."""
    rng = np.random.default_rng(seed)
    lines = ["pactsim: 3", f"id: categorical-{k}", "as_of: 2025-01-01",
             "horizon: 2025-12-31", "events:"]

    def row() -> str:
        p = rng.dirichlet(np.ones(4))
        p = np.round(p, 3)
        p[-1] = round(1.0 - float(p[:-1].sum()), 3)
        return "{" + ", ".join(f"{x}: {v:.3f}" for x, v in
                               zip(("absent", "o1", "o2", "o3"), p, strict=True)) + "}"

    for i in range(k):
        if chained and i:
            lines += [f"  c{i:03d}:", "    levels: [absent, o1, o2, o3]",
                      f"    given: [c{i - 1:03d}]", "    table:"]
            lines += [f"      {x}: {row()}" for x in ("absent", "o1", "o2", "o3")]
        else:
            lines.append(f"  c{i:03d}: {{levels: {row()}}}")
    return "\n".join(lines) + "\n"


def binary_text(m: int, *, chained: bool, seed: int = 0) -> str:
    """``m`` binary events with fixed p (``chained``: each given the one before)."""
    rng = np.random.default_rng(seed)
    lines = ["pactsim: 1", f"id: binary-events-{m}", "as_of: 2025-01-01",
             "horizon: 2025-12-31", "events:"]
    for i in range(m):
        p = rng.uniform(0.05, 0.95, 2).round(3)
        if chained and i:  # given the (up to) three before: a table as wide as a
            given = [f"b{j:03d}" for j in range(max(0, i - 3), i)]  # 4-outcome parent's
            lines.append(f"  b{i:03d}: {{given: [{', '.join(given)}], table: "
                         f"{_flow(_table(rng, len(given)))}}}")
        else:
            lines.append(f"  b{i:03d}: {{p: {p[0]}}}")
    return "\n".join(lines) + "\n"


def _table(rng: np.random.Generator, depth: int) -> Any:
    if depth == 0:
        return round(float(rng.uniform(0.05, 0.95)), 3)
    return {"true": _table(rng, depth - 1), "false": _table(rng, depth - 1)}


def _flow(x: Any) -> str:
    """A nested table in YAML flow style."""
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in x.items()) + "}"
    return str(x)


def engine_before() -> ModuleType | None:
    """``engine.py`` at :data:`BEFORE`, imported as ``_engine_before`` (``None`` without git)."""
    try:
        text = subprocess.run(["git", "show", f"{BEFORE}:src/pactsim/inference/engine.py"],
                              cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(tempfile.mkdtemp()) / "_engine_before.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("_engine_before", path)
    if spec is None or spec.loader is None:
        return None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["_engine_before"] = mod
    try:
        spec.loader.exec_module(mod)
    except Exception:  # the package moved on under it: no "before" row
        return None
    return mod


def _cpu(fn: Callable[[], Any]) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1 << 18)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--k", type=int, default=25, help="categorical nodes (against 2k binary)")
    args = ap.parse_args(argv)
    n, k = args.n, args.k
    blocks = range(engine.n_blocks(n))
    old = engine_before()

    scen = {"binary-12": load_binary(12), "binary-50": load_binary(50)}  # _generate.py's
    for shape in ("flat", "chained"):
        scen[f"categorical-{k} {shape}"] = pactsim.loads(categorical_text(k, chained=shape
                                                                          == "chained"))
        scen[f"binary-{2 * k} {shape}"] = pactsim.loads(binary_text(2 * k, chained=shape
                                                                    == "chained"))
    models = {name: compile_scenario(sc) for name, sc in scen.items()}
    floor_buf = np.empty((min(n, 1 << 18), 2 * k))
    floor_buf.fill(0.0)
    floor_rng = np.random.default_rng(0)

    def floor() -> None:
        for start in range(0, n, floor_buf.shape[0]):
            floor_rng.random(out=floor_buf[: min(floor_buf.shape[0], n - start)])

    def run_engine(m: Any, mod: Any = engine) -> Callable[[], Any]:
        return lambda: mod.sample_blocks(m, SEED, n, blocks)

    def row_by_row(m: Any) -> Callable[[], Any]:
        def go() -> None:
            engine.ONE_UNIFORM = False
            try:
                engine.sample_blocks(m, SEED, n, blocks)
            finally:
                engine.ONE_UNIFORM = True
        return go

    cases: dict[str, Callable[[], Any]] = {"floor": floor}
    cases["binary-50 simulate"] = lambda: pactsim.simulate(scen["binary-50"], n, seed=SEED,
                                                           keep_draws=False)
    floor50 = np.empty((min(n, 1 << 18), 50))
    cases["floor 50"] = lambda: [floor_rng.random(out=floor50[: min(floor50.shape[0], n - s)])
                                 for s in range(0, n, floor50.shape[0])]
    for shape in ("flat", "chained"):
        c, b = f"categorical-{k} {shape}", f"binary-{2 * k} {shape}"
        cases[f"{c} engine"] = run_engine(models[c])
        cases[f"{c} engine row by row"] = row_by_row(models[c])
        cases[f"{b} engine"] = run_engine(models[b])
        cases[f"{c} simulate"] = (lambda s: lambda: pactsim.simulate(
            s, n, seed=SEED, keep_draws=False))(scen[c])
        cases[f"{b} simulate"] = (lambda s: lambda: pactsim.simulate(
            s, n, seed=SEED, keep_draws=False))(scen[b])
    for fn in cases.values():  # warm-up: imports, compiled models, tables
        fn()
    best = dict.fromkeys(cases, float("inf"))
    for name in ("binary-12", "binary-50"):  # before/after: side by side, many times
        now = run_engine(models[name])
        best[f"{name} engine"] = float("inf")
        if old is None:
            best[f"{name} engine"] = min(_cpu(now) for _ in range(4 * args.repeat))
            continue
        then = run_engine(models[name], old)
        then()
        best[f"{name} engine before"] = float("inf")
        for i in range(4 * args.repeat):
            for key, fn in ((f"{name} engine", now), (f"{name} engine before", then))[
                    ::1 if i % 2 else -1]:
                best[key] = min(best[key], _cpu(fn))
    for i in range(args.repeat):  # every other round in reverse: no case always first
        for name, fn in (list(cases.items()) if i % 2 == 0 else reversed(cases.items())):
            best[name] = min(best[name], _cpu(fn))

    fl = best["floor"]
    lines = [f"Categorical nodes in the engine, n = {n:,} (CPU s, best of {args.repeat}, "
             f"interleaved); floor = numpy float64, {2 * k} numbers a draw: {fl:.4f} s", ""]
    lines.append(f"  {'case':<40}{'s':>9}{'/ floor':>9}")
    for name, t in best.items():
        if name in ("floor", "floor 50"):
            continue
        base = best["floor 50"] if name.startswith("binary-50 ") and "flat" not in name \
            and "chained" not in name else fl  # _generate's binary-50: 50 numbers a draw
        ratio = f"{t / base:9.2f}" if not name.startswith("binary-12") else f"{'':>9}"
        lines.append(f"  {name:<40}{t:9.4f}{ratio}")
    lines.append("")
    checks: list[tuple[str, float, float]] = []
    for name in ("binary-12", "binary-50"):
        if old is not None:
            checks.append((f"{name}: engine now / before ({BEFORE})",
                           best[f"{name} engine"] / best[f"{name} engine before"], NOT_SLOWER))
    for shape in ("flat", "chained"):
        c, b = f"categorical-{k} {shape}", f"binary-{2 * k} {shape}"
        checks.append((f"{shape}: {k} categoricals / {2 * k} binary (engine)",
                       best[f"{c} engine"] / best[f"{b} engine"], PER_PAIR))
    missed = 0
    lines.append(f"  {'target':<52}{'measured':>9}{'goal':>8}  met")
    for what, got, goal in checks:
        ok = got <= goal
        missed += not ok
        lines.append(f"  {what:<52}{got:9.2f}{'<= ' + str(goal):>8}  "
                     f"{'met' if ok else 'MISSED'}")
    if old is None:
        lines.append(f"  (engine at {BEFORE} not available: no before/after rows)")
    lines.append(f"targets: {len(checks) - missed} of {len(checks)} met")
    print("\n".join(lines))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
