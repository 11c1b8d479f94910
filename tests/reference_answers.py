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

# --------------------------------------------------------------------------
# analytic-dated.yaml (format 2: dated events, hazard ratios, milestones)
# --------------------------------------------------------------------------
# Day index t = days after as_of 2025-01-01: Jan 31 = 30, Mar 31 = 89, horizon Dec 31 = 364.
_H = 364  # the horizon


def _crisis_F(t: int) -> Fr:
    """Base curve of ``crisis``: 1/4 at t = 30, 1/2 at t = 89, flat after."""
    if t <= 30:
        return Fr(1, 4) * Fr(t, 30)
    if t <= 89:
        return Fr(1, 4) + Fr(1, 4) * Fr(t - 30, 59)
    return Fr(1, 2)


def _crisis(t: int) -> Fr:
    """P(crisis.date <= t): shock (1/2) squares the survival, else the base curve."""
    F = _crisis_F(t)
    return Fr(1, 2) * (1 - (1 - F) ** 2) + Fr(1, 2) * F


def _G1(t: int) -> Fr:
    """Signing curve when shock: 3/5 at t = 30, flat after."""
    return Fr(3, 5) * Fr(min(t, 30), 30)


def _G0(t: int) -> Fr:
    """Signing curve when not shock: 2/5 at t = 89, 4/5 at t = 364."""
    if t <= 89:
        return Fr(2, 5) * Fr(t, 89)
    return Fr(2, 5) + Fr(2, 5) * Fr(t - 89, 275)


def _S(t: int) -> Fr:
    """P(signing.date <= t), averaged over shock."""
    return (_G1(t) + _G0(t)) / 2


_S30, _S294, _S304, _S334 = _S(30), _S(294), _S(304), _S(334)  # 327/890, 357/550, 361/550, 373/550
_SIGN = _S(_H)  # 7/10
_DAY_LATE = Fr(1, 2) * Fr(2, 5) / 275  # P(signing on a given day in 90..364) = 1/1375
_DAY_FEB = Fr(1, 2) * Fr(2, 5) / 89  # P(signing on a given day in 31..89) = 1/445

_A, _N = Fr(1, 2), Fr(3, 5)  # ratify_a and notify coins
_ratify_a = _A * _S334  # s + 30 <= 364: 373/1100
_notify = _N * _S304  # s + 60 <= 364: 1083/2750
_in_force = _A * _N * _S294  # s + 70 <= 364: 1071/5500
# ratify_b: offset uniform on 1..20; the horizon cuts (20 - r)/20 when r = 364 - s < 20
_ratify_b = _SIGN - _DAY_LATE * sum(Fr(20 - r, 20) for r in range(20))  # 952/1375
_b_within_5 = _SIGN * Fr(1, 4) - _DAY_LATE * sum(Fr(5 - r, 20) for r in range(5))  # 1919/11000
_b_by_feb20 = _S30 + _DAY_FEB * sum(Fr(50 - s, 20) for s in range(31, 50))  # 173/445
_bonus = Fr(1, 5) + Fr(3, 5) * _S30  # 1871/4450
_bonus_and_a = _A * (Fr(4, 5) * _S30 + Fr(1, 5) * (_S334 - _S30))  # 21788/122375
# signing and (ratify_a or notify): s <= 304: 4/5; 305..334: 1/2; later 0
# (4/5)(361/550) + (1/2)(12/550) = 1474/2750 = 67/125
_two_of_three = Fr(4, 5) * _S304 + Fr(1, 2) * (_S334 - _S304)  # 67/125
_all_three_ms = _A * _N * _S304  # ratify_b always fits when s <= 304: 1083/5500
# crisis by Jan 31 and signed by Jan 31, independent given shock
_early_pair = Fr(1, 2) * (1 - Fr(3, 4) ** 2) * _G1(30) + Fr(1, 2) * Fr(1, 4) * _G0(30)  # 2109/14240
_crisis_all = _crisis(_H)  # 5/8

_DATED: dict[str, Fr] = {
    "shock": Fr(1, 2),
    "crisis": _crisis_all,  # 1/2(1/2) + 1/2(3/4) = 5/8
    "signing": _SIGN,  # 1/2(3/5 + 4/5) = 7/10
    "early_bonus": _bonus,
    "crisis_by_jan16": _crisis(15),  # F = 1/8: 1/16 + 15/128 = 23/128
    "crisis_by_mar1": _crisis(59),  # F = 22/59: 1705/3481
    "crisis_by_q1": _crisis(89),  # 5/8
    "signed_by_jan31": _S30,  # 1/2(3/5 + 12/89) = 327/890
    "ratify_a_by_mar2": _A * _S30,  # s <= 30: 327/1780
    "ratify_a_done": _ratify_a,  # 373/1100
    "notify_done": _notify,  # 1083/2750
    "in_force_done": _in_force,  # 1071/5500
    "in_force_by_apr11": _A * _N * _S30,  # s + 70 <= 100: 981/8900
    "a_gap_30": _ratify_a,  # the gap is always exactly 30
    "b_within_5": _b_within_5,  # 7/40 - 3/5500 = 1919/11000
    "ratify_b_done": _ratify_b,  # 7/10 - 21/2750 = 952/1375
    "ratify_b_by_feb20": _b_by_feb20,  # 327/890 + 19/890 = 173/445
    "early_bonus_q": _bonus,  # 1/5 + (3/5)(327/890) = 1871/4450
    "bonus_and_a": _bonus_and_a,  # 981/8900 + 373/5500 = 21788/122375
    "two_of_three": _two_of_three,  # 1444/2750 + 30/2750 = 67/125
    "all_three_ms": _all_three_ms,  # (3/10)(361/550) = 1083/5500
    "early_pair": _early_pair,  # 21/160 + 3/178 = 2109/14240
    "ratify_a.date - signing.date < 30": Fr(0),  # the gap is 30 or missing
    "in_force.date - signing.date == 70": _in_force,
    "in_force.date - ratify_a.date == 40": _in_force,  # s + 70 - (s + 30)
    "ratify_b.date - signing.date <= 20": _ratify_b,  # every offset is <= 20
    "not (in_force.date <= 2025-12-31)": 1 - _in_force,  # 4429/5500: counts "never"
}

_DATED_COND: list[tuple[str, str, Fr]] = [
    ("signing.date <= 2025-01-31", "shock", Fr(3, 5)),  # row curve G1(30)
    ("shock", "crisis", Fr(1, 2) * Fr(3, 4) / _crisis_all),  # (3/8)/(5/8) = 3/5
    ("ratify_a", "signing.date <= 2025-01-31", _A),  # no horizon cut: 1/2
    ("in_force", "signing", _in_force / _SIGN),  # (1071/5500)/(7/10) = 153/550
    ("early_bonus", "signing.date <= 2025-01-31", Fr(4, 5)),  # table row true
    ("early_bonus", "not signing", Fr(1, 5)),  # missing date: the condition is false
    (
        "crisis",
        "signing.date <= 2025-01-31",
        (Fr(1, 2) * Fr(3, 4) * _G1(30) + Fr(1, 2) * Fr(1, 2) * _G0(30)) / _S30,
    ),  # (921/3560)/(327/890) = 307/436
    ("ratify_b", "signing.date <= 2025-11-30", Fr(1)),  # 333 + 20 <= 364
]

_EXPECTED = {  # the fractions written in the scenario header, checked on import
    "crisis_by_jan16": Fr(23, 128),
    "crisis_by_mar1": Fr(1705, 3481),
    "signed_by_jan31": Fr(327, 890),
    "ratify_a_by_mar2": Fr(327, 1780),
    "ratify_a_done": Fr(373, 1100),
    "notify_done": Fr(1083, 2750),
    "in_force_done": Fr(1071, 5500),
    "in_force_by_apr11": Fr(981, 8900),
    "b_within_5": Fr(1919, 11000),
    "ratify_b_done": Fr(952, 1375),
    "ratify_b_by_feb20": Fr(173, 445),
    "early_bonus_q": Fr(1871, 4450),
    "bonus_and_a": Fr(21788, 122375),
    "two_of_three": Fr(67, 125),
    "all_three_ms": Fr(1083, 5500),
    "early_pair": Fr(2109, 14240),
}
if any(_DATED[k] != v for k, v in _EXPECTED.items()):  # pragma: no cover
    raise AssertionError("analytic-dated answers disagree with the header")
if _DATED_COND[3][2] != Fr(153, 550) or \
        _DATED_COND[6][2] != Fr(307, 436):  # pragma: no cover
    raise AssertionError("analytic-dated conditionals disagree with the header")


ANSWERS: dict[str, dict[str, float]] = {
    "analytic-independent.yaml": {k: float(v) for k, v in _INDEPENDENT.items()},
    "analytic-gates.yaml": {k: float(v) for k, v in _GATES.items()},
    "analytic-timing.yaml": {k: float(v) for k, v in _TIMING.items()},
    "analytic-dated.yaml": {k: float(v) for k, v in _DATED.items()},
}

CONDITIONAL: dict[str, list[tuple[str, str, float]]] = {
    "analytic-independent.yaml": [(e, g, float(v)) for e, g, v in _INDEPENDENT_COND],
    "analytic-gates.yaml": [(e, g, float(v)) for e, g, v in _GATES_COND],
    "analytic-timing.yaml": [(e, g, float(v)) for e, g, v in _TIMING_COND],
    "analytic-dated.yaml": [(e, g, float(v)) for e, g, v in _DATED_COND],
}


# --------------------------------------------------------------------------
# Evidence (issue 11, item 2): answers given findings, derived by hand.
# ``EVIDENCE[file]``: ``(findings, expr, P(expr | findings))``; a finding is
# ``(expression, likelihood ratio)`` with ``None`` for hard evidence. Soft
# evidence weights the worlds where its expression holds by the ratio:
# P(Q | news) = (r P(Q, E) + P(Q, not E)) / (r P(E) + P(not E)).
# --------------------------------------------------------------------------
_Finding = tuple[str, "float | None"]

# analytic-independent.yaml: a ~ .3, b ~ .5, d | a, b from the table.
#   a and not b: P(d | a, not b) = 6/10 (table row), P(e | a) = 3/7, P(f | a, not b) = 1/2.
#   soft a x3: P(a | news) = 3(.3) / (3(.3) + .7) = 9/16;
#     P(d | news) = (3 P(d, a) + P(d, not a)) / 1.6 = (3(.225) + .175) / 1.6 = 17/32.
#   soft a x3 and soft b x1/2: weights ab 3/2, a~b 3, ~ab 1/2, ~a~b 1 on .15, .15, .35, .35:
#     Z = .225 + .45 + .175 + .35 = 1.2; P(a and b) = .225/1.2 = 3/16, P(b) = .4/1.2 = 1/3.
#   not f and soft a x3: P(f) = 3/40, P(a, f) = 3/40, so P(a, not f) = .3 - .075 = 9/40 and
#     P(not a, not f) = 7/10: P(a | .) = 3(9/40) / (3(9/40) + 7/10) = 27/55.
_S1 = Fr(3) * _a / (Fr(3) * _a + 1 - _a)  # 9/16
_EV_INDEPENDENT: list[tuple[tuple[_Finding, ...], str, Fr]] = [
    ((("a", None), ("not b", None)), "d", _d_tab[True, False]),
    ((("a", None), ("not b", None)), "e", _e_a),
    ((("a", None), ("not b", None)), "f", Fr(1, 2)),
    ((("a", 3.0),), "a", _S1),
    ((("a", 3.0),), "d", (3 * _a * _d_given_a + (1 - _a) * _d_given_not_a)
     / (3 * _a + 1 - _a)),  # 17/32
    ((("a", 3.0), ("b", 0.5)), "a and b", Fr(3, 16)),
    ((("a", 3.0), ("b", 0.5)), "b", Fr(1, 3)),
    ((("not f", None), ("a", 3.0)), "a", Fr(27, 55)),
]

# analytic-timing.yaml (format 1), F(Jan 31) = 3/10, F(Mar 31) = 3/5, P(signing) = 3/4.
#   not signing.date <= Jan 31 (P = 7/10): signing 9/20 of it, so P(signing | .) = 9/14,
#     ratified 1/2 of that (9/28), extra 2/5 (9/35); F(Mar 31 | .) = (3/5 - 3/10)/(7/10) = 3/7,
#     F(Feb 15 | .) = (3/10)(15/59)/(7/10) = 45/413.
#   signed between Feb 1 and Mar 31: P(by Mar 1 | .) = (3/10)(29/59)/(3/10) = 29/59.
#   signing.date == Feb 15: the date says nothing more of ratified (1/2) or extra (2/5).
_EV_TIMING: list[tuple[tuple[_Finding, ...], str, Fr]] = [
    ((("not signing.date <= 2025-01-31", None),), "signing", Fr(9, 14)),
    ((("not signing.date <= 2025-01-31", None),), "ratified", Fr(9, 28)),
    ((("not signing.date <= 2025-01-31", None),), "extra", Fr(9, 35)),
    ((("not signing.date <= 2025-01-31", None),), "by_q1", Fr(3, 7)),
    ((("not signing.date <= 2025-01-31", None),), "signing.date <= 2025-02-15", Fr(45, 413)),
    ((("signing.date >= 2025-02-01 and signing.date <= 2025-03-31", None),), "by_mar1",
     Fr(29, 59)),
    ((("signing.date == 2025-02-15", None),), "ratified", Fr(1, 2)),
    ((("signing.date == 2025-02-15", None),), "extra", Fr(2, 5)),
]

# analytic-dated.yaml (format 2), day t after 2025-01-01.
#   signing.date == Jan 16 (t = 15): per-day signing mass 1/50 (shock row, (3/5)/30) and
#     2/445 (not shock, (2/5)/89), so P(shock | .) = (1/50)/(1/50 + 2/445) = 89/109;
#     crisis: 3/4 if shock, 1/2 if not: (89(3/4) + 20(1/2))/109 = 307/436; in_force needs
#     its two coins (3/10) and s + 70 = 85 <= 364, and its day is 85 (Mar 27).
#   ratify_a.date == Feb 15 (t = 45) <=> s = 15 and ratify_a's coin: shock 89/109 as above;
#     in_force needs notify's coin only: 3/5.
#   not signing.date <= Dec 1 (t = 334, P = 1 - S(334) = 177/550): shock and unsigned is
#     (1/2)(2/5) = 1/5, so P(shock | .) = 110/177; signed after day 334 is
#     S(364) - S(334) = 12/550, so P(signing | .) = 12/177 = 4/59; ratify_a needs s <= 334: 0.
#   signed between Feb 1 and Mar 31 (t = 31..89): only the not-shock row moves there,
#     so P(shock | .) = 0 and early_bonus (its condition false) is 1/5.
#   soft shock x2: P(shock | news) = 2/3; P(signing | news) = (2(1/2)(3/5) + (1/2)(4/5))/(3/2)
#     = 2/3.
_EV_DATED: list[tuple[tuple[_Finding, ...], str, Fr]] = [
    ((("signing.date == 2025-01-16", None),), "shock", Fr(89, 109)),
    ((("signing.date == 2025-01-16", None),), "crisis", Fr(307, 436)),
    ((("signing.date == 2025-01-16", None),), "in_force", _A * _N),
    ((("signing.date == 2025-01-16", None),), "in_force.date == 2025-03-27", _A * _N),
    ((("ratify_a.date == 2025-02-15", None),), "shock", Fr(89, 109)),
    ((("ratify_a.date == 2025-02-15", None),), "in_force", _N),
    ((("not signing.date <= 2025-12-01", None),), "shock",
     Fr(1, 5) / (1 - _S334)),  # 110/177
    ((("not signing.date <= 2025-12-01", None),), "signing", (_SIGN - _S334) / (1 - _S334)),
    ((("not signing.date <= 2025-12-01", None),), "ratify_a", Fr(0)),
    ((("signing.date >= 2025-02-01 and signing.date <= 2025-03-31", None),), "shock", Fr(0)),
    ((("signing.date >= 2025-02-01 and signing.date <= 2025-03-31", None),), "early_bonus",
     Fr(1, 5)),
    ((("shock", 2.0),), "shock", Fr(2, 3)),
    ((("shock", 2.0),), "signing", Fr(2, 3)),
]
_shock_late, _signed_late = Fr(1, 5) / (1 - _S334), (_SIGN - _S334) / (1 - _S334)
if _shock_late != Fr(110, 177) or _signed_late != Fr(4, 59):  # pragma: no cover
    raise AssertionError("analytic-dated evidence answers disagree with the derivation")

# analytic-gates.yaml: given military (which needs signing), energy 7/9 and payments
#   3/4 of energy: pillar sets {M, E, P} 7/12, {M, E} 7/36, {M} 2/9; pipeline 7/18.
_EV_GATES: list[tuple[tuple[_Finding, ...], str, Fr]] = [
    ((("military", None),), "energy", _E_M),
    ((("military", None),), "energy and payments", _E_M * _pay),
    ((("military", None),), "pipeline", _E_M / 2),
    ((("military", None),), "signing", Fr(1)),
]

EVIDENCE: dict[str, list[tuple[tuple[_Finding, ...], str, float]]] = {
    "analytic-independent.yaml": [(f, e, float(v)) for f, e, v in _EV_INDEPENDENT],
    "analytic-timing.yaml": [(f, e, float(v)) for f, e, v in _EV_TIMING],
    "analytic-dated.yaml": [(f, e, float(v)) for f, e, v in _EV_DATED],
    "analytic-gates.yaml": [(f, e, float(v)) for f, e, v in _EV_GATES],
}
__all__ += ["EVIDENCE"]
