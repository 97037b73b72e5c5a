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
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from sopflow.interchange.bpmn_layout import Box, Flow, Node, lay_out, task_size

if TYPE_CHECKING:
    from sopflow.procedure import Procedure

__all__ = ["BPMN_NS", "to_bpmn"]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
MODELER_NS = "http://camunda.org/schema/modeler/1.0"

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


#: The engines an executable export is written for; each reads its own condition language.
ENGINES = ("camunda", "spiff")


def _engine(executable: bool | str) -> str | None:
    if executable is False:
        return None
    if executable is True:
        return "camunda"
    if executable in ENGINES:
        return str(executable)
    raise ValueError(
        f"executable must be True, False or one of {', '.join(map(repr, ENGINES))}, "
        f"got {executable!r}"
    )


def _feel_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _condition(engine: str, step: str, labels: tuple[str | None, ...]) -> str:
    """The condition a gateway flow carries: the decision variable equals one of its labels."""
    variable = "keputusan_" + re.sub(r"\W", "_", step, flags=re.ASCII)
    values = [lb or "" for lb in labels]
    if engine == "spiff":
        return f"{variable} in {tuple(values)!r}"
    if len(values) == 1:
        return f"={variable} = {_feel_string(values[0])}"
    return f"=list contains([{', '.join(map(_feel_string, values))}], {variable})"


def to_bpmn(procedure: Procedure, *, executable: bool | Literal["camunda", "spiff"] = False
            ) -> str:
    """The BPMN 2.0 XML of ``procedure`` (a ``bpmn:definitions`` document, UTF-8).

    An SOP is carried out by people, so by default the process is not executable: its tasks
    are plain tasks and the gateways' flows carry only their labels as names. ``executable``
    writes a process an engine can deploy: every step becomes a user task (a wait state, so
    a loop back for corrections is not an endless loop), and each gateway flow gets a
    condition over the variable ``keputusan_<step id>``, which whoever completes the
    decision's task sets to the chosen label. ``"camunda"`` (or ``True``) writes FEEL for
    Camunda 8 (``=keputusan_s7 = "Ya"``); ``"spiff"`` writes the Python SpiffWorkflow
    evaluates (``keputusan_s7 in ('Ya',)``).

    Raises :class:`sopflow.validate.SOPValidationError` when the SOP has validation errors:
    a BPMN tool would reject the dangling flows an unknown step or actor leaves.
    """
    from sopflow.procedure import require_procedure
    from sopflow.validate import SOPValidationError

    require_procedure(procedure, "to_bpmn")
    engine = _engine(executable)
    if not procedure.report.ok:
        raise SOPValidationError(procedure.report)
    for prefix, ns in (("bpmn", BPMN_NS), ("bpmndi", BPMNDI_NS), ("dc", DC_NS), ("di", DI_NS),
                       ("xsi", XSI_NS), ("zeebe", ZEEBE_NS),
                       ("modeler", MODELER_NS)):
        ET.register_namespace(prefix, ns)
    ids = _Ids()
    nodes, flows, conditions = _model(procedure, ids, engine)
    lanes = list(procedure.graph.graph["lanes"])
    layout = lay_out(lanes, nodes, flows)
    root = _xml(procedure, ids, engine, nodes, flows, conditions)
    _diagram(root, ids, layout, nodes, flows)
    ET.indent(root, space="  ")
    from sopflow._xmltext import xml_safe

    return xml_safe(ET.tostring(root, encoding="unicode", xml_declaration=True)) + "\n"


def _model(procedure: Procedure, ids: _Ids, engine: str | None
           ) -> tuple[dict[str, Node], list[Flow], dict[str, str]]:
    """The flow nodes (with their sizes) and sequence flows, and each gateway flow's
    condition. A task entered by two or more flows gets a joining gateway in front of it
    (BPMN reads several flows into a task as "no join"; bpmnlint's fake-join)."""
    from sopflow.graph import END_PREFIX, START_NODE, NodeKind

    graph = procedure.graph
    nodes: dict[str, Node] = {}
    entry: dict[str, str] = {}
    exit_: dict[str, str] = {}
    first = str(next(iter(graph.succ[START_NODE]))) if START_NODE in graph else ""
    for node, data in graph.nodes(data=True):
        lane = str(data["lane"])
        kind = NodeKind(data["kind"])
        if kind is NodeKind.START:
            node_id = ids.new("StartEvent")
            nodes[node_id] = Node(node_id, "start", lane, 0, str(first), name=str(data["text"]),
                                  box=Box(0, 0, 36, 36))
        elif kind is NodeKind.END:
            step = str(node)[len(END_PREFIX):]
            node_id = ids.new("EndEvent", step)
            nodes[node_id] = Node(node_id, "end", lane, graph.nodes[step]["row"], step,
                                  name=str(data["text"]), box=Box(0, 0, 36, 36))
        else:
            node_id = ids.new("Activity", str(node))
            w, h = task_size(str(data["text"]))
            others = ", ".join(data["lanes"][1:])
            nodes[node_id] = Node(node_id, "task", lane, data["row"], str(node),
                                  name=str(data["text"]), box=Box(0, 0, w, h),
                                  annotation=f"Bersama: {others}" if others else "")
            # a gateway only where the exits reach two BPMN nodes ("back to Mulai" is the
            # first step again)
            reached = {first if t == START_NODE else t for t in graph.succ[node]}
            if kind is NodeKind.DECISION and len(reached) >= 2:
                gateway_id = ids.new("Gateway", str(node))
                text = str(data["text"])
                name = data.get("question") or (text if text.rstrip().endswith("?") else "")
                if not name:  # a gateway that forks needs a name: the choice it makes
                    words = [lb for _s, _t, e in graph.out_edges(node, data=True)
                             for lb in e.get("labels", (e["label"],)) if lb]
                    name = " / ".join(words) + "?" if words else "?"
                nodes[gateway_id] = Node(gateway_id, "gateway", lane, data["row"], str(node),
                                         name=str(name), box=Box(0, 0, 50, 50))
                exit_[str(node)] = gateway_id
        entry[str(node)] = node_id
        exit_.setdefault(str(node), node_id)
    flows: list[Flow] = []
    conditions: dict[str, str] = {}
    for node in graph.nodes:
        if exit_[node] != entry[node]:  # a decision's task leads to its gateway
            flows.append(Flow(ids.new("Flow", f"{node}_gateway"), entry[node], exit_[node]))
    # exits of one step that reach one BPMN node (a step and "back to Mulai", which leads to
    # that same first step) become one flow carrying all their labels: BPMN has no duplicates
    made: dict[tuple[str, str], tuple[Flow, tuple[str | None, ...]]] = {}
    for source, target, data in sorted(graph.edges(data=True),
                                       key=lambda e: (graph.nodes[e[0]]["row"], e[2]["order"])):
        labels = tuple(data.get("labels", (data["label"],)))
        if target == START_NODE:  # back to "Mulai": the start event leads to the first step
            target = first
        forks = exit_[source] != entry[source]  # through a gateway: labelled, conditional
        earlier = made.get((source, target))
        if earlier is not None:
            flow, labels = earlier[0], earlier[1] + labels
        else:
            flow = Flow(ids.new("Flow", f"{source}_{target}"), exit_[source], entry[target])
            flows.append(flow)
        made[(source, target)] = (flow, labels)
        flow.name = (" / ".join(lb for lb in labels if lb) or None) if forks else None
        if engine is not None and forks:
            conditions[flow.id] = _condition(engine, str(source), labels)
    _joins(nodes, flows, ids)
    return nodes, flows, conditions


def _joins(nodes: dict[str, Node], flows: list[Flow], ids: _Ids) -> None:
    incoming: dict[str, list[Flow]] = {}
    for flow in flows:
        incoming.setdefault(flow.target, []).append(flow)
    for target, into in incoming.items():
        task = nodes[target]
        if task.slot != "task" or len(into) < 2:
            continue
        join_id = ids.new("Join", task.step)
        nodes[join_id] = Node(join_id, "merge", task.lane, task.column, task.step,
                              box=Box(0, 0, 50, 50))
        for flow in into:
            flow.target = join_id
        flows.append(Flow(ids.new("Flow", f"{task.step}_join"), join_id, target))


def _xml(procedure: Procedure, ids: _Ids, engine: str | None, nodes: dict[str, Node],
         flows: list[Flow], conditions: dict[str, str]) -> ET.Element:
    definition = procedure.definition
    graph = procedure.graph
    root = ET.Element(_q(BPMN_NS, "definitions"), {
        "id": ids.new("Definitions"),
        "targetNamespace": "https://sopflow.invalid/bpmn",
        "exporter": "sopflow",
    })
    if engine == "camunda":  # Camunda Modeler then opens it as a Camunda 8 diagram
        root.set(_q(MODELER_NS, "executionPlatform"), "Camunda Cloud")
        root.set(_q(MODELER_NS, "executionPlatformVersion"), "8.6.0")
    collaboration = _sub(root, "collaboration", id=ids.new("Collaboration"))
    process_id = ids.new("Process", definition.identity.number or definition.name)
    _sub(collaboration, "participant", id=ids.new("Participant"), name=procedure.name,
         processRef=process_id)
    process = _sub(root, "process", id=process_id, name=procedure.name,
                   isExecutable="true" if engine else "false")
    identity = definition.identity
    _documentation(process, "\n".join(
        part for part in (
            f"Nomor SOP: {identity.number}" if identity.number else "",
            " / ".join(identity.unit),
            f"Tanggal Efektif: {identity.effective.isoformat()}" if identity.effective else "",
        ) if part
    ))
    lane_set = _sub(process, "laneSet", id=ids.new("LaneSet"))
    lane_elements = {
        name: _sub(lane_set, "lane", id=ids.new("Lane", str(i + 1)), name=name)
        for i, name in enumerate(graph.graph["lanes"])
    }
    tags = {"start": "startEvent", "end": "endEvent", "task": "userTask" if engine else "task",
            "gateway": "exclusiveGateway", "merge": "exclusiveGateway"}
    elements: dict[str, ET.Element] = {}
    for node in nodes.values():
        attrib = {"name": node.name} if node.name else {}
        element = elements[node.id] = _sub(process, tags[node.slot], id=node.id, **attrib)
        if node.slot == "task":
            _documentation(element, _mutu_baku(graph.nodes[node.step]))
            if engine == "camunda":  # a Camunda user task (Tasklist), not a job worker's
                ET.SubElement(_sub(element, "extensionElements"), _q(ZEEBE_NS, "userTask"))
        _sub(lane_elements[node.lane], "flowNodeRef").text = node.id
    for flow in flows:
        _sub(elements[flow.target], "incoming").text = flow.id
    for flow in flows:
        _sub(elements[flow.source], "outgoing").text = flow.id
    for element in elements.values():  # the schema's order: incoming before outgoing
        children = list(element)
        order = {"documentation": 0, "extensionElements": 1, "incoming": 2, "outgoing": 3}
        children.sort(key=lambda c: order.get(c.tag.rsplit("}", 1)[-1], 3))
        for child in children:
            element.remove(child)
        element.extend(children)
    for flow in flows:
        attrib = {"sourceRef": flow.source, "targetRef": flow.target}
        if flow.name:
            attrib["name"] = flow.name
        element = _sub(process, "sequenceFlow", id=flow.id, **attrib)
        if flow.id in conditions:
            expression = ET.SubElement(element, _q(BPMN_NS, "conditionExpression"),
                                       {_q(XSI_NS, "type"): "bpmn:tFormalExpression"})
            expression.text = conditions[flow.id]
    for node in nodes.values():
        if node.annotation:
            annotation = _sub(process, "textAnnotation", id=ids.new("TextAnnotation", node.id))
            _sub(annotation, "text").text = node.annotation
            _sub(process, "association", id=ids.new("Association", node.id),
                 sourceRef=node.id, targetRef=annotation.get("id", ""))
    return root


def _diagram(root: ET.Element, ids: _Ids, layout: Any, nodes: dict[str, Node],
             flows: list[Flow]) -> None:
    collaboration = root.find(_q(BPMN_NS, "collaboration"))
    process = root.find(_q(BPMN_NS, "process"))
    assert collaboration is not None and process is not None
    participant = collaboration.find(_q(BPMN_NS, "participant"))
    assert participant is not None
    diagram = _sub(root, "BPMNDiagram", BPMNDI_NS, id=ids.new("BPMNDiagram"))
    plane = _sub(diagram, "BPMNPlane", BPMNDI_NS, id=ids.new("BPMNPlane"),
                 bpmnElement=collaboration.get("id", ""))

    def bounds(parent: ET.Element, box: Box) -> None:
        _sub(parent, "Bounds", DC_NS, x=_num(box.x), y=_num(box.y), width=_num(box.w),
             height=_num(box.h))

    def shape(element_id: str, box: Box, label: Box | None = None, **attrib: str) -> None:
        di = _sub(plane, "BPMNShape", BPMNDI_NS, id=ids.new("DI", element_id),
                  bpmnElement=element_id, **attrib)
        bounds(di, box)
        if label is not None:
            bounds(_sub(di, "BPMNLabel", BPMNDI_NS), label)

    def edge(element_id: str, points: Iterable[tuple[float, float]],
             label: Box | None = None) -> None:
        di = _sub(plane, "BPMNEdge", BPMNDI_NS, id=ids.new("DI", element_id),
                  bpmnElement=element_id)
        for x, y in points:
            _sub(di, "waypoint", DI_NS, x=_num(x), y=_num(y))
        if label is not None:
            bounds(_sub(di, "BPMNLabel", BPMNDI_NS), label)

    shape(participant.get("id", ""), layout.pool, isHorizontal="true")
    lane_ids = {lane.get("name"): lane.get("id", "") for lane in process.iter(_q(BPMN_NS, "lane"))}
    for name, box in layout.lanes.items():
        shape(lane_ids[name], box, isHorizontal="true")
    for node in nodes.values():
        extra = {"isMarkerVisible": "true"} if node.slot in ("gateway", "merge") else {}
        shape(node.id, node.box, node.label, **extra)
    for association in process.iter(_q(BPMN_NS, "association")):
        node = nodes[association.get("sourceRef", "")]
        assert node.note_box is not None
        shape(association.get("targetRef", ""), node.note_box)
        edge(association.get("id", ""), [(node.box.x + 20, node.box.y),
                                         (node.box.x + 20, node.note_box.bottom)])
    for flow in flows:
        edge(flow.id, flow.points, flow.label)


def _num(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"
