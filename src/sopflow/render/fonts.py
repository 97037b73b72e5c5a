"""The shipped font: where it lives, how wide text is, and how Graphviz finds it.

Text has to wrap inside its table cell, so the layout measures it; a measured width only holds
when Graphviz paints with the very same font. The package therefore ships Liberation Sans
(SIL OFL 1.1, metric-compatible with Arial, which signed SOPs mostly use), measures with
fontTools, and points fontconfig at the package's font folder before the first render, so a
machine without any fonts still gets real, selectable glyphs.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = [
    "BOLD",
    "FAMILY",
    "REGULAR",
    "FontMetrics",
    "configure_fontconfig",
    "font_dir",
    "graphviz_stderr_filtered",
    "metrics",
]

#: Fontconfig family name of the shipped font.
FAMILY = "Liberation Sans"
#: Graphviz ``fontname`` values for the two shipped faces.
REGULAR = "Liberation Sans"
BOLD = "Liberation Sans Bold"

_FILES = {False: "LiberationSans-Regular.ttf", True: "LiberationSans-Bold.ttf"}

#: Line advance as a multiple of the font size (Graphviz's own LINESPACING).
LINE_SPACING = 1.2
#: Pango places glyphs on a coarser grid than the font's design units, so a painted line can
#: come out up to about 3 % wider than measured; wrapping keeps this much in reserve.
WRAP_RESERVE = 1.04


def font_dir() -> Path:
    """The folder holding the shipped TTF files (a real folder: fontconfig must read it)."""
    path = Path(str(resources.files("sopflow.render") / "fonts"))
    if not (path / _FILES[False]).is_file():
        raise FileNotFoundError(
            f"sopflow's font {_FILES[False]!r} is missing from {path}; the package is incomplete"
        )
    return path


def _fonts_conf(fonts: Path, cache: Path) -> str:
    return (
        '<?xml version="1.0"?>\n'
        "<fontconfig>\n"
        f"  <dir>{_xml_escape(str(fonts))}</dir>\n"
        f"  <cachedir>{_xml_escape(str(cache))}</cachedir>\n"
        # unhinted outlines keep the painted advances equal to the measured design widths
        '  <match target="font">\n'
        '    <edit name="hinting" mode="assign"><bool>false</bool></edit>\n'
        '    <edit name="hintstyle" mode="assign"><const>hintnone</const></edit>\n'
        "  </match>\n"
        "</fontconfig>\n"
    )


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def configure_fontconfig(
    workdir: Path | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """Write a fonts.conf whose only font folder is the package's, and select it.

    Sets ``FONTCONFIG_FILE`` in ``os.environ`` (fontconfig reads it once, at its first use in
    the process, so this must run before the first render; the render functions call it).
    The configuration deliberately holds no system folder: measurement and painting then use
    the same font on every machine. Returns the path of the written file.
    """
    env = os.environ if environ is None else environ
    base = workdir if workdir is not None else Path(tempfile.gettempdir()) / (
        f"sopflow-fontconfig-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    )
    base.mkdir(parents=True, exist_ok=True)
    conf = base / "fonts.conf"
    text = _fonts_conf(font_dir(), base / "cache")
    if not conf.is_file() or conf.read_text(encoding="utf-8") != text:
        tmp = base / f"fonts.conf.{os.getpid()}.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(conf)
    if env.get("FONTCONFIG_FILE") != str(conf):
        os.environ["FONTCONFIG_FILE"] = str(conf)
    return conf


@attrs.frozen(kw_only=True)
class FontMetrics:
    """Advance widths of one face, in font units, for measuring and wrapping text."""

    units_per_em: int
    advances: Mapping[int, int]
    fallback: int
    ascent: float
    descent: float

    def width(self, text: str, size: float) -> float:
        """Width of one line of ``text`` at ``size`` points (no kerning, like Graphviz/pango)."""
        adv = self.advances
        total = sum(adv.get(ord(ch), self.fallback) for ch in text)
        return total * size / self.units_per_em

    def line_height(self, size: float) -> float:
        """Distance between baselines of two wrapped lines at ``size`` points."""
        return size * LINE_SPACING

    def wrap(self, text: str, width: float, size: float) -> tuple[str, ...]:
        """Break ``text`` into lines no wider than ``width`` points once painted.

        Breaks at spaces; honours explicit newlines; a word wider than the cell is split after
        its last slash, hyphen or dot that fits, else between characters (a URL in a Kegiatan
        must not overflow its cell). Lines are kept
        within ``width / WRAP_RESERVE`` as measured, the margin Graphviz's painting needs.
        """
        width = width / WRAP_RESERVE
        lines: list[str] = []
        for paragraph in text.split("\n"):
            words = paragraph.split()
            if not words:
                lines.append("")
                continue
            current = ""
            for word in words:
                candidate = f"{current} {word}" if current else word
                if self.width(candidate, size) <= width:
                    current = candidate
                    continue
                if current:
                    lines.append(current)
                current = ""
                while self.width(word, size) > width:
                    cut = self._fit_prefix(word, width, size)
                    # prefer to break after a slash, hyphen or dot ("Rekanan/" | "Vendor",
                    # "...bps.go.id/" | "halocik/") over the middle of a name
                    soft = max(word.rfind(mark, 0, cut) for mark in "/-._?&=")
                    if soft >= 1:
                        cut = soft + 1
                    lines.append(word[:cut])
                    word = word[cut:]
                current = word
            lines.append(current)
        return tuple(lines)

    def _fit_prefix(self, word: str, width: float, size: float) -> int:
        total = 0.0
        for i, ch in enumerate(word):
            total += self.advances.get(ord(ch), self.fallback) * size / self.units_per_em
            if total > width:
                return max(i, 1)
        return len(word)


@functools.cache
def metrics(bold: bool = False) -> FontMetrics:
    """Metrics of the shipped regular or bold face (read once per process)."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(str(font_dir() / _FILES[bold]), lazy=True)
    hmtx = font["hmtx"]
    cmap = font.getBestCmap()
    advances = {code: hmtx[glyph][0] for code, glyph in cmap.items()}
    hhea = font["hhea"]
    upm = int(font["head"].unitsPerEm)
    result = FontMetrics(
        units_per_em=upm,
        advances=advances,
        fallback=int(hmtx[".notdef"][0]),
        ascent=hhea.ascent / upm,
        descent=-hhea.descent / upm,
    )
    font.close()
    return result


# The fontconfig bundled in the pygraphviz wheel is older than the one of many Linux systems,
# and at its first use it also reads the system's conf.avail folder, printing one warning per
# newer element it does not know ("unknown element "reset-dirs""). Those files play no part in
# sopflow's rendering (the shipped font is selected explicitly), so the warnings are noise.
_HARMLESS = re.compile(rb'^Fontconfig warning: "[^"]*conf\.avail/[^"]*", line \d+: unknown element')


@contextlib.contextmanager
def graphviz_stderr_filtered() -> Iterator[None]:
    """Run Graphviz with its C-level standard error captured; pass every line through except
    fontconfig's warnings about newer system configuration files (see ``_HARMLESS``)."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield  # no real file descriptor (e.g. a notebook's stream): nothing to filter
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), fd)
        try:
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)
            capture.seek(0)
            kept = [line for line in capture.read().splitlines(keepends=True)
                    if not _HARMLESS.match(line)]
            if kept:
                os.write(fd, b"".join(kept))
