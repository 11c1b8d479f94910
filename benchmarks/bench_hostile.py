"""Hostile and absurd inputs (issue 9): each must be refused cleanly, or finish, fast and small.

Run from the repository root::

    python benchmarks/bench_hostile.py            # every case (10-25 s; 3 s more per hang)
    python benchmarks/bench_hostile.py -k surrogate -k fifo --verbose
    python benchmarks/bench_hostile.py --list

**Each case runs in its own process.** The benchmark imports pactsim and
everything the cases use, warms it up on a small valid scenario (simulate,
exact, check, report), then ``fork()``\\ s a fresh child per case from that
warmed-up process. The child caps its address space (``RLIMIT_AS``) at
``--mem-limit-mib`` (default 1024) MiB above the warmed-up process's own size,
redirects stdout and stderr to files (UTF-8, strict, like a UTF-8 terminal),
and runs the case; the parent kills it after ``--timeout`` seconds (default 3).
A regression cannot take the machine down, and one case cannot disturb another.

**What is measured**, per case: the wall time of the case's own call (the
scenario text is built and written before the clock starts; imports and
start-up are not included — ``bench_startup.py`` measures those), and the
memory the case took: the child's peak RSS (``ru_maxrss`` from ``wait4``) minus
its RSS when the case started. CLI cases call ``pactsim.cli.main(argv)`` in the
child, as the console script does.

**Outcomes**: ``refused`` (a ``PactsimError``; or exit status 2, or 3 "the
work failed", with a one-line message and no traceback), ``finished``
(returned; exit 0, or 1 for ``check`` findings), ``crashed`` (any other
exception, a traceback, a signal), ``damaged`` (finished but overwrote its
input or replaced a device file), ``timeout``, ``oom`` (``MemoryError`` under
the cap, or the CLI's "out of memory"). The target: every case refused or
finished, in under 1 s and 200 MiB (``--max-seconds``, ``--max-mib``). A
``report`` takes about a second on any input (matplotlib), so report cases are
held to 1 s *beyond* ``ref-small-report``, the same command on the small
ordinary scenario the hostile texts are variants of, timed in the same run.
Rows marked ``ref`` are those ordinary inputs, for scale; they are not held to
the target. Exits 1 if any case misses it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import resource
import shutil
import signal
import stat
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
HEADER = "pactsim: 1\nid: hostile\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
#: draws for the cases that run a simulation (the input is the point, not n)
N = "10000"
MAX_BYTES, MAX_NODES = 500_000, 5_000  # the loader's caps (pactsim.language._yaml)

Outcome = tuple[str, str]  # (status, detail)


# -- scenario texts ---------------------------------------------------------------------------
def _laughs(levels: int) -> str:
    lines = ['lol0: &lol0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*lol{i - 1}"] * 10)
        lines.append(f"lol{i}: &lol{i} [{refs}]")
    return "\n".join(lines) + "\n"


def _given_empty_table(k: int) -> str:
    parents = [f"e{i:02d}" for i in range(k)]
    return (HEADER + "events:\n" + "".join(f"  {p}: {{p: 0.5}}\n" for p in parents)
            + f"  x:\n    given: [{', '.join(parents)}]\n    table: {{}}\n")


def _odds_parents(k: int) -> str:
    parents = [f"b{i:02d}" for i in range(k)]
    odds = ", ".join(f"{p}: 1.1" for p in parents)
    return (HEADER + "events:\n" + "".join(f"  {p}: {{p: 0.5}}\n" for p in parents)
            + f"  x: {{p: 0.3, odds: {{{odds}}}}}\nquestions:\n  q: x and b00\n")


def _unknown_names(k: int) -> str:
    # every question names an unknown r#### one letter from a real name q####
    return (HEADER + "events:\n  a: {p: 0.5}\nquestions:\n"
            + "".join(f"  q{i:04d}: r{i:04d}\n" for i in range(k)))


def _chain(k: int, *, reverse: bool, end: str, drivers: str = "") -> str:
    """``k`` questions, each ``not`` the next (reverse) or the previous one, ending in ``end``."""
    if reverse:
        qs = [f"  q{i:04d}: not q{i + 1:04d}\n" for i in range(k - 1)]
        qs.append(f"  q{k - 1:04d}: {end}\n")
    else:
        qs = [f"  q0000: {end}\n"] + [f"  q{i:04d}: not q{i - 1:04d}\n" for i in range(1, k)]
    return HEADER + drivers + "events:\n  a: {p: 0.5}\nquestions:\n" + "".join(qs)


_DRIVER = "drivers:\n  d: {dist: normal, mean: 0, sd: 1}\n"


def _dated(as_of: str, horizon: str, curve: str, question: str) -> str:
    return (f"pactsim: 1\nid: hostile\nas_of: {as_of}\nhorizon: {horizon}\n"
            f"signing:\n  by: {{{curve}}}\nevents:\n  a: {{p: 0.5}}\n"
            "pillars:\n  m:\n    p: 0.6\n    clauses:\n      c: {p: 0.5}\n"
            f"questions:\n  q: {question}\n")


def _small(extra: str = "", *, label: str | None = None) -> str:
    """A small scenario with every kind of node, for texts that must survive the views."""
    lab = "" if label is None else f"    label: '{label}'\n"
    return (HEADER + extra + "signing:\n  by: {2025-06-30: 0.4, 2025-12-31: 0.7}\n"
            + "events:\n  a: {p: 0.5, label: Event a}\n"
            + "pillars:\n  m:\n    p: 0.6\n" + lab + "    clauses:\n      c: {p: 0.5}\n"
            + "  k: {p: 0.3}\nquestions:\n  q: m and c\n  n_pillars: count(m, k)\n")


def _titled(title_escapes: str) -> str:
    """``title`` in a double-quoted YAML string, so ``\\ud800`` escapes reach the loader."""
    return _small().replace(HEADER, HEADER + f'title: "{title_escapes}"\n', 1)


def _extra(body: str) -> str:
    return HEADER + body


_SPAN50 = "pactsim: 2\nid: hostile\nas_of: 1990-01-01\nhorizon: 2039-12-31\n"


def _milestone_fan(n: int, k: int) -> str:
    """``n`` dated events over 50 years and a milestone after at least ``k`` of them."""
    events = "".join(f"  e{i}: {{by: {{2039-12-31: 0.5}}}}\n" for i in range(n))
    names = ", ".join(f"e{i}" for i in range(n))
    return (_SPAN50 + "events:\n" + events
            + f"  m: {{after: {{at_least: {k}, of: [{names}]}}, "
            + "delay: {median: 300, p90: 3000}}\n"
            + "questions:\n  q: m.date - e0.date <= 365\n")


def _milestone_chain(n: int) -> str:
    """A chain of ``n`` milestones, each a lognormal delay after the last, over 50 years."""
    body = "  m0: {by: {2039-12-31: 0.9}}\n" + "".join(
        f"  m{i}: {{after: m{i - 1}, delay: {{median: 30, p90: 90}}}}\n" for i in range(1, n))
    return _SPAN50 + "events:\n" + body + f"questions:\n  q: m{n - 1}.date <= 2030-12-31\n"


def _milestone_hazards(drivers: int, parents: int) -> str:
    """A milestone whose delay has a hazard ratio on ``drivers`` drivers and ``parents``
    events, over 50 years."""
    ds = "".join(f"  d{i}: {{dist: normal, sd: 1}}\n" for i in range(drivers))
    es = "".join(f"  e{i}: {{p: 0.5}}\n" for i in range(parents))
    hr = ", ".join([*(f"d{i}: 1.1" for i in range(drivers)),
                    *(f"e{i}: 1.1" for i in range(parents))])
    return (_SPAN50 + "drivers:\n" + ds + "events:\n" + es
            + "  a: {by: {2000-01-01: 0.3, 2039-12-31: 0.8}}\n"
            + f"  m: {{after: a, delay: {{median: 30, p90: 90}}, hazard_ratio: {{{hr}}}}}\n"
            + "signing: {by: {2039-12-31: 0.5}}\n"
            + "questions:\n  q: m.date <= 2020-12-31\n")


def _curve_table(parents: int, hazards: int) -> str:
    """A signing timed by a table of 2**parents curves and ``hazards`` hazard parents."""
    events = "".join(f"  e{i}: {{p: 0.5}}\n" for i in range(max(parents, hazards)))

    def leaf(depth: int) -> str:
        if depth == parents:
            return "{by: {2000-01-01: 0.3, 2039-12-31: 0.8}}"
        return "{true: " + leaf(depth + 1) + ", false: " + leaf(depth + 1) + "}"

    given = ", ".join(f"e{i}" for i in range(parents))
    hr = ", ".join(f"e{i}: 1.1" for i in range(hazards))
    return (_SPAN50 + "events:\n" + events + f"signing:\n  given: [{given}]\n"
            + f"  table: {leaf(0)}\n  hazard_ratio: {{{hr}}}\n"
            + "questions:\n  q: signing.date <= 2020-12-31\n")


# -- actions, run in the child ----------------------------------------------------------------
@dataclass
class Ctx:
    """Per-case scratch: a private folder and the files the child redirects stdout/stderr to."""

    tmp: Path
    out: Path = field(init=False)
    err: Path = field(init=False)

    def __post_init__(self) -> None:
        self.out, self.err = self.tmp / "stdout.txt", self.tmp / "stderr.txt"

    def write(self, text: str | bytes, name: str = "hostile.yaml") -> Path:
        p = self.tmp / name
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8", errors="surrogatepass")
        return p


@dataclass
class Case:
    name: str
    group: str
    #: builds what the timed action needs (files, texts); not timed
    prepare: Callable[[Ctx], Any]
    #: the timed call; returns (status, detail) or raises
    action: Callable[[Ctx, Any], Outcome]
    ref: bool = False  # an ordinary input, for scale; not held to the target
    must_refuse: bool = False  # accepting it is a miss too
    #: a ``ref`` case whose time is subtracted before the time target is applied
    base: str | None = None


def _first_line(text: str, width: int = 110) -> str:
    line = next((x for x in text.strip().splitlines() if x.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


Action = Callable[[Ctx, Any], Outcome]


def _cli(argv_fn: Callable[[Ctx, Any], list[str]],
         after: Callable[[Ctx, Any], Outcome | None] | None = None) -> Action:
    """A CLI case: ``pactsim.cli.main(argv)`` in this process, judged by status and stderr."""

    def action(ctx: Ctx, prepared: Any) -> Outcome:
        from pactsim.cli import main

        argv = argv_fn(ctx, prepared)
        try:
            code: int | str | None = main(argv)
        except SystemExit as exc:  # argparse refuses with exit 2
            code = exc.code
        sys.stdout.flush()
        sys.stderr.flush()
        err = ctx.err.read_text(encoding="utf-8", errors="replace").replace(f"{ctx.tmp}/", "")
        if "Traceback (most recent call last)" in err:
            tail = err.strip().splitlines()
            frames = re.findall(r'File "([^"]*[/\\]pactsim[/\\][^"]*)", line (\d+), in (\S+)', err)
            where = f" [{Path(frames[-1][0]).name}:{frames[-1][1]} in {frames[-1][2]}]" \
                if frames else ""
            return "crashed", f"exit {code}, traceback: {tail[-1] if tail else ''}{where}"
        if after is not None:
            checked = after(ctx, prepared)
            if checked is not None:
                return checked
        if code == 0 or (code == 1 and argv[0] == "check"):
            return "finished", f"exit {code}" + (f"; stderr: {_first_line(err, 80)}"
                                                 if err.strip() else "")
        if code == 2 and err.strip():
            lines = err.strip().splitlines()  # argparse: usage first, its error last
            return "refused", _first_line(lines[-1] if lines[0].startswith("usage:") else err)
        if code == 3 and err.strip():  # the work failed, reported in one line
            return ("oom" if "out of memory" in err else "refused"), f"exit 3: {_first_line(err)}"
        return "crashed", f"exit {code!r}; stderr: {_first_line(err) or '(empty)'}"

    return action


def _file_cmd(cmd: str, *extra: str) -> Callable[[Ctx, Any], list[str]]:
    return lambda ctx, path: [cmd, str(path), *extra]


def _run_cmd() -> Callable[[Ctx, Any], list[str]]:
    return _file_cmd("run", "-n", N, "--seed", "1")


def _report_cmd() -> Callable[[Ctx, Any], list[str]]:
    return lambda ctx, path: ["report", str(path), "-n", N, "--seed", "1",
                              "--out", str(ctx.tmp / "report.html")]


def _loads(ctx: Ctx, text: Any) -> Outcome:
    import pactsim

    sc = pactsim.loads(text, name="hostile.yaml")
    return "finished", f"accepted ({len(sc.nodes)} nodes)"


def _run_lib(ctx: Ctx, text: Any) -> Outcome:
    """Load and simulate (library), then the marginals and questions tables."""
    import pactsim

    sc = pactsim.loads(text, name="hostile.yaml")
    res = pactsim.simulate(sc, n=int(N), seed=1)
    res.marginals()
    if sc.questions:
        res.questions()
    return "finished", f"{len(sc.nodes)} nodes"


def _exact(**kw: Any) -> Callable[[Ctx, Any], Outcome]:
    def action(ctx: Ctx, text: Any) -> Outcome:
        import pactsim

        sc = pactsim.load(text) if isinstance(text, Path) else pactsim.loads(text,
                                                                             name="hostile.yaml")
        ex = pactsim.exact(sc, **kw)
        ex.marginals()
        if sc.questions:
            ex.questions()
        repr(ex)
        html = getattr(ex, "_repr_html_", None)
        if html is not None:
            html()
        return "finished", f"{len(sc.nodes)} nodes, {len(sc.questions)} questions"

    return action


def _simulate_flagship(**kw: Any) -> Callable[[Ctx, Any], Outcome]:
    def action(ctx: Ctx, prepared: Any) -> Outcome:
        import pactsim

        res = pactsim.simulate(pactsim.load(FLAGSHIP), seed=1, **kw)
        return "finished", f"n = {res.n:,}"

    return action


def _text(text: str | bytes) -> Callable[[Ctx], Any]:
    return lambda ctx: text


def _extends_chain(levels: int, events: int, base: int | None = None) -> Callable[[Ctx], Any]:
    """A chain of ``levels + 1`` files: ``c0`` with ``base`` events (default ``events``),
    each ``c{k}`` extending ``c{k-1}`` with ``events`` events of its own (review-fuzz17
    #2: a graft per name merged made this quadratic, 5.5 minutes at 16 levels)."""
    def prepare(ctx: Ctx) -> Path:
        path = Path()
        for k in range(levels + 1):
            count = base if k == 0 and base is not None else events
            body = "".join(f"  e{k}_{i}: {{p: 0.5}}\n" for i in range(count))
            head = HEADER if k == 0 else \
                f"pactsim: 2\nextends: c{k - 1}.yaml\nid: chain-{k}\n"
            path = ctx.write(head + "events:\n" + body, f"c{k}.yaml")
        return path
    return prepare


def _file(text: str | bytes) -> Callable[[Ctx], Any]:
    return lambda ctx: ctx.write(text)


def _same_input_unchanged(ctx: Ctx, path: Any) -> Outcome | None:
    if Path(path).read_bytes() != FLAGSHIP.read_bytes():
        return "damaged", "--out equal to the input overwrote the scenario file"
    return None


def _full_device(ctx: Ctx) -> Path:
    """A private copy of /dev/full (same device numbers) when we may make one.

    Writing atomically to ``/dev/full`` as root would rename a temporary file over
    the machine's /dev/full; a private node in the case's folder shows the same
    behaviour without that risk.
    """
    node = ctx.tmp / "full"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 7))
        return node
    except OSError:
        if os.geteuid() == 0:
            raise RuntimeError("cannot make a private /dev/full and will not touch the real one "
                               "as root") from None
        return Path("/dev/full")


def _device_still_there(ctx: Ctx, path: Any) -> Outcome | None:
    if not stat.S_ISCHR(os.stat(path).st_mode):
        return "damaged", f"--out {path} replaced the device with a regular file"
    return None


def _fifo(ctx: Ctx) -> Path:
    p = ctx.tmp / "fifo.yaml"
    os.mkfifo(p)
    return p


def _copy_flagship(ctx: Ctx) -> Path:
    p = ctx.tmp / "in.yaml"
    shutil.copyfile(FLAGSHIP, p)
    return p


def _cases() -> list[Case]:
    c: list[Case] = []

    def add(name: str, group: str, prepare: Callable[[Ctx], Any],
            action: Callable[[Ctx, Any], Outcome], **kw: Any) -> None:
        c.append(Case(name, group, prepare, action, **kw))

    flagship = lambda ctx: FLAGSHIP  # noqa: E731
    rep = "ref-small-report"  # a report takes ~1 s whatever the input: held to 1 s beyond it
    # ordinary inputs, for scale: the small scenario the hostile texts are variants of, and
    # the flagship
    small = _small()
    add("ref-small-run", "small scenario (reference)", _file(small), _cli(_run_cmd()), ref=True)
    add("ref-small-check", "small scenario (reference)", _file(small), _cli(_file_cmd("check")),
        ref=True)
    add(rep, "small scenario (reference)", _file(small), _cli(_report_cmd()), ref=True)
    add("ref-small-exact", "small scenario (reference)", _text(small), _exact(), ref=True)
    add("ref-flagship-loads", "flagship (reference)", _text(FLAGSHIP.read_text()), _loads,
        ref=True)
    add("ref-flagship-run", "flagship (reference)", flagship, _cli(_run_cmd()), ref=True)
    add("ref-flagship-report", "flagship (reference)", flagship, _cli(_report_cmd()), ref=True)
    add("ref-flagship-exact", "flagship (reference)", flagship, _exact(), ref=True)

    # the loader's own limits
    loader = {
        "laughs": ("billion laughs (9 levels of 10)", _laughs(9)),
        "tiny-nodes": ("a list of tiny nodes filling the size limit",
                       "a: [" + "1," * (MAX_BYTES // 2 - 10) + "1]\n"),
        "many-keys": ("a mapping of many keys",
                      "a:\n" + "".join(f"  k{i}: 1\n" for i in range(MAX_NODES * 2))),
        "brackets": ("500 000 open brackets", "a: " + "[" * 500_000),
        "deep-block": ("deep block nesting", "".join("  " * i + f"k{i}:\n" for i in range(2000))),
        "oversize": ("over the size limit", "a: " + "x" * (MAX_BYTES + 1)),
        "not-utf8": ("not UTF-8", b"pactsim: 1\nid: \xff\xfe\n"),
        "python-tag": ("python object tag", "a: !!python/object/apply:os.system [echo hi]\n"),
        "huge-string": ("one huge string", "a: '" + "x" * (MAX_BYTES - 100) + "'\n"),
        "dup-keys": ("many duplicate keys", "a: 1\n" * 50_000),
    }
    for key, (group, text) in loader.items():
        add(f"loader-{key}", group, _text(text), _loads, must_refuse=True)

    add("given24-empty-table", "24 `given` parents, empty table", _text(_given_empty_table(24)),
        _loads)
    odds = _odds_parents(30)
    add("odds30-run", "30 binary `odds` parents", _file(odds), _cli(_run_cmd()))
    add("odds30-check", "30 binary `odds` parents", _file(odds), _cli(_file_cmd("check")))
    add("odds30-exact", "30 binary `odds` parents", _text(odds), _exact())
    add("n1e12-keep", "simulate(n=10**12, keep_draws=True)", _text(None),
        _simulate_flagship(n=10**12, keep_draws=True))
    add("cli-n1e32", "pactsim run -n 10**32", flagship,
        _cli(_file_cmd("run", "-n", str(10**32), "--seed", "1")))
    add("unknown-2450", "2,450 unknown names", _text(_unknown_names(2450)), _loads)
    rev = _chain(1000, reverse=True, end="a")
    add("rev-chain1000-run", "1,000 questions chained in reverse order", _text(rev), _run_lib)
    add("rev-chain1000-exact", "1,000 questions chained in reverse order", _text(rev), _exact())
    add("driver-chain1200-exact", "1,200 chained questions ending in a driver",
        _text(_chain(1200, reverse=False, end="d > 0.5", drivers=_DRIVER)), _exact())
    add("chain2480-exact", "2,480 chained questions", _text(_chain(2480, reverse=False, end="a")),
        _exact())
    wide = _dated("0001-01-01", "9999-09-30", "5000-01-01: 0.3, 9999-09-30: 0.6",
                  "signing.date > 9000-01-01")
    add("as_of-0001-run", "as_of 0001-01-01, horizon 9999-09-30", _file(wide), _cli(_run_cmd()))
    add("as_of-0001-report", "as_of 0001-01-01, horizon 9999-09-30", _file(wide),
        _cli(_report_cmd()), base=rep)
    last = _dated("2025-01-01", "9999-12-31", "2025-12-31: 0.3, 9999-12-31: 0.6",
                  "signing.date <= 9999-12-31")
    add("horizon-9999-run", "horizon 9999-12-31 with signing", _file(last), _cli(_run_cmd()))
    add("horizon-9999-report", "horizon 9999-12-31 with signing", _file(last),
        _cli(_report_cmd()), base=rep)
    add("horizon-9999-exact", "horizon 9999-12-31 with signing", _text(last), _exact())
    add("quad5000", "exact(sc, quad_points=5000)", flagship, _exact(quad_points=5000))
    add("quad1e5", "exact(sc, quad_points=10**5)", flagship, _exact(quad_points=10**5))
    for key, esc, group in (("surrogate-pair", "\\ud83d\\ude00", 'title "\\ud83d\\ude00"'),
                            ("lone-surrogate", "\\ud800", 'title "\\ud800"')):
        text = _titled(esc)
        add(f"{key}-run", group, _file(text), _cli(_run_cmd()))
        add(f"{key}-check", group, _file(text), _cli(_file_cmd("check")))
        add(f"{key}-report", group, _file(text), _cli(_report_cmd()), base=rep)
        add(f"{key}-exact", group, _text(text), _exact())
    tiny = _extra("events:\n  a: {p: {between: [1e-200, 2e-200]}}\n  b: {p: 0.5}\n"
                  "questions:\n  q: a or b\n")
    add("between-1e-200-run", "p: {between: [1e-200, 2e-200]}", _file(tiny), _cli(_run_cmd()))
    add("between-1e-200-exact", "p: {between: [1e-200, 2e-200]}", _text(tiny), _exact())
    beta = _extra(_DRIVER + "events:\n  a: {p: {beta: [1e-300, 1e-300]}, odds: {d: 2}}\n"
                  "questions:\n  q: a\n")
    add("beta-1e-300-run", "beta: [1e-300, 1e-300] with odds", _file(beta), _cli(_run_cmd()))
    add("beta-1e-300-exact", "beta: [1e-300, 1e-300] with odds", _text(beta), _exact())
    huge = _extra("drivers:\n  d: {dist: uniform, low: -1.7e308, high: 1.7e308}\n"
                  "events:\n  a: {p: 0.5, odds: {d: 1.5}}\nquestions:\n  q: a and d > 0\n")
    add("uniform-1.7e308-run", "uniform driver over ±1.7e308", _file(huge), _cli(_run_cmd()))
    add("uniform-1.7e308-exact", "uniform driver over ±1.7e308", _text(huge), _exact())
    for key, label in (("caret", "$x^$"), ("frac", "$\\frac{1}$"),
                       ("nested", "$" + "{" * 500 + "x" + "}" * 500 + "$")):
        add(f"label-{key}-report", f"label {label if len(label) < 20 else '${{{…}}}$'}",
            _file(_small(label=label)), _cli(_report_cmd()), base=rep)
    never = (HEADER + "signing:\n  by: {2025-12-31: 0}\npillars:\n  m: {p: 0.5}\n"
             "questions:\n  q: signing.date <= 2025-06-30\n")
    add("signing-p0-report", "signing p = 0", _file(never), _cli(_report_cmd()), base=rep)
    # format 2: dated nodes over the longest span, many anchors, long chains, wide tables
    fan = _milestone_fan(64, 32)
    add("after-64-run", "milestone after 32 of 64 dated events, 50 years", _file(fan),
        _cli(_run_cmd()))
    add("after-64-exact", "milestone after 32 of 64 dated events, 50 years", _text(fan),
        _exact())
    # variants: 16 files, each extending the one before, each with 1,200 events of its own
    # (refused: over MAX_CHAIN_NODES); and the largest chain allowed, a base at a file's
    # limit and 16 small variants, each level validating the scenario merged so far
    add("extends-16-validate", "16 variants of 1,200 events each, one extending the next",
        _extends_chain(16, 1200), _cli(_file_cmd("validate")))
    add("extends-16-limit-validate", "1,230 events and 16 variants of 75, at the chain's "
        "limit", _extends_chain(16, 75, base=1230), _cli(_file_cmd("validate")))
    chain = _milestone_chain(200)
    add("milestones-200-run", "200 chained milestones, 50 years", _file(chain),
        _cli(_run_cmd()))
    add("milestones-200-exact", "200 chained milestones, 50 years", _text(chain), _exact())
    table = _curve_table(8, 30)
    add("curves-256-run", "signing: 256 curves, 30 hazard parents, 50 years", _file(table),
        _cli(_run_cmd()))
    add("curves-256-exact", "signing: 256 curves, 30 hazard parents, 50 years", _text(table),
        _exact())
    # review-fuzz15: a milestone's hazard ratio over drivers or many parents built its
    # delay's table unchecked (24^4 x 730 entries: 9.8 GB for four drivers)
    hz = _milestone_hazards(drivers=6, parents=20)
    add("milestone-hazards-exact", "milestone, hazard ratio on 6 drivers + 20 events",
        _text(hz), _exact())
    add("milestone-hazards-check", "milestone, hazard ratio on 6 drivers + 20 events",
        _file(hz), _cli(_file_cmd("check")))
    add("validate-dev-zero", "validate /dev/zero", lambda ctx: Path("/dev/zero"),
        _cli(_file_cmd("validate")))
    add("validate-dev-urandom", "validate /dev/urandom", lambda ctx: Path("/dev/urandom"),
        _cli(_file_cmd("validate")))
    add("validate-fifo", "validate a FIFO with no writer", _fifo, _cli(_file_cmd("validate")))
    add("run-out-dev-full", "--out /dev/full", _full_device,
        _cli(lambda ctx, dev: ["run", str(FLAGSHIP), "-n", N, "--seed", "1", "--out", str(dev)],
             after=_device_still_there))
    add("run-out-is-input", "--out equal to the input", _copy_flagship,
        _cli(lambda ctx, p: ["run", str(p), "-n", N, "--seed", "1", "--out", str(p)],
             after=_same_input_unchanged))
    add("report-out-is-input", "--out equal to the input", _copy_flagship,
        _cli(lambda ctx, p: ["report", str(p), "-n", N, "--seed", "1", "--out", str(p)],
             after=_same_input_unchanged), base=rep)
    return c


# -- the child --------------------------------------------------------------------------------
def _vm_kib(key: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def _where(exc: BaseException) -> str:
    """The innermost frame of pactsim's own code in the exception's traceback."""
    tb = traceback.extract_tb(exc.__traceback__)
    return next((f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in reversed(tb)
                 if f"{os.sep}pactsim{os.sep}" in f.filename), tb[-1].name if tb else "?")


def _child(case: Case, ctx: Ctx, as_limit: int) -> None:
    """Runs in the forked child: redirect output, prepare, cap memory, time the action."""
    for fd, path in ((1, ctx.out), (2, ctx.err)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout = open(1, "w", encoding="utf-8", errors="strict", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace",  # noqa: SIM115
                      closefd=False)
    from pactsim.errors import PactsimError

    result: dict[str, Any] = {}
    try:
        prepared = case.prepare(ctx)
    except Exception as exc:  # the benchmark's own set-up failed, not pactsim
        result = {"status": "skipped", "detail": f"set-up failed: {exc}", "seconds": 0.0}
    else:
        # written now, so a case that is killed still has its memory measured
        (ctx.tmp / "rss0").write_text(str(_vm_kib("VmRSS")))
        resource.setrlimit(resource.RLIMIT_AS, (as_limit, as_limit))
        t0 = time.perf_counter()
        try:
            status, detail = case.action(ctx, prepared)
        except PactsimError as exc:
            status, detail = "refused", f"{type(exc).__name__}: {_first_line(str(exc), 400)}"
        except MemoryError as exc:
            status = "oom"
            detail = f"{type(exc).__name__}: {_first_line(str(exc), 90)} [{_where(exc)}]"
            result["traceback"] = traceback.format_exc()[-3000:]
        except BaseException as exc:
            status = "crashed"
            detail = f"{type(exc).__name__}: {_first_line(str(exc), 90)} [{_where(exc)}]"
            result["traceback"] = traceback.format_exc()[-3000:]
        result.update(status=status, detail=detail, seconds=time.perf_counter() - t0)
        if status == "crashed" and "traceback" not in result:  # the CLI printed one
            with contextlib.suppress(Exception):
                sys.stderr.flush()
                err = ctx.err.read_text(errors="replace")
                if "Traceback (most recent call last)" in err:
                    result["traceback"] = err[-3000:]
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    (ctx.tmp / "result.json").write_text(json.dumps(result))


def _run_case(case: Case, tmp_root: Path, timeout: float, mem_limit_mib: int) -> dict[str, Any]:
    ctx = Ctx(tmp_root / case.name)
    ctx.tmp.mkdir()
    as_limit = _vm_kib("VmSize") * 1024 + mem_limit_mib * 2**20
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            _child(case, ctx, as_limit)
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    t0 = time.perf_counter()
    timed_out = False
    while True:
        wpid, status, usage = os.wait4(pid, os.WNOHANG)
        if wpid:
            break
        if time.perf_counter() - t0 > timeout:
            os.kill(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            timed_out = True
            break
        time.sleep(0.002)
    wall = time.perf_counter() - t0
    peak_kib = usage.ru_maxrss
    res_path = ctx.tmp / "result.json"
    out: dict[str, Any] = {"name": case.name, "group": case.group, "ref": case.ref,
                           "peak_mib": peak_kib / 1024}
    if timed_out:
        out.update(status="timeout", detail=f"killed after {timeout:g} s", seconds=wall)
    elif res_path.exists():
        out.update(json.loads(res_path.read_text()))
    else:
        err = ctx.err.read_text(errors="replace") if ctx.err.exists() else ""
        how = (f"signal {signal.Signals(os.WTERMSIG(status)).name}" if os.WIFSIGNALED(status)
               else f"exit {os.waitstatus_to_exitcode(status)}")
        tail = err.strip().splitlines()[-1] if err.strip() else "no output"
        out.update(status="crashed", detail=f"died ({how}) before reporting: {tail}",
                   seconds=wall)
    rss0_path = ctx.tmp / "rss0"
    rss0 = int(rss0_path.read_text()) if rss0_path.exists() else peak_kib
    out["case_mib"] = max(0.0, (peak_kib - rss0) / 1024)
    out["detail"] = _first_line(out["detail"].replace(f"{ctx.tmp}/", ""), 160)
    if case.must_refuse and out["status"] == "finished":
        out["status"], out["detail"] = "accepted", "accepted?! " + out["detail"]
    return out


# -- warm-up and report -----------------------------------------------------------------------
def _warm_up(tmp: Path) -> list[str]:
    """Import and exercise everything the cases use, so a case times its own work only."""
    notes = []
    path = tmp / "warm.yaml"
    # every kind of node and distribution the cases touch, so their first use is paid here
    event = "  a: {p: 0.5, label: Event a}\n"
    path.write_text(_small(_DRIVER + "  u: {dist: uniform, low: -1, high: 1}\n").replace(
        event, event + "  b: {p: {between: [0.2, 0.4]}, odds: {d: 1.5}}\n"
        "  e: {p: {beta: [2, 3]}, odds: {u: 2}}\n"))
    steps: list[tuple[str, Callable[[], Any]]] = []

    def step(name: str, fn: Callable[[], Any]) -> None:
        steps.append((name, fn))

    import pactsim
    from pactsim.cli import build_parser, main

    step("cli", build_parser)
    step("simulate", lambda: pactsim.simulate(pactsim.load(path), n=5000, seed=1).marginals())
    step("exact", lambda: pactsim.exact(pactsim.load(path)).marginals())
    step("flagship", lambda: pactsim.exact(pactsim.load(FLAGSHIP)).marginals())
    step("run", lambda: main(["run", str(path), "-n", "5000", "--seed", "1"]))
    step("check", lambda: main(["check", str(path)]))
    step("report", lambda: main(["report", str(path), "-n", "5000", "--seed", "1",
                                 "--out", str(tmp / "warm.html")]))
    for name, fn in steps:
        sink = io.StringIO()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                fn()
        except BaseException as exc:
            notes.append(f"warm-up {name} failed ({type(exc).__name__}: "
                         f"{_first_line(str(exc), 80)}); its cases include the first-use cost")
    return notes


def _table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if h in ("s", "s over ref", "MiB", "peak MiB") else "---"
                            for h in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", action="append", default=[], metavar="TEXT",
                    help="only cases whose name contains TEXT (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--timeout", type=float, default=3.0, help="seconds before a case is killed")
    ap.add_argument("--mem-limit-mib", type=int, default=1024,
                    help="address space a case may add (RLIMIT_AS), MiB")
    ap.add_argument("--max-seconds", type=float, default=1.0, help="target time per case")
    ap.add_argument("--max-mib", type=float, default=200.0, help="target memory per case, MiB")
    ap.add_argument("--verbose", action="store_true", help="print tracebacks of crashes")
    ap.add_argument("--json", default=None, help="also write the results to this file")
    args = ap.parse_args(argv)
    cases = [c for c in _cases() if not args.k or any(k in c.name for k in args.k)]
    if args.list:
        for c in cases:
            print(f"{c.name:<26} {c.group}")
        return 0
    if not hasattr(os, "fork"):
        print("bench_hostile needs os.fork (Linux or macOS)", file=sys.stderr)
        return 2

    results = []
    with tempfile.TemporaryDirectory(prefix="pactsim-hostile-") as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        notes = _warm_up(tmp)
        warm = time.perf_counter() - t0
        base_mib = _vm_kib("VmRSS") / 1024
        print(f"# warmed up in {warm:.1f} s; process RSS {base_mib:.0f} MiB, address space "
              f"{_vm_kib('VmSize') / 1024:.0f} MiB (+{args.mem_limit_mib} MiB allowed per case)",
              file=sys.stderr)
        for note in notes:
            print(f"# {note}", file=sys.stderr)
        names = {c.name for c in cases}
        wanted = {c.base for c in cases if c.base and c.base not in names}
        cases = [c for c in _cases() if c.name in wanted] + cases  # references first
        done: dict[str, dict[str, Any]] = {}
        for case in cases:
            r = _run_case(case, tmp, args.timeout, args.mem_limit_mib)
            base = done.get(case.base or "", {}).get("seconds", 0.0)
            r["over_ref"] = max(0.0, r["seconds"] - base)
            r["base"] = case.base
            ok = r["status"] in ("refused", "finished")
            r["miss"] = (not case.ref) and (not ok or r["over_ref"] >= args.max_seconds
                                            or r["case_mib"] >= args.max_mib)
            done[case.name] = r
            results.append(r)
            flag = "ref" if case.ref else ("MISS" if r["miss"] else "ok")
            print(f"  {flag:<4} {case.name:<26} {r['status']:<9} {r['seconds']:7.3f} s "
                  f"{r['case_mib']:6.1f} MiB  {r['detail'][:70]}", file=sys.stderr, flush=True)

    rows = [[r["name"], r["group"].replace("|", "\\|"), r["status"], f"{r['seconds']:.3f}",
             f"{r['over_ref']:.3f}" if r["base"] else "", f"{r['case_mib']:.0f}",
             f"{r['peak_mib']:.0f}", "ref" if r["ref"] else ("**miss**" if r["miss"] else "ok"),
             r["detail"].replace("|", "\\|")]
            for r in results]
    print(_table(rows, ["case", "input", "result", "s", "s over ref", "MiB", "peak MiB",
                        "target", "detail"]))
    held = [r for r in results if not r["ref"]]
    misses = [r for r in held if r["miss"]]
    if held:
        slow = max(held, key=lambda r: r["over_ref"])
        big = max(held, key=lambda r: r["case_mib"])
        print(f"\n{len(held)} hostile cases: worst time {slow['over_ref']:.3f} s ({slow['name']}"
              + (f", beyond {slow['base']}" if slow["base"] else "") + "), "
              f"worst memory {big['case_mib']:.0f} MiB above the process's {base_mib:.0f} MiB "
              f"({big['name']}); target < {args.max_seconds:g} s and < {args.max_mib:g} MiB, "
              "refused or finished")
        counts: dict[str, int] = {}
        for r in held:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        print("outcomes: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    if misses:
        print(f"\n{len(misses)} MISSED the target:")
        for r in misses:
            print(f"  {r['name']}: {r['status']} in {r['seconds']:.3f} s"
                  + (f" ({r['over_ref']:.3f} s beyond {r['base']})" if r["base"] else "") + ", "
                  f"{r['case_mib']:.0f} MiB — {r['detail']}")
            if args.verbose and r.get("traceback"):
                print("    " + r["traceback"].rstrip().replace("\n", "\n    "))
    else:
        print("\nevery case met the target")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
