"""Imports flow one way through the layers (design.md, "Layers are folders").

Each module-level ``import``/``from`` in ``src/pactsim`` may only reach the
layers at or below its own. Imports inside functions (lazy, for views reached
from ``_repr_html_``, ``.plot`` and ``__str__``) are allowed and not checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "pactsim"

#: Rank of each layer; a module may import only layers of rank <= its own.
RANK = {
    "_version": 0, "errors": 0, "_progress": 0,
    "language": 1,
    "inference": 2,
    "results": 3,
    "montecarlo": 4, "backends": 4,
    "testing": 5, "analysis": 5,
    "views": 6, "plot": 6,
    "cli": 7,
    "__main__": 8,  # python -m pactsim: the command line
}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _top_level_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in tree.body:  # module level only; also inside `if TYPE_CHECKING:` is skipped
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
            if node.module == "pactsim":
                out += [f"pactsim.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names]
    return [m for m in out if m == "pactsim" or m.startswith("pactsim.")]


MODULES = sorted(p for p in SRC.rglob("*.py") if p.name != "__init__.py" or p.parent != SRC)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_module_imports_only_lower_layers(path: Path) -> None:
    rel = path.relative_to(SRC).with_suffix("")
    own = rel.parts[0]
    assert own in RANK, f"{rel} is in no layer; add it to RANK"
    for target in _top_level_imports(path):
        layer = _layer(target)
        assert layer in RANK, f"{rel} imports {target}, which is in no layer"
        assert RANK[layer] <= RANK[own], f"{rel} (layer {own}) imports {target} (layer {layer})"


def test_scenario_model_does_not_reach_compile_or_io() -> None:
    imports = _top_level_imports(SRC / "language" / "scenario.py")
    # the attribute model (format 3) and the frozen containers are part of the data
    # model: no compile, no I/O
    allowed = ("pactsim.errors", "pactsim.language.attributes", "pactsim.language._frozen")
    assert not [m for m in imports if m not in allowed], imports
    assert _top_level_imports(SRC / "language" / "attributes.py") == ["pactsim.language._frozen"]
    assert _top_level_imports(SRC / "language" / "_frozen.py") == ["pactsim.errors"]
