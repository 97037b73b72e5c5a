"""The BPMN export as its users see it: the drawn geometry, bpmnlint, Camunda 8's rules and
bpmn-js (the bpmn.io viewer) in headless Chromium. The JavaScript tools are test-only npm
packages in tests/js (``npm ci --prefix tests/js``)."""

from __future__ import annotations

import itertools
import runpy
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import attrs
import pytest
from bpmn_tools import bpmnlint, open_in_bpmn_js
from corpus_sops import all_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sopfactory import new_sop
from strategies import build, sop_specs

import sopflow
from sopflow.interchange.bpmn import BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, to_bpmn
from sopflow.interchange.bpmn_layout import Box

ROOT = Path(__file__).resolve().parent.parent
NS = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS}
Segment = tuple[tuple[float, float], tuple[float, float]]


def reference() -> sopflow.Procedure:
    sop: sopflow.SOP = runpy.run_path(str(ROOT / "examples" / "pengumpulan_data_kinerja.py"))[
        "sop"]
    return sop.compile()


def examples_and_corpus() -> dict[str, sopflow.Procedure]:
    out = {"reference": reference()}
    cuti = runpy.run_path(str(ROOT / "examples" / "izin_cuti.py"))["sop"]
    out["izin_cuti"] = cuti.compile()
    for name, sop in all_corpus().items():
        procedure = sop.compile(strict=False)
        if procedure.report.ok:
            out[name] = procedure
    return out


@attrs.frozen
class Drawing:
    """The diagram as written in the DI: shape boxes, labels, and each flow's target and
    waypoints."""

    shapes: dict[str, Box]
    kinds: dict[str, str]
    labels: dict[str, Box]
    flows: dict[str, tuple[str, list[tuple[float, float]]]]
    names: dict[str, str]


def drawing(xml: str) -> Drawing:
    root = ET.fromstring(xml)
    process = root.find("bpmn:process", NS)
    assert process is not None
    kinds = {str(e.get("id")): e.tag.rsplit("}", 1)[1] for e in process}
    names = {str(e.get("id")): str(e.get("name") or "") for e in process}
    targets = {str(f.get("id")): str(f.get("targetRef"))
               for f in process.findall("bpmn:sequenceFlow", NS)}

    def box(bounds: ET.Element | None) -> Box:
        assert bounds is not None
        return Box(*(float(bounds.get(k, 0)) for k in ("x", "y", "width", "height")))

    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane is not None
    shapes, labels = {}, {}
    for di in plane.findall("bpmndi:BPMNShape", NS):
        element = str(di.get("bpmnElement"))
        shapes[element] = box(di.find("dc:Bounds", NS))
        label = di.find("bpmndi:BPMNLabel/dc:Bounds", NS)
        if label is not None:
            labels[element] = box(label)
    flows = {}
    for di in plane.findall("bpmndi:BPMNEdge", NS):
        element = str(di.get("bpmnElement"))
        label = di.find("bpmndi:BPMNLabel/dc:Bounds", NS)
        if label is not None:
            labels[element] = box(label)
        if element in targets:
            points = [(float(p.get("x", 0)), float(p.get("y", 0)))
                      for p in di.findall("di:waypoint", NS)]
            flows[element] = (targets[element], points)
    return Drawing(shapes, kinds, labels, flows, names)


def shared_stretch(a: Segment, b: Segment) -> float:
    """The length two axis-parallel segments run along each other (0 when they only cross
    or touch at a point)."""
    (ax0, ay0), (ax1, ay1) = a
    (bx0, by0), (bx1, by1) = b
    if ax0 == ax1 == bx0 == bx1:
        lo, hi = max(min(ay0, ay1), min(by0, by1)), min(max(ay0, ay1), max(by0, by1))
        return max(0.0, hi - lo)
    if ay0 == ay1 == by0 == by1:
        lo, hi = max(min(ax0, ax1), min(bx0, bx1)), min(max(ax0, ax1), max(bx0, bx1))
        return max(0.0, hi - lo)
    return 0.0


FLOW_NODE_KINDS = ("task", "userTask", "exclusiveGateway", "startEvent", "endEvent")


def check_drawing(xml: str) -> None:
    """What a reader needs: flows to different targets never run along one another, no
    label on a shape or on another label, no flow through a shape it does not touch."""
    d = drawing(xml)
    segments = {
        flow_id: list(itertools.pairwise(points)) for flow_id, (_t, points) in d.flows.items()
    }
    for (fa, (ta, _)), (fb, (tb, _)) in itertools.combinations(d.flows.items(), 2):
        if ta == tb:
            continue  # flows into one target may join on its last stretch
        for sa in segments[fa]:
            for sb in segments[fb]:
                assert shared_stretch(sa, sb) == 0, (fa, fb, sa, sb)
    nodes = {i: b for i, b in d.shapes.items() if d.kinds.get(i) in FLOW_NODE_KINDS}
    notes = {i: b for i, b in d.shapes.items() if d.kinds.get(i) == "textAnnotation"}
    for owner, label in d.labels.items():
        for node_id, box in [*nodes.items(), *notes.items()]:
            assert not label.overlaps(box), (owner, d.names.get(owner), node_id)
    for (a, la), (b, lb) in itertools.combinations(d.labels.items(), 2):
        assert not la.overlaps(lb), (a, b)
    for flow_id, (target, points) in d.flows.items():
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            seg = Box(min(x0, x1), min(y0, y1), abs(x1 - x0) or 0.01, abs(y1 - y0) or 0.01)
            for node_id, box in nodes.items():
                inner = Box(box.x + 1, box.y + 1, box.w - 2, box.h - 2)
                if node_id != target and seg.overlaps(inner):
                    # only its own source may contain the first point (a gateway's vertex)
                    assert (x0, y0) == points[0], (flow_id, node_id)


@pytest.mark.parametrize("name", list(examples_and_corpus()))
def test_examples_and_corpus_are_drawn_readably(name: str) -> None:
    procedure = examples_and_corpus()[name]
    check_drawing(to_bpmn(procedure))
    check_drawing(to_bpmn(procedure, executable=True))


def test_reference_step_7_exits_do_not_overlap() -> None:
    """The issue's case: "Ya" and "Tidak" of step 7 shared 112 px of line."""
    d = drawing(to_bpmn(reference()))
    out = [f for f in d.flows if f in ("Flow_s7_final", "Flow_s7_sosialisasi")]
    assert len(out) == 2
    (ta, pa), (tb, pb) = d.flows[out[0]], d.flows[out[1]]
    assert ta != tb
    assert all(shared_stretch(a, b) == 0 for a in itertools.pairwise(pa)
               for b in itertools.pairwise(pb))


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ/-.()", min_size=1,
                 max_size=28)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(sop_specs(max_steps=9, max_lanes=4, dead_ends=False),
       st.lists(st.lists(_WORDS, min_size=1, max_size=14).map(" ".join), min_size=9,
                max_size=9))
def test_random_sops_are_drawn_readably(spec: dict[str, Any], texts: list[str]) -> None:
    for i, step in enumerate(spec["steps"]):
        step["i"] = i
    procedure = build(spec).compile(strict=False)
    if not procedure.report.ok:
        return
    # long, odd names: the boxes and labels must grow with them
    definition = procedure.definition
    steps = tuple(
        attrs.evolve(s, text=texts[i], question=(texts[-1 - i] + "?") if s.question else None)
        for i, s in enumerate(definition.steps)
    )
    procedure = sopflow.compile_definition(attrs.evolve(definition, steps=steps),
                                           strict=False)
    check_drawing(to_bpmn(procedure))


def test_bpmnlint_recommended_rules_pass() -> None:
    for name, procedure in examples_and_corpus().items():
        assert bpmnlint(to_bpmn(procedure), {"extends": "bpmnlint:recommended"}) == [], name


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sop_specs(max_steps=8, max_lanes=3, dead_ends=False))
def test_bpmnlint_recommended_rules_pass_on_random_sops(spec: dict[str, Any]) -> None:
    """Loops, skips, back to the start, decisions whose exits meet again or all lead to one
    place: bpmnlint's recommended rules report nothing, and Camunda 8's rules accept the
    executable export (no straight-through loop)."""
    procedure = build(spec).compile(strict=False)
    if procedure.report.ok:
        assert bpmnlint(to_bpmn(procedure), {"extends": "bpmnlint:recommended"}) == []
        camunda = {"extends": ["bpmnlint:recommended",
                               "plugin:camunda-compat/camunda-cloud-8-8"]}
        reports = bpmnlint(to_bpmn(procedure, executable=True), camunda)
        assert {r["rule"] for r in reports} <= {"camunda-compat/user-task-definition"}


def test_camunda_8_rules_accept_the_executable_export() -> None:
    """Camunda Modeler's checks for Camunda 8 (Zeebe): no straight-through loop (each step is
    a user task, a wait state), FEEL conditions. The one warning left is that no form is
    attached to the user tasks, which Camunda allows (Tasklist shows the task without one)."""
    config = {"extends": ["bpmnlint:recommended", "plugin:camunda-compat/camunda-cloud-8-8"]}
    for name, procedure in examples_and_corpus().items():
        reports = bpmnlint(to_bpmn(procedure, executable="camunda"), config)
        rules = {r["rule"] for r in reports}
        assert rules <= {"camunda-compat/user-task-definition"}, (name, reports)
        assert all(r["category"] == "warn" for r in reports)
    # the check has teeth: the plain (non-user) tasks of the old export form a loop
    cuti = examples_and_corpus()["izin_cuti"]  # it loops back for a missing document
    xml = to_bpmn(cuti, executable="camunda").replace("bpmn:userTask", "bpmn:task")
    assert "camunda-compat/no-loop" in {r["rule"] for r in bpmnlint(xml, config)}


def test_feel_conditions() -> None:
    root = ET.fromstring(to_bpmn(reference(), executable=True))
    conditions = sorted(str(e.text) for e in root.iter(f"{{{BPMN_NS}}}conditionExpression"))
    assert conditions == ['=keputusan_s7 = "Tidak"', '=keputusan_s7 = "Ya"']
    sop = new_sop("Dua label")
    staf = sop.actor("Staf")
    sop.decision('Apakah "lengkap"?', by=staf, exits=[("Ya", "s2"), ('Kata "x"', "s2"),
                                                     ("Tidak", sopflow.END)])
    sop.step("Menyimpan", by=staf)
    root = ET.fromstring(to_bpmn(sop.compile(), executable="camunda"))
    conditions = sorted(str(e.text) for e in root.iter(f"{{{BPMN_NS}}}conditionExpression"))
    assert conditions == ['=keputusan_s1 = "Tidak"',
                          '=list contains(["Ya", "Kata \\"x\\""], keputusan_s1)']
    with pytest.raises(ValueError, match="camunda"):
        to_bpmn(reference(), executable="zeebe")  # type: ignore[arg-type]


def test_bpmn_js_opens_the_reference_as_drawn(tmp_path: Path) -> None:
    """bpmn-js imports it without warnings; task names wrap between words and stay inside
    their boxes; labels as drawn by the browser sit clear of every shape. The screenshot is
    kept in the test's folder for a person to look at."""
    for name, procedure in (("reference", reference()),
                            ("bps-346", all_corpus()["bps-346"].compile(strict=False))):
        xml = to_bpmn(procedure)
        seen = open_in_bpmn_js(xml, tmp_path / f"{name}.png", size=(2600, 900))
        assert seen["warnings"] == []
        elements = seen["elements"]
        shapes = {i: Box(*e["box"]) for i, e in elements.items()
                  if "box" in e and e["type"] in ("bpmn:Task", "bpmn:ExclusiveGateway",
                                                  "bpmn:StartEvent", "bpmn:EndEvent")}
        for element_id, e in elements.items():
            if e["type"] == "bpmn:Task":
                words = set(procedure.graph.nodes[element_id.removeprefix("Activity_")][
                    "text"].split())
                assert e["lines"], element_id
                for line in e["lines"]:
                    assert set(line.split()) <= words, (element_id, line)  # no word cut
                text, box = Box(*e["textBox"]), Box(*e["box"])
                assert box.x <= text.x and text.right <= box.right, (element_id, e)
                assert box.y <= text.y and text.bottom <= box.bottom, (element_id, e)
            if "label" in e and e["labelLines"]:
                label = Box(*e["label"])
                for other, box in shapes.items():
                    assert not label.overlaps(box), (element_id, e["labelLines"], other)
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000


def test_cli_executable_option(tmp_path: Path) -> None:
    from sopflow.cli import main

    example = str(ROOT / "examples" / "izin_cuti.py")
    for option, expected in ((["--executable"], '=keputusan_s3 = "Lengkap"'),
                             (["--executable", "spiff"], "keputusan_s3 in ('Lengkap',)"),
                             ([], None)):
        target = tmp_path / f"x{len(option)}.bpmn"
        assert main(["export", example, "--to", "bpmn", "-o", str(target), *option]) == 0
        text = target.read_text(encoding="utf-8")
        if expected is None:
            assert 'isExecutable="false"' in text and "conditionExpression" not in text
        else:
            assert 'isExecutable="true"' in text and expected in text.replace("&quot;", '"')
