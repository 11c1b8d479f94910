"""Benchmark ``pactsim.simulate`` against raw numpy random numbers, pgmpy and pyAgrum.

Run from the repository root::

    python benchmarks/run.py              # the full matrix (several minutes)
    python benchmarks/run.py --quick      # a smoke run of a few seconds
    python benchmarks/run.py --sizes 50 --n 1e5,1e6 --markdown

Every case runs in a fresh subprocess, so peak memory (``ru_maxrss`` of that
process) belongs to that case alone. With numba installed (the ``fast`` extra)
the scenarios with dated nodes run twice, their dated nodes drawn by numpy and
by the compiled loops (``PACTSIM_KERNELS``; rows marked ``[numba]``). Unless
``--no-exact``, the same run then times exact inference against pyAgrum's
LazyPropagation (``bench_exact.py``) and re-evaluation after a change of numbers
(``bench_reeval.py``), each in a fresh subprocess, Monte Carlo under rare
evidence (``bench_evidence.py``) and categorical nodes in the engine
(``bench_categorical.py``).
See ``benchmarks/README.md`` for what the columns mean.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from _child import run_child

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
SEED = 1
#: n at and below which keep_draws=True is timed as well.
KEEP_MAX_N = 1_000_000


# -- helpers used in the child processes ---------------------------------------------------
def _load(scenario: str) -> Any:
    import pactsim

    if scenario == "flagship":
        return pactsim.load(FLAGSHIP)
    sys.path.insert(0, str(HERE))
    from _generate import load_binary, load_dated

    if scenario == "dated":
        return load_dated()

    return load_binary(int(scenario))


def _peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs KiB


class _Clock:
    """Time a ``with`` block: CPU seconds of this process (the reported figure) and wall seconds.

    Every timed code here is single-threaded, so on an idle machine the two
    agree; CPU time is much less disturbed by other load on a shared machine.
    """

    def __enter__(self) -> _Clock:
        self.cpu0, self.wall0 = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu = time.process_time() - self.cpu0
        self.wall = time.perf_counter() - self.wall0


def _best(clocks: list[_Clock]) -> dict[str, float] | None:
    """Fastest of repeated runs (CPU and wall, each its own minimum)."""
    if not clocks:
        return None
    return {"cpu": min(c.cpu for c in clocks), "wall": min(c.wall for c in clocks)}


def _numpy_baseline(n: int, nodes: int, chunk: int) -> _Clock:
    """Time numpy's default Generator making ``n x nodes`` float64 in ``chunk``-row chunks.

    The chunk buffer is allocated and touched before the clock starts
    (``out=``), so this is pure generator throughput, with no allocation or
    page faults to pay for.
    """
    import numpy as np

    rng = np.random.default_rng(0)
    buf = np.empty((min(chunk, n), nodes))
    buf.fill(0.0)  # touch every page before timing
    with _Clock() as clock:
        for start in range(0, n, chunk):
            rng.random(out=buf[: min(chunk, n - start)])
    return clock


def _again(clocks: list[_Clock], repeat: int, budget: float) -> bool:
    """Whether a case runs once more: until ``repeat`` runs, then on while its runs
    have taken under ``budget`` CPU seconds and number under :data:`MAX_REPEAT` (a
    short case: best of many, as timeit's autorange)."""
    return len(clocks) < repeat or (sum(c.cpu for c in clocks) < budget
                                    and len(clocks) < MAX_REPEAT)


def _case_pactsim(spec: dict[str, Any]) -> dict[str, Any]:
    import pactsim
    from pactsim.montecarlo import DEFAULT_CHUNK

    sc = _load(spec["scenario"])
    nodes = len(sc.binary_names)
    n, repeat = spec["n"], spec["repeat"]
    pactsim.simulate(sc, 65_536, seed=SEED, keep_draws=False)  # warm up imports and caches
    sim: list[_Clock] = []
    base: list[_Clock] = []
    rss = None
    while _again(sim, repeat, spec["budget"]):  # interleaved: a slow spell hits both
        with _Clock() as clock:
            pactsim.simulate(sc, n, seed=SEED, keep_draws=False)
        sim.append(clock)
        if rss is None:  # before the baseline allocates its own buffer
            rss = _peak_rss_mib()
        if not spec["skip_baseline"]:
            base.append(_numpy_baseline(n, nodes, DEFAULT_CHUNK))
    keep: list[_Clock] = []
    if spec["keep"]:
        while _again(keep, repeat, spec["budget"]):
            with _Clock() as clock:
                res = pactsim.simulate(sc, n, seed=SEED, keep_draws=True)
            keep.append(clock)
            del res
    return {"nodes": nodes, "sim": _best(sim), "base": _best(base), "keep": _best(keep),
            "rss_mib": rss, "runs": len(sim), "keep_runs": len(keep)}


def _case_overhead(spec: dict[str, Any]) -> dict[str, Any]:
    """Per-call cost of ``simulate``: ``simulate(sc, n=1, seed=1, keep_draws=False)``,
    best of ``repeat`` calls (the compiled model cached, as in a sweep or a diff)."""
    import pactsim

    sc = _load(spec["scenario"])
    pactsim.simulate(sc, 65_536, seed=SEED, keep_draws=False)  # warm up imports and caches
    clocks = []
    for _ in range(spec["repeat"]):
        with _Clock() as clock:
            pactsim.simulate(sc, 1, seed=SEED, keep_draws=False)
        clocks.append(clock)
    return {"nodes": len(sc.binary_names), "call": _best(clocks)}


#: Most runs of one case (``simulate`` and the baseline, alternated) however short it
#: is: with ``--budget``, a case of a few milliseconds is run until its runs have
#: taken the budget, so its best run is not one of three taken in a slow spell.
MAX_REPEAT = 100

#: Issue 16's and issue 10's targets, as (scenario kind, smallest n, largest n, ratio):
#: a ratio of pactsim's time to the numpy floor measured in the same case.
TARGETS = (("binary", 10_000, 10_000, 2.0), ("binary", 100_000, None, 1.2),
           ("iran-russia-2024", 100_000, None, 1.5), ("dated-5", 100_000, None, 2.0))
#: Per-call cost of ``simulate`` on small scenarios (issue 16, item 1), in seconds.
OVERHEAD_TARGET = 0.3e-3
#: Scenarios whose per-call cost is held to :data:`OVERHEAD_TARGET`.
SMALL = ("binary-12", "dated-5")


def _target(name: str, n: int) -> float | None:
    for kind, lo, hi, ratio in TARGETS:
        if (name.startswith(kind)) and n >= lo and (hi is None or n <= hi):
            return ratio
    return None


def _pgmpy_sample(tables: list[Any], n: int) -> tuple[_Clock, dict[str, float]]:
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.sampling import BayesianModelSampling

    models = importlib.import_module("pgmpy.models")
    # DiscreteBayesianNetwork since pgmpy 0.1.26; BayesianNetwork before
    BN = getattr(models, "DiscreteBayesianNetwork", None) or models.BayesianNetwork
    model = BN()
    model.add_nodes_from([t.name for t in tables])
    model.add_edges_from([(p, t.name) for t in tables for p in t.parents])
    cpds = []
    for t in tables:
        # pgmpy columns: first evidence varies slowest; our row r has parent j at bit j
        ev = list(t.parents[::-1])
        cpds.append(TabularCPD(t.name, 2, [list(1 - t.p_true), list(t.p_true)],
                               evidence=ev or None, evidence_card=[2] * len(ev) or None))
    model.add_cpds(*cpds)
    model.check_model()
    sampler = BayesianModelSampling(model)
    with _Clock() as clock:
        df = sampler.forward_sample(size=n, seed=SEED, show_progress=False, n_jobs=1)
    return clock, {k: float(v) for k, v in df.astype(int).mean().items()}


def _import_agrum() -> Any:
    try:
        return importlib.import_module("pyagrum")  # pyAgrum >= 2
    except ImportError:
        return importlib.import_module("pyAgrum")


def _pyagrum_sample(tables: list[Any], n: int) -> tuple[_Clock, dict[str, float]]:
    gum = _import_agrum()
    bn = gum.BayesNet("bench")
    for t in tables:
        bn.add(gum.LabelizedVariable(t.name, t.name, 2))
    for t in tables:
        for p in t.parents:
            bn.addArc(p, t.name)
    for t in tables:
        cpt = bn.cpt(t.name)
        for r in range(1 << len(t.parents)):
            cpt[{p: (r >> j) & 1 for j, p in enumerate(t.parents)}] = [
                1 - float(t.p_true[r]), float(t.p_true[r])]
    gum.initRandom(SEED)
    gen = gum.BNDatabaseGenerator(bn)
    with _Clock() as clock:
        gen.drawSamples(n)
    df = gen.to_pandas()
    return clock, {k: float(v) for k, v in df.astype(int).mean().items()}


def _case_compare(spec: dict[str, Any]) -> dict[str, Any]:
    import pactsim

    sys.path.insert(0, str(HERE))
    from _generate import bn_tables

    sc = _load(spec["scenario"])
    n = spec["n"]
    tables = bn_tables(sc)
    pactsim.simulate(sc, 65_536, seed=SEED)  # warm up
    ours = []
    for _ in range(3):
        with _Clock() as clock:
            res = pactsim.simulate(sc, n, seed=SEED, keep_draws=True)
        ours.append(clock)
    marg = res.marginals()["p"]
    out: dict[str, Any] = {"nodes": len(tables), "n": n, "pactsim": _best(ours)}
    tools = {"pgmpy": _pgmpy_sample, "pyagrum": _pyagrum_sample}
    for name, fn in tools.items():
        try:
            clock, means = fn(tables, n)
        except ImportError as err:
            out[name] = None
            out[f"{name}_note"] = f"not installed ({(err.name or name).split('.')[0]})"
            continue
        out[name] = _best([clock])
        # same network: every marginal agrees with pactsim's within sampling noise
        out[f"{name}_maxdiff"] = max(abs(means[k] - float(marg[k])) for k in marg.index)
    return out


def _child(spec: dict[str, Any]) -> None:
    warnings.simplefilter("ignore")  # pgmpy's deprecation chatter
    # dated nodes: numpy, or the compiled loops of the fast extra (numba), loaded by the
    # warm-up run as in a session that simulates many times
    os.environ["PACTSIM_KERNELS"] = spec.get("kernels", "numpy")
    kind = spec["kind"]
    out = _case_pactsim(spec) if kind == "pactsim" else _case_overhead(spec) \
        if kind == "overhead" else _case_compare(spec)
    print(json.dumps(out))


# -- the parent: plan, run children, report ------------------------------------------------
def _run_child(spec: dict[str, Any]) -> dict[str, Any]:
    return run_child(__file__, spec)


def _parse_ints(text: str) -> list[int]:
    return [int(float(x)) for x in text.split(",") if x.strip()]


def _fmt_n(n: int) -> str:
    e = len(str(n)) - 1
    return f"10^{e}" if n == 10**e else f"{n:,}"


def _cpu(t: dict[str, float] | None) -> float | None:
    return None if t is None else t["cpu"]


def _fmt_s(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.5f}" if x < 0.01 else f"{x:.3f}" if x < 10 else f"{x:.1f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None else f"{a / b:.2f}"


def _table(rows: list[list[str]], header: list[str], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |",
                 "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*header)] + [fmt.format(*r) for r in rows])


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import numpy as np

    import pactsim

    return (f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
            f"numpy {np.__version__}, pactsim {pactsim.__version__}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 50 nodes + flagship, n=10^5, compare at n=2000")
    ap.add_argument("--sizes", default=None,
                    help="node counts of generated binary scenarios (default 12,50,200)")
    ap.add_argument("--n", default=None, help="draw counts (default 1e4,1e5,1e6,1e7)")
    ap.add_argument("--memory-n", default=None, type=float,
                    help="n of the keep_draws=False memory case on the largest generated "
                         "scenario (default 1e8; 0 to skip)")
    ap.add_argument("--compare-n", default=None, type=float,
                    help="n for pgmpy and pyAgrum (default 1e5)")
    ap.add_argument("--no-compare", action="store_true", help="skip pgmpy and pyAgrum")
    ap.add_argument("--no-flagship", action="store_true", help="skip the flagship scenario")
    ap.add_argument("--no-dated", action="store_true",
                    help="skip the scenario of five dated nodes (dated-5)")
    ap.add_argument("--no-exact", action="store_true",
                    help="skip exact inference (bench_exact.py) and re-evaluation "
                         "(bench_reeval.py)")
    ap.add_argument("--repeat", type=int, default=None,
                    help="repetitions per case, best kept (default by n: 20 up to 10^4, 5 "
                         "to 10^5, 3 to 10^6, 2 to 10^7, then 1; 1 with --quick)")
    ap.add_argument("--budget", type=float, default=None,
                    help="CPU seconds of simulate runs per case: a case runs at least "
                         "--repeat times, and on while its runs have taken less than this "
                         f"and number under {MAX_REPEAT} (default 1; 0 with --quick); the "
                         "keep_draws runs have a budget of their own")
    ap.add_argument("--kernels", choices=("numpy", "numba", "both"), default=None,
                    help="how dated nodes are drawn (PACTSIM_KERNELS): numpy, the compiled "
                         "loops of the fast extra, or both, one row each for the flagship "
                         "and dated-5 (default: both when numba is installed, else numpy)")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    ap.add_argument("--strict", action="store_true",
                    help="exit with status 1 when a speed target is missed (here, or in "
                         "a benchmark this one runs)")
    ap.add_argument("--json", default=None, help="also write the raw results to this file")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child is not None:
        _child(json.loads(args.child))
        return 0

    sizes = _parse_ints(args.sizes or ("50" if args.quick else "12,50,200"))
    ns = _parse_ints(args.n or ("1e5" if args.quick else "1e4,1e5,1e6,1e7"))
    memory_n = int(args.memory_n if args.memory_n is not None else (0 if args.quick else 1e8))
    compare_n = int(args.compare_n if args.compare_n is not None
                    else (2000 if args.quick else 1e5))
    scenarios = (([] if args.no_flagship else ["flagship"])
                 + ([] if args.no_dated else ["dated"]) + [str(s) for s in sizes])

    def repeat(n: int) -> int:
        if args.repeat is not None:
            return int(args.repeat)
        if args.quick:
            return 1
        if n <= 10_000:
            return 20
        return 5 if n <= 100_000 else 3 if n <= 1_000_000 else 2 if n <= 10_000_000 else 1

    budget = args.budget if args.budget is not None else (0.0 if args.quick else 1.0)
    chosen = args.kernels or ("both" if importlib.util.find_spec("numba") else "numpy")
    dated_kernels = ["numpy", "numba"] if chosen == "both" else [chosen]

    def kernels_of(scen: str) -> list[str]:  # binary scenarios have no dated node
        return dated_kernels if scen in ("flagship", "dated") else ["numpy"]

    cases = [(s, n, False, k) for s in scenarios for k in kernels_of(s) for n in ns]
    if memory_n and sizes:
        cases.append((str(max(sizes)), memory_n, True, "numpy"))
    rows = []
    raw: dict[str, Any] = {"machine": _machine(), "cases": [], "compare": []}
    print(f"# {raw['machine']}", file=sys.stderr)
    for scen, n, is_memory, kern in cases:
        spec = {"kind": "pactsim", "scenario": scen, "n": n, "repeat": repeat(n),
                "budget": budget,
                "keep": n <= KEEP_MAX_N and not is_memory, "skip_baseline": False,
                "kernels": kern}
        print(f"  running {scen} n={n:,} ({kern}) ...", file=sys.stderr, flush=True)
        r = _run_child(spec)
        raw["cases"].append({**spec, **r})
        name = {"flagship": "iran-russia-2024", "dated": "dated-5"}.get(scen, f"binary-{scen}")
        if kern == "numba":
            name += " [numba]"
        sim, base, keep = _cpu(r["sim"]), _cpu(r["base"]), _cpu(r["keep"])
        rows.append([name, str(r["nodes"]), _fmt_n(n), _fmt_s(base), _fmt_s(sim),
                     _ratio(sim, base), _fmt_s(keep), _ratio(keep, base),
                     f"{r['rss_mib']:.0f}"])
    header = ["scenario", "nodes", "n", "numpy s", "pactsim s", "ratio", "keep_draws s",
              "keep ratio", "peak RSS MiB"]
    out = [_table(rows, header, args.markdown)]

    # per-call cost, then every case against its target
    calls = []
    for scen in scenarios:
        name = {"flagship": "iran-russia-2024", "dated": "dated-5"}.get(scen, f"binary-{scen}")
        print(f"  per-call cost of {name} ...", file=sys.stderr, flush=True)
        r = _run_child({"kind": "overhead", "scenario": scen, "repeat": 5 if args.quick else 200})
        raw.setdefault("overhead", []).append({"scenario": name, **r})
        calls.append((name, _cpu(r["call"])))
    checks: list[list[str]] = []
    for name, call in calls:
        if name in SMALL and call is not None:
            checks.append([name, "per call (n = 1)", f"{call * 1e3:.3f} ms",
                           f"< {OVERHEAD_TARGET * 1e3:.1f} ms",
                           "met" if call < OVERHEAD_TARGET else "**missed**"])
    for case, row in zip(raw["cases"], rows, strict=True):
        goal = _target(row[0], case["n"])
        sim, base = _cpu(case["sim"]), _cpu(case["base"])
        if goal is None or sim is None or not base:
            continue
        checks.append([row[0], f"n = {row[2]}", f"{sim / base:.2f}× floor", f"<= {goal}×",
                       "met" if sim / base <= goal else "**missed**"])
    out.append(_table([[n, f"{c * 1e3:.3f}" if c is not None else "—"] for n, c in calls],
                      ["scenario", "simulate per call ms (n = 1, CPU, best)"], args.markdown))
    out.append(_table(checks, ["scenario", "case", "measured", "target", "met"], args.markdown))
    missed = sum(c[-1] != "met" for c in checks)
    out.append(f"targets: {len(checks) - missed} of {len(checks)} met")
    big = [c for c in raw["cases"] if c["n"] >= 10**8]
    if big:
        out.append("\n".join(
            f"n={c['n']:,} on {c['nodes']} nodes, keep_draws=False: peak RSS "
            f"{c['rss_mib']:.0f} MiB ({'under' if c['rss_mib'] < 1024 else 'OVER'} 1 GiB)"
            for c in big))

    if not args.no_compare and sizes:
        crow = []
        for s in sizes:
            print(f"  comparing binary-{s} n={compare_n:,} ...", file=sys.stderr, flush=True)
            c = _run_child({"kind": "compare", "scenario": str(s), "n": compare_n})
            raw["compare"].append(c)
            ours = _cpu(c["pactsim"])
            cells = [f"binary-{s}", str(c["nodes"]), _fmt_n(compare_n), _fmt_s(ours)]
            for tool in ("pgmpy", "pyagrum"):
                theirs = _cpu(c.get(tool))
                if theirs is None or ours is None:
                    cells += [c.get(f"{tool}_note", "—"), "—"]
                else:
                    cells += [_fmt_s(theirs), f"{theirs / ours:,.0f}×"]
            crow.append(cells)
        out.append(_table(crow, ["scenario", "nodes", "n", "pactsim s (keep_draws)", "pgmpy s",
                                 "pactsim speed-up", "pyAgrum s", "pactsim speed-up"],
                          args.markdown))
        out.append("\n".join(
            f"same network check, binary-{c['nodes']} n={compare_n:,}: max |{t} marginal - "
            f"pactsim marginal| = {c[t + '_maxdiff']:.4f}"
            for c in raw["compare"] for t in ("pgmpy", "pyagrum") if c.get(t) is not None))
    if not args.no_exact:
        for script, extra in (("bench_exact.py", ["--repeat", "3" if args.quick else "20"]),
                              ("bench_reeval.py", ["--repeat", "5" if args.quick else "30"]),
                              ("bench_evidence.py", ["--repeat", "1" if args.quick else "3"]),
                              ("bench_categorical.py", ["--repeat", "2" if args.quick else "10"])):
            print(f"  running {script} ...", file=sys.stderr, flush=True)
            done = subprocess.run([sys.executable, str(HERE / script), *extra],
                                  capture_output=True, text=True, check=False)
            # bench_evidence.py and bench_categorical.py exit 1 when a target is missed
            # (the others only on an error): the table is still the thing to read, then
            # what was written to stderr (a traceback, if any)
            text = done.stdout.rstrip()
            if done.returncode != 0:
                missed += 1
                text = "\n".join(x for x in (
                    text, f"{script}: exit status {done.returncode} (a target missed, or "
                          "the errors below)", done.stderr.strip()) if x)
            out.append(f"```\n{text}\n```" if args.markdown else text)
            raw.setdefault("text", []).append(text)
    print(f"\n{raw['machine']}\n")
    print("\n\n".join(x for x in out if x))
    if args.json:
        Path(args.json).write_text(json.dumps(raw, indent=2))
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
