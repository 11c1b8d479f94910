"""Start-up time of pactsim: ``import pactsim``, ``pactsim --version``, ``pactsim validate``.

Run from the repository root::

    python benchmarks/bench_startup.py            # best of 10 runs each, ~30 s
    python benchmarks/bench_startup.py --repeat 20 --importtime

Each command runs as a fresh subprocess (the venv's interpreter and its
``pactsim`` console script), ``--repeat`` times, interleaved in rounds after
one untimed warm-up round (so every file is in the page cache, its bytecode
written even where ``PYTHONDONTWRITEBYTECODE`` is set, and a slow spell of the
machine hits every command alike). Reported per command: the best and
the median wall time (``time.perf_counter`` around spawn and wait), the best
minus the best of ``python -c "pass"`` in the same run (what pactsim itself
costs), the ratio to that baseline, and the peak RSS of the process
(``ru_maxrss`` from ``wait4``; Linux counts the parent's pages the child had
before ``exec``, so it never reads below this script's own ~14 MiB). A
command that exits non-zero is reported as failed. Targets are on the best
wall time; exits 1 if one is missed.
``--importtime`` also lists what the commands import, slowest first
(``python -X importtime``), for the commands that miss their target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = "scenarios/iran-russia-2024.yaml"


def _commands() -> list[tuple[str, list[str], float | None]]:
    """(label, argv, target seconds) — the baseline first."""
    py = sys.executable
    script = Path(py).parent / "pactsim"
    cli = [str(script)] if script.exists() else [py, "-m", "pactsim.cli"]
    return [
        ('python -c "pass"', [py, "-c", "pass"], None),
        ('python -c "import pactsim"', [py, "-c", "import pactsim"], 0.35),
        ("pactsim --version", [*cli, "--version"], 0.15),
        (f"pactsim validate {FLAGSHIP}", [*cli, "validate", FLAGSHIP], 0.35),
    ]


#: The commands' environment: this one, but Python may write bytecode (``__pycache__``),
#: as it does for any user from the second run on. With PYTHONDONTWRITEBYTECODE set
#: (as in some shells and containers) every run compiled pactsim from source, ~0.1 s
#: of `validate`'s 0.35 s.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _time(argv: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS MiB, exit status and stderr of one run."""
    with open(os.devnull, "wb") as null, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=null, stderr=err, cwd=ROOT, env=_ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped by wait4
        err.seek(0)
        text = err.read().decode(errors="replace")
    return wall, usage.ru_maxrss / 1024, proc.returncode, text


def _imports(argv: list[str], top: int) -> list[str]:
    """The slowest imports of a command, from ``-X importtime``: pactsim's modules and
    top-level packages, by cumulative time (a package's time includes what it imports)."""
    if argv[0] != sys.executable:  # the console script is a Python file
        argv = [sys.executable, *argv]
    _, _, _, err = _time([argv[0], "-X", "importtime", *argv[1:]])
    cum: dict[str, int] = {}
    for line in err.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, us, name = line.split(":", 1)[1].split("|")
        name = name.strip()
        if "." not in name or name.startswith("pactsim"):
            cum[name] = max(cum.get(name, 0), int(us))
    rows = sorted(((us, n) for n, us in cum.items() if us >= 2000), reverse=True)
    return [f"{us / 1e3:8.1f} ms  {name}" for us, name in rows[:top]]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=10, help="timed runs per command (best kept)")
    ap.add_argument("--importtime", action="store_true",
                    help="list the slowest imports of each command that misses its target")
    args = ap.parse_args(argv)

    commands = _commands()
    times: dict[str, list[float]] = {label: [] for label, _, _ in commands}
    rss: dict[str, float] = {}
    failed: dict[str, str] = {}
    for round_ in range(args.repeat + 1):
        for label, cmd, _ in commands:
            wall, peak, code, err = _time(cmd)
            if code != 0:
                last = err.strip().splitlines()[-1] if err.strip() else ""
                failed[label] = f"exit {code}: {last}"
            if round_:  # round 0 warms the page cache
                times[label].append(wall)
                rss[label] = max(rss.get(label, 0.0), peak)

    base = min(times[commands[0][0]])
    header = ["command", "best s", "median s", "best − python s", "× python", "peak RSS MiB",
              "target s", "met"]
    lines = ["| " + " | ".join(header) + " |",
             "|---|" + "---:|" * (len(header) - 2) + ":---:|"]
    missed = []
    for label, cmd, target in commands:
        best = min(times[label])
        if label in failed:
            met = "**failed**"
            missed.append((label, cmd))
        elif target is None:
            met = "baseline"
        elif best < target:
            met = "yes"
        else:
            met = f"**no** (+{best - target:.3f} s)"
            missed.append((label, cmd))
        lines.append(f"| `{label}` | {best:.3f} | {statistics.median(times[label]):.3f} | "
                     f"{best - base:.3f} | {best / base:.1f} | {rss[label]:.0f} | "
                     f"{'' if target is None else f'< {target:g}'} | {met} |")
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"best of {args.repeat} runs each, wall time\n")
    print("\n".join(lines))
    for label, msg in failed.items():
        print(f"\n`{label}` failed: {msg}")
    if args.importtime:
        for label, cmd in missed:
            print(f"\nslowest imports of `{label}`:")
            print("\n".join(_imports(cmd, 15)))
    print("\nevery target met" if not missed else
          f"\n{len(missed)} target(s) missed: " + ", ".join(f"`{m}`" for m, _ in missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
