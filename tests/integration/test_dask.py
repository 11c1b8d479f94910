"""simulate and sweep on a real Dask LocalCluster (2 worker processes, 1 thread each).

The same ``(scenario, n, seed)`` gives the same summaries, to the last bit, in
this process, on local processes and on the cluster with one or two workers;
killing a worker mid-run changes nothing; an item that fails on a worker raises
the error it raises here. One cluster serves the whole module.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import pactsim
from pactsim.errors import ModelTooWideError, ScenarioError
from pactsim.inference.engine import BLOCK
from pactsim.results.stats import SparseSets

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")


def _binary(n_nodes: int) -> pactsim.Scenario:
    spec = importlib.util.spec_from_file_location("_generate", ROOT / "benchmarks" / "_generate.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("_generate", mod)  # its dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod.load_binary(n_nodes)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.CRITICAL)
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def _summaries(res: pactsim.Results) -> dict[str, Any]:
    out: dict[str, Any] = {"marginals": res.marginals()}
    if res.scenario.questions:
        out["questions"] = res.questions()
    for name in res.scenario.questions:
        if res.model.questions[name][1] != "bool":
            out[f"numeric {name}"] = repr(res.numeric(name))
    if "signing" in res.scenario.nodes:
        out["cdf"] = res.signing_cdf()
        out["quantiles"] = res.signing_quantiles()
    out["bundles pillars"] = res.bundles(top=None, of="pillars")
    # the long tables (texts of all pillars and clauses), as counted, bound and cuts included:
    # framing them whole takes seconds, and the frames are a function of these
    for of, sets in res.stats.sets.items():
        if isinstance(sets, SparseSets):
            out[f"sets {of}"] = (sets.keys.tobytes(), sets.counts.tobytes(), sets.bound,
                                 sets.cuts)
        else:
            out[f"sets {of}"] = sets.counts.tobytes()
    st = res.stats
    out["moments"] = {k: (m.count, m.mean.hex(), m.m2.hex()) for k, m in st.moments.items()}
    out["counts"] = (st.node_counts.tobytes(), st.signing_hist.tobytes(), st.bool_counts,
                     st.bool_signed, st.num_values)
    return out


def _assert_identical(a: pactsim.Results, b: pactsim.Results) -> None:
    sa, sb = _summaries(a), _summaries(b)
    assert sa.keys() == sb.keys()
    for key in sa:
        if isinstance(sa[key], pd.DataFrame):
            pd.testing.assert_frame_equal(sa[key], sb[key], check_exact=True, obj=key)
        elif isinstance(sa[key], pd.Series):
            pd.testing.assert_series_equal(sa[key], sb[key], check_exact=True, obj=key)
        else:
            assert sa[key] == sb[key], key


@pytest.mark.parametrize(("which", "n", "chunk"), [
    ("flagship", 4 * BLOCK + 17, BLOCK),
    ("binary-200", 5 * BLOCK, 2 * BLOCK),  # distinct texts pass 200,000: the table is cut
])
def test_identical_here_on_processes_and_on_the_cluster(client: Any, which: str, n: int,
                                                        chunk: int) -> None:
    sc = FLAGSHIP if which == "flagship" else _binary(200)
    here = pactsim.simulate(sc, n=n, seed=7, keep_draws=False)
    procs = pactsim.simulate(sc, n=n, seed=7, keep_draws=False, workers=2, chunk_size=chunk)
    dask2 = pactsim.simulate(sc, n=n, seed=7, keep_draws=False, executor=client,
                             chunk_size=chunk)
    one = next(iter(client.nthreads()))
    others = [procs, dask2]
    if which == "binary-200":
        assert here.stats.sets["all"].cuts > 0 and here.stats.sets["all"].bound > 0
    else:  # one worker of the two
        others.append(pactsim.simulate(sc, n=n, seed=7, keep_draws=False, chunk_size=3 * BLOCK,
                                       executor=client.get_executor(workers=[one])))
    for other in others:
        _assert_identical(here, other)
    assert dask2.info.workers == 2  # the cluster's threads, so a window of 4 chunks


def test_kept_draws_are_identical_too(client: Any) -> None:
    here = pactsim.simulate(FLAGSHIP, n=3 * BLOCK, seed=1)
    there = pactsim.simulate(FLAGSHIP, n=3 * BLOCK, seed=1, chunk_size=BLOCK, executor=client)
    pd.testing.assert_frame_equal(here.to_frame(), there.to_frame())


def test_a_killed_worker_changes_nothing(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kill the worker running a chunk after the 3rd submission: Dask recomputes it."""
    sc = FLAGSHIP
    n, chunk = 24 * BLOCK, 2 * BLOCK
    here = pactsim.simulate(sc, n=n, seed=3, keep_draws=False)
    pids = client.run(os.getpid)
    submit = client.submit
    killed: list[tuple[str, list[str]]] = []

    def submit_then_kill(*args: Any, **kwargs: Any) -> Any:
        fut = submit(*args, **kwargs)
        if not killed and len(submitted) == 2:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # wait until a worker holds a chunk
                busy = {w: ks for w, ks in client.processing().items()
                        if any("run_chunk" in str(k) for k in ks)}
                if busy:
                    addr, keys = next(iter(busy.items()))
                    os.kill(pids[addr], signal.SIGKILL)
                    killed.append((addr, [str(k) for k in keys]))
                    break
                time.sleep(0.005)
        submitted.append(fut)
        return fut

    submitted: list[Any] = []
    monkeypatch.setattr(client, "submit", submit_then_kill)
    try:
        there = pactsim.simulate(sc, n=n, seed=3, keep_draws=False, chunk_size=chunk,
                                 executor=client)
    finally:
        monkeypatch.undo()
        client.wait_for_workers(2, timeout=60)  # the nanny restarts it for the next tests
    assert killed, "no worker was running a chunk to kill"
    assert len(submitted) == 12
    _assert_identical(here, there)


VARIANTS = {f"v{i:03d}": {"su35_sale.p": round(0.01 * i, 2),
                          "signing.by.2024-12-31": round(0.2 + 0.002 * i, 3)}
            for i in range(100)}


def test_a_sweep_of_100_variants_on_the_cluster(client: Any) -> None:
    here = pactsim.sweep(VARIANTS, ["signed_by_2024", "su35_sale", "n_pillars >= 3"],
                         base=FLAGSHIP, n=2_000, seed=5)
    there = pactsim.sweep(VARIANTS, ["signed_by_2024", "su35_sale", "n_pillars >= 3"],
                          base=FLAGSHIP, n=2_000, seed=5, executor=client)
    assert len(there) == 300 and there.item.nunique() == 100
    pd.testing.assert_frame_equal(here, there, check_exact=True)


def test_a_failing_item_raises_the_local_error(client: Any) -> None:
    bad = {"ok": {"su35_sale.p": 0.5}, "bad": {"su35_sale.p": 1.5, "s400_sale.p": -1}}
    with pytest.raises(ScenarioError) as here:
        pactsim.sweep(bad, base=FLAGSHIP, n=1_000, seed=1)
    with pytest.raises(ScenarioError) as there:
        pactsim.sweep(bad, base=FLAGSHIP, n=1_000, seed=1, executor=client)
    assert there.value.problems == here.value.problems and len(here.value.problems) == 2
    assert str(there.value) == str(here.value)

    events = "".join(f"  e{i:02d}: {{p: 0.1}}\n" for i in range(40))
    wide = pactsim.loads("pactsim: 1\nid: w\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                         "events:\n" + events)
    q = "any(" + ", ".join(f"e{i:02d}" for i in range(40)) + ")"
    with pytest.raises(ModelTooWideError) as info:
        pactsim.sweep([wide], [q], method="exact", executor=client)
    assert info.value.width == 40


def test_progress_counts_every_draw(client: Any, capsys: pytest.CaptureFixture[str]) -> None:
    pactsim.simulate(FLAGSHIP, n=4 * BLOCK, seed=1, chunk_size=BLOCK, executor=client,
                     keep_draws=False, progress=True)
    err = capsys.readouterr().err
    assert "100%" in err and "262k/262k" in err
