"""Atomic file output for the catalogue: a temp file beside the target, then a rename.

A reader (or a web server) never sees a half-written file, and an interrupted run leaves the
previous file in place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["write_atomic", "write_with"]


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temp file in the same folder."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_with(path: Path, writer: Callable[[Path], list[Path]]) -> list[Path]:
    """Let ``writer`` write ``path`` (and its page siblings) in a temp folder, then move them.

    For renderers that write one file per page (``name-1.svg``, ``name-2.svg``) themselves.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    try:
        written = writer(tmp / path.name)
        final = []
        for item in written:
            target = path.parent / item.name
            os.replace(item, target)
            final.append(target)
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
