"""Variants kept in files: ``extends:`` and ``set:``.

A format-2 file may say ``extends: base.yaml`` (a path relative to the file)
and then give only what differs::

    pactsim: 2
    extends: iran-russia-2024.yaml
    id: iran-russia-2024-firm-december      # required, and not the base's id
    set:                                    # dotted paths, as Scenario.with_changes
      signing.by.2024-12-31: 0.6
    events:
      new_event: {p: 0.3}                   # added at the end of its section

How it reads, for each file of the chain from the last base to the file named:

1. The base is read: a file without ``extends`` is loaded and validated as
   usual; one with ``extends`` by these same steps. So every base is itself a
   valid scenario.
2. The file's sections are merged into it. In ``drivers``, ``events``,
   ``pillars``, ``attributes``, ``questions`` and ``sources``, each name the file gives is
   added at the end of its section, or, if the base has that name, replaces
   the base's entry whole, in the base's place (a pillar with its clauses).
   The entries of ``observations:`` are added after the base's (news
   learnt since). Everything else the file gives (``pactsim``, ``id``,
   ``title``, ``description``, ``as_of``, ``horizon``, ``signing``) replaces
   the base's value whole; what it does not give is the base's. A variant
   cannot remove a node or an observation (``set: {observations: []}``
   clears them).
3. The merged scenario is validated, every problem pointing into the file
   that wrote the value concerned (the base's lines for the base's nodes).
4. ``set:`` applies, exactly as :meth:`Scenario.with_changes
   <pactsim.language.scenario.Scenario.with_changes>` (it uses the same path
   resolution, :mod:`pactsim.language.variants`), and the result is validated
   again. A key that names nothing is reported at that key; a problem the
   change causes, at that ``set:`` entry.

So a variant equals the scenario written out whole, and
``load(variant) == load(base).with_changes({...set..., "id": ...})`` when the
variant only sets values. The result records the files it came from in
:attr:`Scenario.extends <pactsim.language.scenario.Scenario.extends>` and
locates every field in its own file (:meth:`Scenario.locate`), neither of
which takes part in equality.

Each level validates the scenario merged so far, but an entry (the same object, as
read from its file) validated at the level before is not validated again
(:func:`~pactsim.language.validate.validate`'s ``known``), so a chain costs about
what its files hold, with the cross-checks once per level.

Bounds: a chain follows at most :data:`MAX_EXTENDS` ``extends``, iteratively, and
its files hold at most :data:`MAX_CHAIN_NODES` YAML nodes together;
a cycle (a file that extends itself, directly or through others) is refused,
naming the cycle; the named file must be a regular file of at most
``MAX_BYTES`` (read with :func:`pactsim.language.files.read_regular`). Text
given to :func:`pactsim.loads` resolves ``extends`` relative to the folder of
its ``name`` — the current directory for the default name — so ``loads`` of
such text reads files.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pactsim.errors import PactsimWarning, Problem, ScenarioError, outside_pactsim
from pactsim.language._yaml import MAX_BYTES, MAX_NODES, Key, Located, parse_yaml
from pactsim.language.files import read_regular
from pactsim.language.scenario import NAME_PATTERN, Scenario
from pactsim.language.validate import Known, _v2, dotted_path, shown, validate
from pactsim.language.variants import (
    _named,
    _nearest,
    _sort_dates,
    apply_paths,
    definitions,
    slips,
)

__all__ = ["KEYS", "MAX_CHAIN_NODES", "MAX_EXTENDS", "Sourced", "resolve"]

#: The most ``extends`` one chain may follow (a file, its base, the base's base, ...).
MAX_EXTENDS = 16
#: The most YAML nodes (mapping keys and values) the files of one chain may hold
#: together: twice what one file may (:data:`~pactsim.language._yaml.MAX_NODES`). Each
#: level of a chain validates the scenario merged so far, so a chain of 17 files at
#: a file's limit took seconds; the flagship is ~850 nodes.
MAX_CHAIN_NODES = 2 * MAX_NODES
#: The top-level keys that make a file a variant.
KEYS = ("extends", "set")
#: Sections merged name by name; every other top-level key is replaced whole.
_BY_NAME = ("sources", "drivers", "events", "pillars", "attributes", "questions")

Path = tuple[Key, ...]


@dataclass(frozen=True)
class Sourced(Located):
    """A positioned tree whose parts come from several files.

    ``files`` / ``key_files`` give the file of each entry of ``positions`` /
    ``key_positions``; ``texts`` the lines of each file (for columns inside
    expressions). ``name`` is the file that was read (the last of the chain).
    """

    files: Mapping[Path, str] = field(default_factory=dict)
    key_files: Mapping[Path, str] = field(default_factory=dict)
    texts: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def where(self, path: Sequence[Key], *, key: bool = False) -> tuple[str, int | None,
                                                                         int | None]:
        """``(file, line, column)`` of `path`, with the fallbacks of :meth:`Located.locate`."""
        p = tuple(path)
        if key and p in self.key_positions:
            return (self.key_files.get(p, self.name), *self.key_positions[p])
        for n in range(len(p), -1, -1):
            if p[:n] in self.positions:
                return (self.files.get(p[:n], self.name), *self.positions[p[:n]])
        return (self.name, None, None)


@dataclass
class _Tree:
    """Positions being merged: path -> (file, line, column), for values and for keys."""

    values: dict[Path, tuple[str, int, int]]
    keys: dict[Path, tuple[str, int, int]]

    @classmethod
    def of(cls, located: Located) -> _Tree:
        name = located.name
        return cls({p: (name, *lc) for p, lc in located.positions.items()},
                   {p: (name, *lc) for p, lc in located.key_positions.items()})

    def graft(self, at: Path, other: Located, source: Path) -> None:
        """Drop what is under `at`; put there what `other` has under `source`."""
        self.graft_many([(at, source)], other)

    def graft_many(self, pairs: Sequence[tuple[Path, Path]], other: Located) -> None:
        """:meth:`graft` for each ``(at, source)`` of `pairs` (the `at` disjoint, none
        under another, as are the sources), in one pass over the tables: a graft per
        name merged was a pass each, quadratic in a variant chain of thousands of
        nodes (review-fuzz17 #2)."""
        ats = {at for at, _ in pairs}
        to = {source: at for at, source in pairs}

        def under(p: Path, prefixes: dict[Path, Path], lengths: list[int]) -> int:
            """The length of `p`'s shortest prefix in `prefixes` (-1: none); `lengths`:
            the lengths of the prefixes, in order (a few: tried instead of every
            prefix of `p`)."""
            for k in lengths:
                if k > len(p):
                    break
                if p[:k] in prefixes:
                    return k
            return -1

        to_lengths = sorted({len(s) for s in to})
        for table in (self.values, self.keys):
            # every path with a prefix in ats (one set comprehension per length of them)
            gone = {p for n in {len(a) for a in ats} for p in table if p[:n] in ats}
            for p in gone:
                del table[p]
        name = other.name
        for positions, table in ((other.positions, self.values),
                                 (other.key_positions, self.keys)):
            for p, lc in positions.items():
                k = under(p, to, to_lengths)
                if k >= 0:
                    table[(*to[p[:k]], *p[k:])] = (name, *lc)

    def located(self, data: Any, name: str, texts: Mapping[str, Sequence[str]]) -> Sourced:
        """The data with these positions (views of the tables: a change to the tree
        shows in them, and every step of the chain works on a copy of the tree)."""
        return Sourced(data, name, _Part(self.values, 1), _Part(self.keys, 1),
                       files=_Part(self.values, 0), key_files=_Part(self.keys, 0),
                       texts=texts)


class _Part(Mapping[Path, Any]):
    """A read-only view of a tree's table, ``path -> (file, line, column)``, as
    ``path -> (line, column)`` (``at=1``) or ``path -> file`` (``at=0``): a view, as
    building these tables afresh at every step of a chain of many files took longer
    than validating it."""

    __slots__ = ("_at", "_table")

    def __init__(self, table: dict[Path, tuple[str, int, int]], at: int) -> None:
        self._table, self._at = table, at

    def __getitem__(self, path: Path) -> Any:
        v = self._table[path]
        return v[1:] if self._at else v[0]

    def __contains__(self, path: object) -> bool:
        return path in self._table

    def __iter__(self) -> Iterator[Path]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __reduce__(self) -> tuple[Any, ...]:  # (pickle protocols 0 and 1 need it too)
        return (_Part, (self._table, self._at))


@dataclass(frozen=True)
class _File:
    located: Located
    text: str
    real: str | None  # the file's real path (to find cycles); None for text not in a file


def _problem(located: Located, path: Path, message: str, *, key: bool = False,
             value: object = None) -> Problem:
    line, col = located.locate(path, key=key)
    return Problem(message, dotted_path(path), located.name, line, col, value)


def _real(name: str) -> str | None:
    try:
        return os.path.realpath(name) if os.path.isfile(name) else None
    except (OSError, ValueError):
        return None


def _shown_name(folder: str, written: str) -> str:
    """The base's file name for messages: normalised when that names the same file."""
    joined = os.path.join(folder, written)
    norm = os.path.normpath(joined)
    try:
        same = os.path.realpath(norm) == os.path.realpath(joined)
    except (OSError, ValueError):
        same = False
    return norm if same else joined


def _header(f: _File) -> tuple[str | None, list[Problem]]:
    """The ``extends`` of one file (None if it has none), and problems of its header."""
    loc, data = f.located, f.located.data
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        return None, problems
    version = data.get("pactsim")
    if version == 1 and not isinstance(version, bool):
        what = {"extends": "a variant of another file", "set": "changes to the file extended"}
        problems += [_problem(loc, (k,), _v2(k, what[k]), key=True, value=k)
                     for k in KEYS if k in data]
        return None, problems
    if "extends" not in data:
        if "set" in data:
            problems.append(_problem(loc, ("set",), "`set:` changes the scenario this file "
                                     "extends; add `extends: BASE.yaml` (a path relative to "
                                     "this file), or write the values in place", key=True))
        return None, problems
    written = data["extends"]
    if not isinstance(written, str) or not written.strip():
        problems.append(_problem(loc, ("extends",), f"= {shown(written)} must be the file this "
                                 "scenario varies, a path relative to this file (e.g. `extends: "
                                 "base.yaml`)", value=written))
        return None, problems
    if "\0" in written:
        problems.append(_problem(loc, ("extends",), "holds a NUL character (\\0), which no file "
                                 "name can contain", value=written))
        return None, problems
    return written, problems


def _chain(top: Located, text: str) -> list[_File]:
    """The file read and its bases, nearest first; iterative, at most MAX_EXTENDS deep."""
    chain = [_File(top, text, _real(top.name))]
    while True:
        f = chain[-1]
        written, problems = _header(f)
        if problems:
            raise ScenarioError(problems)
        if written is None:
            return chain
        folder = os.path.dirname(f.located.name)
        name = _shown_name(folder, written)
        names = [c.located.name for c in chain]
        if len(chain) > MAX_EXTENDS:
            shown_chain = " → ".join([*names[:3], "...", *names[-2:], name])
            raise ScenarioError(_problem(
                f.located, ("extends",), f"= {shown(written)}: more than {MAX_EXTENDS} files "
                f"extend one another ({shown_chain}); limit MAX_EXTENDS = {MAX_EXTENDS} (write "
                "a base out whole instead of extending it again)", value=written))
        path = os.path.join(folder, written)
        real = _real(path)
        cycle = [c for c in chain if real is not None and c.real == real]
        if cycle:
            start = chain.index(cycle[0])
            loop = " → ".join([*names[start:], name])
            what = "extends itself" if start == len(chain) - 1 else "closes a cycle"
            raise ScenarioError(_problem(
                f.located, ("extends",), f"= {shown(written)} {what}: {loop} (a scenario cannot "
                "be its own base, directly or through others)", value=written))
        data = _read(f.located, written, path, name, folder)
        located = parse_yaml(data, name=name)
        nodes = sum(_nodes(c.located) for c in chain) + _nodes(located)
        if nodes > MAX_CHAIN_NODES:
            raise ScenarioError(_problem(
                f.located, ("extends",), f"= {shown(written)}: the files of this chain hold "
                f"{nodes:,} YAML nodes together, more than the {MAX_CHAIN_NODES:,} one chain "
                f"may ({_shown_chain(chain, name)}; MAX_CHAIN_NODES, twice a file's "
                f"{MAX_NODES:,}): trim the files, or write the scenario out in one file",
                value=written))
        chain.append(_File(located, data.decode("utf-8-sig"), real))


def _nodes(located: Located) -> int:
    """The YAML nodes of a parsed file: its mapping keys and its values."""
    return len(located.positions) + len(located.key_positions)


def _shown_chain(chain: Sequence[_File], name: str) -> str:
    """The files of a chain for a message, nearest first, the middle left out."""
    names = [*(c.located.name for c in chain), name]
    return " → ".join(names if len(names) <= 5 else [*names[:2], "...", *names[-2:]])


def _read(loc: Located, written: str, path: str, name: str, folder: str) -> bytes:
    try:
        data = read_regular(path, MAX_BYTES)
    except OSError as err:
        reason = err.strerror or str(err)
        # text given to loads() without a file name ("<scenario>") has no folder: the
        # current one; a file in the current folder has none either, but it is a file
        whence = ("this file" if folder or not loc.name.startswith("<") else
                  "the current folder: the text has no file name")
        raise ScenarioError(_problem(loc, ("extends",), f"= {shown(written)}: cannot read "
                                     f"{name}: {reason} (the path is relative to {whence})",
                                     value=written)) from None
    except ValueError as err:
        raise ScenarioError(_problem(loc, ("extends",), f"= {shown(written)} cannot be a file "
                                     f"name ({err})", value=written)) from None
    if len(data) > MAX_BYTES:
        raise ScenarioError(_problem(loc, ("extends",), f"= {shown(written)}: {name} is over "
                                     f"{MAX_BYTES:,} bytes, the limit of a scenario file",
                                     value=written))
    return data


def resolve(top: Located, text: str) -> Scenario:
    """The scenario of a parsed file that uses ``extends`` (see the module docstring).

    Bases are found relative to the folder of ``top.name``. Raises
    :class:`~pactsim.errors.ScenarioError`, each problem in the file that has it.
    """
    chain = _chain(top, text)
    texts = {f.located.name: f.text.splitlines() for f in chain}
    root = chain[-1]
    known: Known = {}  # the entries validated at one level, used again at the next
    try:
        sc = validate(root.located, root.text, known=known)
    except ScenarioError as err:
        raise ScenarioError([_quiet(root.located, p) for p in err.problems]) from None
    tree = _Tree.of(root.located)
    data: Mapping[Any, Any] = root.located.data
    for depth in range(len(chain) - 2, -1, -1):
        sc, tree, data = _vary(chain[depth], sc, tree, texts, data, known)
        sc._extends = tuple(f.located.name for f in chain[depth + 1:])
    return sc


#: Longest top-level key of a base quoted when it is not a scenario.
_MAX_QUOTED = 40
_KEYS_ARE = "; its top-level keys are "


def _quiet(base: Located, problem: Problem) -> Problem:
    """`problem` without the list of top-level keys the validator quotes when the base is
    not a scenario, unless every key looks like a scenario's name (snake_case, at most
    40 characters): ``extends:`` may name any file (``/etc/shadow``), whose content an
    error must not print."""
    data = base.data
    cut = problem.message.find(_KEYS_ARE)
    if (problem.field or not problem.message.startswith("not a pactsim scenario") or cut < 0
            or not isinstance(data, Mapping)):
        return problem
    if all(isinstance(k, str) and len(k) <= _MAX_QUOTED and NAME_PATTERN.match(k)
           for k in data):
        return problem
    return replace(problem, message=problem.message[:cut], value=None)


def _vary(f: _File, base: Scenario, tree: _Tree, texts: Mapping[str, Sequence[str]],
          base_data: Mapping[Any, Any], known: Known,
          ) -> tuple[Scenario, _Tree, Mapping[Any, Any]]:
    """One step of the chain: merge the file `f` into `base`, validate, apply ``set:``.

    `base_data` is what `base` was validated from (the level before's merged data,
    or the first base's file): merged as written, its entries are the objects
    `known` holds, so they are not validated again (a chain of 17 files of 1,200
    events validated every event of each level afresh). Returns the scenario, its
    positions and its data."""
    loc, child = f.located, f.located.data
    problems: list[Problem] = []
    if "pactsim" not in child:
        problems.append(_problem(loc, (), "missing required field 'pactsim' (a file that "
                                 "extends another starts with `pactsim: 2`)"))
    version = child.get("pactsim")
    if isinstance(version, int) and not isinstance(version, bool) and \
            version < base.pactsim and version in (1, 2, 3):
        base_file = base.locate(("pactsim",))[0] or "the base"
        problems.append(_problem(loc, ("pactsim",), f"= {version}, but the file it extends "
                                 f"({base_file}) is format {base.pactsim}; the merged scenario "
                                 f"is read in this file's format: write `pactsim: "
                                 f"{base.pactsim}` (format {version} files keep their meaning "
                                 f"under format {base.pactsim})", value=version))
    if "id" not in child:
        problems.append(_problem(loc, (), "missing required field 'id' (a variant has an id of "
                                 f"its own, not the base's '{base.id}')"))
    elif child["id"] == base.id:
        base_file = base.locate(("id",))[0] or "the base"
        problems.append(_problem(loc, ("id",), f"= {shown(child['id'])} is the id of the base "
                                 f"({base_file}); a variant needs an id of its own, e.g. "
                                 f"{base.id}-variant", value=child["id"]))
    changes = child.get("set")
    if changes is not None and not isinstance(changes, Mapping):
        problems.append(_problem(loc, ("set",), f"= {shown(changes)} must be a mapping of dotted "
                                 "paths to new values, e.g. `set: {signing.by.2024-12-31: 0.6}`",
                                 value=changes))
    if problems:
        raise ScenarioError(problems)

    data: dict[Any, Any] = dict(base_data)
    tree = _Tree(dict(tree.values), dict(tree.keys))
    tree.values[()] = (loc.name, *(loc.positions.get(()) or (1, 1)))
    written: list[tuple[Any, ...]] = []  # what this file puts in the merged scenario
    for key, value in child.items():
        if key in KEYS:
            continue
        section = data.get(key) if isinstance(key, str) else None
        if key in _BY_NAME and isinstance(value, Mapping) and (
                section is None or isinstance(section, dict)):
            merged = dict(section or {})
            for name, item in value.items():
                merged[name] = item  # an existing name keeps its place
                written.append((key, name))
            tree.graft_many([((key, name), (key, name)) for name in value], loc)
            data[key] = merged
            if (key,) not in tree.values and (key,) in loc.positions:  # a section the base lacks
                tree.values[(key,)] = (loc.name, *loc.positions[(key,)])
                tree.keys[(key,)] = (loc.name, *loc.key_positions.get((key,), (1, 1)))
        elif key in _BY_NAME and value is None:
            continue  # an empty section adds nothing
        elif key == "observations" and isinstance(value, list) and isinstance(
                data.get(key), list | tuple):
            had = list(data[key])  # the base's news, then the variant's
            tree.graft_many([((key, len(had) + j), (key, j)) for j in range(len(value))], loc)
            data[key] = had + list(value)
        else:
            data[key] = value
            tree.graft((key,), loc, (key,))
            written.append((key,))
    try:
        sc = validate(tree.located(data, loc.name, texts), f.text, known=known)
    except ScenarioError as err:  # a base's value this file made wrong: say what did
        places = definitions(base)
        raise ScenarioError([_caused_by(loc, p, written, places) for p in err.problems]
                            ) from None
    if not changes:
        return sc, tree, data
    sc, changed = _apply_set(f, sc, tree, changes, texts, known)
    return sc, tree, changed


def _caused_by(loc: Located, problem: Problem, written: Sequence[tuple[Any, ...]],
               places: Mapping[str, tuple[str, ...]]) -> Problem:
    """A problem located in a base file (which is valid on its own, so the variant ``loc``
    made it wrong), with the variant's keys that did so: those the message names (an
    ``as_of`` moved past a curve's point) or that replaced a node it names in quotes (a
    pillar written whole without the clause a question uses); all of them when nothing
    narrows it. A problem in the variant itself is as it was."""
    if problem.path == loc.name or not written:
        return problem
    targets = [(dotted_path(w), w, None) for w in written]
    culprits = _named(problem.message + " " + problem.field, targets, places) or targets
    shown_keys = []
    for key, path, _v in culprits[:_MAX_CULPRITS]:
        line = loc.key_positions.get(path, (None,))[0]
        shown_keys.append(f"{key} at line {line}" if line is not None else key)
    more = f" and {len(culprits) - _MAX_CULPRITS} more" if len(culprits) > _MAX_CULPRITS else ""
    return replace(problem, message=f"{problem.message} (made wrong by {loc.name}: "
                                    f"{', '.join(shown_keys)}{more})")


#: Keys of a variant a problem it caused in its base names at most.
_MAX_CULPRITS = 3


def _apply_set(f: _File, sc: Scenario, tree: _Tree, changes: Mapping[Any, Any],
               texts: Mapping[str, Sequence[str]], known: Known,
               ) -> tuple[Scenario, Mapping[Any, Any]]:
    """``set:`` on the merged scenario, as with_changes, each problem at its entry: the
    changed scenario and the data it was validated from."""
    loc = f.located
    problems: list[Problem] = []
    for key in changes:
        if not isinstance(key, str):
            problems.append(_problem(loc, ("set", key), f"the key {shown(key)} must be a "
                                     "dotted path (text), such as military.p or "
                                     "signing.by.2024-12-31", key=True, value=key))
        elif key.strip() in ("id", "pactsim"):  # the rules a variant's own keys follow
            problems.append(_problem(
                loc, ("set", key), f"`set:` cannot change {key.strip()}: write the "
                "variant's own "
                + ("id at the top of the file (a variant needs an id of its own)"
                   if key.strip() == "id" else "`pactsim:` version at the top of the file "
                   "(at least its base's)"), key=True, value=key))
    changes = {k: v for k, v in changes.items()
               if not (isinstance(k, str) and k.strip() in ("id", "pactsim"))}
    failed: set[str] = set()

    def fail(key: str, err: Exception) -> None:
        failed.add(key)
        problems.append(_problem(loc, ("set", key), str(err), key=True, value=key))

    data, targets = apply_paths(sc, {k: v for k, v in changes.items() if isinstance(k, str)},
                                fail)

    def finish(done: Sequence[tuple[str, tuple[Any, ...], Any]]) -> Scenario:
        _sort_dates(data)
        for key, path, _value in done:
            tree.graft(path, loc, ("set", key))
            if ("set", key) in loc.key_positions:
                tree.keys[path] = (loc.name, *loc.key_positions[("set", key)])
        try:
            out = validate(tree.located(data, loc.name, texts), f.text, known=known)
        except ScenarioError as err:
            places = definitions(sc)
            raise ScenarioError([_blame(loc, p, done, places) for p in err.problems]) from None
        for key, message in slips(sc, done):
            warnings.warn(PactsimWarning(str(_problem(loc, ("set", key), message, key=True))),
                          stacklevel=outside_pactsim())
        return out

    if problems:
        # the entries that did apply are checked too: every mistake of set: at once
        done = [t for t in targets if t[0] not in failed]
        if done:
            try:
                finish(done)
            except ScenarioError as err:
                problems += err.problems
        raise ScenarioError(problems)
    return finish(targets), data


def _blame(loc: Located, problem: Problem,
           targets: Sequence[tuple[str, tuple[Any, ...], Any]],
           places: Mapping[str, tuple[str, ...]] | None = None) -> Problem:
    """A problem of the scenario after ``set:``: where a set value is at fault, as it is;
    elsewhere (a value the change made wrong), moved to the ``set:`` entry that caused it."""

    def under(a: str, b: str) -> bool:  # b is a or inside a
        return b == a or b.startswith((a + ".", a + "["))

    if any(under(dotted_path(path), problem.field) for _k, path, _v in targets):
        return problem
    # the key that holds the field, else those of the same curve or node (a later point
    # of the curve a set point was raised above), else a field the message names; every
    # key only when nothing narrows it (the same rule as Scenario.with_changes)
    culprits = [t for t in targets if under(problem.field, dotted_path(t[1]))] or \
        _nearest(problem.field, targets) or _named(problem.message, targets, places) or \
        list(targets)
    key, _path, value = culprits[0]
    at = f"{problem.path}:{problem.line}" if problem.line is not None else problem.path
    then = f"{problem.field} ({at})" if problem.field else str(at)
    others = "" if len(culprits) == 1 else \
        f" (with set: {', '.join(k for k, _p, _v in culprits[1:])})"
    return _problem(loc, ("set", key), f"= {shown(value)} makes {then} wrong{others}: "
                    f"{problem.message}", value=value)
