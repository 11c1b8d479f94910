"""Time hostile and broken scenario files: each must fail in well under a second.

Run: ``python benchmarks/bench_hostile.py``. Prints one line per input with the
time ``pactsim.loads`` took to reject it, and exits 1 if any took more than
1 second or raised anything but ``ScenarioError``. (A benchmark, not a test:
timings depend on the machine.)
"""

from __future__ import annotations

import sys
import time

import pactsim
from pactsim.errors import ScenarioError
from pactsim.language._yaml import MAX_BYTES, MAX_NODES


def _laughs(levels: int) -> str:
    lines = ['lol0: &lol0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*lol{i - 1}"] * 10)
        lines.append(f"lol{i}: &lol{i} [{refs}]")
    return "\n".join(lines) + "\n"


CASES: dict[str, str | bytes] = {
    "billion laughs (9 levels of 10)": _laughs(9),
    "a list of tiny nodes filling the size limit": "a: [" + "1," * (MAX_BYTES // 2 - 10) + "1]\n",
    "a mapping of many keys": "a:\n" + "".join(f"  k{i}: 1\n" for i in range(MAX_NODES * 2)),
    "500 000 open brackets": "a: " + "[" * 500_000,
    "deep block nesting": "".join("  " * i + f"k{i}:\n" for i in range(2000)),
    "over the size limit": "a: " + "x" * (MAX_BYTES + 1),
    "not UTF-8": b"pactsim: 1\nid: \xff\xfe\n",
    "python object tag": "a: !!python/object/apply:os.system [echo hi]\n",
    "one huge string": "a: '" + "x" * (MAX_BYTES - 100) + "'\n",
    "many duplicate keys": "a: 1\n" * 50_000,
}


def main() -> int:
    worst = 0.0
    failed = False
    print(f"{'input':<46} {'bytes':>9} {'seconds':>8}  result")
    for name, text in CASES.items():
        t0 = time.perf_counter()
        try:
            pactsim.loads(text, name="hostile.yaml")
            result = "accepted?!"
            failed = True
        except ScenarioError as err:
            result = str(err.problems[0])[:60]
        except Exception as err:
            result = f"{type(err).__name__}: {err}"[:60]
            failed = True
        dt = time.perf_counter() - t0
        worst = max(worst, dt)
        print(f"{name:<46} {len(text):>9,} {dt:8.3f}  {result}")
    print(f"slowest: {worst:.3f} s (target < 1 s)")
    return 1 if failed or worst >= 1.0 else 0


if __name__ == "__main__":
    sys.exit(main())
