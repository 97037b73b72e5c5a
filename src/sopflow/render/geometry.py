"""A plain geometry model of rendered pages: what is drawn where, nothing about how.

The layout computes these values from the compiled graph; the painter hands them to Graphviz;
the tests check them (shapes inside their cells, arrows clear of shapes and text, connector
pairs complete, pages within their paper). Units are PostScript points (1/72 inch); the
origin is the top-left corner of the page and y grows downwards.
"""

from __future__ import annotations

from typing import Literal

import attrs

__all__ = [
    "PAPERS",
    "Arrow",
    "Connector",
    "Image",
    "Line",
    "Page",
    "Paper",
    "Point",
    "Rect",
    "Shape",
    "ShapeKind",
    "TextBox",
    "paper",
]

Point = tuple[float, float]
ShapeKind = Literal["terminator", "process", "decision", "offpage"]
Align = Literal["left", "center", "right"]


@attrs.frozen(kw_only=True)
class Paper:
    """A paper size in points, portrait dimensions; pages are drawn landscape by default."""

    name: str
    width: float
    height: float

    def landscape(self) -> tuple[float, float]:
        return (max(self.width, self.height), min(self.width, self.height))


def _mm(value: float) -> float:
    return value * 72.0 / 25.4


PAPERS: dict[str, Paper] = {
    "A4": Paper(name="A4", width=_mm(210), height=_mm(297)),
    "F4": Paper(name="F4", width=_mm(215), height=_mm(330)),
    "LETTER": Paper(name="Letter", width=612.0, height=792.0),
    "LEGAL": Paper(name="Legal", width=612.0, height=1008.0),
}


def paper(name: str) -> Paper:
    """Look up a paper size by name (A4, F4, Letter, Legal; case does not matter)."""
    try:
        return PAPERS[name.upper()]
    except KeyError:
        known = ", ".join(p.name for p in PAPERS.values())
        raise ValueError(f"unknown paper size {name!r}; known sizes: {known}") from None


@attrs.frozen(kw_only=True)
class Rect:
    """An axis-aligned rectangle: left ``x``, top ``y``, width ``w``, height ``h``."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def contains(self, other: Rect, tol: float = 1e-6) -> bool:
        """True if ``other`` lies inside this rectangle (borders included)."""
        return (
            other.x >= self.x - tol
            and other.y >= self.y - tol
            and other.right <= self.right + tol
            and other.bottom <= self.bottom + tol
        )

    def overlaps(self, other: Rect, tol: float = 1e-6) -> bool:
        """True if the interiors of the two rectangles intersect."""
        return (
            self.x < other.right - tol
            and other.x < self.right - tol
            and self.y < other.bottom - tol
            and other.y < self.bottom - tol
        )

    def inflate(self, d: float) -> Rect:
        return Rect(x=self.x - d, y=self.y - d, w=self.w + 2 * d, h=self.h + 2 * d)


@attrs.frozen(kw_only=True)
class TextBox:
    """Lines of text set in ``rect`` (the rectangle the lines occupy, not the cell)."""

    rect: Rect
    lines: tuple[str, ...]
    size: float
    bold: bool = False
    align: Align = "left"
    role: str = "cell"


@attrs.frozen(kw_only=True)
class Shape:
    """One of the SOP AP symbols, bounded by ``rect``.

    ``node`` is the graph node it draws (None for an off-page connector); ``lane`` the lane
    index it sits in; ``text`` what is written inside (a diamond's question, a connector's
    letter, "Mulai"/"Selesai"); ``cell`` the table cell (or lane strip) it must stay inside;
    ``lines`` the text as broken into lines when the layout wrapped it (a long question).
    """

    kind: ShapeKind
    rect: Rect
    node: str | None = None
    lane: int = 0
    text: str = ""
    size: float = 7.0
    cell: Rect | None = None
    lines: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Line:
    """A polyline without arrowhead: table rules, borders, the dotted joint-activity link."""

    points: tuple[Point, ...]
    width: float = 0.75
    style: Literal["solid", "dotted", "dashed"] = "solid"
    role: str = "rule"


@attrs.frozen(kw_only=True)
class Arrow:
    """An orthogonal flow arrow from ``source`` to ``target`` (graph node ids or connector ids).

    ``points`` run from the tail to the arrowhead's tip; consecutive points differ in x or in
    y only. ``edge`` is the graph edge the arrow (or this part of it) draws.
    """

    points: tuple[Point, ...]
    edge: tuple[str, str]
    source: str
    target: str
    label: TextBox | None = None

    def segments(self) -> list[tuple[Point, Point]]:
        return list(zip(self.points, self.points[1:], strict=False))


@attrs.frozen(kw_only=True)
class Connector:
    """One off-page connector: a pentagon with a letter, half of a pair that shares ``key``."""

    shape: Shape
    key: int
    letter: str
    direction: Literal["out", "in"]
    edge: tuple[str, str]


@attrs.frozen(kw_only=True)
class Image:
    """A raster image (the agency's logo) scaled into ``rect``."""

    rect: Rect
    path: str


@attrs.frozen(kw_only=True)
class Page:
    """One rendered page: its size and everything drawn on it; ``rows`` are the table rows
    it holds."""

    width: float
    height: float
    number: int
    lines: tuple[Line, ...] = ()
    texts: tuple[TextBox, ...] = ()
    shapes: tuple[Shape, ...] = ()
    arrows: tuple[Arrow, ...] = ()
    connectors: tuple[Connector, ...] = ()
    fills: tuple[Rect, ...] = ()
    images: tuple[Image, ...] = ()
    #: black filled rectangles (the modules of the TTE block's QR code)
    marks: tuple[Rect, ...] = ()
    kind: Literal["identity", "flowchart"] = "flowchart"
    rows: tuple[int, ...] = ()
    #: arrows drawn touching or sharing a leg with another arrow because the page left no
    #: clean route (0 on every page of a normal SOP; see docs/rendering.md)
    compromises: int = 0

    def all_shapes(self) -> tuple[Shape, ...]:
        return self.shapes + tuple(c.shape for c in self.connectors)
