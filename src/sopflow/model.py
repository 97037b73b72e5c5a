"""The SOP as plain, immutable values: identity, actors, steps and their exits.

Nothing here knows about drawing, running or timing. A definition can be built by the DSL
(:mod:`sopflow.dsl`), loaded from JSON, or written by hand; every consumer reads the compiled
graph (:mod:`sopflow.graph`), never the DSL.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import attrs

from sopflow._options import helpful_options
from sopflow.document import DocumentStyle
from sopflow.waktu import Basis

__all__ = [
    "END",
    "EXIT_SIDES",
    "START",
    "Acceptance",
    "Actor",
    "Exit",
    "Identity",
    "Labels",
    "Revision",
    "SOPDefinition",
    "Signatory",
    "SourceLocation",
    "Step",
    "StepKind",
    "identity_label",
    "required_identity_fields",
]

#: Exit target meaning "the procedure ends here" (an end capsule, "Selesai").
END = "@end"
#: Exit target meaning "back to the start capsule" (seen in real SOPs: a loop into "Mulai").
START = "@start"
#: The sides an exit may ask to leave its shape by (``Exit.side``).
EXIT_SIDES = ("left", "right", "bottom")


def _tuple_of_str(value: object) -> tuple[str, ...]:
    """Accept one string or an iterable of strings; refuse anything else by name."""
    if isinstance(value, str):
        return (value,)
    if type(value) is tuple:
        for item in value:  # a plain loop: this runs for two fields of every step
            if type(item) is not str:
                break
        else:
            return value  # the common case, already right: no copy
    if not isinstance(value, Iterable):
        raise TypeError(f"expected a string or a list of strings, got {value!r}")
    try:
        items = tuple(value)
    except TypeError:
        raise TypeError(f"expected a string or a list of strings, got {value!r}") from None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"expected a string or a list of strings, got {value!r}")
    return items


def _text_field(
    owner: str, attribute: attrs.Attribute[object], value: object, *, optional: bool = False
) -> None:
    """attrs validator: a string (or None when ``optional``), refused by field name."""
    if isinstance(value, str) or (optional and value is None):
        return
    allowed = "a string or None" if optional else "a string"
    raise TypeError(f"{owner}.{attribute.name} must be {allowed}, got {value!r}")


@attrs.frozen(kw_only=True, slots=True)
class Acceptance:
    """A warning accepted on purpose, with the reason: the signed SOP says so, and a faithful
    copy keeps it. Validation still finds it and shows it as accepted; it no longer counts as
    a warning (``--strict-warnings`` passes)."""

    code: str
    reason: str


@attrs.frozen(kw_only=True, slots=True)
class SourceLocation:
    """Where an element was written: file and line of the DSL call."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@attrs.frozen(kw_only=True, slots=True)
class Signatory:
    """The official who approves the SOP ("Disahkan oleh"): position, name and NIP."""

    position: str = attrs.field(validator=lambda _, a, v: _text_field("Signatory", a, v))
    name: str | None = attrs.field(
        default=None, validator=lambda _, a, v: _text_field("Signatory", a, v, optional=True)
    )
    nip: str | None = attrs.field(
        default=None, validator=lambda _, a, v: _text_field("Signatory", a, v, optional=True)
    )


def _revision_day(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """attrs validator: a date (not a datetime) or None."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return
    raise TypeError(f"Revision.{attribute.name} must be a date or None, got {value!r}")


def _revision_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _text_field("Revision", attribute, value)


@attrs.frozen(kw_only=True, slots=True)
class Revision:
    """One line of the revision history ("Riwayat Revisi") signed SOPs print: when, which
    revision ("01", "Revisi 2"), and what changed. Text is printed exactly as written."""

    date: date | None = attrs.field(default=None, validator=_revision_day)
    number: str = attrs.field(default="", validator=_revision_text)
    changes: str = attrs.field(default="", validator=_revision_text)


def _revisions(value: object) -> tuple[Revision, ...]:
    """A list of :class:`Revision` values as a tuple; anything else refused by name."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"Identity.revisions must be a list of Revision, got {value!r}")
    items = tuple(value)
    for item in items:
        if not isinstance(item, Revision):
            raise TypeError(f"Identity.revisions must hold Revision values, got {item!r}")
    return items


def _about(label: str, *, required: bool = False) -> dict[str, Any]:
    """Field metadata of an identity field: its Indonesian name on the document (``label``)
    and whether validation requires it (``required``): the one home of both facts."""
    return {"label": label, "required": required}


@attrs.frozen(kw_only=True, slots=True)
class Identity:
    """The thirteen fields of the SOP AP identity page, in the guideline's order, then the
    revision history (``revisions``, oldest first, as signed SOPs list it).

    Each field's metadata holds its printed name and whether it is required; read them with
    :func:`identity_label` and :func:`required_identity_fields`.
    """

    # printed without a field name (the unit block); messages call it this
    unit: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str,
                                        metadata=_about("the unit's names"))
    number: str | None = attrs.field(default=None, metadata=_about("Nomor SOP", required=True))
    created: date | None = attrs.field(default=None,
                                       metadata=_about("Tanggal Pembuatan", required=True))
    revised: date | None = attrs.field(default=None, metadata=_about("Tanggal Revisi"))
    effective: date | None = attrs.field(default=None,
                                         metadata=_about("Tanggal Efektif", required=True))
    approved_by: Signatory | None = attrs.field(default=None,
                                                metadata=_about("Disahkan oleh", required=True))
    name: str = attrs.field(default="", metadata=_about("Nama SOP", required=True))
    legal_basis: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str,
                                               metadata=_about("Dasar Hukum"))
    qualifications: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str,
                                                  metadata=_about("Kualifikasi Pelaksana"))
    related: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str,
                                           metadata=_about("Keterkaitan"))
    equipment: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str,
                                             metadata=_about("Peralatan/Perlengkapan"))
    warning: str = attrs.field(default="", metadata=_about("Peringatan"))
    records: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str,
                                           metadata=_about("Pencatatan dan Pendataan"))
    revisions: tuple[Revision, ...] = attrs.field(default=(), converter=_revisions,
                                                  metadata=_about("Riwayat Revisi"))


def identity_label(field: str) -> str:
    """The Indonesian name of identity field ``field`` ("created" -> "Tanggal Pembuatan")."""
    return str(attrs.fields_dict(Identity)[field].metadata["label"])


def required_identity_fields() -> tuple[str, ...]:
    """The identity fields validation requires, in the guideline's order."""
    return tuple(f.name for f in attrs.fields(Identity) if f.metadata["required"])


@helpful_options({"ya": "yes", "tidak": "no", "mulai": "start", "selesai": "end"})
@attrs.frozen(kw_only=True, slots=True)
class Labels:
    """The document's words, Indonesian by default; agencies vary them."""

    yes: str = "Ya"
    no: str = "Tidak"
    start: str = "Mulai"
    end: str = "Selesai"


@attrs.frozen(kw_only=True, slots=True)
class Actor:
    """A lane of the flowchart table (a "Pelaksana")."""

    name: str
    note: str = ""
    location: SourceLocation | None = attrs.field(default=None, eq=False)


class StepKind(enum.Enum):
    """The two symbols a step can have: a process rectangle or a decision diamond."""

    PROCESS = "process"
    DECISION = "decision"


@attrs.frozen(kw_only=True, slots=True)
class Exit:
    """One outgoing arrow of a step: a label (None when unlabelled) and a target.

    ``target`` is a step id, :data:`END` or :data:`START`. ``side`` optionally asks the
    document to draw the arrow leaving by one side of its shape (one of :data:`EXIT_SIDES`).
    """

    label: str | None
    target: str
    location: SourceLocation | None = attrs.field(default=None, eq=False)
    side: str | None = None


@attrs.frozen(kw_only=True, slots=True)
class Step:
    """One row of the flowchart table with its Mutu Baku.

    A process has at most one exit (none means the flow stops there, which validation
    reports); a decision has two or more labelled exits. ``page_break``: the printed table
    starts a new page with this row (ignored on the first row: no empty page).
    """

    id: str
    text: str
    kind: StepKind
    actors: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    exits: tuple[Exit, ...] = ()
    question: str | None = None
    inputs: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    time: str = ""
    output: str = ""
    note: str = ""
    accept: tuple[Acceptance, ...] = ()
    location: SourceLocation | None = attrs.field(default=None, eq=False)
    #: start a new page of the table with this row (honoured from the second row on)
    page_break: bool = False
    #: a joint step (several actors): the actor whose box the flow enters, and the one it
    #: leaves from (None: the box nearest the incoming flow / the next step)
    enter: str | None = None
    leave: str | None = None


@attrs.frozen(kw_only=True, slots=True)
class SOPDefinition:
    """A whole SOP: identity, lanes in order, steps in row order, document words.

    ``start`` is the id of the step the start capsule leads to (the first step by default);
    ``accept`` lists warnings accepted for the whole SOP (a step's own ``accept`` covers
    that step only). ``bare_hari`` says how a bare "hari" in a Waktu is read; None when the
    SOP does not say (read as working days, and validation asks to write "hari kerja" or
    "hari kalender"). ``document`` holds the agency's printing conventions (see
    `sopflow.document`).
    """

    identity: Identity
    actors: tuple[Actor, ...]
    steps: tuple[Step, ...]
    labels: Labels = Labels()
    start: str | None = None
    bare_hari: Basis | None = None
    accept: tuple[Acceptance, ...] = ()
    document: DocumentStyle = attrs.Factory(DocumentStyle)
    location: SourceLocation | None = attrs.field(default=None, eq=False)

    @property
    def bare_hari_basis(self) -> Basis:
        """How a bare "hari" is read: as stated, else working days."""
        return self.bare_hari if self.bare_hari is not None else Basis.WORKING

    @property
    def name(self) -> str:
        """The SOP's name (Nama SOP)."""
        return self.identity.name

    @property
    def start_step(self) -> str | None:
        """The step the start capsule leads to, or None for an SOP without steps."""
        if self.start is not None:
            return self.start
        return self.steps[0].id if self.steps else None
