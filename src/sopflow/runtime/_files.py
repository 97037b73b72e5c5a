"""Write an export atomically: a temporary file beside the target, then a rename, so a failed
write (full disk, a crash) leaves the previous file untouched and never a truncated one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from os import PathLike
from typing import IO


def write_text(text: str, target: str | PathLike[str] | IO[str] | None) -> None:
    """Write ``text`` to ``target``: a path (atomically), an open text file, or nowhere."""
    if target is None:
        return
    if not isinstance(target, (str, PathLike)):
        target.write(text)
        return
    path = os.fspath(target)
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".sopflow-", suffix=".tmp")
    try:
        with open(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
