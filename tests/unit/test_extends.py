"""Variants in files: ``extends:`` and ``set:`` (pactsim.language.extends, issue 11 item 6)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

import pactsim
from helpers import call
from pactsim.errors import PactsimWarning, ScenarioError
from pactsim.language.extends import MAX_EXTENDS

ROOT = Path(__file__).parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
EXAMPLE = ROOT / "scenarios" / "variants" / "iran-russia-2024-firm-december.yaml"

BASE = """\
pactsim: 1
id: base
title: The base
as_of: 2025-01-01
horizon: 2025-12-31
sources: {s: "A source", t: "Another"}
drivers:
  mood: {dist: uniform, low: -1, high: 1}
events:
  e: {p: 0.2, source: s}
  f: {p: 0.4, label: Eff}
  g: {p: 0.5}
signing:
  by: {2025-03-31: 0.2, 2025-06-30: 0.5, 2025-12-31: 0.7}
pillars:
  mil:
    given: [e]
    table: {true: 0.9, false: 0.4}
    clauses:
      c: {p: 0.5}
questions:
  q: c or e
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def variant(body: str, *, id_: str = "child", extends: str = "base.yaml") -> str:
    return f"pactsim: 2\nextends: {extends}\nid: {id_}\n{body}"


def problems(err: pytest.ExceptionInfo[ScenarioError]) -> list[tuple[str, int | None,
                                                                     int | None, str]]:
    return [(Path(p.path or "").name, p.line, p.column, p.field) for p in err.value.problems]


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(tmp_path, "base.yaml", BASE)


# -- merge semantics --------------------------------------------------------------------


def test_sections_merge_by_name_and_the_rest_is_replaced(tmp_path, base):
    child = write(tmp_path, "child.yaml", variant("""\
title: The child
sources: {u: "A third"}
events:
  h: {p: 0.3, source: u}
  f: {p: 0.1}
pillars:
  mil: {p: 0.6}
questions:
  extra: h and signing
  q: e
"""))
    sc = pactsim.load(child)
    assert sc.id == "child" and sc.pactsim == 2 and sc.title == "The child"
    assert sc.as_of == dt.date(2025, 1, 1) and sc.horizon == dt.date(2025, 12, 31)  # inherited
    assert list(sc.sources) == ["s", "t", "u"]
    # a new name goes at the end; a replaced node keeps its place and is replaced whole
    assert list(sc.events) == ["e", "f", "g", "h"]
    assert sc.events["f"].p == 0.1 and sc.events["f"].label is None
    assert sc.pillars["mil"].p == 0.6 and not sc.pillars["mil"].clauses  # clauses went with it
    assert list(sc.questions) == ["q", "extra"] and sc.questions["q"] == "e"
    assert sc.extends == (str(base),)
    assert pactsim.load(base).extends == ()


def test_signing_and_metadata_written_replace_the_base(tmp_path, base):
    child = write(tmp_path, "child.yaml", variant("""\
horizon: 2026-06-30
description: Longer
signing:
  by: {2025-12-31: 0.5, 2026-06-30: 0.8}
"""))
    sc = pactsim.load(child)
    assert sc.horizon == dt.date(2026, 6, 30) and sc.description == "Longer"
    assert list(sc.signing.by) == [dt.date(2025, 12, 31), dt.date(2026, 6, 30)]


def test_set_applies_after_the_merge_as_with_changes(tmp_path, base):
    child = write(tmp_path, "child.yaml", variant("""\
events:
  h: {p: 0.3}
set:
  h.p: 0.35
  signing.by.2025-09-30: 0.6
  mil.clauses.d: {p: 0.2}
  e.p: 0.25
"""))
    sc = pactsim.load(child)
    assert sc.events["h"].p == 0.35 and sc.events["e"].p == 0.25
    assert list(sc.signing.by)[2] == dt.date(2025, 9, 30)
    assert list(sc.pillars["mil"].clauses) == ["c", "d"]


def test_a_variant_equals_the_same_scenario_written_out(tmp_path, base):
    child = write(tmp_path, "child.yaml", variant("""\
events:
  h: {p: 0.3}
set:
  signing.by.2025-03-31: 0.3
"""))
    by_hand = BASE.replace("pactsim: 1\nid: base", "pactsim: 2\nid: child").replace(
        "  g: {p: 0.5}\n", "  g: {p: 0.5}\n  h: {p: 0.3}\n").replace("2025-03-31: 0.2",
                                                                   "2025-03-31: 0.3")
    written = pactsim.loads(by_hand)
    sc = pactsim.load(child)
    assert sc == written and sc.digest == written.digest and hash(sc) == hash(written)
    assert sc.extends and not written.extends  # where it came from is not part of equality


def test_the_shipped_example_is_the_base_with_changes():
    sc = pactsim.load(EXAMPLE)
    base = pactsim.load(FLAGSHIP)
    assert sc.extends == (os.path.normpath(FLAGSHIP),)
    assert sc.signing.by[dt.date(2024, 12, 31)] == 0.6
    assert sc.signing.by[dt.date(2025, 3, 31)] == 0.7
    why = {f"signing.why_by.{d}": sc.signing.why_by[dt.date.fromisoformat(d)]
           for d in ("2024-12-31", "2025-03-31")}
    assert sc.signing.why != base.signing.why  # the variant says why of its own
    same = base.with_changes({"signing.by.2024-12-31": 0.60, "signing.by.2025-03-31": 0.70,
                              "signing.why": sc.signing.why, **why},
                             id="iran-russia-2024-firm-december", title=sc.title)
    assert sc == same
    # the notebook's firm December variant, which keeps the base's reasons
    assert pactsim.from_dict({**sc.model_dump(), "signing": {
        **sc.signing.model_dump(), "why": base.signing.why, "why_by": base.signing.why_by},
        "title": base.title}) == \
        base.with_changes({"signing.by.2024-12-31": 0.60, "signing.by.2025-03-31": 0.70},
                          id="iran-russia-2024-firm-december")


def test_locate_names_the_file_of_each_part():
    sc = pactsim.load(EXAMPLE)
    assert sc.locate(("id",))[0] == str(EXAMPLE)
    file, line, _ = sc.locate(("signing", "by", dt.date(2024, 12, 31)))
    assert file == str(EXAMPLE) and "signing.by.2024-12-31" in EXAMPLE.read_text().splitlines()[
        line - 1]
    file, line, _ = sc.locate(("events", "us_trump_win"), key=True)
    assert file == os.path.normpath(FLAGSHIP)
    assert FLAGSHIP.read_text().splitlines()[line - 1].lstrip().startswith("us_trump_win:")


def test_a_chain_of_variants(tmp_path, base):
    write(tmp_path, "mid/one.yaml", variant("events:\n  h: {p: 0.3}\nset:\n  e.p: 0.3\n",
                                            id_="one", extends="../base.yaml"))
    top = write(tmp_path, "two.yaml", variant("set:\n  h.p: 0.6\n", id_="two",
                                              extends="mid/one.yaml"))
    sc = pactsim.load(top)
    assert (sc.events["e"].p, sc.events["h"].p, sc.id) == (0.3, 0.6, "two")
    assert [Path(f).name for f in sc.extends] == ["one.yaml", "base.yaml"]


# -- errors point into the file that has them ------------------------------------------


def test_a_bad_value_in_the_variant_points_at_the_variant(tmp_path, base):
    child = write(tmp_path, "child.yaml", variant("events:\n  h: {p: 1.5}\n"))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    assert problems(err) == [("child.yaml", 5, 10, "events.h.p")]


def test_a_problem_in_the_base_points_at_the_base(tmp_path):
    write(tmp_path, "base.yaml", BASE.replace("f: {p: 0.4", "f: {p: 1.4"))
    child = write(tmp_path, "child.yaml", variant("events:\n  h: {p: 0.3}\n"))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    assert problems(err) == [("base.yaml", 11, 10, "events.f.p")]


def test_a_problem_the_merge_makes_points_at_the_base_line_it_concerns(tmp_path, base):
    # the variant removes nothing, but replaces event e by one that needs a name it lacks
    child = write(tmp_path, "child.yaml", variant("events:\n  e: {p: 0.2, source: zz}\n"
                                                  "questions:\n  q2: e and nope\n"))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    got = problems(err)
    assert ("child.yaml", 5, 23, "events.e.source") in got
    assert any(p[0] == "child.yaml" and p[1] == 7 and p[3] == "questions.q2" for p in got)
    # an expression's column counts in the variant's own line
    (q2,) = [p for p in err.value.problems if p.field == "questions.q2"]
    assert q2.column == len("  q2: e and ") + 1


def test_a_base_line_the_variant_breaks_is_reported_at_the_base(tmp_path, base):
    child = write(tmp_path, "child.yaml", variant("pillars:\n  mil: {p: 0.6}\n"))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)  # clause c went with the pillar, and the base's question asks for it
    assert problems(err) == [("base.yaml", 22, 6, "questions.q")]
    assert "unknown name 'c'" in err.value.problems[0].message


def test_a_name_used_twice_across_files_says_where(tmp_path, base):
    child = write(tmp_path, "child.yaml", variant("questions:\n  g: e or f\n"))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    (p,) = err.value.problems
    assert (Path(p.path).name, p.line, p.column) == ("child.yaml", 5, 3)
    assert f"already used at {base}:12" in p.message


def test_a_set_key_that_names_nothing_points_at_that_key(tmp_path, base):
    child = write(tmp_path, "child.yaml", variant("set:\n  e.p: 0.3\n  nope.p: 0.5\n"
                                                  "  e.odds.mood.x: 2\n"))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    assert problems(err) == [("child.yaml", 6, 3, "set.nope.p"),
                             ("child.yaml", 7, 3, "set.e.odds.mood.x")]
    assert "'nope' is neither a section nor a node" in err.value.problems[0].message


def test_a_bad_set_value_points_at_its_entry(tmp_path, base):
    child = write(tmp_path, "child.yaml", variant("set:\n  signing.by.2025-03-31: 1.5\n"))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    assert problems(err)[0][:3] == ("child.yaml", 5, 26)


def test_a_set_value_that_makes_another_value_wrong_is_blamed(tmp_path, base):
    child = write(tmp_path, "child.yaml", variant("set:\n  signing.by.2025-03-31: 0.6\n"))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    (p,) = err.value.problems
    assert (Path(p.path).name, p.line, p.column, p.field) == (
        "child.yaml", 5, 26, "set.signing.by.2025-03-31")
    assert p.message.startswith("= 0.6 makes signing.by.2025-06-30")
    assert f"{base}:14" in p.message



@pytest.mark.parametrize("order", ["innocent first", "culprit first"])
def test_a_set_entry_that_removed_a_name_is_blamed_not_its_neighbour(tmp_path, base, order):
    """`set: {g.p: 0.2, mil.clauses: {}}` made `q: c or e` wrong; the valid `g.p` was
    blamed, "with set: mil.clauses" (review-cli, 2026-12-04). The entry that removed the
    clause is named, wherever it is written; so with with_changes."""
    lines = ["  g.p: 0.2\n", "  mil.clauses: {}\n"]
    if order == "culprit first":
        lines.reverse()
    child = write(tmp_path, "child.yaml", variant("set:\n" + "".join(lines)))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    (p,) = err.value.problems
    assert p.field == "set.mil.clauses" and p.line == 5 + lines.index("  mil.clauses: {}\n")
    assert p.message.startswith("= {} makes questions.q") and "with set" not in p.message
    assert "unknown name 'c'" in p.message
    with pytest.raises(ScenarioError) as err:
        pactsim.load(base).with_changes({"g.p": 0.2, "mil.clauses": {}})
    (p,) = err.value.problems
    assert "mil.clauses" in str(p) and "g.p" not in str(p), str(p)


@pytest.mark.parametrize(("body", "field", "line", "by"), [
    # as_of moved past the base's first curve point
    ("as_of: 2025-05-01\n", "signing.by.2025-03-31", 14, "as_of at line 4"),
    # a pillar written whole, without the clause a question of the base uses
    ("pillars:\n  mil: {p: 0.5}\n", "questions.q", 22, "pillars.mil at line 5"),
])
def test_a_base_value_a_variant_made_wrong_names_the_variant(
        tmp_path, base, body, field, line, by):
    """A variant's own keys can make its base's values wrong: the problem is at the base's
    line (that value is what no longer holds), but the base is valid alone, so the
    message names the variant's key that did it (review-cli, 2026-12-04: only the base
    was named)."""
    child = write(tmp_path, "child.yaml", variant(body))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    (p,) = err.value.problems
    assert (Path(p.path).name, p.field, p.line) == ("base.yaml", field, line)
    assert p.message.endswith(f"(made wrong by {child}: {by})"), p.message

@pytest.mark.parametrize(("body", "where", "words"), [
    ("set:\n  e.p: 0.3\n", (1, 1), "missing required field 'id'"),
    ("id: base\n", (3, 5), "is the id of the base"),
    ("id: child\nset: [e.p]\n", (4, 6), "must be a mapping of dotted paths"),
])
def test_the_header_of_a_variant(tmp_path, base, body, where, words):
    child = write(tmp_path, "child.yaml", "pactsim: 2\nextends: base.yaml\n" + body)
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    (p,) = err.value.problems
    assert (Path(p.path).name, p.line, p.column) == ("child.yaml", *where)
    assert words in p.message


def test_extends_and_set_are_format_2(tmp_path, base):
    child = write(tmp_path, "child.yaml", "pactsim: 1\nextends: base.yaml\nid: child\n"
                  "set:\n  e.p: 0.3\n")
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    assert problems(err) == [("child.yaml", 2, 1, "extends"), ("child.yaml", 4, 1, "set")]
    assert all("write `pactsim: 2`" in p.message for p in err.value.problems)


def test_set_without_extends_and_extends_not_a_path(tmp_path, base):
    alone = write(tmp_path, "alone.yaml", BASE.replace("pactsim: 1", "pactsim: 2")
                  + "set:\n  e.p: 0.3\n")
    with pytest.raises(ScenarioError, match=r"alone.yaml:23:1: set: `set:` changes"):
        pactsim.load(alone)
    odd = write(tmp_path, "odd.yaml", "pactsim: 2\nextends: [base.yaml]\nid: odd\n")
    with pytest.raises(ScenarioError, match=r"odd.yaml:2:10: extends: = \[base.yaml\] must"):
        pactsim.load(odd)


# -- cycles, depth, files -----------------------------------------------------------


def test_a_file_that_extends_itself(tmp_path):
    me = write(tmp_path, "me.yaml", variant("", id_="me", extends="me.yaml"))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(me)
    (p,) = err.value.problems
    assert (p.line, p.column, p.field) == (2, 10, "extends")
    assert f"extends itself: {me} → {me}" in p.message


def test_a_cycle_is_named(tmp_path):
    a = write(tmp_path, "a.yaml", variant("", id_="a", extends="sub/b.yaml"))
    b = write(tmp_path, "sub/b.yaml", variant("", id_="b", extends="../a.yaml"))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(a)
    (p,) = err.value.problems
    assert (Path(p.path), p.line, p.column) == (b, 2, 10)
    assert f"closes a cycle: {a} → {b} → {a}" in p.message


def test_the_chain_length_is_capped(tmp_path, base):
    write(tmp_path, "v0.yaml", variant("", id_="v0"))
    for i in range(1, MAX_EXTENDS + 2):
        write(tmp_path, f"v{i}.yaml", variant("", id_=f"v{i}", extends=f"v{i - 1}.yaml"))
    assert pactsim.load(tmp_path / f"v{MAX_EXTENDS - 1}.yaml").extends[-1] == str(base)
    with pytest.raises(ScenarioError, match=f"more than {MAX_EXTENDS} files extend one another"):
        pactsim.load(tmp_path / f"v{MAX_EXTENDS + 1}.yaml")


def test_a_deep_chain_does_not_recurse(tmp_path, base):
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # reading a chain needs no stack per file
    try:
        write(tmp_path, "v0.yaml", variant("", id_="v0"))
        for i in range(1, MAX_EXTENDS):
            write(tmp_path, f"v{i}.yaml", variant("", id_=f"v{i}", extends=f"v{i - 1}.yaml"))
        assert len(pactsim.load(tmp_path / f"v{MAX_EXTENDS - 1}.yaml").extends) == MAX_EXTENDS
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize(("target", "words"), [
    ("missing.yaml", "No such file"),
    ("folder", "it is a folder, not a regular file"),
    ("/dev/null", "it is a character device"),
    ("fifo", "it is a named pipe (FIFO)"),
])
def test_extends_of_what_is_not_a_regular_file(tmp_path, target, words):
    (tmp_path / "folder").mkdir()
    if target == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(tmp_path / "fifo")
    if target == "/dev/null" and not Path("/dev/null").exists():
        pytest.skip("no /dev/null here")
    child = write(tmp_path, "child.yaml", variant("", extends=target))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    (p,) = err.value.problems
    assert (Path(p.path).name, p.line, p.column, p.field) == ("child.yaml", 2, 10, "extends")
    assert words in p.message


def test_a_broken_base_is_reported_in_the_base(tmp_path):
    write(tmp_path, "base.yaml", "pactsim: 1\nid: [\n")
    child = write(tmp_path, "child.yaml", variant(""))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    assert Path(err.value.problems[0].path).name == "base.yaml"


# -- loads, from_dict ---------------------------------------------------------------------


def test_loads_resolves_relative_to_the_folder_of_name(tmp_path, base, monkeypatch):
    text = variant("set:\n  e.p: 0.3\n")
    assert pactsim.loads(text, name=str(tmp_path / "x.yaml")).events["e"].p == 0.3
    monkeypatch.chdir(tmp_path)
    sc = pactsim.loads(text)  # the default name: the current directory
    assert sc.extends == ("base.yaml",) and sc.events["e"].p == 0.3
    monkeypatch.chdir(tmp_path / "..")
    with pytest.raises(ScenarioError, match=r"<scenario>:2:10: extends: = 'base.yaml': cannot"):
        pactsim.loads(text)


def test_from_dict_does_not_follow_extends():
    with pytest.raises(ScenarioError, match="followed when a file or text is read"):
        pactsim.from_dict({"pactsim": 2, "id": "x", "as_of": dt.date(2025, 1, 1),
                           "horizon": dt.date(2025, 12, 31), "extends": "base.yaml"})


# -- the command line ------------------------------------------------------------------------


def test_cli_validate_and_run_follow_extends(capsys):
    code, out, err = call(capsys, "validate", EXAMPLE)
    assert code == 0, err
    assert out.strip() == f"{EXAMPLE}: ok"
    code, out, err = call(capsys, "run", EXAMPLE, "-n", "2000", "--seed", "1")
    assert code == 0, err
    assert "iran-russia-2024-firm-december" in out or "firm December" in out


def test_cli_validate_reports_in_the_right_file(tmp_path, base, capsys):
    child = write(tmp_path, "child.yaml", variant("set:\n  nope: 1\n"))
    code, _out, err = call(capsys, "validate", child)
    assert code == 2
    assert err.strip().startswith(f"{child}:5:3: set.nope: ")


def test_a_variant_in_an_older_format_than_its_base_is_told_so_at_its_own_header(tmp_path):
    base3 = BASE.replace("pactsim: 1", "pactsim: 3").replace(
        "  g: {p: 0.5}", "  g:\n    levels: {absent: 0.5, low: 0.3, high: 0.2}")
    write(tmp_path, "base.yaml", base3)
    child = write(tmp_path, "child.yaml", variant("events:\n  e: {p: 0.3}\n"))
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    assert problems(err) == [("child.yaml", 1, 10, "pactsim")]
    assert "write `pactsim: 3`" in str(err.value)
    assert "base.yaml" in str(err.value)
    # the same variant at the base's format loads, with the base's categorical node
    ok = write(tmp_path, "ok.yaml", variant("events:\n  e: {p: 0.3}\n").replace(
        "pactsim: 2", "pactsim: 3"))
    sc = pactsim.load(ok)
    assert sc.outcomes["g"] == ("absent", "low", "high")
    assert sc.events["e"].p == 0.3


def test_extends_in_text_without_a_name_says_its_path_is_from_the_current_folder(
        tmp_path) -> None:
    text = "pactsim: 2\nextends: nothere.yaml\nid: v\n"
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text)
    assert "(the path is relative to the current folder: the text has no file name)" in str(
        err.value)
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name=str(tmp_path / "v.yaml"))
    assert "(the path is relative to this file)" in str(err.value)


def test_a_missing_base_of_a_file_in_the_current_folder_is_relative_to_this_file(
        tmp_path, monkeypatch) -> None:
    """A file given by a bare name has no folder in its name, but it is a file: the
    message must not say the text has no file name (a review found it did)."""
    from pactsim.errors import ScenarioError

    (tmp_path / "child.yaml").write_text(
        "pactsim: 2\nextends: mineral.yaml\nid: child\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as caught:
        pactsim.load("child.yaml")
    text = str(caught.value)
    assert "(the path is relative to this file)" in text and "no file name" not in text
    with pytest.raises(ScenarioError) as caught:
        pactsim.loads("pactsim: 2\nextends: mineral.yaml\nid: child\n")
    assert "the text has no file name" in str(caught.value)


def test_a_chain_validates_each_entry_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    """Each level of a chain validates its merged scenario (so every base is valid), but
    an entry the level before validated is not validated again, nor a second time
    when the scenario is built: five files of 120 events in all make 121 nodes (one
    replaced), where every level afresh, twice, made 2 * (30 + 60 + 90 + 120 + 120) =
    840 (17 files of 1,200 events took 17 s)."""
    from pactsim.language.scenario import Node

    head = "pactsim: 2\nid: c0\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
    for k in range(4):
        body = "".join(f"  e{k}_{i}: {{p: 0.5}}\n" for i in range(30))
        top = head if k == 0 else f"pactsim: 2\nextends: c{k - 1}.yaml\nid: c{k}\n"
        write(tmp_path, f"c{k}.yaml", top + "events:\n" + body)
    # a later level that replaces an entry validates the new one
    write(tmp_path, "c4.yaml", "pactsim: 2\nextends: c3.yaml\nid: c4\nevents:\n"
          "  e0_0: {p: 0.25}\n")
    made = {"n": 0}
    real = Node.model_post_init

    def counting(self: Node, context: object, /) -> None:  # every Node built
        made["n"] += 1
        real(self, context)

    monkeypatch.setattr(Node, "model_post_init", counting)
    sc = pactsim.loads((tmp_path / "c4.yaml").read_text(), name=str(tmp_path / "c4.yaml"))
    assert made["n"] == 121
    monkeypatch.undo()
    assert len(sc.events) == 120 and sc.events["e0_0"].p == 0.25
    assert list(sc.events)[:2] == ["e0_0", "e0_1"]  # a replaced entry keeps its place
    whole = "".join(f"  e{k}_{i}: {{p: {0.25 if (k, i) == (0, 0) else 0.5}}}\n"
                    for k in range(4) for i in range(30))
    assert sc == pactsim.loads(head.replace("id: c0", "id: c4") + "events:\n" + whole)


def test_a_chain_holds_at_most_max_chain_nodes(tmp_path: Path) -> None:
    """The files of a chain hold at most MAX_CHAIN_NODES YAML nodes together (each file
    may hold MAX_NODES): over it, the file whose base passes the limit is refused at
    its `extends:`, naming the count, the limit and the chain; at it, the chain loads."""
    from pactsim.language._yaml import MAX_NODES
    from pactsim.language.extends import MAX_CHAIN_NODES

    assert MAX_CHAIN_NODES == 2 * MAX_NODES
    head = "pactsim: 2\nid: c0\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"

    def chain(base_events: int, events: int) -> Path:
        # an event `a0: {p: 0.5}` is 4 nodes: its key, its mapping, p and 0.5
        write(tmp_path, "c0.yaml", head + "".join(f"  a{i}: {{p: 0.5}}\n"
                                                  for i in range(base_events)))
        for k in (1, 2):
            write(tmp_path, f"c{k}.yaml", f"pactsim: 2\nextends: c{k - 1}.yaml\nid: c{k}\n"
                  "events:\n" + "".join(f"  e{k}_{i}: {{p: 0.5}}\n" for i in range(events)))
        return tmp_path / "c2.yaml"

    # c0: the root mapping (1 node), 4 header keys and values (8), events (2), 4 per
    # event; c1, c2: the root, 3 header keys and values, events, 4 per event
    def total(base_events: int, events: int) -> int:
        return 11 + 4 * base_events + 2 * (9 + 4 * events)

    events = 700  # (each file under MAX_NODES)
    base_events = (MAX_CHAIN_NODES - total(0, events)) // 4  # at the limit
    assert total(base_events, events) <= MAX_CHAIN_NODES < total(base_events + 1, events)
    sc = pactsim.load(chain(base_events, events))
    assert len(sc.events) == base_events + 2 * events
    with pytest.raises(ScenarioError) as err:
        pactsim.load(chain(base_events + 1, events))
    [p] = err.value.problems
    assert (Path(p.path or "").name, p.line, p.column, p.field) == ("c1.yaml", 2, 10, "extends")
    assert f"hold {total(base_events + 1, events):,} YAML nodes together" in p.message
    assert f"more than the {MAX_CHAIN_NODES:,} one chain may" in p.message
    assert "c2.yaml → c1.yaml → c0.yaml" in p.message.replace(str(tmp_path) + os.sep, "")


def test_a_variant_pickles_with_every_protocol(tmp_path: Path) -> None:
    """A variant's positions are views of the merged tables; it pickles with every
    protocol (0 and 1 too) and locates its fields after."""
    import pickle

    write(tmp_path, "base.yaml", BASE)
    path = write(tmp_path, "child.yaml", variant("events:\n  h: {p: 0.1}\n"))
    sc = pactsim.load(path)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(sc, protocol=protocol))
        assert back == sc
        assert back.locate(("events", "h")) == sc.locate(("events", "h")) == (str(path), 5, 6)
        assert back.locate(("events", "e")) == sc.locate(("events", "e"))


# -- a new node one slip from a name the base has -----------------------------------------


def test_set_adding_a_clause_one_slip_from_another_warns_at_its_line(tmp_path):
    write(tmp_path, "base.yaml", BASE.replace("      c: {p: 0.5}", "      jets_sale: {p: 0.5}")
          .replace("q: c or e", "q: jets_sale or e"))
    child = write(tmp_path, "child.yaml", variant(
        "set:\n  mil.clauses.jets_sael: {p: 0.3}\n  mil.clauses.jets_sale_2: {p: 0.2}\n"))
    with pytest.warns(PactsimWarning) as caught:
        sc = pactsim.load(child)
    assert [str(w.message) for w in caught] == [
        f"{child}:5:3: set.mil.clauses.jets_sael: adds a new clause 'jets_sael'; did you mean "
        "'jets_sale'? (a name that is not found adds a clause, so a slip of the hand would "
        "go unnoticed)"]
    assert caught[0].filename == __file__  # the user's line, not pactsim's
    # the clause is added all the same: a warning, not a refusal
    assert {"jets_sael", "jets_sale_2", "jets_sale"} <= set(sc.nodes)


def test_pactsim_validate_prints_the_slip_and_still_passes(tmp_path, capsys):
    write(tmp_path, "base.yaml", BASE.replace("  g: {p: 0.5}", "  gaza_war: {p: 0.5}"))
    child = write(tmp_path, "child.yaml", variant("set:\n  events.gaza_wra: {p: 0.3}\n"))
    code, out, err = call(capsys, "validate", child)
    assert code == 0 and out.strip().endswith("ok")
    assert f"pactsim: warning: {child}:5:3: set.events.gaza_wra: adds a new event 'gaza_wra'; " \
           "did you mean 'gaza_war'?" in err
