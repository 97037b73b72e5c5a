"""SOP revisions: what the executor needs of one revision of an SOP, and its fingerprint.

Every SOP is revised ("Tanggal Revisi") while cases run. An instance is pinned to the exact
revision it started on: the SHA-256 of the revision's canonical sopflow/1 JSON. The store keeps
that JSON under the fingerprint, so a process that only knows the new SOP file still runs old
instances on their own steps, exits and Waktu. :meth:`Executor.migrate` moves instances to the
current revision on purpose, with a step mapping and a dry run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from sopflow.model import Step, StepKind
from sopflow.waktu import Basis, TimeUnit, Waktu

if TYPE_CHECKING:
    from sopflow.procedure import Procedure

__all__ = ["MAX_STANDARD_YEARS", "Migration", "MigrationReport", "Standard", "fingerprint"]

#: A Waktu longer than this gives no due time (dates past year 9999 cannot be computed, and no
#: real SOP step takes a century); monitoring says so instead of judging the step.
MAX_STANDARD_YEARS = 100
MAX_STANDARD_MINUTES = MAX_STANDARD_YEARS * 365.25 * 24 * 60


@attrs.frozen(kw_only=True, slots=True)
class Standard:
    """A step's Mutu Baku time as the runtime uses it: the upper bound of its Waktu.

    ``problem`` says why there is no due time (unreadable or missing Waktu); then the other
    numbers are None.
    """

    step_id: str
    waktu: str  # the literal text
    basis: Basis | None
    low_minutes: float | None  # in minutes of ``basis`` (working minutes or calendar minutes)
    high_minutes: float | None
    working_days: float | None = None  # set when the Waktu is in working days/weeks
    problem: str | None = None

    @property
    def measurable(self) -> bool:
        """Whether the Waktu gives a time to measure against (else ``problem`` says why)."""
        return self.problem is None


@attrs.frozen(kw_only=True, slots=True)
class StepInfo:
    """What a transition needs of one step, precomputed once per revision."""

    id: str
    text: str
    decision: bool
    question: str | None
    actors: tuple[str, ...]
    inputs: tuple[str, ...]
    output: str
    waktu: Waktu
    exits: Mapping[str | None, str]  # label (None: plain flow) -> target node
    answers: tuple[str, ...]


@attrs.frozen(kw_only=True, slots=True)
class Migration:
    """What migrating one instance does (or would do, in a dry run)."""

    instance_id: str
    from_revision: str | None
    to_revision: str
    moves: tuple[tuple[str, str], ...]  # (active step on the old revision, step on the new)
    problem: str | None = None  # why it cannot be migrated (then nothing is done)
    applied: bool = False

    def __str__(self) -> str:
        moves = ", ".join(f"{a} -> {b}" for a, b in self.moves) or "no active step"
        old = (self.from_revision or "unrecorded")[:12]
        head = f"{self.instance_id}: {old} -> {self.to_revision[:12]} ({moves})"
        if self.problem:
            return f"{head}: NOT migrated: {self.problem}"
        return f"{head}: {'migrated' if self.applied else 'would migrate'}"


@attrs.frozen(kw_only=True, slots=True)
class MigrationReport:
    """The outcome of :meth:`Executor.migrate` (``dry_run``: nothing was written)."""

    dry_run: bool
    migrations: tuple[Migration, ...]

    @property
    def refused(self) -> tuple[Migration, ...]:
        """The instances that cannot be migrated (each says why)."""
        return tuple(m for m in self.migrations if m.problem is not None)

    def text(self) -> str:
        """One line per instance."""
        head = "dry run: nothing written" if self.dry_run else "migration"
        return "\n".join([f"{head}: {len(self.migrations)} instance(s), "
                          f"{len(self.refused)} refused", *map(str, self.migrations)])


def canonical_json(procedure: Procedure) -> str:
    """The revision's sopflow/1 JSON in a canonical form (sorted keys, no spaces)."""
    from sopflow.interchange.json_format import to_dict

    return json.dumps(to_dict(procedure.definition), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def fingerprint(procedure: Procedure) -> str:
    """The SHA-256 (hex) of the revision's canonical JSON: equal exactly when the content is."""
    return hashlib.sha256(canonical_json(procedure).encode("utf-8")).hexdigest()


def load_revision(document: str) -> Procedure:
    """Compile a stored revision (ValueError if the stored JSON cannot be read)."""
    from sopflow.interchange.json_format import loads
    from sopflow.procedure import compile_definition

    return compile_definition(loads(document), strict=False)


class Plan:
    """One revision as the executor runs it: step infos, Mutu Baku standards, the first step."""

    def __init__(self, procedure: Procedure, revision: str) -> None:
        from sopflow.graph import START_NODE

        self.procedure = procedure
        self.revision = revision
        graph = procedure.graph
        self.first: str = next(iter(graph.succ[START_NODE]))
        self.definitions: dict[str, Step] = {step.id: step for step in procedure.steps}
        self.steps: dict[str, StepInfo] = {}
        for step in procedure.steps:
            exits: dict[str | None, str] = {}
            for target, edge in graph.succ[step.id].items():
                for label in edge["labels"]:
                    exits.setdefault(label, target)
            decision = step.kind is StepKind.DECISION
            self.steps[step.id] = StepInfo(
                id=step.id, text=step.text, decision=decision, question=step.question,
                actors=step.actors, inputs=step.inputs, output=step.output,
                waktu=graph.nodes[step.id]["waktu"], exits=MappingProxyType(exits),
                answers=tuple(label for label in exits if label is not None) if decision else (),
            )
        self.standards = {sid: standard_of(info) for sid, info in self.steps.items()}


def standard_of(info: StepInfo) -> Standard:
    """How the runtime reads a step's Waktu."""
    waktu = info.waktu
    if not waktu.text.strip():
        return Standard(step_id=info.id, waktu=waktu.text, basis=None, low_minutes=None,
                        high_minutes=None, problem="no Waktu given: no due time")
    if not waktu.readable:
        why = "sets no time standard" if waktu.understood else "cannot be read"
        return Standard(step_id=info.id, waktu=waktu.text, basis=None, low_minutes=None,
                        high_minutes=None, problem=f"Waktu {waktu.text!r} {why}: no due time")
    try:
        low, high = waktu.minutes()
    except (ValueError, OverflowError) as exc:
        return Standard(step_id=info.id, waktu=waktu.text, basis=None, low_minutes=None,
                        high_minutes=None, problem=f"{exc}: no due time")
    if high is not None and high > MAX_STANDARD_MINUTES:
        return Standard(step_id=info.id, waktu=waktu.text, basis=None, low_minutes=None,
                        high_minutes=None,
                        problem=f"Waktu {waktu.text!r} is longer than the runtime's limit of "
                        f"{MAX_STANDARD_YEARS} years: no due time")
    days = None
    if waktu.basis is Basis.WORKING and waktu.high is not None:
        if waktu.unit is TimeUnit.DAY:
            days = waktu.high
        elif waktu.unit is TimeUnit.WEEK:
            days = waktu.high * 5
    return Standard(step_id=info.id, waktu=waktu.text, basis=waktu.basis, low_minutes=low,
                    high_minutes=high, working_days=days)
