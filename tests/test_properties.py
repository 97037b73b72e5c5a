"""Properties over random SOPs: the validator against a brute-force oracle, determinism."""

from __future__ import annotations

from typing import Any

import networkx as nx
from hypothesis import given
from strategies import build, sop_specs

from sopflow import END, START, SOPDefinition


def _successors(definition: SOPDefinition) -> dict[str, set[str]]:
    """Each step's successors straight from the definition ("END" for the end)."""
    first = definition.steps[0].id
    succ: dict[str, set[str]] = {}
    for step in definition.steps:
        targets = set()
        for exit_ in step.exits:
            if exit_.target == END:
                targets.add("END")
            elif exit_.target == START:
                targets.add(first)
            else:
                targets.add(exit_.target)
        succ[step.id] = targets
    return succ


def _path_exists(succ: dict[str, set[str]], source: str, goal: str) -> bool:
    """Brute force: enumerate simple paths by recursion, no shared memo across sources."""

    def walk(node: str, visited: frozenset[str]) -> bool:
        if node == goal:
            return True
        return any(walk(nxt, visited | {nxt}) for nxt in succ.get(node, ()) if nxt not in visited)

    return walk(source, frozenset({source}))


def _oracle(definition: SOPDefinition) -> dict[str, set[str]]:
    succ = _successors(definition)
    first = definition.steps[0].id
    ids = [s.id for s in definition.steps]
    reachable = {s for s in ids if _path_exists(succ, first, s)}
    any_end = any("END" in targets for targets in succ.values())
    finishing = {s for s in ids if _path_exists(succ, s, "END")}
    return {
        "E002": set() if any_end else {"-"},
        "E007": set(ids) - reachable,
        "E008": (reachable - finishing) if any_end else set(),
    }


@given(sop_specs(max_steps=9))
def test_reachability_and_termination_match_brute_force(spec: dict[str, Any]) -> None:
    sop = build(spec)
    definition = sop.definition()
    report = sop.validate()
    found: dict[str, set[str]] = {"E002": set(), "E007": set(), "E008": set()}
    for finding in report.findings:
        if finding.code in found:
            found[finding.code].add(finding.element or "-")
    assert found == _oracle(definition)


def _snapshot(graph: nx.DiGraph) -> Any:
    nodes = [(n, sorted((k, repr(v)) for k, v in d.items())) for n, d in graph.nodes(data=True)]
    edges = [
        (u, v, sorted((k, repr(x)) for k, x in d.items())) for u, v, d in graph.edges(data=True)
    ]
    return nodes, edges


@given(sop_specs())
def test_compile_is_deterministic(spec: dict[str, Any]) -> None:
    first = build(spec).compile(strict=False)
    second = build(spec).compile(strict=False)
    assert first.definition == second.definition
    assert _snapshot(first.graph) == _snapshot(second.graph)
    assert [str(f) for f in first.report.findings] == [str(f) for f in second.report.findings]


@given(sop_specs(dead_ends=False))
def test_graph_mirrors_the_definition(spec: dict[str, Any]) -> None:
    """Every exit of every step is an edge, with its label; nothing else is."""
    procedure = build(spec).compile(strict=False)
    graph = procedure.graph
    expected = set()
    for step in procedure.steps:
        for exit_ in step.exits:
            if exit_.target == END:
                expected.add((step.id, f"end:{step.id}", exit_.label))
            elif exit_.target == START:
                expected.add((step.id, "start", exit_.label))
            else:
                expected.add((step.id, exit_.target, exit_.label))
    actual = {
        (u, v, label)
        for u, v, data in graph.edges(data=True)
        if u != "start"
        for label in data["labels"]
    }
    assert actual == expected
    rows = {s.id: row for row, s in enumerate(procedure.steps, start=1)}
    for u, v, data in graph.edges(data=True):
        if u != "start" and v in rows:
            assert data["back"] == (rows[v] <= rows[u])
