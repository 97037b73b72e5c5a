"""The one-pass compile and the shared Waktu pass of validation report exactly what the plain
code gave: a graph built through networkx's public API, and every rule run on every row.

Random SOPs from tests/strategies.py, with their rows then varied (Waktu of every kind, empty
Mutu Baku, drafts, repeated ids, unknown actors, several actors, texts naming their actor)
so that every rule has something to find.
"""

from __future__ import annotations

import importlib
from typing import Any
from unittest import mock

import attrs
import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import build, sop_specs

from sopflow.graph import (
    END_PREFIX,
    START_NODE,
    EdgeKind,
    NodeKind,
    _add_start,
    compile_graph,
    edge_labels,
    end_node,
)
from sopflow.model import END, START, SOPDefinition, StepKind
from sopflow.waktu import parse_waktu

validation = importlib.import_module("sopflow.validate")

WAKTU = ["15 menit", "2 menit", "3 jam", "1 hari", "2 hari kerja", "3 hari kalender", "200 tahun",
         "Segera", "Triwulanan", "Sesuai kebutuhan", "", "  ", "entah kapan", "5 - 10 menit",
         "2 menit/berkas", "900 menit", "1 minggu", "40000 hari kalender", "150 menit",
         "6 menit", "1 jam"]
TEXTS = ["Memeriksa berkas", "Apakah berkas lengkap?", "Berkas diperiksa", "Pelaksana 1 membuat",
         "Disetujui oleh Pelaksana 2", "  ", "Cek data", "Berakhirnya proses", "Sesuai?"]


@st.composite
def varied_definitions(draw: st.DrawFn) -> SOPDefinition:
    definition = build(draw(sop_specs(max_steps=14))).definition()
    steps = []
    for step in definition.steps:
        changes: dict[str, Any] = {}
        if draw(st.booleans()):
            changes["time"] = draw(st.sampled_from(WAKTU))
        if draw(st.integers(0, 4)) == 0:
            changes["text"] = draw(st.sampled_from(TEXTS))
        if draw(st.integers(0, 5)) == 0:
            changes["inputs"] = draw(st.sampled_from([(), (" ",), ("", "Surat")]))
        if draw(st.integers(0, 5)) == 0:
            changes["output"] = draw(st.sampled_from(["", "Draft surat", "Konsep laporan"]))
        if draw(st.integers(0, 6)) == 0:
            changes["actors"] = draw(st.sampled_from([(), ("Siapa",), ("Pelaksana 1", "Lain")]))
        if draw(st.integers(0, 8)) == 0 and steps:
            changes["id"] = steps[-1].id  # a repeated id
        steps.append(attrs.evolve(step, **changes) if changes else step)
    return attrs.evolve(definition, steps=tuple(steps))


def public_api_graph(definition: SOPDefinition) -> nx.DiGraph[str]:
    """compile_graph as it was written before it filled networkx's dicts itself."""
    graph: nx.DiGraph[str] = nx.DiGraph(
        name=definition.identity.name, definition=definition,
        lanes=tuple(a.name for a in definition.actors), labels=definition.labels)
    rows: dict[str, int] = {}
    for row, step in enumerate(definition.steps, start=1):
        if step.id in rows:
            continue
        rows[step.id] = row
        graph.add_node(step.id, kind=step.kind.value, row=row, text=step.text,
                       question=step.question if step.kind is StepKind.DECISION else None,
                       lanes=step.actors, lane=step.actors[0] if step.actors else "",
                       inputs=step.inputs,
                       waktu=parse_waktu(step.time, bare_hari=definition.bare_hari_basis),
                       output=step.output, note=step.note, location=step.location,
                       enter=step.enter, leave=step.leave)
        if step.page_break:
            graph.nodes[step.id]["page_break"] = True
    _add_start(graph, definition, rows)
    edges: list[tuple[str, str, dict[str, Any]]] = []
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for source_row, step in enumerate(definition.steps, start=1):
        if rows[step.id] != source_row:
            continue
        kind = (EdgeKind.EXIT if step.kind is StepKind.DECISION else EdgeKind.FLOW).value
        for order, exit_ in enumerate(step.exits):
            if exit_.target == END:
                target, back = end_node(step.id), False
                if target not in graph:
                    lane = graph.nodes[step.id]["lane"]
                    graph.add_node(target, kind=NodeKind.END.value, row=source_row,
                                   text=definition.labels.end, lanes=(lane,), lane=lane)
            elif exit_.target == START:
                if START_NODE not in graph:
                    continue
                target, back = START_NODE, True
            elif exit_.target in rows:
                target, back = exit_.target, rows[exit_.target] <= source_row
            else:
                continue
            if (step.id, target) in merged:
                edge = merged[step.id, target]
                edge["labels"] = (*edge_labels(edge), exit_.label)  # type: ignore[arg-type]
                edge["side"] = edge.get("side") or exit_.side
                continue
            edge = {"label": exit_.label, "labels": (exit_.label,), "order": order,
                    "kind": kind, "back": back, "location": exit_.location,
                    "side": exit_.side}
            merged[step.id, target] = edge
            edges.append((step.id, target, edge))
    graph.add_edges_from(edges)
    return graph


def _old_outliers(rule: Any, timed: list[Any]) -> Any:
    """W106's neighbour test as written before its fast path (messages from the rule's own
    code: only which rows are reported is compared)."""
    factor = validation.OUT_OF_LINE_FACTOR
    for i, (row, step, size) in enumerate(timed):
        if 0 < i < len(timed) - 1:
            neighbours = [timed[i - 1], timed[i + 1]]
        else:
            neighbours = timed[1:3] if i == 0 else timed[-3:-1]
        if len(neighbours) < 2:
            continue
        ratios = [size / other for _, _, other in neighbours]
        if all(r >= factor for r in ratios) or all(r <= 1 / factor for r in ratios):
            yield row, rule.finding(f"row {row}", step.id, step.location, "")


def _every_row(ctx: Any) -> dict[str, list[Any]]:
    """Every rule that reads the Waktu given every row, as before the shared pass."""
    rows = [(row, step, ctx.waktu[step.id]) for row, step in ctx.unique]
    return {code: rows for code in validation._WAKTU_CODES}


@settings(max_examples=150, deadline=None)
@given(varied_definitions())
def test_compile_and_validation_equal_the_plain_code(definition: SOPDefinition) -> None:
    graph, plain = compile_graph(definition), public_api_graph(definition)
    assert graph.graph == plain.graph
    assert list(graph.nodes(data=True)) == list(plain.nodes(data=True))
    assert list(graph.edges(data=True)) == list(plain.edges(data=True))
    assert [(n, list(graph.pred[n])) for n in graph] == [(n, list(plain.pred[n])) for n in plain]
    assert [n for n in graph if str(n).startswith(END_PREFIX)] == list(
        validation.ends(plain))

    report = validation.validate(definition, graph)
    with mock.patch.object(validation._Context, "waktu_rows", property(_every_row)):
        every_row = validation.validate(definition, plain)
    assert report == every_row
    assert [str(f) for f in report.findings] == [str(f) for f in every_row.findings]

    rule = next(r for r in validation.RULES if r.code == "W106")
    with mock.patch.object(validation, "_outliers", _old_outliers):
        old = [f.element for f in validation._out_of_line(rule, validation._Context(
            definition, graph))]
    new = [f.element for f in report.findings if f.code == "W106"]
    assert new == old


_WORDS = st.sampled_from(["Memeriksa", "memeriksa", "Meng-upload", "Cek", "cek", "Ménerima",
                          "Berakhirnya", "Upload", "Apakah", "Pelaksana", "Me", "Berkas,",
                          "Mem3riksa", "Menerima-", "ber", "Bersama", "oleh", "1.", "\u00a0"])


@settings(max_examples=150, deadline=None)
@given(sop_specs(max_steps=8), st.data())
def test_not_verb_first_remembers_only_what_its_first_word_decides(
        spec: dict[str, Any], data: st.DataObject) -> None:
    definition = build(spec).definition()
    steps = tuple(attrs.evolve(step, text=" ".join(data.draw(st.lists(_WORDS, min_size=1,
                                                                      max_size=3))))
                  for step in definition.steps)
    definition = attrs.evolve(definition, steps=steps)
    ctx = validation._Context(definition, compile_graph(definition))
    pattern, _ = validation._actor_pattern(ctx)
    expected = []
    for _row, step in ctx.unique:  # W101's condition, step by step, with nothing remembered
        if not step.text.strip():
            continue
        no_verb = not validation._verb_first(step.text) and not (
            step.kind is StepKind.DECISION and validation._is_question(step.text))
        if no_verb or (pattern is not None and pattern.search(step.text)):
            expected.append(step.id)
    rule = next(r for r in validation.RULES if r.code == "W101")
    assert [f.element for f in rule.check(ctx)] == expected
