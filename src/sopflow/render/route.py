"""Orthogonal arrow routing on a track grid (A* with bend and crossing costs).

Each page gets a grid of horizontal and vertical tracks over the lanes area: every port's x
and y plus evenly spaced tracks no further apart than the smallest obstacle, so a route that
would cut a shape must visit a grid point inside it, which is blocked. Routes are found one by
one; a grid segment used by one arrow is closed to the others (no two arrows share a segment),
a point where an arrow bends or ends is closed to the others (no T-junction that would read as
a merge), and two arrows may only cross at right angles.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from typing import TYPE_CHECKING

import attrs

from sopflow.render.errors import ArrowRouteError
from sopflow.render.geometry import Arrow, Point, Rect

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["Port", "RouteError", "RouteGrid", "RouteJob", "Routed", "Router", "route_all"]

Dir = tuple[int, int]
DOWN: Dir = (0, 1)
UP: Dir = (0, -1)
LEFT: Dir = (-1, 0)
RIGHT: Dir = (1, 0)
_DIRS = (DOWN, UP, LEFT, RIGHT)
#: The directions a route heading ``d`` may take next (all but back), in ``_DIRS`` order.
_AHEAD = {d: tuple(nd for nd in _DIRS if nd != (-d[0], -d[1])) for d in _DIRS}
#: Usage marks of a grid point that a straight pass in direction ``d`` may not go through:
#: a bend or end (3), or a pass the same way (1 horizontal, 2 vertical).
_CROSSED = {d: (3, 1 if d[1] == 0 else 2) for d in _DIRS}


#: How far a horizontal (vertical) track keeps from a row (column) rule, so no arrow runs
#: along a rule where it would read as part of the table.
RULE_GAP = 2.5


class RouteError(RuntimeError):
    """No clear orthogonal route exists for an arrow (the page is too crowded)."""


@attrs.frozen(kw_only=True)
class Port:
    """Where an arrow leaves or enters a shape, and the direction of travel there.

    For an exit ``direction`` is the way the arrow moves away from the shape; for an entry it
    is the way the arrow moves into the shape. ``shape`` is the rectangle the port sits on.
    """

    point: Point
    direction: Dir
    shape: Rect


def _lines(lo: float, hi: float, step: float, special: Iterable[float],
           avoid: Sequence[float], avoid_gap: float) -> list[float]:
    """Sorted track coordinates: the special ones plus even fill, clear of ``avoid`` rules."""
    specials = sorted({round(v, 3) for v in special if lo - 1e-6 <= v <= hi + 1e-6})
    avoid_sorted = sorted(avoid)

    def near_rule(v: float) -> bool:
        i = bisect.bisect_left(avoid_sorted, v)
        for j in (i - 1, i):
            if 0 <= j < len(avoid_sorted) and abs(avoid_sorted[j] - v) < avoid_gap:
                return True
        return False

    result = list(specials)
    n = max(1, int((hi - lo) / step))
    fill = [lo + (hi - lo) * i / n for i in range(n + 1)]
    for v in fill:
        if near_rule(v):
            continue
        i = bisect.bisect_left(specials, v)
        if any(0 <= j < len(specials) and abs(specials[j] - v) < step * 0.4 for j in (i - 1, i)):
            continue
        result.append(round(v, 3))
    return sorted(set(result))


def _gutter_tracks(ys: list[float], bands: Sequence[tuple[float, float]],
                   rules: Sequence[float], obstacles: Sequence[Rect]) -> list[float]:
    """``ys`` plus a track in each gutter window that has none: between a row's shapes
    (with their clearance) and the row's rule (kept ``RULE_GAP`` away), above and below.

    The even fill may miss a narrow window (a tight layout leaves one of a few points), and a
    gutter without a track forces lane changes into detours around the next row.
    """
    out = list(ys)
    rules_sorted = sorted(rules)
    for lo, hi in bands:
        around = [r for r in obstacles if r.y < hi and r.bottom > lo]
        if not around:
            continue
        i = bisect.bisect_right(rules_sorted, lo)
        windows = []
        if i > 0:
            windows.append((rules_sorted[i - 1] + RULE_GAP, min(r.y for r in around)))
        j = bisect.bisect_left(rules_sorted, hi)
        if j < len(rules_sorted):
            windows.append((max(r.bottom for r in around), rules_sorted[j] - RULE_GAP))
        for a, b in windows:
            k = bisect.bisect_left(out, a)
            if a <= b and not (k < len(out) and out[k] <= b):
                bisect.insort(out, round((a + b) / 2, 3))
    return out


@attrs.frozen(kw_only=True)
class _Query:
    """One route search: from grid point ``s`` leaving in ``d0`` to ``t`` entering in ``d1``;
    the rays are the points a route may use inside its own shapes' clearance."""

    s: int
    t: int
    d0: Dir
    d1: Dir
    src_ray: set[int]
    dst_ray: set[int]
    relax: int


class Router:
    """Routes the arrows of one page; remembers the routes already laid.

    ``obstacles`` are rectangles no arrow may touch (shapes, labels, text), given already
    inflated by the wanted clearance. ``bands`` are y-ranges (the rows' shape bands) where a
    horizontal run costs more, so lane changes happen in the gutters between rows.
    """

    #: Largest spacing of the evenly spread tracks (points).
    STEP = 5.0

    def __init__(
        self,
        *,
        area: Rect,
        obstacles: Sequence[Rect],
        ports: Iterable[Point],
        rules_x: Sequence[float],
        rules_y: Sequence[float],
        bands: Sequence[tuple[float, float]] = (),
    ) -> None:
        pts = list(ports)
        step = self.STEP
        self.xs = _lines(area.x, area.right, step, (p[0] for p in pts), rules_x, RULE_GAP)
        self.ys = _gutter_tracks(
            _lines(area.y, area.bottom, step, (p[1] for p in pts), rules_y, RULE_GAP),
            bands, rules_y, obstacles)
        self.xi = {x: i for i, x in enumerate(self.xs)}
        self.yi = {y: i for i, y in enumerate(self.ys)}
        nx_, ny_ = len(self.xs), len(self.ys)
        self.blocked = bytearray(nx_ * ny_)
        for rect in obstacles:
            for i, j in self._inside(rect):
                self.blocked[j * nx_ + i] = 1
        self.obstacles = list(obstacles)
        self.band_rows = bytearray(ny_)
        for lo, hi in bands:
            for j in range(bisect.bisect_left(self.ys, lo), bisect.bisect_right(self.ys, hi)):
                self.band_rows[j] = 1
        # usage: node -> 1 horizontal pass, 2 vertical pass, 3 bend/end/port
        self.usage: dict[int, int] = {}
        self.used_edges: set[tuple[int, int]] = set()

    def _inside(self, rect: Rect) -> list[tuple[int, int]]:
        i0 = bisect.bisect_left(self.xs, rect.x)
        i1 = bisect.bisect_right(self.xs, rect.right)
        j0 = bisect.bisect_left(self.ys, rect.y)
        j1 = bisect.bisect_right(self.ys, rect.bottom)
        return [(i, j) for j in range(j0, j1) for i in range(i0, i1)]

    def reserve_line(self, points: Sequence[Point]) -> None:
        """Mark a drawn line (a joint-activity link) so arrows cross it but never run on it."""
        for a, b in itertools.pairwise(points):
            horizontal = a[1] == b[1]
            if horizontal:
                j = self._nearest(self.ys, a[1])
                lo, hi = sorted((a[0], b[0]))
                idx = [i for i, x in enumerate(self.xs) if lo <= x <= hi]
                for i in idx:
                    self.usage.setdefault(j * len(self.xs) + i, 1)
                for i0, i1 in itertools.pairwise(idx):
                    self._use_edge(j * len(self.xs) + i0, j * len(self.xs) + i1)

    @staticmethod
    def _nearest(values: Sequence[float], v: float) -> int:
        i = bisect.bisect_left(values, v)
        if i == len(values) or (i > 0 and abs(values[i - 1] - v) < abs(values[i] - v)):
            return i - 1
        return i

    def _use_edge(self, a: int, b: int) -> None:
        self.used_edges.add((a, b) if a < b else (b, a))

    def route(self, src: Port, dst: Port, relax: int = 0) -> list[Point]:
        """Find and lay the cheapest clear route from ``src`` to ``dst``.

        ``relax`` 1 lets the route touch points where other arrows bend (never a shape, never
        a shared segment); 2 also lets it share segments at a high cost. The layout uses them
        only when a page offers no clean route at all, to draw something rather than fail.
        """
        nx_ = len(self.xs)
        try:
            s = self.yi[round(src.point[1], 3)] * nx_ + self.xi[round(src.point[0], 3)]
            t = self.yi[round(dst.point[1], 3)] * nx_ + self.xi[round(dst.point[0], 3)]
        except KeyError as exc:  # pragma: no cover - ports are always grid points
            raise RouteError(f"port {exc} is not on the routing grid") from None
        if (self.usage.get(s) or self.usage.get(t)) and not relax:
            raise RouteError("a port is already used by another arrow")
        path = self._search(_Query(
            s=s, t=t, d0=src.direction, d1=dst.direction, src_ray=self._ray(src, outward=True),
            dst_ray=self._ray(dst, outward=False), relax=relax,
        ))
        if path is None:
            raise RouteError(
                f"no clear route from {src.point} to {dst.point}: the page is too crowded"
            )
        self._lay(path)
        return self._points(path)

    def _ray(self, port: Port, outward: bool) -> set[int]:
        """Grid points on the straight run from a port out of its own inflated shape."""
        nx_ = len(self.xs)
        own = [r for r in self.obstacles if r.contains(port.shape)]
        dx, dy = port.direction if outward else (-port.direction[0], -port.direction[1])
        i, j = self.xi[round(port.point[0], 3)], self.yi[round(port.point[1], 3)]
        out = {j * nx_ + i}
        while True:
            i, j = i + dx, j + dy
            if not (0 <= i < nx_ and 0 <= j < len(self.ys)):
                break
            x, y = self.xs[i], self.ys[j]
            if not any(r.x <= x <= r.right and r.y <= y <= r.bottom for r in own):
                break
            out.add(j * nx_ + i)
        return out

    def _moves(self, q: _Query, n: int, d: Dir) -> list[tuple[int, Dir, bool, bool]]:
        """The grid points a route at ``n`` heading ``d`` may move to next: (point,
        direction, bend, shares a segment with another route)."""
        nx_ = len(self.xs)
        i, j = n % nx_, n // nx_
        if n == q.s:
            dirs: tuple[Dir, ...] = (q.d0,)  # the first move follows the exit direction
            use = 0
        else:
            dirs = _AHEAD[d]  # no U-turn
            use = 0 if q.relax else self.usage.get(n, 0)
        blocked, used_edges = self.blocked, self.used_edges
        out = []
        for nd in dirs:
            bend = nd != d
            # no T-junction with another route, and cross it only at right angles
            if use and (bend or use in _CROSSED[nd]):
                continue
            ni, nj = i + nd[0], j + nd[1]
            if not (0 <= ni < nx_ and 0 <= nj < len(self.ys)):
                continue
            m = nj * nx_ + ni
            # inside a shape's clearance only along its port's own ray
            if blocked[m] and not (
                (m in q.src_ray and nd == q.d0) or (m in q.dst_ray and nd == q.d1)
            ):
                continue
            shared = ((n, m) if n < m else (m, n)) in used_edges
            if (shared and q.relax < 2) or (m == q.t and nd != q.d1):
                continue
            out.append((m, nd, bend, shared))
        return out

    def _search(self, q: _Query) -> list[int] | None:
        """A* over (grid point, direction): length, plus costs for bends, crossings and
        horizontal runs through a row's shapes band."""
        nx_, ny_ = len(self.xs), len(self.ys)
        xs, ys = self.xs, self.ys
        tx, ty = xs[q.t % nx_], ys[q.t // nx_]
        usage, band = self.usage, self.band_rows
        bend_cost, cross_cost = 24.0, 10.0

        def h(n: int) -> float:
            return abs(xs[n % nx_] - tx) + abs(ys[n // nx_] - ty)

        start = (q.s, q.d0)
        best: dict[tuple[int, Dir], float] = {start: 0.0}
        prev: dict[tuple[int, Dir], tuple[int, Dir] | None] = {start: None}
        counter = itertools.count()
        heap: list[tuple[float, int, int, Dir]] = [(h(q.s), next(counter), q.s, q.d0)]
        budget = 8 * nx_ * ny_  # a search that finds nothing gives up instead of crawling
        while heap and budget > 0:
            budget -= 1
            _, _, n, d = heapq.heappop(heap)
            g = best[(n, d)]
            if n == q.t and d == q.d1:
                return self._unwind(prev, (n, d))
            i, j = n % nx_, n // nx_
            for m, nd, bend, shared in self._moves(q, n, d):
                step = abs(xs[m % nx_] - xs[i]) + abs(ys[m // nx_] - ys[j])
                if nd[1] == 0 and band[j]:
                    step *= 2.0
                cost = g + step + (bend_cost if bend else 0.0) + (400.0 if shared else 0.0)
                if usage.get(m) and m != q.t:
                    cost += cross_cost
                state = (m, nd)
                if cost < best.get(state, float("inf")):
                    best[state] = cost
                    prev[state] = (n, d)
                    heapq.heappush(heap, (cost + h(m), next(counter), m, nd))
        return None

    @staticmethod
    def _unwind(
        prev: dict[tuple[int, Dir], tuple[int, Dir] | None], state: tuple[int, Dir]
    ) -> list[int]:
        path = []
        cur: tuple[int, Dir] | None = state
        while cur is not None:
            path.append(cur[0])
            cur = prev[cur]
        path.reverse()
        return path

    def _lay(self, path: list[int]) -> None:
        nx_ = len(self.xs)
        for k, n in enumerate(path):
            if k == 0 or k == len(path) - 1:
                self.usage[n] = 3
                continue
            a, b = path[k - 1], path[k + 1]
            if (a % nx_ == n % nx_) and (b % nx_ == n % nx_):
                self.usage[n] = 2 if not self.usage.get(n) else 3
            elif a // nx_ == n // nx_ and b // nx_ == n // nx_:
                self.usage[n] = 1 if not self.usage.get(n) else 3
            else:
                self.usage[n] = 3
        for a, b in itertools.pairwise(path):
            self._use_edge(a, b)

    def _points(self, path: list[int]) -> list[Point]:
        nx_ = len(self.xs)
        pts = [(self.xs[n % nx_], self.ys[n // nx_]) for n in path]
        out: list[Point] = [pts[0]]
        for k in range(1, len(pts) - 1):
            a, b, c = out[-1], pts[k], pts[k + 1]
            if (a[0] == b[0] == c[0]) or (a[1] == b[1] == c[1]):
                continue
            out.append(b)
        out.append(pts[-1])
        return out


# --------------------------------------------------------------------------- a page's arrows
@attrs.frozen(kw_only=True)
class RouteJob:
    """One arrow to route on a page: between two ports, drawn from ``source`` to ``target``
    (node ids or connector ids); jobs are routed in ``rank`` order."""

    rank: tuple[float, ...]
    edge: tuple[str, str]
    src: Port
    dst: Port
    source: str
    target: str


@attrs.frozen(kw_only=True)
class RouteGrid:
    """What every route on a page keeps clear of, and the tracks it prefers."""

    area: Rect
    obstacles: tuple[Rect, ...]
    ports: tuple[Point, ...]
    rules_x: tuple[float, ...]
    rules_y: tuple[float, ...]
    bands: tuple[tuple[float, float], ...]
    reserved: tuple[tuple[Point, ...], ...]  # lines no arrow may run along (joint links)

    def router(self) -> Router:
        router = Router(area=self.area, obstacles=list(self.obstacles), ports=list(self.ports),
                        rules_x=list(self.rules_x), rules_y=list(self.rules_y),
                        bands=list(self.bands))
        for line in self.reserved:
            router.reserve_line(line)
        return router


@attrs.frozen(kw_only=True)
class Routed:
    """A page's arrows; ``compromises`` counts arrows drawn with a compromise and ``relaxed``
    sums how far each was relaxed (the layout keeps the attempt with the least)."""

    arrows: tuple[Arrow, ...]
    compromises: int
    relaxed: int


class _Blocked(Exception):
    """A signal inside this module (an arrow found no way), never raised out of it."""

    def __init__(self, index: int) -> None:
        self.index = index


def _route_in_order(grid: RouteGrid, order: Sequence[RouteJob], last: bool) -> Routed:
    """Route ``order`` one by one; on the ``last`` try a route that finds no clean way is drawn
    with the least compromise, else the first blocked arrow stops the try."""
    router = grid.router()
    arrows: list[Arrow] = []
    compromises = relaxed = 0
    for k, job in enumerate(order):
        pts: list[Point] | None = None
        error = ""
        for relax in (0, 1, 2) if last else (0,):
            try:
                pts = router.route(job.src, job.dst, relax=relax)
            except RouteError as exc:
                error = str(exc)
                continue
            relaxed += relax
            compromises += relax > 0
            break
        if pts is None:
            if last:
                raise ArrowRouteError(job.edge, error)
            raise _Blocked(k)
        arrows.append(Arrow(points=tuple(pts), edge=job.edge, source=job.source,
                            target=job.target))
    return Routed(arrows=tuple(arrows), compromises=compromises, relaxed=relaxed)


def route_all(jobs: Sequence[RouteJob], grid: RouteGrid) -> Routed:
    """Route every arrow of a page; an arrow that finds no way is routed first on the next
    try (up to three tries, then the last one allows compromises)."""
    order = sorted(jobs, key=lambda j: j.rank)
    attempts = min(len(order), 3) + 1
    for _ in range(attempts - 1):
        try:
            return _route_in_order(grid, order, last=False)
        except _Blocked as blocked:
            order.insert(0, order.pop(blocked.index))
    return _route_in_order(grid, order, last=True)
