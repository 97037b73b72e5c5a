"""Load SOPs from what a user points the command at: ``file.py``, ``file.py:name`` or JSON.

A Python file defines one or more SOPs as module-level variables holding :class:`sopflow.SOP`
objects (or frozen :class:`~sopflow.model.SOPDefinition` values); ``file.py:name`` selects the
variable ``name``. A ``.json`` file holds one definition in the ``sopflow/1`` format and is
read without executing anything.

Every failure (missing file, syntax error, an exception while the file runs, a JSON problem,
a file without any SOP) becomes one :class:`LoadError` with the file, the line when known and
a message meant for the person who wrote the file, never a traceback.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import sys
import traceback
import types
from pathlib import Path

import attrs

from sopflow._textcheck import TextError, check_definition
from sopflow.dsl import SOP, DefinitionError
from sopflow.model import SOPDefinition

__all__ = ["LoadError", "LoadedSOP", "load_sops", "split_spec"]

#: The module name a user's Python file runs under (its ``__main__`` block does not run).
_MODULE = "__sopflow_file__"


class LoadError(Exception):
    """A file that could not be loaded: where (file, line) and why, in one sentence."""

    def __init__(self, message: str, *, file: str, line: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        """File, line and message as JSON-ready data."""
        return {"file": self.file, "line": self.line, "message": self.message}


@attrs.frozen(kw_only=True)
class LoadedSOP:
    """One SOP found in a file: the variable it was bound to (or the file for JSON)."""

    source: str  # the file as the user wrote it
    variable: str | None  # module-level name in a Python file; None for JSON
    definition: SOPDefinition

    @property
    def label(self) -> str:
        """``file.py:name`` for a Python SOP, the file for JSON: what to type to select it."""
        return f"{self.source}:{self.variable}" if self.variable else self.source


def split_spec(spec: str) -> tuple[str, str | None]:
    """``"dir/file.py:name"`` -> ``("dir/file.py", "name")``; a bare path gives ``None``.

    Only a suffix after ``.py:`` or ``.json:`` that is a Python identifier counts, so Windows
    drive letters (``C:\\sop.py``) stay part of the path.
    """
    head, sep, name = spec.rpartition(":")
    if sep and name.isidentifier() and head.lower().endswith((".py", ".json")):
        return head, name
    return spec, None


def load_sops(spec: str) -> list[LoadedSOP]:
    """The SOPs that ``spec`` names, in the order they appear in the file.

    Raises :class:`LoadError` when the file cannot be read or run, defines no SOP, or has no
    variable of the selected name.
    """
    path, name = split_spec(spec)
    if not os.path.exists(path):
        raise LoadError("no such file", file=path)
    if os.path.isdir(path):
        raise LoadError("is a directory; give a .py or .json file", file=path)
    if path.lower().endswith(".json"):
        if name is not None:
            raise LoadError(f"a JSON file holds one SOP; remove ':{name}'", file=path)
        return [LoadedSOP(source=path, variable=None, definition=_load_json(path))]
    if path.lower().endswith((".xlsx", ".csv")):
        return [LoadedSOP(source=path, variable=None, definition=_load_sheet(path))]
    if not path.lower().endswith(".py"):
        raise LoadError("unknown file type; give a Python file (.py), a JSON definition "
                        "(.json) or an SOP table (.xlsx, .csv)", file=path)
    found = _load_python(path)
    if name is not None:
        for item in found:
            if item.variable == name:
                return [item]
        close = difflib.get_close_matches(name, [f.variable or "" for f in found], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        have = ", ".join(f.variable or "" for f in found)
        raise LoadError(f"no SOP named {name!r} in the file (it defines: {have}){hint}",
                        file=path)
    return found


def _load_json(path: str) -> SOPDefinition:
    from sopflow.interchange.json_format import JSONFormatError, load

    try:
        return load(path)
    except JSONFormatError as error:
        message = f"{error.path}: {error.message}" if error.path != "$" else error.message
        raise LoadError(message, file=path, line=error.line) from None
    except OSError as error:
        raise LoadError(f"cannot read: {error.strerror}", file=path) from None


def _load_sheet(path: str) -> SOPDefinition:
    """An SOP table (docs/office.md); every problem is listed with its cell."""
    try:
        from sopflow.interchange.sheet import SheetError
        from sopflow.interchange.xlsx import read_sheet
    except ImportError as error:  # pragma: no cover - the office extra is not installed
        raise LoadError(f"reading spreadsheets needs the office extra: {error}",
                        file=path) from None
    try:
        return read_sheet(path)
    except SheetError as error:
        raise LoadError("\n  ".join(str(f) for f in error.findings), file=path) from None
    except ImportError as error:
        raise LoadError(str(error), file=path) from None
def _definition_of(value: SOP | SOPDefinition, path: str) -> SOPDefinition:
    """The frozen definition, its texts checked (see :mod:`sopflow._textcheck`)."""
    try:
        if isinstance(value, SOP):
            return value.definition()
        check_definition(value)
        return value
    except TextError as error:
        where = error.location
        line = where.line if where is not None and _same_file(where.file, path) else None
        raise LoadError(f"{error.field}: {error.message}", file=path, line=line) from None


def _same_file(a: str, b: str) -> bool:
    return os.path.abspath(a) == os.path.abspath(b)


def _user_line(error: BaseException, filename: str) -> int | None:
    """The line of the innermost traceback frame inside the user's file."""
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    return line


def _load_python(path: str) -> list[LoadedSOP]:
    try:
        source = Path(path).read_bytes()
    except OSError as error:
        raise LoadError(f"cannot read: {error.strerror}", file=path) from None
    try:
        code = compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        raise LoadError(f"syntax error: {error.msg}", file=path, line=error.lineno) from None
    except ValueError as error:  # e.g. null bytes in the source
        raise LoadError(f"cannot compile: {error}", file=path) from None
    module = types.ModuleType(_MODULE)
    module.__file__ = os.path.abspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, folder)  # the file may import its neighbours, as `python file.py` does
    # Registered while it runs, as runpy does: dataclasses, typing and pickle look the module
    # up by name (a @dataclass with a ClassVar failed without it).
    previous = sys.modules.get(_MODULE)
    sys.modules[_MODULE] = module
    try:
        # What the file prints goes to stderr, so `--format json` on stdout stays clean.
        with contextlib.redirect_stdout(sys.stderr):
            exec(code, module.__dict__)
    except KeyboardInterrupt:
        raise
    except SystemExit as error:
        raise LoadError(f"the file called exit({error.code!r}) while loading",
                        file=path, line=_user_line(error, path)) from None
    except DefinitionError as error:  # the DSL says where: the place is data, not text
        kind = "TypeError" if isinstance(error, TypeError) else "ValueError"
        if _same_file(error.location.file, path):
            raise LoadError(f"{kind}: {error.reason}", file=path,
                            line=error.location.line) from None
        # written in a file the SOP file imports: say which, as the message always did
        raise LoadError(f"{kind}: {error}", file=path, line=_user_line(error, path)) from None
    except BaseException as error:  # any failure in user code becomes a finding
        message = str(error)
        text = f"{type(error).__name__}: {message}" if message else type(error).__name__
        raise LoadError(text,
                        file=path, line=_user_line(error, path)) from None
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(folder)
        if previous is None:
            sys.modules.pop(_MODULE, None)
        else:
            sys.modules[_MODULE] = previous
    found: list[LoadedSOP] = []
    seen: set[int] = set()
    for variable, value in vars(module).items():
        if variable.startswith("_") or id(value) in seen:
            continue
        if not isinstance(value, (SOP, SOPDefinition)):
            continue
        definition = _definition_of(value, path)
        seen.add(id(value))
        found.append(LoadedSOP(source=path, variable=variable, definition=definition))
    if not found:
        raise LoadError("the file defines no SOP: assign one to a module-level variable, "
                        "e.g. sop = SOP(\"Nama SOP\", ...)", file=path)
    return found
