"""The way a person writes an SOP in Python: it reads like the official table.

An :class:`SOP` object is explicit (there is no hidden "current SOP"): create it, declare its
lanes with :meth:`SOP.actor`, then write the rows top to bottom with :meth:`SOP.step` and
:meth:`SOP.decision`. A row flows to the next row unless it says otherwise. References to
steps written later are plain string ids, checked when the SOP is compiled; every element
remembers the file and line where it was written, so every finding can point there.
"""

from __future__ import annotations

import difflib
import functools
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs

from sopflow._fastbuild import trusted_constructor
from sopflow._gcpause import gc_paused
from sopflow._textcheck import check_definition
from sopflow.document import DocumentStyle
from sopflow.model import (
    END,
    EXIT_SIDES,
    START,
    Acceptance,
    Actor,
    Exit,
    Identity,
    Labels,
    Revision,
    Signatory,
    SOPDefinition,
    SourceLocation,
    Step,
    StepKind,
    _tuple_of_str,
)
from sopflow.waktu import Basis

if TYPE_CHECKING:
    from sopflow.procedure import Procedure
    from sopflow.validate import Report

__all__ = [
    "END",
    "NEXT",
    "SOP",
    "START",
    "ActorSpec",
    "DefinitionError",
    "DefinitionTypeError",
    "DefinitionValueError",
    "StepRef",
    "Target",
    "caller_location",
]

#: Exit target meaning "the row below" (the end, after the last row).
NEXT: Final = "@next"

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

#: The fields of Step and Exit that step() and decision() check themselves, so the values
#: are stored as given (a field added later is still converted and validated by attrs' rules).
_STEP_CHECKED = frozenset({"id", "text", "kind", "actors", "exits", "question", "inputs", "time",
                           "output", "note", "accept", "location", "page_break", "enter",
                           "leave"})
_EXIT_CHECKED = frozenset({"label", "target", "location", "side"})


@functools.lru_cache(maxsize=256)
def _inside_package(filename: str) -> bool:
    return os.path.abspath(filename).startswith(_PACKAGE_DIR + os.sep)


class DefinitionError(Exception):
    """A DSL call was given something it cannot use. The facts are attributes: ``location``
    (file and line of the call), ``argument`` (which one, e.g. ``"by="``; None when it is the
    call as a whole), ``value`` (what was given) and ``reason`` (the sentence without the
    place); ``str()`` is ``"file:line: reason"`` as before."""

    def __init__(self, location: SourceLocation, reason: str, *, argument: str | None = None,
                 value: object = None) -> None:
        self.location = location
        self.reason = reason
        self.argument = argument
        self.value = value
        super().__init__(f"{location}: {reason}")


class DefinitionTypeError(DefinitionError, TypeError):
    """An argument of the wrong type (a TypeError, as it always was)."""


class DefinitionValueError(DefinitionError, ValueError):
    """An argument of the right type but an unusable value (a ValueError)."""


def caller_location() -> SourceLocation:
    """The first stack frame outside the sopflow package: where the user wrote the call."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not _inside_package(filename):
            return SourceLocation(file=filename, line=frame.f_lineno)
        frame = frame.f_back  # type: ignore[assignment]
    return SourceLocation(file="<unknown>", line=0)  # pragma: no cover - always a caller


def _check(location: SourceLocation, field: str, value: object, *kinds: type | None) -> None:
    """Refuse a value of the wrong type where it is written, naming the argument."""
    for kind in kinds:  # a plain loop: this runs for every field of every step
        if (value is None) if kind is None else isinstance(value, kind):
            return
    names = " or ".join("None" if kind is None else
                        "a string" if kind is str else kind.__name__ for kind in kinds)
    raise DefinitionTypeError(location, f"{field} must be {names}, got {value!r}",
                              argument=field, value=value)


def _strings(location: SourceLocation, field: str, value: object) -> tuple[str, ...]:
    """One string or a list of strings, as a tuple; anything else is refused by name."""
    if type(value) is list:  # the usual spelling, inputs=["Berkas"]: no ABC check
        for item in value:
            if type(item) is not str:
                break
        else:
            return tuple(value)
    try:
        return _tuple_of_str(value)
    except TypeError:
        raise DefinitionTypeError(
            location, f"{field} must be a string or a list of strings, got {value!r}",
            argument=field, value=value,
        ) from None


@attrs.frozen(slots=True)
class StepRef:
    """What :meth:`SOP.step` returns: a handle to use as a target (``no=rekap``)."""

    id: str
    owner: int = attrs.field(repr=False, eq=False)

    def __str__(self) -> str:
        return self.id


#: What an exit can point to: a step id, a :class:`StepRef`, ``NEXT``, ``END`` or ``START``.
Target: TypeAlias = "str | StepRef"
#: Who does a step: an actor (or its name), or several for a joint activity.
ActorSpec: TypeAlias = "Actor | str | Sequence[Actor | str]"


class SOP:
    """A mutable SOP under construction; :meth:`definition` freezes it.

    The identity fields follow the SOP AP identity page (Permenpan RB 35/2012):
    ``number`` is "Nomor SOP", ``created``/``revised``/``effective`` the three dates,
    ``approved_by`` "Disahkan oleh", ``legal_basis`` "Dasar Hukum", ``qualifications``
    "Kualifikasi Pelaksana", ``related`` "Keterkaitan", ``equipment``
    "Peralatan/Perlengkapan", ``warning`` "Peringatan" and ``records`` "Pencatatan dan
    Pendataan". ``revisions`` is the revision history ("Riwayat Revisi"), oldest first: each a
    :class:`Revision` or a ``(date, number, changes)`` tuple. ``bare_hari`` says whether a
    bare "hari" in a Waktu means working days or calendar days; left out, it is read as
    working days and validation (W105) asks for "hari kerja" or "hari kalender".
    """

    def __init__(
        self,
        name: str,
        *,
        number: str | None = None,
        unit: str | Iterable[str] = (),
        created: date | None = None,
        revised: date | None = None,
        effective: date | None = None,
        approved_by: Signatory | str | None = None,
        legal_basis: str | Iterable[str] = (),
        qualifications: str | Iterable[str] = (),
        related: str | Iterable[str] = (),
        equipment: str | Iterable[str] = (),
        warning: str = "",
        records: str | Iterable[str] = (),
        labels: Labels | None = None,
        bare_hari: Basis | str | None = None,
        accept: Mapping[str, str] | None = None,
        document: DocumentStyle | Mapping[str, object] | None = None,
        revisions: Iterable[Revision | tuple[date | None, str, str]] = (),
    ) -> None:
        self._location = caller_location()
        self.accept = _acceptances(self._location, accept)
        if not isinstance(name, str):
            raise DefinitionTypeError(self._location, f"SOP name must be a string, got {name!r}",
                                      argument="name", value=name)
        if isinstance(approved_by, str):
            approved_by = Signatory(position=approved_by)
        _check(self._location, "number=", number, str, None)
        _check(self._location, "warning=", warning, str)
        _check(self._location, "approved_by=", approved_by, Signatory, str, None)
        _check(self._location, "labels=", labels, Labels, None)
        for field, day in (("created=", created), ("revised=", revised),
                           ("effective=", effective)):
            if day is not None and (not isinstance(day, date) or isinstance(day, datetime)):
                raise DefinitionTypeError(
                    self._location,
                    f"{field} must be a date such as date(2025, 1, 20) or None, got {day!r}",
                    argument=field, value=day,
                )
        self.identity = Identity(
            unit=_strings(self._location, "unit=", unit),
            number=number,
            created=created,
            revised=revised,
            effective=effective,
            approved_by=approved_by,
            name=name,
            legal_basis=_strings(self._location, "legal_basis=", legal_basis),
            qualifications=_strings(self._location, "qualifications=", qualifications),
            related=_strings(self._location, "related=", related),
            equipment=_strings(self._location, "equipment=", equipment),
            warning=warning,
            records=_strings(self._location, "records=", records),
            revisions=_revisions(self._location, revisions),
        )
        self.labels = labels if labels is not None else Labels()
        try:
            self.bare_hari = None if bare_hari is None else Basis(bare_hari)
        except ValueError:
            choices = ", ".join(repr(b.value) for b in Basis)
            raise DefinitionValueError(
                self._location, f"bare_hari= must be one of {choices}, got {bare_hari!r}",
                argument="bare_hari=", value=bare_hari,
            ) from None
        self.document = _document_style(self._location, document)
        self._actors: list[Actor] = []
        # Each row as written; a row's NEXT exits become the next row's id when that row is
        # written (_add), the last row's the end in definition().
        self._steps: list[Step] = []
        self._start: str | None = None
        # where the last row was written: rows written by a loop share one location
        self._last_location: SourceLocation | None = None
        # one tuple per distinct list of actors or inputs, shared by the rows that repeat it
        # (immutable values: fewer objects to keep and for the collector to visit)
        self._tuples: dict[tuple[str, ...], tuple[str, ...]] = {}

    def __repr__(self) -> str:
        return f"<SOP {self.identity.name!r}: {len(self._actors)} actors, {len(self._steps)} steps>"

    @property
    def name(self) -> str:
        """The SOP's name (Nama SOP)."""
        return self.identity.name

    # -- lanes -------------------------------------------------------------------------------

    def actor(self, name: str, *, note: str = "") -> Actor:
        """Declare a lane ("Pelaksana"). Lanes appear left to right in declaration order."""
        location = caller_location()
        if not isinstance(name, str) or not name.strip():
            raise DefinitionTypeError(location, f"an actor needs a non-empty name, got {name!r}",
                                      argument="name", value=name)
        _check(location, "note=", note, str)
        actor = Actor(name=name, note=note, location=location)
        self._actors.append(actor)
        return actor

    # -- rows --------------------------------------------------------------------------------

    def step(
        self,
        text: str,
        *,
        by: ActorSpec,
        id: str | None = None,
        inputs: str | Iterable[str] = (),
        time: str = "",
        output: str = "",
        note: str = "",
        then: Target | None = NEXT,
        accept: Mapping[str, str] | None = None,
        page_break: bool = False,
        side: str | None = None,
        enter: Actor | str | None = None,
        leave: Actor | str | None = None,
    ) -> StepRef:
        """Write a process row (a rectangle).

        ``inputs`` is Kelengkapan, ``time`` the Waktu as printed ("15 menit"), ``output`` the
        Output and ``note`` the Keterangan. ``then`` is where the flow goes: the next row by
        default, a step id or handle, ``END`` to finish here, ``START`` to return to the start
        capsule, or ``None`` for a row the flow stops at without an end (validation reports it).
        ``accept`` maps warning codes to the reason they are accepted for this row
        (``{"W101": "printed so in the signed SOP"}``). ``page_break=True`` starts a new page
        of the printed table with this row. ``side`` ("left", "right", "bottom")
        asks the document to draw the arrow leaving by that side. A joint row (``by=`` several
        actors) may name the actor whose box the flow enters (``enter``) and the one it
        leaves (``leave``) from (by default the boxes nearest the incoming flow and the next step).
        """
        location = self._where()
        # Every argument is checked here, in this order, so the error names it and the line;
        # the step is then built without attrs re-running converters on checked values.
        if type(output) is not str or type(note) is not str:
            _check(location, "output=", output, str)
            _check(location, "note=", note, str)
        if type(page_break) is not bool:
            _check(location, "page_break=", page_break, bool)
        actors = self._shared(self._actors_of(by, location))
        exits: tuple[Exit, ...] = ()
        if then is not None:
            new_exit = trusted_constructor(Exit, _EXIT_CHECKED)  # (cached: one per class)
            target = then if type(then) is str and then else self._target(then, location)
            exits = (new_exit(label=None, target=target, location=location,
                              side=None if side is None else _side(location, "side=", side)),)
        elif side is not None:
            raise DefinitionValueError(location, "side= needs an exit: then= is None",
                                       argument="side=", value=side)
        return self._add(
            trusted_constructor(Step, _STEP_CHECKED)(
                id=f"s{len(self._steps) + 1}" if id is None else self._id(id, location),
                text=text if type(text) is str else self._text(text, location),
                kind=StepKind.PROCESS,
                actors=actors,
                exits=exits,
                inputs=self._shared(_strings(location, "inputs=", inputs)),
                time=time if type(time) is str else self._time(time, location),
                output=output,
                note=note,
                accept=() if accept is None else _acceptances(location, accept),
                location=location,
                page_break=page_break,
                enter=None if enter is None else _joint_actor(location, "enter=", enter, actors),
                leave=None if leave is None else _joint_actor(location, "leave=", leave, actors),
            )
        )

    def decision(
        self,
        text: str,
        *,
        by: ActorSpec,
        yes: Target | None = None,
        no: Target | None = None,
        exits: Mapping[str | None, Target] | Sequence[tuple[str | None, Target]] | None = None,
        question: str | None = None,
        id: str | None = None,
        inputs: str | Iterable[str] = (),
        time: str = "",
        output: str = "",
        note: str = "",
        accept: Mapping[str, str] | None = None,
        page_break: bool = False,
        sides: Mapping[str | None, str] | None = None,
        enter: Actor | str | None = None,
        leave: Actor | str | None = None,
    ) -> StepRef:
        """Write a decision row (a diamond) with its labelled exits.

        Either ``yes``/``no`` (labelled with the SOP's words, "Ya"/"Tidak" by default) or
        ``exits`` mapping each printed label to its target (``None`` for an unlabelled exit);
        both may be combined. Exits are listed explicitly: nothing is assumed for an exit left
        out, and a decision with fewer than two exits is reported by validation.
        ``question`` is the short text inside the diamond ("Sesuai?"); ``accept``,
        ``page_break``, ``enter`` and ``leave`` as for :meth:`step`; ``sides`` maps an exit's
        label to the side its arrow leaves the diamond by (``{"Tidak": "left"}``).
        """
        location = self._where()
        if type(page_break) is not bool:
            _check(location, "page_break=", page_break, bool)
        if type(output) is not str or type(note) is not str or (
                question is not None and type(question) is not str):
            _check(location, "output=", output, str)
            _check(location, "note=", note, str)
            _check(location, "question=", question, str, None)
        pairs: list[tuple[str | None, Target]] = []
        if yes is not None:
            pairs.append((self.labels.yes, yes))
        if no is not None:
            pairs.append((self.labels.no, no))
        if exits is not None:
            items = exits.items() if isinstance(exits, Mapping) else exits
            for pair in items:
                if not (isinstance(pair, tuple) and len(pair) == 2):
                    raise DefinitionTypeError(
                        location,
                        f"exits must map labels to targets or be (label, target) pairs, "
                        f"got {pair!r}",
                        argument="exits=", value=pair,
                    )
                label, target = pair
                if label is not None and not isinstance(label, str):
                    raise DefinitionTypeError(
                        location, f"exit label must be a string or None: {label!r}",
                        argument="exits=", value=label,
                    )
                pairs.append((label, target))
        hints = _sides(location, sides, [label for label, _ in pairs])
        actors = self._shared(self._actors_of(by, location))
        new_exit = trusted_constructor(Exit, _EXIT_CHECKED)
        return self._add(
            trusted_constructor(Step, _STEP_CHECKED)(
                id=f"s{len(self._steps) + 1}" if id is None else self._id(id, location),
                text=text if type(text) is str else self._text(text, location),
                kind=StepKind.DECISION,
                actors=actors,
                exits=tuple(
                    new_exit(label=label, location=location, side=hints.get(label),
                             target=target if type(target) is str and target else
                             self._target(target, location))
                    for label, target in pairs
                ),
                question=question,
                inputs=self._shared(_strings(location, "inputs=", inputs)),
                time=time if type(time) is str else self._time(time, location),
                output=output,
                note=note,
                accept=() if accept is None else _acceptances(location, accept),
                location=location,
                page_break=page_break,
                enter=None if enter is None else _joint_actor(location, "enter=", enter, actors),
                leave=None if leave is None else _joint_actor(location, "leave=", leave, actors),
            )
        )

    def start_at(self, step: Target) -> None:
        """Let the start capsule lead to another step than the first row (rare)."""
        self._start = self._target(step, caller_location())

    # -- results -----------------------------------------------------------------------------

    def definition(self) -> SOPDefinition:
        """Freeze the SOP as written: the ``NEXT`` targets become the next row's id.

        Raises :class:`sopflow._textcheck.TextError` (a ``ValueError`` naming the field and
        the line) when a text holds a control character or a lone surrogate.
        """
        with gc_paused():
            definition = self._freeze()
        check_definition(definition)
        return definition

    def _freeze(self) -> SOPDefinition:
        # Every row but the last had its NEXT exits resolved when the row below it was
        # written (_add). The last row's NEXT means the end: that step is copied with END,
        # field by field without re-running converters and validators (attrs.evolve would),
        # and its original stays in self._steps, NEXT unchanged, for a row written later.
        step_fields = [field.name for field in attrs.fields(Step) if field.name != "exits"]
        exit_fields = [field.name for field in attrs.fields(Exit) if field.name != "target"]
        new, setter = object.__new__, object.__setattr__
        steps: list[Step] = list(self._steps)
        if steps and any(e.target == NEXT for e in steps[-1].exits):
            step, exits = steps[-1], []
            for e in step.exits:
                if e.target == NEXT:
                    resolved = new(Exit)
                    for name in exit_fields:
                        setter(resolved, name, getattr(e, name))
                    setter(resolved, "target", END)
                    e = resolved
                exits.append(e)
            copy = new(Step)
            for name in step_fields:
                setter(copy, name, getattr(step, name))
            setter(copy, "exits", tuple(exits))
            steps[-1] = copy
        return SOPDefinition(
            identity=self.identity,
            actors=tuple(self._actors),
            steps=tuple(steps),
            labels=self.labels,
            start=self._start,
            bare_hari=self.bare_hari,
            accept=self.accept,
            document=self.document,
            location=self._location,
        )

    def compile(self, *, strict: bool = True) -> Procedure:
        """Compile and validate. With ``strict`` (the default) any error raises one
        :class:`~sopflow.validate.SOPValidationError` that lists every finding."""
        from sopflow.procedure import compile_definition

        return compile_definition(self.definition(), strict=strict)

    def _repr_svg_(self) -> str | None:
        """Jupyter shows the SOP as its swimlane view, as written so far (even with errors:
        validation is where those are reported); None while there is nothing to draw."""
        return self.compile(strict=False)._repr_svg_()

    def validate(self) -> Report:
        """All findings (errors and warnings), without raising."""
        return self.compile(strict=False).report

    # -- helpers -----------------------------------------------------------------------------

    def _shared(self, values: tuple[str, ...]) -> tuple[str, ...]:
        """The first tuple equal to ``values`` written in this SOP (plain strings only: an
        equal tuple of a str subclass keeps its own type)."""
        for value in values:
            if type(value) is not str:
                return values
        return self._tuples.setdefault(values, values)

    def _where(self) -> SourceLocation:
        """:func:`caller_location` for step() and decision(): the user's frame is the one
        that called them, unless a sopflow function did; a row written on the same line as
        the row before it (a loop) shares that row's location (an immutable value)."""
        frame = sys._getframe(2)
        filename = frame.f_code.co_filename
        if _inside_package(filename):
            return caller_location()
        line, last = frame.f_lineno, self._last_location
        if last is not None and last.line == line and last.file == filename:
            return last
        location = self._last_location = SourceLocation(file=filename, line=line)
        return location

    def _add(self, step: Step) -> StepRef:
        # The row above now knows its next row: its NEXT exits become this step's id. Its
        # Exit objects are changed in place: nothing outside this SOP holds them (definition()
        # copies a step it hands out with NEXT still in it, see _freeze).
        steps = self._steps
        if steps:
            for exit_ in steps[-1].exits:
                if exit_.target == NEXT:
                    object.__setattr__(exit_, "target", step.id)
        steps.append(step)
        return StepRef(step.id, id(self))

    def _id(self, given: str | None, location: SourceLocation) -> str:
        if given is None:
            return f"s{len(self._steps) + 1}"
        if not isinstance(given, str) or not given or given.startswith("@") or ":" in given:
            raise DefinitionTypeError(
                location,
                f"step id must be a non-empty string without '@' at the start and without "
                f"':', got {given!r}",
                argument="id=", value=given,
            )
        if not given.strip():
            raise ValueError(f"{location}: step id must not be blank, got {given!r}")
        return given

    @staticmethod
    def _text(text: object, location: SourceLocation) -> str:
        if not isinstance(text, str):
            raise DefinitionTypeError(location, f"the Kegiatan text must be a string, got {text!r}",
                                      argument="text", value=text)
        return text

    @staticmethod
    def _time(time: object, location: SourceLocation) -> str:
        if not isinstance(time, str):
            raise DefinitionTypeError(
                location, f"Waktu must be the text as printed (e.g. '15 menit'), got {time!r}",
                argument="time=", value=time,
            )
        return time

    def _target(self, target: object, location: SourceLocation) -> str:
        if isinstance(target, StepRef):
            if target.owner != id(self):
                raise DefinitionValueError(
                    location,
                    f"step {target.id!r} belongs to another SOP; refer to steps of "
                    f"{self.name!r} only",
                    value=target,
                )
            return target.id
        if isinstance(target, str) and target:
            return target
        raise DefinitionTypeError(
            location,
            f"a target must be a step id, a step handle, NEXT, END or START, got {target!r}",
            value=target,
        )

    @staticmethod
    def _actors_of(by: object, location: SourceLocation) -> tuple[str, ...]:
        if type(by) is Actor:
            return (by.name,)
        items = [by] if isinstance(by, (Actor, str)) else by
        if not isinstance(items, Iterable):
            raise DefinitionTypeError(
                location, f"by= must be an actor, its name or a list, got {by!r}",
                argument="by=", value=by,
            )
        names: list[str] = []
        for item in items:
            if isinstance(item, Actor):
                names.append(item.name)
            elif isinstance(item, str):
                names.append(item)
            else:
                raise DefinitionTypeError(location, f"by= must name actors, got {item!r}",
                                          argument="by=", value=item)
        return tuple(names)



def _revisions(location: SourceLocation, value: object) -> tuple[Revision, ...]:
    """``revisions=`` as given: Revision values or (date, number, changes) tuples, checked
    here so a mistake is reported at the line that wrote it."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise DefinitionTypeError(location, f"revisions= must be a list of Revision or "
                                  f"(date, number, changes) tuples, got {value!r}",
                                  argument="revisions=", value=value)
    out = []
    for item in value:
        if isinstance(item, tuple) and len(item) == 3:
            try:
                item = Revision(date=item[0], number=item[1], changes=item[2])
            except TypeError as error:
                raise DefinitionTypeError(location, f"revisions=: {error}",
                                          argument="revisions=", value=item) from None
        if not isinstance(item, Revision):
            raise DefinitionTypeError(location, f"revisions= items must be Revision or "
                                      f"(date, number, changes) tuples, got {item!r}",
                                      argument="revisions=", value=item)
        out.append(item)
    return tuple(out)
def _side(location: SourceLocation, field: str, value: object) -> str | None:
    """An exit's side hint: None or one of :data:`~sopflow.model.EXIT_SIDES`."""
    if value is None:
        return None
    _check(location, field, value, str)
    if value not in EXIT_SIDES:
        raise DefinitionValueError(
            location, f"{field} must be one of {', '.join(EXIT_SIDES)}, got {value!r}",
            argument=field, value=value)
    return str(value)


def _sides(location: SourceLocation, sides: object, labels: list[str | None],
           ) -> dict[str | None, str]:
    """``sides=`` checked: each key the label of one of the decision's exits."""
    if sides is None:
        return {}
    if not isinstance(sides, Mapping):
        raise DefinitionTypeError(location, f"sides= must map exit labels to sides, "
                                            f"got {sides!r}", argument="sides=", value=sides)
    out: dict[str | None, str] = {}
    for label, side in sides.items():
        if label not in labels:
            raise DefinitionValueError(
                location, f"sides= names {label!r}, which is not an exit label of this "
                          f"decision ({', '.join(repr(lb) for lb in labels)})",
                argument="sides=", value=label)
        out[label] = _side(location, "sides=", side) or ""
    return {k: v for k, v in out.items() if v}


def _joint_actor(location: SourceLocation, field: str, actor: object,
                 actors: tuple[str, ...]) -> str | None:
    """``enter=``/``leave=``: None, or one of the step's own actors (or its name)."""
    if actor is None:
        return None
    name = actor.name if isinstance(actor, Actor) else actor
    _check(location, field, name, str)
    if name not in actors:
        raise DefinitionValueError(
            location, f"{field} must be one of the step's actors ({', '.join(actors)}), "
                      f"got {name!r}", argument=field, value=actor)
    return str(name)


def _document_style(location: SourceLocation,
                    document: DocumentStyle | Mapping[str, object] | None) -> DocumentStyle:
    """``document=`` as given: a DocumentStyle, or a dict of its settings (checked here, so a
    misspelt setting is reported with the line it was written on)."""
    if document is None:
        return DocumentStyle()
    if isinstance(document, DocumentStyle):
        return document
    if not isinstance(document, Mapping):
        raise TypeError(f"{location}: document= must be a DocumentStyle or a dict of its "
                        f"settings, got {type(document).__name__}")
    known = [f.name for f in attrs.fields(DocumentStyle)]
    for key in document:
        if key not in known:
            hint = difflib.get_close_matches(str(key), known, n=1)
            also = f"did you mean {hint[0]!r}? " if hint else ""
            raise TypeError(f"{location}: document= has no setting {key!r}; {also}"
                            f"valid settings: {', '.join(known)}")
    try:
        return DocumentStyle(**{str(k): v for k, v in document.items()})  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise type(error)(f"{location}: document=: {error}") from None
def _acceptances(location: SourceLocation, accept: Mapping[str, str] | None
                 ) -> tuple[Acceptance, ...]:
    """``accept=`` checked: known warning codes, each with a reason."""
    if accept is None:
        return ()
    if not isinstance(accept, Mapping):
        raise TypeError(f"{location}: accept= must map warning codes to reasons, "
                        f"e.g. {{'W101': 'as signed'}}, got {accept!r}")
    from sopflow.validate import check_acceptance

    out = []
    for code, reason in accept.items():
        problem = check_acceptance(code, reason)
        if problem:
            raise ValueError(f"{location}: accept=: {problem}")
        out.append(Acceptance(code=code, reason=reason))
    return tuple(out)
