"""Straight strokes of a text-free page raster: table rules and arrow segments.

Rules and arrows are both long thin runs of ink; morphological opening with a long thin
structuring element keeps exactly those, whatever vector form drew them (filled rectangles,
stroked lines, thin polygons, one path per cell, pictures). A closing first bridges the gaps of
dashed arrows.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

__all__ = ["Segment", "segments"]

BoolImage = npt.NDArray[np.bool_]


@attrs.frozen
class Segment:
    """A horizontal (``horizontal``) or vertical straight stroke, in raster pixels.

    ``pos`` is its centre line (row for horizontal, column for vertical), ``a``..``b`` its
    extent along the line (inclusive), ``thick`` its width across.
    """

    horizontal: bool
    pos: float
    a: int
    b: int
    thick: int

    @property
    def length(self) -> int:
        return self.b - self.a + 1

    def covers(self, a: float, b: float, slack: float = 0) -> bool:
        return self.a - slack <= a and self.b + slack >= b

    def crosses(self, pos: float, slack: float = 0) -> bool:
        """Whether the stroke passes the perpendicular coordinate ``pos``."""
        return self.a - slack <= pos <= self.b + slack

    def end(self, which: int) -> tuple[float, float]:
        """End 0 (start) or 1 as (x, y) pixels."""
        along = self.a if which == 0 else self.b
        return (along, self.pos) if self.horizontal else (self.pos, along)


def segments(ink: BoolImage, *, horizontal: bool, min_length: int, max_thick: int,
             bridge: int = 0) -> list[Segment]:
    """The straight strokes of ``ink`` at least ``min_length`` long and ``max_thick`` wide.

    ``bridge`` > 0 closes gaps up to that many pixels along the line first (dashes).
    """
    image = ink if horizontal else ink.T
    if bridge > 0:
        image = image | ~long_runs(~image, bridge + 1)
    found: list[Segment] = []
    for rows, starts, ends in _run_groups(image, min_length):
        top, bottom = int(rows.min()), int(rows.max()) + 1
        left, right = int(starts.min()), int(ends.max())
        if bottom - top > max_thick:
            # a thick block (a filled symbol or shaded band), or strokes that run into one
            block = np.zeros((bottom - top, right - left), dtype=bool)
            for r, s0, s1 in zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True):
                block[r - top, s0 - left:s1 - left] = True
            span_r, span_c = slice(top, bottom), slice(left, right)
            if horizontal:
                found.extend(_thin_parts(block, True, top, left, min_length, max_thick))
                found.extend(_block_edges(block, True, span_r, span_c))
            else:
                found.extend(_thin_parts(block.T, False, left, top, min_length, max_thick))
                found.extend(_block_edges(block.T, False, span_c, span_r))
            continue
        found.append(Segment(horizontal=horizontal, pos=(top + bottom - 1) / 2, a=left,
                             b=right - 1, thick=bottom - top))
    return found


_Runs = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]


def _run_groups(image: BoolImage, length: int) -> list[_Runs]:
    """Horizontal runs at least ``length`` long, grouped where runs of adjacent rows overlap.

    The same components a labelling of the opened image gives, without labelling the page.
    """
    height, width = image.shape
    padded = np.zeros((height, width + 1), dtype=np.int8)
    padded[:, :width] = image
    steps = np.diff(padded.ravel(), prepend=np.int8(0))
    starts = np.flatnonzero(steps == 1)
    ends = np.flatnonzero(steps == -1)
    keep = (ends - starts) >= length
    rows = starts[keep] // (width + 1)
    a = starts[keep] % (width + 1)
    b = a + (ends[keep] - starts[keep])
    count = len(rows)
    parent = list(range(count))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    row_list, a_list, b_list = rows.tolist(), a.tolist(), b.tolist()
    previous: list[int] = []
    current: list[int] = []
    current_row = -2
    for i in range(count):
        if row_list[i] != current_row:
            previous = current if row_list[i] == current_row + 1 else []
            current, current_row = [], row_list[i]
        for j in previous:
            if a_list[j] < b_list[i] and a_list[i] < b_list[j]:
                parent[find(i)] = find(j)
        current.append(i)
    groups: dict[int, list[int]] = {}
    for i in range(count):
        groups.setdefault(find(i), []).append(i)
    return [(rows[idx], a[idx], b[idx]) for idx in map(np.array, groups.values())]


def long_runs(mask: BoolImage, length: int) -> BoolImage:
    """The pixels of ``mask`` in horizontal runs at least ``length`` long (a fast opening)."""
    height, width = mask.shape
    padded = np.zeros((height, width + 1), dtype=np.int8)
    padded[:, :width] = mask
    flat = padded.ravel()
    steps = np.diff(flat, prepend=np.int8(0))
    starts = np.flatnonzero(steps == 1)
    ends = np.flatnonzero(steps == -1)
    keep = (ends - starts) >= length
    out = np.zeros(height * (width + 1), dtype=bool)
    for start, end in zip(starts[keep].tolist(), ends[keep].tolist(), strict=True):
        out[start:end] = True
    return out.reshape(height, width + 1)[:, :width]


def _block_edges(block: BoolImage, horizontal: bool, rows: slice,
                 cols: slice) -> list[Segment]:
    """The two long edges of a filled band (a shaded table header): they act as rules."""
    edges: list[Segment] = []
    if horizontal:
        for index, pos in ((0, rows.start), (-1, rows.stop - 1)):
            if block[index].mean() >= 0.9:
                edges.append(Segment(horizontal=True, pos=float(pos), a=cols.start,
                                     b=cols.stop - 1, thick=1))
    else:
        for index, pos in ((0, cols.start), (-1, cols.stop - 1)):
            if block[:, index].mean() >= 0.9:
                edges.append(Segment(horizontal=False, pos=float(pos), a=rows.start,
                                     b=rows.stop - 1, thick=1))
    return edges


def _thin_parts(mask: BoolImage, horizontal: bool, top: int, left: int, min_length: int,
                max_thick: int) -> list[Segment]:
    """Strokes that run into a filled block: the parts of the component that are thin."""
    from scipy import ndimage

    if not horizontal:
        mask = mask.T
        top, left = left, top
    thick = long_runs(mask.T, max_thick + 1).T  # pixels in a run across the line too long
    labels, _ = ndimage.label(mask & ~thick)
    parts: list[Segment] = []
    for box in ndimage.find_objects(labels):
        if box is None:
            continue
        rows, cols = box
        if cols.stop - cols.start < min_length or rows.stop - rows.start > max_thick:
            continue
        pos = (rows.start + rows.stop - 1) / 2 + top
        a, b = cols.start + left, cols.stop - 1 + left
        parts.append(Segment(horizontal=horizontal, pos=pos, a=a, b=b,
                             thick=rows.stop - rows.start))
    return parts
