"""Time re-evaluating a scenario after a change of numbers (exact inference).

Run from the repository root::

    python benchmarks/bench_reeval.py [--repeat 30]

The flagship (scenarios/iran-russia-2024.yaml) is evaluated once; then, for
each of ``--repeat`` new values of ``su35_sale.p`` (an uncertain p with driver
odds in the base, so the change also moves a knot of the driver's quadrature),
the variant is made with ``with_changes`` and evaluated with
``pactsim.exact(variant)``, which finds the structure cached: the elimination
order, junction-tree shape and the factors of every unchanged node are
reused, only the changed node's factor and the arithmetic are redone.
Reported, best and median in milliseconds: ``with_changes`` (building and
validating the variant), compiling it, ``exact`` on the compiled variant; the
path the analyses take (the tornado, the spread, Sobol indices): the same
numbers swapped into the compiled base (``recompile``, one node's spec
validated) and exact inference on that model, whose unchanged nodes keep
their plans; ``ExactResults.with_changes``, which does both for a user; and
``exact`` from scratch (a freshly loaded scenario, compile included, with
every structure cache cleared), all in the same process and run. Target (issue 16 item 3): the
changed-numbers ``exact`` of the flagship well under 1 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pactsim
import pactsim.results.exact as exact_mod
from pactsim.analysis.spread import _Numbers
from pactsim.inference.compile import compile_scenario
from pactsim.results.exact import ExactResults

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"


def clear_caches() -> None:
    """Forget every structure cached by exact inference (a cold start)."""
    exact_mod._forget_structures()


def main(argv: list[str] | None = None) -> dict[str, tuple[float, float]]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args(argv)
    text = FLAGSHIP.read_text()
    sc = pactsim.loads(text)
    pactsim.exact(sc)
    times: dict[str, list[float]] = {k: [] for k in
                                     ("with_changes", "compile", "exact (changed numbers)",
                                      "compile + exact", "recompile (analyses)",
                                      "exact after recompile", "ex.with_changes",
                                      "exact from scratch")}
    ex = pactsim.exact(sc)
    numbers = _Numbers(sc)
    for i in range(args.repeat):
        v = round(0.05 + 0.9 * i / max(1, args.repeat - 1), 4)
        t0 = time.perf_counter()
        variant = sc.with_changes({"su35_sale.p": v})
        t1 = time.perf_counter()
        compile_scenario(variant)
        t2 = time.perf_counter()
        pactsim.exact(variant)
        t3 = time.perf_counter()
        times["with_changes"].append(t1 - t0)
        times["compile"].append(t2 - t1)
        times["exact (changed numbers)"].append(t3 - t2)
        times["compile + exact"].append(t3 - t1)
        t4 = time.perf_counter()
        model = numbers.model_for({"su35_sale.p": v})
        t5 = time.perf_counter()
        ExactResults(sc, model, quad_points=24, max_table=2**24, progress=False)
        t6 = time.perf_counter()
        times["recompile (analyses)"].append(t5 - t4)
        times["exact after recompile"].append(t6 - t5)
        t7 = time.perf_counter()
        ex.with_changes({"su35_sale.p": v})
        times["ex.with_changes"].append(time.perf_counter() - t7)
    for _ in range(args.repeat):  # after the others: clearing the caches would spoil them
        fresh = pactsim.loads(text)
        clear_caches()
        t4 = time.perf_counter()
        pactsim.exact(fresh)
        times["exact from scratch"].append(time.perf_counter() - t4)
    out = {k: (1e3 * min(x), 1e3 * statistics.median(x)) for k, x in times.items()}
    print("flagship iran-russia-2024, su35_sale.p changed, "
          f"{args.repeat} values (best / median ms)")
    for k, (best, med) in out.items():
        print(f"  {k:<26} {best:8.3f} {med:8.3f}")
    return out


if __name__ == "__main__":
    main()
