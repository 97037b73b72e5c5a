"""A hypothesis state machine drives random operations, good and bad, against the executor
and a small reference model written from the SOP definition (not from the graph)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from strategies import build, sop_specs
from test_runtime import MONDAY, loop_procedure

from sopflow import END, START, Procedure, StepKind
from sopflow.runtime import (
    ActorNotAllowedError,
    EventKind,
    Executor,
    FakeClock,
    InstanceStateError,
    InstanceStatus,
    InvalidAnswerError,
    MemoryStore,
    SQLiteStore,
    StepNotActiveError,
    Store,
    open_store,
)


@attrs.define
class Model:
    """What an instance should look like: status, active step, visits, events so far."""

    status: str = "running"
    active: str | None = None
    visits: dict[str, int] = attrs.Factory(dict)
    events: int = 0


class Machine(RuleBasedStateMachine):
    ids = Bundle("ids")

    def __init__(self) -> None:
        super().__init__()
        self.models: dict[str, Model] = {}
        self.counter = 0
        self.store: Store | None = None

    def make_store(self) -> Store:
        return MemoryStore()

    @initialize(spec=st.one_of(st.just(None), sop_specs(max_steps=6, max_lanes=3,
                                                         dead_ends=False)))
    def setup(self, spec: dict[str, Any] | None) -> None:
        procedure: Procedure = loop_procedure() if spec is None else build(spec).compile(
            strict=False)
        try:
            self.clock = FakeClock(MONDAY)
            self.store = self.make_store()
            lanes = [a.name for a in procedure.actors]
            self.people = {f"orang {k}": lane for k, lane in enumerate(lanes)}
            self.ex = Executor(procedure, store=self.store, clock=self.clock, people=self.people)
        except ValueError:
            assume(False)  # a random SOP whose flow cannot run
        self.definition = procedure.definition
        self.steps = {s.id: s for s in procedure.definition.steps}

    def teardown(self) -> None:
        if self.store is not None:
            self.store.close()

    # ------------------------------------------------------------ model helpers

    def activate(self, model: Model, target: str) -> None:
        if target == END:
            model.status, model.active = "completed", None
            model.events += 1
            return
        step = self.definition.start_step if target == START else target
        assert step is not None
        model.active = step
        model.visits[step] = model.visits.get(step, 0) + 1
        model.events += 1

    def person_for(self, step_id: str) -> str:
        lane = self.steps[step_id].actors[0]
        return next(p for p, held in self.people.items() if held == lane)

    # ------------------------------------------------------------ rules

    @rule(target=ids)
    def start(self) -> str:
        instance_id = f"i{self.counter}"
        self.counter += 1
        self.ex.start(instance_id)
        model = self.models[instance_id] = Model(events=1)
        self.activate(model, START)
        return instance_id

    @rule(instance_id=ids, data=st.data())
    def complete_active(self, instance_id: str, data: st.DataObject) -> None:
        model = self.models[instance_id]
        if model.status != "running":
            with pytest.raises(InstanceStateError):
                self.ex.complete(instance_id, next(iter(self.steps)), by="orang 0")
            return
        assert model.active is not None
        step = self.steps[model.active]
        if step.kind is StepKind.DECISION:
            exit_ = data.draw(st.sampled_from(step.exits))
            answer, target = exit_.label, exit_.target
        else:
            answer, target = None, step.exits[0].target
        self.ex.complete(instance_id, step.id, by=self.person_for(step.id), answer=answer)
        model.events += 1
        self.activate(model, target)

    @rule(instance_id=ids, data=st.data())
    def complete_wrong_step(self, instance_id: str, data: st.DataObject) -> None:
        model = self.models[instance_id]
        others = [s for s in self.steps if s != model.active]
        assume(others)
        step_id = data.draw(st.sampled_from(others))
        error = StepNotActiveError if model.status == "running" else InstanceStateError
        with pytest.raises(error):
            self.ex.complete(instance_id, step_id, by=self.person_for(step_id))

    @rule(instance_id=ids, label=st.sampled_from(["Ya", "Tidak", "Lainnya", "Mungkin", None]))
    def answer_badly(self, instance_id: str, label: str | None) -> None:
        model = self.models[instance_id]
        assume(model.status == "running" and model.active is not None)
        assert model.active is not None
        step = self.steps[model.active]
        valid = {e.label for e in step.exits} if step.kind is StepKind.DECISION else {None}
        assume(label not in valid)
        with pytest.raises(InvalidAnswerError):
            self.ex.complete(instance_id, step.id, by=self.person_for(step.id), answer=label)

    @precondition(lambda self: len(self.people) > 1)
    @rule(instance_id=ids)
    def wrong_person(self, instance_id: str) -> None:
        model = self.models[instance_id]
        assume(model.status == "running" and model.active is not None)
        assert model.active is not None
        lanes = self.steps[model.active].actors
        outsider = next(p for p, held in self.people.items() if held not in lanes)
        with pytest.raises(ActorNotAllowedError):
            self.ex.complete(instance_id, model.active, by=outsider,
                             answer=self.steps[model.active].exits[0].label)

    @rule(instance_id=ids)
    def suspend(self, instance_id: str) -> None:
        model = self.models[instance_id]
        if model.status != "running":
            with pytest.raises(InstanceStateError):
                self.ex.suspend(instance_id)
            return
        self.ex.suspend(instance_id)
        model.status, model.events = "suspended", model.events + 1

    @rule(instance_id=ids)
    def resume(self, instance_id: str) -> None:
        model = self.models[instance_id]
        if model.status != "suspended":
            with pytest.raises(InstanceStateError):
                self.ex.resume(instance_id)
            return
        self.ex.resume(instance_id)
        model.status, model.events = "running", model.events + 1

    @rule(instance_id=ids)
    def cancel(self, instance_id: str) -> None:
        model = self.models[instance_id]
        if model.status not in ("running", "suspended"):
            with pytest.raises(InstanceStateError):
                self.ex.cancel(instance_id)
            return
        self.ex.cancel(instance_id)
        model.status, model.active, model.events = "cancelled", None, model.events + 1

    @rule(minutes=st.integers(0, 600))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    # ------------------------------------------------------------ invariants

    @invariant()
    def executor_matches_model(self) -> None:
        if self.store is None:
            return
        for instance_id, model in self.models.items():
            instance = self.ex.get(instance_id)
            assert instance.status is InstanceStatus(model.status)
            assert instance.active_step_ids == ((model.active,) if model.active else ())
            assert dict(instance.visits) == model.visits
            history = self.ex.history(instance_id)
            assert len(history) == instance.event_count == model.events
            assert [e.seq for e in history] == list(range(len(history)))
            assert history[-1].version == instance.version
            if instance.active:
                last_activation = [e for e in history if e.kind is EventKind.STEP_ACTIVATED][-1]
                assert last_activation.step_id == model.active
                assert last_activation.visit == model.visits[model.active]


class SQLiteMachine(Machine):
    def make_store(self) -> Store:
        return SQLiteStore(":memory:")


class PostgresMachine(Machine):
    """The same model against PostgreSQL: a fresh schema per example, dropped afterwards."""

    schema: str | None = None

    def make_store(self) -> Store:
        from pgstore import new_schema

        url, self.schema = new_schema()
        return open_store(url)

    def teardown(self) -> None:
        super().teardown()
        if self.schema is not None:
            from pgstore import drop_schema

            drop_schema(self.schema)


TestExecutorAgainstModel = Machine.TestCase
TestExecutorAgainstModel.settings = settings(
    max_examples=80, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestPostgresExecutorAgainstModel = PostgresMachine.TestCase
TestPostgresExecutorAgainstModel.settings = settings(
    max_examples=15, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestSQLiteExecutorAgainstModel = SQLiteMachine.TestCase
TestSQLiteExecutorAgainstModel.settings = settings(
    max_examples=25, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
