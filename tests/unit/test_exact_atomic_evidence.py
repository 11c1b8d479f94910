"""Exact inference under many atomic findings (``exact(sc, evidence=...)``).

A finding that is one binary node's name or ``not`` it is *atomic*: exact
inference enters it as a likelihood vector on the node's factor and
recalibrates the junction tree, instead of putting its node into every joint
law. Sixty of them on sixty nodes used to need a table over sixty variables
(``ModelTooWideError``); now they cost one calibration.

The references share no code with the engine:

* a brute-force enumeration of every configuration of a small network (at
  most 16 binary variables), written here from the same description the
  scenario file is generated from (tables, odds, gates, the signing curve);
* independent blocks of such networks, each enumerated on its own, for a
  network too wide to enumerate whole;
* Monte Carlo (``pactsim.simulate(..., evidence=...)``, likelihood weighting)
  within 5 standard errors, with a seed, for a connected wide network;
* closed forms (independent roots under extreme likelihood ratios);
* the general path of the same findings, spelled ``(x or x)`` so that they are
  not atomic, which is the conditioning as it was before atomic findings.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

import pactsim
import pactsim.results.exact as exact_mod
from pactsim.errors import ConditionError, ModelTooWideError
from pactsim.language.evidence import Finding, soft
from pactsim.results.exact_evidence import ConditionedExactResults

BoolArray = np.ndarray


# -- a small network described once: the scenario file and the enumeration ----------


@dataclass
class Node:
    """A binary node as a scenario file writes it (``kind``: event, pillar, clause)."""

    name: str
    p: float | None = None
    given: tuple[str, ...] = ()
    table: dict[tuple[bool, ...], float] = field(default_factory=dict)
    odds: dict[str, float] = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    kind: str = "event"
    pillar: str | None = None  # a clause's pillar

    def spec(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.p is not None:
            out["p"] = self.p
        else:
            out["given"] = list(self.given)

            def nest(prefix: tuple[bool, ...]) -> Any:
                if len(prefix) == len(self.given):
                    return self.table[prefix]
                return {"true": nest((*prefix, True)), "false": nest((*prefix, False))}

            out["table"] = nest(())
        if self.odds:
            out["odds"] = dict(self.odds)
        if self.requires:
            out["requires"] = list(self.requires)
        if self.excludes:
            out["excludes"] = list(self.excludes)
        return out


SIGNING_BY = {"2024-06-30": 0.3, "2024-12-31": 0.6}  # F(Jun 30) / c = 1/2


def scenario(nodes: Sequence[Node], *, signing: bool = False,
             questions: dict[str, str] | None = None, sid: str = "atomic") -> pactsim.Scenario:
    data: dict[str, Any] = {"pactsim": 1, "id": sid, "as_of": "2024-01-01",
                            "horizon": "2024-12-31"}
    if signing:
        data["signing"] = {"by": dict(SIGNING_BY)}
    data["events"] = {n.name: n.spec() for n in nodes if n.kind == "event"}
    pillars = {}
    for n in nodes:
        if n.kind == "pillar":
            clauses = {c.name: c.spec() for c in nodes if c.pillar == n.name}
            pillars[n.name] = {**n.spec(), **({"clauses": clauses} if clauses else {})}
    if pillars:
        data["pillars"] = pillars
    if questions:
        data["questions"] = questions
    # JSON is YAML; the tables' keys must be YAML's true and false, not strings
    text = json.dumps(data).replace('"true":', "true:").replace('"false":', "false:")
    return pactsim.loads(text)


class Enumeration:
    """Every configuration of the binary nodes (and ``signing``) with its probability,
    straight from the node descriptions: P(x) = prod_i P(x_i | parents)."""

    def __init__(self, nodes: Sequence[Node], *, signing: bool = False) -> None:
        self.names = (["signing"] if signing else []) + [n.name for n in nodes]
        k = len(self.names)
        assert k <= 16
        self.col = {name: j for j, name in enumerate(self.names)}
        self.x = ((np.arange(1 << k)[:, None] >> np.arange(k)) & 1).astype(bool)
        prob = np.ones(1 << k)
        if signing:
            c = max(SIGNING_BY.values())
            prob *= np.where(self["signing"], c, 1 - c)
        for n in nodes:
            p = self._p_true(n)
            prob *= np.where(self[n.name], p, 1 - p)
        self.prob = prob

    def __getitem__(self, name: str) -> BoolArray:
        return self.x[:, self.col[name]]

    def _p_true(self, n: Node) -> np.ndarray:
        size = self.x.shape[0]
        if n.p is not None:
            p = np.full(size, n.p)
        else:
            p = np.zeros(size)
            for row, value in n.table.items():
                hit = np.ones(size, dtype=bool)
                for parent, state in zip(n.given, row, strict=True):
                    hit &= self[parent] == state
                p[hit] = value
        for parent, f in n.odds.items():  # odds x f when the parent is true
            p = np.where(self[parent], p * f / (1 - p + p * f), p)
        gates = list(n.requires)
        if n.kind == "pillar":
            gates.append("signing")
        if n.kind == "clause" and n.pillar is not None:
            gates.append(n.pillar)
        for g in gates:
            p = np.where(self[g], p, 0.0)
        for g in n.excludes:
            p = np.where(self[g], 0.0, p)
        return p


@dataclass
class Evidence:
    """A finding for both sides: its text for pactsim and, for the enumeration, the
    probability that it holds in each configuration (0/1 for a binary expression)."""

    text: str
    ratio: float | None
    holds: Callable[[Enumeration], np.ndarray]

    def finding(self, *, general: bool = False) -> Finding:
        text = f"({self.text}) or ({self.text})" if general else self.text
        return Finding(text, self.ratio)


def atomic(name: str, state: bool, ratio: float | None) -> Evidence:
    return Evidence(name if state else f"not {name}", ratio,
                    lambda en: (en[name] == state).astype(np.float64))


def oracle(en: Enumeration, evidence: Sequence[Evidence]) -> tuple[np.ndarray, float, float]:
    """(the law of the configurations given the evidence, P(hard findings), log of
    sum_x P(x) w(x)) by enumeration."""
    w = np.ones_like(en.prob)
    hard = np.ones_like(en.prob)
    for e in evidence:
        q = e.holds(en)
        if e.ratio is None:
            w *= q
            hard *= q
        else:
            w *= e.ratio * q + (1 - q)
    z = float(en.prob @ w)
    return en.prob * w / z, float(en.prob @ hard), math.log(z)


# -- the small network -------------------------------------------------------------------

T, F = True, False
SMALL = [
    Node("e0", p=0.35),
    Node("e1", given=("e0",), table={(T,): 0.75, (F,): 0.2}),
    Node("e2", given=("e0", "e1"), table={(T, T): 0.9, (T, F): 0.45, (F, T): 0.3,
                                          (F, F): 0.1}),
    Node("e3", p=0.4, odds={"e2": 3.0}),
    Node("e4", given=("signing",), table={(T,): 0.65, (F,): 0.25}, odds={"e1": 0.5}),
    Node("e5", p=0.7, requires=("e3",)),
    Node("e6", given=("e4", "e5"), table={(T, T): 0.2, (T, F): 0.6, (F, T): 0.85,
                                          (F, F): 0.3}),
    Node("e7", p=0.5, excludes=("e6",), odds={"e0": 2.0}),
    Node("e8", given=("e7",), table={(T,): 0.15, (F,): 0.55}),
    Node("e9", given=("e8", "e2"), table={(T, T): 0.95, (T, F): 0.5, (F, T): 0.4,
                                          (F, F): 0.05}),
    Node("pa", p=0.8, kind="pillar"),
    Node("ca", given=("e2",), table={(T,): 0.7, (F,): 0.3}, kind="clause", pillar="pa"),
    Node("pb", given=("e4",), table={(T,): 0.6, (F,): 0.35}, kind="pillar"),
    Node("cb", p=0.5, odds={"e9": 4.0}, kind="clause", pillar="pb"),
]
BINARY = [n.name for n in SMALL]
COUNT9 = "at_least(3, e0, e1, e2, e3, e4, e5, e6, e7, e8)"  # a chain of counts (>= 8 nodes)
QUESTIONS = {"arms": "e3 and not e7", "count9": COUNT9, "pair": "e5 or cb"}


def _query(en: Enumeration, name: str) -> np.ndarray:
    """The questions and test expressions, on the enumeration's side."""
    if name == "arms":
        return en["e3"] & ~en["e7"]
    if name == "count9":
        return sum(en[f"e{i}"].astype(int) for i in range(9)) >= 3
    if name == "pair":
        return en["e5"] | en["cb"]
    if name == "e0 and e9 and not ca":
        return en["e0"] & en["e9"] & ~en["ca"]
    return en[name]


EXPRESSIONS = ["e0 and e9 and not ca", "arms", "count9", COUNT9, "pair"]


def _small() -> tuple[pactsim.Scenario, Enumeration]:
    return (scenario(SMALL, signing=True, questions=QUESTIONS),
            Enumeration(SMALL, signing=True))


def _many_atomic(en: Enumeration, n: int, seed: int, names: Sequence[str],
                 hard_share: float = 0.2) -> list[Evidence]:
    """``n`` atomic findings on ``names`` (repeats allowed): hard ones agree with one
    possible configuration, soft ones point either way with ratios from 0.2 to 5."""
    rng = np.random.default_rng(seed)
    world = en.x[rng.choice(len(en.prob), p=en.prob)]
    out = []
    for _ in range(n):
        name = str(rng.choice(list(names)))
        if rng.random() < hard_share:
            out.append(atomic(name, bool(world[en.col[name]]), None))
        else:
            out.append(atomic(name, bool(rng.random() < 0.5),
                              float(np.exp(rng.uniform(-1.6, 1.6)))))
    return out


def _check_against(ex: Any, en: Enumeration, evidence: Sequence[Evidence],
                   *, rel: float = 1e-10) -> None:
    law, p_hard, log_z = oracle(en, evidence)
    assert ex.p_evidence == pytest.approx(p_hard if any(e.ratio is None for e in evidence)
                                          else 1.0, rel=rel)
    assert ex.log_evidence == pytest.approx(log_z, rel=rel, abs=1e-12)
    m = ex.marginals()
    signed = float(law @ en["signing"])
    for name in en.names:
        want = float(law @ en[name])
        assert m.loc[name, "p"] == pytest.approx(want, rel=rel, abs=1e-13), name
        if name in ("pa", "ca", "pb", "cb") and signed > 0:
            assert m.loc[name, "p_given_signed"] == pytest.approx(want / signed, rel=rel), name
    for expr in EXPRESSIONS:
        key = "count9" if expr == COUNT9 else expr
        want = float(law @ _query(en, key))
        assert ex.prob(expr).value == pytest.approx(want, rel=rel, abs=1e-13), expr
    q = ex.questions()
    for name in QUESTIONS:
        assert q.loc[name, "p"] == pytest.approx(float(law @ _query(en, name)), rel=rel,
                                                 abs=1e-13), name
    # a conditional on top of the evidence (on e1 or not e1, whichever is possible)
    cond = en["e1"] if float(law @ en["e1"]) > 0 else ~en["e1"]
    given = "e1" if float(law @ en["e1"]) > 0 else "not e1"
    both = float(law @ (en["e9"] & cond))
    assert ex.prob("e9", given=given).value == pytest.approx(both / float(law @ cond),
                                                             rel=rel)
    # the bundle table of the pillars and clauses
    b = ex.bundles(top=None)
    got = {frozenset(items): p for items, p in zip(b["items"], b["p"], strict=True)}
    content = ["pa", "ca", "pb", "cb"]
    want_b: dict[frozenset[str], float] = {}
    for row in range(16):
        mask = np.ones(len(law), dtype=bool)
        for j, c in enumerate(content):
            mask &= en[c] == bool(row >> j & 1)
        mass = float(law[mask].sum())
        if mass > 0:
            want_b[frozenset(c for j, c in enumerate(content) if row >> j & 1)] = mass
    assert got == pytest.approx(want_b, rel=rel, abs=1e-13)


# -- (1) many atomic findings: the small network against enumeration ---------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sixty_four_atomic_findings_match_enumeration(seed: int) -> None:
    """64 atomic findings (hard and soft, repeated nodes, ``not``) on a 15-variable
    network whose junction tree fits in 4,096 entries: the general path needs the
    joint law of the findings' 14 nodes (16,384 entries) and is refused; the atomic
    path answers every marginal, question, count, conditional, bundle,
    ``p_evidence`` and ``log_evidence`` as the enumeration does."""
    sc, en = _small()
    evidence = _many_atomic(en, 64, seed, BINARY)
    assert len({e.text.removeprefix("not ") for e in evidence}) == len(BINARY)
    with pytest.raises(ModelTooWideError, match="conditioning on the evidence"):
        pactsim.exact(sc, max_table=4096,
                      evidence=[e.finding(general=True) for e in evidence])
    ex = pactsim.exact(sc, max_table=4096, evidence=[e.finding() for e in evidence])
    assert isinstance(ex, ConditionedExactResults)
    _check_against(ex, en, evidence)
    # the signing curve given the evidence: P(signed | E) F(d) / c
    law, _, _ = oracle(en, evidence)
    signed = float(law @ en["signing"])
    cdf = ex.signing_cdf(["2024-03-31", "2024-06-30", "2024-12-31"])["p"]
    f_mar31 = 0.3 * 90 / 181  # linear from 0 on Jan 1 to 0.3 on Jun 30 (day 181)
    assert cdf.tolist() == pytest.approx([signed * f_mar31 / 0.6, signed * 0.5, signed],
                                         rel=1e-10)
    assert f"given {evidence[0].text!r}" in repr(ex)
    assert repr(ex).endswith(f"(P = {ex.p_evidence:.3g})>")


def test_soft_findings_only_and_hard_findings_only() -> None:
    """Only soft findings: p_evidence is 1; only hard ones: P(all of them)."""
    sc, en = _small()
    for share in (0.0, 1.0):
        evidence = _many_atomic(en, 60, 7, BINARY, hard_share=share)
        ex = pactsim.exact(sc, evidence=[e.finding() for e in evidence])
        _check_against(ex, en, evidence)


# -- (1) a wide network: independent blocks, and Monte Carlo -------------------------------


def _block(prefix: str) -> list[Node]:
    """SMALL's events renamed (no signing, no content): one of several independent blocks."""
    out = []
    for n in SMALL:
        if n.kind != "event":
            continue
        ren = {p: f"{prefix}{p}" for p in (*n.given, *n.odds, *n.requires, *n.excludes)}
        given = tuple(ren[g] for g in n.given if g != "signing")
        table = n.table
        if "signing" in n.given:  # signed rows only (no signing here)
            table = {(): n.table[(True,)]}
            given = ()
        out.append(Node(f"{prefix}{n.name}", p=n.p if n.p is not None else None,
                        given=given, table=table if n.p is None else {},
                        odds={ren[k]: v for k, v in n.odds.items()},
                        requires=tuple(ren[r] for r in n.requires),
                        excludes=tuple(ren[r] for r in n.excludes)))
    for n in out:  # a table without parents is a plain p
        if n.p is None and not n.given:
            n.p, n.table = n.table[()], {}
    return out


def test_independent_blocks_too_wide_for_the_general_path() -> None:
    """Seven independent blocks of ten events (70 nodes), 70 atomic findings: the
    general path needs the joint law of about 60 nodes and is refused; the atomic
    path matches the blocks' enumerations (log_evidence adds over blocks, a joint
    law over two blocks is their product)."""
    blocks = [_block(f"b{k}_") for k in range(7)]
    sc = scenario([n for b in blocks for n in b], sid="blocks")
    ens = [Enumeration(b) for b in blocks]
    evidence = [_many_atomic(en, 10, 100 + k, en.names) for k, en in enumerate(ens)]
    flat = [e for ev in evidence for e in ev]
    with pytest.raises(ModelTooWideError, match="conditioning on the evidence"):
        pactsim.exact(sc, evidence=[e.finding(general=True) for e in flat])
    ex = pactsim.exact(sc, evidence=[e.finding() for e in flat])
    laws = [oracle(en, ev) for en, ev in zip(ens, evidence, strict=True)]
    assert ex.log_evidence == pytest.approx(sum(lz for _, _, lz in laws), rel=1e-10)
    assert ex.p_evidence == pytest.approx(math.prod(ph for _, ph, _ in laws), rel=1e-10)
    m = ex.marginals()["p"]
    for en, (law, _, _) in zip(ens, laws, strict=True):
        for name in en.names:
            assert m[name] == pytest.approx(float(law @ en[name]), rel=1e-10, abs=1e-13)
    # one expression over two blocks: variable elimination part by part
    a = float(laws[0][0] @ (ens[0]["b0_e9"] & ~ens[0]["b0_e3"]))
    b = float(laws[5][0] @ ens[5]["b5_e6"])
    assert ex.prob("b0_e9 and not b0_e3 and b5_e6").value == pytest.approx(a * b, rel=1e-10)


def _chain(n: int) -> list[Node]:
    """A connected network of ``n`` events: each reads the one before (table) and the
    one five before (odds); every seventh is excluded by the one three before."""
    out = [Node("x0", p=0.4)]
    for k in range(1, n):
        lo, hi = 0.15 + 0.5 * ((k * 7) % 10) / 10, 0.35 + 0.6 * ((k * 3) % 10) / 10
        node = Node(f"x{k}", given=(f"x{k - 1}",), table={(T,): hi, (F,): lo})
        if k >= 5:
            node.odds = {f"x{k - 5}": 2.5 if k % 2 else 0.4}
        if k % 7 == 0 and k >= 3:
            node.excludes = (f"x{k - 3}",)
        out.append(node)
    return out


def test_a_wide_connected_network_agrees_with_monte_carlo() -> None:
    """80 chained events, 64 atomic findings on 60 of them (12 hard, the rest soft with
    ratios from 0.5 to 2): the general path is refused; the atomic path agrees with
    likelihood-weighted Monte Carlo within 5 standard errors on every marginal and on
    expressions spanning the chain."""
    nodes = _chain(80)
    sc = scenario(nodes, sid="chain")
    rng = np.random.default_rng(5)
    names = [f"x{k}" for k in rng.choice(80, size=60, replace=False)]
    prior = pactsim.exact(sc)
    findings = []
    for j, name in enumerate([*names, *names[:4]]):
        if j < 12:  # hard: the likelier state, so that weighting keeps a usable sample
            findings.append(Finding(name if prior.prob(name).value >= 0.5 else f"not {name}"))
        else:
            r = float(np.exp(rng.uniform(-0.7, 0.7)))
            findings.append(Finding(name if rng.random() < 0.5 else f"not {name}", r))
    with pytest.raises(ModelTooWideError):
        pactsim.exact(sc, evidence=[Finding(f"({f.expr}) or ({f.expr})", f.likelihood_ratio)
                                    for f in findings])
    ex = pactsim.exact(sc, evidence=findings)
    mc = pactsim.simulate(sc, n=200_000, seed=20241201, evidence=findings)
    checks = [f"x{k}" for k in range(0, 80, 4)] + [
        "x3 and x77", "at_least(3, x10, x20, x30, x40, x50, x60)", "x41 or not x42"]
    bad = []
    for expr in checks:
        want = ex.prob(expr).value
        est = mc.prob(expr)
        if not abs(est.value - want) <= 5 * est.stderr + 1e-12:
            bad.append(f"{expr}: exact {want:.5f}, MC {est.value:.5f} +- {est.stderr:.5f}")
    assert not bad, "\n".join(bad)
    assert 0 < ex.p_evidence < 1


# -- (2) atomic and general findings together ------------------------------------------------


def _date_finding(ratio: float | None) -> Evidence:
    """``signing.date <= 2024-06-30``: given signed it holds with probability 1/2."""
    return Evidence("signing.date <= 2024-06-30", ratio,
                    lambda en: np.where(en["signing"], 0.5, 0.0))


GENERAL = [
    Evidence("e3 or e7", None, lambda en: (en["e3"] | en["e7"]).astype(float)),
    Evidence("at_least(2, e1, e4, e6)", 3.0,
             lambda en: ((en["e1"].astype(int) + en["e4"] + en["e6"]) >= 2).astype(float)),
    Evidence("signing", 0.5, lambda en: en["signing"].astype(float)),  # dated: general
]


@pytest.mark.parametrize("date_ratio", [None, 2.5])
def test_atomic_and_general_findings_together(date_ratio: float | None) -> None:
    """24 atomic findings with general ones (an ``or``, a soft count, a soft finding
    on the dated ``signing``, a hard or soft finding on the signing date): the
    enumeration's answers, and the general path's for the same findings."""
    sc, en = _small()
    evidence = [*_many_atomic(en, 24, 11, BINARY), *GENERAL, _date_finding(date_ratio)]
    ex = pactsim.exact(sc, evidence=[e.finding() for e in evidence])
    assert isinstance(ex, ConditionedExactResults)
    _check_against(ex, en, evidence)
    general = pactsim.exact(sc, evidence=[e.finding(general=True) for e in evidence])
    assert ex.log_evidence == pytest.approx(general.log_evidence, rel=1e-12)
    assert ex.p_evidence == pytest.approx(general.p_evidence, rel=1e-12)
    np.testing.assert_allclose(ex.marginals()["p"], general.marginals()["p"], rtol=1e-10,
                               atol=1e-13)
    np.testing.assert_allclose(ex.signing_cdf()["p"], general.signing_cdf()["p"],
                               rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(ex.questions()["p"], general.questions()["p"], rtol=1e-10,
                               atol=1e-13)


def test_the_flagship_answers_as_the_general_path() -> None:
    """The flagship (drivers, uncertain p, categorical outcomes, dated milestones):
    atomic findings, an outcome (``instc == named``) among them, with a dated one,
    give the general path's marginals, questions, curves, numeric laws (the driver's
    too) and evidence to 1e-10 (the general path refuses some; those are skipped)."""
    sc = pactsim.load(exact_mod.__file__.rsplit("/src/", 1)[0]
                      + "/scenarios/iran-russia-2024.yaml")
    evidence = [Finding("military"), Finding("su35_sale", 3.0),
                Finding("not mutual_defence"), Finding("instc == named", 2.0),
                Finding("not signing.date <= 2024-12-01")]
    ex = pactsim.exact(sc, evidence=evidence)
    general = pactsim.exact(sc, evidence=[Finding(f"({f.expr}) or ({f.expr})",
                                                  f.likelihood_ratio) for f in evidence])
    assert ex.p_evidence == pytest.approx(general.p_evidence, rel=1e-12)
    assert ex.log_evidence == pytest.approx(general.log_evidence, rel=1e-12)
    assert ex.quadrature_error == pytest.approx(general.quadrature_error, rel=1e-9)
    np.testing.assert_allclose(ex.marginals()["p"], general.marginals()["p"], rtol=1e-10,
                               atol=1e-14)
    for node in ("signing", "ratified_ir"):
        try:
            want = general.date_cdf(node)["p"]
        except ModelTooWideError:
            continue
        np.testing.assert_allclose(ex.date_cdf(node)["p"], want, rtol=1e-10, atol=1e-14)
    for name in ("alignment", "n_pillars"):
        a, b = ex.numeric(name), general.numeric(name)
        assert (a.mean, a.sd) == pytest.approx((b.mean, b.sd), rel=1e-9)
        assert list(a.quantiles.values()) == pytest.approx(list(b.quantiles.values()),
                                                           rel=1e-6)
    for q in ("arms_package", "defence_pact", "instc_named"):
        assert ex.prob(q).value == pytest.approx(general.prob(q).value, rel=1e-10), q


DATED_COUNT = "at_least(2, shock, crisis, ratify_b, signing, crisis, shock, signing, ratify_b)"


@pytest.mark.parametrize("spec", [[("early_bonus", 3.0), ("not shock", None)],
                                  [("not early_bonus", None), ("shock", 0.5)],
                                  [("early_bonus", None)]], ids=str)
def test_atomic_findings_in_a_dated_model(spec: list[tuple[str, float | None]]) -> None:
    """analytic-dated (format 2): ``early_bonus`` reads a condition on the signing
    date, ``shock`` times ``crisis`` and ``signing``. Atomic findings on them give
    the general path's date curves, marginals, questions and evidence; a count over
    eight nodes (a chain of counts) is P(count and E) / P(E) of the prior."""
    sc = pactsim.load(exact_mod.__file__.rsplit("/src/", 1)[0]
                      + "/scenarios/analytic-dated.yaml")
    ex = pactsim.exact(sc, evidence=[Finding(e, r) for e, r in spec])
    general = pactsim.exact(sc, evidence=[Finding(f"({e}) or ({e})", r) for e, r in spec])
    assert ex.log_evidence == pytest.approx(general.log_evidence, rel=1e-12)
    assert ex.p_evidence == pytest.approx(general.p_evidence, rel=1e-12)
    np.testing.assert_allclose(ex.marginals()["p"], general.marginals()["p"], rtol=1e-10,
                               atol=1e-14)
    np.testing.assert_allclose(ex.questions()["p"], general.questions()["p"], rtol=1e-10,
                               atol=1e-14)
    for node in ex.dated():
        np.testing.assert_allclose(ex.date_cdf(node)["p"], general.date_cdf(node)["p"],
                                   rtol=1e-10, atol=1e-14, err_msg=node)
    if all(r is None for _, r in spec):
        given = " and ".join(f"({e})" for e, _ in spec)
        want = pactsim.exact(sc).prob(DATED_COUNT, given=given).value
        assert ex.prob(DATED_COUNT).value == pytest.approx(want, rel=1e-10)


# -- (3) the evidence's probability and log likelihood ------------------------------------------


def test_extreme_ratios_on_many_nodes_are_the_closed_form() -> None:
    """1,000 findings with ratios 1e300 and 1e-300 on 40 independent roots: the
    posterior log odds of each is logit p plus its findings' log ratios, and
    log_evidence is the sum of each root's log(p e^{L1} + (1 - p) e^{L0})."""
    rng = np.random.default_rng(3)
    ps = rng.uniform(0.05, 0.95, size=40)
    nodes = [Node(f"r{k}", p=round(float(p), 3)) for k, p in enumerate(ps)]
    sc = scenario(nodes, sid="roots")
    logs = np.zeros((40, 2))
    findings = []
    for j in range(1000):
        k = int(rng.integers(40)) if j >= 80 else j % 40  # each root at least twice
        state = bool(rng.random() < 0.5)
        ratio = 1e300 if rng.random() < 0.5 else 1e-300
        findings.append(soft(f"r{k}" if state else f"not r{k}", ratio))
        logs[k, int(state)] += math.log(ratio)
    ex = pactsim.exact(sc, evidence=findings)
    want_log = 0.0
    m = ex.marginals()["p"]
    for k, n in enumerate(nodes):
        assert n.p is not None
        l1, l0 = math.log(n.p) + logs[k, 1], math.log(1 - n.p) + logs[k, 0]
        want_log += float(np.logaddexp(l1, l0))
        assert m[n.name] == pytest.approx(1 / (1 + math.exp(min(l0 - l1, 700))), rel=1e-12,
                                          abs=1e-300)
    assert ex.log_evidence == pytest.approx(want_log, rel=1e-13)
    assert ex.p_evidence == 1.0
    assert m.between(0, 1).all()


def test_log_evidence_feeds_spread_weights_as_before() -> None:
    """log_evidence of atomic findings equals the general path's on a variant too (what
    pactsim.spread weighs variants by), and a variant after its base equals a cold start."""
    sc, en = _small()
    evidence = [e.finding() for e in _many_atomic(en, 30, 21, BINARY)]
    variant = sc.with_changes({"e3.p": 0.25})
    exact_mod._forget_structures()
    cold = pactsim.exact(variant, evidence=evidence)
    pactsim.exact(sc, evidence=evidence)  # the base's structure is cached now
    warm = pactsim.exact(variant, evidence=evidence)
    assert warm.log_evidence == cold.log_evidence
    np.testing.assert_array_equal(warm.marginals()["p"], cold.marginals()["p"])
    general = pactsim.exact(variant, evidence=[Finding(f"({f.expr}) or ({f.expr})",
                                                       f.likelihood_ratio) for f in evidence])
    assert warm.log_evidence == pytest.approx(general.log_evidence, rel=1e-12)


# -- (4) impossible evidence ---------------------------------------------------------------

ERRORS = """pactsim: 1
id: errors
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.5}
  b: {p: 0.5, requires: [a]}
  never: {p: 0.0}
  sure: {p: 1.0}
  tiny1: {p: 1.0e-150}
  tiny2: {p: 1.0e-150}
"""


def test_impossible_atomic_evidence_is_refused_as_before() -> None:
    sc = pactsim.loads(ERRORS)
    with pytest.raises(ConditionError, match=r"the evidence 'never' is impossible in this "
                                             r"scenario \(probability 0\)"):
        pactsim.exact(sc, evidence=["a", soft("b", 2), "never"])
    with pytest.raises(ConditionError, match=r"'never', 'not sure' are each impossible"):
        pactsim.exact(sc, evidence=["never", "not a", "not sure"])
    with pytest.raises(ConditionError, match="cannot all hold together") as err:
        pactsim.exact(sc, evidence=["b", "not a", soft("tiny1", 3)])
    assert "'b', 'not a'" in str(err.value)
    with pytest.raises(ConditionError, match="cannot all hold together"):
        pactsim.exact(sc, evidence=["a", "not a"])
    # an atomic finding and a general one, impossible together
    with pytest.raises(ConditionError, match="cannot all hold together") as err:
        pactsim.exact(sc, evidence=["not a", "b or never"])
    assert "'not a', 'b or never'" in str(err.value)
    # possible, but too unlikely to divide by: named, with its probability
    with pytest.raises(ConditionError, match=r"'tiny1', 'tiny2' has probability 1e-300, "
                                             r"below 1e-280.*too small to divide by"):
        pactsim.exact(sc, evidence=["tiny1", "tiny2"])
    assert pactsim.exact(sc, evidence=["tiny1", "a"]).prob("b").value == pytest.approx(0.5)
    # the same errors as the general path gives for the same findings
    for ev in (["a", "never"], ["b", "not a"], ["tiny1", "tiny2"]):
        messages = []
        for general in (False, True):
            spelled = [f"({e}) or ({e})" if general else e for e in ev]
            with pytest.raises(ConditionError) as caught:
                pactsim.exact(sc, evidence=spelled)
            messages.append(str(caught.value).replace("(", "").replace(")", "")
                            .replace(" or ", " "))
        assert len(messages[0]) > 0 and messages[0].split("'")[0] == messages[1].split("'")[0]


def test_extreme_soft_ratios_against_a_hard_finding_fall_back() -> None:
    """``b`` holds (so does ``a``, which it requires), and a thousand ratios of 1e300
    say ``not a``: the scaled atomic weights leave nothing, and the general path
    (scaled by what is possible) still gives P(a) = 1 and the weights' log."""
    sc = pactsim.loads(ERRORS)
    ex = pactsim.exact(sc, evidence=["b", *[soft("not a", 1e300)] * 999])
    assert ex.prob("a").value == 1.0
    assert ex.p_evidence == pytest.approx(0.25)
    assert ex.log_evidence == pytest.approx(math.log(0.25), rel=1e-12)
