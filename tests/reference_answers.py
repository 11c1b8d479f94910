"""Exact answers for the analytic scenarios in ``scenarios/analytic-*.yaml``.

Each scenario file derives these numbers by hand in its header comment. A
separate brute-force enumeration over all binary outcomes (and every signing
day) gave the same values. Monte Carlo tests compare ``Results.prob(expr)``
against them within a stated number of standard errors. Exact inference must
match them to floating-point precision.

``ANSWERS[file][expr]``: P(expr). ``expr`` is a node name, a question name or
an expression in the question language.

``CONDITIONAL[file]``: ``(expr, given, P(expr | given))`` entries.

Semantics used: P(signing.date <= d) = F(d), which is 0 at ``as_of``, the given
value at each ``by`` date, linear in calendar days between them and flat after
the last one. ``signing.date < d`` is F(d - 1 day). A missing date makes every
comparison false. Odds: p' = p·f / (1 − p + p·f) when the parent is true. A beta
p with no odds has marginal a / (a + b).
"""

from __future__ import annotations

from fractions import Fraction as Fr

__all__ = ["ANSWERS", "CONDITIONAL"]


def _odds(p: Fr, f: Fr) -> Fr:
    """Apply an odds factor ``f`` to probability ``p``."""
    return p * f / (1 - p + p * f)


# --------------------------------------------------------------------------
# analytic-independent.yaml
# --------------------------------------------------------------------------
_a, _b, _c = Fr(3, 10), Fr(1, 2), Fr(2, 2 + 6)  # c: Beta(2, 6) mean
_d_tab = {
    (True, True): Fr(9, 10),
    (True, False): Fr(6, 10),
    (False, True): Fr(4, 10),
    (False, False): Fr(1, 10),
}
_d = sum(
    (_a if ia else 1 - _a) * (_b if ib else 1 - _b) * _d_tab[ia, ib]
    for ia in (True, False)
    for ib in (True, False)
)  # = 2/5
_e_a = _odds(Fr(1, 5), Fr(3))  # = 3/7
_e = _a * _e_a + (1 - _a) * Fr(1, 5)  # = 47/175
_d_given_a = _b * _d_tab[True, True] + (1 - _b) * _d_tab[True, False]  # = 3/4
_d_given_not_a = _b * _d_tab[False, True] + (1 - _b) * _d_tab[False, False]  # = 1/4

_INDEPENDENT = {
    "a": _a,  # root p = 0.3
    "b": _b,  # root p = 0.5
    "c": _c,  # Beta(2, 6) mean = 2/8
    "d": _d,  # .135 + .09 + .14 + .035 = 2/5
    "e": _e,  # .3·(3/7) + .7·(1/5) = 47/175
    "f": Fr(1, 2) * _a * (1 - _b),  # draw · a · not b = 3/40
    "both_ab": _a * _b,  # 3/20
    "any_abc": 1 - (1 - _a) * (1 - _b) * (1 - _c),  # 1 - .7·.5·.75 = 59/80
    "all_abc": _a * _b * _c,  # 3/80
    # at_least(2, a, b, c): ab~c + a~bc + ~abc + abc = 11/40
    "two_of_three": _a * _b * (1 - _c) + _a * (1 - _b) * _c + (1 - _a) * _b * _c + _a * _b * _c,
    # count(a, b, c) == 1: a~b~c + ~ab~c + ~a~bc = 37/80
    "exactly_one": _a * (1 - _b) * (1 - _c) + (1 - _a) * _b * (1 - _c) + (1 - _a) * (1 - _b) * _c,
    "not_a_or_c": 1 - _a * (1 - _c),  # 1 - P(a, not c) = 31/40
    "d_without_a": (1 - _a) * _d_given_not_a,  # .7·(1/4) = 7/40
    # d, e independent given a: 1 - [.3·(1/4)(4/7) + .7·(3/4)(4/5)] = 94/175
    "d_or_e": 1 - (_a * (1 - _d_given_a) * (1 - _e_a) + (1 - _a) * (1 - _d_given_not_a) * Fr(4, 5)),
    "precedence": _a + (1 - _a) * _b * _c,  # a or (b and c) = 31/80
    "a or b and c": _a + (1 - _a) * _b * _c,  # same expression, inline
    "not (a or b)": (1 - _a) * (1 - _b),  # 7/20
    # f needs a, so given not a only e matters; given a, e and f are independent
    # and P(f | a) = 1/2 · 1/2 = 1/4:
    # 1 - [.3·(4/7)(3/4) + .7·(4/5)] = 1 - (9/70 + 14/25) = 1 - 241/350 = 109/350
    "at_least(1, e, f)": 1 - (_a * (1 - _e_a) * (1 - Fr(1, 4)) + (1 - _a) * (1 - Fr(1, 5))),
}

_INDEPENDENT_COND = [
    ("d", "a", _d_given_a),  # .5·.9 + .5·.6 = 3/4
    ("d", "not b", _a * Fr(6, 10) + (1 - _a) * Fr(1, 10)),  # .18 + .07 = 1/4
    ("a", "d", _a * _d_given_a / _d),  # .225 / .4 = 9/16
    ("e", "a", _e_a),  # 3/7
    ("a", "e", _a * _e_a / _e),  # (9/70) / (47/175) = 45/94
    ("c", "a", _c),  # independent: 1/4
    ("f", "a", Fr(1, 2) * (1 - _b)),  # 1/4
    ("a", "f", Fr(1)),  # f requires a
    ("b", "f", Fr(0)),  # f excludes b
]

# --------------------------------------------------------------------------
# analytic-gates.yaml
# --------------------------------------------------------------------------
_S = Fr(4, 5)  # single `by` point 0.8
_sanc, _war = Fr(1, 2), Fr(3, 5)
_M_S = Fr(9, 10)  # P(military | signing)
_M = _S * _M_S  # 18/25
_jets_tab = {
    (True, True): Fr(6, 10),
    (True, False): Fr(4, 10),
    (False, True): Fr(2, 10),
    (False, False): Fr(1, 10),
}
_jets_M = sum(
    Fr(1, 2) * (_war if w else 1 - _war) * _jets_tab[dr, w]
    for dr in (True, False)
    for w in (True, False)
)  # 17/50
_jets_drones_M = Fr(1, 2) * (_war * Fr(6, 10) + (1 - _war) * Fr(4, 10))  # .26
_jets_nodrones_M = Fr(1, 2) * (_war * Fr(2, 10) + (1 - _war) * Fr(1, 10))  # .08
# energy | signing, sanctions, military
_E_tab = {
    (True, True): _odds(Fr(8, 10), Fr(2)),  # 8/9
    (True, False): Fr(8, 10),
    (False, True): _odds(Fr(5, 10), Fr(2)),  # 2/3
    (False, False): Fr(5, 10),
}
_E_M = _sanc * _E_tab[True, True] + (1 - _sanc) * _E_tab[False, True]  # 7/9
_E_notM = _sanc * _E_tab[True, False] + (1 - _sanc) * _E_tab[False, False]  # 13/20
_E_S = _M_S * _E_M + (1 - _M_S) * _E_notM  # 153/200
_E = _S * _E_S  # 153/250
_E_sanc_S = _M_S * _E_tab[True, True] + (1 - _M_S) * _E_tab[True, False]  # .88
_pay = Fr(3, 4)  # Beta(3, 1) mean
_backlash_S = Fr(3, 10)

_GATES = {
    "signing": _S,  # 4/5
    "sanctions": _sanc,  # 1/2
    "war": _war,  # 3/5
    "backlash": _S * _backlash_S + (1 - _S) * Fr(1, 10),  # .24 + .02 = 13/50
    "military": _M,  # .8·.9 = 18/25
    "drones": _M * Fr(1, 2),  # 9/25
    "jets": _M * _jets_M,  # .72·.34 = 153/625
    "defence": _M * Fr(1, 4) * (1 - _backlash_S),  # .72·.25·.7 = 63/500
    "energy": _E,  # .8·.765 = 153/250
    "pipeline": _E * Fr(1, 2),  # 153/500
    "lng": _E * Fr(2, 5) * Fr(1, 2),  # .612·.2 = 153/1250
    "payments": _E * _pay,  # .612·.75 = 459/1000
    # payments needs energy; swift_alt needs sanctions: .8·.75·.6·P(E, sanctions | S)
    "swift_alt": _S * _pay * Fr(3, 5) * _sanc * _E_sanc_S,  # .8·.75·.6·.5·.88 = 99/625
    # given S: (M,E) .7 -> >=2; (notM,E) .065 -> needs payments .75
    "two_pillars": _S * (_M_S * _E_M + (1 - _M_S) * _E_notM * _pay),  # 599/1000
    "all_pillars": _S * _M_S * _E_M * _pay,  # .8·.7·.75 = 21/50
    "no_pillar": (1 - _S) + _S * (1 - _M_S) * (1 - _E_notM),  # .2 + .8·.035 = 57/250
    "jets_no_drones": _M * _jets_nodrones_M,  # .72·.08 = 36/625
    "gas_deal": _E * (Fr(1, 2) + Fr(1, 5)),  # pipeline or lng (disjoint) = 1071/2500
    "energy and not military": _S * (1 - _M_S) * _E_notM,  # .8·.1·.65 = 13/250
    "count(drones, jets, defence) >= 1": _M
    * (  # 1 - P(none | M)
        1
        - (
            Fr(1, 2)
            * (1 - _jets_tab[False, True] * _war - _jets_tab[False, False] * (1 - _war))
            * (1 - Fr(1, 4) * (1 - _backlash_S))
        )
    ),  # P(none | M) = .5·(1 - .16)·(1 - .175) = .5·.84·.825 = .3465; .72·.6535 = 0.47052
}

_GATES_COND = [
    ("military", "signing", _M_S),  # 9/10
    ("jets", "military", _jets_M),  # 17/50
    ("drones", "jets", _jets_drones_M / _jets_M),  # .26/.34 = 13/17
    ("energy", "signing", _E_S),  # 153/200
    ("energy", "military", _E_M),  # 7/9
    ("energy", "signing and not military", _E_notM),  # 13/20
    ("energy", "sanctions", _S * _E_sanc_S),  # .8·.88 = 88/125
    ("lng", "energy", Fr(1, 5)),  # .4·.5
    ("lng", "pipeline", Fr(0)),  # excluded
    ("payments", "energy", _pay),  # 3/4
    ("backlash", "military", _backlash_S),  # military implies signing: 3/10
    ("defence", "military", Fr(1, 4) * (1 - _backlash_S)),  # 7/40
    ("signing", "backlash", _S * _backlash_S / (_S * _backlash_S + (1 - _S) * Fr(1, 10))),  # 12/13
    ("military", "not signing", Fr(0)),  # gate
    ("swift_alt", "payments", Fr(3, 5) * _sanc * _E_sanc_S / _E_S),  # .6·(.44/.765) = 88/255
]

# --------------------------------------------------------------------------
# analytic-timing.yaml
# --------------------------------------------------------------------------
_F_jan31, _F_mar31, _F_jun30 = Fr(3, 10), Fr(6, 10), Fr(3, 4)


def _F_jan(day: int) -> Fr:
    """F on 2025-01-DD (30-day segment from as_of 2025-01-01)."""
    return _F_jan31 * Fr(day - 1, 30)


_F_mar1 = _F_jan31 + (_F_mar31 - _F_jan31) * Fr(29, 59)  # 132/295
_F_feb15 = _F_jan31 + (_F_mar31 - _F_jan31) * Fr(15, 59)
_F_feb14 = _F_jan31 + (_F_mar31 - _F_jan31) * Fr(14, 59)
_F_may15 = _F_mar31 + (_F_jun30 - _F_mar31) * Fr(45, 91)  # 1227/1820

_TIMING = {
    "signing": _F_jun30,  # 3/4
    "core": _F_jun30,  # p = 1 given signing
    "extra": _F_jun30 * Fr(2, 5),  # 3/10
    "ratified": _F_jun30 * Fr(1, 2),  # requires signing: 3/8
    "by_jan16": _F_jan(16),  # .3·15/30 = 3/20
    "before_jan16": _F_jan(15),  # .3·14/30 = 7/50
    "by_mar1": _F_mar1,  # .3 + .3·29/59 = 132/295
    "by_q1": _F_mar31,  # 3/5
    "by_may15": _F_may15,  # .6 + .15·45/91 = 1227/1820
    "by_sep30": _F_jun30,  # flat after last point: 3/4
    "after_q1": _F_jun30 - _F_mar31,  # missing date is not "> d": 3/20
    "not_by_q1": 1 - _F_mar31,  # not(...) counts never-signed: 2/5
    "in_feb_mar": _F_mar31 - _F_jan31,  # 3/10
    "on_feb15": _F_feb15 - _F_feb14,  # .3/59 = 3/590
    "early_extra": _F_jan31 * Fr(2, 5),  # 3/25
    "two_of_three": _F_jun30 * (1 - Fr(1, 2) * Fr(3, 5)),  # .75·.7 = 21/40
    "n_three": _F_jun30 * Fr(1, 2) * Fr(2, 5),  # 3/20
    "signing.date <= 2025-01-02": _F_jan(2),  # 1/100
    "signing.date <= 2025-01-01": Fr(0),  # as_of: F = 0
    "signing.date <= 2024-12-31": Fr(0),  # before as_of
    "signing.date <= 2025-12-31": _F_jun30,  # on the horizon: 3/4 (later dates are refused)
    "signing.date >= 2025-04-01": _F_jun30 - _F_mar31,  # 3/20
}

_TIMING_COND = [
    ("signing.date <= 2025-01-16", "signing.date <= 2025-01-31", _F_jan(16) / _F_jan31),  # 1/2
    ("signing.date <= 2025-01-31", "signing", _F_jan31 / _F_jun30),  # 2/5
    ("signing.date > 2025-03-31", "signing", (_F_jun30 - _F_mar31) / _F_jun30),  # 1/5
    ("core", "signing", Fr(1)),  # p = 1
    ("extra", "core", Fr(2, 5)),  # clause p
    (
        "by_mar1",
        "signing.date > 2025-01-31",
        (_F_mar1 - _F_jan31) / (_F_jun30 - _F_jan31),
    ),  # 58/177
    ("ratified", "signing.date <= 2025-01-31", Fr(1, 2)),  # independent of the date
    ("signing", "not_by_q1", (_F_jun30 - _F_mar31) / (1 - _F_mar31)),  # 3/8
]

# --------------------------------------------------------------------------

ANSWERS: dict[str, dict[str, float]] = {
    "analytic-independent.yaml": {k: float(v) for k, v in _INDEPENDENT.items()},
    "analytic-gates.yaml": {k: float(v) for k, v in _GATES.items()},
    "analytic-timing.yaml": {k: float(v) for k, v in _TIMING.items()},
}

CONDITIONAL: dict[str, list[tuple[str, str, float]]] = {
    "analytic-independent.yaml": [(e, g, float(v)) for e, g, v in _INDEPENDENT_COND],
    "analytic-gates.yaml": [(e, g, float(v)) for e, g, v in _GATES_COND],
    "analytic-timing.yaml": [(e, g, float(v)) for e, g, v in _TIMING_COND],
}
