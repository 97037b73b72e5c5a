"""Every kind of bad call is rejected with a specific error and leaves the instance exactly as
it was: in memory, in the store, and in a fresh connection to the same SQLite file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_runtime import MONDAY, loop_procedure, reference_procedure

from sopflow.runtime import (
    ActorNotAllowedError,
    ConcurrentModificationError,
    DuplicateInstanceError,
    ExecutionError,
    Executor,
    FakeClock,
    Instance,
    InstanceStateError,
    InvalidAnswerError,
    InvalidCompletionError,
    InvalidTimeError,
    MemoryStore,
    ProcedureMismatchError,
    SQLiteStore,
    StepNotActiveError,
    Store,
    UnknownInstanceError,
    UnknownStepError,
    open_store,
)

PEOPLE = {"Ani": "Pemohon", "Budi": "Petugas", "Citra": "Kepala"}


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def setup(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Executor, str | None]]:
    if request.param == "postgres":
        from pgstore import scratch_url

        with scratch_url() as url:
            yield from _setup(open_store(url), url)
        return
    path = tmp_path / "g.db" if request.param == "sqlite" else None
    store: Store = MemoryStore() if path is None else SQLiteStore(path)
    yield from _setup(store, None if path is None else f"sqlite:///{path}")


def _setup(store: Store, url: str | None) -> Iterator[tuple[Executor, str | None]]:
    clock = FakeClock(MONDAY)
    ex = Executor(loop_procedure(), store=store, clock=clock, people=PEOPLE)
    # "run": at the decision; "paused": suspended at ajukan; "done": finished
    ex.start("run", metadata={"periode": "TW I"})
    clock.advance(minutes=10)
    ex.complete("run", "ajukan", by="Ani", inputs_present=["Formulir"])
    ex.start("paused")
    ex.suspend("paused")
    ex.start("done")
    ex.complete("done", "ajukan", by="Ani")
    ex.answer("done", "periksa", "Ditolak", by="Budi")
    clock.advance(minutes=10)
    yield ex, url
    store.close()


BadCall = Callable[[Executor], Any]

BAD_CALLS: list[tuple[str, BadCall, type[ExecutionError], tuple[str, ...]]] = [
    ("complete a step that is not active",
     lambda ex: ex.complete("run", "ajukan", by="Ani"), StepNotActiveError,
     ("'run'", "'ajukan'", "'periksa'")),
    ("complete an unknown step",
     lambda ex: ex.complete("run", "nope", by="Ani"), UnknownStepError, ("'run'", "'nope'")),
    ("complete a decision without an answer",
     lambda ex: ex.complete("run", "periksa", by="Budi"), InvalidAnswerError,
     ("'run'", "'periksa'", "'Lengkap'")),
    ("answer with a label the decision lacks",
     lambda ex: ex.answer("run", "periksa", "Ya", by="Budi"), InvalidAnswerError,
     ("'run'", "'periksa'", "'Ya'", "'Kurang'")),
    ("a person without the step's actor",
     lambda ex: ex.answer("run", "periksa", "Lengkap", by="Ani"), ActorNotAllowedError,
     ("'run'", "'periksa'", "'Ani'", "Petugas")),
    ("a person not in the people map",
     lambda ex: ex.answer("run", "periksa", "Lengkap", by="Zed"), ActorNotAllowedError,
     ("'Zed'", "not in the people map")),
    ("no person",
     lambda ex: ex.answer("run", "periksa", "Lengkap", by=""), InvalidCompletionError,
     ("'run'", "'periksa'")),
    ("an item outside the step's Kelengkapan",
     lambda ex: ex.answer("run", "periksa", "Lengkap", by="Budi", inputs_present=["KTP"]),
     InvalidCompletionError, ("'KTP'", "'Permohonan'")),
    ("Kelengkapan given as one string",
     lambda ex: ex.answer("run", "periksa", "Lengkap", by="Budi", inputs_present="Permohonan"),
     InvalidCompletionError, ("list of items",)),
    ("a time before the last transition",
     lambda ex: ex.answer("run", "periksa", "Lengkap", by="Budi", at=MONDAY),
     InvalidTimeError, ("'run'", "before")),
    ("an aware time on a naive calendar",
     lambda ex: ex.answer("run", "periksa", "Lengkap", by="Budi",
                          at=datetime(2025, 4, 14, 9, tzinfo=UTC)),
     InvalidTimeError, ("aware",)),
    ("a note that is not text",
     lambda ex: ex.answer("run", "periksa", "Lengkap", by="Budi", note=3),
     InvalidCompletionError, ("note",)),
    ("complete in a suspended instance",
     lambda ex: ex.complete("paused", "ajukan", by="Ani"), InstanceStateError,
     ("'paused'", "suspended")),
    ("resume a running instance",
     lambda ex: ex.resume("run"), InstanceStateError, ("'run'", "running", "resume")),
    ("suspend a suspended instance",
     lambda ex: ex.suspend("paused"), InstanceStateError, ("'paused'",)),
    ("complete in a finished instance",
     lambda ex: ex.complete("done", "ajukan", by="Ani"), InstanceStateError,
     ("'done'", "completed")),
    ("cancel a finished instance",
     lambda ex: ex.cancel("done"), InstanceStateError, ("'done'", "cancel")),
    ("start an id that exists",
     lambda ex: ex.start("run"), DuplicateInstanceError, ("'run'",)),
    ("an unknown instance",
     lambda ex: ex.complete("ghost", "ajukan", by="Ani"), UnknownInstanceError, ("'ghost'",)),
]


def snapshot(ex: Executor) -> dict[str, tuple[Instance, tuple[Any, ...]]]:
    return {i.id: (i, ex.history(i.id)) for i in ex.instances()}


@pytest.mark.parametrize(("what", "call", "error", "mentions"), BAD_CALLS,
                         ids=[c[0] for c in BAD_CALLS])
def test_a_bad_call_is_rejected_and_changes_nothing(
    setup: tuple[Executor, str | None], what: str, call: BadCall,
    error: type[ExecutionError], mentions: tuple[str, ...],
) -> None:
    ex, url = setup
    before = snapshot(ex)
    with pytest.raises(error) as raised:
        call(ex)
    for text in mentions:
        assert text in str(raised.value), (what, str(raised.value))
    assert snapshot(ex) == before
    if url is not None:  # what another process would read
        fresh = open_store(url)
        try:
            other = Executor(ex.procedure, store=fresh, clock=ex.clock)
            assert snapshot(other) == before
        finally:
            fresh.close()
    # and the instance still accepts a good call afterwards
    if ex.get("run").active_step_ids == ("periksa",):
        ex.answer("run", "periksa", "Lengkap", by="Budi")


def test_a_stale_writer_gets_a_conflict_and_overwrites_nothing(
    setup: tuple[Executor, str | None],
) -> None:
    ex, _ = setup

    class Stale:
        """Serves the state as it was before another writer moved on."""

        def __init__(self, inner: Store, frozen: Instance) -> None:
            self.inner, self.frozen = inner, frozen

        def load(self, instance_id: str) -> Instance:
            return self.frozen

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    old = ex.get("run")
    ex.answer("run", "periksa", "Kurang", by="Budi")  # the other writer commits first
    before = snapshot(ex)
    stale = Executor(ex.procedure, store=Stale(ex.store, old), clock=ex.clock,  # type: ignore[arg-type]
                     people=PEOPLE)
    with pytest.raises(ConcurrentModificationError, match=r"expected version 2.*version 3"):
        stale.answer("run", "periksa", "Lengkap", by="Budi")
    assert snapshot(ex) == before


def test_another_sops_instance_is_refused(setup: tuple[Executor, str | None]) -> None:
    ex, _ = setup
    other = Executor(reference_procedure(), store=ex.store, clock=ex.clock)
    before = snapshot(ex)
    with pytest.raises(ProcedureMismatchError, match="'SOP Permohonan'"):
        other.complete("run", "s1", by="X")
    assert snapshot(ex) == before


def test_clock_going_back_is_refused() -> None:
    clock = FakeClock(MONDAY)
    ex = Executor(loop_procedure(), clock=clock)
    ex.start("a", at=MONDAY + timedelta(hours=1))
    with pytest.raises(InvalidTimeError, match="before the instance's last transition"):
        ex.complete("a", "ajukan", by="X")
