"""Numeric attributes (format 3): exact, Monte Carlo and the reference sampler agree.

Scenarios come from ``pactsim.testing.strategies.scenarios(attributes=True)``
(with categorical nodes or with format-2 timing around them): attributes with
every law (fixed, normal, uniform, lognormal, values), tables over binary and
categorical parents, ``round: true``, gates on nodes and on outcomes, and
questions comparing them with constants. For each scenario:

* the tests are every true/false question, and for each attribute a few probes:
  ``a < 12.5``, ``a <= 25``, ``a >= 40``, ``a == c`` and ``a != c`` for the first
  atom ``c`` of its laws (10 when none), and whether it has a value at all;
* ``pactsim.exact`` gives each probability; the reference sampler
  (``tests/reference_sampler.py``: the laws read again from the file's text,
  drawn with :mod:`random`, no code shared with the engine, the compiler or the
  expression evaluator) draws ``N_REF`` agreements and ``pactsim.simulate``
  ``N_MC``; each count is checked against the exact probability with an exact
  binomial test (Monte Carlo against the reference with Fisher's exact test
  where exact inference refuses the scenario);
* each attribute's mean where it has a value (``ex.numeric``) is compared with
  the reference sampler's and Monte Carlo's sample means (a z-test with their
  standard errors, at the same level).

Statistics as in ``test_categorical_oracle.py``: each of the ``2 m`` tests of a
scenario gets the level ``ALPHA / (EXAMPLES * 2 m)`` (Bonferroni), so a correct
pactsim fails a run with probability below ``ALPHA`` = 1e-3. The planted bugs
(a lognormal's sigma from the 95% quantile instead of the 90%, in the parser
that the engine and exact share; an exact CDF of the uniform law that is off;
an exact mean that is off) are caught: ``test_planted_bugs_fail``.

Example counts are bounded so that the file runs in well under 30 s under the
``ci`` profile. Seeds are fixed (from the scenario's digest).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from scipy import stats as sps

import pactsim
from helpers import binomial_p_value
from pactsim.errors import ExactUnsupportedError, ModelTooWideError
from pactsim.inference.compile import compile_scenario
from pactsim.language.scenario import Scenario
from pactsim.results.exact import exact
from pactsim.testing import strategies
from reference_sampler import ReferenceSampler, parse_question

N_REF = 3_000
N_MC = 20_000
ALPHA = 1e-3
EXAMPLES = min(60, max(15, settings.default.max_examples // 3))
# Derandomized under every profile (``ci`` already is): drawn afresh under ``dev``, a
# correct pactsim fails with a chance bounded by ALPHA = 1e-3 per run (less in practice, the
# exact tests being conservative), above what a suite run should risk.
BOUNDED = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

WITH_ATTRIBUTES = (strategies.scenarios(max_nodes=4, attributes=True, categorical=True)
                   | strategies.scenarios(max_nodes=4, attributes=True, dated=True)).filter(
    lambda sc: bool(sc.attributes))


def _seed(sc: Scenario) -> int:
    return int(sc.digest[:8], 16)


def _atom(spec: Any) -> float:
    """The first atom of an attribute's laws as written (a fixed value or a ``values``
    key), else 10."""
    leaves = [spec.dist.written] if spec.dist is not None else []
    stack = [spec.table] if spec.table is not None else []
    while stack:
        t = stack.pop(0)
        if isinstance(t, dict) and not ({"normal", "uniform", "lognormal", "values"} & set(t)):
            stack += list(t.values())
        else:
            leaves.append(t)
    for w in leaves:
        if isinstance(w, int | float) and not isinstance(w, bool):
            return float(w)
        if isinstance(w, dict) and "values" in w:
            return float(next(iter(w["values"])))
    return 10.0


def _tests(sc: Scenario) -> list[str]:
    """Expressions compared: true/false questions and probes of each attribute."""
    out = [q for q, (_tree, kind) in compile_scenario(sc).questions.items() if kind == "bool"]
    for a, spec in sc.attributes.items():
        c = _atom(spec)
        out += [f"{a} < 12.5", f"{a} <= 25", f"{a} >= 40", f"{a} == {c:g}", f"{a} != {c:g}",
                f"{a} >= 0 or {a} < 0"]
    return out


def check_scenario(sc: Scenario, simulate: Callable[..., Any] = pactsim.simulate) -> None:
    """Every test of :func:`_tests`: exact vs Monte Carlo vs the reference sampler."""
    tests = _tests(sc)
    try:
        ex = exact(sc)
        exact_p: list[float | None] = [float(ex.prob(t).value) for t in tests]
    except (ModelTooWideError, ExactUnsupportedError):
        exact_p = [None] * len(tests)
    seed = _seed(sc)
    ref = ReferenceSampler(sc).sample(N_REF, seed=seed)
    res = simulate(sc, n=N_MC, seed=seed)
    level = ALPHA / (EXAMPLES * 2 * len(tests))
    bad = []
    for label, p in zip(tests, exact_p, strict=True):
        read = parse_question(label, ref.outcomes).evaluate
        k_ref = sum(1 for d in ref.draws if read(d))
        k_mc = round(float(res.prob(label).value) * res.n)
        if p is None:
            pv = float(sps.fisher_exact([[k_ref, ref.n - k_ref], [k_mc, res.n - k_mc]]).pvalue)
            if pv < level:
                bad.append(f"{label}: reference {k_ref / ref.n:.4f} vs simulate "
                           f"{k_mc / res.n:.4f} (p-value {pv:.2g})")
            continue
        for who, k, n in (("reference", k_ref, ref.n), ("simulate", k_mc, res.n)):
            pv = binomial_p_value(k, n, p)
            if pv < level:
                bad.append(f"{label}: {who} {k}/{n} = {k / n:.4f} vs exact {p:.4f} "
                           f"(p-value {pv:.2g})")
    if exact_p and exact_p[0] is not None:
        bad += _mean_problems(sc, ex, ref, res, level)
    assert not bad, f"{len(tests)} comparisons at level {level:.2g}:\n" + "\n".join(bad)


def _mean_problems(sc: Scenario, ex: Any, ref: Any, res: Any, level: float) -> list[str]:
    """Each attribute's mean where it has a value: exact against the reference sampler's
    and Monte Carlo's (a z-test at ``level``, with the standard error the exact law
    gives a mean of that many values: a sample's own standard deviation understates a
    heavy tail, such as a lognormal with a wide p90, and failed a correct engine)."""
    bad = []
    for a in sc.attributes:
        try:
            law = ex.numeric(a)
            want, sd = float(law.mean), float(law.sd)
        except (ModelTooWideError, ExactUnsupportedError):
            continue
        values = [v for v in ref.column(a) if v is not None]
        mc = res.numeric(a)
        samples = [("simulate", float(mc.mean), int(res.n * (1 - mc.missing)))]
        if len(values) >= 2:
            samples.append(("reference", sum(values) / len(values), len(values)))
        for who, got, n in samples:
            if n < 30 or math.isnan(want):
                continue
            se = sd / math.sqrt(n) if math.isfinite(sd) else float(mc.stderr)
            if se == 0.0:
                ok = math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
            else:
                ok = 2 * float(sps.norm.sf(abs(got - want) / se)) >= level
            if not ok:
                bad.append(f"mean of {a}: {who} {got:.4g} ± {se:.2g} vs exact {want:.4g}")
    return bad


@BOUNDED
@given(WITH_ATTRIBUTES)
def test_exact_mc_and_reference_agree_on_attribute_scenarios(sc: Scenario) -> None:
    note(sc.model_dump_json(exclude_defaults=True))
    check_scenario(sc)


PLANTED = """\
pactsim: 3
id: planted
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.5}
attributes:
  n_articles: {dist: {lognormal: {median: 40, p90: 60}}, round: true}
  km:
    given: [a]
    table: {true: {uniform: {low: 0, high: 100}}, false: 10}
questions:
  long: n_articles > 80
  far: km > 50
"""


def test_the_planted_scenario_passes_as_written() -> None:
    check_scenario(pactsim.loads(PLANTED))


def test_planted_bugs_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lognormal's sigma taken from the 95% quantile (z = 1.645, in the parser the
    engine and exact share: they agree with each other, not with the file) is caught
    by the reference sampler; an exact CDF of the uniform law shifted by 10% of its
    width is caught by both Monte Carlo and the reference sampler; an exact mean of the
    uniform law 5% too high is caught by Monte Carlo's mean."""
    from pactsim.language import attributes as attrs

    with monkeypatch.context() as m:
        m.setattr(attrs, "_Z90", 1.6448536269514722)
        sc = pactsim.loads(PLANTED.replace("planted", "planted-z"))
        with pytest.raises(AssertionError, match="long: reference"):
            check_scenario(sc)
    right = attrs.Quantity.cdf

    def shifted(self: Any, x: Any) -> Any:
        if self.kind == "uniform":
            return right(self, x - 0.1 * (self.b - self.a))
        return right(self, x)

    with monkeypatch.context() as m:
        m.setattr(attrs.Quantity, "cdf", shifted)
        with pytest.raises(AssertionError, match=r"far: reference .*\n.*far: simulate"):
            check_scenario(pactsim.loads(PLANTED.replace("planted", "planted-cdf")))
    moments = attrs.Quantity.moments

    def high_mean(self: Any) -> tuple[float, float]:
        mean, var = moments(self)
        return (mean * 1.05 if self.kind == "uniform" else mean), var

    monkeypatch.setattr(attrs.Quantity, "moments", high_mean)
    with pytest.raises(AssertionError, match="mean of km: simulate"):
        check_scenario(pactsim.loads(PLANTED.replace("planted", "planted-mean")))


def test_attributes_must_be_a_bool() -> None:
    from hypothesis.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="attributes=1 must be True or False"):
        strategies.scenarios(attributes=1).example()  # type: ignore[arg-type]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.from_scenario(pactsim.loads(PLANTED)))
def test_from_scenario_redraws_each_law_in_its_kind(sc: Scenario) -> None:
    base = pactsim.loads(PLANTED)
    assert list(sc.attributes) == list(base.attributes)
    n, km = sc.attributes["n_articles"], sc.attributes["km"]
    assert n.dist is not None and n.dist.kind == "lognormal" and n.round
    assert km.given == ["a"] and km.table is not None
    assert km.row_quantity(km.table[True]).kind == "uniform"
    assert km.row_quantity(km.table[False]).kind == "fixed"
    assert sc.questions == base.questions
