"""Peak memory of ``simulate(keep_draws=False)`` on worker processes against in-process.

Run from the repository root::

    python benchmarks/bench_memory.py            # binary-200 at n = 10^8, flagship at 10^7
    python benchmarks/bench_memory.py --quick    # both at n = 10^6 (~10 s)
    python benchmarks/bench_memory.py --n-binary 1e7 --n-flagship 1e6 --workers 2

Scenarios: the generated 200-node binary scenario (``_generate.py``; nearly
every draw is a distinct clause set) and the flagship, which has pillars and
clauses, so its streaming run keeps the clause-set tables. Each run is
``simulate(sc, n, seed=1, keep_draws=False, workers=w)`` in a **fresh
subprocess**, first with ``workers=1`` (in-process), then ``workers=2``.

Memory of a run, measured two ways:

* **sampled**: a thread in the run's process reads, every ``--interval``
  seconds (default 0.02), the RSS of the process and of all its descendants
  (psutil; the list of descendants is refreshed every 0.25 s) and keeps the
  largest sum, so it is the peak of the whole process tree at one moment
  (or the process's own ``ru_maxrss``, if a sample missed a short spike).
  Pages the workers share with the parent after ``fork`` count in every
  process that maps them (RSS); the ``PSS`` column splits shared pages between
  the processes instead (``memory_full_info``, every 0.25 s; it also splits
  library pages with unrelated processes on the machine, so it is lower, and
  noisier, than a private measure would be).
* **getrusage**: ``ru_maxrss`` of the process (``RUSAGE_SELF``), and for worker
  runs an upper bound, ``RUSAGE_SELF`` + workers × ``RUSAGE_CHILDREN``
  (the latter is the largest single child's peak, not the sum; peaks of
  different processes need not coincide).

The target (issue 8 item 3): the worker run's sampled peak within 1.5× the
in-process run's (the "peak RSS MiB" and "ratio" columns). Exits 1 if it is
missed. The run also checks that both give the same marginals (they must, for
the same seed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

from _child import run_child

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
TARGET = 1.5


def _mib(kib_or_bytes: float, *, kib: bool = True) -> float:
    return kib_or_bytes / 1024 if kib else kib_or_bytes / 2**20


class _Sampler(threading.Thread):
    """Largest RSS (and PSS) sum over this process and its descendants, sampled.

    RSS is read every ``interval`` (``/proc/PID/statm``: microseconds); the
    list of descendants (a scan of ``/proc``) and PSS (``smaps_rollup``, about a
    millisecond a process) every ``slow`` seconds, so sampling costs the run
    little.
    """

    def __init__(self, interval: float, slow: float = 0.25) -> None:
        super().__init__(daemon=True)
        import psutil

        self.psutil = psutil
        self.me = psutil.Process(os.getpid())
        self.interval, self.slow = interval, slow
        self.stop = threading.Event()
        self.procs = [self.me]
        self.rss = self.pss = self.parent_rss = 0
        self.max_procs = 1
        self.samples = 0

    def _refresh(self) -> None:
        with contextlib.suppress(self.psutil.Error):
            self.procs = [self.me, *self.me.children(recursive=True)]
        self.max_procs = max(self.max_procs, len(self.procs))
        pss = 0
        for p in self.procs:
            with contextlib.suppress(self.psutil.Error):  # a worker that just exited
                full = p.memory_full_info()
                pss += getattr(full, "pss", full.rss)
        self.pss = max(self.pss, pss)

    def _sample(self) -> None:
        rss = 0
        for i, p in enumerate(self.procs):
            with contextlib.suppress(self.psutil.Error):
                r = p.memory_info().rss
                rss += r
                if i == 0:
                    self.parent_rss = max(self.parent_rss, r)
        self.rss = max(self.rss, rss)
        self.samples += 1

    def run(self) -> None:
        last = 0.0
        while not self.stop.is_set():
            if time.perf_counter() - last >= self.slow:
                self._refresh()
                last = time.perf_counter()
            self._sample()
            self.stop.wait(self.interval)
        self._refresh()
        self._sample()


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    import pactsim

    if spec["scenario"] == "flagship":
        sc = pactsim.load(FLAGSHIP)
    else:
        sys.path.insert(0, str(HERE))
        from _generate import load_binary

        sc = load_binary(int(spec["scenario"]))
    sampler = _Sampler(spec["interval"])
    sampler.start()
    t0, c0 = time.perf_counter(), time.process_time()
    res = pactsim.simulate(sc, spec["n"], seed=1, keep_draws=False, workers=spec["workers"])
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    sampler.stop.set()
    sampler.join()
    marg = res.marginals()["p"]
    return {
        "nodes": len(sc.binary_names), "wall": wall, "cpu_parent": cpu,
        "sampled_mib": _mib(sampler.rss, kib=False), "pss_mib": _mib(sampler.pss, kib=False),
        # the tree's peak is at least the process's own, which a sample may have missed
        "tree_mib": max(_mib(sampler.rss, kib=False),
                        _mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)),
        "parent_sampled_mib": _mib(sampler.parent_rss, kib=False),
        "processes": sampler.max_procs, "samples": sampler.samples,
        "self_maxrss_mib": _mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "children_maxrss_mib": _mib(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss),
        "marginals": {str(k): float(v) for k, v in marg.items()},
    }


def _run(spec: dict[str, Any]) -> dict[str, Any]:
    return run_child(__file__, spec)


def _fmt_n(n: int) -> str:
    e = len(str(n)) - 1
    return f"10^{e}" if n == 10**e else f"{n:,}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="n = 10^6 for both scenarios")
    ap.add_argument("--n-binary", type=float, default=None,
                    help="draws on binary-200 (default 1e8; 0 to skip)")
    ap.add_argument("--n-flagship", type=float, default=None,
                    help="draws on the flagship (default 1e7; 0 to skip)")
    ap.add_argument("--size", type=int, default=200, help="nodes of the generated scenario")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--interval", type=float, default=0.02, help="sampling interval, seconds")
    ap.add_argument("--json", default=None, help="also write the raw results to this file")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child is not None:
        print(json.dumps(_child(json.loads(args.child))))
        return 0

    quick = 1e6 if args.quick else None
    plan = [(str(args.size), int(args.n_binary if args.n_binary is not None
                                 else quick or 1e8)),
            ("flagship", int(args.n_flagship if args.n_flagship is not None
                             else quick or 1e7))]
    rows, raw, missed = [], [], []
    for scenario, n in plan:
        if not n:
            continue
        name = "iran-russia-2024" if scenario == "flagship" else f"binary-{scenario}"
        runs = {}
        for w in (1, args.workers):
            print(f"  {name} n={n:,} workers={w} ...", file=sys.stderr, flush=True)
            runs[w] = _run({"scenario": scenario, "n": n, "workers": w,
                            "interval": args.interval})
            raw.append({"scenario": name, "n": n, "workers": w, **runs[w]})
        one, many = runs[1], runs[args.workers]
        ratio = many["tree_mib"] / one["tree_mib"]
        bound = many["self_maxrss_mib"] + args.workers * many["children_maxrss_mib"]
        diff = max(abs(one["marginals"][k] - many["marginals"][k]) for k in one["marginals"])
        if ratio >= TARGET:
            missed.append(name)
        for w, r in runs.items():
            is_many = w != 1
            rows.append([
                name, str(r["nodes"]), _fmt_n(n), f"{w}{'' if is_many else ' (in-process)'}",
                str(r["processes"]), f"{r['wall']:.1f}", f"{r['tree_mib']:.0f}",
                f"{r['pss_mib']:.0f}", f"{r['self_maxrss_mib']:.0f}",
                f"{r['children_maxrss_mib']:.0f}" if is_many else "—",
                f"{bound:.0f}" if is_many else f"{r['self_maxrss_mib']:.0f}",
                f"{ratio:.2f}" if is_many else "1",
                f"{bound / one['self_maxrss_mib']:.2f}" if is_many else "1",
                ("yes" if ratio < TARGET else f"**no** (+{ratio - TARGET:.2f})")
                if is_many else ""])
        print(f"  same marginals with {args.workers} workers: max |diff| = {diff:.1e}",
              file=sys.stderr)
        if diff:
            missed.append(f"{name} (marginals differ by {diff:.1e})")
    header = ["scenario", "nodes", "n", "workers", "processes", "wall s", "peak RSS MiB",
              "sampled PSS MiB", "self maxrss MiB", "largest child maxrss MiB",
              "getrusage bound MiB", "ratio", "bound ratio", f"< {TARGET}×"]
    print(f"{os.cpu_count()} cores; simulate(keep_draws=False, seed=1); each run a fresh "
          "process\n")
    print("| " + " | ".join(header) + " |")
    print("|---|" + "---:|" * (len(header) - 2) + ":---:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(raw, indent=2))
    print("\ntarget met" if not missed else "\nmissed: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
