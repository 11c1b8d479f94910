"""The fast paths of exact inference give what the plain definitions give, to the last bit.

Issue 16 made a cold ``exact(sc)`` cheaper: min-fill counts fill with bit masks and
picks small graphs' steps by a scan, a plain node's factor skips the folded view,
messages skip the division mask when no entry is zero, every P(true) is read in
one call and a compiled model hashes its digest only when asked. Each test here
compares one of them with the straightforward computation it replaces.
"""

from __future__ import annotations

import itertools
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

import pactsim
from pactsim.inference import factors as fx
from pactsim.inference.compile import compile_scenario, recompile
from pactsim.language.io import from_dict
from pactsim.results.exact import exact

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _generate import binary_scenario  # noqa: E402


def _reference_order(adj: dict[int, set[int]], card: dict[int, int]
                     ) -> tuple[list[int], list[tuple[int, ...]]]:
    """Greedy min-fill by its definition: every key recomputed at every step."""
    g = {v: set(nb) for v, nb in adj.items()}
    order, cliques = [], []
    while g:
        def key(v: int) -> tuple[int, int, int]:
            nb = g[v]
            fill = sum(1 for a, b in itertools.combinations(sorted(nb), 2) if b not in g[a])
            return (fill, int(np.prod([card[v], *(card[u] for u in nb)])), v)

        x = min(g, key=key)
        nb = g.pop(x)
        for a in nb:
            g[a].discard(x)
            g[a] |= nb - {a}
        order.append(x)
        cliques.append((x, *sorted(nb)))
    return order, cliques


@pytest.mark.parametrize("n", [1, 5, 12, 40, 64, 65, 90, 150])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_min_fill_matches_its_definition_with_scan_and_heap(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed + 100 * n)
    adj: dict[int, set[int]] = {v: set() for v in range(n)}
    for v in range(n):  # a few parents among the nodes before: a sparse moral graph
        parents = rng.choice(v, size=min(v, int(rng.integers(0, 4))), replace=False) if v else []
        scope = [v, *map(int, parents)]
        for a in scope:
            adj[a].update(u for u in scope if u != a)
    card = {v: int(rng.integers(2, 5)) for v in range(n)}
    assert fx.elimination_order(adj, card, list(range(n))) == _reference_order(adj, card)


def test_min_fill_scan_and_heap_agree_on_one_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = from_dict(binary_scenario(50))
    net = exact(sc)._net
    scopes = [f.vars for f in net.factors]
    adj = fx.interaction_graph(scopes, range(len(net.card)))
    variables = list(range(len(net.card)))
    monkeypatch.setattr(fx, "_SCAN_LIMIT", 10**9)
    scanned = fx.elimination_order(adj, net.card, variables)
    monkeypatch.setattr(fx, "_SCAN_LIMIT", 0)
    heaped = fx.elimination_order(adj, net.card, variables)
    assert scanned == heaped == _reference_order(adj, net.card)


def _reference_factor(plan, net: fx.Network) -> fx.Factor:  # type: ignore[no-untyped-def]
    """A binary node's factor from its folded table, entry by entry."""
    union = sorted({plan.index, *net.parents[plan.index]})
    table = np.empty([net.card[v] for v in union])
    for states in itertools.product(*(range(net.card[v]) for v in union)):
        value = dict(zip(union, states, strict=True))
        row = sum(value[u] << j for j, u in enumerate(plan.parents))
        q = float(plan.p[row])
        if any(value[g] == 0 for g in plan.gates_true) or \
                any(value[g] == 1 for g in plan.gates_false):
            q = 0.0
        table[states] = q if value[plan.index] else 1.0 - q
    return fx.Factor(tuple(union), table)


@pytest.mark.parametrize("n", [12, 50])
def test_plain_factors_equal_the_folded_tables(n: int) -> None:
    sc = from_dict(binary_scenario(n, seed=3))
    model = compile_scenario(sc)
    net = fx.Network(model, [], 96, 2**24)
    for plan in model.plans:
        got, want = net.factors[plan.index], _reference_factor(plan, net)
        assert got.vars == want.vars
        assert got.table.tobytes() == want.table.tobytes(), plan.name


def test_p_true_is_each_marginal_and_messages_with_zeros_still_divide() -> None:
    # `a` is certain and `b` certain given `a`: the message of a's clique over (b, c)
    # is zero where b is false, and the downward pass must send 0 there, not 0/0
    sc = pactsim.loads(
        "pactsim: 1\nid: z\nas_of: 2024-01-01\nhorizon: 2024-12-31\nevents:\n"
        "  a: {p: 1.0}\n  b: {given: [a], table: {true: 1.0, false: 0.5}}\n"
        "  c: {given: [a], table: {true: 0.3, false: 0.6}}\n"
        "  d: {given: [b, c], table: {true: {true: 0.5, false: 0.9}, "
        "false: {true: 0.2, false: 0.1}}}\n")
    ex = exact(sc)
    tree = ex._tree
    assert any(not m.all() for m in (f.table.sum(axis=0) for f in tree.beliefs.values()
                                     if f.table.ndim == 3))
    nb = ex.model.n_binary
    want = np.array([tree.marginal(v)[1] for v in range(nb)])
    assert tree.p_true(range(nb)).tobytes() == want.tobytes()
    assert ex.prob("b").value == 1.0
    assert ex.prob("d").value == pytest.approx(0.3 * 0.5 + 0.7 * 0.9, abs=1e-15)
    flagship = exact(pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml"))
    t = flagship._tree
    m = flagship.model.n_binary
    assert t.p_true(range(m)).tobytes() == \
        np.array([t.marginal(v)[1] for v in range(m)]).tobytes()


def test_the_digest_is_hashed_when_read_and_pickled() -> None:
    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    model = compile_scenario(sc)
    assert "digest" not in sc.__dict__  # compiling did not hash the scenario
    state = pickle.dumps(model)
    assert model.digest == sc.digest
    back = pickle.loads(state)
    assert back.digest == sc.digest and isinstance(back._digest, str)
    spec = sc.nodes["military"].spec
    again = recompile(sc, model, {"military": spec})
    assert again.digest == sc.digest + "+"


def test_the_cached_order_of_a_joint_law_is_min_fills_order() -> None:
    """``query_order`` (cached by structure) gives the order min-fill gives the same
    graph, for the joint laws exact inference builds on generated networks; a second
    ask of the same structure is answered from the cache, and a structure differing
    only in a cardinality is not."""
    rng = np.random.default_rng(3)
    fx.query_order.cache_clear()
    for _ in range(20):
        n = int(rng.integers(4, 14))
        scopes = tuple(tuple(sorted({v, *rng.choice(v, size=min(v, int(rng.integers(0, 3))),
                                                    replace=False).tolist()}))
                       for v in range(n))
        keep = tuple(range(n))
        cards = tuple(int(c) for c in rng.integers(2, 5, size=n))
        eliminate = tuple(v for v in keep if rng.random() < 0.7)
        want = fx.elimination_order(fx.interaction_graph(scopes, keep),
                                    dict(zip(keep, cards, strict=True)), eliminate)
        assert fx.query_order(scopes, keep, cards, eliminate) == want
        hits = fx.query_order.cache_info().hits
        assert fx.query_order(scopes, keep, cards, eliminate) == want
        assert fx.query_order.cache_info().hits == hits + 1
        other = (cards[0] + 1, *cards[1:])
        assert fx.query_order(scopes, keep, other, eliminate) == fx.elimination_order(
            fx.interaction_graph(scopes, keep), dict(zip(keep, other, strict=True)), eliminate)


def test_a_milestones_day_given_its_roots_day_is_the_shifted_relative_law(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``Dated.leaf_day(by_day=True)`` lays the relative days' law row by row; it is the
    table of its definition, P(D = d | root on day s) = L(d - s) for 1 <= s <= d and
    the rest of each row on day 0, on the flagship's days-between question (the driver's
    nodes times two dates) and a milestone after a curve without inputs."""
    from pactsim.inference import datedfactors as dfx

    seen: list[int] = []
    real = dfx.Dated.leaf_day

    def checked(self: dfx.Dated, slot: int, by_day: bool) -> fx.Factor:
        out = real(self, slot, by_day)
        if by_day:
            L, S = self.rel(slot), self.S
            s, d = np.arange(S)[:, None], np.arange(S)[None, :]
            ok = (d - s >= 0) & (s >= 1) & (d >= 1)
            want = np.where(ok, L.table[..., np.clip(d - s, 0, S - 1)], 0.0)
            want[..., 0] = np.maximum(1.0 - want.sum(axis=-1), 0.0)
            root = self.lay.date_var(self._root_of(slot)[0])
            f = dfx.relabel(dfx.relabel(fx.Factor((*L.vars[:-1], dfx.CAX, dfx.TAX), want),
                                        dfx.CAX, root), dfx.TAX, self.lay.date_var(slot))
            assert out.vars == f.vars
            np.testing.assert_allclose(out.table, f.table, rtol=0, atol=1e-15)
            seen.append(want.ndim)
        return out

    monkeypatch.setattr(dfx.Dated, "leaf_day", checked)
    flagship = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    exact(flagship).prob("in_force.date - signing.date <= 180")
    small = pactsim.loads("pactsim: 2\nid: d\nas_of: 2025-01-01\nhorizon: 2025-03-31\n"
                          "events:\n  a: {by: {2025-02-15: 0.3, 2025-03-31: 0.7}}\n"
                          "  b: {after: a, delay: {median: 10, p90: 30}, p: 0.8}\n")
    exact(small).prob("b.date - a.date <= 12")
    assert 3 in seen and 2 in seen, seen  # with the driver's axis, and without
