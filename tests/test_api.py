"""The public surface: a complete ``__all__``, a light import, README commands that CI runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sopflow

ROOT = Path(__file__).resolve().parent.parent


def test_all_names_resolve_and_nothing_public_is_missing() -> None:
    for name in sopflow.__all__:
        assert getattr(sopflow, name) is not None, name
    assert sorted(sopflow.__all__) == sorted(set(sopflow.__all__))
    assert sorted(dir(sopflow)) == sorted(sopflow.__all__)


def test_unknown_attribute_is_an_attribute_error() -> None:
    try:
        sopflow.Nope  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as error:
        assert "Nope" in str(error)
    else:  # pragma: no cover
        raise AssertionError("sopflow.Nope should not exist")


def test_import_loads_no_heavy_library() -> None:
    code = (
        "import sys, sopflow\n"
        "heavy = {'networkx', 'numpy', 'pygraphviz', 'holidays', 'fontTools', 'simpy',"
        " 'matplotlib'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_package_is_typed() -> None:
    assert (Path(sopflow.__file__).parent / "py.typed").exists()


def test_ci_runs_the_readme_commands_verbatim() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in readme.splitlines()
                if line.strip().startswith(("python3 -m venv", ". .venv/bin/activate"))]
    assert len(commands) == 2
    for command in commands:
        assert command in ci.splitlines()


def test_readme_example_runs(capsys: object) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    procedure = namespace["procedure"]
    assert isinstance(procedure, sopflow.Procedure)
    assert procedure.report.ok
    assert [s.id for s in procedure.steps] == ["s1", "s2", "lengkapi", "setuju"]
