"""The README's Python examples run as written (in order, sharing one namespace)."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_python_blocks_run():
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert len(blocks) >= 3
    namespace: dict[str, object] = {}
    old = Path.cwd()
    os.chdir(ROOT)  # the examples use paths relative to the repository
    try:
        for block in blocks:
            exec(compile(block, "README.md", "exec"), namespace)  # our own docs, not input
        tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
        assert len(tests) >= 2
        for test in tests:
            test()
    finally:
        os.chdir(old)
