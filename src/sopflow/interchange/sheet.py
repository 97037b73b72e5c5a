"""The SOP as a table, independent of the file format: cells in, definition out, and back.

Agencies often collect an SOP's steps in a spreadsheet before anyone draws it: one row per
step, one column per Pelaksana with a mark where the step is done, the Mutu Baku columns and a
column saying where each step goes next. This module turns such a grid of cell values into a
:class:`~sopflow.model.SOPDefinition` (collecting every problem with the cell it is in, so
nothing is half-imported) and a definition into grids. :mod:`sopflow.interchange.xlsx` reads
and writes the grids as .xlsx and .csv files; nothing here imports a spreadsheet library.

The sheets (names in Indonesian, as the document words are):

* ``Langkah`` (steps): ``No | ID | Kegiatan | Jenis | <one column per Pelaksana> |
  Pertanyaan | Kelengkapan | Waktu | Output | Keterangan | Keluar``. Only ``Kegiatan`` is
  required; any header that is not one of these names is a Pelaksana.
* ``Pelaksana`` (lanes, optional): name and note of each lane, in the document's order.
* ``Identitas`` (optional): the identity fields, one per row, a list field's items in the
  cells to the right of its name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

import attrs

from sopflow.model import (
    END,
    START,
    Actor,
    Exit,
    Identity,
    Labels,
    Signatory,
    SOPDefinition,
    SourceLocation,
    Step,
    StepKind,
)
from sopflow.waktu import Basis

__all__ = [
    "IDENTITY_SHEET",
    "KIND_WORDS",
    "LANE_SHEET",
    "STEP_COLUMNS",
    "STEP_SHEET",
    "Grid",
    "SheetError",
    "SheetFinding",
    "cell_name",
    "column_letter",
    "definition_from_grids",
    "identity_rows",
    "lane_rows",
    "step_rows",
]

STEP_SHEET = "Langkah"
LANE_SHEET = "Pelaksana"
IDENTITY_SHEET = "Identitas"

#: Fixed columns of the steps sheet: key, header as written, other accepted headers. The lane
#: columns sit between ``Jenis`` and ``Pertanyaan`` when sopflow writes the sheet.
STEP_COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("no", "No", ("no.", "nomor")),
    ("id", "ID", ("id langkah",)),
    ("text", "Kegiatan", ("activity", "text", "uraian kegiatan")),
    ("kind", "Jenis", ("kind", "simbol")),
    ("question", "Pertanyaan", ("question",)),
    ("inputs", "Kelengkapan", ("inputs",)),
    ("time", "Waktu", ("time",)),
    ("output", "Output", ("keluaran",)),
    ("note", "Keterangan", ("note",)),
    ("exits", "Keluar", ("exits", "lanjut ke", "selanjutnya")),
)
_LEFT = 4  # columns before the lanes

#: Words of the Jenis column (lower case) and the kind they mean.
KIND_WORDS: dict[str, StepKind] = {
    "proses": StepKind.PROCESS,
    "kegiatan": StepKind.PROCESS,
    "process": StepKind.PROCESS,
    "keputusan": StepKind.DECISION,
    "decision": StepKind.DECISION,
}
_KIND_TEXT = {StepKind.PROCESS: "Proses", StepKind.DECISION: "Keputusan"}
_BASIS_TEXT = {Basis.WORKING: "kerja", Basis.CALENDAR: "kalender"}
_BASIS_WORDS = {"kerja": Basis.WORKING, "hari kerja": Basis.WORKING, "working": Basis.WORKING,
                "kalender": Basis.CALENDAR, "hari kalender": Basis.CALENDAR,
                "calendar": Basis.CALENDAR}
_MONTHS = ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus",
           "september", "oktober", "november", "desember")
#: A cell holding only this says "no exit" (an empty Keluar means "the next row").
NO_EXIT = "-"


def column_letter(col: int) -> str:
    """Spreadsheet column letters of a 1-based column number (1 -> A, 27 -> AA)."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(sheet: str, row: int, col: int | None = None) -> str:
    """``Langkah!C7`` (or ``Langkah!7`` for a whole row); a sheet name with spaces is quoted."""
    quoted = f"'{sheet}'" if re.search(r"[^0-9A-Za-z_.]", sheet) else sheet
    return f"{quoted}!{column_letter(col) if col else ''}{row}"


@attrs.frozen(kw_only=True)
class SheetFinding:
    """One problem in a spreadsheet and the cell (or row, or range) it is in."""

    cell: str
    message: str

    def __str__(self) -> str:
        return f"{self.cell}: {self.message}"


class SheetError(ValueError):
    """A spreadsheet that is not an SOP table: every problem found, each with its cell."""

    def __init__(self, file: str, findings: Sequence[SheetFinding]) -> None:
        self.file = file
        self.findings = tuple(findings)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.file}: {f}" for f in self.findings)


@attrs.frozen(kw_only=True)
class Grid:
    """One sheet's cell values, row by row (``rows[0]`` is row 1); ``merged`` lists the
    ranges of merged cells (``"C3:D4"``)."""

    name: str
    rows: tuple[tuple[Any, ...], ...]
    merged: tuple[str, ...] = ()

    def value(self, row: int, col: int) -> Any:
        """The value at 1-based ``row`` and ``col`` (None outside the used range)."""
        if row > len(self.rows):
            return None
        cells = self.rows[row - 1]
        return cells[col - 1] if col <= len(cells) else None

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


# -- reading ------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell's value as the text it shows: numbers without a spurious ``.0``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    return str(value)


def _lines(value: Any) -> tuple[str, ...]:
    """A list cell: one item per line (empty lines dropped; Windows line ends accepted)."""
    return tuple(line.removesuffix("\r") for line in _text(value).split("\n")
                 if line.removesuffix("\r"))


def _key(header: str) -> str:
    return " ".join(header.replace("\n", " ").split()).casefold()


class _Reader:
    """Collects findings while reading; a short-lived helper of one import."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.findings: list[SheetFinding] = []

    def fail(self, cell: str, message: str) -> None:
        self.findings.append(SheetFinding(cell=cell, message=message))

    def check_merged(self, grid: Grid) -> None:
        for cells in grid.merged:
            self.fail(cell_name(grid.name, 1).removesuffix("1") + cells,
                      "merged cells: unmerge them, every step and field needs its own cells")


# ---- identity sheet

_IDENTITY_FIELDS: tuple[tuple[str, str, str], ...] = (
    # key, label as written, how the value is read: text | list | date | optional
    ("name", "Nama SOP", "text"),
    ("number", "Nomor SOP", "optional"),
    ("unit", "Unit", "list"),
    ("created", "Tanggal Pembuatan", "date"),
    ("revised", "Tanggal Revisi", "date"),
    ("effective", "Tanggal Efektif", "date"),
    ("position", "Disahkan oleh", "optional"),
    ("signer", "Nama Pejabat", "optional"),
    ("nip", "NIP", "optional"),
    ("legal_basis", "Dasar Hukum", "list"),
    ("qualifications", "Kualifikasi Pelaksana", "list"),
    ("related", "Keterkaitan", "list"),
    ("equipment", "Peralatan/Perlengkapan", "list"),
    ("warning", "Peringatan", "text"),
    ("records", "Pencatatan dan Pendataan", "list"),
    ("yes", "Label Ya", "text"),
    ("no", "Label Tidak", "text"),
    ("start_label", "Label Mulai", "text"),
    ("end_label", "Label Selesai", "text"),
    ("bare_hari", "Hari", "text"),
    ("start", "Langkah pertama", "optional"),
)
_IDENTITY_ALIASES = {"unit kerja": "unit", "instansi": "unit", "nomor": "number",
                     "nama": "name", "peralatan": "equipment", "pencatatan": "records"}


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})", text)
    if match and match.group(2).casefold() in _MONTHS:
        return date(int(match.group(3)), _MONTHS.index(match.group(2).casefold()) + 1,
                    int(match.group(1)))
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if match:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    raise ValueError(text)


def _read_identity(r: _Reader, grid: Grid | None) -> dict[str, Any]:
    """The identity sheet's fields by key (absent fields are left out)."""
    if grid is None:
        return {}
    r.check_merged(grid)
    how_of = {key: how for key, _, how in _IDENTITY_FIELDS}
    labels = {_key(label): (key, how) for key, label, how in _IDENTITY_FIELDS}
    labels.update({alias: (key, how_of[key]) for alias, key in _IDENTITY_ALIASES.items()})
    found: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for row in range(1, len(grid.rows) + 1):
        label = _text(grid.value(row, 1)).strip()
        values = [grid.value(row, c) for c in range(2, grid.width + 1)]
        if row == 1 and _key(label) in ("isian", "field"):
            continue  # the header row sopflow writes above the fields
        if not label:
            if any(_text(v).strip() for v in values):
                r.fail(cell_name(grid.name, row, 1), "a value without a field name in column A")
            continue
        entry = labels.get(_key(label.rstrip(":")))
        if entry is None:
            known = ", ".join(lb for _, lb, _ in _IDENTITY_FIELDS)
            r.fail(cell_name(grid.name, row, 1), f"unknown field {label!r}; the fields are: "
                                                 f"{known}")
            continue
        key, how = entry
        if key in seen:
            r.fail(cell_name(grid.name, row, 1), f"{label!r} again (first in row {seen[key]})")
            continue
        seen[key] = row
        found[key] = _identity_value(r, grid, row, how, values)
    return found


def _identity_value(r: _Reader, grid: Grid, row: int, how: str, values: list[Any]) -> Any:
    if how == "list":
        return tuple(_text(v) for v in values if _text(v) != "")
    value = values[0] if values else None
    extra = [c for c, v in enumerate(values[1:], start=3) if _text(v).strip()]
    if extra:
        r.fail(cell_name(grid.name, row, extra[0]), "this field takes one value, in column B")
    if how == "date":
        try:
            return _parse_date(value)
        except ValueError:
            r.fail(cell_name(grid.name, row, 2),
                   f"{_text(value)!r} is not a date; write 2025-01-20 or 20 Januari 2025 "
                   "(or use a date cell)")
            return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and abs(value) >= 1e15:
        r.fail(cell_name(grid.name, row, 2), "a long number: a spreadsheet keeps only 15 "
                                             "digits; format the cell as text and type it again")
    text = _text(value)
    if how == "optional":
        return text or None
    return text


def _identity(r: _Reader, grid: Grid | None, fields: dict[str, Any], default_name: str,
              ) -> tuple[Identity, Labels, Basis | None, str | None]:
    position = fields.get("position")
    signatory = None
    if position or fields.get("signer") or fields.get("nip"):
        signatory = Signatory(position=position or "", name=fields.get("signer"),
                              nip=fields.get("nip"))
    identity = Identity(
        name=fields.get("name", default_name),
        number=fields.get("number"),
        unit=fields.get("unit", ()),
        created=fields.get("created"),
        revised=fields.get("revised"),
        effective=fields.get("effective"),
        approved_by=signatory,
        legal_basis=fields.get("legal_basis", ()),
        qualifications=fields.get("qualifications", ()),
        related=fields.get("related", ()),
        equipment=fields.get("equipment", ()),
        warning=fields.get("warning", ""),
        records=fields.get("records", ()),
    )
    base = Labels()
    labels = Labels(yes=fields.get("yes") or base.yes, no=fields.get("no") or base.no,
                    start=fields.get("start_label") or base.start,
                    end=fields.get("end_label") or base.end)
    basis: Basis | None = None  # an empty cell: the SOP does not say (read as working days)
    word = _key(fields.get("bare_hari") or "")
    if not word:
        pass
    elif word in _BASIS_WORDS:
        basis = _BASIS_WORDS[word]
    elif grid is not None:
        row = next(i for i in range(1, len(grid.rows) + 1)
                   if _key(_text(grid.value(i, 1)).rstrip(":")) == "hari")
        r.fail(cell_name(grid.name, row, 2), f"{fields.get('bare_hari')!r}: write 'kerja' "
                                             "(a bare 'hari' is a working day) or 'kalender'")
    return identity, labels, basis, fields.get("start")


# ---- lanes sheet


def _read_lanes(r: _Reader, grid: Grid | None) -> list[Actor] | None:
    if grid is None:
        return None
    r.check_merged(grid)
    first = _key(_text(grid.value(1, 1)))
    start = 2 if first in ("pelaksana", "nama", "lane", "name") else 1
    actors: list[Actor] = []
    seen: dict[str, int] = {}
    for row in range(start, len(grid.rows) + 1):
        name = _text(grid.value(row, 1))
        note = _text(grid.value(row, 2))
        if not name.strip():
            if note.strip():
                r.fail(cell_name(grid.name, row, 1), "a note without a Pelaksana name")
            continue
        if name in seen:
            r.fail(cell_name(grid.name, row, 1), f"Pelaksana {name!r} again (first in row "
                                                 f"{seen[name]})")
            continue
        seen[name] = row
        actors.append(Actor(name=name, note=note))
    return actors


# ---- steps sheet


@attrs.frozen(kw_only=True)
class _Columns:
    fixed: dict[str, int]  # key -> column
    lanes: tuple[tuple[int, str], ...]  # (column, lane name)


def _read_header(r: _Reader, grid: Grid, declared: list[Actor] | None) -> _Columns | None:
    names = {_key(header): key for key, header, _ in STEP_COLUMNS}
    names.update({_key(alias): key for key, _, aliases in STEP_COLUMNS for alias in aliases})
    fixed: dict[str, int] = {}
    lanes: list[tuple[int, str]] = []
    lane_names = {a.name for a in declared} if declared is not None else None
    for col in range(1, grid.width + 1):
        header = _text(grid.value(1, col))
        if not header.strip():
            continue
        key = names.get(_key(header))
        where = cell_name(grid.name, 1, col)
        if key is not None:
            if key in fixed:
                r.fail(where, f"column {header!r} again (first in column "
                              f"{column_letter(fixed[key])})")
            fixed[key] = col
        elif lane_names is not None and header not in lane_names:
            known = ", ".join(h for _, h, _ in STEP_COLUMNS)
            r.fail(where, f"unknown Pelaksana {header!r}: it is not in sheet {LANE_SHEET} "
                          f"and not a column of this sheet ({known})")
        elif any(name == header for _, name in lanes):
            r.fail(where, f"Pelaksana {header!r} has two columns")
        else:
            lanes.append((col, header))
    if "text" not in fixed:
        present = ", ".join(repr(_text(grid.value(1, c))) for c in range(1, grid.width + 1)
                            if _text(grid.value(1, c)).strip()) or "none"
        r.fail(cell_name(grid.name, 1), f"missing header 'Kegiatan' in row 1 (the headers "
                                        f"found: {present})")
        return None
    return _Columns(fixed=fixed, lanes=tuple(lanes))


@attrs.frozen(kw_only=True)
class _RawStep:
    row: int
    no: int | None
    id: str | None
    text: str
    kind: StepKind
    actors: tuple[str, ...]
    question: str | None
    inputs: tuple[str, ...]
    time: str
    output: str
    note: str
    exits: str  # as written


def _whole_number(value: Any) -> int | None:
    """A cell meant to hold a whole number; ValueError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value).strip().rstrip(".")
    if text.isdigit():
        return int(text)
    raise ValueError(value)


def _mark_order(mark: str, col: int) -> tuple[int, int]:
    """Marks order a step's Pelaksana: numbers first (1 = main lane), then by column."""
    text = mark.strip().rstrip(".")
    return (int(text) if text.isdigit() else 1_000_000, col)


def _read_row(r: _Reader, grid: Grid, row: int, cols: _Columns) -> _RawStep:
    def get(key: str) -> Any:
        col = cols.fixed.get(key)
        return grid.value(row, col) if col else None

    no = None
    try:
        no = _whole_number(get("no"))
    except ValueError:
        r.fail(cell_name(grid.name, row, cols.fixed["no"]),
               f"{_text(get('no'))!r} is not a number: the No column holds the row number")
    kind = StepKind.PROCESS
    word = _key(_text(get("kind")))
    if word:
        if word in KIND_WORDS:
            kind = KIND_WORDS[word]
        else:
            r.fail(cell_name(grid.name, row, cols.fixed["kind"]),
                   f"unknown kind {_text(get('kind'))!r}: write Proses or Keputusan")
    marks = []
    for col, lane in cols.lanes:
        mark = _text(grid.value(row, col))
        if mark.strip():
            marks.append((_mark_order(mark, col), lane))
    for col in range(1, grid.width + 1):
        if (col not in cols.fixed.values() and col not in dict(cols.lanes)
                and _text(grid.value(row, col)).strip()):
            r.fail(cell_name(grid.name, row, col), "a value in a column without a header "
                                                   f"({cell_name(grid.name, 1, col)} is empty)")
    ident = _text(get("id")).strip()
    question = _text(get("question"))
    return _RawStep(
        row=row, no=no, id=ident or None, text=_text(get("text")), kind=kind,
        actors=tuple(lane for _, lane in sorted(marks)), question=question or None,
        inputs=_lines(get("inputs")), time=_text(get("time")), output=_text(get("output")),
        note=_text(get("note")), exits=_text(get("exits")),
    )


def _is_blank(grid: Grid, row: int) -> bool:
    return not any(_text(v).strip() for v in grid.rows[row - 1])


def _assign_ids(r: _Reader, grid: Grid, cols: _Columns, raw: list[_RawStep]) -> list[str]:
    explicit = {s.id for s in raw if s.id}
    ids: list[str] = []
    first_row: dict[str, int] = {}
    for k, s in enumerate(raw, start=1):
        col = cols.fixed.get("id")
        where = cell_name(grid.name, s.row, col) if col else cell_name(grid.name, s.row)
        ident = s.id
        if ident is None:
            ident = f"s{k}"
            if ident in explicit:
                r.fail(where, f"no ID, and the automatic ID {ident!r} is taken by another row; "
                              "give this step an ID")
        elif ident.startswith("@") or ":" in ident:
            r.fail(where, f"the ID {ident!r} must not start with '@' or contain ':'")
        if ident in first_row:
            r.fail(where, f"ID {ident!r} again (first in row {first_row[ident]})")
        first_row.setdefault(ident, s.row)
        ids.append(ident)
    return ids


def _target_resolver(ids: list[str], raw: list[_RawStep], labels: Labels,
                     ) -> Callable[[str], str | None]:
    by_no = {s.no: i for s, i in zip(raw, ids, strict=True) if s.no is not None}
    known = set(ids)
    ends = {"@end", "selesai", labels.end.casefold()}
    starts = {"@start", "mulai", labels.start.casefold()}

    def resolve(token: str) -> str | None:
        if token in known:
            return token
        folded = token.casefold()
        if folded in ends:
            return END
        if folded in starts:
            return START
        number = token.rstrip(".")
        if number.isdigit() and int(number) in by_no:
            return by_no[int(number)]
        return None

    return resolve


def _exits(r: _Reader, where: str, raw: _RawStep, next_id: str | None,
           resolve: Callable[[str], str | None]) -> tuple[Exit, ...]:
    written = raw.exits
    if not written.strip():
        if raw.kind is StepKind.DECISION:
            return ()
        return (Exit(label=None, target=next_id if next_id is not None else END),)
    if written.strip() == NO_EXIT:
        return ()
    exits = []
    # one exit a line; a cell without line breaks may separate them with ';' instead
    for entry in written.split("\n") if "\n" in written else written.split(";"):
        entry = entry.strip()
        if not entry:
            continue
        label: str | None = None
        target = entry
        if ":" in entry:
            label, target = (part.strip() for part in entry.rsplit(":", 1))
        resolved = resolve(target)
        if resolved is None:
            r.fail(where, f"exit {entry!r}: {target!r} is not a step ID, a row number (No), "
                          "Selesai or Mulai")
            continue
        exits.append(Exit(label=label, target=resolved))
    return tuple(exits)


def _read_steps(r: _Reader, grid: Grid, declared: list[Actor] | None, labels: Labels,
                file: str) -> tuple[list[Step], tuple[str, ...]]:
    r.check_merged(grid)
    cols = _read_header(r, grid, declared)
    if cols is None:
        return [], ()
    raw = [_read_row(r, grid, row, cols) for row in range(2, len(grid.rows) + 1)
           if not _is_blank(grid, row)]
    ids = _assign_ids(r, grid, cols, raw)
    resolve = _target_resolver(ids, raw, labels)
    steps = []
    exits_col = cols.fixed.get("exits")
    for k, (s, ident) in enumerate(zip(raw, ids, strict=True)):
        where = (cell_name(grid.name, s.row, exits_col) if exits_col
                 else cell_name(grid.name, s.row))
        next_id = ids[k + 1] if k + 1 < len(ids) else None
        location = SourceLocation(file=f"{file}[{grid.name}]", line=s.row)
        exits = tuple(attrs.evolve(e, location=location)
                      for e in _exits(r, where, s, next_id, resolve))
        steps.append(Step(id=ident, text=s.text, kind=s.kind, actors=s.actors, exits=exits,
                          question=s.question, inputs=s.inputs, time=s.time, output=s.output,
                          note=s.note, location=location))
    return steps, tuple(lane for _, lane in cols.lanes)


def definition_from_grids(
    file: str,
    steps: Grid,
    *,
    lanes: Grid | None = None,
    identity: Grid | None = None,
    default_name: str = "",
) -> SOPDefinition:
    """Read an SOP from its sheets; :class:`SheetError` lists every problem with its cell.

    Without a lanes sheet the Pelaksana are the lane columns of the steps sheet, in order.
    ``file`` names the source in findings and in the steps' source locations.
    """
    r = _Reader(file)
    fields = _read_identity(r, identity)
    ident, labels, basis, start = _identity(r, identity, fields, default_name)
    declared = _read_lanes(r, lanes)
    step_list, lane_columns = _read_steps(r, steps, declared, labels, file)
    if r.findings:
        raise SheetError(file, r.findings)
    actors = declared if declared is not None else [Actor(name=n) for n in lane_columns]
    return SOPDefinition(identity=ident, actors=tuple(actors), steps=tuple(step_list),
                         labels=labels, start=start, bare_hari=basis,
                         location=SourceLocation(file=file, line=1))


# -- writing ------------------------------------------------------------------------------------


def _target_text(target: str, definition: SOPDefinition, ids: set[str]) -> str:
    folded = {i.casefold() for i in ids}
    if target == END:
        word = definition.labels.end
        return word if word.casefold() not in folded and word.strip() == word and word \
            else "@end"
    if target == START:
        word = definition.labels.start
        return word if word.casefold() not in folded and word.strip() == word and word \
            else "@start"
    return target


def _exits_text(step: Step, next_id: str | None, definition: SOPDefinition,
                ids: set[str]) -> str:
    if not step.exits:
        return NO_EXIT
    if (step.kind is StepKind.PROCESS and next_id is not None
            and step.exits == (Exit(label=None, target=next_id),)):
        return ""
    parts = []
    for e in step.exits:
        target = _target_text(e.target, definition, ids)
        parts.append(target if e.label is None else f"{e.label}: {target}")
    text = "\n".join(parts)
    # a lone exit whose label holds ';' keeps a line break, so ';' is not read as a separator
    return text + "\n" if ";" in text and "\n" not in text else text


def lanes_of(definition: SOPDefinition) -> list[str]:
    """The lane columns: the declared Pelaksana, then any other actor a step names."""
    lanes = [a.name for a in definition.actors]
    for step in definition.steps:
        lanes.extend(a for a in step.actors if a not in lanes)
    return lanes


def _marks(step: Step, lanes: Sequence[str]) -> list[str]:
    """``x`` in each acting lane; numbers (1 = main lane) when column order would lose the
    step's own order of Pelaksana."""
    acting = [lane for lane in lanes if lane in step.actors]
    numbered = acting != list(dict.fromkeys(step.actors))
    return ["" if lane not in step.actors
            else str(step.actors.index(lane) + 1) if numbered else "x"
            for lane in lanes]


def step_rows(definition: SOPDefinition) -> list[list[Any]]:
    """The steps sheet: a header row, then one row per step (cells as values)."""
    lanes = lanes_of(definition)
    fixed = {_key(h) for _, h, aliases in STEP_COLUMNS for h in (h, *aliases)}
    for lane in lanes:
        if not lane.strip() or _key(lane) in fixed:
            raise ValueError(f"the Pelaksana {lane!r} cannot be a column header of the steps "
                             "sheet (blank, or the name of a fixed column); rename it")
    headers = [h for _, h, _ in STEP_COLUMNS]
    rows: list[list[Any]] = [[*headers[:_LEFT], *lanes, *headers[_LEFT:]]]
    ids = {s.id for s in definition.steps}
    steps = definition.steps
    for k, step in enumerate(steps):
        next_id = steps[k + 1].id if k + 1 < len(steps) else None
        rows.append([
            k + 1, step.id, step.text, _KIND_TEXT[step.kind], *_marks(step, lanes),
            step.question or "", "\n".join(step.inputs), step.time, step.output, step.note,
            _exits_text(step, next_id, definition, ids),
        ])
    return rows


def lane_rows(definition: SOPDefinition) -> list[list[Any]]:
    """The lanes sheet: Pelaksana and Catatan."""
    return [["Pelaksana", "Catatan"], *([a.name, a.note] for a in definition.actors)]


def identity_rows(definition: SOPDefinition) -> list[list[Any]]:
    """The identity sheet: a field name, then its value (a list field: one item a cell)."""
    ident = definition.identity
    signer = ident.approved_by
    labels = definition.labels
    values: dict[str, Any] = {
        "name": ident.name, "number": ident.number, "unit": ident.unit,
        "created": ident.created, "revised": ident.revised, "effective": ident.effective,
        "position": signer.position if signer else None,
        "signer": signer.name if signer else None, "nip": signer.nip if signer else None,
        "legal_basis": ident.legal_basis, "qualifications": ident.qualifications,
        "related": ident.related, "equipment": ident.equipment, "warning": ident.warning,
        "records": ident.records, "yes": labels.yes, "no": labels.no,
        "start_label": labels.start, "end_label": labels.end,
        "bare_hari": _BASIS_TEXT[definition.bare_hari] if definition.bare_hari else "",
        "start": definition.start,
    }
    rows: list[list[Any]] = []
    for key, label, _ in _IDENTITY_FIELDS:
        value = values[key]
        items: Iterable[Any] = value if isinstance(value, tuple) else (value,)
        rows.append([label, *("" if v is None else v for v in items)])
    return rows
