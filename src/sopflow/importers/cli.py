"""The ``sopflow import`` command's work: one file or a folder, messages for the user.

Kept out of :mod:`sopflow.cli` so that the shared command module stays small.
"""

from __future__ import annotations

from pathlib import Path

from sopflow.importers import IMPORTERS, SourceImportError, import_file

__all__ = ["run_import"]


def run_import(source: Path, output: Path, to: str = "json") -> tuple[int, list[str]]:
    """Import ``source`` into ``output``; returns (number of failures, messages)."""
    if source.is_dir():
        files = sorted(p for p in source.iterdir() if p.suffix.lower() in IMPORTERS)
        if not files:
            return 1, [f"{source}: no file to import in this folder"]
        if output.exists() and not output.is_dir():
            return 1, [f"{output}: must be a folder when importing a folder"]
        pairs = [(f, output / (f.stem + "." + to)) for f in files]
    else:
        pairs = [(source, output)]
    failures = 0
    messages: list[str] = []
    for src, out in pairs:
        try:
            written = import_file(src, out)
        except SourceImportError as error:
            failures += 1
            messages.append(f"error: {error}")
            continue
        messages.append(f"wrote {written[0]} (review: {written[2]})")
    return failures, messages
