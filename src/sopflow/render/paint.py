"""Paint geometry pages with Graphviz (pygraphviz, ``nop2``): SVG, PNG and PDF.

Graphviz only paints here: every node and edge gets its final position, and the ``nop2``
layout keeps them. Outlines and rules are edges whose ``pos`` is a B-spline (a straight leg
``a b`` is written ``a a b b``); text is a plain, fixed-size node; boxes, diamonds and
off-page pentagons are fixed-size nodes. Graphviz's y axis points up, the geometry's down.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sopflow import _gvtext
from sopflow._atomic import write_atomic
from sopflow.render import fonts
from sopflow.render.capsule import capsule_lines
from sopflow.render.geometry import Arrow, Image, Line, Page, Point, Rect, Shape, TextBox

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "ARROW_LENGTH",
    "page_graph",
    "page_path",
    "pdf_metadata",
    "remove_stale_pages",
    "render_page",
    "svg_font_fallbacks",
    "write_pages",
]

#: Length of an arrowhead in points (Graphviz ``arrowsize`` 0.6 of its 10 pt default).
ARROW_LENGTH = 6.0
_ARROWSIZE = ARROW_LENGTH / 10.0
_KAPPA = 0.5522847498


def _f(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


class _Painter:
    """Builds one pygraphviz graph for one page (a short-lived helper, not shared)."""

    def __init__(self, page: Page) -> None:
        import pygraphviz as pgv  # type: ignore[import-untyped]

        self.page = page
        self.g: Any = pgv.AGraph(strict=False, directed=True)
        self.g.graph_attr.update(
            bb=f"0,0,{_f(page.width)},{_f(page.height)}",
            pad="0",
            margin="0",
            splines="true",
            outputorder="nodesfirst",
            bgcolor="white",
        )
        self.g.node_attr.update(
            fontname=fonts.REGULAR, fixedsize="true", margin="0", penwidth="0.9", label=""
        )
        self.g.edge_attr.update(arrowhead="none", penwidth="0.75", color="black")
        # Two invisible anchors at opposite page corners fix the drawing's extent (Graphviz
        # would otherwise crop to the content) and serve as every edge's endpoints.
        for name, (x, y) in (("_a0", (0.0, 0.0)), ("_a1", (page.width, page.height))):
            self.g.add_node(
                name, shape="point", style="invis", width="0.01", height="0.01", pos=self._pos(x, y)
            )
        self.n = 0
        #: characters the shipped font cannot draw, met on this page (see fonts.drawable)
        self.missing: set[str] = set()

    def _drawable(self, text: str, bold: bool = False) -> str:
        shown, missing = fonts.metrics(bold).drawable(text)
        self.missing.update(missing)
        return shown

    def _y(self, y: float) -> float:
        return self.page.height - y

    def _pos(self, x: float, y: float) -> str:
        return f"{_f(x)},{_f(self._y(y))}!"

    def _pt(self, p: Point) -> str:
        return f"{_f(p[0])},{_f(self._y(p[1]))}"

    def _name(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"

    def spline(self, points: Sequence[Point], **attrs: str) -> None:
        """Add an edge painting a B-spline (3n+1 points) as given."""
        pos = " ".join(self._pt(p) for p in points)
        if "arrowtip" in attrs:
            pos = f"e,{attrs.pop('arrowtip')} {pos}"
        self.g.add_edge("_a0", "_a1", key=self._name("e"), pos=pos, **attrs)

    def polyline(self, points: Sequence[Point], **attrs: str) -> None:
        spline: list[Point] = [points[0]]
        for a, b in itertools.pairwise(points):
            spline.extend((a, b, b))
        self.spline(spline, **attrs)

    def line(self, line: Line) -> None:
        attrs = {"penwidth": _f(line.width)}
        if line.style != "solid":
            attrs["style"] = line.style
        self.polyline(line.points, **attrs)

    def arrow(self, arrow: Arrow) -> None:
        pts = list(arrow.points)
        tip = pts[-1]
        before = pts[-2]
        dx, dy = tip[0] - before[0], tip[1] - before[1]
        length = math.hypot(dx, dy)
        cut = min(ARROW_LENGTH, length * 0.9)
        base = (tip[0] - dx / length * cut, tip[1] - dy / length * cut)
        pts[-1] = base
        if len(pts) >= 2 and pts[-2] == base:
            pts.pop()
        if len(pts) < 2:
            pts = [before, base]
        self.polyline(
            pts,
            arrowhead="normal",
            arrowsize=_f(_ARROWSIZE),
            arrowtip=self._pt(tip),
            penwidth="0.8",
        )
        if arrow.label is not None:
            self.text(arrow.label)

    def text(self, box: TextBox) -> None:
        if not any(box.lines):
            return
        label = _gvtext.label([self._drawable(line, box.bold) for line in box.lines], box.align)
        r = box.rect
        # a node a little wider than the text, growing away from the aligned edge, so that
        # Graphviz never re-centres a line that paints wider than it was measured
        room = {
            "left": self.page.width - r.right,
            "center": 2 * min(r.x, self.page.width - r.right),
            "right": r.x,
        }[box.align]
        slack = max(0.0, min(r.w * 0.1 + 4.0, room))  # never past the page edge
        cx = {"left": r.cx + slack / 2, "center": r.cx, "right": r.cx - slack / 2}[box.align]
        self.g.add_node(
            self._name("t"),
            shape="plaintext",
            fixedsize="shape",
            label=label,
            fontsize=_f(box.size),
            fontname=fonts.BOLD if box.bold else fonts.REGULAR,
            width=_inch(r.w + slack),
            height=_inch(r.h + 2.0),
            pos=self._pos(cx, r.cy),
        )

    def fill(self, rect: Rect) -> None:
        """A light grey background (the table header), painted below everything else."""
        self._solid(rect, "#e6e6e6", "f")

    def mark(self, rect: Rect) -> None:
        """A black filled rectangle (a run of QR modules), without outline."""
        self._solid(rect, "black", "m")

    def _solid(self, rect: Rect, colour: str, prefix: str) -> None:
        self.g.add_node(
            self._name(prefix),
            shape="box",
            style="filled",
            fillcolor=colour,
            color=colour,
            penwidth="0",
            width=_inch(rect.w),
            height=_inch(rect.h),
            pos=self._pos(rect.cx, rect.cy),
        )

    def image(self, image: Image) -> None:
        path = Path(image.path)
        if not path.is_file():
            raise FileNotFoundError(f"logo image not found: {image.path}")
        r = image.rect
        self.g.add_node(
            self._name("i"),
            shape="none",
            image=str(path.resolve()),
            imagescale="true",
            width=_inch(r.w),
            height=_inch(r.h),
            pos=self._pos(r.cx, r.cy),
        )

    def shape(self, shape: Shape) -> None:
        r = shape.rect
        if shape.kind == "terminator":
            self.spline(_capsule(r.x, r.y, r.w, r.h), penwidth="0.9")
            if shape.text:
                self._inner_text(shape)
            return
        gv_shape = {"process": "box", "decision": "diamond", "offpage": "invhouse"}[shape.kind]
        attrs = {
            "shape": gv_shape,
            "width": _inch(r.w),
            "height": _inch(r.h),
            "pos": self._pos(r.cx, r.cy),
            "label": _gvtext.label([self._drawable(line) for line in shape.lines]
                                   if shape.lines else self._drawable(shape.text)),
            "fontsize": _f(shape.size),
        }
        if shape.kind == "offpage":
            attrs["distortion"] = "0"
        if shape.text:
            attrs["fixedsize"] = "shape"  # the layout sized the text; no Graphviz warning
        self.g.add_node(self._name("s"), **attrs)

    def _inner_text(self, shape: Shape) -> None:
        r = shape.rect
        lines = capsule_lines(shape.text, r.w, r.h, shape.size)
        h = shape.size * fonts.LINE_SPACING * len(lines)
        self.text(
            TextBox(
                rect=type(r)(x=r.x, y=r.cy - h / 2, w=r.w, h=h),
                lines=lines,
                size=shape.size,
                align="center",
            )
        )


def _inch(points: float) -> str:
    return f"{points / 72:.4f}"


def _capsule(x: float, y: float, w: float, h: float) -> list[Point]:
    """B-spline control points of a capsule (a rectangle with semicircular ends)."""
    r = min(h / 2, w / 2)
    k = _KAPPA * r
    left, right, top, bottom, cy = x + r, x + w - r, y, y + h, y + h / 2
    return [
        (left, top),
        (left, top), (right, top), (right, top),
        (right + k, top), (x + w, cy - k), (x + w, cy),
        (x + w, cy + k), (right + k, bottom), (right, bottom),
        (right, bottom), (left, bottom), (left, bottom),
        (left - k, bottom), (x, cy + k), (x, cy),
        (x, cy - k), (left - k, top), (left, top),
    ]  # fmt: skip


def page_graph(page: Page) -> Any:
    """The pygraphviz graph painting ``page``, laid out with ``nop2`` (positions kept)."""
    fonts.configure_fontconfig()
    painter = _Painter(page)
    for rect in page.fills:
        painter.fill(rect)
    for image in page.images:
        painter.image(image)
    for rect in page.marks:
        painter.mark(rect)
    for line in page.lines:
        painter.line(line)
    for shape in page.all_shapes():
        painter.shape(shape)
    for box in page.texts:
        painter.text(box)
    for arrow in page.arrows:
        painter.arrow(arrow)
    with fonts.graphviz_stderr_filtered():
        painter.g.layout(prog="nop2")
    fonts.warn_missing(painter.missing, f"page {page.number}")
    return painter.g


def render_page(page: Page, fmt: str, dpi: float = 150.0) -> bytes:
    """Paint one page to ``fmt`` ("svg", "png" or "pdf") and return the bytes.

    PNG is the page's PDF rasterised by PDFium when pypdfium2 and Pillow are installed (the
    ``png`` extra: clean letter spacing at any dpi), else Graphviz's own PNG.
    """
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"unsupported output format {fmt!r}; use 'svg', 'png' or 'pdf'")
    if fmt == "png":
        raster = _png_from_pdf(page, dpi)
        if raster is not None:
            return raster
    g = page_graph(page)
    g.graph_attr["dpi"] = _f(dpi) if fmt == "png" else "72"
    with fonts.graphviz_stderr_filtered():
        data: bytes = g.draw(format=fmt)
    if fmt == "svg":
        return svg_font_fallbacks(data)
    return _paper_box(data, page) if fmt == "pdf" else data


def _png_from_pdf(page: Page, dpi: float) -> bytes | None:
    """The page's PDF rasterised by PDFium (pypdfium2, Apache/BSD), or None when pypdfium2
    or Pillow is not installed (the ``png`` extra).

    Graphviz's own PNG places each glyph on whole pixels, which breaks the letter spacing at
    72-150 dpi ("Kual ifikasi"); PDFium lays out the PDF's text as a PDF viewer does.
    """
    try:
        import pypdfium2 as pdfium
        from PIL import Image as _PIL  # noqa: F401 (pypdfium2's to_pil needs it)
    except ImportError:
        return None
    import io

    pdf = pdfium.PdfDocument(render_page(page, "pdf"))
    try:
        image = pdf[0].render(scale=dpi / 72.0).to_pil()
    finally:
        pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


#: ``font-family`` inside a ``<text ...>`` start tag (text content is escaped by Graphviz:
#: no ``>`` or ``"`` of the SOP's words can end the tag or the attribute early).
_SVG_FONT = re.compile(rb'(<text\b[^>]*?) font-family="([^"]*)"')
_FALLBACK = b"Arial, Helvetica, sans-serif"


def _svg_family(match: re.Match[bytes]) -> bytes:
    family = match.group(2)
    bold = family == fonts.BOLD.encode()
    name = fonts.REGULAR.encode() if bold else family
    weight = b' font-weight="bold"' if bold else b""
    return match.group(1) + b' font-family="&quot;' + name + b'&quot;, ' + _FALLBACK + b'"' + weight


def svg_font_fallbacks(svg: bytes) -> bytes:
    """Give every SVG text a sans-serif fallback and ``font-weight="bold"`` for the bold face.

    Graphviz names the face it measured ("Liberation Sans Bold"), which a browser without
    that exact family draws serif; the list ``"Liberation Sans", Arial, Helvetica,
    sans-serif`` plus a weight draws the same words in a sans face everywhere.
    """
    return _SVG_FONT.sub(_svg_family, svg)


#: Half the size of the invisible corner anchors (0.01 inch points): Graphviz's drawing
#: reaches this far beyond the page on every side, and rounds its page up to whole points.
_ANCHOR_HALF = 0.36


def _paper_box(data: bytes, page: Page) -> bytes:
    """The PDF page cut to exactly the paper: Graphviz's page is the drawing's box (the
    page plus the corner anchors' halves) rounded up to whole points, 843 x 596 for A4."""
    import io

    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for pdf_page in reader.pages:
        top = float(pdf_page.mediabox.top) - _ANCHOR_HALF
        left = float(pdf_page.mediabox.left) + _ANCHOR_HALF
        box = (left, top - page.height, left + page.width, top)
        pdf_page.mediabox.lower_left = box[:2]
        pdf_page.mediabox.upper_right = box[2:]
        pdf_page.cropbox.lower_left = box[:2]
        pdf_page.cropbox.upper_right = box[2:]
        writer.add_page(pdf_page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_pages(pages: Sequence[Page], path: str | Path, dpi: float = 150.0,
                metadata: Mapping[str, str] | None = None) -> list[Path]:
    """Write pages to ``path``; the suffix picks the format.

    ``metadata`` (PDF only) sets the document information: keys such as ``/Title``,
    ``/Subject``, ``/Author``, ``/Creator`` (see :func:`pdf_metadata`).

    ``.pdf`` writes one multi-page file; ``.svg`` and ``.png`` write one file per page,
    named ``<stem>-1.svg``, ``<stem>-2.svg``, ... (a single page keeps the name as given).
    Returns the written paths.

    Each file is written atomically (a failed render leaves earlier files as they were), and
    numbered pages left over from an earlier, longer render to the same name
    (``<stem>-5.svg`` after a 4-page render) are removed, so the folder holds one document.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(
            f"cannot tell the output format from {str(path)!r}: use a .pdf, .svg or .png name"
        )
    if not pages:
        raise ValueError("nothing to render: the document has no pages")
    if fmt == "pdf":
        write_atomic(path, _merge_pdfs([render_page(p, "pdf") for p in pages], metadata))
        return [path]
    if len(pages) == 1:
        data = render_page(pages[0], fmt, dpi)
        write_atomic(path, data)
        remove_stale_pages(path, set())
        return [path]
    written = [
        write_atomic(page_path(path, page.number), render_page(page, fmt, dpi))
        for page in pages
    ]
    remove_stale_pages(path, {p.number for p in pages})
    return written


def page_path(path: Path, number: int) -> Path:
    """Where page ``number`` of a multi-page SVG or PNG rendering to ``path`` is written."""
    return path.with_name(f"{path.stem}-{number}{path.suffix}")


def remove_stale_pages(path: Path, kept: set[int]) -> list[Path]:
    """Remove ``<stem>-N<suffix>`` pages beside ``path`` that this rendering did not write.

    Only the numbered pages a rendering to ``path`` itself would write are touched: N from 1
    up to the last kept page, then on until the first number that has no file (a rendering
    numbers its pages without gaps).
    """
    removed = []
    last = max(kept, default=0)
    number = 1
    while True:
        stale = page_path(path, number)
        if number not in kept:
            if stale.is_file():
                stale.unlink()
                removed.append(stale)
            elif number > last:
                break
        number += 1
    return removed


def pdf_metadata(title: str, subject: str | None, units: Sequence[str]) -> dict[str, str]:
    """The PDF document information of an SOP: Title = Nama SOP, Subject = Nomor SOP,
    Author = the unit lines joined, Creator = sopflow (empty fields left out)."""
    info = {"/Title": title, "/Subject": subject or "", "/Author": ", ".join(u for u in units if u),
            "/Creator": "sopflow"}
    return {k: v for k, v in info.items() if v}


def _merge_pdfs(documents: Sequence[bytes], metadata: Mapping[str, str] | None = None) -> bytes:
    """Join single-page PDFs (Graphviz writes one page per drawing) into one document."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for doc in documents:
        for pdf_page in PdfReader(io.BytesIO(doc)).pages:
            writer.add_page(pdf_page)
    if metadata:
        writer.add_metadata(dict(metadata))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
