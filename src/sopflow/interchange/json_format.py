"""The versioned JSON form of an SOP definition ("format": "sopflow/1").

Other tools of an agency (web forms, databases) exchange SOPs this way. The format is a
plain image of :class:`sopflow.model.SOPDefinition`: definition -> JSON -> definition gives an
equal definition. Loading checks the structure by hand (no runtime dependency) and never
executes code; a problem is reported with the JSON path of the offending value
(``$.steps[2].exits[0].target``) and, when the text is at hand, its line. The published JSON
Schema (``sopflow-1.schema.json``, package data) describes the same structure for other tools;
the reference is ``docs/json-format.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import attrs

from sopflow._atomic import write_atomic
from sopflow._textcheck import text_problem
from sopflow.document import DocumentStyle
from sopflow.model import (
    EXIT_SIDES,
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
)
from sopflow.waktu import Basis

__all__ = [
    "FORMAT",
    "SCHEMA_FILE",
    "JSONFormatError",
    "dump",
    "dumps",
    "from_dict",
    "load",
    "loads",
    "schema",
    "to_dict",
]

#: The format tag every document carries; the number changes only on incompatible changes.
FORMAT = "sopflow/1"
#: The JSON Schema of :data:`FORMAT`, shipped inside the package.
SCHEMA_FILE = "sopflow-1.schema.json"

_T = TypeVar("_T")


class JSONFormatError(ValueError):
    """A JSON document that is not a valid sopflow definition.

    ``path`` is the JSON path of the problem (``$`` is the document), ``file`` and ``line``
    say where it is when known.
    """

    def __init__(
        self, message: str, *, path: str = "$", file: str | None = None, line: int | None = None
    ) -> None:
        self.message = message
        self.path = path
        self.file = file
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return f"{where}{self.path}: {self.message}"


# -- writing ------------------------------------------------------------------------------------


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_dict(definition: SOPDefinition) -> dict[str, Any]:
    """The JSON-ready dict of ``definition`` (keys in a stable, readable order)."""
    if not isinstance(definition, SOPDefinition):
        hint = (" (use .definition(), or .definition of a compiled procedure)"
                if hasattr(definition, "definition") else "")
        raise TypeError(f"expected an SOPDefinition, got {type(definition).__name__}{hint}")
    identity = definition.identity
    signatory = identity.approved_by
    return {
        "format": FORMAT,
        "identity": {
            "name": identity.name,
            "number": identity.number,
            "unit": list(identity.unit),
            "created": _date(identity.created),
            "revised": _date(identity.revised),
            "effective": _date(identity.effective),
            "approved_by": None
            if signatory is None
            else {"position": signatory.position, "name": signatory.name, "nip": signatory.nip},
            "legal_basis": list(identity.legal_basis),
            "qualifications": list(identity.qualifications),
            "related": list(identity.related),
            "equipment": list(identity.equipment),
            "warning": identity.warning,
            "records": list(identity.records),
            "revisions": [{"date": _date(v.date), "number": v.number, "changes": v.changes}
                          for v in identity.revisions],
        },
        "labels": {
            "yes": definition.labels.yes,
            "no": definition.labels.no,
            "start": definition.labels.start,
            "end": definition.labels.end,
        },
        "bare_hari": definition.bare_hari.value if definition.bare_hari is not None else None,
        "start": definition.start,
        "actors": [{"name": a.name, "note": a.note} for a in definition.actors],
        "steps": [
            {
                "id": s.id,
                "kind": s.kind.value,
                "text": s.text,
                "actors": list(s.actors),
                "question": s.question,
                "inputs": list(s.inputs),
                "time": s.time,
                "output": s.output,
                "note": s.note,
                "exits": [_exit_out(e) for e in s.exits],
                "accept": _accept_out(s.accept),
                "page_break": s.page_break,
                "enter": s.enter,
                "leave": s.leave,
            }
            for s in definition.steps
        ],
        "accept": _accept_out(definition.accept),
        "document": definition.document.settings(),
    }


def _exit_out(e: Exit) -> dict[str, str | None]:
    """An exit; its side hint only when it has one (files without hints stay as they were)."""
    out = {"label": e.label, "target": e.target}
    if e.side is not None:
        out["side"] = e.side
    return out


def _accept_out(accept: tuple[Acceptance, ...]) -> dict[str, str]:
    """Accepted warnings as ``{code: reason}``."""
    return {a.code: a.reason for a in accept}


def dumps(definition: SOPDefinition, *, indent: int | None = 2) -> str:
    """The JSON text of ``definition`` (UTF-8 friendly: non-ASCII letters kept as written)."""
    return json.dumps(to_dict(definition), indent=indent, ensure_ascii=False) + "\n"


def dump(definition: SOPDefinition, path: str | Path) -> None:
    """Write ``definition`` as JSON to ``path`` (UTF-8), atomically (see
    :func:`sopflow._atomic.write_atomic`)."""
    write_atomic(path, dumps(definition))


# -- reading ------------------------------------------------------------------------------------


class _Reader:
    """Checks one JSON value against the expected structure, naming the path of a problem."""

    def __init__(self, file: str | None, lines: Callable[[str], int | None]) -> None:
        self.file = file
        self.lines = lines

    def fail(self, path: str, message: str) -> JSONFormatError:
        return JSONFormatError(message, path=path, file=self.file, line=self.lines(path))

    def obj(
        self, value: object, path: str, required: set[str], optional: set[str]
    ) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected an object, got {_kind(value)}")
        duplicate = getattr(value, "duplicate", None)
        if duplicate is not None:
            raise self.fail(f"{path}.{duplicate}", f"duplicate key {duplicate!r}: a key may "
                            "appear once in an object (which value was meant?)")
        missing = sorted(required - value.keys())
        if missing:
            raise self.fail(path, f"missing required key {missing[0]!r}")
        unknown = sorted(value.keys() - required - optional)
        if unknown:
            allowed = ", ".join(sorted(required | optional))
            raise self.fail(f"{path}.{unknown[0]}",
                            f"unknown key {unknown[0]!r} (allowed: {allowed})")
        return value

    def str_(self, value: object, path: str, *, nonempty: bool = False) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected a string, got {_kind(value)}")
        if nonempty and not value.strip():
            raise self.fail(path, "must not be empty")
        problem = text_problem(value)
        if problem is not None:
            raise self.fail(path, problem)
        return value

    def opt_str(self, value: object, path: str) -> str | None:
        return None if value is None else self.str_(value, path)

    def strs(self, value: object, path: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected an array of strings, got {_kind(value)}")
        return tuple(self.str_(v, f"{path}[{i}]") for i, v in enumerate(value))

    def opt_date(self, value: object, path: str) -> date | None:
        if value is None:
            return None
        text = self.str_(value, path)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise self.fail(path, f"expected a date as YYYY-MM-DD, got {text!r}")
        try:
            return date.fromisoformat(text)
        except ValueError as error:
            raise self.fail(path, f"not a valid date {text!r}: {error}") from None

    def choice(self, value: object, path: str, enum: type[_T]) -> _T:
        allowed = [m.value for m in enum]  # type: ignore[attr-defined]
        if value not in allowed:
            raise self.fail(path, f"expected one of {allowed}, got {value!r}")
        return enum(value)  # type: ignore[call-arg]

    def flag(self, value: object, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"expected true or false, got {_kind(value)}")
        return value

    def array(self, value: object, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected an array, got {_kind(value)}")
        return value


def _side_in(r: _Reader, value: object, path: str) -> str | None:
    """An exit's side hint: null or one of :data:`~sopflow.model.EXIT_SIDES`."""
    if value is not None and value not in EXIT_SIDES:
        raise r.fail(f"{path}.side", f"expected one of {list(EXIT_SIDES)} or null, "
                                     f"got {value!r}")
    return None if value is None else str(value)


def _joint_in(r: _Reader, value: object, actors: tuple[str, ...], path: str) -> str | None:
    """A joint step's entry or exit actor: null or one of the step's own actors."""
    name = r.opt_str(value, path)
    if name is not None and name not in actors:
        raise r.fail(path, f"must name one of the step's actors {list(actors)}, got {name!r}")
    return name


def _accept_in(r: _Reader, value: object, path: str) -> tuple[Acceptance, ...]:
    from sopflow.validate import check_acceptance


    if not isinstance(value, dict):
        raise r.fail(path, f"expected an object mapping warning codes to reasons, got "
                           f"{_kind(value)}")
    out = []
    for code, reason in value.items():
        problem = check_acceptance(code, reason)
        if problem:
            raise r.fail(f"{path}.{code}", problem)
        out.append(Acceptance(code=code, reason=reason))
    return tuple(out)


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number",
             float: "a number", _LongNumber: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


class _Object(dict[str, Any]):
    """A JSON object that remembers its first repeated key (``json`` keeps the last value)."""

    duplicate: str | None = None


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    result = _Object()
    for key, value in pairs:
        if key in result and result.duplicate is None:
            result.duplicate = key
        result[key] = value
    return result


class _LongNumber:
    """An integer too long to be a number anyone meant (Python refuses to convert over 4,300
    digits, and no field of the format is a number): kept only to be reported."""

    def __init__(self, digits: str) -> None:
        self.digits = len(digits)

    def __repr__(self) -> str:
        return f"<a number of {self.digits} digits>"


def _parse_int(digits: str) -> int | _LongNumber:
    return int(digits) if len(digits) <= 100 else _LongNumber(digits)


_IDENTITY_KEYS = {
    "number", "unit", "created", "revised", "effective", "approved_by", "legal_basis",
    "qualifications", "related", "equipment", "warning", "records", "revisions",
}
_STEP_KEYS = {"question", "inputs", "time", "output", "note", "exits", "accept", "page_break",
              "enter", "leave"}


def from_dict(
    data: object,
    *,
    file: str | None = None,
    locate: Callable[[str], int | None] | None = None,
) -> SOPDefinition:
    """Check ``data`` (a parsed JSON document) and build the definition it describes.

    Raises :class:`JSONFormatError` naming the JSON path of the first problem. ``file`` (and
    ``locate``, a JSON path -> line function) let elements carry a :class:`SourceLocation`, so
    validation findings point into the JSON file.
    """
    lines = locate or (lambda _path: None)
    r = _Reader(file, lines)

    def where(path: str) -> SourceLocation | None:
        line = lines(path)
        return SourceLocation(file=file, line=line) if file is not None and line else None

    if not isinstance(data, dict):
        raise r.fail("$", f"expected an object with \"format\": {FORMAT!r}, got {_kind(data)}")
    tag = data.get("format")
    if tag != FORMAT:
        if isinstance(tag, str) and tag.startswith("sopflow/"):
            raise r.fail("$.format", f"unsupported format version {tag!r}; this sopflow reads "
                                     f"{FORMAT!r}")
        raise r.fail("$.format", f"not a sopflow definition: \"format\" must be {FORMAT!r}, "
                                 f"got {tag!r}")
    top = r.obj(data, "$", {"format", "identity", "actors", "steps"},
                {"labels", "bare_hari", "start", "accept", "document"})

    ident = r.obj(top["identity"], "$.identity", {"name"}, _IDENTITY_KEYS)
    signatory: Signatory | None = None
    if ident.get("approved_by") is not None:
        sig = r.obj(ident["approved_by"], "$.identity.approved_by", {"position"}, {"name", "nip"})
        signatory = Signatory(
            position=r.str_(sig["position"], "$.identity.approved_by.position"),
            name=r.opt_str(sig.get("name"), "$.identity.approved_by.name"),
            nip=r.opt_str(sig.get("nip"), "$.identity.approved_by.nip"),
        )
    identity = Identity(
        name=r.str_(ident["name"], "$.identity.name"),
        number=r.opt_str(ident.get("number"), "$.identity.number"),
        unit=r.strs(ident.get("unit", []), "$.identity.unit"),
        created=r.opt_date(ident.get("created"), "$.identity.created"),
        revised=r.opt_date(ident.get("revised"), "$.identity.revised"),
        effective=r.opt_date(ident.get("effective"), "$.identity.effective"),
        approved_by=signatory,
        legal_basis=r.strs(ident.get("legal_basis", []), "$.identity.legal_basis"),
        qualifications=r.strs(ident.get("qualifications", []), "$.identity.qualifications"),
        related=r.strs(ident.get("related", []), "$.identity.related"),
        equipment=r.strs(ident.get("equipment", []), "$.identity.equipment"),
        warning=r.str_(ident.get("warning", ""), "$.identity.warning"),
        records=r.strs(ident.get("records", []), "$.identity.records"),
        revisions=_revisions_in(r, ident.get("revisions", [])),
    )

    labels = Labels()
    if "labels" in top:
        lab = r.obj(top["labels"], "$.labels", set(), {"yes", "no", "start", "end"})
        labels = Labels(**{k: r.str_(v, f"$.labels.{k}") for k, v in lab.items()})

    actors = []
    for i, item in enumerate(r.array(top["actors"], "$.actors")):
        path = f"$.actors[{i}]"
        a = r.obj(item, path, {"name"}, {"note"})
        actors.append(Actor(name=r.str_(a["name"], f"{path}.name", nonempty=True),
                            note=r.str_(a.get("note", ""), f"{path}.note"),
                            location=where(path)))

    steps = []
    for i, item in enumerate(r.array(top["steps"], "$.steps")):
        path = f"$.steps[{i}]"
        s = r.obj(item, path, {"id", "kind", "text", "actors"}, _STEP_KEYS)
        step_id = r.str_(s["id"], f"{path}.id")
        if not step_id or step_id.startswith("@") or ":" in step_id:
            raise r.fail(f"{path}.id", "a step id must be non-empty, not start with '@' and "
                                       f"not contain ':', got {step_id!r}")
        if not step_id.strip():
            raise r.fail(f"{path}.id", f"a step id must not be blank, got {step_id!r}")
        location = where(path)
        exits = []
        for k, e in enumerate(r.array(s.get("exits", []), f"{path}.exits")):
            epath = f"{path}.exits[{k}]"
            ex = r.obj(e, epath, {"target"}, {"label", "side"})
            exits.append(Exit(label=r.opt_str(ex.get("label"), f"{epath}.label"),
                              target=r.str_(ex["target"], f"{epath}.target", nonempty=True),
                              location=location, side=_side_in(r, ex.get("side"), epath)))
        actors_ = r.strs(s["actors"], f"{path}.actors")
        steps.append(Step(
            id=step_id,
            kind=r.choice(s["kind"], f"{path}.kind", StepKind),
            text=r.str_(s["text"], f"{path}.text"),
            actors=actors_,
            question=r.opt_str(s.get("question"), f"{path}.question"),
            inputs=r.strs(s.get("inputs", []), f"{path}.inputs"),
            time=r.str_(s.get("time", ""), f"{path}.time"),
            output=r.str_(s.get("output", ""), f"{path}.output"),
            note=r.str_(s.get("note", ""), f"{path}.note"),
            exits=tuple(exits),
            accept=_accept_in(r, s.get("accept", {}), f"{path}.accept"),
            location=location,
            page_break=r.flag(s.get("page_break", False), f"{path}.page_break"),
            enter=_joint_in(r, s.get("enter"), actors_, f"{path}.enter"),
            leave=_joint_in(r, s.get("leave"), actors_, f"{path}.leave"),
        ))

    return SOPDefinition(
        identity=identity,
        actors=tuple(actors),
        steps=tuple(steps),
        labels=labels,
        start=r.opt_str(top.get("start"), "$.start"),
        accept=_accept_in(r, top.get("accept", {}), "$.accept"),
        bare_hari=(None if top.get("bare_hari") is None
                   else r.choice(top.get("bare_hari"), "$.bare_hari", Basis)),
        document=_document(r, top.get("document")),
        location=SourceLocation(file=file, line=1) if file is not None else None,
    )


def _revisions_in(r: _Reader, value: object) -> tuple[Revision, ...]:
    """The revision history: a list of {date, number, changes}, each optional."""
    out = []
    for k, item in enumerate(r.array(value, "$.identity.revisions")):
        path = f"$.identity.revisions[{k}]"
        rev = r.obj(item, path, set(), {"date", "number", "changes"})
        out.append(Revision(date=r.opt_date(rev.get("date"), f"{path}.date"),
                            number=r.str_(rev.get("number", ""), f"{path}.number"),
                            changes=r.str_(rev.get("changes", ""), f"{path}.changes")))
    return tuple(out)


def _document(r: _Reader, value: object) -> DocumentStyle:
    """The `document` section: the agency's printing conventions (all optional)."""
    if value is None:
        return DocumentStyle()
    known = {f.name for f in attrs.fields(DocumentStyle)}
    doc = dict(r.obj(value, "$.document", set(), known))
    for key in ("column_labels", "identity_labels"):
        if key in doc:
            labels = doc[key]
            if not isinstance(labels, dict):
                raise r.fail(f"$.document.{key}", f"expected an object, got {_kind(labels)}")
            doc[key] = {k: r.str_(v, f"$.document.{key}.{k}") for k, v in labels.items()}
    for key, item in doc.items():
        if key.endswith("_labels"):
            continue
        expected = bool if key in _DOCUMENT_FLAGS else str
        if not isinstance(item, expected):
            word = "true or false" if expected is bool else "a string"
            raise r.fail(f"$.document.{key}", f"expected {word}, got {_kind(item)}")
    try:
        return DocumentStyle(**doc)
    except (TypeError, ValueError) as error:
        raise r.fail("$.document", str(error)) from None


_DOCUMENT_FLAGS = frozenset({"repeat_header", "page_numbers", "column_numbers", "start_own_row",
                             "table_below_identity", "tte"})


def _locator(text: str) -> Callable[[str], int | None]:
    """Map the JSON path of an array element (``$.steps[2]``) to the line it starts on.

    Computed from the text by a light scan, without a second parser: each top-level array's
    elements are found by tracking nesting depth, strings and escapes.
    """
    starts: dict[str, int] = {}
    depth = 0
    in_string = escaped = False
    line = 1
    key: str | None = None  # the last top-level key seen
    current: str | None = None  # the top-level array we are in
    index = -1
    token_start = 0
    last_string = ""
    for pos, ch in enumerate(text):
        if ch == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
                last_string = text[token_start + 1 : pos]
            continue
        if ch == '"':
            in_string, token_start = True, pos
        elif ch == ":" and depth == 1:
            key = last_string
        elif ch in "[{":
            if depth == 2 and current is not None and ch == "{":
                index += 1
                starts[f"$.{current}[{index}]"] = line
            depth += 1
            if depth == 2 and ch == "[":
                current, index = key, -1
        elif ch in "]}":
            depth -= 1
            if depth == 1:
                current = None
    element = re.compile(r"^(\$\.\w+\[\d+\])")

    def lines(path: str) -> int | None:
        match = element.match(path)
        return starts.get(match.group(1)) if match else None

    return lines


def loads(text: str | bytes, *, file: str | None = None) -> SOPDefinition:
    """Parse JSON text into a definition; never executes anything from the text."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise JSONFormatError(f"not UTF-8 text: {error.reason} at byte {error.start}",
                                  file=file) from None
    if not isinstance(text, str):
        raise TypeError(f"loads expects JSON text (str or UTF-8 bytes), got {type(text).__name__}")
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_int=_parse_int)
    except json.JSONDecodeError as error:
        raise JSONFormatError(f"not valid JSON: {error.msg} (column {error.colno})",
                              file=file, line=error.lineno) from None
    except RecursionError:
        raise JSONFormatError("not valid JSON: nested too deeply", file=file) from None
    except ValueError as error:  # anything else the decoder refuses (a number out of range)
        raise JSONFormatError(f"not valid JSON: {error}", file=file) from None
    return from_dict(data, file=file, locate=_locator(text))


def load(path: str | Path) -> SOPDefinition:
    """Read a definition from a JSON file; its elements remember their lines in the file.

    A UTF-8 byte order mark (written by some Windows editors) is ignored, as RFC 8259 allows.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise JSONFormatError(f"not UTF-8 text: {error.reason} at byte {error.start}",
                              file=name) from None
    return loads(text, file=name)


def schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of :data:`FORMAT`."""
    text = resources.files("sopflow.interchange").joinpath(SCHEMA_FILE).read_text("utf-8")
    result: dict[str, Any] = json.loads(text)
    return result
