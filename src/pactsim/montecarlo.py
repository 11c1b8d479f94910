"""`simulate`: run the engine over chunks, in-process or on workers.

The run is cut into random-stream blocks of :data:`pactsim.inference.engine.BLOCK`
draws (the unit of reproducibility) grouped into chunks (the unit of work and
memory). ``(scenario, n, seed)`` fixes every draw *and every summary*, whatever
``chunk_size``, ``workers`` or ``executor``: each chunk returns one
:class:`~pactsim.results.stats.Stats` per block, and the run merges them in
block order.

Memory is bounded by what the caller asked for: chunks are generated lazily,
at most :attr:`RunConfig.window` of them are in flight on workers, and each
chunk's statistics are merged and dropped as soon as it is its turn. Only
``keep_draws=True`` makes memory grow with ``n``, and a run whose draws cannot
fit is refused before it starts.
"""

from __future__ import annotations

import math
import os
import reprlib
import sys
import time
import warnings
import weakref
from collections import deque
from collections.abc import Generator, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pactsim._version import __version__
from pactsim.backends import ExecutorLike, executor_argument, ordered_results, stop_pool
from pactsim.errors import (
    ArgumentError,
    ArgumentTypeError,
    ConditionError,
    PactsimWarning,
    did_you_mean,
    outside_pactsim,
)
from pactsim.inference import kernels
from pactsim.inference.compile import CompiledModel, compile_scenario
from pactsim.inference.engine import BLOCK, Draws, n_blocks
from pactsim.inference.weighting import EvidencePlan, plan_evidence
from pactsim.language.evidence import at_observation, evidence_for
from pactsim.language.scenario import Scenario
from pactsim.results.chunk import Chunk, init_worker, run_chunk
from pactsim.results.montecarlo import Results, RunInfo
from pactsim.results.stats import Stats, WeightedStats, bundle_groups

__all__ = ["DEFAULT_CHUNK", "DEFAULT_N", "MAX_N", "RunConfig", "resolve_seed", "seed_object",
           "simulate"]

#: Draws generated at a time per worker unless told otherwise.
DEFAULT_CHUNK = 4 * BLOCK
#: Draws of a run unless told otherwise (the CLI uses the same).
DEFAULT_N = 100_000
#: The largest ``n`` accepted (10^15: about three years of one core at the
#: engine's speed; with ``keep_draws=False`` memory does not grow with ``n``).
MAX_N = 10**15
#: Share of the machine's memory a run may plan to use (kept draws or chunks in flight).
MEMORY_SHARE = 0.5

SeedLike = int | np.integer[Any] | np.random.Generator | np.random.SeedSequence | None


@dataclass(frozen=True)
class RunConfig:
    """How a run is carried out (never what it computes).

    Attributes
    ----------
    chunk_size:
        Draws held in memory per worker at a time (rounded up to a multiple of
        :data:`~pactsim.inference.engine.BLOCK`).
    workers:
        Worker processes (or the executor's workers).
    keep_draws:
        Keep every draw for arbitrary expressions and ``to_frame``.
    window:
        Chunks in flight at once on an executor (submitted but not yet merged).
    """

    chunk_size: int = DEFAULT_CHUNK
    workers: int = 1
    keep_draws: bool = True
    window: int = 2

    @property
    def blocks_per_chunk(self) -> int:
        return max(1, math.ceil(self.chunk_size / BLOCK))


def seed_object(seed: object) -> bool:
    """Whether ``seed`` is one of the seeds :func:`simulate` takes besides an int: ``None``
    (fresh entropy), a numpy ``Generator`` or a ``SeedSequence`` (checked by the analyses
    that pass their seed on, without drawing from it)."""
    return seed is None or isinstance(seed, np.random.Generator | np.random.SeedSequence)


def resolve_seed(seed: SeedLike) -> tuple[int, tuple[int, ...]]:
    """Turn ``seed`` into ``(entropy, spawn_key)``, recorded in results.

    ``None`` draws fresh entropy from the OS (recorded, so the run can be
    repeated); a ``Generator`` gives up 126 bits of its stream; a
    ``SeedSequence`` keeps its entropy *and* its spawn key, so sequences
    spawned from one parent give different runs.
    """
    if seed is None:
        return int(np.random.SeedSequence().entropy), ()  # type: ignore[arg-type]
    if isinstance(seed, np.random.SeedSequence):
        if not isinstance(seed.entropy, int):
            raise ArgumentTypeError("seed: a SeedSequence built from a sequence of integers "
                                    "is not supported; pass SeedSequence(int) or an int")
        return int(seed.entropy), tuple(int(k) for k in seed.spawn_key)
    if isinstance(seed, np.random.Generator):
        hi, lo = seed.integers(0, 2**63, size=2, dtype=np.int64)
        return (int(hi) << 63) | int(lo), ()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ArgumentTypeError(
            f"seed must be an int, a numpy Generator or SeedSequence, or None; "
            f"not {reprlib.repr(seed)} ({type(seed).__name__})")
    if seed < 0:
        shown = str(seed) if int(seed).bit_length() < 256 else \
            f"a negative number of {int(seed).bit_length():,} bits"
        raise ArgumentError(f"seed must be >= 0, not {shown}")
    return int(seed), ()


def _whole(value: object, name: str, lo: int, hi: int | None = None) -> int:
    """``value`` as an int in ``[lo, hi]``, or an argument error naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ArgumentTypeError(f"{name} must be a whole number (an int), not {value!r}"
                                + (" (write int(...) for a float)" if isinstance(value, float)
                                   else ""))
    v = int(value)
    if v < lo or (hi is not None and v > hi):
        rng = f">= {lo:,}" if hi is None else f"between {lo:,} and {hi:,}"
        raise ArgumentError(f"{name} must be {rng}, not {v:,}")
    return v


def _memory_bytes() -> int:
    """Physical memory of this machine (8 GiB when it cannot be read)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - non-POSIX
        return 8 << 30


def bytes_per_draw(model: CompiledModel) -> int:
    """Memory one draw takes: a byte per binary node, 8 per driver and numeric attribute,
    the signing day, and each question's answer (1 byte true/false, 8 otherwise)."""
    answers = sum(1 if t == "bool" else 8 for _tree, t in model.questions.values())
    return model.n_binary + 8 * (len(model.drivers) + len(model.attributes)) + 8 + answers


def _check_memory(model: CompiledModel, n: int, config: RunConfig, workers: int) -> None:
    per = bytes_per_draw(model)
    budget = MEMORY_SHARE * _memory_bytes()
    gib = 1 << 30
    if config.keep_draws:
        need = 2 * per * n  # the chunks, then their concatenation
        if need > budget:
            raise ArgumentError(
                f"keeping {n:,} draws would take about {need / gib:,.1f} GiB of this "
                f"machine's {budget / MEMORY_SHARE / gib:,.1f} GiB; use keep_draws=False "
                "(every summary still works; only new expressions and to_frame() need "
                "the draws) or fewer draws")
    chunk = min(config.blocks_per_chunk * BLOCK, n)
    flight = min(config.window, max(workers, 1) + 1)
    need = per * chunk * flight
    if need > budget:
        many = f" with workers={workers:,} ({flight:,} chunks in flight)" if workers > 1 else ""
        raise ArgumentError(
            f"chunk_size={config.chunk_size:,}{many} would hold about {need / gib:,.1f} GiB "
            f"of draws at once; use a smaller chunk_size (the default is {DEFAULT_CHUNK:,})"
            + (" or fewer workers" if workers > 1 else ""))


#: The chunk function (a module global, so tests can replace it).
_run_chunk = run_chunk


def _pool(workers: int) -> ProcessPoolExecutor:
    """A pool of worker processes that die with this process (forked: a worker
    shares the parent's pages until it writes them)."""
    return ProcessPoolExecutor(max_workers=min(workers, os.cpu_count() or 1),
                               initializer=init_worker, initargs=(os.getpid(),))


def _show_progress(progress: bool | None, n: int, threshold: int = 2_000_000) -> bool:
    """Whether to draw a progress bar: as told, else for ``n`` of at least ``threshold``
    (draws, or other units of work) in a terminal or notebook, never under pytest."""
    if progress is not None:
        return progress
    if n < threshold or "pytest" in sys.modules:
        return False
    return sys.stderr.isatty() or "ipykernel" in sys.modules


def simulate(
    scenario: Scenario,
    n: int = DEFAULT_N,
    *,
    seed: SeedLike = None,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    executor: ExecutorLike | None = None,
    keep_draws: bool = True,
    progress: bool | None = None,
    target_se: float | None = None,
    target_of: Sequence[str] | None = None,
    do: Mapping[str, Any] | None = None,
    evidence: object = None,
    observations: bool = True,
) -> Results:
    """Sample ``n`` whole agreements from a scenario (or fewer, to a target precision).

    Parameters
    ----------
    scenario:
        A validated scenario (:func:`pactsim.load`).
    n:
        Number of draws, 1 to :data:`MAX_N`. Standard errors shrink as ``1/sqrt(n)``.
    seed:
        Integer, ``numpy.random.Generator``, ``numpy.random.SeedSequence`` or
        ``None`` (fresh entropy, recorded in ``results.seed``). The same
        ``(scenario, n, seed)`` gives the same draws and the same summaries
        whatever ``chunk_size``, ``workers`` or ``executor``.
    chunk_size:
        Draws generated at a time per worker (memory ≈ ``chunk_size × (nodes +
        8 × (drivers + questions) + 8)`` bytes per chunk in flight); rounded up
        to a multiple of 65 536. With ``workers > 1`` the default is shared
        out between the workers. Results do not depend on it.
    workers:
        Local worker processes (1 = in this process). Workers die with this process.
    executor:
        Any :class:`concurrent.futures.Executor` to run chunks on, or a
        ``dask.distributed.Client`` (or its ``get_executor()``), local or
        connected to a cluster (``Client("tcp://scheduler:8786")``); overrides
        local processes. At most ``2 × workers`` chunks are in flight at once
        (for Dask, ``workers`` is at least the cluster's thread count when the
        run starts). Each task carries its seed, and Dask tasks are submitted
        with ``pure=False``: a chunk lost with a worker is recomputed, giving
        the same numbers.
    keep_draws:
        Keep every draw (needed for arbitrary expressions and ``to_frame``).
        With ``False`` memory does not grow with ``n``: the chunks in flight
        plus the set tables (see :mod:`pactsim.results.stats`). A run whose
        kept draws would not fit in half this machine's memory is refused.
    progress:
        Show a progress bar (``None``: only for long interactive runs).
    target_se:
        Stop as soon as every probability the forecast reports has a standard
        error at most this (e.g. ``0.001``): each binary node's and true/false
        question's P and P(· | signed), and each dated node's P(by d) at the key
        dates. Draws come in blocks of 65,536 and the rule is checked after each,
        in block order, so the same seed stops at the same draw whatever the
        chunking or workers. ``n`` is then the cap: reaching it first warns, and
        ``results.info.target_reached`` is ``False``. (With ``keep_draws=True``
        the memory check is made for the cap: pass ``keep_draws=False`` with a
        large cap.)
    target_of:
        With ``target_se``: watch only these names (nodes and questions).
    do:
        An intervention: nodes set to values, their causes cut
        (``{"mutual_defence": True}``, ``{"signing": "2025-01-17"}``); the run is
        of ``scenario.do(do)`` (see :meth:`Scenario.do
        <pactsim.language.scenario.Scenario.do>`), which ``results.scenario`` holds.
        Unlike ``given=`` in :meth:`Results.prob`, nothing upstream of the set
        nodes changes.
    evidence:
        What has been found out, in any form
        :func:`pactsim.language.evidence.as_findings` accepts: an expression
        (``"not signing.date <= 2024-12-01"``), ``{"mutual_defence": True}``,
        ``{"ratified_ru": datetime.date(2025, 4, 21)}``,
        ``pactsim.soft("drones_missiles", 3)``, or a list of these. The draws are
        weighted — by likelihood weighting where a finding clamps a node or a
        dated node's day, by rejection (weight 0) on the rest, by the ratio for
        soft findings (see :mod:`pactsim.inference.weighting`) — and every
        estimate is the weighted one, :math:`\\sum w 1[A] / \\sum w`, with the
        delta-method standard error and the effective sample size
        (``Estimate.ess``, ``results.info.ess``). Never loops: evidence shown
        impossible before sampling (a ``p: 0`` node forced true, a clause forced
        true with its pillar forced false, a date outside ``(as_of, horizon]``)
        and evidence that leaves every draw weight 0 raise
        :class:`~pactsim.errors.ConditionError`. Not with ``target_se``.
    observations:
        Condition also on the scenario file's ``observations:`` (the default; see
        :func:`pactsim.language.evidence.evidence_for`); ``False``: on
        ``evidence`` alone.

    Returns
    -------
    Results

    Raises
    ------
    ArgumentError, ArgumentTypeError
        For an argument out of range or of the wrong type (the message names it),
        and for an environment variable ``PACTSIM_KERNELS`` other than ``numpy``,
        ``numba`` or ``auto``, or ``numba`` when numba cannot be imported (see
        :mod:`pactsim.inference.kernels`: compiled loops for dated nodes, the
        ``fast`` extra).
    ConditionError
        For evidence that cannot hold (named before sampling), or that no draw met.
    ExecutionError
        When a chunk fails on an executor (the rest are cancelled). A
        :class:`~pactsim.errors.PactsimError` raised in a chunk is raised as is.

    Examples
    --------
    >>> import pactsim
    >>> sc = pactsim.loads("pactsim: 1\\nid: demo\\nas_of: 2024-01-01\\n"
    ...                    "horizon: 2024-12-31\\nevents:\\n  rain: {p: 0.3}\\n")
    >>> res = pactsim.simulate(sc, n=10_000, seed=1)
    >>> round(res.prob("rain").value, 1)
    0.3
    >>> wet = pactsim.simulate(sc, n=10_000, seed=1, evidence=pactsim.soft("rain", 3))
    >>> round(wet.prob("rain").value, 1)    # 3 * 0.3 / (3 * 0.3 + 0.7) = 0.5625
    0.6
    """
    if not isinstance(scenario, Scenario):
        raise ArgumentTypeError(
            f"simulate() needs a Scenario (from pactsim.load), not {type(scenario).__name__}")
    if do is not None:
        scenario = scenario.do(do)
    n = _whole(n, "n", 1, MAX_N)
    chunk_size = _whole(chunk_size, "chunk_size", 1)
    workers = _whole(workers, "workers", 1)
    if not isinstance(keep_draws, bool):
        raise ArgumentTypeError(f"keep_draws must be True or False, not {keep_draws!r}")
    if progress is not None and not isinstance(progress, bool):
        raise ArgumentTypeError(f"progress must be True, False or None, not {progress!r}")
    target = _target(scenario, target_se, target_of)
    if not isinstance(observations, bool):
        raise ArgumentTypeError(f"observations must be True or False, not {observations!r}")
    findings = evidence_for(scenario, evidence, observations=observations)
    if findings and target is not None:
        whence = ("the scenario's observations (pass observations=False for the priors)"
                  if evidence is None else "evidence")
        raise ArgumentError(f"target_se cannot be combined with {whence}: under evidence the "
                            "standard errors depend on the weights; give n and read the "
                            "effective sample size (results.info.ess)")
    if executor is not None:
        executor, workers = executor_argument(executor, workers)
    entropy, spawn_key = resolve_seed(seed)
    model = compile_scenario(scenario)
    if kernels.mode() == "numba" and model.timing:  # refused here, not in a worker
        kernels.loops(0)
    try:
        plan = plan_evidence(model, findings) if findings else None  # refuses the impossible
    except ConditionError as err:  # an observation in the file: said at its line
        raise at_observation(scenario, err, observations) from None
    total_blocks = n_blocks(n)
    if executor is None and workers > 1 and chunk_size == DEFAULT_CHUNK:
        # the default chunk is shared out: memory with workers stays near a lone run's
        chunk_size = max(BLOCK, DEFAULT_CHUNK // workers)
    config = RunConfig(chunk_size=min(chunk_size, total_blocks * BLOCK), workers=workers,
                       keep_draws=keep_draws, window=2 * workers)
    _check_memory(model, n, config, workers if executor is not None or workers > 1 else 0)
    groups = _groups(model, scenario)
    t0 = time.perf_counter()

    own: Executor | None = None
    if executor is None and workers > 1 and total_blocks > config.blocks_per_chunk:
        own = executor = _pool(workers)
    stats: Stats | None = None
    wstats: WeightedStats | None = None
    kept: list[Draws] = []
    answers: list[dict[str, NDArray[Any]]] = []
    scales: list[tuple[int, float]] = []  # under evidence: (draws, log scale) of each block
    reached: bool | None = None if target is None else False
    run = _execute(model, entropy, spawn_key, n, config, groups, executor,
                   _show_progress(progress, n), plan, paced=target is None)
    finished = False
    try:
        for parts, dr, an in run:
            used = len(parts)
            if plan is not None:
                for wst in parts:
                    assert isinstance(wst, WeightedStats)
                    scales.append((wst.n, wst.log_scale))  # before a merge rescales it
                    wstats = wst if wstats is None else wstats.merge(wst)
                parts = []
            for i, st in enumerate(parts):
                assert isinstance(st, Stats)
                stats = st if stats is None else stats.merge(st)
                if target is not None and target.met(model, stats):
                    reached, used = True, i + 1
                    break
            if dr is not None and an is not None:
                m = stats.n - sum(d.n for d in kept) if stats is not None else dr.n
                kept.append(_head(dr, m) if used < len(parts) else dr)
                answers.append({k: v[:m] for k, v in an.items()} if used < len(parts) else an)
            if reached:
                break
        finished = True
    finally:
        run.close()
        if own is not None and finished:
            own.shutdown(wait=True, cancel_futures=True)
        elif own is not None:  # an error or a signal: never wait on a pool that may be stuck
            stop_pool(own)
    if wstats is not None:
        if wstats.w <= 0:  # no draw held the evidence: impossible, if exact inference says so
            _refuse_impossible_exactly(scenario, evidence, observations)
        return _weighted_results(scenario, model, wstats, kept, answers, entropy, spawn_key,
                                 config, executor, workers, time.perf_counter() - t0, plan,
                                 scales)
    assert stats is not None  # n >= 1 gives at least one block
    if target is not None and not reached:
        largest = target.largest(model, stats)
        # read by Python users (a warning of simulate) and on the command line (a note after
        # `--target-se 0.001 -n ...`): the target as given, and in the header's points
        warnings.warn(f"the Monte Carlo run stopped at the cap n = {n:,} draws before every "
                      f"watched standard error reached the target of {target.se:g} "
                      f"({_points(target.se, 'g', 'percentage ')}): the largest is "
                      f"{largest:.2g} ({_points(largest, '.2g')}); raise n", PactsimWarning,
                      stacklevel=outside_pactsim())
    draws = Draws.concat(kept) if kept else None
    merged = ({k: np.concatenate([a[k] for a in answers]) for k in answers[0]}
              if answers else None)
    info = RunInfo(scenario.id, scenario.digest, stats.n, entropy, __version__,
                   config.blocks_per_chunk * BLOCK, 1 if executor is None else workers,
                   time.perf_counter() - t0, spawn_key,
                   None if target is None else target.se, reached, ess=float(stats.n))
    return Results(scenario, model, stats, draws, merged, info)


_GROUPS: weakref.WeakKeyDictionary[CompiledModel, dict[str, tuple[str, ...]]] = \
    weakref.WeakKeyDictionary()


def _groups(model: CompiledModel, scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """:func:`~pactsim.results.stats.bundle_groups` of ``model`` in ``scenario``'s file
    order, built once per model (a compiled model belongs to one scenario)."""
    got = _GROUPS.get(model)
    if got is None:
        got = _GROUPS[model] = bundle_groups(model, scenario.binary_names)
    return got


def _refuse_impossible_exactly(scenario: Scenario, evidence: object,
                               observations: bool) -> None:
    """Raise exact inference's refusal of evidence that cannot hold (at its line, for
    the file's observations) where no draw held it: review-fuzz15 found impossible news
    met with "held in none of the draws ... raise n", though ``validate`` located it.
    Quiet where exact inference cannot answer, or finds the evidence possible."""
    from pactsim.errors import PactsimError
    from pactsim.results.exact import exact

    try:
        exact(scenario, evidence=evidence, observations=observations, max_table=2**20)
    except ConditionError:
        raise
    except PactsimError:
        return


def _weighted_results(scenario: Scenario, model: CompiledModel, stats: WeightedStats,
                      kept: list[Draws], answers: list[dict[str, NDArray[Any]]], entropy: int,
                      spawn_key: tuple[int, ...], config: RunConfig,
                      executor: Executor | None, workers: int, seconds: float,
                      plan: EvidencePlan | None, scales: list[tuple[int, float]]) -> Results:
    """The results of a run under evidence (every weight 0 is refused with its count).

    ``scales`` are each block's draws and log scale: kept weights are brought to the
    merged statistics' scale, so that sums over kept draws and the statistics agree.
    """
    assert plan is not None
    if stats.w <= 0:
        raise ConditionError(
            f"evidence {plan.text!r} held in none of the {stats.n:,} draws (every weight is 0: "
            "it is impossible, or below the engine's resolution of 2**-32 for what is "
            f"weighted, or below about {3 / stats.n:.1g} for what is rejected on): "
            "nothing to condition on; raise n or check the evidence")
    draws = Draws.concat(kept) if kept else None
    if draws is not None and draws.weight is not None and \
            any(ls != stats.log_scale for _, ls in scales):
        a = 0  # (the kept weights are this run's own arrays: rescaled in place)
        for size, ls in scales:
            draws.weight[a:a + size] *= math.exp(ls - stats.log_scale)
            a += size
    merged = ({k: np.concatenate([a[k] for a in answers]) for k in answers[0]}
              if answers else None)
    info = RunInfo(scenario.id, scenario.digest, stats.n, entropy, __version__,
                   config.blocks_per_chunk * BLOCK, 1 if executor is None else workers,
                   seconds, spawn_key, evidence=plan.text, ess=stats.ess,
                   news_to=max((f.date for f in plan.findings if f.date is not None),
                               default=None))
    return Results(scenario, model, stats, draws, merged, info)


def _head(d: Draws, m: int) -> Draws:
    """The first ``m`` draws of ``d``."""
    return Draws(d.bits[:, :m], d.drivers[:, :m], d.days[:, :m], d.signing_slot)


def _points(share: float, spec: str, kind: str = "") -> str:
    """`share` (a fraction) in points of a percentage, formatted by `spec`: ``"1.7
    points"``, ``"1 point"``."""
    text = format(100 * share, spec)
    return f"{text} {kind}point{'' if text == '1' else 's'}"


@dataclass(frozen=True)
class _Target:
    """The stopping rule of ``simulate(target_se=...)``: which counts to watch."""

    se: float
    binary: tuple[int, ...]  # rows of node_counts
    content: tuple[int, ...]  # rows also reported given signing (pillars, clauses)
    questions: tuple[str, ...]  # true/false questions (P and P(. | signed))
    binary_all: frozenset[int]  # every binary row (signing's row, to read P(signed))
    dated: tuple[int, ...]  # slots of dated nodes, watched at the key dates
    key_days: tuple[int, ...]  # days after as_of of the key dates

    def _variances(self, model: CompiledModel, st: Stats) -> list[float]:
        """Variance of each watched share, smoothed as (c + 1)(n - c + 1) / (n + 2)**3 so
        that a count of 0 or n (no spread seen) does not pass for certainty."""
        def var(c: float, n: float) -> float:
            return (c + 1) * (n - c + 1) / (n + 2) ** 3

        n = st.n
        out = [var(int(st.node_counts[i]), n) for i in self.binary]
        out += [var(st.bool_counts.get(q, 0), n) for q in self.questions]
        if model.signing_index >= 0 and model.signing_index in self.binary_all:
            s = int(st.node_counts[model.signing_index])
            given = [int(st.node_counts[i]) for i in self.content]
            given += [st.bool_signed.get(q, 0) for q in self.questions]
            out += [var(c, s) for c in given]
        if self.dated:
            cum = np.cumsum(st.date_hist[list(self.dated)], axis=1)[:, list(self.key_days)]
            out += [var(float(c), n) for c in cum.ravel()]
        return out

    def largest(self, model: CompiledModel, st: Stats) -> float:
        return math.sqrt(max(self._variances(model, st), default=0.0))

    def met(self, model: CompiledModel, st: Stats) -> bool:
        return max(self._variances(model, st), default=0.0) <= self.se**2


def _target(scenario: Scenario, se: object, names: object) -> _Target | None:
    """Check ``target_se`` / ``target_of`` and build the rule (``None``: no target)."""
    if se is None:
        if names is not None:
            raise ArgumentError("target_of needs target_se (the standard error to reach)")
        return None
    if isinstance(se, bool) or not isinstance(se, int | float) or not 0 < se < 0.5:
        raise ArgumentError(f"target_se must be a number in (0, 0.5), such as 0.001, not {se!r}")
    model = compile_scenario(scenario)
    bool_q = [q for q, (_t, kind) in model.questions.items() if kind == "bool"]
    watched: set[str] | None = None
    if names is not None:
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise ArgumentTypeError(f"target_of must be a list of names, not {names!r}")
        known = set(scenario.binary_names) | set(bool_q)
        bad = [x for x in names if x not in known]
        if bad:
            raise ArgumentError(f"target_of: unknown or not true/false: {bad[0]!r}"
                                + did_you_mean(str(bad[0]), sorted(known)))
        watched = set(names)

    def pick(x: str) -> bool:
        return watched is None or x in watched

    binary = tuple(model.index[x] for x in scenario.binary_names if pick(x))
    content = tuple(i for i in binary if model.kinds[i] in ("pillar", "clause"))
    days = tuple(sorted({(d - scenario.as_of).days for d in scenario.key_dates()}))
    return _Target(float(se), binary, content, tuple(q for q in bool_q if pick(q)),
                   frozenset(range(model.n_binary)),
                   tuple(model.slot[x] for x in model.dated if pick(x)), days)


def _chunks(total_blocks: int, per: int) -> Iterator[tuple[int, int]]:
    """``(first block, end block)`` of each chunk, generated lazily."""
    for s in range(0, total_blocks, per):
        yield s, min(s + per, total_blocks)


#: Seconds of a run left, estimated after its first :data:`LONG_RUN_AFTER`, above which
#: :data:`pactsim._progress.long_run_note` is called.
LONG_RUN_SECONDS = 60.0
LONG_RUN_AFTER = 2.0
_clock = time.monotonic


def _duration(seconds: float) -> str:
    """``about 3 h 20 min``, ``about 5 min``, ``about 2 days``."""
    if seconds >= 2 * 86400:
        return f"about {seconds / 86400:,.0f} days"
    if seconds >= 3600:
        return f"about {int(seconds // 3600)} h {int(seconds % 3600 // 60)} min"
    return f"about {max(1, round(seconds / 60))} min"


class _Pace:
    """Says once, through :data:`pactsim._progress.long_run_note`, how long a long run
    without a progress bar will take."""

    def __init__(self, n: int) -> None:
        from pactsim import _progress

        self.note = _progress.long_run_note
        self.n, self.start, self.said = n, _clock(), False

    def done(self, k: int) -> None:
        if self.said or k <= 0:
            return
        spent = _clock() - self.start
        if spent < LONG_RUN_AFTER:
            return
        self.said = True
        left = spent * (self.n - k) / k
        if left <= LONG_RUN_SECONDS:
            return
        if self.note is not None:  # the command line's
            self.note(f"n = {self.n:,} draws will take {_duration(left)} more at the pace "
                      f"so far ({k:,} in {spent:.0f} s); Ctrl-C stops it, and a smaller -n "
                      "ends sooner")
        else:  # a script or notebook without a progress bar (review-python15: n=10**12
            # ran for days without a word)
            warnings.warn(
                f"simulate(n={self.n:,}) will take {_duration(left)} more at the pace so far "
                f"({k:,} draws in {spent:.0f} s); interrupt it (Ctrl-C, or the notebook's "
                "stop button) and pass a smaller n, or progress=True to watch it",
                PactsimWarning, stacklevel=outside_pactsim())


def _execute(model: CompiledModel, entropy: int, spawn_key: tuple[int, ...], n: int,
             config: RunConfig, groups: dict[str, tuple[str, ...]], executor: Executor | None,
             show: bool, plan: EvidencePlan | None = None, paced: bool = True
             ) -> Generator[Chunk, None, None]:
    """Each chunk's result, in chunk order; at most ``config.window`` in flight.

    On an executor the progress bar advances as each chunk completes, in any
    order; the chunk's statistics wait for their turn (at most ``window`` of them).
    """
    bar = None
    if show:
        from pactsim._progress import progress_bar

        bar = progress_bar(total=n, unit="draw", unit_scale=True, desc=model.scenario_id)
    chunks = _chunks(n_blocks(n), config.blocks_per_chunk)
    keep = config.keep_draws
    extra: tuple[EvidencePlan, ...] = () if plan is None else (plan,)
    # (a run to a target standard error stops at a time no pace foretells: no note)
    pace = _Pace(n) if bar is None and paced else None
    try:
        if executor is None:
            for s, e in chunks:
                yield _run_chunk(model, entropy, spawn_key, n, s, e, keep, groups, *extra)
                if bar is not None:
                    bar.update(min(e * BLOCK, n) - s * BLOCK)
                elif pace is not None:
                    pace.done(min(e * BLOCK, n))
            return
        ends: deque[int] = deque()  # the last draw of each chunk given out, in order

        def tasks() -> Iterator[tuple[tuple[Any, ...], int, str]]:
            for s, e in chunks:
                ends.append(min(e * BLOCK, n))
                yield ((model, entropy, spawn_key, n, s, e, keep, groups, *extra),
                       min(e * BLOCK, n) - s * BLOCK,
                       f"chunk of blocks {s}–{e - 1} (draws {s * BLOCK:,}–"
                       f"{min(e * BLOCK, n) - 1:,})")

        for result in ordered_results(executor, _run_chunk, tasks(), config.window, bar):
            yield result
            if pace is not None and ends:
                pace.done(ends.popleft())
    finally:
        if bar is not None:
            bar.close()
