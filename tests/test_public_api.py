"""The subpackages the docs import from declare ``__all__``, and the docs import only from it.

``from sopflow.render import X`` in docs/, README.md or an example is a promise: X is public.
Each module below lists its public names in ``__all__``; every listed name exists, none is
listed twice, and every name the docs import (multi-line imports too) is listed.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("render", "runtime", "simulate", "interchange", "calendar", "loader")
_IMPORT = re.compile(
    r"from sopflow\.(" + "|".join(MODULES) + r") import (\([^)]*\)|[^\n]*)", re.S
)


def _doc_imports() -> list[tuple[str, str, str]]:
    """(module, name, file) for every ``from sopflow.<module> import name`` in the docs."""
    files = [*ROOT.glob("docs/*.md"), ROOT / "README.md", *ROOT.glob("examples/*.py")]
    found = []
    for path in files:
        for module, names in _IMPORT.findall(path.read_text(encoding="utf-8")):
            names = re.sub(r"#[^\n]*", "", names).strip("()")
            for name in names.split(","):
                name = name.split(" as ")[0].strip()
                if name:
                    found.append((module, name, path.name))
    return found


@pytest.mark.parametrize("module", MODULES)
def test_module_declares_all_and_every_name_exists(module: str) -> None:
    mod = importlib.import_module(f"sopflow.{module}")
    names = mod.__all__
    assert len(names) == len(set(names)), f"sopflow.{module}.__all__ lists a name twice"
    missing = [n for n in names if not hasattr(mod, n)]
    assert not missing, f"sopflow.{module}.__all__ lists missing names {missing}"


def test_docs_import_only_public_names() -> None:
    imports = _doc_imports()
    assert len(imports) > 10  # the pattern still finds the docs' imports
    private = [
        f"{file}: sopflow.{module}.{name}"
        for module, name, file in imports
        if name not in importlib.import_module(f"sopflow.{module}").__all__
    ]
    assert not private, "docs import names missing from __all__: " + ", ".join(private)


def test_render_exposes_no_phase_internals() -> None:
    """The layout's phase modules are internal: the package shows the documented API only."""
    import sopflow.render as render

    assert "LayoutOptions" in render.__all__
    assert not {"PageBuilder", "Router", "plan_ports", "paginate"} & set(render.__all__)


#: The core: what every other part builds on. It never imports the layers above it.
_CORE = ("model", "waktu", "graph", "validate", "procedure")
_ABOVE = ("sopflow.dsl", "sopflow.loader", "sopflow.cli", "sopflow.render", "sopflow.runtime",
          "sopflow.simulate", "sopflow.interchange")


def _imports(path: Path, *, lazy: bool) -> set[str]:
    import ast

    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree) if lazy else tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


@pytest.mark.parametrize("name", _CORE)
def test_core_never_imports_the_layers_above(name: str) -> None:
    path = ROOT / "src" / "sopflow" / f"{name}.py"
    up = {m for m in _imports(path, lazy=False) if m.startswith(_ABOVE)}
    assert not up, f"sopflow.{name} imports {sorted(up)}"
    # not even lazily: the DSL sits above compilation
    assert "sopflow.dsl" not in _imports(path, lazy=True)
