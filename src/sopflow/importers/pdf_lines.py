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
    from scipy import ndimage

    image = ink if horizontal else ink.T
    if bridge > 0:
        image = image | ~long_runs(~image, bridge + 1)
    opened = long_runs(image, min_length)
    if not horizontal:
        opened = opened.T
    labels, _count = ndimage.label(opened)
    found: list[Segment] = []
    for index, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is None:
            continue
        rows, cols = box
        if horizontal:
            thick, a, b = rows.stop - rows.start, cols.start, cols.stop - 1
            across = (rows.start + rows.stop - 1) / 2
        else:
            thick, a, b = cols.stop - cols.start, rows.start, rows.stop - 1
            across = (cols.start + cols.stop - 1) / 2
        if thick > max_thick:
            # a thick block (a filled symbol) or a rule merged with one: keep thin rows only
            block = labels[box] == index
            found.extend(_thin_parts(block, horizontal, rows.start, cols.start,
                                     min_length, max_thick))
            found.extend(_block_edges(block, horizontal, rows, cols))
            continue
        found.append(Segment(horizontal=horizontal, pos=across, a=a, b=b, thick=thick))
    return found


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
