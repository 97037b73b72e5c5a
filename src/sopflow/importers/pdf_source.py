"""Open a signed SOP PDF and give each page as words plus a raster drawn without text.

Everything the other PDF modules read comes from here, through pdfium (pypdfium2): the text
layer as words with boxes in points (origin top left), and the page rendered in grey after
every text object has been deleted (also inside form XObjects, where the e-SOP app puts the
original page). On that raster arrows that run under labels stay whole, and table rules,
symbols and arrows look the same whatever vector form (rectangles, lines, polygons, pictures)
the exporting program used. The feasibility study found this the single largest gain.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from sopflow.importers.base import PdfImportError

__all__ = ["INK_LEVEL", "SCALE", "PageData", "PdfSource", "Word"]

#: Raster pixels per PDF point (144 dpi): 0.5 pt rules are still one pixel wide.
SCALE = 2.0
#: Grey levels below this are ink; light header shading (about 217) is not.
INK_LEVEL = 200

_TEXT = 1  # FPDF_PAGEOBJ_TEXT
_IMAGE = 3  # FPDF_PAGEOBJ_IMAGE


@attrs.frozen
class Word:
    """A run of characters without a space, with its box in points (top-left origin)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    rotated: bool = False

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@attrs.frozen(eq=False)
class PageData:
    """One page: its words and its text-free raster (``ink`` is True where the page is dark)."""

    number: int  # 1-based, as a person counts pages
    width: float
    height: float
    words: tuple[Word, ...]
    gray: npt.NDArray[np.uint8]
    ink: npt.NDArray[np.bool_]
    images: int
    image_area: float  # the largest picture's share of the page area

    def px(self, value: float) -> int:
        """Points to raster pixels."""
        return round(value * SCALE)


class PdfSource:
    """A PDF opened for import; pages are read one at a time and cached."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._doc = _open(self.path)
        self.page_count = len(self._doc)
        self._pages: dict[int, PageData] = {}

    def close(self) -> None:
        self._doc.close()

    def __enter__(self) -> PdfSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def words(self, number: int) -> tuple[Word, ...]:
        """The words of page ``number`` (1-based), without rendering it."""
        if number in self._pages:
            return self._pages[number].words
        page = self._doc[number - 1]
        try:
            return _words(page)
        finally:
            page.close()

    def page(self, number: int) -> PageData:
        """Page ``number`` (1-based) with words and raster."""
        if number not in self._pages:
            self._pages[number] = self._read(number)
        return self._pages[number]

    def pages(self) -> Iterator[PageData]:
        for number in range(1, self.page_count + 1):
            yield self.page(number)

    def render_color(self, number: int, scale: float = SCALE) -> Any:
        """The page as printed (text included), as a PIL image, for review pictures."""
        page = self._doc[number - 1]
        try:
            return page.render(scale=scale).to_pil().convert("RGB")
        finally:
            page.close()

    def _read(self, number: int) -> PageData:
        page = self._doc[number - 1]
        try:
            width, height = page.get_size()
            words = _words(page)
            images, image_area = _strip_text(page, width * height)
            bitmap = page.render(scale=SCALE, grayscale=True, may_draw_forms=False)
            gray = np.array(bitmap.to_numpy(), dtype=np.uint8)
            if gray.ndim == 3:
                gray = gray[:, :, 0]
        except PdfImportError:
            raise
        except Exception as error:  # pdfium reports damage as generic errors
            raise PdfImportError(f"{self.path}: page {number}: cannot be read: {error}") from None
        finally:
            page.close()
        return PageData(number=number, width=width, height=height, words=words, gray=gray,
                        ink=gray < INK_LEVEL, images=images, image_area=image_area)


def _open(path: Path) -> Any:
    import pypdfium2 as pdfium

    try:
        head = path.read_bytes()[:1024]
    except FileNotFoundError:
        raise PdfImportError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise PdfImportError(f"{path}: is a folder, not a PDF file") from None
    except OSError as error:
        raise PdfImportError(f"{path}: cannot read: {error.strerror}") from None
    if b"%PDF-" not in head:
        raise PdfImportError(f"{path}: not a PDF file (no %PDF- header)")
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        text = str(error)
        if "password" in text.lower():
            raise PdfImportError(f"{path}: the PDF is encrypted (password protected); "
                                 "save an unprotected copy first") from None
        raise PdfImportError(f"{path}: damaged or unreadable PDF ({text})") from None
    if len(doc) == 0:
        doc.close()
        raise PdfImportError(f"{path}: the PDF has no pages")
    return doc


def _strip_text(page: Any, page_area: float) -> tuple[int, float]:
    """Delete every text object (forms included); count pictures and the largest one's share."""
    import pypdfium2.raw as raw

    images = 0
    largest = 0.0
    for obj in list(page.get_objects(max_depth=8)):
        if obj.type == _TEXT:
            if obj.level == 0:
                raw.FPDFPage_RemoveObject(page.raw, obj.raw)
            else:
                raw.FPDFFormObj_RemoveObject(obj.container.raw, obj.raw)
        elif obj.type == _IMAGE:
            images += 1
            left, bottom, right, top = obj.get_bounds()
            largest = max(largest, abs(right - left) * abs(top - bottom) / max(page_area, 1.0))
    return images, largest


def _words(page: Any) -> tuple[Word, ...]:
    """Characters grouped into words in pdfium's reading order (rotated text included)."""
    import pypdfium2.raw as raw

    height = page.get_height()
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count else ""
        builder = _WordBuilder(height)
        # raw pdfium calls with reused buffers: the helper methods allocate per character
        handle = textpage.raw
        box_l, box_r, box_b, box_t = (ctypes.c_double() for _ in range(4))
        loose = raw.FS_RECTF()
        for index in range(min(count, len(text))):
            char = text[index]
            if char in "\ufffe\x02":  # pdfium's mark for a hyphen at a line's end
                builder.hyphen()
                continue
            if char.isspace():
                builder.flush()
                continue
            raw.FPDFText_GetCharBox(handle, index, box_l, box_r, box_b, box_t)
            angle = raw.FPDFText_GetCharAngle(handle, index)
            # the font size is before the page's (often scaled) form matrix: take the loose
            # box, which spans the font's ascent to descent as drawn
            raw.FPDFText_GetLooseCharBox(handle, index, loose)
            size = abs(loose.right - loose.left) if abs(math.sin(angle)) > 0.7 else abs(
                loose.top - loose.bottom)
            builder.add(char, box_l.value, box_b.value, box_r.value, box_t.value, angle, size)
        builder.flush()
        return tuple(builder.words)
    finally:
        textpage.close()


class _WordBuilder:
    """Collects characters into words, breaking at spaces, jumps and changes of direction."""

    def __init__(self, height: float) -> None:
        self.height = height
        self.words: list[Word] = []
        self._chars: list[tuple[str, float, float, float, float]] = []
        self._rotated = False
        self._size = 0.0

    def add(self, char: str, left: float, bottom: float, right: float, top: float,
            angle: float, size: float) -> None:
        rotated = abs(math.sin(angle)) > 0.7
        box = (char, left, self.height - top, right, self.height - bottom)
        if self._chars and (rotated != self._rotated or self._jump(box, rotated)):
            self.flush()
        self._chars.append(box)
        self._rotated = rotated
        self._size = max(self._size, size)

    def _jump(self, box: tuple[str, float, float, float, float], rotated: bool) -> bool:
        _, x0, y0, x1, y1 = box
        _, px0, py0, px1, py1 = self._chars[-1]
        size = max(self._size, 4.0)
        if rotated:
            return abs(x0 - px0) > size * 0.6 or min(abs(y0 - py1), abs(py0 - y1)) > size * 0.5
        return abs((y0 + y1) - (py0 + py1)) / 2 > size * 0.6 or x0 - px1 > size * 0.5 \
            or x1 < px0 - size * 0.5

    def hyphen(self) -> None:
        """A hyphen that ends a line: keep it on the word, then end the word."""
        if self._chars:
            _, _, y0, x1, y1 = self._chars[-1]
            self._chars.append(("-", x1, y0, x1, y1))
        self.flush()

    def flush(self) -> None:
        if self._chars:
            text = "".join(c[0] for c in self._chars)
            x0 = min(c[1] for c in self._chars)
            y0 = min(c[2] for c in self._chars)
            x1 = max(c[3] for c in self._chars)
            y1 = max(c[4] for c in self._chars)
            self.words.append(Word(text=text, x0=x0, y0=y0, x1=x1, y1=y1,
                                   size=self._size or (y1 - y0), rotated=self._rotated))
        self._chars = []
        self._size = 0.0
