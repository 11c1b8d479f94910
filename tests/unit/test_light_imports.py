"""What reading a scenario imports: `pactsim validate` starts in ~0.3 s because it
needs neither numpy nor the process pool (bench_startup.py times it; these tests keep
the imports from creeping back)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> list[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT).stdout.split()


def test_reading_the_scenarios_imports_no_numpy() -> None:
    """Every scenario of the repo is read, questions and conditions parsed and checked,
    without numpy; evaluating a question then imports it and gives the right answer."""
    code = (
        "import sys, glob, pactsim\n"
        "for f in sorted(glob.glob('scenarios/**/*.yaml', recursive=True)):\n"
        "    if not f.endswith('.resolutions.yaml'):\n"
        "        pactsim.load(f)\n"
        "print('numpy' in sys.modules, 'pactsim.backends' in sys.modules)\n"
        "from pactsim.language import expr\n"
        "import numpy as np\n"
        "a, b = np.array([True, False, True]), np.array([True, True, False])\n"
        "print(expr.evaluate(expr.parse('count(a, b) >= 2 or not b'), {'a': a, 'b': b})"
        ".tolist())\n")
    assert _run(code) == ["False", "False", "[True,", "False,", "True]"]


def test_pactsim_validate_imports_neither_numpy_nor_the_pool() -> None:
    """The console script's exit checks for an abandoned pool only when the run
    imported pactsim.backends (which imports concurrent.futures)."""
    code = (
        "import sys\n"
        "from pactsim import cli\n"
        "sys.argv = ['pactsim', 'validate', 'scenarios/iran-russia-2024.yaml']\n"
        "try:\n"
        "    cli.console()\n"
        "except SystemExit as stop:\n"
        "    print('exit', stop.code)\n"
        "print('numpy' in sys.modules, 'pactsim.backends' in sys.modules)\n")
    assert _run(code)[-4:] == ["exit", "0", "False", "False"]
