"""In-process vs 2 local worker processes vs a 2-worker Dask LocalCluster.

Run from the repository root (needs the ``dask`` extra)::

    python benchmarks/bench_dask.py            # binary-200 at n = 10^8
    python benchmarks/bench_dask.py --quick    # at n = 10^6 and 10^7

Each run is ``simulate(binary-200, n, seed=1, keep_draws=False)`` in a **fresh
subprocess**: in-process (``workers=1``), local processes (``workers=2``), and
``executor=client`` on ``LocalCluster(n_workers=2, threads_per_worker=1,
processes=True)`` started in that subprocess (its start-up is not timed).
Reported: wall seconds, speed-up over in-process, and peak memory per worker
(``ru_maxrss``: the process itself in-process; the largest child for local
processes; each Dask worker, asked through ``client.run``, then the largest).
All three runs must give the same marginals (checked).

Per-task overhead: 400 no-op tasks through the same window (4 in flight), as
``simulate`` submits chunks, on a process pool and on the cluster; the wall
time per task. The chunk a task carries is ``compiled model + 8 ints``; its
pickled size is printed too.
"""

from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _noop(x: int) -> int:
    return x


def _maxrss_mib(who: int = 0) -> float:
    import resource

    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def _child(mode: str, n: int) -> dict[str, Any]:
    import logging
    import resource

    from _generate import load_binary

    import pactsim

    sc = load_binary(200)
    out: dict[str, Any] = {"mode": mode, "n": n}
    if mode == "dask":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.CRITICAL)
        client = Client(cluster)
        t0 = time.perf_counter()
        res = pactsim.simulate(sc, n, seed=1, keep_draws=False, executor=client)
        out["seconds"] = time.perf_counter() - t0
        peaks = client.run(_maxrss_mib)
        out["worker_mib"] = max(peaks.values())
        client.close()
        cluster.close()
    else:
        workers = 2 if mode == "processes" else 1
        t0 = time.perf_counter()
        res = pactsim.simulate(sc, n, seed=1, keep_draws=False, workers=workers)
        out["seconds"] = time.perf_counter() - t0
        out["worker_mib"] = (_maxrss_mib(resource.RUSAGE_CHILDREN) if workers > 1
                             else _maxrss_mib())
    out["parent_mib"] = _maxrss_mib()
    out["marginals"] = res.marginals()["p"].round(12).tolist()
    return out


def _overhead() -> dict[str, Any]:
    import logging
    from concurrent.futures import ProcessPoolExecutor

    from _generate import load_binary
    from distributed import Client, LocalCluster

    from pactsim.backends import ordered_results, resolve_executor
    from pactsim.inference.compile import compile_scenario

    k = 400
    tasks = [((i,), 1, f"task {i}") for i in range(k)]
    out: dict[str, Any] = {"model_bytes": len(pickle.dumps(compile_scenario(load_binary(200))))}
    with ProcessPoolExecutor(2) as pool:
        list(ordered_results(pool, _noop, tasks[:8], 4))  # warm up
        t0 = time.perf_counter()
        list(ordered_results(pool, _noop, tasks, 4))
        out["processes_ms"] = 1e3 * (time.perf_counter() - t0) / k
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.CRITICAL)
    client = Client(cluster)
    ex, _ = resolve_executor(client, 1)
    list(ordered_results(ex, _noop, tasks[:8], 4))
    t0 = time.perf_counter()
    list(ordered_results(ex, _noop, tasks, 4))
    out["dask_ms"] = 1e3 * (time.perf_counter() - t0) / k
    client.close()
    cluster.close()
    return out


def _run(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                          check=False)
    if proc.returncode:
        sys.exit(f"{args} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="n = 10^6 and 10^7 instead of 10^8")
    ap.add_argument("--child", nargs=2, metavar=("MODE", "N"), help=argparse.SUPPRESS)
    ap.add_argument("--overhead", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(_child(a.child[0], int(a.child[1]))))
        return
    if a.overhead:
        print(json.dumps(_overhead()))
        return
    sizes = [10**6, 10**7] if a.quick else [10**8]
    print("| n | run | wall s | speed-up | peak MiB per worker | parent MiB |")
    print("|---:|---|---:|---:|---:|---:|")
    for n in sizes:
        rows = [_run(["--child", mode, str(n)]) for mode in ("inprocess", "processes", "dask")]
        base = rows[0]["seconds"]
        for r in rows:
            if r["marginals"] != rows[0]["marginals"]:
                sys.exit(f"{r['mode']} gave other marginals than in-process at n={n}")
            name = {"inprocess": "in-process", "processes": "`workers=2`",
                    "dask": "LocalCluster, 2 workers"}[r["mode"]]
            print(f"| 10^{len(str(n)) - 1} | {name} | {r['seconds']:.2f} | "
                  f"{base / r['seconds']:.2f} | {r['worker_mib']:.0f} | {r['parent_mib']:.0f} |")
    o = _run(["--overhead"])
    print(f"\nper-task overhead (no-op tasks, 4 in flight): process pool "
          f"{o['processes_ms']:.2f} ms, Dask LocalCluster {o['dask_ms']:.2f} ms; "
          f"a chunk task carries the compiled model, {o['model_bytes'] / 1024:.0f} KiB pickled")


if __name__ == "__main__":
    main()
