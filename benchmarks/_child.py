"""Run one benchmark case in a fresh interpreter (its own memory and imports)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def run_child(script: str | Path, spec: dict[str, Any]) -> dict[str, Any]:
    """Run ``script --child SPEC_JSON`` with pactsim's sources on the path and return
    the JSON object the child prints on its last line."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, str(Path(script).resolve()), "--child",
                           json.dumps(spec)], capture_output=True, text=True, env=env,
                          check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark case {spec} failed (exit {proc.returncode}):\n"
                           f"{proc.stderr}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))
