"""Time exact inference (pactsim.exact) and, when installed, pyAgrum on the same networks.

Run from the repository root::

    python benchmarks/bench_exact.py [--repeat 20]

Networks: the flagship scenario (scenarios/iran-russia-2024.yaml, one normal driver and
four dated nodes; target: ``exact(sc)`` from scratch under ``FLAGSHIP_TARGET_MS`` = 50
ms; and under the news that it was not signed by 1 December 2024, ``exact(sc,
evidence=...)`` with every question and marginal from scratch under
``FLAGSHIP_EVIDENCE_TARGET_MS`` = 1 s), the benchmark's generated binary scenarios of
12, 50 and 200 nodes (``benchmarks/_generate.py``, as in ``run.py``) and a generated
200-node chain in which every node draws up to 3 parents from the 8 nodes before it
(fixed seed). For pyAgrum the same discretised network is used: pactsim's factors
(drivers as 24-state variables with the Gauss–Hermite weights), so both compute the same
numbers. Times are the best of ``--repeat`` runs, in milliseconds, in one process and
run.

"from scratch" is ``exact(sc)`` (compile, network, junction tree and every
marginal) and reading ``quadrature_error`` (the check with twice the points,
which ``exact`` defers until it is read; only scenarios with drivers or an
uncertain p with odds have one) on a scenario that has never been
compiled (a fresh copy, made untimed before each run) with exact inference's
structure caches cleared (no elimination order, tree shape, parsed question or
network of an earlier run is reused), and the same plus the ``marginals()``
DataFrame; the ratio printed is the former over pyAgrum's (both end with every
marginal computed, neither builds a DataFrame), with the two timed alternately
(one run of each per round) so that a spell of load hits both. "changed numbers" is
``bench_reeval.py``. pyAgrum's
time is ``LazyPropagation(bn)``, ``makeInference()`` and every posterior, on a
``BayesNet`` built beforehand (untimed).
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
import pactsim.results.exact as exact_mod
from pactsim.language.io import from_dict
from pactsim.language.scenario import Scenario
from pactsim.results.exact import exact

ROOT = Path(__file__).resolve().parents[1]
#: The flagship's exact(sc) from scratch (format 2: dated nodes included) must stay under this.
FLAGSHIP_TARGET_MS = 50.0
#: News on a date, the flagship's notebook case: ``exact(sc, evidence=EVIDENCE)``, its
#: ``questions()`` and ``marginals()``, from scratch, must stay under this.
FLAGSHIP_EVIDENCE = "not signing.date <= 2024-12-01"
FLAGSHIP_EVIDENCE_TARGET_MS = 1000.0


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


def clear_caches() -> None:
    """Forget every structure cached by exact inference (a cold start)."""
    exact_mod._forget_structures()


def fresh_once_s(make: Callable[[], Scenario], frame: bool = False) -> float:
    """Seconds of one ``exact(sc)`` (and its ``marginals()`` frame if ``frame``) on a
    never-compiled scenario, caches cleared."""
    sc = make()
    clear_caches()
    t = time.perf_counter()
    ex = exact(sc)
    ex.quadrature_error  # noqa: B018 - computed on first read since issue 16; timed as before
    if frame:
        ex.marginals()
    return time.perf_counter() - t


def best_fresh_ms(make: Callable[[], Scenario], repeat: int, frame: bool) -> float:
    """Best time of ``exact(sc)`` (which computes every marginal), and of its
    ``marginals()`` frame if ``frame``, on a never-compiled scenario, caches cleared."""
    exact(make()).marginals()  # warm imports
    return 1e3 * min(fresh_once_s(make, frame) for _ in range(repeat))


def best_evidence_ms(make: Callable[[], Scenario], evidence: str | None, repeat: int
                     ) -> float:
    """Best ms of ``exact(sc, evidence=evidence)`` with its ``questions()`` and
    ``marginals()`` frames, on a never-compiled scenario, caches cleared (what ``pactsim
    run --method exact`` computes, with ``evidence=None``)."""
    ex = exact(make(), evidence=evidence)  # warm imports
    ex.questions(), ex.marginals()
    times = []
    for _ in range(repeat):
        sc = make()
        clear_caches()
        t = time.perf_counter()
        ex = exact(sc, evidence=evidence)
        ex.questions(), ex.marginals()
        times.append(time.perf_counter() - t)
    return 1e3 * min(times)


def paired_ms(make: Callable[[], Scenario], theirs: Callable[[], object], repeat: int
              ) -> tuple[float, float]:
    """Best ms of ``exact`` from scratch and of ``theirs``, timed alternately (one of
    each per round), so a spell of load on the machine hits both sides alike."""
    exact(make()).marginals()  # warm imports
    theirs()
    ours_s, theirs_s = [], []
    for _ in range(repeat):
        ours_s.append(fresh_once_s(make))
        t = time.perf_counter()
        theirs()
        theirs_s.append(time.perf_counter() - t)
    return 1e3 * min(ours_s), 1e3 * min(theirs_s)


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


def main(argv: list[str] | None = None) -> list[tuple[str, str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _generate import binary_scenario

    flagship_text = (ROOT / "scenarios" / "iran-russia-2024.yaml").read_text()
    networks: list[tuple[str, Callable[[], Scenario]]] = [
        ("flagship (32 nodes + driver)", lambda: pactsim.loads(flagship_text))]
    for n in (12, 50, 200):
        data = binary_scenario(n)
        networks.append((f"binary-{n}", lambda data=data: from_dict(data)))
    networks.append(("chain 200 nodes", chain_scenario))
    rows: list[tuple[str, str, float]] = []
    for label, make in networks:
        sc = make()
        ex = exact(sc)
        ours = best_fresh_ms(make, args.repeat, frame=False)
        rows.append((label, "exact(sc) from scratch (every marginal)", ours))
        if label.startswith("flagship"):
            rows.append((label, f"  (target {FLAGSHIP_TARGET_MS:.0f} ms: "
                                f"{'met' if ours < FLAGSHIP_TARGET_MS else 'NOT MET'})",
                         float("nan")))
        rows.append((label, "exact(sc).marginals() from scratch (+ frame)",
                     best_fresh_ms(make, args.repeat, frame=True)))
        if label.startswith("flagship"):
            rows.append((label, "exact(sc), questions() and marginals() from scratch",
                         best_evidence_ms(make, None, args.repeat)))
            news = best_evidence_ms(make, FLAGSHIP_EVIDENCE, args.repeat)
            rows.append((label, f"exact(sc, evidence={FLAGSHIP_EVIDENCE!r}), questions() and "
                                "marginals() from scratch", news))
            rows.append((label, f"  (target {FLAGSHIP_EVIDENCE_TARGET_MS:.0f} ms: "
                                f"{'met' if news < FLAGSHIP_EVIDENCE_TARGET_MS else 'NOT MET'})",
                         float("nan")))
        rows.append((label, "marginals() on results", best_ms(ex.marginals, args.repeat)))
        if ex.model.questions:
            rows.append((label, "questions()", best_ms(ex.questions, args.repeat)))
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

        paired, theirs = paired_ms(make, lazy, args.repeat)
        rows.append((label, "pyAgrum LazyPropagation, all posteriors", theirs))
        rows.append((label, f"  (timed alternately: pactsim from scratch {paired:.2f} ms / "
                            f"pyAgrum = {paired / theirs:.2f}; "
                            f"{'faster' if paired < theirs else 'SLOWER'})", float("nan")))
        ie = gum.LazyPropagation(bn)
        ie.makeInference()
        frame = ex.marginals()  # conditions used as parents are rows of the model, not of it
        diff = max(abs(float(ie.posterior(n)[1]) - float(frame.loc[n, "p"]))
                   for n in ex.model.names if n in frame.index)
        rows.append((label, f"  (max |pactsim - pyAgrum| = {diff:.1e})", float("nan")))
        rows.append((label, f"  (largest table {ex.largest_table:,} entries, quadrature error "
                            f"{ex.quadrature_error:.1e})", float("nan")))
    width = max(len(r[0]) for r in rows)
    what = max(len(r[1]) for r in rows)
    print(f"{'network':<{width}}  {'what':<{what}}  {'best ms':>9}")
    for net, w, ms in rows:
        print(f"{net:<{width}}  {w:<{what}}  {'' if np.isnan(ms) else f'{ms:9.2f}'}")
    return rows


if __name__ == "__main__":
    main()
