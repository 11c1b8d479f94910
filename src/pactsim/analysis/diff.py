"""`diff`: what changed from scenario A to scenario B, and which edit did it.

:func:`diff` compares two scenarios in three steps.

1. **The change of every number.** Each boolean question (P and P given
   signed), each binary node (P, and P given signed for pillars and clauses)
   and each dated node (its median date if it happens) in A and in B, with the
   change and its standard error; a numeric attribute (format 3) its mean where it
   has a value (kind ``attribute``, statistic ``mean``); a categorical node (format 3) adds one row
   per outcome (kind ``outcome``, named ``instc == named``: P(instc ==
   named), and given signed for a pillar or clause; ``absent`` too where the
   node can be absent).
   Exact inference answers where it works on
   both scenarios (standard error 0); an item it refuses
   (:class:`~pactsim.errors.ModelTooWideError`,
   :class:`~pactsim.errors.ExactUnsupportedError`) is estimated by Monte Carlo.

2. **The edits.** The leaf-level differences between ``A.model_dump()`` and
   ``B.model_dump()`` as dotted paths (``us_trump_win.p``,
   ``signing.by.2024-12-31``); the law of a numeric attribute (its ``dist``, or
   one row of its ``table``) is one leaf, old law to new (``n_articles.dist:
   {lognormal: {median: 40, p90: 60}} -> {lognormal: {median: 45, p90: 70}}``),
   and ``dist`` changing to ``given`` + ``table`` one edit (the form rule); a
   node, odds factor, ``by`` date … that is in one scenario only is one edit,
   and so is a mapping whose keys are listed in another order (order changes
   the draws: see *Common random numbers*).
   Edits that cannot change a number (``label``, ``why``, ``source``,
   ``sources``, ``title``, ``description``, ``id``) are listed apart and
   attributed nothing: a player that changes no outcome has Shapley value 0,
   so leaving them out changes no other edit's share.

3. **Attribution** of the change of chosen questions to the edits: *one at a
   time* (A with only that edit, minus A) and *Shapley values* (the average,
   over every order of applying the edits, of what the edit adds when it
   comes), which sum to the total change. With at most
   ``max_exact_edits`` (8) edits every subset is evaluated (``2**k``
   scenarios); beyond that, ``permutations`` random orders (64 unless told;
   drawn from the diff's seed) are averaged, and the standard error then
   includes the sampling of orders. Each order's contributions telescope, so
   sampled values also sum to the total exactly.

Grouping dependent edits
------------------------
Applying a subset of the edits to A must give a valid scenario. Two rules
make it so:

* *Form*: when a node's probability changes form (``p`` on one side,
  ``given`` + ``table`` on the other, or a ``by`` curve that appears or goes),
  its ``p``, ``given``, ``table``, ``by`` and their ``why_table`` /
  ``why_by`` are one edit. A ``why_by`` date goes with the edit of the same
  ``by`` date.
* *Outcomes*: the outcome probabilities of one categorical node (its
  ``levels: {absent: .., named: ..}``, or one ``{outcome: p}`` row of its
  table) sum to 1, so the changed outcomes of one map are one edit, listed
  outcome by outcome (``instc.levels.generic: 0.45 -> 0.35; instc.levels.named:
  0.35 -> 0.45``). ``levels`` changing between a map and a list of outcomes
  changes the node's form (the rule above).
* *Validity*: every subset is validated (all ``2**k`` of them, or those the
  sampled orders meet). When the smallest invalid set ``S`` is found, the
  fewest further edits ``T`` that make ``S ∪ T`` valid are searched for, and
  ``S ∪ T`` becomes one edit (``Diff.notes`` says which and why). Typical
  cases: a curve point raised above the next one unless that one moves too, a
  ``requires`` naming a node that the other edit adds. The search tries no
  edit, then each single edit, then the edits of the nodes the error names
  (``crisis.hazard_ratio.shock: unknown name 'shock'``: those of ``crisis``
  and ``shock``), then pairs and larger sets while it would build at most
  :data:`MAX_SEARCH` scenarios; beyond, every remaining edit goes with ``S``
  (a note says so). Time and memory stay bounded however much A and B differ
  (the last 256 valid variants are kept; two different agreements end as one
  edit).
* *Version*: ``pactsim: 1 -> 2`` is a text edit: every variant is written in
  the later format, under which a format-1 file means what it did.

Common random numbers
---------------------
Monte Carlo runs both scenarios (and every variant) with the same seed and
keeps the draws. Draws are paired by index, so the standard error of a
difference is that of the per-draw difference — ``var(x_B - x_A) / n`` for a
share, the delta method for P(· | signed), and a paired bootstrap over the
joint histogram of the two dates for a median — not ``sqrt(se_A² + se_B²)``.
Within a block, drivers then binary nodes draw in topological order, each
node its own draws (:mod:`pactsim.inference.engine`); so draw ``i`` of A and of
B share their uniforms node by node exactly when both scenarios list the same
nodes in the same order, and then a small edit changes few draws and the
paired standard error is far below the independent one. When the node lists
or their order differ, later nodes consume other uniforms: the pairing is
weaker (the standard error grows towards the independent one) but the
estimate is still unbiased and the standard error reported, computed from the
paired draws, is still the right one for the difference of the two estimates.
``stderr_independent`` in :attr:`Diff.changes` shows what independent runs
would give. Under a file's observations the draws carry weights: each share is
then the weighted one, ``Σ w x / Σ w``, and its paired standard error that of
the per-draw influences ``w (x − p) / mean(w)``.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from pactsim.errors import (
    ArgumentError,
    ArgumentTypeError,
    ExactUnsupportedError,
    ModelTooWideError,
    ScenarioError,
    refused_in,
)
from pactsim.language.io import from_dict
from pactsim.language.scenario import Scenario, flow
from pactsim.language.validate import dotted_path
from pactsim.montecarlo import DEFAULT_N, MAX_N, SeedLike, _show_progress, resolve_seed

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["CHANGE_COLUMNS", "Diff", "Edit", "diff", "edits_between"]

#: An exact change of a probability at most this far from 0 is rounding, not a change
#: (:meth:`Diff.biggest`).
EXACT_NOISE = 1e-12

#: Columns of :attr:`Diff.changes`.
CHANGE_COLUMNS = ("kind", "name", "statistic", "a", "b", "change", "stderr",
                  "stderr_independent", "method")
#: Fields that hold only text: editing them changes no number.
TEXT_FIELDS = frozenset({"label", "why", "why_by", "why_table", "source", "sources", "title",
                         "description", "id", "pactsim"})
#: Scenarios a search for the edits that make an invalid set valid may build, per merge:
#: beyond, the set is applied together with every remaining edit (and a note says so).
MAX_SEARCH = 500
#: Validated variants kept at once (their validity is kept for every one built).
_KEEP_VARIANTS = 256
#: Fields of a node that together say how likely it is (one edit when the form changes).
_FORM = frozenset({"p", "given", "table", "by", "why_table", "why_by", "levels"})
#: Paired bootstrap replicates for the standard error of a change of median date.
BOOTSTRAP = 200
_REFUSED = (ModelTooWideError, ExactUnsupportedError)
_ORDER_NOTE = "A and B do not list the same nodes in the same order"
_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "<absent>"})()


# -- edits ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Leaf:
    """One leaf-level difference: ``path`` in A's and B's ``model_dump()``."""

    path: tuple[Any, ...]
    kind: Literal["changed", "added", "removed", "order"]
    before: Any
    after: Any

    @property
    def name(self) -> str:
        return _short(self.path)


@dataclass(frozen=True)
class Edit:
    """An edit of A: one leaf difference, or several that only make sense together."""

    leaves: tuple[Leaf, ...]
    #: Why the leaves are together ("" for one leaf).
    reason: str = ""

    @property
    def name(self) -> str:
        """Dotted path(s) of the leaves that may change numbers, joined with ``" + "``."""
        return " + ".join(dict.fromkeys(leaf.name for leaf in self._numbers()))

    def _numbers(self) -> tuple[Leaf, ...]:
        return tuple(x for x in self.leaves if not _text_only(x.path)) or self.leaves

    @property
    def paths(self) -> list[str]:
        return [leaf.name for leaf in self.leaves]

    @property
    def text_only(self) -> bool:
        return all(_text_only(leaf.path) for leaf in self.leaves)

    def describe(self) -> str:
        """``path: before -> after`` for each leaf that may change numbers, ``; ``
        between (``(and its text)`` when text leaves go with them)."""
        nums = self._numbers()
        tail = " (and its text)" if len(nums) < len(self.leaves) else ""
        return "; ".join(_describe(leaf) for leaf in nums) + tail

    def __str__(self) -> str:
        return self.describe()


def _short(path: tuple[Any, ...]) -> str:
    """A dotted path as ``with_changes`` takes it, from a node's name where there is one."""
    if len(path) >= 2 and path[0] in ("events", "drivers", "pillars", "attributes"):
        if len(path) >= 4 and path[0] == "pillars" and path[2] == "clauses":
            return dotted_path(path[3:])
        return dotted_path(path[1:])
    return dotted_path(path)


def _field(path: tuple[Any, ...]) -> Any:
    """The field of a node (or of the scenario) a path is in."""
    if path and path[0] in ("events", "drivers", "pillars", "attributes"):
        rest = path[4:] if len(path) >= 4 and path[0] == "pillars" and path[2] == "clauses" \
            else path[2:]
    elif path and path[0] == "signing":
        rest = path[1:]
    elif path and path[0] == "questions":
        rest = path[2:]
    else:
        rest = path
    return rest[0] if rest else None


def _node_path(path: tuple[Any, ...]) -> tuple[Any, ...]:
    """The path of the node a path is in (``()`` for top-level fields)."""
    if path and path[0] in ("events", "drivers", "pillars", "questions", "attributes"):
        if len(path) >= 4 and path[0] == "pillars" and path[2] == "clauses":
            return path[:4]
        return path[:2]
    if path and path[0] == "signing":
        return path[:1]
    return ()


def _text_only(path: tuple[Any, ...]) -> bool:
    return _field(path) in TEXT_FIELDS


def _shown(value: Any) -> str:
    if value is _MISSING:
        return "(absent)"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict) and len(value) > 3:
        return f"{{{len(value)} entries}}"
    text = flow(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _signing_timing(dump: Any) -> str:
    """How a ``signing:`` section (as dumped) gives its date, in a few words (``None``
    or absent: the file has no signing)."""
    if not isinstance(dump, dict):
        return "no signing"
    if dump.get("after") is not None:
        return f"after {_shown(dump['after'])}, delay {_shown(dump['delay'])}"
    if dump.get("table") is not None:
        return "a table of curves"
    return f"a curve ({_shown(dump.get('by'))})"


def _describe(leaf: Leaf) -> str:
    if leaf.path == ("signing",) and leaf.kind == "changed":  # a curve <-> a milestone
        return f"signing: {_signing_timing(leaf.before)} -> {_signing_timing(leaf.after)}"
    if leaf.kind == "added":
        return f"{leaf.name}: added"
    if leaf.kind == "removed":
        return f"{leaf.name}: removed"
    if leaf.kind == "order":
        return f"{leaf.name}: order {', '.join(map(str, leaf.after))}"
    return f"{leaf.name}: {_shown(leaf.before)} -> {_shown(leaf.after)}"


def _leaves(a: Any, b: Any, path: tuple[Any, ...], out: list[Leaf]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k not in b:
                out.append(Leaf((*path, k), "removed", a[k], _MISSING))
        for k in b:
            if k not in a:
                out.append(Leaf((*path, k), "added", _MISSING, b[k]))
        for k in a:
            if k in b:
                _leaves(a[k], b[k], (*path, k), out)
        ka, kb = [k for k in a if k in b], [k for k in b if k in a]
        if ka != kb:
            out.append(Leaf(path, "order", tuple(ka), tuple(kb)))
        return
    if type(a) is not type(b) or a != b:
        out.append(Leaf(path, "changed", a, b))


def _form_field(path: tuple[Any, ...]) -> bool:
    """Whether a path is in a field saying how likely a node is (or, for a numeric
    attribute, what its law is: ``dist``, ``given``, ``table``)."""
    fld = _field(path)
    return fld in _FORM or (fld == "dist" and bool(path) and path[0] == "attributes")


def _attribute_laws(leaves: list[Leaf], a: dict[str, Any], b: dict[str, Any]) -> list[Leaf]:
    """The leaves inside one law of a numeric attribute (its ``dist``, or one row of its
    ``table``) as one leaf: the law before and after (``median: 40 -> 45`` and ``p90:
    60 -> 70`` are one new law; a ``values`` map sums to 1)."""
    out: dict[tuple[Any, ...], Leaf] = {}
    for leaf in leaves:
        path = leaf.path
        cut: tuple[Any, ...] | None = None
        if len(path) > 3 and path[0] == "attributes" and path[2] == "dist":
            cut = path[:3]
        elif len(path) > 3 and path[0] == "attributes" and path[2] == "table":
            given_a = (a["attributes"].get(path[1]) or {}).get("given") or []
            given_b = (b["attributes"].get(path[1]) or {}).get("given") or []
            if given_a == given_b and len(path) > 3 + len(given_a):
                cut = path[:3 + len(given_a)]
        if cut is None:
            out.setdefault((*path, leaf.kind), leaf)
            continue
        out.setdefault((*cut, "changed"), Leaf(cut, "changed", _get(a, cut), _get(b, cut)))
    return list(out.values())


def _whole_values(leaves: list[Leaf], a: dict[str, Any], b: dict[str, Any]) -> list[Leaf]:
    """The leaves inside a value set only whole (a ``delay``'s ``median`` and ``p90``, the
    bounds of a ``p: {between: ...}``) as one leaf of that value, named by a path that
    ``set:`` and ``with_changes`` take (:func:`~pactsim.language.variants.whole_at`). A
    change of key order alone inside one is no edit."""
    from pactsim.language.variants import whole_at

    out: dict[tuple[Any, ...], Leaf] = {}
    for leaf in leaves:
        cut = whole_at(leaf.path)
        if cut >= len(leaf.path) or cut == 0:
            out.setdefault((*leaf.path, leaf.kind), leaf)
            continue
        path = leaf.path[:cut]
        before, after = _get(a, path), _get(b, path)
        if before != after:
            out.setdefault((*path, "changed"), Leaf(path, "changed", before, after))
    return list(out.values())


def edits_between(a: Scenario, b: Scenario) -> tuple[list[Edit], list[Edit]]:
    """``(edits, text_edits)`` from A to B: the edits that may change numbers
    (grouped by the *form* rule of the module docstring) and those of text only."""
    leaves: list[Leaf] = []
    a_dump, b_dump = a.model_dump(), b.model_dump()
    _leaves(a_dump, b_dump, (), leaves)
    if a.signing is not None and b.signing is not None and \
            a.signing.timing != b.signing.timing:
        # a curve signing made a milestone (or back) is one edit: the two forms have
        # different fields, so a field at a time is no scenario
        leaves = [x for x in leaves if x.path[:1] != ("signing",)]
        leaves.append(Leaf(("signing",), "changed", _written(a_dump["signing"]),
                           _written(b_dump["signing"])))
    if a.attributes or b.attributes:
        leaves = _attribute_laws(leaves, a_dump, b_dump)
    leaves = _whole_values(leaves, a_dump, b_dump)
    # form: a node whose way of giving its probability changes is one edit
    forms: dict[tuple[Any, ...], list[Leaf]] = {}
    for leaf in leaves:
        if _form_field(leaf.path) and leaf.kind != "order" and len(leaf.path) == \
                len(_node_path(leaf.path)) + 1:
            before, after = leaf.before, leaf.after
            if (_field(leaf.path) == "given" or (before is None) != (after is None)
                    or before is _MISSING or after is _MISSING):
                forms.setdefault(_node_path(leaf.path), [])
    # outcomes: the {outcome: p} maps of categorical nodes (each sums to 1)
    categorical = {tuple(sc.nodes[x].path) for sc in (a, b) for x in sc.outcomes}
    groups: dict[object, list[Leaf]] = {}
    for leaf in leaves:
        node, fld = _node_path(leaf.path), _field(leaf.path)
        key: object = leaf.path
        if _form_field(leaf.path) and node in forms and leaf.kind != "order":
            key = ("form", node)
        elif (fld in ("levels", "table") and node in categorical and leaf.kind != "order"
              and len(leaf.path) > len(node) + 1 and isinstance(leaf.path[-1], str)):
            key = ("outcomes", leaf.path[:-1])
        elif fld == "why_by" and len(leaf.path) == len(node) + 2:
            twin = (*node, "by", leaf.path[-1])  # the reason of a `by` date goes with it
            if any(x.path == twin for x in leaves):
                key = twin
        groups.setdefault(key, []).append(leaf)
    reasons = {"form": "how the node's probability is given changes form",
               "outcomes": "the outcome probabilities of one map sum to 1"}
    edits = [Edit(tuple(g), reasons[k[0]] if isinstance(k, tuple) and k and k[0] in reasons
                  and len(g) > 1 else "")
             for k, g in groups.items()]
    return ([e for e in edits if not e.text_only], [e for e in edits if e.text_only])


# -- applying edits ---------------------------------------------------------------------------
def _written(dump: dict[str, Any]) -> dict[str, Any]:
    """A node's dump without the fields left at their defaults (none, or empty)."""
    return {k: v for k, v in dump.items() if v is not None and v != {} and v != []}


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        data = data[k]
    return data


def _apply_leaf(data: dict[str, Any], b_dump: dict[str, Any], leaf: Leaf) -> None:
    if leaf.kind == "order":
        target = _get(data, leaf.path)
        first = [k for k in leaf.after if k in target]
        order = first + [k for k in target if k not in first]
        items = {k: target[k] for k in order}
        target.clear()
        target.update(items)
        return
    parent = _get(data, leaf.path[:-1])
    key = leaf.path[-1]
    if leaf.kind == "removed":
        parent.pop(key, None)
    elif leaf.kind == "changed":
        parent[key] = copy.deepcopy(leaf.after)
    else:  # added: after the nearest key that precedes it in B and is here
        b_keys = list(_get(b_dump, leaf.path[:-1]))
        before = [k for k in b_keys[:b_keys.index(key)] if k in parent]
        pairs = list(parent.items())
        at = (next(i for i, (k, _) in enumerate(pairs) if k == before[-1]) + 1) if before else 0
        pairs.insert(at, (key, copy.deepcopy(leaf.after)))
        parent.clear()
        parent.update(pairs)


class _Built:
    """What the variants of one diff share across merges of their edits: A's and B's
    dumps, the validity of every variant built (keyed by the *first* edits' mask, so a
    merge keeps it) and the last :data:`_KEEP_VARIANTS` valid scenarios."""

    def __init__(self, a: Scenario, b: Scenario) -> None:
        self.a_dump, self.b_dump = a.model_dump(), b.model_dump()
        # variants are written in the later format: a format-1 file reads the same under
        # format 2, so raising the version changes no number (it is a text edit)
        self.version = max(int(self.a_dump.get("pactsim") or 1),
                           int(self.b_dump.get("pactsim") or 1))
        self.errors: dict[int, ScenarioError | None] = {}  # None: valid
        self.kept: dict[int, Scenario] = {}  # insertion order: least recently built first


class _Variants:
    """Scenarios A + a subset of edits (a bit mask), built and validated once each."""

    def __init__(self, a: Scenario, b: Scenario, edits: list[Edit],
                 built: _Built | None = None, first: list[int] | None = None) -> None:
        self.a, self.b, self.edits = a, b, edits
        self._built = _Built(a, b) if built is None else built
        #: the mask of the first edits (those of :func:`edits_between`) each edit holds
        self._first = [1 << i for i in range(len(edits))] if first is None else first

    @property
    def full(self) -> int:
        return (1 << len(self.edits)) - 1

    def _key(self, mask: int) -> int:
        key = 0
        for i, f in enumerate(self._first):
            if mask >> i & 1:
                key |= f
        return key

    def merged(self, idx: list[int], edit: Edit) -> _Variants:
        """These variants with the edits ``idx`` replaced by ``edit`` (at ``idx[0]``)."""
        edits, first = [], []
        for i, e in enumerate(self.edits):
            if i == idx[0]:
                edits.append(edit)
                first.append(self._key(sum(1 << j for j in idx)))
            elif i not in idx:
                edits.append(e)
                first.append(self._first[i])
        return _Variants(self.a, self.b, edits, self._built, first)

    def get(self, mask: int) -> Scenario | ScenarioError:
        if mask == 0:
            return self.a
        if mask == self.full:
            return self.b  # the text edits too: B itself
        built = self._built
        key = self._key(mask)
        if key in built.kept:
            return built.kept[key]
        known = built.errors.get(key)
        if known is not None:
            return known
        data = copy.deepcopy(built.a_dump)
        chosen = [leaf for i, e in enumerate(self.edits) if mask >> i & 1 for leaf in e.leaves]
        chosen.sort(key=lambda leaf: leaf.kind == "order")  # reorder after adding
        try:
            for leaf in chosen:
                _apply_leaf(data, built.b_dump, leaf)
            data["pactsim"] = max(built.version, int(data.get("pactsim") or 1))
            sc = from_dict(data, name=f"{self.a.id} + edits")
        except ScenarioError as err:
            built.errors[key] = err
            return err
        except (KeyError, TypeError, ValueError) as err:  # a path another edit removed
            refused = ScenarioError(f"cannot apply these edits together: {err}")
            built.errors[key] = refused
            return refused
        built.errors[key] = None
        built.kept[key] = sc
        if len(built.kept) > _KEEP_VARIANTS:  # memory bounded whatever the number of edits
            del built.kept[next(iter(built.kept))]
        return sc

    def known(self, mask: int) -> bool:
        """Whether the variant of ``mask`` was built before (its validity is known)."""
        return mask in (0, self.full) or self._key(mask) in self._built.errors

    def valid(self, mask: int) -> bool:
        return isinstance(self.get(mask), Scenario)

    def scenario(self, mask: int) -> Scenario:
        sc = self.get(mask)
        if isinstance(sc, ScenarioError):
            raise sc
        return sc


def _exact_of(sc: Scenario, side: str, method: str) -> Any:
    """``exact(sc)``; refused under ``method="exact"``, the error names the side (A or B)."""
    from pactsim.results.exact import exact

    try:
        return exact(sc, progress=False)
    except _REFUSED as err:
        if method == "exact":
            raise refused_in(err, f"scenario {side}") from None
        raise


def _first_line(err: Exception) -> str:
    """An error in a note's words: its first line; for a model too wide, how wide (its
    message lists the variables, too long for a note)."""
    from pactsim.errors import ModelTooWideError

    if isinstance(err, ModelTooWideError):
        return f"it needs a table over {err.width} variables at once, above max_table"
    line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    # the advice to use Monte Carlo is moot in a note on having used it
    return _MC_ADVICE.sub("", line) or line


_MC_ADVICE = re.compile(r"[;:,]? use pactsim\.simulate\b.*$")


_QUOTED_NAME = re.compile(r"'([a-z][a-z0-9_]*)'")


def _named_fix(variants: _Variants, bad: int, rest: list[int]) -> int | None:
    """The edits (of ``rest``) of the nodes that the invalid variant's error names (in
    its text or its fields), and of those the next error names, until the variant is
    valid (``None`` if it stays invalid): "crisis.hazard_ratio.shock: unknown name
    'shock'" takes the edits of ``crisis`` and ``shock``."""
    chosen = 0
    for _ in range(8):
        err = variants.get(bad | chosen)
        if not isinstance(err, ScenarioError):
            return chosen
        names = set(_QUOTED_NAME.findall(str(err)))
        names.update(part for pr in err.problems for part in pr.field.split("."))
        more = sum(1 << i for i in rest if not chosen >> i & 1 and any(
            (_node_path(leaf.path) or (None,))[-1] in names for leaf in variants.edits[i].leaves))
        if not more:
            return None
        chosen |= more
    return None


def _merge(variants: _Variants, bad: int, notes: list[str]) -> _Variants:
    """Merge the edits of the invalid set ``bad`` with the fewest others that make it valid."""
    k = len(variants.edits)
    rest = [i for i in range(k) if not bad >> i & 1]
    fix: int | None = None
    left = MAX_SEARCH  # scenarios this search may build: time and memory stay bounded
    for size in range(len(rest) + 1):
        if size == 2:  # before pairs: the edits of the nodes the error names
            fix = _named_fix(variants, bad, rest)
            if fix is not None:
                break
        if math.comb(len(rest), size) > left:  # too long a search: every remaining edit
            break
        for combo in itertools.combinations(rest, size):
            m = bad | sum(1 << i for i in combo)
            left -= not variants.known(m)
            if m == variants.full or variants.valid(m):
                fix = sum(1 << i for i in combo)
                break
        if fix is not None:
            break
    searched = fix is not None
    if fix is None:
        fix = sum(1 << i for i in rest)
    together = bad | fix
    idx = [i for i in range(k) if together >> i & 1]
    err = variants.get(bad)
    alone = [variants.edits[i].name for i in range(k) if bad >> i & 1]
    why = (f"{' and '.join(alone)} {'alone gives' if len(alone) == 1 else 'together give'} "
           f"an invalid scenario ({_first_line(err) if isinstance(err, Exception) else ''})")
    if not searched:
        why += (f"; no smaller set of the other edits that makes it valid was found within "
                f"{MAX_SEARCH:,} scenarios, so every remaining edit goes with it")
    merged = Edit(tuple(leaf for i in idx for leaf in variants.edits[i].leaves), why)
    notes.append(f"applied together: {merged.name} ({why})")
    return variants.merged(idx, merged)


def _group_all(variants: _Variants, notes: list[str]) -> _Variants:
    """Merge edits until every subset is valid (exact Shapley: all ``2**k`` are used)."""
    while True:
        k = len(variants.edits)
        masks = sorted(range(1 << k), key=lambda m: (m.bit_count(), m))
        bad = next((m for m in masks if not variants.valid(m)), None)
        if bad is None:
            return variants
        variants = _merge(variants, bad, notes)


def _group_singles(variants: _Variants, notes: list[str]) -> _Variants:
    """Merge edits until A with each one alone is valid (one at a time, sampled Shapley)."""
    while True:
        bad = next((1 << i for i in range(len(variants.edits)) if not variants.valid(1 << i)),
                   None)
        if bad is None:
            return variants
        variants = _merge(variants, bad, notes)


# -- the result -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Diff:
    """What changed from scenario ``a`` to ``b`` (:func:`diff`).

    Attributes
    ----------
    changes:
        One row per number of A or B (columns :data:`CHANGE_COLUMNS`): ``kind``
        (``question``, a node's kind, or ``date``), ``name``, ``statistic``
        (``p``, ``p_given_signed`` or ``median``), ``a``, ``b``, ``change``
        (``b - a``; days for a median) and its ``stderr`` (0 when exact;
        common random numbers otherwise), ``stderr_independent`` (what two
        independent runs would give, for comparison) and ``method``.
    edits, text_edits:
        :class:`Edit` objects that may change numbers (after grouping), and
        those of text only (attributed nothing).
    totals:
        One row per attributed question: ``target, a, b, change, stderr,
        method`` (``exact`` or ``mc``), ``shapley`` (``exact`` or ``sampled``),
        ``permutations``.
    attribution:
        One row per question and edit: ``target, edit, one_at_a_time,
        one_at_a_time_stderr, shapley, shapley_stderr``.
    notes:
        What the reader should know: different ``as_of``, grouped edits,
        methods used.
    """

    a: Scenario
    b: Scenario
    changes: pd.DataFrame
    edits: tuple[Edit, ...]
    text_edits: tuple[Edit, ...]
    totals: pd.DataFrame
    attribution: pd.DataFrame
    notes: tuple[str, ...]
    n: int | None
    seed: int | None
    method: str
    sources: tuple[str | None, str | None] = (None, None)
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        from pactsim.views.diff import format_diff

        return format_diff(self)

    def __repr__(self) -> str:
        return (f"<Diff {self.a.id!r} -> {self.b.id!r}: {len(self.edits)} edit"
                f"{'s' if len(self.edits) != 1 else ''}, {len(self.changes)} numbers, "
                f"method {self.method}>")

    def biggest(self, top: int = 15) -> pd.DataFrame:
        """The ``top`` rows of :attr:`changes` with the largest change in probability
        (medians follow, by days, and the means of numeric attributes that moved). An
        exact change within :data:`EXACT_NOISE` of 0 is the rounding of exact sums
        (1e-17 where nothing moved), not a change: it is left out."""
        import pandas as pd

        c = self.changes
        p = c[~c.statistic.isin(("median", "mean"))]
        p = p.loc[p.change.abs().sort_values(ascending=False, kind="stable").index]
        p = p[(p.change.abs() > EXACT_NOISE) | ((p.method != "exact") & (p.change.abs() > 0))]
        # (a mean's exact change within rounding of its size is no change: 1.4e-14 days)
        size = np.maximum(pd.to_numeric(c.a, errors="coerce").abs().fillna(0.0),
                          pd.to_numeric(c.b, errors="coerce").abs().fillna(0.0))
        scale = np.maximum(1.0, size)
        moved = (c.change.abs() > 0) & ~((c.method == "exact") & (c.statistic == "mean")
                                         & (c.change.abs() <= 1e-9 * scale))
        d = c[c.statistic.isin(("median", "mean")) & moved]
        d = d.loc[d.change.abs().sort_values(ascending=False, kind="stable").index]
        return pd.concat([p.head(top), d]) if len(d) else p.head(top)

    def to_json(self) -> str:
        from pactsim.views.diff import diff_to_json

        return diff_to_json(self)

    def to_dict(self) -> dict[str, Any]:
        from pactsim.views.diff import diff_to_dict

        return diff_to_dict(self)

    def plot(self, target: str | None = None, ax: Axes | None = None) -> Figure | Axes:
        """Waterfall of the attribution of ``target`` (default: the first attributed)."""
        from pactsim.views.diff import plot_diff

        return plot_diff(self, target, ax)

    def _repr_html_(self) -> str:
        from pactsim.views.diff import diff_html
        from pactsim.views.display import styled

        return styled(diff_html(self))


# -- the numbers and their changes ------------------------------------------------------------
class _Runs:
    """Exact results of A and B where exact inference works; Monte Carlo, paired, on demand."""

    def __init__(self, a: Scenario, b: Scenario, method: str, n: int, seed: SeedLike) -> None:
        self.a, self.b, self.method, self.n = a, b, method, n
        self.entropy, self.spawn_key = resolve_seed(seed)
        self.exact_a: Any = None
        self.exact_b: Any = None
        self.refused = ""
        if method != "mc":
            try:
                self.exact_a = _exact_of(a, "A", method)
                self.exact_b = _exact_of(b, "B", method)
            except _REFUSED as err:  # both by Monte Carlo, paired
                if method == "exact":
                    raise
                self.exact_a = self.exact_b = None
                self.refused = _first_line(err)
        self._mc: dict[int, Any] = {}

    def seed(self) -> np.random.SeedSequence:
        return np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key)

    def mc(self, sc: Scenario, key: int) -> Any:
        """A Monte Carlo run of ``sc`` with the shared seed. Only A (key 0) and B (key -1)
        are kept: a variant's run is used for one indicator array and dropped, so memory
        holds two runs' draws plus one array of n per variant, not every variant's draws
        (256 of them with 8 edits)."""
        if key in self._mc:
            return self._mc[key]
        from pactsim.montecarlo import simulate

        res = simulate(sc, self.n, seed=self.seed(), keep_draws=True, progress=False)
        if key in (0, -1):
            self._mc[key] = res
        return res

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return self.mc(self.a, 0).to_frame(), self.mc(self.b, -1).to_frame()

    def weights(self) -> tuple[NDArray[np.float64] | None, NDArray[np.float64] | None]:
        """The draws' weights of A's and B's runs (under their observations), or None."""
        return _weights(self.mc(self.a, 0)), _weights(self.mc(self.b, -1))


def _nan() -> float:
    return float("nan")


def _weights(res: Any) -> NDArray[np.float64] | None:
    """The draws' weights of a Monte Carlo run under evidence (a file's observations), or
    ``None`` when they are not weighted."""
    w = res.draws.weight if res.draws is not None else None
    return None if w is None else np.asarray(w, dtype=np.float64)


def _lin(x: Any, w: NDArray[np.float64] | None) -> NDArray[np.float64]:
    """Per-draw values of an indicator whose plain mean is the weighted share ``p = Σ w x /
    Σ w`` and whose deviations are its influence ``w (x - p) / mean(w)`` (weighted draws),
    so that means, paired differences and their standard errors carry over; ``x``
    itself when the draws are not weighted."""
    x_: NDArray[np.float64] = np.asarray(x, dtype=np.float64)
    if w is None:
        return x_
    p = float(np.dot(w, x_) / w.sum())
    return np.asarray(p + w * (x_ - p) / w.mean(), dtype=np.float64)


def _wsig(s: Any, w: NDArray[np.float64] | None) -> NDArray[np.float64]:
    """A condition's indicator times the draws' weights (a ratio's denominator)."""
    s_: NDArray[np.float64] = np.asarray(s, dtype=np.float64)
    return s_ if w is None else s_ * w


def _share_change(xa: NDArray[Any], xb: NDArray[Any]) -> tuple[float, float, float]:
    """(change, paired stderr, independent stderr) of the share of two indicator arrays
    (or of two :func:`_lin` arrays of weighted draws)."""
    xa, xb = xa.astype(np.float64), xb.astype(np.float64)
    n = len(xa)
    d = xb - xa
    pa, pb = xa.mean(), xb.mean()
    return (float(pb - pa), float(math.sqrt(max(d.var(), 0.0) / n)),
            float(math.sqrt((xa.var() + xb.var()) / n)))


def _ratio_influence(x: NDArray[Any], s: NDArray[Any]) -> tuple[float, NDArray[np.float64]]:
    s = s.astype(np.float64)
    ms = s.mean()
    if ms == 0:
        return _nan(), np.full(len(s), np.nan)
    xs = x.astype(np.float64) * s
    r = xs.mean() / ms
    return float(r), (xs - r * s) / ms


def _ratio_change(xa: NDArray[Any], sa: NDArray[Any], xb: NDArray[Any], sb: NDArray[Any]
                  ) -> tuple[float, float, float]:
    """(change, paired stderr, independent stderr) of P(x | s), by the delta method."""
    ra, ia = _ratio_influence(xa, sa)
    rb, ib = _ratio_influence(xb, sb)
    n = len(xa)
    return (rb - ra, float(math.sqrt(np.var(ib - ia) / n)),
            float(math.sqrt((np.var(ia) + np.var(ib)) / n)))


def _median_index(hist: NDArray[Any]) -> float:
    """The median day index of a histogram, as :func:`pactsim.results.summary.date_quantiles`."""
    cum = np.cumsum(hist)
    total = float(cum[-1]) if len(cum) else 0.0
    if total <= 0:
        return _nan()
    return float(min(int(np.searchsorted(cum, 0.5 * total * (1 - 1e-12))), len(cum) - 1))


def _days(col: Any) -> NDArray[np.int64]:
    """Day numbers of a ``NAME.date`` column (-1 where it did not happen)."""
    v = np.asarray(col).astype("datetime64[D]")
    out = v.astype(np.int64)
    out[np.isnat(v)] = -1
    return out


def _median_change(da: NDArray[np.int64], db: NDArray[np.int64], as_a: int, as_b: int,
                   width_a: int, width_b: int, rng: np.random.Generator,
                   weights: tuple[NDArray[np.float64] | None, NDArray[np.float64] | None]
                   = (None, None)) -> tuple[float, float, float]:
    """(change in days, paired bootstrap stderr, independent bootstrap stderr) of the
    median date if it happens. The bootstrap resamples the joint histogram of
    ``(day in A, day in B)`` (the draws stay paired): unweighted, by groups of its cells
    with the same law (:class:`_Lumps`); weighted draws (``weights`` of A's and B's runs)
    count by their weights, each cell of the histogram by its mean weight in the
    bootstrap, cell by cell."""
    ia = np.where(da < 0, width_a, da - as_a)
    ib = np.where(db < 0, width_b, db - as_b)
    code = ia * (width_b + 1) + ib
    uniq, inverse, counts = np.unique(code, return_inverse=True, return_counts=True)
    ua, ub = np.divmod(uniq, width_b + 1)
    n = int(counts.sum())
    mean_w = [np.ones(len(uniq)) if w is None else
              np.bincount(inverse.ravel(), weights=w, minlength=len(uniq)) / counts
              for w in weights]

    def medians(c: NDArray[Any]) -> tuple[float, float]:
        ha = np.bincount(ua, weights=c * mean_w[0], minlength=width_a + 1)[:width_a]
        hb = np.bincount(ub, weights=c * mean_w[1], minlength=width_b + 1)[:width_b]
        return _median_index(ha) + as_a, _median_index(hb) + as_b

    ma, mb = medians(counts.astype(np.float64))
    if math.isnan(ma) or math.isnan(mb):
        return _nan(), _nan(), _nan()
    if weights[0] is None and weights[1] is None:  # (weighted cells weigh unequally)
        lumps = _Lumps(ua, ub, counts, (width_a, width_b), (as_a, as_b))
        reps = np.array([lumps.medians(rng.multinomial(n, lumps.probs), rng, medians)
                         for _ in range(BOOTSTRAP)])
    else:
        probs = counts / n
        reps = np.array([medians(rng.multinomial(n, probs).astype(np.float64))
                         for _ in range(BOOTSTRAP)])
    reps = reps[~np.isnan(reps).any(axis=1)]
    if len(reps) < 2:
        return mb - ma, _nan(), _nan()
    paired = float(np.std(reps[:, 1] - reps[:, 0], ddof=1))
    independent = float(math.sqrt(np.var(reps[:, 0], ddof=1) + np.var(reps[:, 1], ddof=1)))
    return mb - ma, paired, independent


class _Lumps:
    """The cells ``(day in A, day in B)`` of :func:`_median_change` grouped for its
    bootstrap: on each side the days near the median keep their own class, the days
    before them share one, those after another, and "not by the horizon" a fourth.

    A replicate draws the groups' counts (the groups' share of a multinomial over the
    cells is the multinomial over the groups) and reads each median from them; a median
    that lands inside its window is the one the cells would give, as every day before
    it counts the same. A median landing on the lump before or after (rare: the window
    spans +-10/sqrt(n) of probability around the median, ~20 standard errors) is read
    from the cells, each group's count split among its cells by a multinomial given the
    group's (the cells' conditional law): the replicates have the law of a multinomial
    draw of every cell, in ~1/30 of its random numbers on the flagship.
    """

    def __init__(self, ua: NDArray[np.int64], ub: NDArray[np.int64], counts: NDArray[np.int64],
                 widths: tuple[int, int], as_of: tuple[int, int], spread: float = 10.0) -> None:
        self.counts = counts
        width_a, width_b = widths
        self.as_a, self.as_b = as_of
        cls_a, self.lo_a, self.k_a = self._classes(ua, counts, width_a, spread)
        cls_b, self.lo_b, self.k_b = self._classes(ub, counts, width_b, spread)
        code = cls_a * self.k_b + cls_b
        groups, self.group_of = np.unique(code, return_inverse=True)
        self.group_of = self.group_of.reshape(-1)
        self.ga, self.gb = np.divmod(groups, self.k_b)
        total = np.bincount(self.group_of, counts, len(groups))
        self.probs = total / total.sum()
        self._by_group: list[NDArray[np.intp]] | None = None

    @staticmethod
    def _classes(u: NDArray[np.int64], counts: NDArray[np.int64], width: int, spread: float
                 ) -> tuple[NDArray[np.int64], int, int]:
        """Each cell's class on one side: 0 before the window, 1.. its days, then after
        it, then not by the horizon; the window's first day and the number of classes."""
        cum = np.cumsum(np.bincount(u, counts, width + 1)[:width])
        total = float(cum[-1])
        delta = spread / math.sqrt(total)
        lo = int(np.searchsorted(cum, (0.5 - delta) * total)) if delta < 0.5 else 0
        hi = int(np.searchsorted(cum, (0.5 + delta) * total)) if delta < 0.5 else width - 1
        hi = min(hi, width - 1)
        inside = (u >= lo) & (u <= hi)
        cls = np.where(u < lo, 0, np.where(inside, u - lo + 1, hi - lo + 2))
        cls = np.where(u == width, hi - lo + 3, cls)
        return cls.astype(np.int64), lo, hi - lo + 4

    def medians(self, g: NDArray[np.int64], rng: np.random.Generator,
                exact: Callable[[NDArray[Any]], tuple[float, float]]) -> tuple[float, float]:
        """A's and B's median days in a replicate with group counts ``g`` (``exact``:
        the medians from cell counts, for a median outside its window)."""
        ha = np.bincount(self.ga, g, self.k_a)[: self.k_a - 1]
        hb = np.bincount(self.gb, g, self.k_b)[: self.k_b - 1]
        ia, ib = _median_index(ha), _median_index(hb)
        if 0 < ia < self.k_a - 2 and 0 < ib < self.k_b - 2:
            return ia - 1 + self.lo_a + self.as_a, ib - 1 + self.lo_b + self.as_b
        if math.isnan(ia) or math.isnan(ib):
            return _nan(), _nan()
        return exact(self.cells(g, rng).astype(np.float64))

    def cells(self, g: NDArray[np.int64], rng: np.random.Generator) -> NDArray[np.int64]:
        """Cell counts drawn given the groups' counts ``g``."""
        if self._by_group is None:
            order = np.argsort(self.group_of, kind="stable")
            bounds = np.cumsum(np.bincount(self.group_of, minlength=len(self.probs)))[:-1]
            self._by_group = np.split(order, bounds)
        out = np.zeros(len(self.counts), dtype=np.int64)
        for k in np.flatnonzero(g):
            members = self._by_group[k]
            c = self.counts[members]
            out[members] = rng.multinomial(int(g[k]), c / c.sum())
        return out


def _section(name: str) -> Callable[[Any], Any]:
    return lambda res: getattr(res, name)()


def _median_of(node: str) -> Callable[[Any], Any]:
    """The median date of ``node`` if it happens (``NaT`` where it is not a dated node)."""
    import pandas as pd

    def median(res: Any) -> Any:
        return (res.date_quantiles(node, (0.5,)).iloc[0] if node in res.scenario.dated_names
                else pd.NaT)

    return median


def _rows_exact_or_mc(runs: _Runs, rng: np.random.Generator) -> tuple[list[tuple[Any, ...]],
                                                                      list[str]]:
    """Every row of :attr:`Diff.changes`."""
    import pandas as pd

    a, b = runs.a, runs.b
    notes: list[str] = []
    rows: list[tuple[Any, ...]] = []
    frames: tuple[pd.DataFrame, pd.DataFrame] | None = None

    def fr() -> tuple[pd.DataFrame, pd.DataFrame]:
        nonlocal frames
        if frames is None:
            frames = runs.frames()
        return frames

    def exact_frames(what: Callable[[Any], pd.DataFrame]) -> tuple[Any, Any] | None:
        if runs.exact_a is None:
            return None
        side = "A"
        try:
            a = what(runs.exact_a)
            side = "B"
            return a, what(runs.exact_b)
        except _REFUSED as err:
            if runs.method == "exact":  # which file was refused
                raise refused_in(err, f"scenario {side}") from None
            notes.append(f"exact inference refused some items ({_first_line(err)}); they "
                         "are estimated by Monte Carlo")
            return None

    # questions and nodes: P and P given signed
    for section in ("questions", "marginals"):
        ex = exact_frames(_section(section))
        if ex is not None:
            qa, qb = ex
        else:
            res_a, res_b = runs.mc(a, 0), runs.mc(b, -1)
            qa, qb = getattr(res_a, section)(), getattr(res_b, section)()
        names = list(dict.fromkeys([*qa.index, *qb.index]))
        for name in names:
            kind = "question" if section == "questions" else str(
                (qb if name in qb.index else qa).loc[name, "kind"])
            if kind in ("driver", "outcome"):  # outcomes: _outcome_change_rows
                continue
            for stat in ("p", "p_given_signed"):
                va = float(qa.loc[name, stat]) if name in qa.index and stat in qa else _nan()
                vb = float(qb.loc[name, stat]) if name in qb.index and stat in qb else _nan()
                if math.isnan(va) and math.isnan(vb):
                    continue
                if ex is not None:
                    rows.append((kind, name, stat, va, vb, vb - va, 0.0, 0.0, "exact"))
                    continue
                if math.isnan(va) or math.isnan(vb):
                    rows.append((kind, name, stat, va, vb, _nan(), _nan(), _nan(), "mc"))
                    continue
                fa, fb = fr()
                wa, wb = runs.weights()  # under observations the draws are weighted
                if stat == "p":
                    ch, se, si = _share_change(_lin(fa[name].to_numpy(), wa),
                                               _lin(fb[name].to_numpy(), wb))
                else:
                    ch, se, si = _ratio_change(
                        fa[name].to_numpy(), _wsig(fa["signing"].to_numpy(), wa),
                        fb[name].to_numpy(), _wsig(fb["signing"].to_numpy(), wb))
                rows.append((kind, name, stat, va, vb, ch, se, si, "mc"))
    rows += _outcome_change_rows(runs, fr, exact_frames)
    rows += _attribute_change_rows(runs, exact_frames)
    # dated nodes: the median date if it happens
    dated_a = set(a.dated_names) if hasattr(a, "dated_names") else set()
    dated_b = set(b.dated_names) if hasattr(b, "dated_names") else set()
    for name in [*[x for x in b.dated_names if x in dated_a],
                 *[x for x in a.dated_names if x not in dated_b],
                 *[x for x in b.dated_names if x not in dated_a]]:
        ma = mb = pd.NaT
        ex = exact_frames(_median_of(name))
        if ex is not None:
            ma, mb = ex
            ch = (mb - ma).days if not (pd.isna(ma) or pd.isna(mb)) else _nan()
            rows.append(("date", name, "median", ma, mb, float(ch), 0.0, 0.0, "exact"))
            continue
        res_a, res_b = runs.mc(a, 0), runs.mc(b, -1)
        if name in dated_a:
            ma = res_a.date_quantiles(name, (0.5,)).iloc[0]
        if name in dated_b:
            mb = res_b.date_quantiles(name, (0.5,)).iloc[0]
        if pd.isna(ma) or pd.isna(mb):
            rows.append(("date", name, "median", ma, mb, _nan(), _nan(), _nan(), "mc"))
            continue
        fa, fb = fr()
        as_a = int(np.datetime64(a.as_of, "D").astype(np.int64))
        as_b = int(np.datetime64(b.as_of, "D").astype(np.int64))
        ch, se, si = _median_change(_days(fa[f"{name}.date"]), _days(fb[f"{name}.date"]),
                                    as_a, as_b, (a.horizon - a.as_of).days + 1,
                                    (b.horizon - b.as_of).days + 1, rng, runs.weights())
        rows.append(("date", name, "median", ma, mb, ch, se, si, "mc"))
    return rows, notes


def _attribute_change_rows(
        runs: _Runs, exact_frames: Callable[[Callable[[Any], Any]], tuple[Any, Any] | None]
) -> list[tuple[Any, ...]]:
    """Rows of :attr:`Diff.changes` for numeric attributes (format 3) and numeric
    questions (``in_force.date - signing.date``, ``count(...)``): the mean where it has a
    value (kind ``attribute`` or ``question``, statistic ``mean``; NaN in a scenario
    without it). By Monte Carlo the change's standard error is the paired one of a ratio
    of means (the delta method, as for P given signed), from the kept draws."""
    a, b = runs.a, runs.b
    from pactsim.inference.compile import compile_scenario

    numeric = {q for sc in (a, b) for q, (_t, kind) in compile_scenario(sc).questions.items()
               if kind == "number"}
    names = list(dict.fromkeys([*a.attributes, *b.attributes,
                                *(q for q in [*a.questions, *b.questions] if q in numeric)]))
    if not names:
        return []

    def has(sc: Scenario, x: str) -> bool:
        qs = compile_scenario(sc).questions
        return x in sc.attributes or (x in qs and qs[x][1] == "number")

    def means(res: Any) -> dict[str, tuple[float, float]]:
        out = {}
        for x in names:
            if not has(res.scenario, x):
                continue
            try:
                s = res.numeric(x)
            except _REFUSED:  # exact refuses this one: left to Monte Carlo, the rest kept
                continue
            out[x] = (float(s.mean), float(s.stderr))
        return out

    ex = exact_frames(means)
    ma, mb = ex if ex is not None else ({}, {})
    # what exact inference did not answer (on either side) is estimated by Monte Carlo
    by_mc = [x for x in names if (has(a, x) and x not in ma) or (has(b, x) and x not in mb)]
    if by_mc:
        mca, mcb = means(runs.mc(a, 0)), means(runs.mc(b, -1))
    rows: list[tuple[Any, ...]] = []
    for x in names:
        method = "mc" if x in by_mc else "exact"
        va, _sa = (mca if method == "mc" else ma).get(x, (_nan(), _nan()))
        vb, _sb = (mcb if method == "mc" else mb).get(x, (_nan(), _nan()))
        if math.isnan(va) and math.isnan(vb):
            continue
        kind = "attribute" if x in a.attributes or x in b.attributes else "question"
        if method == "exact":
            rows.append((kind, x, "mean", va, vb, vb - va, 0.0, 0.0, method))
            continue
        if math.isnan(va) or math.isnan(vb):
            rows.append((kind, x, "mean", va, vb, _nan(), _nan(), _nan(), method))
            continue
        fa, fb = runs.frames()
        xa, xb = fa[x].to_numpy(dtype=np.float64), fb[x].to_numpy(dtype=np.float64)
        pa, pb = ~np.isnan(xa), ~np.isnan(xb)
        wa, wb = runs.weights()
        _ch, se, si = _ratio_change(np.where(pa, xa, 0.0), _wsig(pa, wa), np.where(pb, xb, 0.0),
                                    _wsig(pb, wb))
        rows.append((kind, x, "mean", va, vb, vb - va, se, si, method))
    return rows


def _outcome_change_rows(runs: _Runs, fr: Callable[[], tuple[pd.DataFrame, pd.DataFrame]],
                         exact_frames: Callable[[Callable[[Any], Any]], tuple[Any, Any] | None]
                         ) -> list[tuple[Any, ...]]:
    """Rows of :attr:`Diff.changes` for the outcomes of categorical nodes (``absent``
    included where the node can be absent): P(x == l), and given signed for a pillar or
    clause (NaN in a scenario without that outcome)."""
    a, b = runs.a, runs.b
    items: dict[str, tuple[str, str]] = {}  # expression -> (node, kind)
    for sc in (a, b):
        for node, levels in sc.outcomes.items():
            for x in levels:
                items.setdefault(f"{node} == {x}", (node, sc.nodes[node].kind))
    if not items:
        return []
    signing = (a.signing is not None, b.signing is not None)
    has = [{e for e, (node, _k) in items.items()
            if node in sc.outcomes and e.split(" == ", 1)[1] in sc.outcomes[node]}
           for sc in (a, b)]

    def law(res: Any, which: int) -> dict[str, tuple[float, float]]:
        sign = float(res.prob("signing").value) if signing[which] else 0.0
        out = {}
        for e in has[which]:
            p = float(res.prob(e).value)
            both = float(res.prob(f"({e}) and signing").value) if sign > 0 else _nan()
            out[e] = (p, both / sign if sign > 0 else _nan())
        return out

    ex = exact_frames(lambda res: law(res, 0 if res is runs.exact_a else 1))
    rows: list[tuple[Any, ...]] = []
    res_a = res_b = None
    for e, (_node, kind) in items.items():
        for j, stat in enumerate(("p", "p_given_signed")):
            if stat == "p_given_signed" and kind not in ("pillar", "clause"):
                continue
            if ex is not None:
                va = ex[0][e][j] if e in ex[0] else _nan()
                vb = ex[1][e][j] if e in ex[1] else _nan()
                if not (math.isnan(va) and math.isnan(vb)):
                    rows.append(("outcome", e, stat, va, vb, vb - va, 0.0, 0.0, "exact"))
                continue
            if res_a is None:
                res_a, res_b = runs.mc(a, 0), runs.mc(b, -1)
            assert res_b is not None
            xa = np.asarray(res_a._evaluate(e, "expr")) if e in has[0] else None
            xb = np.asarray(res_b._evaluate(e, "expr")) if e in has[1] else None
            fa, fb = fr()
            wa, wb = runs.weights()  # under observations the draws are weighted
            sa = _wsig(fa["signing"].to_numpy(), wa) if "signing" in fa else None
            sb = _wsig(fb["signing"].to_numpy(), wb) if "signing" in fb else None
            if j == 0:
                xa = None if xa is None else _lin(xa, wa)
                xb = None if xb is None else _lin(xb, wb)
            va = _nan() if xa is None else float(xa.mean()) if j == 0 else \
                _ratio_influence(xa, sa)[0] if sa is not None else _nan()
            vb = _nan() if xb is None else float(xb.mean()) if j == 0 else \
                _ratio_influence(xb, sb)[0] if sb is not None else _nan()
            if math.isnan(va) and math.isnan(vb):
                continue
            if xa is None or xb is None or math.isnan(va) or math.isnan(vb):
                rows.append(("outcome", e, stat, va, vb, _nan(), _nan(), _nan(), "mc"))
                continue
            ch, se, si = _share_change(xa, xb) if j == 0 else _ratio_change(
                xa, sa, xb, sb)  # type: ignore[arg-type]
            rows.append(("outcome", e, stat, va, vb, ch, se, si, "mc"))
    return rows


# -- attribution ------------------------------------------------------------------------------
def _target_values(variants: _Variants, masks: Iterable[int], target: str, runs: _Runs,
                   use_exact: bool) -> dict[int, Any]:
    """v(mask) for each mask: a float (exact) or the per-draw indicator array (Monte Carlo)."""
    out: dict[int, Any] = {}
    for m in masks:
        try:
            out[m] = _target_value(variants, m, target, runs, use_exact)
        except ScenarioError as err:
            if "is a number, not a true/false expression" in str(err):
                # (review-api27: "A cannot answer it", though A can: it is not true/false)
                raise ArgumentError(
                    f"{target!r} cannot be attributed: it is a number, not true/false, and "
                    f"attribution splits the change of a probability; compare it (e.g. "
                    f"'{target} >= 1') or ask about a true/false question or node") from None
            which = ("A" if m == 0 else "B" if m == variants.full else "A with " + " and ".join(
                e.name for i, e in enumerate(variants.edits) if m >> i & 1))
            raise ArgumentError(
                f"{target!r} cannot be attributed: {which} cannot answer it "
                f"({_first_line(err)}); ask about a question or node both scenarios have"
            ) from None
    return out


def _target_value(variants: _Variants, m: int, target: str, runs: _Runs,
                  use_exact: bool) -> Any:
    """v(mask) for one mask."""
    from pactsim.results.exact import exact

    sc = variants.scenario(m)
    if use_exact:
        if m == 0 and runs.exact_a is not None:
            res = runs.exact_a
        elif m == variants.full and runs.exact_b is not None:
            res = runs.exact_b
        else:
            res = exact(sc, progress=False)
        return float(res.prob(target).value)
    key = 0 if m == 0 else -1 if m == variants.full else m
    res = runs.mc(sc, key)
    if target.strip() in res.model.index or target.strip() in sc.questions:
        col = res.to_frame()[target.strip()].to_numpy()
        if col.dtype != np.bool_:
            raise ArgumentError(f"{target!r} is a numeric question; attribution needs a "
                                "boolean question, a node or an expression")
        return _lin(col, _weights(res))
    return _lin(res._evaluate(target, "expr"), _weights(res))


#: Variants evaluated together for the sampled Shapley values: their per-draw arrays
#: (n doubles each, by Monte Carlo) are reduced to means before the next batch, so memory
#: holds this many arrays, not one per variant (64 orders x k edits of them).
_MEAN_BATCH = 16


def _means(values: Callable[[Iterable[int]], dict[int, Any]], kept: dict[int, Any],
           rest: list[int], progress: bool | None = None) -> dict[int, float]:
    """The mean value of every variant: of ``kept`` (whose per-draw values are used
    again) and of ``rest``, evaluated :data:`_MEAN_BATCH` at a time and reduced; with a
    progress bar over ``rest`` when ``progress`` (None: when there are at least
    :data:`_PROGRESS_VARIANTS` in a terminal or notebook)."""
    means = {m: _value(x)[0] for m, x in kept.items()}
    bar = None
    if rest and _show_progress(progress, len(rest), _PROGRESS_VARIANTS):
        from pactsim._progress import progress_bar

        bar = progress_bar(total=len(rest), unit="variant", desc="diff: Shapley orders")
    try:
        for start in range(0, len(rest), _MEAN_BATCH):
            batch = rest[start:start + _MEAN_BATCH]
            means.update((m, _value(x)[0]) for m, x in values(batch).items())
            if bar is not None:
                bar.update(len(batch))
    finally:
        if bar is not None:
            bar.close()
    return means


#: Variants of the sampled Shapley values from which a progress bar is shown (unless told).
_PROGRESS_VARIANTS = 100


def _value(x: Any) -> tuple[float, NDArray[np.float64] | None]:
    if isinstance(x, float):
        return x, None
    arr = np.asarray(x, dtype=np.float64)
    return float(arr.mean()), arr


def _se(per_draw: NDArray[np.float64] | None) -> float:
    if per_draw is None:
        return 0.0
    return float(math.sqrt(np.var(per_draw) / len(per_draw)))


def _attribute(variants: _Variants, target: str, runs: _Runs, max_exact: int,
               permutations: int, notes: list[str], progress: bool | None = None
               ) -> tuple[_Variants, dict[str, Any], list[tuple[Any, ...]]]:
    """Totals and one row per edit for one target (the variants may get merged)."""
    use_exact = runs.exact_a is not None
    k = len(variants.edits)
    every_order = k <= max_exact  # (grouping below may bring k down to it)
    if every_order:
        variants = _group_all(variants, notes)
        k = len(variants.edits)
        masks = list(range(1 << k))
    else:
        variants = _group_singles(variants, notes)
        k = len(variants.edits)
        masks = [0, variants.full, *(1 << i for i in range(k))]
        if k <= max_exact:  # grouping left few enough edits for every order: exact values
            variants = _group_all(variants, notes)
            k = len(variants.edits)
            every_order = True
            masks = list(range(1 << k))

    def values(ms: Iterable[int]) -> dict[int, Any]:
        nonlocal use_exact
        if use_exact:
            try:
                return _target_values(variants, ms, target, runs, True)
            except _REFUSED as err:
                if runs.method == "exact":
                    raise
                notes.append(f"{target}: exact inference refused a variant "
                             f"({_first_line(err)}); attributed by Monte Carlo")
                use_exact = False
        return _target_values(variants, ms, target, runs, False)

    v = values(masks)
    base, base_d = _value(v[0])
    new, new_d = _value(v[variants.full])
    total_d = None if new_d is None or base_d is None else new_d - base_d
    rows: list[tuple[Any, ...]] = []
    shap: list[tuple[float, float]] = []
    if every_order:
        fact = math.factorial
        for i in range(k):
            acc: float = 0.0
            acc_d: NDArray[np.float64] | None = None
            for m in range(1 << k):
                if m >> i & 1:
                    continue
                s = m.bit_count()
                w = fact(s) * fact(k - s - 1) / fact(k)
                hi, hi_d = _value(v[m | 1 << i])
                lo, lo_d = _value(v[m])
                acc += w * (hi - lo)
                if hi_d is not None and lo_d is not None:
                    acc_d = w * (hi_d - lo_d) if acc_d is None else acc_d + w * (hi_d - lo_d)
            shap.append((acc, _se(acc_d)))
        how, perms = "exact", None
    else:
        rng = np.random.default_rng(np.random.SeedSequence(runs.entropy,
                                                           spawn_key=(*runs.spawn_key, 1)))
        contrib = np.zeros((permutations, k))
        order_list = [rng.permutation(k) for _ in range(permutations)]
        while True:
            need = set()
            for order in order_list:
                m = 0
                for i in order:
                    m |= 1 << int(i)
                    need.add(m)
            bad = next((m for m in sorted(need, key=lambda x: (x.bit_count(), x))
                        if not variants.valid(m)), None)
            if bad is None:
                break
            variants = _merge(variants, bad, notes)
            k = len(variants.edits)
            contrib = np.zeros((permutations, k))
            order_list = [rng.permutation(k) for _ in range(permutations)]
            masks = [0, variants.full, *(1 << i for i in range(k))]
            v = values(masks)
        means = _means(values, v, sorted(need - set(v)), progress)
        if not use_exact and any(isinstance(x, float) for x in v.values()):
            v = values(sorted(v))  # a refusal part-way: every value by Monte Carlo
            means = _means(values, v, sorted(need - set(v)), progress)
        for r, order in enumerate(order_list):
            m = 0
            for i in order:
                nxt = m | 1 << int(i)
                contrib[r, int(i)] = means[nxt] - means[m]
                m = nxt
        for i in range(k):
            shap.append((float(contrib[:, i].mean()),
                         float(contrib[:, i].std(ddof=1) / math.sqrt(permutations))
                         if permutations > 1 else _nan()))
        how, perms = "sampled", permutations
    for i, e in enumerate(variants.edits):
        one, one_d = _value(v[1 << i])
        rows.append((target, e.name, one - base,
                     _se(None if one_d is None or base_d is None else one_d - base_d),
                     shap[i][0], shap[i][1]))
    total = {"target": target, "a": base, "b": new, "change": new - base,
             "stderr": _se(total_d), "method": "exact" if use_exact else "mc",
             "shapley": how, "permutations": perms}
    return variants, total, rows


def _default_targets(changes: pd.DataFrame) -> list[str]:
    """The boolean question (else the node) whose P changes most."""
    c = changes[(changes.statistic == "p") & changes.change.notna() & (changes.change != 0)]
    for kinds in (["question"], list(set(c.kind) - {"question"})):
        sub = c[c.kind.isin(kinds)]
        if len(sub):
            return [str(sub.at[sub.change.abs().idxmax(), "name"])]
    return []


# -- the entry point --------------------------------------------------------------------------
def _scenario(x: object, what: str) -> tuple[Scenario, str | None]:
    from pathlib import Path

    from pactsim.language.io import load

    if isinstance(x, Scenario):
        return x, None
    if isinstance(x, str | Path):
        return load(x), str(x)
    raise ArgumentTypeError(f"{what} must be a Scenario or the path of a scenario file, not "
                            f"{type(x).__name__}")


def _related(a: Scenario, b: Scenario) -> bool:
    """Whether ``a`` and ``b`` forecast one agreement as far as their files say: the same
    id, or one extends the other (directly or through a chain), or both extend one base,
    or one was made from the other (or both from one scenario) by ``with_changes``."""
    from pactsim.language.resolutions import extended_ids

    if a.id == b.id:
        return True
    return not {a.id, *extended_ids(a), *a._made_from}.isdisjoint(
        {b.id, *extended_ids(b), *b._made_from})


def _different_note(a: Scenario, b: Scenario, variants: _Variants, first: int) -> str:
    """The note on two unrelated ids; "most edits go together" only when more than half
    of the ``first`` edits (those of :func:`edits_between`) ended in groups."""
    note = (f"A and B forecast different agreements (ids {a.id!r} and {b.id!r}, and neither "
            "extends the other): only the numbers they share are compared")
    grouped = sum(f.bit_count() for f in variants._first if f.bit_count() > 1)
    if first and 2 * grouped > first:
        note += f", and most edits go together ({grouped} of {first} edits are applied in groups)"
    return note


#: Questions ``diff`` attributes at most (as ``history``).
MAX_QUESTIONS = 200


def _cut_repr(x: object) -> str:
    text = repr(x) if not isinstance(x, list | tuple | dict) else type(x).__name__
    return text if len(text) <= 60 else text[:56] + "..."


def diff(
    a: Scenario | str,
    b: Scenario | str,
    questions: str | Sequence[str] | None = None,
    *,
    n: int = DEFAULT_N,
    seed: SeedLike = 0,
    method: Literal["auto", "exact", "mc", "montecarlo"] = "auto",
    max_exact_edits: int = 8,
    permutations: int = 64,
    progress: bool | None = None,
) -> Diff:
    """What changed from scenario ``a`` to ``b``, and how much each edit contributed.

    Parameters
    ----------
    a, b:
        Scenarios, or paths of scenario files.
    questions:
        Boolean questions, nodes or expressions whose change is attributed to
        the edits; ``None``: the boolean question whose P changes most.
    n, seed:
        Monte Carlo draws and seed, the same for A, B and every variant
        (common random numbers); used only where exact inference is refused
        or with ``method="mc"``. ``seed`` defaults to 0 so a diff repeats.
    method:
        ``"auto"`` (exact where it works, Monte Carlo per item elsewhere),
        ``"exact"`` (a refusal is an error) or ``"mc"`` (also spelt ``"montecarlo"``).
    max_exact_edits:
        Up to this many edits, Shapley values are exact over all ``2**k``
        subsets; beyond, they are averaged over ``permutations`` random orders.
    permutations:
        Orders sampled when there are more than ``max_exact_edits`` edits.
    progress:
        A progress bar over the variants the sampled orders need (``None``: when
        there are at least 100, in a terminal or notebook).

    Returns
    -------
    Diff
        ``.changes`` (every number, its change and standard error), ``.edits``,
        ``.totals`` and ``.attribution`` (one at a time and Shapley), ``.notes``;
        ``str(d)`` is a text table, ``d.to_json()``, ``d.plot()``.

    Notes
    -----
    See the module docstring for the edits, how dependent edits are grouped,
    and why common random numbers give the standard error of a difference.

    Examples
    --------
    >>> import pactsim
    >>> a = pactsim.loads("pactsim: 1\\nid: x\\nas_of: 2024-01-01\\nhorizon: 2024-12-31\\n"
    ...                   "events:\\n  a: {p: 0.3}\\n  b: {p: 0.5}\\n"
    ...                   "questions:\\n  both: a and b\\n")
    >>> d = pactsim.diff(a, a.with_changes({"a.p": 0.6, "b.p": 0.7}), "both")
    >>> d.attribution[["edit", "one_at_a_time", "shapley"]].round(4)
      edit  one_at_a_time  shapley
    0  a.p           0.15     0.18
    1  b.p           0.06     0.09
    """
    import pandas as pd

    from pactsim.montecarlo import _whole

    sa, path_a = _scenario(a, "a")
    sb, path_b = _scenario(b, "b")
    method = "mc" if method == "montecarlo" else method  # either spelling
    if method not in ("auto", "exact", "mc"):
        raise ArgumentError(f"method must be 'auto', 'exact' or 'mc', not {method!r}")
    n = _whole(n, "n", 1, MAX_N)
    max_exact_edits = _whole(max_exact_edits, "max_exact_edits", 0, 16)
    permutations = _whole(permutations, "permutations", 1, 100_000)
    if questions is None:
        targets: list[str] | None = None
    else:
        # each question once (a repeated -q printed its table again: review-fuzz17 #4)
        seen: dict[str, None] = {}
        for q in [questions] if isinstance(questions, str) else questions:
            if not isinstance(q, str) or not q.strip():
                raise ArgumentTypeError(f"questions must be non-empty strings, not "
                                        f"{_cut_repr(q)}")
            seen[q.strip()] = None
            if len(seen) > MAX_QUESTIONS:
                raise ArgumentError(f"diff(): more than {MAX_QUESTIONS} questions; give 1 to "
                                    f"{MAX_QUESTIONS}")
        targets = list(seen)
    notes: list[str] = []
    if sa.as_of != sb.as_of:
        notes.append(f"A is as of {sa.as_of} and B as of {sb.as_of}: the change mixes what "
                     "was learnt with the time that passed")
    runs = _Runs(sa, sb, method, n, seed)
    if runs.refused:
        notes.append(f"exact inference refused ({runs.refused}): Monte Carlo with common "
                     f"random numbers, n={n:,}, seed={runs.entropy}")
    rng = np.random.default_rng(np.random.SeedSequence(runs.entropy,
                                                       spawn_key=(*runs.spawn_key, 2)))
    rows, more = _rows_exact_or_mc(runs, rng)
    notes += more
    changes = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    edits, text_edits = edits_between(sa, sb)
    if [x.name for x in sa.iter_nodes()] != [x.name for x in sb.iter_nodes()]:
        notes.append(_ORDER_NOTE + ": Monte Carlo pairs their draws less closely "
                     "(standard errors are still right)")
    if targets is None:
        targets = _default_targets(changes)
    variants = _Variants(sa, sb, edits)
    totals: list[dict[str, Any]] = []
    attribution: list[tuple[Any, ...]] = []
    for t in targets:
        if not edits:
            break
        variants, total, part = _attribute(variants, t, runs, max_exact_edits, permutations,
                                           notes, progress)
        totals.append(total)
        attribution += part
    if not edits:
        for t in targets:
            val = _value(_target_values(variants, [0], t, runs, runs.exact_a is not None)[0])[0]
            totals.append({"target": t, "a": val, "b": val, "change": 0.0, "stderr": 0.0,
                           "method": "exact" if runs.exact_a is not None else "mc",
                           "shapley": "exact", "permutations": None})
    if len(targets) > 1 and attribution:  # later targets may have merged edits: redo earlier
        names = [e.name for e in variants.edits]
        if any(r[1] not in names for r in attribution):
            totals, attribution = [], []
            for t in targets:
                variants, total, part = _attribute(variants, t, runs, max_exact_edits,
                                                   permutations, [], progress)
                totals.append(total)
                attribution += part
    if not _related(sa, sb):
        notes.insert(0, _different_note(sa, sb, variants, len(edits)))
    used = {"exact" if runs.exact_a is not None and (changes.method == "exact").all() else "mc"}
    if "exact" in used and all(t["method"] == "exact" for t in totals):  # no draw was paired
        notes = [x for x in notes if not x.startswith(_ORDER_NOTE)]
    return Diff(
        a=sa, b=sb, changes=changes, edits=tuple(variants.edits), text_edits=tuple(text_edits),
        totals=pd.DataFrame(totals, columns=["target", "a", "b", "change", "stderr", "method",
                                             "shapley", "permutations"]),
        attribution=pd.DataFrame(attribution, columns=[
            "target", "edit", "one_at_a_time", "one_at_a_time_stderr", "shapley",
            "shapley_stderr"]),
        notes=tuple(dict.fromkeys(notes)),
        n=n if runs._mc else None, seed=runs.entropy if runs._mc else None,
        method=used.pop(), sources=(path_a, path_b))

