"""The README's scenario format section is complete and its YAML runs (issue 17 item 1).

Every ```yaml block of the README validates as shown; a block preceded by
``<!-- fragment -->`` is part of a file and validates under a minimal header,
and one preceded by ``<!-- resolutions -->`` is a resolution file, validated
against the scenario it resolves.
Every key the scenario models accept is named in the format section, so a key
added to the format (``pactsim: 2`` keys as they land) fails here until it is
documented.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import pactsim
from helpers import json_ready
from pactsim.language.attributes import Attribute
from pactsim.language.scenario import Driver, Node, Pillar, Question, Scenario, Signing

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
HEADER = "pactsim: 1\nid: fragment\nas_of: 2024-11-05\nhorizon: 2025-12-31\n"
FRAGMENT = "<!-- fragment -->"
RESOLUTIONS = "<!-- resolutions -->"


def _marked(text: str) -> list[tuple[int, str, str]]:
    """``(line, the line above it, text)`` of every ```yaml block, in order."""
    out = []
    for m in re.finditer(r"```yaml\n(.*?)^```", text, re.S | re.M):
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        line = text.count("\n", 0, m.start()) + 1
        out.append((line, before, m.group(1)))
    return out


def _blocks(text: str) -> list[tuple[int, bool, str]]:
    """``(line, is a fragment, text)`` of every ```yaml block of a scenario, in order."""
    return [(line, before == FRAGMENT, body) for line, before, body in _marked(text)
            if before != RESOLUTIONS]


def _resolution_blocks(text: str) -> list[tuple[int, str]]:
    """``(line, text)`` of every ```yaml block marked as a resolution file."""
    return [(line, body) for line, before, body in _marked(text) if before == RESOLUTIONS]


BLOCKS = _blocks(README)
RESOLUTION_BLOCKS = _resolution_blocks(README)


def _format_section() -> str:
    start = README.index("## The scenario format, in brief")
    return README[start: README.index("\n## ", start + 1)]


def test_the_readme_has_yaml_blocks_and_the_main_one_is_whole() -> None:
    assert len(BLOCKS) >= 2
    main = [b for b in BLOCKS if b[2].lstrip().startswith("# yaml-language-server")]
    assert len(main) == 1
    assert not main[0][1], "the main example must validate as shown, not as a fragment"


@pytest.mark.parametrize(("line", "fragment", "text"), BLOCKS,
                         ids=[f"README.md:{b[0]}" for b in BLOCKS])
def test_every_readme_yaml_block_validates(line: int, fragment: bool, text: str) -> None:
    sc = pactsim.loads(HEADER + text if fragment else text, name=f"README.md:{line}")
    assert sc.nodes


def test_the_main_example_uses_titles_labels_and_reasons() -> None:
    text = next(b[2] for b in BLOCKS if b[2].lstrip().startswith("# yaml-language-server"))
    sc = pactsim.loads(text)
    assert sc.title and sc.description
    assert sc.signing is not None and sc.signing.why_by
    kinds_with_why = {v.kind for v in sc.iter_nodes() if v.why}
    assert kinds_with_why >= {"driver", "event", "signing", "clause", "question"}
    assert any(isinstance(v.spec, Node) and v.spec.why_table for v in sc.iter_nodes())
    html = sc._repr_html_()
    assert sc.title.split()[0] in html and "Strategic alignment" in html
    # the schema accepts it too (editors complete against it)
    jsonschema = pytest.importorskip("jsonschema")
    from pactsim.language.jsonschema import json_schema

    from_yaml = json_ready(_load_plain(text))
    jsonschema.validate(from_yaml, json_schema())


@pytest.mark.parametrize("model", [Scenario, Driver, Node, Pillar, Signing, Question, Attribute],
                         ids=lambda m: m.__name__)
def test_every_key_is_documented(model: type) -> None:
    section = _format_section()
    missing = [k for k in model.model_fields if f"`{k}`" not in section]
    assert missing == [], f"README format section does not mention {missing}"


def test_blocks_are_found_and_fragments_marked() -> None:
    assert _blocks("x\n<!-- fragment -->\n```yaml\na: 1\n```\n") == [(3, True, "a: 1\n")]
    assert _blocks("text\n```yaml\na: 1\n```\n")[0][1] is False
    marked = "x\n<!-- resolutions -->\n```yaml\nb: 2\n```\n```yaml\na: 1\n```\n"
    assert _resolution_blocks(marked) == [(3, "b: 2\n")]
    assert _blocks(marked) == [(6, False, "a: 1\n")]


def _keeping_score_section() -> str:
    start = README.index("## Keeping score")
    return README[start: README.index("\n## ", start + 1)]


def test_the_resolution_example_is_a_valid_resolution_file() -> None:
    """The README's resolution file validates, against the scenario it names, as shown."""
    from pactsim.language.resolutions import loads_resolutions

    assert len(RESOLUTION_BLOCKS) == 1, "mark the resolution file example <!-- resolutions -->"
    line, text = RESOLUTION_BLOCKS[0]
    assert f"```yaml\n{text}" in _keeping_score_section()
    res = loads_resolutions(text, name=f"README.md:{line}")
    sc = pactsim.load(ROOT / "scenarios" / f"{res.scenario}.yaml")
    loads_resolutions(text, name=f"README.md:{line}", scenario=sc)  # raises, located, if not
    # it shows what the prose describes: each kind of outcome, a condition, a base rate
    kinds = {o.kind for o in res.outcomes.values()}
    assert kinds == {"binary", "date", "unresolvable"}
    assert any(o.given for o in res.outcomes.values())
    assert any(o.base_rate is not None for o in res.outcomes.values())
    assert all(o.reason for o in res.outcomes.values() if o.unresolvable)
    # and it scores
    card = pactsim.score(sc, res)
    assert set(card.items.item) >= {"signing", "signing.date", "mutual_defence"}


def test_every_resolution_key_is_documented() -> None:
    from pactsim.language import resolutions

    section = _keeping_score_section()
    keys = [*resolutions._TOP, *resolutions._FIELDS]
    missing = [k for k in keys if f"`{k}`" not in section and f"\n{k}:" not in section]
    assert missing == [], f"README Keeping score section does not mention {missing}"


def _load_plain(text: str) -> object:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(text)




WHOLE = [(line, text) for line, fragment, text in BLOCKS
         if not fragment and "\nextends:" not in "\n" + text]


@pytest.mark.parametrize(("line", "text"), WHOLE, ids=[f"README.md:{b[0]}" for b in WHOLE])
def test_every_whole_readme_file_runs_reports_displays_and_checks_clean(
        line: int, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What a reader does with a file copied from the README: `pactsim run` (with its
    spread over uncertain inputs), `pactsim report`, the notebook display and `pactsim
    check`, each without an error, and check without findings (the README's own
    examples are the ones a linter must not complain about). Validating them was not
    enough: the time example made `run` exit 2 and `report` crash."""
    from helpers import call

    path = tmp_path / f"readme-{line}.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = call(capsys, "run", path, "-n", "4000", "--seed", "1")
    assert code == 0, err
    assert "Traceback" not in out + err
    code, out, err = call(capsys, "report", path, "-n", "4000", "--seed", "1",
                          "-o", tmp_path / "r.html")
    assert code == 0, err
    assert (tmp_path / "r.html").stat().st_size > 1000
    sc = pactsim.load(path)
    assert sc._repr_html_().startswith("<div")
    code, out, err = call(capsys, "check", path)
    assert code == 0, out + err
