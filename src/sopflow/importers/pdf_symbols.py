"""Flowchart symbols in the lane cells: process boxes, diamonds, capsules, off-page connectors.

Read from the text-free raster with the table rules removed: outlined shapes are closed, so
filling their holes (only holes that lie inside one cell: an empty cell or an area closed by
arrows and rules is not a symbol) and opening with a square leaves one solid blob per symbol,
whether the program drew an outline, a fill, or a black shape under a white one. The blob's
corners tell the kind: four full corners a box, none a diamond or capsule (by how full the
box is), two full top corners an off-page pentagon.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import numpy as np
import numpy.typing as npt

from sopflow.importers.pdf_source import SCALE, PageData
from sopflow.importers.pdf_table import PageTable

__all__ = ["CAPSULE", "CONNECTOR", "DECISION", "PROCESS", "Symbol", "find_symbols", "rule_mask"]

PROCESS, DECISION, CAPSULE, CONNECTOR = "process", "decision", "capsule", "connector"
#: Points under the table searched for off-page connectors.
BELOW = 30.0

BoolImage = npt.NDArray[np.bool_]
_Box = tuple[slice, slice]


@attrs.frozen
class Symbol:
    """A symbol on a page: kind, box in points, the lane column index and table row index."""

    kind: str
    x0: float
    y0: float
    x1: float
    y1: float
    lane: int  # index into the page table's lane columns, -1 outside
    row: int  # index into the page table's rows, -1 outside

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def covers(self, x: float, y: float) -> bool:
        """Whether (x, y) lies inside the drawn shape (a diamond's corners are outside)."""
        if self.kind == DECISION:
            hw, hh = (self.x1 - self.x0) / 2, (self.y1 - self.y0) / 2
            return abs(x - self.cx) / max(hw, 1e-6) + abs(y - self.cy) / max(hh, 1e-6) <= 1
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1

    def distance(self, x: float, y: float) -> float:
        """Distance in points from (x, y) to the symbol's box (0 inside)."""
        dx = max(self.x0 - x, 0.0, x - self.x1)
        dy = max(self.y0 - y, 0.0, y - self.y1)
        return float(np.hypot(dx, dy))


def rule_mask(page: PageData, table: PageTable) -> tuple[BoolImage, BoolImage, BoolImage]:
    """The table's rules: widened (to ignore), widened horizontal ones, and exact."""
    wide = np.zeros_like(page.ink)
    exact = np.zeros_like(page.ink)
    height, width = wide.shape
    horizontal = horizontal_exact = wide
    for group in (table.rules_h, table.rules_v):
        for seg in group:
            c = round(seg.pos)
            for mask, half in ((wide, seg.thick // 2 + 2), (exact, (seg.thick + 1) // 2)):
                across = slice(max(c - half, 0), min(c + half + 1, height if seg.horizontal
                                                      else width))
                along = slice(max(seg.a - 1, 0), seg.b + 2)
                mask[(across, along) if seg.horizontal else (along, across)] = True
        if group is table.rules_h:
            horizontal = wide & page.ink
            horizontal_exact = exact.copy()
    # the light anti-aliased edge of a rule drawn between pixels is part of it too: left
    # beside the rule it would read as a connector running along the whole column (only
    # right at the rule: light grey connectors near it stay)
    halo = exact & ~horizontal_exact & (page.gray < 232)
    return (wide & page.ink) | halo, horizontal, exact & page.ink


def _cells(table: PageTable) -> tuple[list[float], list[float]]:
    """Row and lane-column boundaries in pixels."""
    ys = [table.body_top * SCALE] + [r.y1 * SCALE for r in table.rows]
    ys = sorted({r.y0 * SCALE for r in table.rows} | set(ys))
    lanes = table.lanes
    xs = sorted({c.x0 * SCALE for c in lanes} | {c.x1 * SCALE for c in lanes})
    return ys, xs


def _inside_one_cell(box: tuple[slice, slice], ys: list[float], xs: list[float]) -> bool:
    rows, cols = box
    y0, y1, x0, x1 = rows.start, rows.stop - 1, cols.start, cols.stop - 1
    if not xs or x0 < xs[0] or x1 > xs[-1]:
        return False
    cy, cx = (y0 + y1) / 2, (x0 + x1) / 2
    top = max((y for y in ys if y <= cy), default=None)
    bottom = min((y for y in ys if y > cy), default=None)
    left = max((x for x in xs if x <= cx), default=None)
    right = min((x for x in xs if x > cx), default=None)
    if None in (top, bottom, left, right):
        return False
    assert top is not None and bottom is not None and left is not None and right is not None
    margin = -1
    if (y1 - y0) > (bottom - top) * 0.9 or (x1 - x0) > (right - left) * 0.9:
        return False
    return bool(y0 > top + margin and y1 < bottom - margin and x0 > left + margin
            and x1 < right - margin)


def find_symbols(page: PageData, table: PageTable, rules: BoolImage, rules_h: BoolImage,
                 exact: BoolImage) -> list[Symbol]:
    """The symbols of ``page`` inside the lane columns of ``table``."""
    from scipy import ndimage

    ys, xs = _cells(table)
    if not xs or not ys:
        return []
    # a band under the table holds off-page connectors drawn below the last row
    margin = min(round(BELOW * SCALE), page.ink.shape[0] - round(ys[-1]) - 1)
    if margin > 4:
        ys.append(ys[-1] + margin)
    # and on a page that continues the table without a header, a band above it
    above = 0 if table.header else min(round(BELOW * SCALE), round(ys[0]))
    if above > 4:
        ys.insert(0, ys[0] - above)
    top, bottom = round(ys[0]), round(ys[-1]) + 1
    left, right = max(round(xs[0]) - 2, 0), round(xs[-1]) + 3
    crop = (slice(top, bottom), slice(left, right))
    ys = [y - top for y in ys]
    xs = [x - left for x in xs]
    gray, rules, exact = page.gray[crop], rules[crop], exact[crop]
    ink = page.ink[crop] & ~rules
    # faint anti-aliased outlines leave gaps: the walls of holes are darker than 230, widened
    holes, _ = ndimage.label(~grow(gray < 230, 1))
    # A hole inside one cell is a symbol's inside, unless the rules bound it: then it is
    # a part of the cell's background that arrows cut off. A symbol drawn against a rule
    # also touches it, so the lenient reading (any hole not bounded by a row AND a column
    # rule) is tried first, and the strict one (no hole touching a rule) only where the
    # lenient one gives a blob of no known shape (a symbol merged with a closed-off area).
    boxes = ndimage.find_objects(holes)
    sizes = np.bincount(holes.ravel())
    touch_h = set(np.unique(holes[grow(rules_h[crop], 3)]).tolist())
    touch_v = set(np.unique(holes[grow(rules & ~rules_h[crop], 3)]).tolist())
    touch_exact = set(np.unique(holes[grow(exact, 2)]).tolist())
    lenient = np.zeros(len(boxes) + 1, dtype=bool)
    for i, box in enumerate(boxes, start=1):
        if box is None or (i in touch_h and i in touch_v) or not _inside_one_cell(box, ys, xs):
            continue
        area = (box[0].stop - box[0].start) * (box[1].stop - box[1].start)
        # a diamond's inside is about half its box; every symbol's inside is convex, an
        # area closed off by arrows around symbols seldom is
        lenient[i] = sizes[i] / max(area, 1) >= 0.42 and _convex(holes[box] == i)
    strict = lenient.copy()
    strict[list(touch_exact)] = False
    # last resort: only holes small for their cell (a closed-off area fills most of it)
    tight = strict.copy()
    for i, box in enumerate(boxes, start=1):
        if box is not None and tight[i] and not _small(box, ys, xs):
            tight[i] = False
    passes = [ink | grow(m[holes], 2) for m in (lenient, strict, tight)]
    # last of all, each hole alone without its walls: a symbol's inside that an area closed
    # off by arrows beside it (sharing a wall) made into one odd blob
    passes.append(grow(lenient[holes], 1))
    found: list[Symbol] = []
    _collect(passes, 0, (slice(0, ink.shape[0]), slice(0, ink.shape[1])), ink, ys, found,
             lambda box, kind: _place_blob(table, left, top, box, kind))
    return found


def _collect(passes: list[BoolImage], level: int, area: _Box, ink: BoolImage,
             ys: list[float], found: list[Symbol],
             place: Callable[[_Box, str], Symbol]) -> None:
    """Blobs of ``area`` at one reading; a doubtful blob is read again more strictly."""
    top, left = area[0].start, area[1].start
    for sub, shape, kind in _blobs(passes[level][area]):
        box = (slice(sub[0].start + top, sub[0].stop + top),
               slice(sub[1].start + left, sub[1].stop + left))
        doubtful = kind is None or _merged(ink[box], shape) or not _fits(box, ys) or (
            kind == PROCESS and _sides_run_on(ink, box))
        lopsided = kind in (DECISION, CAPSULE) and not _symmetric(shape)
        if (doubtful or lopsided) and level + 1 < len(passes):
            before = len(found)
            _collect(passes, level + 1, box, ink, ys, found, place)
            if doubtful or any(f.kind == kind for f in found[before:]):
                continue
            # nothing of its kind inside: the lopsided blob is the symbol after all
            del found[before:]
            found.append(place(box, kind or PROCESS))
        elif kind is not None and not (doubtful and _merged(ink[box], shape)):
            if level == len(passes) - 1:  # a hole alone: its outline is around it
                wall = round(1.5 * SCALE)
                box = (slice(max(box[0].start - wall, 0), box[0].stop + wall),
                       slice(max(box[1].start - wall, 0), box[1].stop + wall))
            found.append(place(box, kind))


def _symmetric(shape: BoolImage) -> bool:
    """Whether a blob is its own mirror image both ways, as diamonds and capsules are
    (one merged with an area closed off beside it by lines is lopsided)."""
    for mirror in (shape[:, ::-1], shape[::-1, :]):
        union = int((shape | mirror).sum())
        if union and int((shape & mirror).sum()) / union < 0.8:
            return False
    return True


def _sides_run_on(ink: BoolImage, box: _Box) -> bool:
    """Lines that go on past two or more corners of a box: an area that lines closed off.

    A drawn box's sides stop at its corners (lines leave it from the middle of a side);
    an area fenced by connectors and a rule has sides that are those connectors, running on.
    """
    rows, cols = box
    y0, y1, x0, x1 = rows.start, rows.stop - 1, cols.start, cols.stop - 1
    height, width = ink.shape
    near, far = 3, 3 + round(3 * SCALE)

    def run(ys: slice, xs: slice, axis: int) -> bool:
        part = ink[max(ys.start, 0):min(ys.stop, height), max(xs.start, 0):min(xs.stop, width)]
        return bool(part.size) and bool(part.any(axis=axis).all()) and part.shape[
            1 - axis] >= far - near

    runs = 0
    for x in (x0, x1):  # the vertical sides, above and below the box
        band = slice(x - 2, x + 3)
        runs += run(slice(y0 - far, y0 - near), band, 1) + run(slice(y1 + near, y1 + far),
                                                                band, 1)
    for y in (y0, y1):  # the horizontal sides, left and right of the box
        band = slice(y - 2, y + 3)
        runs += run(band, slice(x0 - far, x0 - near), 0) + run(band, slice(x1 + near,
                                                                           x1 + far), 0)
    return runs >= 2


def _small(box: _Box, ys: list[float], xs: list[float]) -> bool:
    rows, cols = box
    cy, cx = (rows.start + rows.stop) / 2, (cols.start + cols.stop) / 2
    height = min((y for y in ys if y > cy), default=cy) - max((y for y in ys if y <= cy),
                                                              default=cy)
    width = min((x for x in xs if x > cx), default=cx) - max((x for x in xs if x <= cx),
                                                             default=cx)
    return bool((rows.stop - rows.start) < 0.8 * height
                and (cols.stop - cols.start) < 0.7 * width)


def _blobs(solid: BoolImage) -> list[tuple[_Box, BoolImage, str | None]]:
    """Solid blobs of symbol size after a square opening, with their kind (None: unknown)."""
    from scipy import ndimage

    k = max(round(3.5 * SCALE), 3)
    labels, _ = ndimage.label(_open_square(solid, k))
    out: list[tuple[_Box, BoolImage, str | None]] = []
    for index, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is None:
            continue
        shape = labels[box] == index
        height, width = shape.shape
        if width < 7 * SCALE or height < 5 * SCALE:
            continue
        kind = _kind(shape)
        if kind == PROCESS and (height < 7 * SCALE or width < 12 * SCALE):
            kind = None  # a sliver closed off between arrows and a rule
        out.append((box, shape, kind))
    return out


def _convex(mask: BoolImage) -> bool:
    """Whether a hole fills its convex hull (symbols' insides do; L- and U-shapes do not)."""
    from scipy.spatial import ConvexHull, QhullError

    rows, cols = np.nonzero(mask)
    if rows.size < 12:
        return True
    points = np.column_stack([np.concatenate([rows, rows + 1, rows, rows + 1]),
                              np.concatenate([cols, cols, cols + 1, cols + 1])])
    try:
        hull = ConvexHull(points)
    except QhullError:
        return True  # a line of pixels: degenerate, too thin to matter
    return bool(rows.size / max(hull.volume, 1.0) >= 0.85)


def _fits(box: _Box, ys: list[float]) -> bool:
    """Whether a blob fits in one row (joint rows aside, a symbol never spans two)."""
    rows = box[0]
    cy = (rows.start + rows.stop) / 2
    top = max((y for y in ys if y <= cy), default=None)
    bottom = min((y for y in ys if y > cy), default=None)
    if top is None or bottom is None:
        return False
    return bool(rows.start >= top - 3 * SCALE and rows.stop <= bottom + 3 * SCALE)


def _merged(ink: BoolImage, shape: BoolImage) -> bool:
    """A blob with other outlines inside it: symbols joined by an area closed off by arrows.

    An outlined symbol's inside is empty (text is gone from the raster), a filled one's is
    solid; lines inside a blob mean it is several symbols and lines taken as one.
    """
    from scipy import ndimage

    inner = ndimage.binary_erosion(shape, iterations=round(3 * SCALE))
    if inner.sum() < 20:
        return False
    share = float((ink & inner).sum()) / float(inner.sum())
    return 0.04 < share < 0.6


def _place_blob(table: PageTable, left: int, top: int, box: _Box, kind: str) -> Symbol:
    """The symbol of a blob found in the crop whose corner is (left, top) on the page."""
    rows, cols = box
    return _place(table, kind, (cols.start + left) / SCALE, (rows.start + top) / SCALE,
                  (cols.stop + left) / SCALE, (rows.stop + top) / SCALE)


def grow(mask: BoolImage, radius: int) -> BoolImage:
    """Dilation by a (2r+1) square, as two fast running maxima."""
    from scipy import ndimage

    if radius <= 0:
        return mask
    size = 2 * radius + 1
    out = ndimage.maximum_filter1d(mask, size, axis=0)
    grown: BoolImage = ndimage.maximum_filter1d(out, size, axis=1)
    return grown


def _open_square(mask: BoolImage, k: int) -> BoolImage:
    """Opening with a k x k square, done as two line passes each way (much faster)."""
    from scipy import ndimage

    eroded = ndimage.minimum_filter1d(ndimage.minimum_filter1d(mask, k, axis=0), k, axis=1)
    opened: BoolImage = ndimage.maximum_filter1d(ndimage.maximum_filter1d(eroded, k, axis=0),
                                                 k, axis=1)
    return opened


def _kind(shape: BoolImage) -> str | None:
    height, width = shape.shape
    fill = float(shape.mean())
    c = max(min(height, width) // 8, 1)
    corners = [shape[:c, :c].mean() > 0.5, shape[:c, -c:].mean() > 0.5,
               shape[-c:, :c].mean() > 0.5, shape[-c:, -c:].mean() > 0.5]
    if all(corners):
        return PROCESS
    if corners[0] and corners[1] and not corners[2] and not corners[3]:
        return CONNECTOR
    if not any(corners):
        top_span = float(shape[max(height // 6, 1)].mean())
        side_span = float(shape[:, max(width // 6, 1)].mean())
        if fill < 0.7 or top_span < 0.45 or side_span < 0.7:
            return DECISION  # a capsule's flat top and round sides are nearly full
        if max(width, height) / min(width, height) < 1.25:
            return CONNECTOR  # a circle: on-page connector
        return CAPSULE
    return PROCESS if fill > 0.85 else None


def _place(table: PageTable, kind: str, x0: float, y0: float, x1: float, y1: float) -> Symbol:
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    small = max(x1 - x0, y1 - y0) < 30
    if small and (cy > table.box[3] or y0 - table.body_top < 12 or cy < table.box[1]):
        kind = CONNECTOR  # a small symbol under the table or atop it: to or from another page
    lane = next((i for i, c in enumerate(table.lanes) if c.x0 <= cx <= c.x1), -1)
    row = next((i for i, r in enumerate(table.rows) if r.y0 <= cy <= r.y1), -1)
    return Symbol(kind=kind, x0=x0, y0=y0, x1=x1, y1=y1, lane=lane, row=row)
