"""Property: migrating instances of a random SOP to a revision whose step ids all changed keeps
every instance's place, visit counts and Mutu Baku clock; a dry run writes nothing."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import build, sop_specs
from test_runtime import MONDAY

from sopflow import Procedure
from sopflow.interchange.json_format import from_dict, to_dict
from sopflow.procedure import compile_definition
from sopflow.runtime import Executor, FakeClock, MemoryStore


def renamed(procedure: Procedure) -> tuple[Procedure, dict[str, str]]:
    """The same SOP with every step id changed ("s1" -> "langkah_s1")."""
    data: dict[str, Any] = to_dict(procedure.definition)
    mapping = {s["id"]: f"langkah_{s['id']}" for s in data["steps"]}
    for step in data["steps"]:
        step["id"] = mapping[step["id"]]
        for exit_ in step["exits"]:
            exit_["target"] = mapping.get(exit_["target"], exit_["target"])
    if data.get("start") in mapping:
        data["start"] = mapping[data["start"]]
    return compile_definition(from_dict(data), strict=False), mapping


def advance(ex: Executor, iid: str, moves: int, rng: random.Random) -> None:
    for _ in range(moves):
        instance = ex.get(iid)
        if not instance.active:
            return
        step = instance.active[0].step_id
        labels = ex.answers(step, revision=instance.revision)
        ex.complete(iid, step, by="P", answer=rng.choice(labels) if labels else None)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(spec=sop_specs(max_steps=6, max_lanes=2, dead_ends=False),
       moves=st.lists(st.integers(0, 8), min_size=1, max_size=6), seed=st.integers(0, 99))
def test_migration_keeps_each_instance_in_place(
    spec: dict[str, Any], moves: list[int], seed: int
) -> None:
    v1 = build(spec).compile(strict=False)
    store, clock, rng = MemoryStore(), FakeClock(MONDAY), random.Random(seed)
    try:
        old = Executor(v1, store=store, clock=clock)
    except ValueError:
        assume(False)  # a random flow that cannot run
    for k, m in enumerate(moves):
        old.start(f"i{k}")
        clock.advance(minutes=5)
        advance(old, f"i{k}", m, rng)
    v2, mapping = renamed(v1)
    new = Executor(v2, store=store, clock=clock)
    assert new.revision != old.revision
    before = {i.id: (i, new.history(i.id)) for i in new.instances()}
    # old instances still run on their own revision before any migration
    for instance in new.instances():
        for item in () if instance.finished else new.work_items(instance.id):
            assert item.step_id in mapping
    dry = new.migrate(steps=mapping, dry_run=True)
    assert {i.id: (i, new.history(i.id)) for i in new.instances()} == before
    assert all(m.problem is None and not m.applied for m in dry.migrations)
    clock.advance(minutes=1)
    report = new.migrate(steps=mapping, by="Admin")
    assert [m.instance_id for m in report.migrations] == [m.instance_id for m in dry.migrations]
    for iid, (was, history) in before.items():
        now = new.get(iid)
        if was.finished:
            assert now == was  # finished instances keep their revision
            continue
        assert now.revision == new.revision and now.procedure == v2.name
        assert now.active_step_ids == tuple(mapping[s] for s in was.active_step_ids)
        assert [a.activated_at for a in now.active] == [a.activated_at for a in was.active]
        assert dict(now.visits) == {mapping[s]: n for s, n in was.visits.items()}
        assert now.version == was.version + 1
        assert new.history(iid)[:-1] == history
        advance(new, iid, 12, rng)  # and it goes on, on the new revision
        events = new.history(iid)
        assert [e.seq for e in events] == list(range(len(events)))
        assert all(e.step_id is None or e.step_id in mapping or e.step_id in mapping.values()
                   for e in events)


def test_a_migration_is_in_the_xes_log_as_a_reassign_of_its_step(tmp_path: Any) -> None:
    import xml.etree.ElementTree as ET

    from test_runtime import loop_procedure

    from sopflow.runtime import events_to_csv, events_to_xes

    store, clock = MemoryStore(), FakeClock(MONDAY)
    old = Executor(loop_procedure(), store=store, clock=clock)
    old.start("a")
    v2, mapping = renamed(loop_procedure())
    new = Executor(v2, store=store, clock=clock)
    clock.advance(minutes=3)
    new.migrate(steps=mapping, by="Admin")
    ns = {"x": "http://www.xes-standard.org/"}
    root = ET.fromstring(events_to_xes(new.events(), tz="Asia/Jakarta"))
    events = [{a.get("key"): a.get("value") for a in e}
              for e in root.findall("x:trace/x:event", ns)]
    assert [e["lifecycle:transition"] for e in events] == ["start", "reassign"]
    moved = events[1]
    assert moved["step_id"] == "langkah_ajukan" and moved["org:resource"] == "Admin"
    assert moved["sopflow:revision"] == new.revision
    assert "instance_migrated" in events_to_csv(new.events())
    pm4py = pytest.importorskip("pm4py")
    path = tmp_path / "log.xes"
    events_to_xes(new.events(), path)
    assert list(pm4py.read_xes(str(path))["lifecycle:transition"]) == ["start", "reassign"]
