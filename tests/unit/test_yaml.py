"""Tests of pactsim.language._yaml: safe parsing, plain data, positions, located errors."""

from __future__ import annotations

import datetime
import math
from pathlib import Path

import pytest

from pactsim.errors import ScenarioError
from pactsim.language._yaml import MAX_BYTES, MAX_DEPTH, MAX_NODES, Located, parse_yaml


def _laughs(levels: int, width: int = 10) -> str:
    lines = ["lol0: &l0 lol"]
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def _nested(depth: int) -> str:
    return "a: " + "[" * depth + "]" * depth + "\n"


# (id, source, line, column, message substring)
BAD = [
    ("too-big", "a: " + "x" * MAX_BYTES, 1, 1, f"over the limit of {MAX_BYTES:,} bytes"),
    ("not-utf8", b"a: 1\nb: x\xffy\n", 2, 5, "not valid UTF-8 (byte 0xff"),
    ("not-utf8-after-multibyte", "a: é".encode() + b"\xc3(", 1, 5, "not valid UTF-8"),
    ("empty", "", 1, 1, "the file is empty"),
    ("whitespace", "  \n\t\n", 1, 1, "the file is empty"),
    ("comments", "# nothing\n  # here\n", 1, 1, "the file is empty"),
    ("tabs-and-comments", "\t\n\t# here\r\n", 1, 1, "the file is empty"),
    ("bom-only", b"\xef\xbb\xbf", 1, 1, "the file is empty"),
    ("bare-doc-marker", "---\n", 1, 1, "the file is empty"),
    ("two-docs", "a: 1\n---\nb: 2\n", 2, 1, "a second YAML document starts here"),
    ("two-docs-explicit", "---\na: 1\n---\nb: 2\n", 3, 1, "second YAML document"),
    ("top-list", "- a\n- b\n", 1, 1, "the top level is a list, not a mapping"),
    ("top-flow-list", "  [1, 2]\n", 1, 3, "the top level is a list"),
    ("top-scalar", "hello\n", 1, 1, "the top level is a single value, not a mapping"),
    ("top-null", "~\n", 1, 1, "the top level is a single value"),
    ("unclosed-flow", "a: [1, 2\nb: 3\n", 2, 2, "invalid YAML: expected ',' or ']'"),
    ("bad-indent", "a:\n  b: 1\n c: 2\n", 3, 2, "invalid YAML: this line is indented 1 space, "
     "which lines up with no key above (line 2 is indented 2, line 1 0): indent it exactly like"),
    ("over-indent", "a: 1\n  b: 2\n", 2, 4, "invalid YAML: a `key: value` cannot start here"),
    ("over-indent-after-flow", "e:\n  a: {p: 1}\n    b: {p: 2}\n", 3, 5, "this line is indented"
     " 4 spaces, more than line 2 (2), whose key already has a value"),
    ("list-item-among-keys", "e:\n  a:\n    r:\n    - b\n  - c\n", 5, 3, "this list item is "
     "indented 2 spaces, where a key is expected: indent it like the other items of its list "
     "(item of line 4: 4 spaces)"),
    ("tab-indent", "a:\n\tb: 1\n", 2, 1, "invalid YAML: a tab character here: YAML indents "
     "with spaces only"),
    ("unclosed-quote", 'a: "abc\n', 2, 1, "invalid YAML: found unexpected end of stream"),
    ("colon-in-value", "a: b: c\n", 1, 5, "if ': ' is part of a text, quote the text"),
    ("undefined-alias", "a: *nope\n", 1, 4, "alias *nope names no anchor"),
    ("control-char", "a: b\x07\n", 1, 5, "character #x0007 is not allowed"),
    ("nul-char", "a: 1\nb: \x00\n", 2, 4, "character #x0000 is not allowed"),
    ("duplicate", "x: 0\nmilitary: 1\nmilitary: 2\n", 3, 1,
     "duplicate key 'military' (first at line 2; each key may appear once in a mapping"),
    ("duplicate-nested", "p:\n  m:\n    a: 1\n    a: 2\n", 4, 5, "duplicate key 'a'"),
    ("duplicate-bool-int", "t: {1: a, true: b}\n", 1, 11, "duplicate key true (first at line 1;"
     " it equals key 1"),
    ("duplicate-date", "by:\n  2024-12-31: 0.1\n  2024-12-31: 0.2\n", 3, 3,
     "duplicate key 2024-12-31"),
    ("tag-python", "a: !!python/object/apply:os.system [echo hi]\n", 1, 4,
     "tags are not allowed (found `!!python/object/apply:os.system`"),
    ("tag-python-name", "a: !!python/name:os.system ''\n", 1, 4, "tags are not allowed"),
    ("tag-local", "a: !foo bar\n", 1, 4, "tags are not allowed (found `!foo`"),
    ("tag-binary", "a: !!binary aGk=\n", 1, 4, "tags are not allowed (found `!!binary`"),
    ("tag-str", "a: !!str 1\n", 1, 4, "tags are not allowed (found `!!str`"),
    ("tag-non-specific", "a: ! 1\n", 1, 4, "tags are not allowed (found `!`"),
    ("tag-on-mapping", "a: !!map {b: 1}\n", 1, 4, "tags are not allowed (found `!!map`"),
    ("tag-on-root", "!!omap\n- a: 1\n", 1, 1, "tags are not allowed"),
    ("tag-on-key", "!!str a: 1\n", 1, 1, "tags are not allowed"),
    ("tag-merge", "b: &b {x: 1}\nc:\n  !!merge <<: *b\n", 3, 3, "tags are not allowed"),
    ("tag-verbatim", "a: !<tag:yaml.org,2002:python/object:os.system> x\n", 1, 4,
     "tags are not allowed"),
    # positions below follow from MAX_NODES = 5,000 (the 4th alias of level 4 tips it)
    ("billion-laughs", _laughs(9), 5, 27, f"more than {MAX_NODES:,} nodes"),
    ("laughs-in-one-list", "a: &a [" + ", ".join(["x"] * 1000) + "]\nb: ["
     + ", ".join(["*a"] * 200) + "]\n", 2, 5 + 4 * 3, "'billion laughs'"),
    ("recursive-alias", "a: &a [1, *a]\n", 1, 11, "alias *a is used inside its own anchor &a"),
    ("recursive-merge", "a: &a {x: 1, <<: *a}\n", 1, 18, "inside its own anchor"),
    ("deep-flow", _nested(MAX_DEPTH), 1, 3 + MAX_DEPTH, f"nesting deeper than {MAX_DEPTH}"),
    ("deep-flow-scanner", _nested(MAX_DEPTH + 1), 1, 4 + MAX_DEPTH, "nesting deeper than"),
    ("deep-500k-brackets", "[" * 500_000, 1, 1 + MAX_DEPTH, "nesting deeper than"),
    ("deep-500k-braces", "{" * 500_000, 1, 1 + MAX_DEPTH, "nesting deeper than"),
    ("deep-block-seq", "- " * 200_000, 1, 1 + 2 * MAX_DEPTH, "nesting deeper than"),
    ("deep-complex-keys", "? " * 200_000, 1, 1 + 2 * MAX_DEPTH, "nesting deeper than"),
    ("deep-indent", "".join(" " * i + "a:\n" for i in range(MAX_DEPTH + 5)), MAX_DEPTH + 1,
     MAX_DEPTH + 1, "nesting deeper than"),
    # each line nests the previous anchor four levels deeper: depth 4i on line i + 1
    ("deep-by-aliases", "a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [[[[*a{i - 1}]]]]\n"
     for i in range(1, MAX_DEPTH // 4 + 2)), MAX_DEPTH // 4 + 1, 15, "nesting deeper than"),
    ("key-is-list", "? [a, b]\n: 1\n", 1, 3, "a mapping key must be a single value"),
    ("key-is-mapping", "{a: 1}: 2\n", 1, 1, "not a mapping (quote it"),
    ("key-is-alias-to-list", "a: &l [1]\n*l : 2\n", 2, 1, "not a list"),
    ("merge-of-scalar", "d:\n  <<: 3\n", 2, 7, "the merge key `<<` needs a mapping"),
    ("merge-of-list-of-scalars", "d:\n  <<: [1]\n", 2, 8, "needs a mapping"),
    ("invalid-date", "as_of: 2024-02-30\n", 1, 8, "invalid date '2024-02-30' (day is out of range"),
    ("huge-int", "n: " + "9" * 5000 + "\n", 1, 4, "invalid value '9999"),
    ("yaml-1.1", "%YAML 1.1\n---\nok: yes\n", 2, 1, "only YAML 1.2 is supported"),
    ("lone-surrogate", 'a: "x\\ud83d"\n', 1, 4, "the text holds \\ud83d, half of a UTF-16"),
    ("lone-low-surrogate", 'a: "\\ude00\\ud83d"\n', 1, 4, "the text holds \\ude00"),
    ("lone-surrogate-in-key", '"k\\udfff": 1\n', 1, 1, "the text holds \\udfff"),
]


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD],
)
def test_bad_input_is_a_located_scenario_error(
    source: str | bytes, line: int, column: int, message: str
) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_yaml(source, name="s.yaml")
    err = info.value
    assert (err.path, err.line, err.column) == ("s.yaml", line, column), str(err)
    assert message in err.problems[0].message, str(err)
    assert "\n" not in err.problems[0].message


def test_syntax_error_message_is_one_readable_line() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_yaml("a: [1, 2\nb: 3\n", name="s.yaml")
    assert str(info.value) == (
        "s.yaml:2:2: invalid YAML: expected ',' or ']', but got ':' (while parsing a flow "
        "sequence at line 1, column 4; check indentation, quotes, brackets and `: ` here)"
    )


def test_problems_are_collected_with_fields() -> None:
    source = "a: !!str x\nb:\n  c: 1\n  c: 2\nd: !foo y\n"
    with pytest.raises(ScenarioError) as info:
        parse_yaml(source, name="s.yaml")
    found = [(p.field, p.line, p.column) for p in info.value.problems]
    assert found == [("a", 1, 4), ("b.c", 4, 3), ("d", 5, 4)]


def test_many_problems_are_capped() -> None:
    source = "".join(f"k{i}: !!str x\n" for i in range(500))
    with pytest.raises(ScenarioError) as info:
        parse_yaml(source)
    assert 0 < len(info.value.problems) <= 100


def test_tags_never_construct_anything(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    source = f"a: !!python/object/apply:os.system ['touch {target}']\n"
    with pytest.raises(ScenarioError, match="tags are not allowed"):
        parse_yaml(source)
    assert not target.exists()


def test_billion_laughs_names_the_limit_and_the_alias() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_yaml(_laughs(9), name="lol.yaml")
    err = info.value
    assert len(err.problems) == 1
    assert err.field == "lol4[3]"
    assert "MAX_NODES" in err.problems[0].message


def test_size_limit_counts_utf8_bytes() -> None:
    text = "a: " + "é" * ((MAX_BYTES - 3) // 2 + 1)  # fewer characters than bytes
    assert len(text) < MAX_BYTES
    with pytest.raises(ScenarioError, match="over the limit"):
        parse_yaml(text)


def test_nesting_up_to_the_limit_is_fine() -> None:
    data = parse_yaml(_nested(MAX_DEPTH - 1)).data  # root mapping + 99 lists
    depth, x = 0, data["a"]
    while x:
        depth, x = depth + 1, x[0]
    assert depth == MAX_DEPTH - 2


@pytest.mark.parametrize("source", ["a: 1\n", "\ufeffa: 1\n", b"\xef\xbb\xbfa: 1\n", b"a: 1\n"])
def test_bom_is_accepted(source: str | bytes) -> None:
    located = parse_yaml(source)
    assert located.data == {"a": 1}
    assert located.positions[("a",)] == (1, 4)


def test_conversion_to_plain_types() -> None:
    source = """\
int: 7
hex: 0x1F
octal: 0o17
underscored: 1_000
float: 1.5
exp: 1e3
nan: .nan
inf: -.inf
true: true
yes: yes
no: no
on: on
null: ~
empty:
date: 2024-12-31
stamp: 2024-12-31T10:20:30Z
naive: 2024-12-31 10:20:30.5
literal: |
  line
folded: >
  text
quoted: '2024-12-31'
equals: =
merge_word: [<<]
"""
    data = parse_yaml(source).data
    types = {k: type(v) for k, v in data.items()}
    assert types == {
        "int": int, "hex": int, "octal": int, "underscored": int, "float": float, "exp": float,
        "nan": float, "inf": float, True: bool, "yes": str, "no": str, "on": str,
        None: type(None), "empty": type(None), "date": datetime.date,
        "stamp": datetime.datetime, "naive": datetime.datetime, "literal": str, "folded": str,
        "quoted": str, "equals": str, "merge_word": list,
    }
    assert (data["hex"], data["octal"], data["underscored"], data["exp"]) == (31, 15, 1000, 1e3)
    assert math.isnan(data["nan"])
    assert data["inf"] == -math.inf
    assert data[True] is True
    assert data["yes"] == "yes"
    assert data[None] is None
    assert data["date"] == datetime.date(2024, 12, 31)
    assert data["stamp"] == datetime.datetime(2024, 12, 31, 10, 20, 30, tzinfo=datetime.UTC)
    assert data["naive"] == datetime.datetime(2024, 12, 31, 10, 20, 30, 500000)
    assert (data["literal"], data["folded"], data["quoted"]) == ("line\n", "text\n", "2024-12-31")
    assert (data["equals"], data["merge_word"]) == ("=", ["<<"])
    assert type(data["merge_word"][0]) is str


def test_containers_are_plain_and_ordered() -> None:
    data = parse_yaml("b: {z: 1, a: [1, {c: 2}]}\na: 0\n").data
    assert type(data) is dict
    assert type(data["b"]) is dict
    assert type(data["b"]["a"]) is list
    assert list(data) == ["b", "a"]
    assert list(data["b"]) == ["z", "a"]


SCENARIO = """\
pactsim: 1
signing:
  by:
    2024-12-31: 0.45
    2025-03-31: 0.75
pillars:
  payments:
    given: [new_sanctions, other]
    table: {true: 0.9, false: 0.7}
  military:
    clauses:
      - drones
      - name: s400
        p: 0.5
"""


def test_value_positions() -> None:
    pos = parse_yaml(SCENARIO).positions
    assert pos[()] == (1, 1)
    assert pos[("pactsim",)] == (1, 10)
    assert pos[("signing",)] == (3, 3)
    assert pos[("signing", "by", datetime.date(2024, 12, 31))] == (4, 17)
    assert pos[("pillars", "payments", "given")] == (8, 12)
    assert pos[("pillars", "payments", "given", 1)] == (8, 28)
    assert pos[("pillars", "payments", "table", True)] == (9, 19)
    assert pos[("pillars", "payments", "table", False)] == (9, 31)
    assert pos[("pillars", "military", "clauses", 0)] == (12, 9)
    assert pos[("pillars", "military", "clauses", 1)] == (13, 9)
    assert pos[("pillars", "military", "clauses", 1, "p")] == (14, 12)


def test_key_positions() -> None:
    keys = parse_yaml(SCENARIO).key_positions
    assert () not in keys
    assert keys[("pactsim",)] == (1, 1)
    assert keys[("signing", "by")] == (3, 3)
    assert keys[("signing", "by", datetime.date(2025, 3, 31))] == (5, 5)
    assert keys[("pillars", "payments", "table", True)] == (9, 13)
    assert keys[("pillars", "payments", "table", False)] == (9, 24)
    assert keys[("pillars", "military", "clauses", 1, "p")] == (14, 9)
    assert ("pillars", "military", "clauses", 1) not in keys  # list items have no key


def test_locate_falls_back_to_ancestors() -> None:
    doc = parse_yaml(SCENARIO, name="x.yaml")
    assert isinstance(doc, Located)
    assert doc.name == "x.yaml"
    assert doc.locate(("pillars", "payments", "table", True)) == (9, 19)
    assert doc.locate(("pillars", "payments", "table", True), key=True) == (9, 13)
    assert doc.locate(["pillars", "payments", "missing", 3]) == (8, 5)
    assert doc.locate(("pillars", "military", "clauses", 0), key=True) == (12, 9)
    assert doc.locate(()) == (1, 1)
    assert Located({}, "n", {}, {}).locate(("a",)) == (None, None)


def test_anchors_aliases_and_merges_still_work() -> None:
    source = """\
base: &base {p: 0.5, source: edm}
more: &more {odds: 2, p: 0.1}
a:
  <<: *base
  p: 0.9
b:
  <<: [*more, *base]
c: *base
d: [*base, *base]
"""
    doc = parse_yaml(source)
    data = doc.data
    assert data["a"] == {"p": 0.9, "source": "edm"}
    assert list(data["a"]) == ["source", "p"]  # merged keys go where `<<` is; p overrides
    assert data["b"] == {"odds": 2, "p": 0.1, "source": "edm"}  # earlier merge wins
    assert data["c"] == data["base"]
    assert data["c"] is not data["base"]
    assert data["d"][0] is not data["d"][1]
    assert doc.positions[("a", "p")] == (5, 6)
    assert doc.key_positions[("a", "p")] == (5, 3)
    assert doc.positions[("a", "source")] == (1, 30)  # merged: the anchor's source
    assert doc.positions[("c",)] == (8, 4)  # the alias itself
    assert doc.positions[("c", "p")] == (1, 17)
    assert doc.positions[("d", 1)] == (9, 12)


def test_alias_as_key_and_scalar_alias() -> None:
    data = parse_yaml("k: &k name\nv: &v 3\nm: {*k : *v}\n").data
    assert data["m"] == {"name": 3}


def test_modest_aliases_within_the_node_budget() -> None:
    data = parse_yaml(_laughs(3)).data  # 1 + 10 + 100 + 1000 nodes per level
    assert len(data["lol3"]) == 10
    assert data["lol3"][9][9][9] == "lol"


def test_yaml_12_directive_is_fine() -> None:
    assert parse_yaml("%YAML 1.2\n---\nok: yes\n").data == {"ok": "yes"}


@pytest.mark.parametrize("source", ['t: "\\ud83d\\ude00"\n', "t: '\U0001F600'\n",
                                    't: "\\U0001F600"\n'])
def test_escaped_surrogate_pairs_become_their_character(source: str) -> None:
    data = parse_yaml(source).data
    assert data == {"t": "\U0001F600"}
    data["t"].encode("utf-8")  # what every writer downstream does


def test_surrogate_pair_in_a_key_is_joined_too() -> None:
    assert parse_yaml('"\\ud83d\\ude00": 1\n').data == {"\U0001F600": 1}


def test_indentation_messages_look_back_a_bounded_number_of_lines() -> None:
    source = "a:\n" + "".join(f"  k{i}: 1\n" for i in range(1000)) + " c: 2\n"
    with pytest.raises(ScenarioError) as info:
        parse_yaml(source)
    message = info.value.problems[0].message
    assert "(line 1001 is indented 2)" in message  # line 1, 1000 lines up, is not searched


def test_an_indentation_mistake_names_every_level_between() -> None:
    """The level meant (2, the sibling `a:`) is named, not only the nearest line (4) and
    the first key left of the mistake (0)."""
    import pactsim
    from pactsim.errors import ScenarioError

    text = ("pactsim: 1\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n  a:\n"
            "    p: 0.3\n b:\n    p: 0.2\n")
    with pytest.raises(ScenarioError) as caught:
        pactsim.loads(text)
    assert ("this line is indented 1 space, which lines up with no key above (line 7 is "
            "indented 4, line 6 2, line 5 0)") in str(caught.value)


@pytest.mark.parametrize(("text", "said"), [
    ("a: 1\t# note\n", "also between a value and its comment or after a colon"),
    ("a:\n\tb: 1\n", "YAML indents with spaces only"),
    ("# just a comment\n", "the file is empty: it has only comments"),
])
def test_tabs_and_comment_only_files_say_what_they_are(text: str, said: str) -> None:
    import pactsim
    from pactsim.errors import ScenarioError

    with pytest.raises(ScenarioError, match=said):
        pactsim.loads(text)


@pytest.mark.parametrize(("source", "path", "where"), [
    ("id:\nas_of: 2025-01-01\n", ("id",), (1, 1)),
    ("a: 1\nevents:\n  b:\n    requires:\nsigning: {}\n", ("events", "b", "requires"), (4, 5)),
    ("a: 1\nsources:\n", ("sources",), (2, 1)),  # the last line: the null was past the end
    ("a: 1\nb: {c: }\n", ("b", "c"), (2, 5)),
])
def test_a_value_written_as_nothing_is_located_at_its_key(
        source: str, path: tuple[str, ...], where: tuple[int, int]) -> None:
    """``id:`` with nothing after it was reported on the next line (review-cli,
    2026-12-04); an explicit ``null`` or ``~`` keeps its own place."""
    located = parse_yaml(source, name="s.yaml")
    assert located.locate(path) == where
    explicit = parse_yaml(source.replace(":\n", ": ~\n", 1) if source.startswith("id")
                          else "a: 1\nid:   null\n", name="s.yaml")
    assert explicit.locate(("id",)) == ((1, 5) if source.startswith("id") else (2, 7))


_HEAD = "pactsim: 1\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"


@pytest.mark.parametrize(("body", "line", "column", "message"), [
    # a stray closing bracket was "indented 13 spaces, more than line 5"
    ("  a: {p: 0.5}}\n", 6, 14, "a `}` that closes nothing open: delete it"),
    ("  a: [p]]\n", 6, 9, "a `]` that closes nothing open"),
    ("  a: {p: 0.4, given: [b, table: {true: 0.5}}\n", 6, 44,
     "a `}` while the `[` at column 22 is still open: close that first (`]`)"),
    # a key run into its value was reported on the next line, as a misplaced key
    ("  a:\n    p:0.5\n    label: A\n", 7, 6,
     "`p:0.5` runs the key into its value: a colon must be followed by a space (`p: 0.5`)"),
    # a no-break space (pasted from a web page) among the spaces of an indentation
    ("  a: {p: 0.5}\n\u00a0 b: {p: 0.5}\n  c: {p: 0.5}\n", 7, 1,
     "a no-break space (U+00A0) among the spaces that indent this line"),
    # a flow collection over two lines: the bracket still open is the one on the line above
    ("  a: [1,\n    2}\n", 7, 6, "a `}` while the `[` at line 6, column 6 is still open"),
    ('  a: ["x\\"]", 2}\n', 6, 16, "a `}` while the `[` at column 6 is still open"),
    ("  a: [Russia's, 2}\n", 6, 18, "a `}` while the `[` at column 6 is still open"),
])
def test_typing_slips_in_yaml_are_named_where_they_are(
        body: str, line: int, column: int, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_yaml(_HEAD + body, name="s.yaml")
    err = info.value
    assert (err.line, err.column) == (line, column), str(err)
    assert message in str(err)


@pytest.mark.parametrize(("source", "line", "message"), [
    # text with a colon above an unrelated error (a block's text, an item of a list)
    ("why: |\n  Iran:Russia talks\nb: c: d\n", 3, "a `key: value` cannot start here"),
    ("notes:\n  - ratio:2\nb: c: d\n", 3, "a `key: value` cannot start here"),
    # a no-break space inside a block's text is text; the error is the bracket below it
    ("why: >\n  text\n  \u00a0more\nb: [1, 2}\n", 4, "a `}` while the `[` at column 4"),
])
def test_the_slip_hints_leave_text_alone(source: str, line: int, message: str) -> None:
    """A review of the hints above (2026-12-04) found each of these blamed on the line of
    a text that is fine."""
    with pytest.raises(ScenarioError) as info:
        parse_yaml(source, name="s.yaml")
    assert info.value.line == line and message in str(info.value), str(info.value)


def test_a_text_with_a_colon_is_not_taken_for_a_run_in_key() -> None:
    """Only a syntax error gets the slip hints: a URL or a time in a text is read."""
    got = parse_yaml(_HEAD + "  a: {p: 0.5}\nsources:\n  s: http://x.org/a:b\n"
                     "  t: 'at 10:30'\n", name="s.yaml").data
    assert got["sources"] == {"s": "http://x.org/a:b", "t": "at 10:30"}
