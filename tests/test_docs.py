"""The documentation works as written: its code runs, its commands give what it shows.

Conventions in ``docs/*.md``:

- every ```` ```python ```` block runs, in order, in one namespace per page, in a scratch
  folder holding a copy of ``examples/``;
- every ```` ```console ```` block is a terminal session: a line ``$ command`` runs (``sopflow
  ...`` through :func:`sopflow.cli.main`, ``python ...`` with this interpreter); a trailing
  ``# exit N`` says the exit code expected (0 otherwise); every other non-empty line shown is
  expected in the command's output (``...`` stands for lines left out);
- ```` ```sh ```` blocks (installation) and ```` ```text ```` blocks are shown, not run;
- a block after ``<!-- file: NAME -->`` is saved as the file NAME (the reader is asked to
  save it), for the commands that follow; it is not run by itself;
- a block after ``<!-- requires: MODULE -->`` runs only when MODULE can be imported
  (a library sopflow does not depend on, such as jsonschema).

Run ``python tests/test_docs.py`` to regenerate the rule table in ``docs/validation.md``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
#: Pages that explain or list, without code to run.
EXPLANATIONS = {"sop-ap-format.md", "graph-schema.md", "reference-sop.md"}
BLOCK = re.compile(r"(?:<!-- requires: (?P<requires>[\w.]+) -->\s*\n)?"
                   r"(?:<!-- file: (?P<file>[\w./-]+) -->\s*\n)?"
                   r"^```(?P<lang>\w*)[^\n]*\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(page: Path) -> list[tuple[str, str, str | None, str | None, int]]:
    """(language, body, required module, file, line) of each fenced block of ``page``."""
    text = page.read_text(encoding="utf-8")
    return [(m["lang"], m["body"], m["requires"], m["file"],
             text.count("\n", 0, m.start("body")) + 1)
            for m in BLOCK.finditer(text)]


def available(module: str | None) -> bool:
    if module is None:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_command(command: str) -> tuple[int, str]:
    words = shlex.split(command, comments=True)
    if words[0] == "sopflow":
        from sopflow.cli import main

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(words[1:])
        return code, out.getvalue() + err.getvalue()
    if words[0] == "python":
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        done = subprocess.run([sys.executable, *words[1:]], capture_output=True, text=True,
                              env=env)
        return done.returncode, done.stdout + done.stderr
    raise AssertionError(f"the docs may only run sopflow and python commands: {command!r}")


def check_console(body: str, where: str) -> None:
    session: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            session.append((line[2:], []))
        elif session and line.strip() and line.strip() != "...":
            session[-1][1].append(line.strip())
    for command, shown in session:
        expected = re.search(r"#\s*exit\s+(\d+)\s*$", command)
        code, output = run_command(command)
        assert "Traceback" not in output, (where, command, output)
        assert code == (int(expected[1]) if expected else 0), (where, command, output)
        lines = [line.strip() for line in output.splitlines()]
        for text in shown:
            assert any(text in line for line in lines), (where, command, text, output)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_code_runs_as_written(page: Path, scratch: Path) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    ran = 0
    for lang, body, requires, file, line in blocks(page):
        if not available(requires):
            continue
        where = f"{page.name}:{line}"
        if file is not None:  # the reader saves this block as a file (commands then use it)
            (scratch / file).write_text(body, encoding="utf-8")
            continue
        if lang == "python":
            exec(compile(body, where, "exec"), namespace)
            ran += 1
        elif lang == "console":
            check_console(body, where)
            ran += 1
        else:
            assert lang in ("sh", "text", "json", "xml", "dot"), (where, lang)
    assert ran or page.name in EXPLANATIONS, f"{page.name} has no runnable block"


# -- docs/validation.md: every rule documented with a failing example ------------------------


def rules_table() -> str:
    from sopflow.validate import RULES

    rows = ["| Code | Name | Severity | Fires when |", "|---|---|---|---|"]
    for rule in RULES:
        anchor = f"{rule.code}-{rule.name}".lower()
        rows.append(f"| [{rule.code}](#{anchor}) | {rule.name} | {rule.severity.value} | "
                    f"{rule.summary} |")
    return "\n".join(rows)


_TABLE = re.compile(r"(<!-- rules:start -->\n).*?(\n<!-- rules:end -->)", re.DOTALL)


def test_validation_page_lists_every_rule_with_a_failing_example() -> None:
    from sopflow.validate import RULES

    page = DOCS / "validation.md"
    text = page.read_text(encoding="utf-8")
    match = _TABLE.search(text)
    assert match is not None
    assert text[match.end(1) : match.start(2)] == rules_table(), \
        "the rule table is stale: run python tests/test_docs.py"
    sections = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    documented = {}
    for section in sections:
        heading, _, body = section.partition("\n")
        documented[heading.split()[0]] = (heading, body)
    assert sorted(documented) == sorted(rule.code for rule in RULES)
    for rule in RULES:
        heading, body = documented[rule.code]
        assert heading == f"{rule.code} {rule.name}"
        # The example is a python block that asserts the rule fires (the block runs above).
        example = re.search(r"```python\n(.*?)```", body, re.DOTALL)
        assert example is not None, rule.code
        assert f'"{rule.code}" in codes(sop)' in example[1] or \
            f'count("{rule.code}")' in example[1], rule.code


def test_cli_page_documents_every_command_option_and_exit_code() -> None:
    from sopflow import cli

    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():  # type: ignore[union-attr]
        assert f"sopflow {name}" in text, name
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in text, (name, option)
    for code in (cli.EXIT_OK, cli.EXIT_ERRORS, cli.EXIT_USAGE, cli.EXIT_UNAVAILABLE,
                 cli.EXIT_INTERNAL, cli.EXIT_INTERRUPTED):
        assert f"| {code} |" in text, code


if __name__ == "__main__":
    page = DOCS / "validation.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(_TABLE.sub(lambda m: m[1] + rules_table() + m[2], text), encoding="utf-8")
    print(f"updated {page}")
