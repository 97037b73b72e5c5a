"""BPMN 2.0 export: the structure the standard requires, a real BPMN parser, and its DI."""

from __future__ import annotations

import itertools
import runpy
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import event, given, settings
from lxml import etree
from sopfactory import new_sop
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from strategies import build, sop_specs

import sopflow
from sopflow.graph import START_NODE
from sopflow.interchange.bpmn import BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, to_bpmn
from sopflow.procedure import Procedure

ROOT = Path(__file__).resolve().parent.parent
# The examples that define an SOP (others run, simulate or render them).
EXAMPLES = sorted(
    p for p in (ROOT / "examples").glob("*.py") if "\nsop = SOP(" in p.read_text(encoding="utf-8")
)
NS = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS}
FLOW_NODES = ("startEvent", "endEvent", "task", "userTask", "exclusiveGateway")


def example(name: str) -> Procedure:
    sop: sopflow.SOP = runpy.run_path(str(ROOT / "examples" / f"{name}.py"))["sop"]
    return sop.compile()


def check_structure(xml: str, procedure: Procedure) -> ET.Element:
    """Everything the standard and the BPMN tools need, checked on the XML alone."""
    root = ET.fromstring(xml)
    ids = [e.get("id") for e in root.iter() if e.get("id") is not None]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    process = root.find("bpmn:process", NS)
    assert process is not None
    participant = root.find("bpmn:collaboration/bpmn:participant", NS)
    assert participant is not None and participant.get("processRef") == process.get("id")

    nodes = {e.get("id"): e for tag in FLOW_NODES for e in process.findall(f"bpmn:{tag}", NS)}
    flows = {e.get("id"): e for e in process.findall("bpmn:sequenceFlow", NS)}
    incoming: dict[str, set[str]] = {n: set() for n in nodes}
    outgoing: dict[str, set[str]] = {n: set() for n in nodes}
    for flow_id, flow in flows.items():
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        assert source in nodes and target in nodes, flow_id
        outgoing[str(source)].add(str(flow_id))
        incoming[str(target)].add(str(flow_id))
    for node_id, node in nodes.items():
        assert {e.text for e in node.findall("bpmn:incoming", NS)} == incoming[str(node_id)]
        assert {e.text for e in node.findall("bpmn:outgoing", NS)} == outgoing[str(node_id)]

    # Events: one start without incoming flows; one end per end capsule, without outgoing.
    starts = process.findall("bpmn:startEvent", NS)
    assert len(starts) == 1 and not incoming[str(starts[0].get("id"))]
    ends = process.findall("bpmn:endEvent", NS)
    assert len(ends) == len(procedure.ends)
    assert all(not outgoing[str(e.get("id"))] for e in ends)
    # Every decision: a gateway whose outgoing flows are named by the exit labels.
    all_gateways = process.findall("bpmn:exclusiveGateway", NS)
    gateways = [g for g in all_gateways if not str(g.get("id")).startswith("Join_")]
    # A decision whose exits all lead to one place does not fork: no gateway, one plain flow.
    # ("Back to Mulai" is the first step again: the start event has no incoming flow.)
    graph = procedure.graph
    first = next(iter(graph.succ[START_NODE]), None)

    def places(step: str) -> set[str]:
        return {first if t == START_NODE else t for t in graph.succ[step]}

    decisions = [s for s in procedure.steps if s.kind is sopflow.StepKind.DECISION
                 and len(places(s.id)) >= 2]
    # A task entered by several flows has a joining gateway in front of it, and only then.
    for join in (g for g in all_gateways if str(g.get("id")).startswith("Join_")):
        (out,) = outgoing[str(join.get("id"))]
        assert len(incoming[str(join.get("id"))]) >= 2
        assert str(flows[out].get("targetRef")).startswith("Activity_")
    for node_id in nodes:
        if str(node_id).startswith("Activity_"):
            assert len(incoming[str(node_id)]) <= 1, node_id
    assert len(gateways) == len(decisions)
    for gateway, step in zip(gateways, decisions, strict=True):
        names = sorted(str(flows[f].get("name")) for f in outgoing[str(gateway.get("id"))])
        labels = {e.label for e in step.exits if e.label}
        assert set(" / ".join(names).split(" / ")) == labels
    tasks = process.findall("bpmn:task", NS) + process.findall("bpmn:userTask", NS)
    assert len(tasks) == len(procedure.steps)

    # Lanes: one per actor, in order; every flow node in exactly one lane.
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    assert [lane.get("name") for lane in lanes] == [a.name for a in procedure.actors]
    refs = [r.text for lane in lanes for r in lane.findall("bpmn:flowNodeRef", NS)]
    assert sorted(map(str, refs)) == sorted(map(str, nodes))

    # Diagram interchange: a shape with bounds for every lane, node and the pool; an edge
    # with two or more orthogonal waypoints for every flow, starting and ending on its shapes.
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane is not None
    shapes = {s.get("bpmnElement"): s.find("dc:Bounds", NS)
              for s in plane.findall("bpmndi:BPMNShape", NS)}
    for element_id in [*nodes, *(lane.get("id") for lane in lanes), participant.get("id")]:
        assert shapes.get(element_id) is not None, element_id
    edges = {e.get("bpmnElement"): e for e in plane.findall("bpmndi:BPMNEdge", NS)}
    assert set(flows) <= set(edges)

    def box(element_id: str) -> tuple[float, float, float, float]:
        bounds = shapes[element_id]
        assert bounds is not None
        x, y = float(bounds.get("x", 0)), float(bounds.get("y", 0))
        return x, y, x + float(bounds.get("width", 0)), y + float(bounds.get("height", 0))

    def on_border(point: tuple[float, float], element_id: str) -> bool:
        x0, y0, x1, y1 = box(element_id)
        x, y = point
        inside = x0 <= x <= x1 and y0 <= y <= y1
        round_shape = element_id.startswith(("Gateway", "StartEvent", "EndEvent"))
        return inside and (x in (x0, x1) or y in (y0, y1) or round_shape)

    for flow_id, flow in flows.items():
        points = [(float(p.get("x", 0)), float(p.get("y", 0)))
                  for p in edges[flow_id].findall("di:waypoint", NS)]
        assert len(points) >= 2
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            assert ax == bx or ay == by, (flow_id, points)  # orthogonal
        assert on_border(points[0], str(flow.get("sourceRef"))), (flow_id, points)
        assert on_border(points[-1], str(flow.get("targetRef"))), (flow_id, points)
    # Every node sits inside its lane's band.
    for lane in lanes:
        lx0, ly0, lx1, ly1 = box(str(lane.get("id")))
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            x0, y0, x1, y1 = box(str(ref.text))
            assert lx0 <= x0 and x1 <= lx1 and ly0 <= y0 and y1 <= ly1, ref.text
    return root


def parse_with_spiff(xml: str) -> Any:
    """Load the XML with SpiffWorkflow: schema validation (XSD) and its BPMN parser."""
    parser = BpmnParser(validator=BpmnValidator())
    parser.add_bpmn_xml(etree.fromstring(xml.encode("utf-8")), filename="sop.bpmn")
    (process_id,) = parser.get_process_ids()
    return parser.get_spec(process_id)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_have_the_required_structure_and_parse(path: Path) -> None:
    procedure = example(path.stem)
    check_structure(to_bpmn(procedure), procedure)
    spec = parse_with_spiff(to_bpmn(procedure, executable="spiff"))
    tasks = {name for name, t in spec.task_specs.items() if type(t).__name__ == "UserTask"}
    assert len(tasks) == len(procedure.steps)


def test_default_export_passes_the_bpmn_xsd() -> None:
    parser = BpmnParser(validator=BpmnValidator())
    xml = to_bpmn(example("izin_cuti"))
    parser.add_bpmn_xml(etree.fromstring(xml.encode("utf-8")), filename="sop.bpmn")
    # Not executable by default: engines leave it alone, modelers display it.
    assert parser.get_process_ids() == []


def test_joint_activity_sits_in_the_first_actor_lane_and_names_the_others() -> None:
    procedure = example("izin_cuti")
    root = ET.fromstring(to_bpmn(procedure))
    task = root.find(".//bpmn:task[@id='Activity_saldo']", NS)
    assert task is not None
    assert "Dilaksanakan bersama: Kasubbag Kepegawaian, Kepala Bagian Umum" in str(
        task.findtext("bpmn:documentation", namespaces=NS))
    lane = root.find(".//bpmn:lane[bpmn:flowNodeRef='Activity_saldo']", NS)
    assert lane is not None and lane.get("name") == "Kasubbag Kepegawaian"
    association = root.find(".//bpmn:association[@sourceRef='Activity_saldo']", NS)
    assert association is not None
    note = root.find(f".//bpmn:textAnnotation[@id='{association.get('targetRef')}']", NS)
    assert note is not None and note.findtext("bpmn:text", namespaces=NS) == \
        "Bersama: Kepala Bagian Umum"


def test_mutu_baku_is_in_the_task_documentation() -> None:
    root = ET.fromstring(to_bpmn(example("pengumpulan_data_kinerja")))
    doc = root.findtext(".//bpmn:task[@id='Activity_s7']/bpmn:documentation", namespaces=NS)
    assert doc is not None
    assert "Waktu: 120 hari" in doc and "Output: Lembar disposisi" in doc
    assert "Kelengkapan: Data laporan kinerja triwulan" in doc


def run_in_spiff(procedure: Procedure, choices: dict[str, list[str]]) -> list[str]:
    """Walk the exported process in SpiffWorkflow, choosing exit labels in order."""
    workflow = BpmnWorkflow(parse_with_spiff(to_bpmn(procedure, executable="spiff")))
    workflow.do_engine_steps()
    visited = []
    for _ in range(200):
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            break
        task = ready[0]
        step = task.task_spec.name.removeprefix("Activity_")
        visited.append(step)
        if step in choices:
            task.data[f"keputusan_{step}"] = choices[step].pop(0)
        task.run()
        workflow.do_engine_steps()
    assert workflow.is_completed()
    return visited


def test_the_bpmn_process_runs_the_same_paths_as_the_sop() -> None:
    procedure = example("izin_cuti")
    loop_and_correction = run_in_spiff(procedure, {
        "s3": ["Tidak Lengkap", "Lengkap"], "s5": ["Ya"], "s7": ["Tidak"]})
    assert loop_and_correction == ["s1", "serahkan", "s3", "serahkan", "s3", "saldo", "s5",
                                   "konsep", "s7", "perbaiki", "tandatangani", "s10"]
    refused = run_in_spiff(procedure, {"s3": ["Lengkap"], "s5": ["Tidak"]})
    assert refused == ["s1", "serahkan", "s3", "saldo", "s5"]


def test_invalid_sop_is_refused() -> None:
    sop = sopflow.SOP("Rusak")
    sop.actor("Staf")
    sop.step("Memeriksa berkas", by="Staf", then="nope")
    with pytest.raises(sopflow.SOPValidationError, match="unknown step 'nope'"):
        to_bpmn(sop.compile(strict=False))


def test_ids_are_ncnames_even_for_odd_step_ids() -> None:
    sop = new_sop("Aneh")
    staf = sop.actor("Staf & Co <x>")
    sop.step("Memeriksa", by=staf, id="1 langkah/é")
    sop.step("Memeriksa lagi", by=staf, id="1 langkah_é")
    procedure = sop.compile()
    xml = to_bpmn(procedure)
    check_structure(xml, procedure)
    parse_with_spiff(xml.replace('isExecutable="false"', 'isExecutable="true"'))


@settings(max_examples=40)
@given(sop_specs(max_steps=10, max_lanes=4, dead_ends=False))
def test_random_sops_export_valid_bpmn(spec: dict[str, Any]) -> None:
    procedure = build(spec).compile(strict=False)
    if not procedure.report.ok:
        with pytest.raises(sopflow.SOPValidationError):
            to_bpmn(procedure)
        # Unreachable steps, dead ends and one-exit decisions do not break the BPMN
        # structure: check the export on them too, with the report cleared.
        codes = {f.code for f in procedure.report.errors}
        event("valid" if codes <= {"E006", "E007", "E008"} else "other errors")
        if not codes <= {"E006", "E007", "E008"}:
            return
        procedure = attrs.evolve(procedure, report=sopflow.Report(sop="x", findings=()))
    else:
        event("valid")
    check_structure(to_bpmn(procedure), procedure)
    parse_with_spiff(to_bpmn(procedure, executable="spiff"))


def test_exits_to_the_first_step_and_back_to_mulai_are_one_flow() -> None:
    # "Back to Mulai" is the first step again in BPMN: two exits reaching one node must give
    # one flow with both labels (no duplicate flow), and no gateway when that is the only place.
    sop = new_sop()
    staf = sop.actor("Staf")
    sop.decision("Apakah berkas lengkap?", by=staf, yes="s2", no=sopflow.END)
    sop.decision("Apakah perlu diulang?", by=staf,
                 exits={"Ulang": "s1", "Dari awal": sopflow.START})
    root = ET.fromstring(to_bpmn(sop.compile(strict=False)))
    flows = root.findall(f".//{{{BPMN_NS}}}sequenceFlow")
    pairs = Counter((f.get("sourceRef"), f.get("targetRef")) for f in flows)
    assert max(pairs.values()) == 1
    gateways = {g.get("id") for g in root.findall(f".//{{{BPMN_NS}}}exclusiveGateway")}
    assert not any("s2" in g and "Join" not in g for g in gateways)
    names = {f.get("name") for f in flows}
    assert not {"Ulang", "Dari awal"} <= names  # carried together or by no gateway at all
