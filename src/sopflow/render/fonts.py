"""The shipped font: where it lives, how wide text is, and how Graphviz finds it.

Text has to wrap inside its table cell, so the layout measures it; a measured width only holds
when Graphviz paints with the very same font. The package therefore ships Liberation Sans
(SIL OFL 1.1, metric-compatible with Arial, which signed SOPs mostly use), measures with
fontTools, and points fontconfig at the package's font folder before the first render, so a
machine without any fonts still gets real, selectable glyphs.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import itertools
import os
import re
import sys
import tempfile
import warnings
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

__all__ = [
    "BOLD",
    "FAMILY",
    "MISSING_MARK",
    "REGULAR",
    "FontMetrics",
    "MissingGlyphWarning",
    "configure_fontconfig",
    "font_dir",
    "graphviz_stderr_filtered",
    "half_point_sizes",
    "metrics",
    "warn_missing",
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


#: Drawn instead of a character the shipped font has no glyph for (U+25A1 WHITE SQUARE, which
#: it has, narrower than its .notdef advance that measuring uses for a missing glyph).
MISSING_MARK = "\u25a1"
# Where a word too long for its cell is preferably cut: after one of these.
_SOFT_BREAK = re.compile(r"[/\-._?&=]")
# Control characters (but tab and line breaks, which the label turns into space and line
# breaks), lone surrogates and XML's non-characters: never drawn as themselves (the font maps
# a few controls to empty glyphs, which would hide them).
_UNDRAWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_WHITE = frozenset("\t\n\r")


class MissingGlyphWarning(UserWarning):
    """Some characters of an SOP's text are not in the shipped font; they are drawn as a box."""


def warn_missing(missing: Iterable[str], where: str) -> None:
    """Warn once about characters drawn as :data:`MISSING_MARK` (nothing when there are none)."""
    chars = sorted(set(missing))
    if not chars:
        return
    shown = ", ".join(
        f"U+{ord(ch):04X}" + ("" if _UNDRAWABLE.match(ch) else f" {ch!r}") for ch in chars[:12]
    )
    more = f" and {len(chars) - 12} more" if len(chars) > 12 else ""
    warnings.warn(
        f"{where}: {len(chars)} character(s) the bundled font cannot draw are shown as "
        f"{MISSING_MARK}: {shown}{more}",
        MissingGlyphWarning,
        stacklevel=3,
    )


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

    def drawable(self, text: str) -> tuple[str, frozenset[str]]:
        """``text`` with every character this face has no glyph for (and every control
        character but tab and line breaks) replaced by :data:`MISSING_MARK`, and the set of
        characters replaced.

        The shipped font covers Latin, Greek and Cyrillic but not, say, ✓, ① or emoji; with no
        other font configured, Graphviz would paint a hex box wider than the advance the text
        was measured with, spilling out of its cell. The mark is narrower than the advance
        used for measuring a missing glyph, so the text still fits where it was placed.
        """
        adv = self.advances

        def lacking(ch: str) -> bool:
            return ch not in _WHITE and (ord(ch) not in adv or bool(_UNDRAWABLE.match(ch)))

        if not any(map(lacking, text)):
            return text, frozenset()
        missing = frozenset(filter(lacking, text))
        return "".join(MISSING_MARK if ch in missing else ch for ch in text), missing

    def line_height(self, size: float) -> float:
        """Distance between baselines of two wrapped lines at ``size`` points."""
        return size * LINE_SPACING

    def wrap(self, text: str, width: float, size: float) -> tuple[str, ...]:
        """Break ``text`` into lines no wider than ``width`` points once painted.

        Breaks at spaces; honours explicit newlines; a word wider than the cell is split after
        its last slash, hyphen or dot that fits, else between characters (a URL in a Kegiatan
        must not overflow its cell). Lines are kept
        within ``width / WRAP_RESERVE`` as measured, the margin Graphviz's painting needs.

        Linear in the length of ``text``: each word is measured once and a long word is cut
        through its running widths, never re-measured after each cut (a 1 MB word written by
        mistake, or by someone hostile, must not stall a render).
        """
        width = width / WRAP_RESERVE
        scale = size / self.units_per_em
        space = self.advances.get(ord(" "), self.fallback)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            words = paragraph.split()
            if not words:
                lines.append("")
                continue
            current, current_units = "", 0
            for word in words:
                # a long word is measured once, cumulatively (it will likely be split)
                cum = self._cumulative(word) if len(word) > 512 else None
                units = cum[-1] if cum is not None else self._units(word)
                joined = current_units + space + units if current else units
                if joined * scale <= width:
                    current = f"{current} {word}" if current else word
                    current_units = joined
                    continue
                if current:
                    lines.append(current)
                current, current_units = self._split_word(word, units, width, scale, lines,
                                                          cum)
            lines.append(current)
        return tuple(lines)

    def _advances(self, text: str) -> Iterator[int]:
        """The advance of each character of ``text`` (map/ord in C: no Python loop)."""
        return map(self.advances.get, map(ord, text), itertools.repeat(self.fallback))

    def _units(self, text: str) -> int:
        return sum(self._advances(text))

    def _cumulative(self, text: str) -> list[int]:
        """Widths of the first 0, 1, ..., len(text) characters of ``text``, in font units."""
        return [0, *itertools.accumulate(self._advances(text))]

    def _split_word(self, word: str, units: int, width: float, scale: float,
                    lines: list[str], cum: list[int] | None) -> tuple[str, int]:
        """Append the full-width pieces of an over-long ``word`` to ``lines``; return the last
        piece and its width in font units."""
        if units * scale <= width:
            return word, units
        if cum is None:
            cum = self._cumulative(word)
        # prefer to break after a slash, hyphen or dot ("Rekanan/" | "Vendor",
        # "...bps.go.id/" | "halocik/") over the middle of a name
        marks = [m.start() for m in _SOFT_BREAK.finditer(word)]
        room = width / scale  # in font units
        n, pos = len(word), 0
        # the last character always ends the word's last line (a cell of no width, or a
        # negative one, still gets one character a line, never an empty line or an error)
        while n - pos > 1 and cum[n] - cum[pos] > room:
            # the last character that still fits (at least one character per line)
            end = max(bisect.bisect_right(cum, cum[pos] + room, lo=pos + 1) - 1, pos + 1)
            # the last mark inside the piece, not its first character
            k = bisect.bisect_left(marks, end) - 1
            if k >= 0 and marks[k] > pos:
                end = marks[k] + 1
            lines.append(word[pos:end])
            pos = end
        return word[pos:], cum[n] - cum[pos]


def half_point_sizes(size: float, floor: float, *, end_at_floor: bool = False) -> list[float]:
    """The text sizes a fitting tries, largest first: ``size``, then half points down to
    ``floor``; with ``end_at_floor`` the floor itself last when the half points miss it."""
    sizes = [size]
    while sizes[-1] - 0.5 >= floor - 1e-9:
        sizes.append(round(sizes[-1] - 0.5, 2))
    if end_at_floor and sizes[-1] > floor:
        sizes.append(floor)
    return sizes


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
