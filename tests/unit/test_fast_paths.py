"""The engine's and the statistics' fast paths give exactly what the plain paths give.

Issue 16's speed work kept every draw: set tables counted from the ``all`` table,
the empty set counted apart, questions reading an earlier question's answer,
dated nodes read from per-bin day tables and milestones testing their anchors'
bits. Each is compared here with the direct computation on the same draws.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import pactsim
from pactsim.inference import dated, engine
from pactsim.inference.compile import compile_scenario
from pactsim.inference.dated import NAT, CurvePlan, MilestonePlan
from pactsim.inference.engine import block_generator, prepared, sample_blocks
from pactsim.language import expr as _expr
from pactsim.results import stats

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _generate import load_binary, load_dated  # noqa: E402

FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"


def _scenarios() -> list[pactsim.Scenario]:
    return [pactsim.load(FLAGSHIP), load_binary(12), load_binary(50), load_binary(200),
            load_dated(), pactsim.load(ROOT / "scenarios" / "analytic-timing.yaml")]


def _same_table(a: stats.DenseSets | stats.SparseSets,
                b: stats.DenseSets | stats.SparseSets) -> None:
    assert type(a) is type(b)
    assert a.width == b.width and a.bound == b.bound
    assert a.counts.dtype == b.counts.dtype and np.array_equal(a.counts, b.counts)
    if isinstance(a, stats.SparseSets):
        assert isinstance(b, stats.SparseSets)
        assert a.keys.shape == b.keys.shape and np.array_equal(a.keys, b.keys)


@pytest.mark.parametrize("n", [1, 999, 1 << 16])
def test_set_tables_from_the_all_table_equal_direct_counts(n: int) -> None:
    for sc in _scenarios():
        model = compile_scenario(sc)
        groups = stats.bundle_groups(model, sc.binary_names)
        draws = sample_blocks(model, 11, n, range(1))
        rows = {k: [model.index[x] for x in v] for k, v in groups.items()}
        fast = stats._group_sets(draws.bits, rows)
        assert list(fast) == list(rows)
        for key, r in rows.items():
            _same_table(fast[key], stats._sets_of(draws.bits, r))


@pytest.mark.parametrize("width", [12, 13, 16])
def test_dense_tables_of_up_to_16_members_count_as_sparse_ones(width: int) -> None:
    """Sets of 13 to 16 members (the 15 pillars of binary-200) are counted densely, one
    counter per possible set, and give the counts a sorted table gives; 17 are sparse."""
    rng = np.random.default_rng(width)
    bits = rng.random((20, 5000)) < rng.uniform(0.05, 0.95, (20, 1))
    rows = list(range(3, 3 + width))
    dense = stats._sets_of(bits, rows)
    assert isinstance(dense, stats.DenseSets) and dense.counts.shape == (1 << width,)
    sparse = stats.SparseSets.of(bits, rows)
    got = dict(zip(map(tuple, dense.table()[0].tolist()), dense.table()[1].tolist(),
                   strict=True))
    want = dict(zip(map(tuple, sparse.table()[0].tolist()), sparse.table()[1].tolist(),
                    strict=True))
    assert got == want and sum(got.values()) == 5000
    assert isinstance(stats._sets_of(bits, list(range(17))), stats.SparseSets)


def test_sparse_sets_count_the_empty_set_apart_exactly() -> None:
    rng = np.random.default_rng(3)
    for share_empty in (0.0, 0.05, 0.5, 0.99, 1.0):
        for width in (13, 40, 70, 130):
            bits = rng.random((width, 5000)) < 0.3
            bits[:, rng.random(5000) < share_empty] = False
            rows = list(range(width))
            keys = stats._bundle_keys(bits, rows)
            want_keys, want_counts, _ = stats._reduce(keys, None)
            got = stats.SparseSets.of(bits, rows)
            assert np.array_equal(got.keys, want_keys)
            assert np.array_equal(got.counts, want_counts)


def _merged_without_mixes(parts: list[stats.SparseSets]) -> stats.SparseSets:
    """The blocks merged in order, every sort key computed again (the plain path)."""
    plain = [stats.SparseSets(p.width, p.keys, p.counts, p.bound, p.cuts) for p in parts]
    for p in plain:
        assert p.mix is None
    out = plain[0]
    for p in plain[1:]:
        out.merge(p)
    return out


@pytest.mark.parametrize("width", [13, 64, 120])
@pytest.mark.parametrize("p_true", [0.03, 0.5])
def test_sparse_merges_reusing_sort_keys_equal_the_plain_merge(
        width: int, p_true: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables keep their rows' sort keys, so a merge does not mix every row again:
    the same rows, counts, order, cuts and bound as merging without them, with and
    without cuts (a small cap forces several)."""
    rng = np.random.default_rng(width)
    blocks = []
    for _ in range(6):
        bits = rng.random((width, 4000)) < p_true
        bits[:, rng.random(4000) < 0.2] = False  # the empty set, counted apart
        blocks.append(bits)
    for cap in (stats.MAX_BUNDLES, 700):
        monkeypatch.setattr(stats, "MAX_BUNDLES", cap)
        parts = [stats.SparseSets.of(b, list(range(width))) for b in blocks]
        assert all(p.mix is not None for p in parts)
        want = _merged_without_mixes(parts)
        parts = [stats.SparseSets.of(b, list(range(width))) for b in blocks]
        got = parts[0]
        for p in parts[1:]:
            got.merge(p)
        assert got.cuts == want.cuts
        if cap == 700 and width >= 64:  # 24,000 draws of 64+ members: far past 1,400 sets
            assert got.cuts > 0
        assert got.bound == want.bound
        assert np.array_equal(got.keys, want.keys)
        assert np.array_equal(got.counts, want.counts)
        assert got.mix is not None and np.array_equal(got.mix, stats._sort_key(got.keys))
        # a table without sort keys merges with one that has them
        mixed = stats.SparseSets(width, parts[0].keys, parts[0].counts)
        mixed.merge(stats.SparseSets.of(blocks[1], list(range(width))))
        assert mixed.mix is not None and np.all(mixed.mix[1:] > mixed.mix[:-1])


def _blocks(width: int, p_true: float, k: int, n: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(k):
        bits = rng.random((width, n)) < p_true
        bits[:, rng.random(n) < 0.2] = False  # the empty set, counted apart
        out.append(bits)
    return out


@pytest.mark.parametrize("width", [13, 64, 120])
def test_batched_merges_equal_the_table_of_all_draws(width: int) -> None:
    """Merges kept aside and sorted in at once give, when nothing is cut, exactly the
    table of all the draws counted in one go, and the same as settling after every
    merge (the table read between merges)."""
    rows = list(range(width))
    blocks = _blocks(width, 0.5 if width < 64 else 0.03, 7, 3000, width)
    want = stats.SparseSets.of(np.concatenate(blocks, axis=1), rows)
    batched = stats.SparseSets.of(blocks[0], rows)
    eager = stats.SparseSets.of(blocks[0], rows)
    for b in blocks[1:]:
        batched.merge(stats.SparseSets.of(b, rows))
        eager.merge(stats.SparseSets.of(b, rows))
        assert eager.counts.sum() > 0  # reading settles the eager table every time
    assert batched._pending  # 21,000 draws < 2 x MAX_BUNDLES rows: nothing sorted in yet
    few = stats.SparseSets.of(blocks[0][:, :5], rows)  # 5 draws: at most 5 sets
    for k in range(1, stats._MAX_PENDING):  # kept aside up to 64 tables, however small
        few.merge(stats.SparseSets.of(blocks[0][:, :5], rows))
        assert len(few._pending) == k
    few.merge(stats.SparseSets.of(blocks[0][:, :5], rows))
    assert not few._pending
    assert few.counts.sum() == 5 * (stats._MAX_PENDING + 1)
    for got in (batched, eager):
        assert np.array_equal(got.keys, want.keys)
        assert np.array_equal(got.counts, want.counts)
        assert got.bound == 0 and got.cuts == 0
        assert got.mix is not None and np.array_equal(got.mix, stats._sort_key(got.keys))
    assert not batched._pending


def test_batched_merges_sort_in_once_the_kept_rows_reach_the_table(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables wait until they hold as many rows as the table and twice the cap; then
    they are sorted in, and the table cut if it passed twice the cap. A pickled
    table (as a worker sends it) is the settled table."""
    import pickle

    monkeypatch.setattr(stats, "MAX_BUNDLES", 1000)
    rows = list(range(40))
    blocks = _blocks(40, 0.5, 6, 1500, 1)  # ~1,200 distinct sets a block, the empty one
    parts = [stats.SparseSets.of(b, rows) for b in blocks]
    size = [p.counts.shape[0] for p in parts]
    assert all(1100 < m < 1300 for m in size)
    acc = parts[0]
    acc.merge(parts[1])
    assert acc._pending_rows == size[1]  # < max(size[0], 2,000): kept aside
    assert acc._counts.shape[0] == size[0] and acc._cuts == 0
    acc.merge(parts[2])
    assert acc._pending_rows == 0  # >= 2,000: sorted in (~3,600 rows > 2,000), then cut
    assert acc._cuts == 1 and acc._counts.shape[0] == 1000
    acc.merge(parts[3])
    assert acc._pending_rows == size[3]
    copy = pickle.loads(pickle.dumps(acc))
    assert not copy._pending and copy.cuts == acc.cuts and copy.bound == acc.bound
    assert np.array_equal(copy.keys, acc.keys) and np.array_equal(copy.counts, acc.counts)
    # every count is low by at most the bound, and none is high
    truth: dict[bytes, int] = {}
    for b in blocks[:4]:
        keys = stats._bundle_keys(b, rows)
        for row in keys:
            truth[row.tobytes()] = truth.get(row.tobytes(), 0) + 1
    for row, c in zip(acc.keys, acc.counts, strict=True):
        assert c <= truth[row.tobytes()] <= c + acc.bound


def _grouped_by_hand(keys: np.ndarray, counts: np.ndarray, h: np.ndarray
                     ) -> tuple[list[tuple[int, ...]], list[int], list[int] | None]:
    """Distinct rows of ``keys`` with their summed counts, ordered by (sort key, words),
    and each one's sort key (``None`` when two different rows share one): Python
    dictionaries, no numpy grouping."""
    total: dict[tuple[int, ...], int] = {}
    key_of: dict[tuple[int, ...], int] = {}
    for row, c, hv in zip(map(tuple, keys.tolist()), counts.tolist(), h.tolist(), strict=True):
        total[row] = total.get(row, 0) + c
        key_of[row] = hv
    order = sorted(total, key=lambda r: (key_of[r], r))
    hs = [key_of[r] for r in order]
    return order, [total[r] for r in order], (None if len(set(hs)) < len(hs) else hs)


@pytest.mark.parametrize("kind", ["quicksort", "stable"])
@pytest.mark.parametrize("case", ["mix", "tops shared", "keys shared", "one run each"])
def test_grouping_rows_by_sort_key_equals_a_count_by_hand(kind: str, case: str) -> None:
    """``_reduce`` groups rows by their sort keys (a block's draws by a sort of (top
    bits of the sort key, row number) packed in one word, a merge of sorted runs by a
    stable argsort), with two ways out when different sets meet: sort keys sharing
    their top bits, and a whole sort key shared (the words then break the tie, and no
    sort key is kept). Each gives the sets, counts and order of a count by hand."""
    rng = np.random.default_rng(11)
    keys = rng.integers(0, 3, (2000, 2)).astype(np.uint64)  # 9 sets, each many times
    counts = rng.integers(1, 50, 2000).astype(np.int64)
    code = (keys[:, 0] * 3 + keys[:, 1]).astype(np.uint64)  # 0..8, one per set
    h = {"mix": stats._sort_key(keys),
         # sort keys one apart: all share their top bits (shift 11 for 2,000 rows)
         "tops shared": np.uint64(1 << 50) + code,
         # sets 0 and 1 (and 4 and 5) share a whole sort key
         "keys shared": np.uint64(7) * (code // np.uint64(2)),
         "one run each": stats._sort_key(keys)}[case]
    if case == "one run each":  # four runs, each sorted by its sort key (a merge)
        parts = np.array_split(np.arange(2000), 4)
        idx = np.concatenate([p[np.argsort(h[p], kind="stable")] for p in parts])
        keys, counts, h = keys[idx], counts[idx], h[idx]
    want_rows, want_counts, want_h = _grouped_by_hand(keys, counts, h)
    for given in (counts, None):
        got_keys, got_counts, got_h = stats._reduce(keys, given, kind, h.copy())  # type: ignore[arg-type]
        assert [tuple(r) for r in got_keys.tolist()] == want_rows
        if given is None:
            _, ones, _ = _grouped_by_hand(keys, np.ones(2000, dtype=np.int64), h)
            assert got_counts.tolist() == ones
        else:
            assert got_counts.tolist() == want_counts
        assert got_counts.dtype == np.int64
        assert (got_h is None) == (want_h is None)
        if want_h is not None:
            assert got_h is not None and got_h.tolist() == want_h


def test_bundle_keys_match_packbits() -> None:
    rng = np.random.default_rng(5)
    for n in (777, 5000):  # byte planes for a few draws, words built in place for many
        bits = rng.random((150, n)) < 0.5
        for rows in ([3], list(range(8)), list(range(9)), list(range(64)), list(range(65)),
                     list(range(149, -1, -1)), [5, 1, 99, 7, 7, 20]):
            packed = np.packbits(bits[rows].T, axis=1)
            words = max(1, (len(rows) + 63) // 64)
            raw = np.zeros((n, 8 * words), dtype=np.uint8)
            raw[:, :packed.shape[1]] = packed
            assert np.array_equal(stats._bundle_keys(bits, rows), raw.view(np.uint64))


def test_questions_reusing_earlier_answers_equal_plain_evaluation() -> None:
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        sc = pactsim.load(path)
        model = compile_scenario(sc)
        draws = sample_blocks(model, 2, 3000, range(1))
        got = stats.evaluate_questions(model, draws)
        values, dates = stats.environment(model, draws)
        for name, (tree, _t) in model.questions.items():
            want = values[name] = _expr.evaluate(tree, values, dates)
            assert got[name].dtype == want.dtype
            assert np.array_equal(got[name], want, equal_nan=want.dtype.kind == "f"), name
    # the flagship's fast_entry reads days_to_in_force
    trees = dict(stats._question_trees(compile_scenario(pactsim.load(FLAGSHIP))))
    assert _expr.Name("days_to_in_force") in (trees["fast_entry"].left,  # type: ignore[union-attr]
                                              trees["fast_entry"].right)  # type: ignore[union-attr]


def test_dated_fast_paths_give_the_days_of_the_plain_search() -> None:
    """Curve days from the per-bin day table, and milestones through their anchors'
    bits, equal the step search (``_Steps.__call__``) and ``anchor_days``."""
    for sc in (load_dated(), pactsim.load(FLAGSHIP)):
        model = compile_scenario(sc)
        draws = sample_blocks(model, 5, 20_000, range(1))
        bits, days = draws.bits, draws.days
        for index, plan in model.timing.items():
            day = days[plan.slot]
            assert np.array_equal(bits[index], day != NAT)  # the invariant the bits rely on
            if isinstance(plan, CurvePlan):
                tab = plan.tables
                if tab.steps is None or tab.per_draw:
                    continue
                u = np.random.default_rng(index).integers(0, 1 << 32, 20_000, dtype=np.uint32)
                rows = dated._row_index(tab.parents, bits) if tab.parents else None
                k = tab.steps(u, rows)
                want = np.where(k < tab.steps.width, k + tab.as_of, NAT)
                got = np.empty(20_000, dtype=np.int64)
                saved = bits[index].copy()
                dated.sample_curve(plan, _Fixed(u), bits, draws.drivers, got)  # type: ignore[arg-type]
                if not (plan.gates_true or plan.gates_false):
                    assert np.array_equal(got, want)
                bits[index] = saved
            else:
                assert isinstance(plan, MilestonePlan)
                anchors = tuple(model.index[model.dated[a]] for a in plan.anchors)
                ever = np.random.default_rng(index).random(20_000) < 0.7
                out = []
                for anchor_bits in (None, anchors):
                    b, d = bits.copy(), days.copy()
                    b[index] = ever
                    dated.sample_milestone(plan, block_generator(9, index), b, draws.drivers, d,
                                           anchor_bits)
                    out.append((b[index], d[plan.slot]))
                assert np.array_equal(out[0][0], out[1][0])
                assert np.array_equal(out[0][1], out[1][1])


class _Fixed:
    """A stand-in generator whose 32-bit uniforms are given."""

    def __init__(self, u: np.ndarray) -> None:  # type: ignore[type-arg]
        self.bit_generator = self
        self._u = np.ascontiguousarray(u)

    def random_raw(self, size: int) -> np.ndarray:  # type: ignore[type-arg]
        return self._u.view(np.uint64)[:size]


def test_prepared_constants_are_built_once_per_model() -> None:
    model = compile_scenario(load_binary(12))
    assert prepared(model) is prepared(model)


DRIVERS = """\
pactsim: 1
id: brackets
as_of: 2025-01-01
horizon: 2025-12-31
drivers:
  mood: {{dist: normal, mean: 0.5, sd: 2}}
  tide: {{dist: uniform, low: -3, high: 1}}
events:
  e1: {{p: 0.4}}
  e2: {{p: 0.3, odds: {{mood: {lam}}}}}
  e3: {{given: [e1], table: {{true: 1.0, false: 0.0}}, odds: {{mood: 0.5}}}}
  e4:
    given: [e1, e2]
    table: {{true: {{true: 0.9, false: 0.2}}, false: {{true: 1e-9, false: 0.7}}}}
    odds: {{tide: {lam}, e3: 4}}
  e5: {{p: 0.999999, odds: {{tide: 0.05, e1: 0.01}}}}
  e6: {{p: 0.5, odds: {{mood: 2, tide: 2}}}}
  e7: {{p: {{between: [0.2, 0.6]}}, odds: {{mood: {lam}}}}}
  e8:
    given: [e1]
    table: {{true: {{beta: [2, 5]}}, false: 0.3}}
    odds: {{tide: {lam}, e2: 3}}
"""


@pytest.mark.parametrize("lam", [0.001, 0.7, 3, 1e6, 1e-6, 1e300])
def test_driver_brackets_give_the_draws_of_the_per_draw_formula(
        lam: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nodes with one driver's odds are decided from bracket tables where the chance
    is certain to be above or below the uniform, and computed elsewhere: the same
    draws as computing every one (including rows with p = 0 or 1, negative odds,
    uniform drivers and odds too large for the tables)."""
    text = DRIVERS.format(lam=lam)
    n = engine.BRACKETS_FROM  # two blocks, drawn with the brackets
    with_tables = sample_blocks(compile_scenario(pactsim.loads(text)), 4, n, range(2))
    model = compile_scenario(pactsim.loads(text))
    assert any(b is not None for b in engine.brackets_of(model)) or lam >= 1e6
    assert engine.brackets_of(model)[model.index["e7"]] is not None or lam >= 1e6
    flagship = compile_scenario(pactsim.load(FLAGSHIP))
    assert sum(b is not None for b in engine.brackets_of(flagship)) >= 10
    monkeypatch.setattr(engine, "_brackets", lambda plan, model, tables=None: None)
    without = sample_blocks(compile_scenario(pactsim.loads(text)), 4, n, range(2))
    assert np.array_equal(with_tables.bits, without.bits)
    assert np.array_equal(with_tables.drivers, without.drivers)


def test_byte_mux_and_gather_give_the_same_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed-p nodes with at most three table parents select their threshold byte by
    arithmetic in ``uint8`` (``engine._top_of``); gathering it by row index instead
    gives the same draws (the byte-first draw itself: ``test_byte_draws``)."""
    for sc in _scenarios():
        muxed = sample_blocks(compile_scenario(sc), 13, 70_000, range(2))
        with monkeypatch.context() as m:
            m.setattr(engine, "_BYTE_MUX_PARENTS", 0)
            gathered = sample_blocks(compile_scenario(sc), 13, 70_000, range(2))
        assert np.array_equal(muxed.bits, gathered.bits)
        assert np.array_equal(muxed.days, gathered.days)
