"""Time exact inference (pactsim.exact) and, when installed, pyAgrum on the same networks.

Run from the repository root::

    python benchmarks/bench_exact.py [--repeat 20]

Networks: the flagship scenario (scenarios/iran-russia-2024.yaml, one normal
driver) and a generated 200-node binary scenario in which every node draws up
to 3 parents from the 8 nodes before it (fixed seed). For pyAgrum the same
discretised network is used: pactsim's factors (drivers as 24-state
variables with the Gauss–Hermite weights), so both compute the same numbers.
Times are the best of ``--repeat`` runs, in milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import pactsim
from pactsim.language.io import from_dict
from pactsim.language.scenario import Scenario
from pactsim.results.exact import exact

ROOT = Path(__file__).resolve().parents[1]


def chain_scenario(n: int = 200, window: int = 8, max_parents: int = 3,
                   seed: int = 0) -> Scenario:
    """``n`` events; event i has up to ``max_parents`` parents among the ``window`` before it."""
    rng = np.random.default_rng(seed)
    events: dict[str, Any] = {}
    for i in range(n):
        k = int(rng.integers(0, min(max_parents, i) + 1))
        parents = sorted(rng.choice(np.arange(max(0, i - window), i), size=k, replace=False)) \
            if k else []

        def table(depth: int) -> Any:
            if depth == 0:
                return round(float(rng.uniform(0.05, 0.95)), 3)
            return {True: table(depth - 1), False: table(depth - 1)}

        if parents:
            events[f"n{i:03d}"] = {"given": [f"n{j:03d}" for j in parents], "table": table(k)}
        else:
            events[f"n{i:03d}"] = {"p": table(0)}
    return from_dict({"pactsim": 1, "id": f"chain{n}", "as_of": dt.date(2025, 1, 1),
                      "horizon": dt.date(2025, 12, 31), "events": events})


def best_ms(f: Callable[[], object], repeat: int) -> float:
    f()  # warm caches (imports, Beta fits)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return 1e3 * min(times)


def to_pyagrum(ex: Any) -> Any:
    """pactsim's discretised network (its factors) as a pyAgrum BayesNet."""
    try:
        import pyagrum as gum
    except ImportError:
        import pyAgrum as gum  # older releases
    net = ex._net  # the factors exact inference multiplies (private; fine for a benchmark)
    bn = gum.BayesNet(ex.model.scenario_id)
    names = [net.name(v) for v in range(len(net.factors))]
    for v, name in enumerate(names):
        bn.add(gum.LabelizedVariable(name, name, net.card[v]))
    for v, f in enumerate(net.factors):
        for u in f.vars:
            if u != v:
                bn.addArc(names[u], names[v])
    for v, f in enumerate(net.factors):
        cpt = bn.cpt(names[v])
        others = [u for u in f.vars if u != v]
        axis = f.vars.index(v)
        for states in itertools.product(*(range(net.card[u]) for u in others)):
            index = list(states)
            index.insert(axis, slice(None))
            cpt[{names[u]: s for u, s in zip(others, states, strict=True)}] = \
                f.table[tuple(index)].tolist()
    return gum, bn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    flagship = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    chain = chain_scenario()
    rows: list[tuple[str, str, float]] = []
    for label, sc in (("flagship (32 nodes + driver)", flagship), ("chain 200 nodes", chain)):
        ex = exact(sc)
        rows.append((label, "exact(sc).marginals() total", best_ms(
            lambda sc=sc: exact(sc).marginals(), args.repeat)))
        rows.append((label, "marginals() on results", best_ms(ex.marginals, args.repeat)))
        if ex.model.questions:
            rows.append((label, "questions()", best_ms(ex.questions, args.repeat)))
        else:
            mid, last = ex.model.names[len(ex.model.names) // 2], ex.model.names[-1]
            rows.append((label, f"prob({mid!r}, given={last!r}) (elimination)", best_ms(
                lambda ex=ex, a=mid, b=last: ex.prob(a, given=b), args.repeat)))
        try:
            gum, bn = to_pyagrum(ex)
        except ImportError:
            rows.append((label, "pyAgrum LazyPropagation (not installed)", float("nan")))
            continue
        names = [bn.variable(i).name() for i in bn.nodes()]

        def lazy(gum: Any = gum, bn: Any = bn, names: list[str] = names) -> None:
            ie = gum.LazyPropagation(bn)
            ie.makeInference()
            for n in names:
                ie.posterior(n)

        rows.append((label, "pyAgrum LazyPropagation, all posteriors", best_ms(lazy,
                                                                               args.repeat)))
        ie = gum.LazyPropagation(bn)
        ie.makeInference()
        diff = max(abs(float(ie.posterior(n)[1]) - float(ex.marginals().loc[n, "p"]))
                   for n in ex.model.names)
        rows.append((label, f"  (max |pactsim - pyAgrum| = {diff:.1e})", float("nan")))
        rows.append((label, f"  (largest table {ex.largest_table:,} entries, quadrature error "
                            f"{ex.quadrature_error:.1e})", float("nan")))
    width = max(len(r[0]) for r in rows)
    what = max(len(r[1]) for r in rows)
    print(f"{'network':<{width}}  {'what':<{what}}  {'best ms':>9}")
    for net, w, ms in rows:
        print(f"{net:<{width}}  {w:<{what}}  {'' if np.isnan(ms) else f'{ms:9.2f}'}")


if __name__ == "__main__":
    main()
