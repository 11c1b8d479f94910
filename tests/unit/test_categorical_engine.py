"""The Monte Carlo engine draws a categorical node's outcomes with one uniform (issue 15, item 5).

A categorical node compiles to its present row and stick-breaking outcome rows
(:mod:`pactsim.inference.compile`); the engine sets all the outcome rows of a
node from one 32-bit uniform per draw (:func:`pactsim.inference.engine.outcome_groups`).
Checked here, with fixed seeds: every outcome's probability (unconditional, per
row of binary parents multiplexed and gathered, under a categorical parent,
with driver odds on presence, behind a gate that tests an outcome) against
exact inference within 4 standard errors; likelihood weighting of findings on
outcomes against ``pactsim.exact(sc, evidence=...)``; the draws against a
hand-written one-uniform sampler and the number of uniforms drawn; and that a
scenario without categorical nodes draws exactly what it drew before.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import pactsim
from pactsim.errors import ConditionError
from pactsim.inference import engine
from pactsim.inference.compile import compile_scenario
from pactsim.inference.engine import block_generator, outcome_groups, sample_blocks

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _generate import load_binary  # noqa: E402

Z = 4.0  # standard errors allowed

CAT = """\
pactsim: 3
id: cat-engine
as_of: 2024-01-01
horizon: 2024-12-31
drivers:
  mood: {dist: normal, mean: 0, sd: 1}
events:
  a: {p: 0.3}
  b: {p: 0.6}
  c: {p: 0.45}
  instc:                            # unconditional levels
    levels: {absent: 0.2, generic: 0.45, named: 0.35}
  form:                             # a table over two binary parents (multiplexed)
    levels: [absent, treaty, programme, statement]
    given: [a, b]
    table:
      true:
        true: {absent: 0.1, treaty: 0.5, programme: 0.3, statement: 0.1}
        false: {absent: 0.3, treaty: 0.2, programme: 0.2, statement: 0.3}
      false:
        true: {treaty: 0.7, programme: 0.3}
        false: {absent: 0.5, statement: 0.5}
  wide:                             # three binary parents (gathered), never absent
    levels: [x1, x2, x3]
    given: [a, b, c]
    table:
      true:
        true: {true: {x1: 0.2, x2: 0.3, x3: 0.5}, false: {x1: 0.6, x2: 0.1, x3: 0.3}}
        false: {true: {x1: 0.1, x2: 0.8, x3: 0.1}, false: {x1: 0.3, x2: 0.3, x3: 0.4}}
      false:
        true: {true: {x1: 1.0}, false: {x2: 0.5, x3: 0.5}}
        false: {true: {x1: 0.25, x2: 0.25, x3: 0.5}, false: {x1: 0.4, x2: 0.4, x3: 0.2}}
  pay:                              # a categorical parent of a categorical
    levels: [absent, low, high]
    given: [form]
    table:
      absent: {absent: 0.6, low: 0.3, high: 0.1}
      treaty: {absent: 0.1, low: 0.2, high: 0.7}
      programme: {low: 0.6, high: 0.4}
      statement: {absent: 0.5, low: 0.5}
  signers:                          # odds from a driver (and a binary node) on presence
    levels: {absent: 0.4, heads: 0.25, ministers: 0.35}
    odds: {mood: 2.0, a: 1.5}
  port:                             # gated by an outcome
    levels: {generic: 0.3, named: 0.7}
    requires: ["instc == named"]
  rail:
    given: [pay]
    table: {absent: 0.1, low: 0.5, high: 0.9}
  solo:                             # one outcome besides absent
    levels: {absent: 0.4, yes: 0.6}
"""

N = 200_000


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.loads(CAT)


@pytest.fixture(scope="module")
def ex(sc: pactsim.Scenario) -> Any:
    return pactsim.exact(sc)


@pytest.fixture(scope="module")
def res(sc: pactsim.Scenario) -> pactsim.Results:
    return pactsim.simulate(sc, n=N, seed=3)


def _close(est: Any, exact: float, what: str) -> None:
    se = max(float(est.stderr), 0.5 / N)  # an outcome of probability 0 or 1: no spread
    assert abs(est.value - exact) <= Z * se, \
        f"{what}: Monte Carlo {est.value:.5f} ± {est.stderr:.5f}, exact {exact:.5f}"


def _outcome_tests(sc: pactsim.Scenario) -> Iterator[str]:
    for node, levels in sc.outcomes.items():
        for level in levels:
            yield f"{node} == {level}"


def test_every_categorical_draws_its_outcomes_as_one_group(sc: pactsim.Scenario) -> None:
    model = compile_scenario(sc)
    groups = outcome_groups(model)
    firsts = [g for g in groups.values() if g is not None]
    assert sorted(model.names[g.node] for g in firsts) == sorted(sc.outcomes)
    assert all(p.index == i for i, p in enumerate(model.plans))  # plans run in index order
    for g in firsts:
        assert groups[min(g.rows)] is g and all(groups[r] is None for r in g.rows[1:])
        assert (g.width >= 0).all() and (g.width.sum(axis=0) <= 1 << 32).all()


def test_thresholds_give_each_outcome_its_written_share(sc: pactsim.Scenario) -> None:
    # P(outcome | row, present) = width / 2**32 equals the written p / (1 - p(absent))
    # to 2**-32 per outcome: the law of the stick-breaking rows, which exact reads
    model = compile_scenario(sc)
    groups = {model.names[g.node]: g for g in outcome_groups(model).values() if g is not None}
    instc = groups["instc"].width[:, 0] / 2.0**32
    assert np.abs(instc - [0.45 / 0.8, 0.35 / 0.8]).max() <= 2.0**-32
    form = groups["form"]
    assert [model.names[i] for i in form.given] == ["a", "b"]
    written = {(True, True): [0.5, 0.3, 0.1], (True, False): [0.2, 0.2, 0.3],
               (False, True): [0.7, 0.3, 0.0], (False, False): [0.0, 0.0, 0.5]}
    for (a, b), ps in written.items():
        got = form.width[:, int(a) | int(b) << 1] / 2.0**32
        assert np.abs(got - np.array(ps) / sum(ps)).max() <= 2.0**-32, (a, b)


def test_outcome_rows_exclusive_and_only_when_present(sc: pactsim.Scenario) -> None:
    model = compile_scenario(sc)
    bits = sample_blocks(model, 5, 50_000, range(1)).bits
    for node, levels in sc.outcomes.items():
        rows = bits[[model.index[f"{node}={x}"] for x in levels if x != "absent"]]
        present = bits[model.index[node]]
        # present: exactly one outcome row; absent: none
        assert np.array_equal(rows.sum(axis=0), present.astype(int)), node
    port = bits[model.index["port"]]
    assert not (port & ~bits[model.index["instc=named"]]).any()  # its gate holds


def test_outcomes_match_exact(sc: pactsim.Scenario, ex: Any, res: pactsim.Results) -> None:
    for q in [*_outcome_tests(sc), "rail", "rail and pay == high", "form == treaty and "
              "pay == low", "port == named and signers == heads"]:
        _close(res.prob(q), ex.prob(q).value, q)


def _rows(names: list[str]) -> Iterator[str]:
    for r in range(1 << len(names)):
        yield " and ".join(n if r >> j & 1 else f"not {n}" for j, n in enumerate(names))


@pytest.mark.parametrize(("node", "parents"), [
    ("form", ["a", "b"]),  # two binary parents: multiplexed thresholds
    ("wide", ["a", "b", "c"]),  # three: a gathered row index
])
def test_outcomes_per_row_of_binary_parents(sc: pactsim.Scenario, ex: Any,
                                            res: pactsim.Results, node: str,
                                            parents: list[str]) -> None:
    for row in _rows(parents):
        for level in sc.outcomes[node]:
            q = f"{node} == {level}"
            _close(res.prob(q, given=row), ex.prob(q, given=row).value, f"{q} | {row}")


def test_outcomes_under_a_categorical_parent(sc: pactsim.Scenario, ex: Any,
                                             res: pactsim.Results) -> None:
    for parent in sc.outcomes["form"]:
        for level in sc.outcomes["pay"]:
            q, g = f"pay == {level}", f"form == {parent}"
            _close(res.prob(q, given=g), ex.prob(q, given=g).value, f"{q} | {g}")


def test_driver_odds_move_presence_not_the_split(sc: pactsim.Scenario, ex: Any,
                                                 res: pactsim.Results) -> None:
    for g in ("a", "not a", "mood > 1", "mood < -1"):
        for level in sc.outcomes["signers"]:
            q = f"signers == {level}"
            _close(res.prob(q, given=g), ex.prob(q, given=g).value, f"{q} | {g}")
    # given present, heads : ministers stays 25 : 35 whatever the driver
    _close(res.prob("signers == heads", given="signers and mood > 1"), 25 / 60, "split")


EVIDENCE: list[Any] = [
    "instc == named",
    "instc != named",
    "not instc",
    "instc == absent",
    "in(instc, generic, named)",
    "form == treaty and pay == low",
    "wide != x1 and wide != x3",
    "signers == heads",  # presence with driver odds, clamped present
    "port == generic",  # behind a gate that is a condition
    "pay == high and not rail",
    "not in(form, treaty, programme)",
    "in(pay, absent, high) and in(wide, x2, x3)",
    {"instc": "named", "wide": {"x1", "x3"}},  # the mapping forms
    pactsim.soft("pay == high", 3.0),
    [pactsim.soft("form == statement", 0.25), "wide == x2"],
]
QUESTIONS = ("instc == generic", "form == treaty", "form == absent", "pay == high",
             "wide == x2", "signers == ministers", "port == named", "rail", "a", "mood > 0.5",
             "solo == yes")


def _id(value: Any) -> str:
    """A test id that is the same in every process: sets in sorted order (``str`` of a
    set follows string hashing, which differs between pytest-xdist's workers)."""
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(repr(v) for v in value)) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_id(v)}" for k, v in value.items()) + "}"
    return str(value)


@pytest.mark.parametrize("evidence", EVIDENCE, ids=_id)
def test_findings_on_outcomes_match_exact(sc: pactsim.Scenario, evidence: Any) -> None:
    exg = pactsim.exact(sc, evidence=evidence)
    mc = pactsim.simulate(sc, n=100_000, seed=17, evidence=evidence)
    for q in QUESTIONS:
        _close(mc.prob(q), exg.prob(q).value, f"{q} | {evidence}")


def test_a_finding_on_an_outcome_clamps_its_node_present(sc: pactsim.Scenario) -> None:
    # instc has no parents: clamped present with its chance and its outcome with its
    # share, every draw weighs the same (rejecting the absent draws would keep 35%)
    mc = pactsim.simulate(sc, n=20_000, seed=1, evidence="instc == named")
    assert mc.info.ess == pytest.approx(20_000)
    assert mc.prob("instc == named").value == 1.0


@pytest.mark.parametrize("evidence", ["in(instc, generic, named)", {"instc": {"generic",
                                                                               "named"}}])
def test_a_set_of_outcomes_is_clamped_not_rejected(sc: pactsim.Scenario, evidence: Any) -> None:
    # in(instc, generic, named) is "instc present": every draw weighs P(present)
    mc = pactsim.simulate(sc, n=20_000, seed=1, evidence=evidence)
    assert mc.info.ess == pytest.approx(20_000)
    assert mc.prob("instc").value == 1.0


@pytest.mark.parametrize(("evidence", "why"), [
    ("not instc and instc == named", "of 'instc' and of 'instc == named' cannot all hold"),
    ("not in(instc, absent, generic, named)", "cannot all hold together"),
    ("in(wide, x1) and wide == x2", "of 'wide == x1' and of 'wide == x2' cannot all hold"),
])
def test_impossible_outcome_evidence_is_refused(sc: pactsim.Scenario, evidence: str,
                                                why: str) -> None:
    with pytest.raises(ConditionError, match=why):
        pactsim.simulate(sc, n=1000, seed=1, evidence=evidence)


# -- one uniform per categorical -------------------------------------------------------------
SMALL = """\
pactsim: 3
id: one-uniform
as_of: 2024-01-01
horizon: 2024-12-31
events:
  rain: {p: 0.3}
  form:
    levels: [absent, treaty, programme, statement]
    given: [rain]
    table:
      true: {absent: 0.1, treaty: 0.5, programme: 0.3, statement: 0.1}
      false: {absent: 0.3, treaty: 0.2, programme: 0.2, statement: 0.3}
  wind: {p: 0.6}
"""


def _by_hand(n: int, entropy: int) -> dict[str, np.ndarray]:
    """SMALL drawn by hand: one uniform each for rain, form (present and outcome
    together) and wind, in that order. form is present where ``u < P`` (``P =
    floor(p_present 2**32)`` of the draw's row) and has outcome j where ``u`` falls
    in its slice ``[M[j-1], M[j])`` of ``[0, P)``, ``M[j] = round(P T[j] / 2**32)``
    for the cumulative shares ``T[j] = round(2**32 (s_1 + ... + s_j))`` of the row
    (treaty, programme, statement). Every ``u`` is drawn byte first (one byte per
    draw, then 24 more bits where it ties a threshold's top byte: see
    ``test_byte_draws``, ``test_categorical_bytes`` and ``test_merged_draws``)."""
    rng = block_generator(entropy, 0)
    two32 = 1 << 32
    shares = {True: [0.5, 0.3, 0.1], False: [0.2, 0.2, 0.3]}
    big = {True: int(np.floor(0.9 * two32)), False: int(np.floor(0.7 * two32))}
    cuts = {k: [(big[k] * round(sum(v[:j + 1]) / sum(v) * two32) + (1 << 31)) >> 32
                for j in range(2)] + [big[k]]
            for k, v in shares.items()}  # M[0], M[1] and P: the three boundaries compared

    def form_u(bounds: np.ndarray) -> np.ndarray:
        # form's u: a byte, 24 more bits where the byte ties a boundary's top byte;
        # words: ceil(n / 8) for the bytes, 3 (n // 512 + 128) spare
        nb = (n + 7) // 8
        raw = rng.bit_generator.random_raw(nb + min(3 * (n // 512 + 128), (n + 1) // 2))
        v = raw[:nb].view(np.uint8)[:n].astype(np.int64)
        tie = ((bounds >> 24) == v).any(axis=0)
        u = v << 24
        u[tie] |= raw[nb:].view(np.uint32)[:int(tie.sum())].astype(np.int64) >> 8
        return u

    def below(thr: np.ndarray) -> np.ndarray:  # u < thr, u rebuilt from a byte (+ 24 bits)
        raw = rng.bit_generator.random_raw((n + 7) // 8 + n // 512 + 128)  # bytes, spare
        u8 = raw[:(n + 7) // 8].view(np.uint8)[:n].astype(np.int64)
        tie = u8 == thr.astype(np.int64) >> 24
        u = u8 << 24
        u[tie] |= raw[(n + 7) // 8:].view(np.uint32)[:int(tie.sum())].astype(np.int64) >> 8
        return u < thr

    rain = below(np.full(n, np.floor(0.3 * two32)))
    bounds = np.array([np.where(rain, cuts[True][j], cuts[False][j]) for j in range(3)],
                      dtype=np.int64)
    u = form_u(bounds)
    present = u < bounds[2]
    out: dict[str, np.ndarray] = {"rain": rain, "form": present}
    lo = np.zeros(n, dtype=np.int64)
    for j, level in enumerate(("treaty", "programme", "statement")):
        out[f"form={level}"] = (u >= lo) & (u < bounds[j]) & present
        lo = bounds[j]
    out["wind"] = below(np.full(n, np.floor(0.6 * two32)))
    return out


def test_draws_equal_a_hand_written_one_uniform_sampler() -> None:
    model = compile_scenario(pactsim.loads(SMALL))
    n = 20_001
    bits = sample_blocks(model, 42, n, range(1)).bits
    hand = _by_hand(n, 42)
    assert set(hand) == set(model.names)
    for name, want in hand.items():
        got = bits[model.index[name]]
        # thresholds rounded from sums in another order may differ by one unit in
        # 2**32: no draw of 20,001 lands there
        assert np.array_equal(got, want), name


def test_one_uniform_per_categorical(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = engine._uniform32
    real_bytes = engine._draw_bytes  # a fixed-p node: a byte per draw (24 more bits on ties)
    real_outcomes = engine._draw_outcomes  # a categorical's outcome: the same, byte first

    def counting(rng: np.random.Generator, n: int) -> Any:
        calls.append(n)
        return real(rng, n)

    def counting_bytes(kern: Any, bits: Any, rng: Any, n: int, out: Any, s: Any) -> bool:
        calls.append(n)
        return real_bytes(kern, bits, rng, n, out, s)

    def counting_outcomes(grp: Any, bits: Any, rng: Any, n: int, s: Any, have: bool) -> bool:
        calls.append(n)
        return real_outcomes(grp, bits, rng, n, s, have)

    def counting_merged(grp: Any, plan: Any, bits: Any, rng: Any, n: int, s: Any,
                        have: bool) -> bool:
        calls.append(n)
        return real_merged(grp, plan, bits, rng, n, s, have)

    real_merged = engine._draw_merged  # present and outcome from one byte stream
    monkeypatch.setattr(engine, "_uniform32", counting)
    monkeypatch.setattr(engine, "_draw_bytes", counting_bytes)
    monkeypatch.setattr(engine, "_draw_outcomes", counting_outcomes)
    monkeypatch.setattr(engine, "_draw_merged", counting_merged)
    model = compile_scenario(pactsim.loads(CAT))
    sample_blocks(model, 1, 1000, range(1))
    binary_nodes = sum(1 for k in model.kinds if k not in ("outcome", "condition"))
    merged = len(engine.merged_groups(model))
    assert merged >= 1
    # merged nodes: one draw for present and outcome; others: present, then outcome
    assert len(calls) == binary_nodes + len(model.outcomes) - merged
    monkeypatch.setattr(engine, "MERGED", False)  # present row, then outcome rows
    model = compile_scenario(pactsim.loads(CAT))
    calls.clear()
    sample_blocks(model, 1, 1000, range(1))
    assert len(calls) == binary_nodes + len(model.outcomes)  # 11 + 7, not 11 + 15 rows
    monkeypatch.setattr(engine, "ONE_UNIFORM", False)  # row by row: one per outcome row
    model = compile_scenario(pactsim.loads(CAT))
    calls.clear()
    sample_blocks(model, 1, 1000, range(1))
    assert len(calls) == binary_nodes + sum(k == "outcome" for k in model.kinds)


def test_row_by_row_path_has_the_same_law(monkeypatch: pytest.MonkeyPatch,
                                          sc: pactsim.Scenario, ex: Any) -> None:
    monkeypatch.setattr(engine, "ONE_UNIFORM", False)
    res = pactsim.simulate(pactsim.loads(CAT), n=N, seed=8)
    for q in _outcome_tests(sc):
        _close(res.prob(q), ex.prob(q).value, q)


@pytest.mark.parametrize(("nodes", "digest"), [(12, "50b736fae609ff7dc507"),
                                               (50, "4ebd9b06bdd74e2a561d")])
def test_binary_scenarios_draw_what_they_drew_before(nodes: int, digest: str) -> None:
    # digests of the draws of binary scenarios: the same with or without categorical
    # support (commit c45cc58); since dfef362 fixed-p nodes draw a byte first (the same
    # law, other draws for a seed). A change here changes every seed's draws: say so in
    # the engine's docstring.
    model = compile_scenario(load_binary(nodes))
    assert outcome_groups(model) == {}
    bits = sample_blocks(model, 5, 3000, range(1)).bits
    assert hashlib.sha256(bits.tobytes()).hexdigest()[:20] == digest


INTERLEAVED = """\
pactsim: 3
id: interleaved
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.3}
  b: {p: 0.6}
  c: {p: 0.45}
  y:                                # drawn between x's present row and its outcomes
    given: [c, b, a]
    table:
      true: {true: {true: 0.9, false: 0.2}, false: {true: 0.4, false: 0.7}}
      false: {true: {true: 0.1, false: 0.8}, false: {true: 0.6, false: 0.3}}
    requires: [x]
  x:
    levels: [absent, u, v, w]
    given: [a, b, c]
    table:
      true:
        true: {true: {absent: 0.1, u: 0.2, v: 0.3, w: 0.4}, false: {u: 0.5, v: 0.5}}
        false: {true: {absent: 0.6, w: 0.4}, false: {absent: 0.2, u: 0.2, v: 0.2, w: 0.4}}
      false:
        true: {true: {u: 1.0}, false: {absent: 0.3, u: 0.1, v: 0.3, w: 0.3}}
        false: {true: {absent: 0.5, v: 0.25, w: 0.25}, false: {absent: 1.0}}
"""


def test_outcomes_right_when_another_node_is_drawn_in_between() -> None:
    sc = pactsim.loads(INTERLEAVED)
    model = compile_scenario(sc)
    order = list(model.names)
    assert order.index("x") < order.index("y") < order.index("x=u")  # y in between
    ex = pactsim.exact(sc)
    res = pactsim.simulate(sc, n=N, seed=4)
    for row in _rows(["a", "b", "c"]):
        for level in sc.outcomes["x"]:
            q = f"x == {level}"
            _close(res.prob(q, given=row), ex.prob(q, given=row).value, f"{q} | {row}")
    _close(res.prob("y"), ex.prob("y").value, "y")


def test_same_draws_whatever_the_chunks_and_workers(sc: pactsim.Scenario,
                                                    res: pactsim.Results) -> None:
    other = pactsim.simulate(sc, n=N, seed=3, chunk_size=1 << 16, workers=2)
    a, b = res.marginals(), other.marginals()
    assert a.equals(b)
    assert res.prob("pay == high and form == treaty").value == \
        other.prob("pay == high and form == treaty").value
