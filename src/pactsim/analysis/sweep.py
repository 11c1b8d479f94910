"""`sweep`: many scenarios or variants, one tidy table, on any executor.

A sweep maps a list of *items* — scenarios, variants of a base scenario
(:meth:`~pactsim.language.scenario.Scenario.with_changes` dicts), or the rows
of a design (a DataFrame whose columns are dotted paths, as a sensitivity
design is) — over an executor, runs :func:`pactsim.simulate` or
:func:`pactsim.exact` on each item as one task, and returns one row per item
and question or node.

Each item draws from its own child of the sweep's seed: item ``i`` (its
position) uses ``SeedSequence(seed, spawn_key=(*spawn_key, i))``, recorded in
columns ``seed`` and ``spawn_key``; so the same sweep gives the same table on
any executor, and one item is repeated alone with
``simulate(sc, n, seed=SeedSequence(seed, spawn_key=spawn_key))``.

With ``paired=True`` every item draws from the sweep's seed itself (common
random numbers, as :func:`pactsim.diff` pairs A and B): the engine draws a
node's random numbers whatever its chances, so items that differ only in
numbers see the same draws, and the differences between their rows are far
less noisy than each row's ``stderr`` — a sweep of one probability gives a
smooth curve instead of one jittered by independent noise. A row's own
estimate and ``stderr`` are unchanged in law. Items whose structure differs
(other nodes, other parents) share the streams only as far as their draws
line up (a node added early shifts the numbers of every node after it, and
the gain is gone); they stay correct, just not coupled.
Variants are applied on the worker (the base scenario travels, the change
travels, nothing else), and an item that fails raises the same
:class:`~pactsim.errors.PactsimError` it would raise in this process.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from pactsim.backends import ExecutorLike, executor_argument, ordered_results
from pactsim.errors import ArgumentError, ArgumentTypeError, PactsimError
from pactsim.language.scenario import Scenario
from pactsim.montecarlo import DEFAULT_CHUNK, DEFAULT_N, MAX_N, SeedLike, resolve_seed

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "sweep"]

#: The columns of a sweep's table, in order.
COLUMNS = ("item", "name", "changes", "target", "kind", "p", "stderr", "lo", "hi",
           "p_given_signed", "method", "n", "seed", "spawn_key")

Row = tuple[Any, ...]
Changes = Mapping[str, object]


def _describe(changes: Changes | None) -> str:
    if not changes:
        return ""
    return ", ".join(f"{k}={v!r}" for k, v in changes.items())


def _run_item(scenario: Scenario, changes: dict[str, object] | None, method: str,
              questions: tuple[str, ...] | None, n: int, entropy: int,
              spawn_key: tuple[int, ...], chunk_size: int) -> list[Row]:
    """One item's rows (without its id): runs in the worker."""
    from pactsim.montecarlo import simulate
    from pactsim.results.exact import exact

    sc = scenario.with_changes(changes) if changes else scenario
    res: Any
    if method == "exact":
        res = exact(sc)
        run_n, seed, key = None, None, None
    else:
        names = set(sc.nodes) | set(sc.questions)
        keep = questions is not None and any(q.strip() not in names for q in questions)
        res = simulate(sc, n, seed=np.random.SeedSequence(entropy, spawn_key=spawn_key),
                       chunk_size=chunk_size, keep_draws=keep, progress=False)
        run_n, seed, key = n, entropy, spawn_key
    tail = (method, run_n, seed, key)
    head = (sc.id, _describe(changes))
    rows: list[Row] = []
    if questions is None:
        qf = res.questions()
        for name, r in qf.iterrows():
            rows.append((*head, name, "question", r.p, r.stderr, r.lo, r.hi,
                         r.p_given_signed, *tail))
        mf = res.marginals()
        for name, r in mf.iterrows():
            rows.append((*head, name, r.kind, r.p, r.stderr, r.lo, r.hi,
                         r.p_given_signed, *tail))
        return rows
    tables: dict[str, Any] = {}  # questions() and marginals(), made once for every item
    for q in questions:
        est = res.prob(q)
        name = q.strip()
        node, _eq, level = name.partition(" == ")
        kind = ("question" if name in sc.questions
                else sc.nodes[name].kind if name in sc.nodes
                else "outcome" if level in sc.outcomes.get(node, ()) else "expr")
        rows.append((*head, q, kind, est.value, est.stderr, est.lo, est.hi,
                     _given_signed(res, sc, name, node, level, kind, tables), *tail))
    return rows


def _given_signed(res: Any, sc: Scenario, name: str, node: str, level: str, kind: str,
                  tables: dict[str, Any]) -> float:
    """P(item | signed by the horizon) of a named item, as the full table gives it (NaN
    without a signing, or for an expression of a run that kept no draws); ``tables``
    keeps the run's tables from one item to the next."""
    def table(which: str) -> Any:
        if which not in tables:
            tables[which] = getattr(res, which)()
        return tables[which]

    if sc.signing is None:
        return float("nan")
    if kind == "question":
        return float(table("questions").loc[name, "p_given_signed"])
    if kind == "outcome" or name in sc.nodes:
        row = f"{node}={level}" if kind == "outcome" else name
        marginals = table("marginals")
        if row in marginals.index:
            return float(marginals.loc[row, "p_given_signed"])
    try:
        return float(res.prob(name, given="signing").value)
    except PactsimError:  # no draws kept, or the signing never happens
        return float("nan")


def _items(items: object, base: Scenario | None
           ) -> Iterator[tuple[object, Scenario, dict[str, object] | None]]:
    """``(id, scenario, changes)`` for each item, lazily."""
    import pandas as pd

    pairs: Iterable[tuple[object, object]]
    if isinstance(items, Scenario):
        pairs = [(0, items)]
    elif isinstance(items, pd.DataFrame):
        pairs = ((idx, {str(k): _plain(v) for k, v in row.items()})
                 for idx, row in items.iterrows())
    elif isinstance(items, Mapping):
        pairs = items.items()
    elif isinstance(items, Iterable) and not isinstance(items, str | bytes):
        pairs = enumerate(items)
    else:
        raise ArgumentTypeError(
            f"sweep() needs scenarios, a mapping of id to scenario or changes, a list of "
            f"changes dicts or a DataFrame of changes, not {type(items).__name__}")
    for key, item in pairs:
        if isinstance(item, Scenario):
            yield key, item, None
        elif isinstance(item, Mapping):
            if base is None:
                raise ArgumentError(
                    f"sweep item {key!r} is a dict of changes; pass the scenario they "
                    f"change as base= (e.g. sweep(variants, base=sc))")
            yield key, base, {str(k): v for k, v in item.items()}
        else:
            raise ArgumentTypeError(
                f"sweep item {key!r} must be a Scenario or a dict of changes "
                f"(path -> value), not {type(item).__name__}")


def _plain(value: object) -> object:
    """numpy scalars from a DataFrame row as Python numbers (as with_changes expects)."""
    return value.item() if isinstance(value, np.generic) else value


def sweep(
    items: object,
    questions: Iterable[str] | None = None,
    *,
    base: Scenario | None = None,
    n: int | None = None,
    seed: SeedLike = None,
    method: Literal["mc", "montecarlo", "exact"] = "mc",
    executor: ExecutorLike | None = None,
    workers: int = 1,
    chunk_size: int = DEFAULT_CHUNK,
    progress: bool | None = None,
    paired: bool = False,
) -> pd.DataFrame:
    """Run every item and return one tidy table (one row per item and target).

    Parameters
    ----------
    items:
        A :class:`~pactsim.Scenario`; a list of scenarios or of changes dicts
        (``{"su35_sale.p": 0.5}``, applied to ``base`` with ``with_changes``);
        a mapping of item id to either; or a DataFrame whose columns are
        dotted paths and whose rows are the values of one item (a design),
        its index giving the ids. List items are numbered from 0.
    questions:
        Expressions or names to report (``res.prob(q)``); ``None`` for every
        boolean question and every binary node (with ``p_given_signed``).
    base:
        The scenario that changes dicts apply to.
    n, seed:
        Draws per item (:data:`DEFAULT_N` unless given; refused with ``method="exact"``,
        which draws nothing), and the sweep's seed; item ``i`` uses
        ``SeedSequence(seed, spawn_key=(*spawn_key, i))`` (columns ``seed``,
        ``spawn_key``). ``None`` draws fresh entropy (recorded).
    paired:
        ``True`` runs every item on the sweep's seed itself (common random
        numbers; see the module docstring): compare items with it, for
        example a curve over one probability. ``False`` (the default) gives
        each item independent draws, as replicates need.
    method:
        ``"mc"`` (:func:`pactsim.simulate`; also spelt ``"montecarlo"``) or ``"exact"``
        (:func:`pactsim.exact`; standard errors 0, no seed). One method for every item,
        so that the rows compare (no ``"auto"``).
    executor:
        A :class:`concurrent.futures.Executor` or a ``dask.distributed.Client``
        to run the items on, one task per item, at most ``2 × workers`` in
        flight; ``None`` runs them here (or on ``workers`` local processes).
    workers, chunk_size, progress:
        As for :func:`pactsim.simulate` (``progress`` counts items).

    Returns
    -------
    pandas.DataFrame
        Columns ``item, name`` (the scenario id), ``changes`` (``path=value``,
        comma separated), ``target`` (question, node or expression), ``kind``
        (``question``, ``event``, ``signing``, ``pillar``, ``clause``, ``driver``
        or ``expr``), ``p, stderr, lo, hi, p_given_signed, method, n, seed,
        spawn_key``; items in order, targets in file order.

    Raises
    ------
    PactsimError
        The error an item raises (a bad change, a model too wide for exact
        inference ...), as in this process; :class:`~pactsim.errors.ExecutionError`
        when a task fails for another reason.

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\n"
    ...                    "horizon: 2024-12-31\\nevents:\\n  rain: {p: 0.3}\\n")
    >>> df = pactsim.sweep([{"rain.p": 0.1}, {"rain.p": 0.9}], base=sc, method="exact")
    >>> df[["item", "changes", "target", "p"]]  # doctest: +NORMALIZE_WHITESPACE
       item      changes target    p
    0     0  rain.p=0.1   rain  0.1
    1     1  rain.p=0.9   rain  0.9
    """
    import pandas as pd

    from pactsim.montecarlo import _pool, _show_progress, _whole

    if base is not None and not isinstance(base, Scenario):
        raise ArgumentTypeError(f"base must be a Scenario, not {type(base).__name__}")
    if method == "montecarlo":  # as the other analyses spell it too
        method = "mc"
    if method not in ("mc", "exact"):
        why = (" (a sweep answers every item by one method, so that its rows compare; "
               "exact where it answers each item, else mc: try exact first)"
               if str(method) == "auto" else "")
        raise ArgumentError(f"method must be 'mc' (or 'montecarlo') or 'exact', not "
                            f"{method!r}{why}")
    if not isinstance(paired, bool | np.bool_):
        raise ArgumentTypeError(f"paired must be True or False, not {paired!r}")
    qs: tuple[str, ...] | None = None
    if questions is not None:
        if isinstance(questions, str):
            questions = [questions]
        qs = tuple(questions)
        bad = [q for q in qs if not isinstance(q, str) or not q.strip()]
        if bad:
            raise ArgumentTypeError(f"questions must be non-empty strings, not {bad[0]!r}")
    if n is not None and method == "exact":  # (it was ignored without a word)
        raise ArgumentError("n is for Monte Carlo; method='exact' draws nothing (leave n "
                            "out, or use method='mc')")
    n = _whole(DEFAULT_N if n is None else n, "n", 1, MAX_N)
    workers = _whole(workers, "workers", 1)
    chunk_size = _whole(chunk_size, "chunk_size", 1)
    entropy, spawn_key = resolve_seed(seed)
    stream = _items(items, base)

    own: Executor | None = None
    ex: Executor | None = None
    if executor is not None:
        ex, workers = executor_argument(executor, workers)
    elif workers > 1:
        own = ex = _pool(workers)
    ids: list[object] = []

    def tasks() -> Iterator[tuple[tuple[Any, ...], int, str]]:
        for i, (key, sc, changes) in enumerate(stream):
            ids.append(key)
            key_i = spawn_key if paired else (*spawn_key, i)
            yield ((sc, changes, method, qs, n, entropy, key_i, chunk_size),
                   1, f"sweep item {key!r}")

    bar = None
    if _show_progress(progress, 2_000_000):  # None: in a terminal or notebook
        from pactsim._progress import progress_bar

        bar = progress_bar(unit="item", desc="sweep")
    rows: list[Row] = []
    try:
        if ex is None:
            for k, (args, _w, _what) in enumerate(tasks()):
                rows += [(ids[k], *r) for r in _run_item(*args)]
                if bar is not None:
                    bar.update(1)
        else:
            for k, out in enumerate(ordered_results(ex, _run_item, tasks(), 2 * workers, bar)):
                rows += [(ids[k], *r) for r in out]
    finally:
        if bar is not None:
            bar.close()
        if own is not None:
            own.shutdown(wait=True, cancel_futures=True)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["n"] = frame["n"].astype("Int64")
    frame["seed"] = frame["seed"].astype(object)
    return frame
