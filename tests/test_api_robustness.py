"""Regressions found by using the Python API the way another tool's developer would.

Each misuse here once ended in an AttributeError or a raw library error deep inside sopflow,
or was silently accepted. It must now raise a clear error that says what to pass instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sopfactory import new_sop, step_kwargs

from sopflow import SOP, Executor, FakeClock, SQLiteStore, analyse, simulate_lead_time
from sopflow.interchange.bpmn import to_bpmn
from sopflow.interchange.dot import to_dot
from sopflow.interchange.json_format import dumps, loads
from sopflow.runtime.errors import StoreError, UnknownStepError


def _sop() -> SOP:
    sop = new_sop()
    staf = sop.actor("Staf")
    sop.step("Memeriksa berkas", by=staf, **step_kwargs())
    sop.step("Mengirim berkas", by=staf, **step_kwargs())
    return sop


USES: list[tuple[str, Callable[[Any], object]]] = [
    ("Executor", lambda p: Executor(p)),
    ("simulation", lambda p: simulate_lead_time(p, replications=10, rng=1)),
    ("simulation", lambda p: analyse(p)),
    ("to_bpmn", lambda p: to_bpmn(p)),
    ("to_dot", lambda p: to_dot(p)),
]


@pytest.mark.parametrize(("what", "use"), USES, ids=["executor", "mc", "exact", "bpmn", "dot"])
def test_an_uncompiled_sop_is_refused_with_a_hint(what: str,
                                                  use: Callable[[Any], object]) -> None:
    sop = _sop()
    with pytest.raises(TypeError, match=rf"{what} needs a compiled Procedure, got SOP: "
                                        r"compile the SOP first, e\.g\. sop\.compile\(\)"):
        use(sop)
    with pytest.raises(TypeError, match="got SOPDefinition: compile the definition first"):
        use(sop.definition())
    use(sop.compile())  # the right call works


@pytest.mark.parametrize("wrong", ["sop", "procedure"])
def test_json_dumps_names_what_it_needs(wrong: str) -> None:
    sop = _sop()
    value = sop if wrong == "sop" else sop.compile()
    with pytest.raises(TypeError, match=r"expected an SOPDefinition, got \w+ \(use \.definition"):
        dumps(value)  # type: ignore[arg-type]


def test_json_loads_takes_utf8_bytes_and_refuses_other_types() -> None:
    definition = _sop().definition()
    text = dumps(definition)
    assert loads(text.encode("utf-8")) == definition
    assert loads(b"\xef\xbb\xbf" + text.encode("utf-8")) == definition
    with pytest.raises(TypeError, match="loads expects JSON text"):
        loads(5)  # type: ignore[arg-type]


def test_range_shape_is_checked_even_without_ranges() -> None:
    procedure = _sop().compile()  # fixed Waktu only: the shape was never looked at
    with pytest.raises(ValueError, match="range_shape must be 'uniform', 'triangular' or 'pert'"):
        simulate_lead_time(procedure, replications=10, range_shape="normal")  # type: ignore[arg-type]


def test_executor_refuses_a_wrong_store_and_people_map() -> None:
    procedure = _sop().compile()
    with pytest.raises(TypeError, match="store must be a Store"):
        Executor(procedure, store="runs.db")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="people: 'budi' must map to an actor name"):
        Executor(procedure, people={"budi": 5})  # type: ignore[dict-item]
    executor = Executor(procedure, people={"budi": (a for a in ["Staf"])})
    executor.start("c1", at=datetime(2025, 1, 20, 8))
    executor.complete("c1", "s1", by="budi", at=datetime(2025, 1, 20, 9))  # generator kept


def test_query_errors_do_not_invent_an_instance() -> None:
    executor = Executor(_sop().compile())
    with pytest.raises(UnknownStepError) as caught:
        executor.due_at("zz", datetime(2025, 1, 20, 8))
    assert str(caught.value).startswith("'zz' is not a step of this SOP")


def test_check_overdue_refuses_a_non_datetime() -> None:
    executor = Executor(_sop().compile(), clock=FakeClock(datetime(2025, 1, 20, 8)))
    executor.start("c1")
    with pytest.raises(TypeError, match="check_overdue: the time must be a datetime"):
        executor.check_overdue(at="2025-02-01")  # type: ignore[arg-type]
    assert executor.get("c1").version == 1


def test_sqlite_store_names_the_path_it_cannot_open(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=rf"{tmp_path}/missing/runs\.db: cannot open"):
        SQLiteStore(tmp_path / "missing" / "runs.db")
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("hello, this is not SQLite " * 100, encoding="utf-8")
    with pytest.raises(StoreError, match=r"notes\.db: cannot open the SQLite store"):
        SQLiteStore(not_a_db)


def test_text_pasted_from_a_word_processor_keeps_bpmn_and_xes_well_formed() -> None:
    import xml.etree.ElementTree as ET

    import attrs

    from sopflow.procedure import compile_definition
    from sopflow.runtime.events import events_to_xes

    sop = new_sop()
    staf = sop.actor("Staf")
    sop.step("Memeriksa berkas", by=staf, **step_kwargs())
    sop.step("Memeriksa\x0bberkas\x0c", by=staf, **step_kwargs())  # soft break, page break
    with pytest.raises(ValueError, match=r"text of step 's2': contains a control character"):
        sop.definition()  # the DSL refuses it where it was written ...
    clean = new_sop()
    clean.step("Memeriksa berkas", by=clean.actor("Staf"), **step_kwargs())
    definition = clean.definition()
    # ... and a definition built by other means still gives well-formed XML
    step = attrs.evolve(definition.steps[0], text="Memeriksa\x0bberkas\x0c")
    procedure = compile_definition(attrs.evolve(definition, steps=(step,)))
    root = ET.fromstring(to_bpmn(procedure).encode("utf-8"))
    names = [e.get("name") for e in root.iter() if e.get("name", "").startswith("Memeriksa")]
    assert names == ["Memeriksa\ufffdberkas\ufffd"]

    executor = Executor(procedure, clock=FakeClock(datetime(2025, 1, 20, 8)))
    executor.start("c1")
    executor.complete("c1", "s1", by="Budi", note="catatan\x01salah ketik")
    log = ET.fromstring(events_to_xes(executor.events()).encode("utf-8"))
    notes = [a.get("value") for a in log.iter() if a.get("key") == "note"]
    assert notes == ["catatan\ufffdsalah ketik"]
