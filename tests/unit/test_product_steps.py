"""A clique product too long for one einsum is taken in steps; the first step's operands
need not hold every output variable (an 11-level categorical over an 11-level parent
crashed every command with "output subscript ... never appeared in an input")."""

from __future__ import annotations

import numpy as np
import pytest

import pactsim
from pactsim.inference import factors


def _cats(k: int) -> str:
    levels = ", ".join(f"l{i}" for i in range(k))
    root = ", ".join(f"l{i}: {1 / k!r}" for i in range(k))
    table = ", ".join(f"l{i}: {{l{i}: 0.5, l{(i + 1) % k}: 0.5}}" for i in range(k))
    return (f"pactsim: 3\nid: cats\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            f"signing: {{by: {{2025-12-31: 0.6}}}}\nevents:\n  c0: {{levels: {{{root}}}}}\n"
            f"  c1: {{levels: [{levels}], given: [c0], table: {{{table}}}}}\n"
            f"questions:\n  q: c1 == l3 and signing\n")


@pytest.mark.parametrize("k", [10, 11])
def test_a_categorical_over_a_categorical_parent_is_answered(k: int) -> None:
    ex = pactsim.exact(pactsim.loads(_cats(k)))
    # by hand: c1 is l3 half the time c0 is l2 or l3 (each 1/k); the signing is independent
    assert ex.prob("q").value == pytest.approx(0.6 * (0.5 / k + 0.5 / k), abs=1e-12)


def test_a_step_missing_an_output_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The product taken two operands at a time equals one einsum, when the first two do
    not hold the output's third variable."""
    rng = np.random.default_rng(1)
    a, b, c = rng.random((2, 3)), rng.random((3,)), rng.random((3, 4))
    args = [a, [0, 1], b, [1], c, [1, 2]]
    want = np.einsum(*args, [0, 1, 2])
    monkeypatch.setattr(factors, "_EINSUM_OPERANDS", 2)
    np.testing.assert_allclose(factors._product(args, [0, 1, 2]), want, rtol=1e-14)


def _brute(bucket: list[factors.Factor], x: int) -> tuple[tuple[int, ...], np.ndarray]:
    """The product over the union, one entry at a time, then the sum over ``x``."""
    card = {v: n for f in bucket for v, n in zip(f.vars, f.table.shape, strict=True)}
    union = sorted(card)
    keep = tuple(v for v in union if v != x)
    out = np.zeros(tuple(card[v] for v in keep))
    for idx in np.ndindex(*(card[v] for v in union)):
        at = dict(zip(union, idx, strict=True))
        value = 1.0
        for f in bucket:
            value *= f.table[tuple(at[v] for v in f.vars)]
        out[tuple(at[v] for v in keep)] += value
    return keep, out


@pytest.mark.parametrize("case", ["two", "three far ids", "many operands", "many labels"])
def test_contracting_a_bucket_is_its_product_summed(case: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Variable elimination sums a variable out of its bucket in one einsum; the answer is
    the product's sum (by brute force), also where one call cannot take the bucket (more
    operands or labels than einsum takes: a step-wise einsum would sum ``x`` out of each
    step on its own, which is wrong)."""
    rng = np.random.default_rng(7)
    if case == "two":
        bucket = [factors.Factor((0, 1), rng.random((3, 4))),
                  factors.Factor((1, 2), rng.random((4, 2)))]
    elif case == "three far ids":  # ids past einsum's 52 labels
        bucket = [factors.Factor((70, 900), rng.random((2, 5))),
                  factors.Factor((900,), rng.random(5)),
                  factors.Factor((55, 900), rng.random((3, 5)))]
    else:
        bucket = [factors.Factor((0, k), rng.random((3, 2))) for k in range(1, 7)]
        limit = "_EINSUM_OPERANDS" if case == "many operands" else "_EINSUM_LABELS"
        monkeypatch.setattr(factors, limit, 3)
    x = 0 if case in ("many operands", "many labels") else bucket[0].vars[-1]
    keep, want = _brute(bucket, x)
    got = factors._contract(bucket, x)
    assert got.vars == keep
    np.testing.assert_allclose(got.table, want, rtol=1e-13)


@pytest.mark.parametrize("case", [
    "x b r", "b x r", "r b x", "x r (no b)", "r x (no b)", "two small factors",
    "b and r in the small factors: einsum", "two r: einsum"])
def test_contracting_by_matmul_is_the_products_sum(case: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A bucket of one large table and small ones over some of its variables is summed by
    a batch of vector-matrix products (a driver's nodes times two dates); every order of
    the variables' ids gives the brute-force sum, and buckets of other shapes still do."""
    monkeypatch.setattr(factors, "_MATMUL_FROM", 1)
    used = []
    real = factors._contract_matmul

    def spy(bucket: list[factors.Factor], x: int) -> factors.Factor | None:
        out = real(bucket, x)
        used.append(out is not None)
        return out

    monkeypatch.setattr(factors, "_contract_matmul", spy)
    rng = np.random.default_rng(11)
    X, B, R = 3, 4, 5
    big = {"x b r": ((1, 2, 3), (X, B, R)), "b x r": ((1, 2, 3), (B, X, R)),
           "r b x": ((1, 2, 3), (R, B, X))}
    x_id = {"x b r": 1, "b x r": 2, "r b x": 3}
    if case in big:
        vars_, shape = big[case]
        x = x_id[case]
        b = vars_[shape.index(B)]
        bucket = [factors.Factor(vars_, rng.random(shape)),
                  factors.Factor(tuple(sorted((x, b))), rng.random(
                      tuple(X if v == x else B for v in sorted((x, b))))),
                  factors.Factor((x,), rng.random(X))]
        matmul = True
    elif case == "x r (no b)":
        x, bucket, matmul = 4, [factors.Factor((4, 9), rng.random((X, R))),
                                factors.Factor((4,), rng.random(X))], True
    elif case == "r x (no b)":
        x, bucket, matmul = 9, [factors.Factor((4, 9), rng.random((R, X))),
                                factors.Factor((9,), rng.random(X))], True
    elif case == "two small factors":
        x, bucket, matmul = 2, [factors.Factor((0, 2, 5), rng.random((R, X, B))),
                                factors.Factor((2, 5), rng.random((X, B))),
                                factors.Factor((2, 5), rng.random((X, B)))], True
    elif case == "b and r in the small factors: einsum":
        x, bucket, matmul = 0, [factors.Factor((0, 1, 2), rng.random((X, B, R))),
                                factors.Factor((0, 1, 2), rng.random((X, B, R)))], False
    else:  # two variables (1 and 2) no small factor holds
        x, bucket, matmul = 0, [factors.Factor((0, 1, 2), rng.random((X, B, R))),
                                factors.Factor((0,), rng.random(X))], False
    keep, want = _brute(bucket, x)
    got = factors._contract(bucket, x)
    assert got.vars == keep
    assert got.table.shape == want.shape
    np.testing.assert_allclose(got.table, want, rtol=1e-13)
    assert used == [matmul]
