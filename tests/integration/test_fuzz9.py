"""What the hostile-input review of 2026-12-01 (round 9) found, each as a test."""

from __future__ import annotations

from pathlib import Path

import pytest

import pactsim
from helpers import call

ROOT = Path(__file__).resolve().parents[2]


def _readme_block(start: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index(start):]
    return block[:block.index("```")]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The README's attributes-demo file (format 3), with a resolution file."""
    path = tmp_path / "demo.yaml"
    path.write_text(_readme_block("pactsim: 3\nid: attributes-demo"), encoding="utf-8")
    (tmp_path / "demo.res.yaml").write_text(
        "resolutions: 1\nscenario: attributes-demo\nsources: {s: a wire}\noutcomes:\n"
        "  signing: {outcome: 2024-12-20, resolved: 2024-12-20, source: s}\n"
        "  military: {outcome: true, resolved: 2024-12-20, source: s}\n"
        "  long_text: {outcome: false, resolved: 2024-12-20, source: s}\n", encoding="utf-8")
    return path


def test_a_file_with_numeric_attributes_is_scored_pooled_and_reported(
        demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A question over an attribute (long_text: n_articles >= 40) was refused by score,
    pool and report -q/-r as an "unknown name"."""
    res = tmp_path / "demo.res.yaml"
    code, out, err = call(capsys, "score", demo, "-r", res)
    assert code == 0, err
    # by exact inference: P(long_text) is P(signed) x P(lognormal median 40 rounds >= 40)
    ex = pactsim.exact(pactsim.load(demo))
    line = next(x for x in out.splitlines() if x.startswith("long_text"))
    assert float(line.split()[1]) == pytest.approx(ex.prob("long_text").value, abs=5e-4)
    copy = tmp_path / "demo2.yaml"
    copy.write_text(demo.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = call(capsys, "pool", demo, copy)
    assert code == 0 and "long_text" in out, err
    code, _, err = call(capsys, "report", demo, "-q", "long_text", "-r", res, "-n", "2000",
                        "--seed", "1", "-o", tmp_path / "demo.html")
    assert code == 0, err
