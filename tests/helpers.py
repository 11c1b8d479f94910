"""Small helpers shared by several test modules (importable as ``helpers``: tests/ is
on the path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactsim.cli import main


def call(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run the CLI in this process: ``(exit status, stdout, stderr)``."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def json_ready(x: object) -> object:
    """YAML data as JSON would hold it: keys as strings (``true``/``false`` for
    booleans), dates as ISO strings; what JSON Schema validators expect."""
    if isinstance(x, dict):
        return {("true" if k is True else "false" if k is False else str(k)): json_ready(v)
                for k, v in x.items()}
    if isinstance(x, list):
        return [json_ready(v) for v in x]
    if hasattr(x, "isoformat"):
        return x.isoformat()  # type: ignore[union-attr]
    return x


def binomial_p_value(k: int, n: int, p: float) -> float:
    """Two-sided exact binomial p-value of ``k`` successes in ``n`` draws at chance ``p``
    (``p`` kept inside [1e-15, 1 - 1e-15]: scipy overflows on subnormal ``p``)."""
    from scipy import stats as sps

    p = min(max(p, 1e-15), 1.0 - 1e-15)
    return float(min(1.0, 2 * min(sps.binom.cdf(k, n, p), sps.binom.sf(k - 1, n, p))))


def whole(sc: object) -> object:
    """A copy of scenario ``sc`` that knows nothing of how it was made: compiling it
    compiles every node (``with_changes`` variants are otherwise compiled from their
    base's model), so it is the independent answer to compare a variant with."""
    fresh = sc.model_copy()  # type: ignore[attr-defined]
    fresh._compiled = fresh._derived = fresh._renumber = None
    return fresh
