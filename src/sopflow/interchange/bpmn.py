"""BPMN 2.0 XML export with diagram interchange (BPMNDI), for bpmn.io and Camunda Modeler.

Mapping (documented in ``docs/howto-bpmn.md``):

- the SOP is one pool (participant) whose process has one lane per actor (Pelaksana);
- the start capsule (Mulai) is a start event, every end capsule (Selesai) an end event;
- a process row is a task; a decision row is a task (the work, with its Mutu Baku) followed by
  an exclusive gateway whose outgoing sequence flows carry the exit labels ("Ya", "Tidak",
  ...) as their names;
- an exit back to the start leads to the first step (a start event cannot have incoming
  flows);
- a joint activity sits in its first actor's lane; the other actors are named in its
  documentation and in a text annotation attached to it (a flow node can belong to one lane
  only);
- Kelengkapan, Waktu, Output and Keterangan go into each task's documentation.

The diagram is laid out on a grid: lanes are horizontal bands, rows are columns left to right
(one column per row of the SOP table), and every sequence flow is an orthogonal polyline.
Written with the standard library's ElementTree.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from sopflow.procedure import Procedure

__all__ = ["BPMN_NS", "to_bpmn"]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# Grid (pixels): pool and lane headers, column width, lane height and shape sizes.
_POOL_X, _POOL_Y, _HEADER = 100, 80, 30
_COL, _LANE_H, _FIRST_COL_X = 240, 200, _POOL_X + 2 * _HEADER + 30
_TASK_W, _TASK_H, _TASK_DY = 100, 80, 40
_GW, _GW_DX, _EVENT = 50, 140, 36
_END_DY = 140


@attrs.frozen
class _Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


def _ncname(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", text)
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else "_" + cleaned


class _Ids:
    """Unique XML ids (NCNames) derived from the SOP's own ids, so they stay recognisable."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def new(self, prefix: str, name: str = "") -> str:
        base = _ncname(f"{prefix}_{name}" if name else prefix)
        candidate, n = base, 2
        while candidate in self.used:
            candidate, n = f"{base}_{n}", n + 1
        self.used.add(candidate)
        return candidate


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _sub(parent: ET.Element, tag: str, ns: str = BPMN_NS, **attrib: str) -> ET.Element:
    return ET.SubElement(parent, _q(ns, tag), attrib)


def _documentation(parent: ET.Element, text: str) -> None:
    if text:
        _sub(parent, "documentation").text = text


def _mutu_baku(data: dict[str, Any]) -> str:
    lines = [f"Baris {data['row']}"]
    if len(data["lanes"]) > 1:
        lines.append("Dilaksanakan bersama: " + ", ".join(data["lanes"]))
    if data["inputs"]:
        lines.append("Kelengkapan: " + "; ".join(data["inputs"]))
    if data["waktu"].text:
        lines.append(f"Waktu: {data['waktu'].text}")
    if data["output"]:
        lines.append(f"Output: {data['output']}")
    if data["note"]:
        lines.append(f"Keterangan: {data['note']}")
    return "\n".join(lines)


def to_bpmn(procedure: Procedure, *, executable: bool = False) -> str:
    """The BPMN 2.0 XML of ``procedure`` (a ``bpmn:definitions`` document, UTF-8).

    ``executable`` sets the process's ``isExecutable`` flag. An SOP is carried out by people,
    so it is off by default, and the gateways' flows carry only their labels as names. With
    ``executable=True`` (engines such as SpiffWorkflow load only executable processes) each
    gateway flow also gets a Python condition over the variable ``keputusan_<step id>``,
    which the engine's user sets to the chosen label: ``keputusan_s7 in ('Ya',)``.

    Raises :class:`sopflow.validate.SOPValidationError` when the SOP has validation errors:
    a BPMN tool would reject the dangling flows an unknown step or actor leaves.
    """
    from sopflow.graph import END_PREFIX, START_NODE
    from sopflow.procedure import require_procedure
    from sopflow.validate import SOPValidationError

    require_procedure(procedure, "to_bpmn")
    if not procedure.report.ok:
        raise SOPValidationError(procedure.report)
    graph = procedure.graph
    definition = procedure.definition
    for prefix, ns in (("bpmn", BPMN_NS), ("bpmndi", BPMNDI_NS), ("dc", DC_NS), ("di", DI_NS),
                       ("xsi", XSI_NS)):
        ET.register_namespace(prefix, ns)

    ids = _Ids()
    root = ET.Element(_q(BPMN_NS, "definitions"), {
        "id": ids.new("Definitions"),
        "targetNamespace": "https://sopflow.invalid/bpmn",
        "exporter": "sopflow",
    })
    collaboration = _sub(root, "collaboration", id=ids.new("Collaboration"))
    process_id = ids.new("Process", definition.identity.number or definition.name)
    participant = _sub(collaboration, "participant", id=ids.new("Participant"),
                       name=procedure.name, processRef=process_id)
    process = _sub(root, "process", id=process_id, name=procedure.name,
                   isExecutable="true" if executable else "false")
    identity = definition.identity
    _documentation(process, "\n".join(
        part for part in (
            f"Nomor SOP: {identity.number}" if identity.number else "",
            " / ".join(identity.unit),
            f"Tanggal Efektif: {identity.effective.isoformat()}" if identity.effective else "",
        ) if part
    ))
    lane_set = _sub(process, "laneSet", id=ids.new("LaneSet"))
    lanes = list(graph.graph["lanes"])
    lane_index = {name: i for i, name in enumerate(lanes)}
    lane_elements = {
        name: _sub(lane_set, "lane", id=ids.new("Lane", str(i + 1)), name=name)
        for i, name in enumerate(lanes)
    }

    # -- flow nodes: element id and box per graph node ("out" is where its exits leave) -----
    elements: dict[str, ET.Element] = {}
    boxes: dict[str, _Box] = {}
    columns: dict[str, int] = {}
    lane_of: dict[str, str] = {}
    entry: dict[str, str] = {}  # graph node -> element id that flows enter
    exit_: dict[str, str] = {}  # graph node -> element id that flows leave

    def lane_top(lane: str) -> float:
        return _POOL_Y + lane_index[lane] * _LANE_H

    def col_x(column: int) -> float:
        return _FIRST_COL_X + column * _COL

    def add(tag: str, node_id: str, lane: str, column: int, box: _Box, **attrib: str) -> None:
        element = _sub(process, tag, id=node_id, **attrib)
        elements[node_id], boxes[node_id], columns[node_id] = element, box, column
        lane_of[node_id] = lane
        _sub(lane_elements[lane], "flowNodeRef").text = node_id

    annotations: list[tuple[str, str, _Box, str]] = []
    for node, data in graph.nodes(data=True):
        lane = data["lane"]
        top = lane_top(lane)
        if data["kind"] == "start":
            node_id = ids.new("StartEvent")
            add("startEvent", node_id, lane, 0,
                _Box(col_x(0) + 32, top + _TASK_DY + _TASK_H / 2 - _EVENT / 2, _EVENT, _EVENT),
                name=data["text"])
            entry[node] = exit_[node] = node_id
        elif data["kind"] == "end":
            step = str(node)[len(END_PREFIX):]
            column = graph.nodes[step]["row"]
            over = _TASK_W / 2 if graph.nodes[step]["kind"] == "process" else _GW_DX + _GW / 2
            node_id = ids.new("EndEvent", step)
            add("endEvent", node_id, lane, column,
                _Box(col_x(column) + over - _EVENT / 2, top + _END_DY, _EVENT, _EVENT),
                name=data["text"])
            entry[node] = exit_[node] = node_id
        else:
            column = data["row"]
            task_id = ids.new("Activity", str(node))
            add("task", task_id, lane, column,
                _Box(col_x(column), top + _TASK_DY, _TASK_W, _TASK_H), name=data["text"])
            _documentation(elements[task_id], _mutu_baku(data))
            entry[node] = exit_[node] = task_id
            if len(data["lanes"]) > 1:
                others = ", ".join(data["lanes"][1:])
                annotations.append((task_id, f"Bersama: {others}",
                                    _Box(col_x(column) - 10, top + 121, _TASK_W + 20, 18),
                                    lane))
            if data["kind"] == "decision":
                gateway_id = ids.new("Gateway", str(node))
                text = str(data["text"])
                name = data.get("question") or (text if text.rstrip().endswith("?") else "")
                add("exclusiveGateway", gateway_id, lane, column,
                    _Box(col_x(column) + _GW_DX,
                         top + _TASK_DY + _TASK_H / 2 - _GW / 2, _GW, _GW),
                    name=name)
                exit_[node] = gateway_id

    # -- sequence flows --------------------------------------------------------------------
    # (flow id, source, target, name, condition)
    flows: list[tuple[str, str, str, str | None, str | None]] = []
    for node, data in graph.nodes(data=True):
        if data["kind"] == "decision":
            flows.append((ids.new("Flow", f"{node}_gateway"), entry[node], exit_[node], None,
                          None))
    for source, target, data in sorted(graph.edges(data=True),
                                       key=lambda e: (graph.nodes[e[0]]["row"], e[2]["order"])):
        labels = [lb for lb in data.get("labels", (data["label"],)) if lb]
        if target == START_NODE:  # back to "Mulai": the start event leads to the first step
            target = next(iter(graph.succ[START_NODE]))
        condition = None
        if executable and graph.nodes[source]["kind"] == "decision":
            variable = "keputusan_" + re.sub(r"\W", "_", str(source))
            condition = f"{variable} in {tuple(data.get('labels', (data['label'],)))!r}"
        flows.append((ids.new("Flow", f"{source}_{target}"), exit_[source], entry[target],
                      " / ".join(labels) or None, condition))

    incoming: dict[str, list[str]] = {n: [] for n in elements}
    outgoing: dict[str, list[str]] = {n: [] for n in elements}
    for flow_id, source_id, target_id, _name, _condition in flows:
        outgoing[source_id].append(flow_id)
        incoming[target_id].append(flow_id)
    for node_id, element in elements.items():
        for flow_id in incoming[node_id]:
            _sub(element, "incoming").text = flow_id
        for flow_id in outgoing[node_id]:
            _sub(element, "outgoing").text = flow_id
    for flow_id, source_id, target_id, name, condition in flows:
        attrib = {"sourceRef": source_id, "targetRef": target_id}
        if name:
            attrib["name"] = name
        flow = _sub(process, "sequenceFlow", id=flow_id, **attrib)
        if condition:
            expression = ET.SubElement(flow, _q(BPMN_NS, "conditionExpression"),
                                       {_q(XSI_NS, "type"): "bpmn:tFormalExpression"})
            expression.text = condition
    association_ids = []
    for task_id, text, _box, _lane in annotations:
        annotation_id = ids.new("TextAnnotation", task_id)
        annotation = _sub(process, "textAnnotation", id=annotation_id)
        _sub(annotation, "text").text = text
        association_id = ids.new("Association", task_id)
        _sub(process, "association", id=association_id, sourceRef=task_id,
             targetRef=annotation_id)
        association_ids.append((annotation_id, association_id))

    # -- diagram interchange ---------------------------------------------------------------
    width = _FIRST_COL_X - _POOL_X + (len(definition.steps) + 1) * _COL
    height = max(len(lanes), 1) * _LANE_H
    diagram = _sub(root, "BPMNDiagram", BPMNDI_NS, id=ids.new("BPMNDiagram"))
    plane = _sub(diagram, "BPMNPlane", BPMNDI_NS, id=ids.new("BPMNPlane"),
                 bpmnElement=collaboration.get("id", ""))

    def shape(element_id: str, box: _Box, **attrib: str) -> None:
        di = _sub(plane, "BPMNShape", BPMNDI_NS, id=ids.new("DI", element_id),
                  bpmnElement=element_id, **attrib)
        _sub(di, "Bounds", DC_NS, x=_num(box.x), y=_num(box.y), width=_num(box.w),
             height=_num(box.h))

    def edge(element_id: str, points: Iterable[tuple[float, float]], name: str | None) -> None:
        di = _sub(plane, "BPMNEdge", BPMNDI_NS, id=ids.new("DI", element_id),
                  bpmnElement=element_id)
        pts = _simplify(list(points))
        for x, y in pts:
            _sub(di, "waypoint", DI_NS, x=_num(x), y=_num(y))
        if name:
            label = _sub(di, "BPMNLabel", BPMNDI_NS)
            (x0, y0), (_x1, y1) = pts[0], pts[1]
            lx, ly = (x0 + 4, y0 - 18) if y0 == y1 else (x0 + 4, (y0 + y1) / 2 - 7)
            _sub(label, "Bounds", DC_NS, x=_num(lx), y=_num(ly),
                 width=_num(7 * len(name) + 4), height="14")

    shape(participant.get("id", ""), _Box(_POOL_X, _POOL_Y, width, height), isHorizontal="true")
    for name, element in lane_elements.items():
        shape(element.get("id", ""),
              _Box(_POOL_X + _HEADER, lane_top(name), width - _HEADER, _LANE_H),
              isHorizontal="true")
    for node_id, element in elements.items():
        gateway = element.tag == _q(BPMN_NS, "exclusiveGateway")
        extra = {"isMarkerVisible": "true"} if gateway else {}
        shape(node_id, boxes[node_id], **extra)
    for (annotation_id, association_id), (task_id, _text, box, _lane) in zip(
        association_ids, annotations, strict=True
    ):
        shape(annotation_id, box)
        edge(association_id, [(boxes[task_id].cx, boxes[task_id].bottom),
                              (boxes[task_id].cx, box.y)], None)

    router = _Router(boxes, columns, lane_of, lane_top, col_x, lane_index)
    for flow_id, source_id, target_id, name, _condition in flows:
        edge(flow_id, router.route(source_id, target_id), name)

    ET.indent(root, space="  ")
    from sopflow._xmltext import xml_safe

    return xml_safe(ET.tostring(root, encoding="unicode", xml_declaration=True)) + "\n"


def _num(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop repeated points and middle points of straight runs."""
    out: list[tuple[float, float]] = []
    for p in points:
        if out and out[-1] == p:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (ax == bx == p[0]) or (ay == by == p[1]):
                out[-1] = p
                continue
        out.append(p)
    return out if len(out) >= 2 else [points[0], points[-1]]


class _Router:
    """Orthogonal routes: forward flows through the gap before the target's column, skips
    and loops back along corridors at the bottom and top of the source's lane."""

    def __init__(self, boxes: dict[str, _Box], columns: dict[str, int],
                 lane_of: dict[str, str], lane_top: Callable[[str], float],
                 col_x: Callable[[int], float],
                 lane_index: dict[str, int]) -> None:
        self.boxes, self.columns, self.lane_of = boxes, columns, lane_of
        self.lane_top, self.col_x, self.lane_index = lane_top, col_x, lane_index
        self.forward_used: set[str] = set()
        self.top: dict[str, int] = {}
        self.bottom: dict[str, int] = {}

    def _corridor(self, lane: str, which: dict[str, int], top: bool) -> float:
        k = which.get(lane, 0) % 5
        which[lane] = k + 1
        base = self.lane_top(lane)
        return base + 8 + 4 * k if top else base + _LANE_H - 8 - 4 * k

    def route(self, source: str, target: str) -> list[tuple[float, float]]:
        s, t = self.boxes[source], self.boxes[target]
        sc, tc = self.columns[source], self.columns[target]
        lane = self.lane_of[source]
        if sc == tc and t.y >= s.bottom and abs(t.cx - s.cx) < 1:  # to its own end event
            return [(s.cx, s.bottom), (t.cx, t.y)]
        if sc == tc and t.x > s.right:  # task -> its gateway
            return [(s.right, s.cy), (t.x, t.cy)]
        gap = self.col_x(tc) - 20
        if tc > sc:
            if source not in self.forward_used:
                self.forward_used.add(source)
                if tc == sc + 1:
                    return [(s.right, s.cy), (gap, s.cy), (gap, t.cy), (t.x, t.cy)]
                after = self.col_x(sc + 1) - 20
                y = self._corridor(lane, self.bottom, top=False)
                return [(s.right, s.cy), (after, s.cy), (after, y), (gap, y), (gap, t.cy),
                        (t.x, t.cy)]
            y = self._corridor(lane, self.top, top=True)
            return [(s.cx, s.y), (s.cx, y), (gap, y), (gap, t.cy), (t.x, t.cy)]
        # backward (or into an earlier part of the same column): over the top corridor
        y = self._corridor(lane, self.top, top=True)
        x = t.x + 20 if t.w > _EVENT else t.cx
        below = self.lane_index[self.lane_of[target]] >= self.lane_index[lane]
        return [(s.cx, s.y), (s.cx, y), (x, y), (x, t.y if below else t.bottom)]
