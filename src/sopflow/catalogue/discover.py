"""Find SOP files in what the user names (files and folders) and load the SOPs they hold.

A folder is searched recursively for ``.py`` and ``.json`` files, in a stable (sorted)
order, skipping hidden folders, ``__pycache__`` and virtual environments. In a folder, a
Python file that defines no SOP (a helper module, a script) is skipped rather than reported,
and an SOP a file only imports from a neighbour is counted once, in the file that defines it.
A file named explicitly keeps the single-file rules: no SOP in it is an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import attrs

from sopflow.loader import LoadedSOP, LoadError, load_sops, split_spec

__all__ = ["MARKER", "SOPFile", "find_sop_files", "has_folder", "load_file", "origin_key"]

SUFFIXES = (".py", ".json")
_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "venv", ".venv", "site-packages"})
#: the file that marks a folder as a site sopflow wrote (its JSON downloads are not sources)
MARKER = ".sopflow-site"
#: the loader's message for a Python file without any SOP (skipped inside folders)
_NO_SOP = "the file defines no SOP"


@attrs.frozen(kw_only=True)
class SOPFile:
    """A file to load: the spec as the loader takes it, and whether a folder search found it.

    ``root`` is the folder it was found in (None for a file named on the command line); it
    makes output names relative (``OUT/sub/file.pdf`` for ``DIR/sub/file.py``).
    """

    spec: str
    root: str | None = None

    @property
    def found_in_folder(self) -> bool:
        return self.root is not None

    @property
    def relative(self) -> str:
        """The file's path below its folder (or its own name for a named file)."""
        path, _ = split_spec(self.spec)
        if self.root is None:
            return Path(path).name
        return Path(os.path.relpath(path, self.root)).as_posix()


def has_folder(specs: Iterable[str]) -> bool:
    """Whether any of the user's arguments is a folder (the catalogue path of a command)."""
    return any(os.path.isdir(split_spec(spec)[0]) for spec in specs)


def _walk(root: str) -> Iterator[str]:
    for folder, dirs, files in os.walk(root):
        if MARKER in files:
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(files):
            if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                yield os.path.join(folder, name)


def find_sop_files(specs: Sequence[str]) -> list[SOPFile]:
    """Every file to load, in the order given, folders expanded; duplicates once."""
    found: list[SOPFile] = []
    seen: set[str] = set()
    for spec in specs:
        path, _ = split_spec(spec)
        if os.path.isdir(path):
            items = [SOPFile(spec=f, root=path) for f in _walk(path)]
        else:
            items = [SOPFile(spec=spec)]
        for item in items:
            key = os.path.realpath(split_spec(item.spec)[0]) + ":" + str(split_spec(item.spec)[1])
            if key not in seen:
                seen.add(key)
                found.append(item)
    return found


def origin_key(item: LoadedSOP) -> str | None:
    """Where an SOP object was made (file:line of its ``SOP(...)``), with its name and Nomor;
    the same key in two files means one file imported the SOP from the other."""
    location = item.definition.location
    if location is None or item.variable is None:
        return None
    ident = item.definition.identity
    return f"{os.path.realpath(location.file)}:{location.line}|{ident.name}|{ident.number}"


def _defined_here(item: LoadedSOP) -> bool:
    location = item.definition.location
    if location is None or item.variable is None:
        return True
    try:
        return os.path.samefile(location.file, split_spec(item.source)[0])
    except OSError:
        return True


def load_file(file: SOPFile) -> tuple[list[LoadedSOP], list[LoadedSOP]]:
    """The SOPs of one file, and those it made elsewhere (deferred); raises
    :class:`~sopflow.loader.LoadError` as the loader does.

    Inside a folder a file without SOPs gives nothing, and an SOP made in another file (by
    ``SOP(...)`` there) is deferred: it belongs to that file if that file binds it to a
    variable of its own, and comes back to this one otherwise (an SOP made by a helper
    function, see :func:`sopflow.catalogue.batch.run_batch`).
    """
    try:
        found = load_sops(file.spec)
    except LoadError as error:
        if file.found_in_folder and error.message.startswith(_NO_SOP):
            return [], []
        raise
    if not file.found_in_folder:
        return found, []
    return ([item for item in found if _defined_here(item)],
            [item for item in found if not _defined_here(item)])
