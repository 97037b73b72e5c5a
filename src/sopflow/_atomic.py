"""Write an output file all at once or not at all.

Every file sopflow writes goes to a temporary file beside the target, which then replaces the
target in one rename. A run that fails half way (full disk, an error while rendering, Ctrl-C)
leaves the previous file as it was and never a truncated one; an export onto its own input
reads the input completely before the rename, so it cannot empty it. The temporary file is
in the target's folder because a rename is atomic only within one file system.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from os import PathLike

__all__ = ["atomic_path", "write_atomic", "write_bytes_atomic"]


def _create_beside(target: Path) -> tuple[int, Path]:
    """A new, empty temporary file in ``target``'s folder, created as ``open(path, "w")``
    would (mode 0o666 less the umask), and its open descriptor."""
    for _ in range(100):
        tmp = target.with_name(f".{target.name[:80]}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot create a temporary file beside {target}")


def _mode(target: Path) -> int | None:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        return None


def write_atomic(path: str | PathLike[str], data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` (bytes, or text in ``encoding``) to ``path`` atomically; return the path.

    The file keeps the permissions of the file it replaces (a new file gets the usual ones).
    On any failure the temporary file is removed and the exception propagates.
    """
    target = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else bytes(data)
    mode = _mode(target)
    handle, tmp = _create_beside(target)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return target


def write_bytes_atomic(target: str | PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    write_atomic(target, data)


@contextlib.contextmanager
def atomic_path(target: str | PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` for a library that writes files by name
    (openpyxl, python-docx); on success it replaces ``target``, on failure it is removed."""
    target = Path(target)
    mode = _mode(target)
    handle, temp = _create_beside(target)
    os.close(handle)
    try:
        yield temp
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
