"""Write an export atomically (see :mod:`sopflow._atomic`): a failed write (full disk, a
crash) leaves the previous file untouched and never a truncated one."""

from __future__ import annotations

from os import PathLike
from typing import IO

from sopflow._atomic import write_atomic


def write_text(text: str, target: str | PathLike[str] | IO[str] | None, *,
               encoding: str = "utf-8") -> None:
    """Write ``text`` to ``target``: a path (atomically, in ``encoding``), an open text file,
    or nowhere."""
    if target is None:
        return
    if not isinstance(target, (str, PathLike)):
        target.write(text)
        return
    write_atomic(target, text, encoding=encoding)
