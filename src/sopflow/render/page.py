"""The page phase: one flowchart page from the measured table, as plain geometry.

A :class:`PageBuilder` draws one page in steps, each a method that returns what it draws:
the header, the body (cell texts and the shapes of each row), the end capsules of side exits,
the table's rules, the ports of the arrows drawn here, the off-page connectors of the arrows
that cross a page break, the routes, the exit labels and the page furniture.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Literal

import attrs

from sopflow.graph import NodeKind
from sopflow.render import fonts
from sopflow.render.capsule import fit_capsule, lane_room
from sopflow.render.diamond import DiamondFit, diamond_room, fit_diamond
from sopflow.render.errors import ConnectorRoomError, EndRoomError
from sopflow.render.geometry import (
    Arrow,
    Connector,
    Line,
    Page,
    Point,
    Rect,
    Shape,
    ShapeKind,
    TextBox,
)
from sopflow.render.labels import Surroundings, place_labels
from sopflow.render.ports import ENTRY, port_point
from sopflow.render.route import DOWN, UP, Dir, Port, RouteGrid, RouteJob, route_all
from sopflow.render.symbols import (
    CELL_PAD,
    CLEAR,
    CONN_BAND,
    CONN_H,
    CONN_W,
    GAP_Y,
    PROCESS_H,
    PROCESS_W,
)
from sopflow.render.table import FONT_FLOOR, end_gap, place_cell

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sopflow.render.flow import Edge, Flow, Node
    from sopflow.render.joint import JointEnds
    from sopflow.render.options import LayoutOptions
    from sopflow.render.pagination import Crossings
    from sopflow.render.ports import Ports, Side
    from sopflow.render.table import Columns, Header, HeaderDrawing, Row

__all__ = ["BuiltPage", "PageBuilder", "Room", "Sheet"]


@attrs.frozen(kw_only=True)
class Room:
    """Spacing of one layout attempt; a crowded page is laid out again with more room."""

    pad_y: float  # free space above a row's shapes
    side_margin: float  # a lane keeps at least this much beside its boxes
    #: Free space below a row's shapes (None: ``pad_y``). A tight layout keeps more below
    #: than above so that each gutter still holds one horizontal track for lane changes.
    pad_below: float | None = None

    @property
    def below(self) -> float:
        return self.pad_y if self.pad_below is None else self.pad_below


@attrs.frozen(kw_only=True)
class Sheet:
    """Everything measured once for all pages of one layout attempt."""

    flow: Flow
    opts: LayoutOptions
    cols: Columns
    hdr: Header
    header: HeaderDrawing  # drawn at ``table_top``
    ports: Ports
    rows: tuple[Row, ...]
    cross: Crossings
    table_top: float
    room: Room
    #: where the table starts on its first page (below the identity block when the table
    #: shares the identity's page), and the header drawn there
    first_top: float | None = None
    first_header: HeaderDrawing | None = None
    #: each joint row's entry and exit boxes (by lane)
    joint: Mapping[str, JointEnds] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class BuiltPage:
    """A page and how far it was compromised: its arrows relaxed, plus labels with no free spot
    (0: every route clean, every label clear)."""

    page: Page
    relaxed: int


@attrs.frozen(kw_only=True)
class _Body:
    """The table body of a page: cell texts, shapes, joint links, and where each row is."""

    texts: tuple[TextBox, ...]
    node_shapes: Mapping[str, Shape]  # the shape an arrow attaches to, per node
    extra: tuple[Shape, ...]  # the other boxes of joint activities
    joints: tuple[tuple[Point, Point], ...]  # dotted links between a joint row's boxes
    handoffs: tuple[tuple[str, Point, Point], ...]  # (step, tail, tip): solid hand-off arrows
    bands: tuple[tuple[float, float], ...]  # y-range of each row's shapes
    bounds: tuple[float, ...]  # y of each row rule, top to bottom
    top: float
    bottom: float


# (edge, node drawn here as its source or None, node drawn here as its target or None)
_Local = tuple["Edge", str | None, str | None]
# port of an arrow end: (source, target, "out" | "in")
_End = tuple[str, str, str]


class PageBuilder:
    """Builds page ``p`` (0-based), which holds the rows ``idx`` of ``sheet``."""

    def __init__(self, sheet: Sheet, p: int, idx: Sequence[int]) -> None:
        self.sheet = sheet
        self.flow = sheet.flow
        self.opts = sheet.opts
        self.cols = sheet.cols
        self.p = p
        self.idx = tuple(idx)
        self.with_header = p == 0 or sheet.opts.repeat_header
        below_identity = p == 0 and sheet.first_top is not None
        self.table_top = sheet.first_top if below_identity and sheet.first_top else sheet.table_top
        self.header = (sheet.first_header if below_identity and sheet.first_header
                       else sheet.header)
        self.below_identity = below_identity
        self.page_of = sheet.cross.node_page
        self.top_band = sheet.cross.has_top_band(p)  # arrows come in from an earlier page

    # ------------------------------------------------------------------ the whole page
    def build(self) -> BuiltPage:
        opts, cols = self.opts, self.cols
        head = self.header if self.with_header else None
        body_top = self.table_top + (self.sheet.hdr.total if head else 0.0)
        body = self.body(body_top)
        node_shapes = {**body.node_shapes, **self.side_ends(body)}
        shapes = [*body.extra, *node_shapes.values()]
        ends, end_shapes = self.ports(node_shapes, shapes)
        connectors, jobs, conn_ends = self.crossings(body, ends, end_shapes)
        all_shapes = [*shapes, *(c.shape for c in connectors)]
        lanes_l, lanes_r = cols.lanes_span
        area = Rect(x=lanes_l + 1, y=body.top + 1, w=lanes_r - lanes_l - 2,
                    h=body.bottom + CONN_BAND - body.top - 2)
        grid = RouteGrid(
            area=area, obstacles=tuple(s.rect.inflate(CLEAR) for s in all_shapes),
            ports=tuple(pt for pt, _ in (*ends.values(), *conn_ends)),
            rules_x=tuple(cols.x[2:3 + cols.n_lanes]), rules_y=body.bounds,
            bands=body.bands,
            reserved=(*body.joints, *((tail, tip) for _, tail, tip in body.handoffs)),
        )
        routed = route_all(jobs, grid)
        handoffs = tuple(Arrow(points=(tail, tip), edge=(step, step), source=step, target=step)
                         for step, tail, tip in body.handoffs)
        texts = [*(head.texts if head else ()), *body.texts]
        around = Surroundings(
            shapes=tuple(all_shapes), texts=tuple(texts), cols=cols, area=area,
            drawn_here=frozenset(n for n, pg in self.page_of.items() if pg == self.p),
            rules=body.bounds,
        )
        arrows, crowded = place_labels(self.flow, (*routed.arrows, *handoffs), around,
                              opts.label_font_size)
        number = opts.first_page_number + self.p
        lines = [*(head.lines if head else ()),
                 *(Line(points=j, style="dotted", width=0.8, role="joint") for j in body.joints),
                 *self.rules(body)]
        page = Page(
            width=self.opts.page_size()[0], height=self.opts.page_size()[1], number=number,
            lines=tuple(lines), texts=(*texts, *self.furniture(number)), shapes=tuple(shapes),
            arrows=tuple(arrows), connectors=tuple(connectors),
            fills=head.fills if head else (), compromises=routed.compromises,
            rows=tuple(d.row for d in (self.sheet.rows[i].data for i in self.idx)
                       if d is not None),
        )
        return BuiltPage(page=page, relaxed=routed.relaxed + crowded)

    # ------------------------------------------------------------------ body
    def body(self, top: float) -> _Body:
        """Each row's cell texts and shapes, top to bottom."""
        texts: list[TextBox] = []
        node_shapes: dict[str, Shape] = {}
        extra: list[Shape] = []
        joints: list[tuple[Point, Point]] = []
        handoffs: list[tuple[str, Point, Point]] = []
        bands: list[tuple[float, float]] = []
        bounds = [top]
        y = top
        for k, i in enumerate(self.idx):
            row = self.sheet.rows[i]
            band = CONN_BAND if (k == 0 and self.top_band) else 0.0
            h = row.height + band
            if row.data is not None:
                texts += self._cell_texts(row, y + band)
            sy = y + band + (row.height - row.zone) / 2 + self.sheet.room.pad_y
            top_shape = sy
            if row.start is not None:
                node_shapes[row.start] = self._capsule(self.flow.nodes[row.start], sy, y, h)
                sy += node_shapes[row.start].rect.h + GAP_Y
            if row.step is not None:
                boxes = self._boxes(self.flow.nodes[row.step], sy, y, h)
                node_shapes[row.step] = boxes[0]
                extra += boxes[1:]
                dotted, solid = self._links(row.step, boxes)
                joints += dotted
                handoffs += solid
                sy += boxes[0].rect.h
            if row.end is not None:
                sy += end_gap(self.flow.nodes[row.step], self.opts) if row.step else GAP_Y
                node_shapes[row.end] = self._capsule(self.flow.nodes[row.end], sy, y, h)
                sy += node_shapes[row.end].rect.h
            bands.append((top_shape, sy))
            y += h
            bounds.append(y)
        return _Body(texts=tuple(texts), node_shapes=node_shapes, extra=tuple(extra),
                     joints=tuple(joints), handoffs=tuple(handoffs), bands=tuple(bands),
                     bounds=tuple(bounds), top=top, bottom=y)

    def _links(self, step: str, boxes: Sequence[Shape],
               ) -> tuple[list[tuple[Point, Point]], list[tuple[str, Point, Point]]]:
        """The links between neighbouring boxes of a joint row: solid hand-off arrows from the
        box the flow enters to the one it leaves, dotted lines elsewhere."""
        ordered = sorted(boxes, key=lambda b: b.rect.x)
        ends = self.sheet.joint.get(step)
        enter, leave = (ends.enter, ends.leave) if ends is not None else (-1, -1)
        lo, hi = sorted((enter, leave))
        dotted: list[tuple[Point, Point]] = []
        solid: list[tuple[str, Point, Point]] = []
        for a, b in itertools.pairwise(ordered):
            left, right = (a.rect.right, a.rect.cy), (b.rect.x, b.rect.cy)
            if enter == leave or not (lo <= a.lane and b.lane <= hi):
                dotted.append((left, right))
            elif enter < leave:
                solid.append((step, left, right))
            else:
                solid.append((step, right, left))
        return dotted, solid

    def _cell_texts(self, row: Row, top: float) -> list[TextBox]:
        cols = self.cols
        spans = [cols.col(0), cols.col(1), cols.mutu(0), cols.mutu(1), cols.mutu(2),
                 cols.mutu(3)]
        out: list[TextBox] = []
        for ct, (cl, _cr) in zip(row.cells, spans, strict=True):
            out += place_cell(ct, cl, top, row.height, self.opts.font_size)
        return out

    def _capsule(self, n: Node, sy: float, y: float, h: float) -> Shape:
        """The start or end capsule of ``n`` at ``sy`` in a row at ``y`` of height ``h``."""
        lane = n.lanes[0]
        ll, lr = self.cols.lane(lane)
        fit = fit_capsule(n.text, lane_room(self.flow, n.id, lr - ll), self.opts.font_size,
                          FONT_FLOOR)
        rect = Rect(x=(ll + lr) / 2 - fit.w / 2, y=sy, w=fit.w, h=fit.h)
        return Shape(kind="terminator", rect=rect, node=n.id, lane=lane, text=n.text,
                     size=fit.size, cell=Rect(x=ll, y=y, w=lr - ll, h=h))

    def _boxes(self, n: Node, sy: float, y: float, h: float) -> list[Shape]:
        """A step's box (or diamond) in each of its lanes, its primary lane first; a joint
        decision's diamonds share the tallest one's height."""
        decision = n.kind is NodeKind.DECISION
        lanes = sorted(set(n.lanes), key=lambda ln: (ln != n.lanes[0], ln))
        fits = {ln: self._diamond(n, ln) for ln in lanes} if decision else {}
        hh = max((f.h for f in fits.values()), default=PROCESS_H)
        boxes: list[Shape] = []
        for lane in lanes:
            ll, lr = self.cols.lane(lane)
            cell = Rect(x=ll, y=y, w=lr - ll, h=h)
            if decision:
                fit = fits[lane]
                rect = Rect(x=(ll + lr) / 2 - fit.w / 2, y=sy, w=fit.w, h=hh)
                boxes.append(Shape(kind="decision", rect=rect, node=n.id, lane=lane,
                                   text=n.question, size=fit.size, cell=cell, lines=fit.lines))
                continue
            bw = min(PROCESS_W, max(lr - ll - self.sheet.room.side_margin, 30.0))
            rect = Rect(x=(ll + lr) / 2 - bw / 2, y=sy, w=bw, h=hh)
            kind: ShapeKind = "process"
            if not boxes and n.id in self.flow.capsules:
                kind = "terminator"  # the step's own box is the start or end capsule
            boxes.append(Shape(kind=kind, rect=rect, node=n.id, lane=lane, text="",
                               size=self.opts.label_font_size, cell=cell))
        return boxes

    def _diamond(self, n: Node, lane: int) -> DiamondFit:
        ll, lr = self.cols.lane(lane)
        return fit_diamond(n.question, diamond_room(lr - ll, self.sheet.room.side_margin),
                           self.opts.label_font_size, FONT_FLOOR, lr - ll - 2 * CELL_PAD)

    def side_ends(self, body: _Body) -> dict[str, Shape]:
        """Ends reached by a side exit: beside their step, in the lower gutter of its row."""
        found: dict[str, Shape] = {}
        drawn = body.node_shapes
        for n in self.flow.nodes.values():
            if n.kind is not NodeKind.END or n.id in drawn or n.id in found:
                continue
            if self.page_of[n.id] != self.p:
                continue
            src = next((e.u for e in self.flow.edges if e.v == n.id), None)
            if src is None or src not in drawn:
                continue
            s = drawn[src]
            lane = n.lanes[0]
            ll, lr = self.cols.lane(lane)
            k = next(k for k, i in enumerate(self.idx) if self.sheet.rows[i].step == src)
            top, bottom = body.bounds[k], body.bounds[k + 1]
            fit = fit_capsule(n.text, lr - ll, self.opts.font_size, FONT_FLOOR)
            rect = Rect(x=(ll + lr) / 2 - fit.w / 2, y=s.rect.bottom + 6, w=fit.w, h=fit.h)
            if rect.bottom > bottom - 4:
                raise EndRoomError(src)
            found[n.id] = Shape(kind="terminator", rect=rect, node=n.id, lane=lane, text=n.text,
                                size=fit.size,
                                cell=Rect(x=ll, y=top, w=lr - ll, h=bottom - top))
        return found

    def rules(self, body: _Body) -> list[Line]:
        """The table's rules: under every row, the column edges, and the header's top."""
        cols = self.cols
        left, right = cols.x[0], cols.x[-1]
        lines = [Line(points=((left, yb), (right, yb))) for yb in body.bounds]
        n_l = cols.n_lanes
        # edges of the columns whose header spans the group and name rows
        full = {cols.x[0], cols.x[1], cols.x[2], cols.x[2 + n_l], cols.x[5 + n_l],
                cols.x[6 + n_l]}
        table_top = self.table_top
        for x in cols.x:
            if not self.with_header:
                t = body.top
            elif x in full:
                t = table_top
            else:
                t = table_top + self.sheet.hdr.heights[0]
            lines.append(Line(points=((x, t), (x, body.bottom))))
        if self.with_header:
            lines.append(Line(points=((left, table_top), (right, table_top))))
        return lines

    # ------------------------------------------------------------------ arrows
    def local(self) -> list[_Local]:
        """The arrows drawn on this page: an arrow crossing a page break is drawn on each of
        its pages, up to or from a connector."""
        out: list[_Local] = []
        for e in self.flow.edges:
            pu, pv = self.page_of[e.u], self.page_of[e.v]
            if pu == self.p or pv == self.p:
                out.append((e, e.u if pu == self.p else None, e.v if pv == self.p else None))
        return out

    def ports(self, node_shapes: dict[str, Shape], shapes: Sequence[Shape],
              ) -> tuple[dict[_End, tuple[Point, Dir]], dict[_End, Shape]]:
        """Where each arrow end drawn here leaves or enters its shape: arrows sharing a side
        get slots along it; a joint activity is left and entered sideways by its outermost
        boxes."""
        side_users: dict[tuple[str, Side], list[_End]] = {}
        for e, a_, b_ in self.local():
            su, sv = self.sheet.ports[e.key]
            if a_ is not None:
                side_users.setdefault((a_, su), []).append((e.u, e.v, "out"))
            if b_ is not None:
                side_users.setdefault((b_, sv), []).append((e.u, e.v, "in"))
        points: dict[_End, tuple[Point, Dir]] = {}
        on: dict[_End, Shape] = {}
        for (node, side), users in side_users.items():
            shape = self._port_box(node, side, node_shapes[node], shapes)
            for slot, end in enumerate(users):
                pt, d = port_point(shape, side, slot, len(users))
                points[end] = (pt, ENTRY[side] if end[2] == "in" else d)
                on[end] = shape
        return points, on

    def _port_box(self, node: str, side: Side, primary: Shape, shapes: Sequence[Shape],
                  ) -> Shape:
        """The box of a joint row an arrow attaches to on ``side``: the outermost for a side,
        the entry box for the top and the exit box for the bottom."""
        group = [b for b in shapes if b.node == node] + [primary]
        if side == "L":
            return min(group, key=lambda b: b.rect.x)
        if side == "R":
            return max(group, key=lambda b: b.rect.x)
        ends = self.sheet.joint.get(node)
        if ends is None:
            return primary
        lane = ends.enter if side == "T" else ends.leave
        return next((b for b in group if b.lane == lane), primary)

    def _band_distance(self, item: _Local) -> tuple[int, int]:
        """Crossing arrows nearest their connector band first: they get the aligned spot."""
        e, a_, b_ = item
        if a_ is not None and b_ is not None:
            return (1, 0)
        row = self.flow.nodes[a_ if a_ is not None else b_ or ""].row
        at_bottom = (a_ is not None) == (self.page_of[e.v] > self.page_of[e.u])
        return (0, -row if at_bottom else row)

    def crossings(self, body: _Body, ends: dict[_End, tuple[Point, Dir]],
                  end_shapes: dict[_End, Shape],
                  ) -> tuple[list[Connector], list[RouteJob], list[tuple[Point, Dir]]]:
        """The off-page connectors of this page, and the routing job of every arrow drawn
        here (with the connector ends' ports)."""
        band = _ConnectorBand(self, body)
        connectors: list[Connector] = []
        jobs: list[RouteJob] = []
        conn_ends: list[tuple[Point, Dir]] = []

        def port(end: _End) -> Port:
            pt, d = ends[end]
            return Port(point=pt, direction=d, shape=end_shapes[end].rect)

        for e, a_, b_ in sorted(self.local(), key=self._band_distance):
            u, v = self.flow.nodes[e.u], self.flow.nodes[e.v]
            if a_ is not None and b_ is not None:
                jobs.append(RouteJob(rank=(1.0, abs(v.row - u.row), u.row), edge=e.key,
                                     src=port((e.u, e.v, "out")), dst=port((e.u, e.v, "in")),
                                     source=e.u, target=e.v))
                continue
            forward = self.page_of[e.v] > self.page_of[e.u]
            outgoing = a_ is not None
            where = "bottom" if forward == outgoing else "top"
            c = band.place(e, e.u if outgoing else e.v, where, "out" if outgoing else "in",
                           ends[(e.u, e.v, "out" if outgoing else "in")][0])
            side: Side = ("T" if forward else "B") if outgoing else ("B" if forward else "T")
            pt, _ = port_point(c.shape, side, 0, 1)
            c_end = (pt, DOWN if forward else UP)
            conn_ends.append(c_end)
            c_port = Port(point=pt, direction=c_end[1], shape=c.shape.rect)
            conn_id = f"connector:{c.key}:{c.direction}"
            rank = (0.0, 0, len(jobs))
            if outgoing:
                jobs.append(RouteJob(rank=rank, edge=e.key, src=port((e.u, e.v, "out")),
                                     dst=c_port, source=e.u, target=conn_id))
            else:
                jobs.append(RouteJob(rank=rank, edge=e.key, src=c_port,
                                     dst=port((e.u, e.v, "in")), source=conn_id, target=e.v))
            connectors.append(c)
        return connectors, jobs, conn_ends

    # ------------------------------------------------------------------ furniture
    def furniture(self, number: int) -> list[TextBox]:
        """The page number at the top and the footer at the bottom, as the options ask."""
        opts = self.opts
        pw, ph = opts.page_size()
        left, right = self.cols.x[0], self.cols.x[-1]
        out = []
        if opts.page_numbers and not self.below_identity:
            label = f"- {number} -"
            w = fonts.metrics().width(label, opts.font_size) + 2
            out.append(TextBox(rect=Rect(x=pw / 2 - w / 2, y=self.sheet.table_top - 14, w=w,
                                         h=fonts.metrics().line_height(opts.font_size)),
                               lines=(label,), size=opts.font_size, align="center",
                               role="page-number"))
        if opts.footer:
            fh = fonts.metrics().line_height(6.5)
            out.append(TextBox(rect=Rect(x=left, y=ph - opts.margin + 4, w=right - left, h=fh),
                               lines=(opts.footer,), size=6.5, role="footer"))
        return out


class _ConnectorBand:
    """Places the off-page connectors of one page in the bands above and below its body."""

    def __init__(self, page: PageBuilder, body: _Body) -> None:
        self.page = page
        self.body = body
        self.placed: list[Rect] = []

    def _spot(self, lane: int, want: float, cy: float) -> float | None:
        """The free x nearest ``want`` for a connector in ``lane``, if any."""
        ll, lr = self.page.cols.lane(lane)
        lo, hi = ll + CONN_W / 2 + 1, lr - CONN_W / 2 - 1
        n_pos = max(1, int((hi - lo) // (CONN_W + 9)) + 1)
        spots = [lo + (hi - lo) * i / max(n_pos - 1, 1) for i in range(n_pos)]
        for cand in sorted([min(max(want, lo), hi), *spots], key=lambda c: abs(c - want)):
            rect = Rect(x=cand - CONN_W / 2, y=cy, w=CONN_W, h=CONN_H)
            if not any(rect.inflate(4.4).overlaps(r) for r in self.placed):
                return cand
        return None

    def place(self, e: Edge, node: str, where: str, direction: Literal["out", "in"],
              port: Point) -> Connector:
        """The connector of ``e`` at the ``where`` band, in the lane of the shape it attaches
        to and lined up with its port; a crowded lane spills to the nearest lane."""
        page = self.page
        cols = page.cols
        home = page.flow.nodes[node].lanes[0]
        side = page.sheet.ports[e.key][0 if direction == "out" else 1]
        cy = (self.body.top + 3) if where == "top" else (self.body.bottom + 4)
        for lane in sorted(range(cols.n_lanes), key=lambda k: (abs(k - home), k)):
            ll, lr = cols.lane(lane)
            want = {"L": ll, "R": lr}.get(side, port[0]) if lane == home else (ll + lr) / 2
            cx = self._spot(lane, want, cy)
            if cx is not None:
                break
        else:
            raise ConnectorRoomError(page.p + 1)
        rect = Rect(x=cx - CONN_W / 2, y=cy, w=CONN_W, h=CONN_H)
        self.placed.append(rect)
        cell = Rect(x=ll, y=self.body.top if where == "top" else self.body.bottom, w=lr - ll,
                    h=CONN_BAND)
        letter = page.sheet.cross.letters[e.key]
        return Connector(
            shape=Shape(kind="offpage", rect=rect, lane=lane, text=letter,
                        size=page.opts.label_font_size, cell=cell),
            key=page.sheet.cross.keys[e.key], letter=letter, direction=direction, edge=e.key,
        )
