"""The size of a decision diamond, from its question: wide enough for the question on one line
at the labels' text size when the lane allows; else the text shrinks by half points down to the
table's floor, then wraps onto more lines in a taller diamond (the row grows to match), so that
every line, as painted, lies inside the diamond's outline."""

from __future__ import annotations

import attrs

from sopflow.render import fonts
from sopflow.render.symbols import DECISION_H, DECISION_W

__all__ = ["DiamondFit", "diamond_room", "fit_diamond", "half_width", "lines_fit"]

_PAD_X = 1.5  # kept between a line's painted end and the outline
_PAD_Y = 1.0  # kept between a line's top or bottom and the outline
#: Wrap widths tried for a wrapped question, as fractions of the diamond's width: narrow
#: lines sit well inside the slanted sides but need more of them; the shortest diamond wins.
_WRAP_FRACTIONS = tuple(f / 100 for f in range(30, 86, 5))


@attrs.frozen(kw_only=True)
class DiamondFit:
    """A diamond's width, height, text size and text lines."""

    w: float
    h: float
    size: float
    lines: tuple[str, ...]


def diamond_room(lane_w: float, side_margin: float) -> float:
    """The widest diamond a lane ``lane_w`` wide holds, keeping ``side_margin`` beside it for
    the exits and their labels (at least 30 pt)."""
    return max(lane_w - side_margin - 4.0, 30.0)


def _word_room(text: str, room: float, limit: float, size: float) -> float:
    """``room``, widened up to ``limit`` so that the question's longest word takes at most
    half the diamond's width (a word wider than that needs a very tall diamond)."""
    m = fonts.metrics()
    longest = max((m.width(w, size) for w in text.split()), default=0.0)
    need = 2 * (longest * fonts.WRAP_RESERVE + 2 * _PAD_X)  # the word across half the width
    return max(room, min(limit, need))


def half_width(w: float, h: float, d: float) -> float:
    """Half the width of a diamond ``w`` by ``h`` at distance ``d`` from its middle line."""
    return max(w / 2 * (1 - abs(d) / (h / 2)), 0.0)


def _extents(lines: tuple[str, ...], size: float) -> list[tuple[float, float]]:
    """Per line: half its painted width (with padding) and its farther edge from the middle."""
    m = fonts.metrics()
    lh = m.line_height(size)
    top = -len(lines) * lh / 2
    return [(m.width(line, size) * fonts.WRAP_RESERVE / 2 + _PAD_X,
             max(abs(top + k * lh), abs(top + (k + 1) * lh)) + _PAD_Y)
            for k, line in enumerate(lines)]


def lines_fit(lines: tuple[str, ...], w: float, h: float, size: float) -> bool:
    """Whether ``lines``, centred, each lie inside the diamond at their top and bottom."""
    return all(a <= half_width(w, h, e) + 1e-6 for a, e in _extents(lines, size))


def _height_for(lines: tuple[str, ...], w: float, size: float) -> float | None:
    """The least height of a diamond ``w`` wide holding ``lines``; None if one is too wide."""
    need = 0.0
    for a, e in _extents(lines, size):
        slack = 1 - 2 * a / w
        if slack <= 0.05:
            return None
        need = max(need, 2 * e / slack)
    return need


def fit_diamond(text: str, room: float, size: float, floor: float,
                limit: float | None = None) -> DiamondFit:
    """The diamond for question ``text`` at most ``room`` wide (see :func:`diamond_room`): on
    one line at ``size`` or a half-point size down to ``floor`` in a diamond of the usual
    height, else wrapped at ``floor`` (or ``size`` if smaller) in the shortest diamond; a
    word too long for ``room`` widens it up to ``limit`` (the lane less its padding)."""
    if not text:
        return DiamondFit(w=min(DECISION_W, room), h=DECISION_H, size=size, lines=())
    m = fonts.metrics()
    if limit is not None:  # a question may take a bare diamond's width where the lane has it
        room = max(room, min(limit, DECISION_W))
    one = (text,)
    for s in fonts.half_point_sizes(size, floor, end_at_floor=True):
        if "\n" not in text and lines_fit(one, room, DECISION_H, s):
            return DiamondFit(w=_least_width(one, room, s), h=DECISION_H, size=s, lines=one)
    s = min(size, floor)
    room = _word_room(text, room, room if limit is None else max(limit, room), s)
    best: DiamondFit | None = None
    words = text.split()
    for frac in _WRAP_FRACTIONS:
        lines = m.wrap(text, frac * room, s) or (text,)
        if " ".join(lines).split() != words and frac < _WRAP_FRACTIONS[-1]:
            continue  # a word broken between letters: only when no width keeps it whole
        h = _height_for(lines, room, s)
        if h is not None and (best is None or h < best.h):
            best = DiamondFit(w=room, h=max(DECISION_H, h), size=s, lines=lines)
    if best is None:  # a line too wide even for the widest wrap tried: the narrowest lines
        lines = m.wrap(text, _WRAP_FRACTIONS[0] * room, s) or (text,)
        w = max(2 * a for a, _ in _extents(lines, s)) / 0.5
        best = DiamondFit(w=w, h=max(DECISION_H, _height_for(lines, w, s) or DECISION_H),
                          size=s, lines=lines)
    h = best.h
    while not lines_fit(best.lines, best.w, h, s):  # rounding: grow until it holds
        h += 1.0
    return attrs.evolve(best, h=float(h))


def _least_width(lines: tuple[str, ...], room: float, size: float) -> float:
    """The narrowest width, from the usual one up to ``room``, holding ``lines`` at the
    usual height."""
    lo, hi = min(DECISION_W, room), room
    if lines_fit(lines, lo, DECISION_H, size):
        return lo
    for _ in range(30):
        mid = (lo + hi) / 2
        if lines_fit(lines, mid, DECISION_H, size):
            hi = mid
        else:
            lo = mid
    return min(round(hi + 0.05, 2), room)
