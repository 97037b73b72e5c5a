"""The SOP as an Excel workbook (.xlsx) or a CSV table: write it, read it back, start a template.

The table itself (sheets, columns, how cells become steps) is :mod:`sopflow.interchange.sheet`;
this module moves it in and out of files with openpyxl (MIT, the ``office`` extra) and the
standard library's :mod:`csv`. Every cell sopflow writes holds plain text or a number, never
a formula: an activity that starts with ``=`` stays text. Files are written atomically.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sopflow._atomic import atomic_path, write_bytes_atomic
from sopflow.interchange.sheet import (
    IDENTITY_SHEET,
    LANE_SHEET,
    STEP_COLUMNS,
    STEP_SHEET,
    Grid,
    SheetError,
    SheetFinding,
    column_letter,
    definition_from_grids,
    identity_rows,
    lane_rows,
    step_rows,
)
from sopflow.model import SOPDefinition

__all__ = [
    "INSTALL_HINT",
    "put_cell",
    "read_csv",
    "read_sheet",
    "read_xlsx",
    "require_openpyxl",
    "write_csv",
    "write_template",
    "write_xlsx",
]

INSTALL_HINT = "pip install 'sopflow[office]'"
_WIDTHS = {"No": 5, "ID": 8, "Kegiatan": 42, "Jenis": 11, "Pertanyaan": 24,
           "Kelengkapan": 26, "Waktu": 13, "Output": 22, "Keterangan": 18, "Keluar": 20}
_HELP = {
    "No": "Nomor baris (angka).",
    "ID": "Kode langkah, dipakai di kolom Keluar. Kosong: s1, s2, ...",
    "Kegiatan": "Uraian kegiatan, diawali kata kerja.",
    "Jenis": "Proses (kotak) atau Keputusan (belah ketupat).",
    "Keluar": "Ke mana alur berlanjut, satu per baris: 'Ya: s5', 'Tidak: 3' (ID atau No), "
              "'Selesai'. Kosong: baris berikutnya. '-': tidak ada.",
    "Kelengkapan": "Satu kelengkapan per baris (Alt+Enter).",
}
_MARKS = "x,1,2,3,4,5,6,7,8,9"


def require_openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError as error:
        raise ImportError(f"Excel files need openpyxl: {INSTALL_HINT}", name="openpyxl") \
            from error
    return openpyxl


# -- writing ------------------------------------------------------------------------------------


def put_cell(ws: Any, row: int, col: int, value: Any) -> Any:
    """Set a cell to a value that stays data: text starting with '=' is not a formula."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        try:
            cell.value = value
        except Exception as error:  # openpyxl's IllegalCharacterError: control characters
            where = f"{ws.title}!{column_letter(col)}{row}"
            raise ValueError(f"{where}: the text {value!r} holds a control character that a "
                             "spreadsheet cannot store") from error
        if value.startswith("="):
            cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _styles(wb: Any) -> None:
    """Register the two cell styles once: assigning a named style is much cheaper in
    openpyxl than setting font, fill, border and alignment on every cell."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = NamedStyle(name="sopflow", border=border,
                      alignment=Alignment(wrap_text=True, vertical="top"))
    head = NamedStyle(name="sopflow-header", border=border, font=Font(bold=True),
                      fill=PatternFill("solid", fgColor="E6E6E6"),
                      alignment=Alignment(wrap_text=True, vertical="center",
                                          horizontal="center"))
    date_style = NamedStyle(name="sopflow-date", border=border, number_format="DD-MM-YYYY",
                            alignment=Alignment(vertical="top"))
    for style in (body, head, date_style):
        wb.add_named_style(style)


def _style_table(ws: Any, rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> None:
    for r, cells in enumerate(rows, start=1):
        for c, value in enumerate(cells, start=1):
            cell = put_cell(ws, r, c, value)
            cell.style = ("sopflow-header" if r == 1 else
                          "sopflow-date" if isinstance(value, date) else "sopflow")
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[column_letter(c)].width = width
    ws.freeze_panes = "A2"


def _steps_sheet(ws: Any, rows: list[list[Any]], n_lanes: int, n_steps: int) -> None:
    from openpyxl.comments import Comment
    from openpyxl.worksheet.datavalidation import DataValidation

    headers = rows[0]
    widths = [_WIDTHS.get(str(h), 14.0) for h in headers]
    _style_table(ws, rows, widths)
    for c, header in enumerate(headers, start=1):
        if (header in _HELP and c <= 4) or header in ("Keluar", "Kelengkapan"):
            ws.cell(row=1, column=c).comment = Comment(_HELP[str(header)], "sopflow")
    last = max(n_steps + 1, 200)
    kinds = DataValidation(type="list", formula1='"Proses,Keputusan"', allow_blank=True,
                           errorTitle="Jenis", error="Proses atau Keputusan")
    kinds.add(f"D2:D{last}")
    ws.add_data_validation(kinds)
    if n_lanes:
        first, end = column_letter(5), column_letter(4 + n_lanes)
        marks = DataValidation(type="list", formula1=f'"{_MARKS}"', allow_blank=True,
                               errorTitle="Pelaksana",
                               error="x di kolom pelaksana (1, 2, ... bila urutan penting)")
        marks.add(f"{first}2:{end}{last}")
        ws.add_data_validation(marks)
        lanes = DataValidation(type="list", formula1=f"{LANE_SHEET}!$A$2:$A$100",
                               allow_blank=True, errorTitle="Pelaksana",
                               error=f"Nama pelaksana dari sheet {LANE_SHEET}")
        lanes.add(f"{first}1:{end}1")
        ws.add_data_validation(lanes)
    ws.cell(row=1, column=3).comment = Comment(_HELP["Kegiatan"], "sopflow")


def _workbook(steps: list[list[Any]], lanes: list[list[Any]],
              identity: list[list[Any]]) -> Any:
    wb = require_openpyxl().Workbook()
    _styles(wb)
    ws = wb.active
    ws.title = STEP_SHEET
    n_lanes = len(steps[0]) - len(STEP_COLUMNS)
    _steps_sheet(ws, steps, n_lanes, len(steps) - 1)
    _style_table(wb.create_sheet(LANE_SHEET), lanes, (30, 40))
    ident = wb.create_sheet(IDENTITY_SHEET)
    width = max(len(r) for r in identity)
    _style_table(ident, [["Isian", "Nilai", *[""] * (width - 2)], *identity],
                 (26, *[34] * (width - 1)))
    return wb


def _save(wb: Any, path: str | Path) -> Path:
    path = Path(path)
    with atomic_path(path) as temp:
        wb.save(temp)
    return path


def write_xlsx(definition: SOPDefinition, path: str | Path) -> Path:
    """Write ``definition`` as a workbook: sheets Langkah (steps), Pelaksana and Identitas.

    Reading it back with :func:`read_xlsx` gives an equal definition for everything the sheet
    can hold (see ``docs/office.md``: no empty list items, no line breaks in exit labels).
    """
    if not isinstance(definition, SOPDefinition):
        raise TypeError(f"expected an SOPDefinition, got {type(definition).__name__}")
    wb = _workbook(step_rows(definition), lane_rows(definition), identity_rows(definition))
    return _save(wb, path)


def write_template(path: str | Path, *, name: str = "",
                   lanes: Sequence[str] = ("Pelaksana 1", "Pelaksana 2", "Pelaksana 3"),
                   ) -> Path:
    """An empty SOP workbook to fill in: the columns, the lanes and drop-down lists."""
    from sopflow.model import Actor, Identity, SOPDefinition

    definition = SOPDefinition(identity=Identity(name=name),
                               actors=tuple(Actor(name=n) for n in lanes), steps=())
    steps = step_rows(definition)
    wb = _workbook(steps, lane_rows(definition), identity_rows(definition))
    return _save(wb, path)


def write_csv(definition: SOPDefinition, path: str | Path | None = None, *,
              delimiter: str = ",", bom: bool = True) -> str:
    """The steps table as CSV (identity and lane notes do not fit one table).

    ``delimiter=";"`` suits Excel set up for Indonesia; ``bom`` starts a written file with a
    UTF-8 byte order mark so Excel reads the letters right. Returns the text (without BOM).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(step_rows(definition))
    text = buffer.getvalue()
    if path is not None:
        write_bytes_atomic(path, text.encode("utf-8-sig" if bom else "utf-8"))
    return text


# -- reading ------------------------------------------------------------------------------------


def _grid(ws: Any, values: Any | None) -> tuple[Grid, list[SheetFinding]]:
    """A worksheet's values; formulas give their saved result (a finding if there is none)."""
    from sopflow.interchange.sheet import cell_name

    rows: list[tuple[Any, ...]] = []
    problems: list[SheetFinding] = []
    for row in ws.iter_rows():
        cells = []
        for cell in row:
            value = cell.value
            if cell.data_type == "f":
                cached = values[ws.title][cell.coordinate].value if values is not None else None
                if cached is None:
                    problems.append(SheetFinding(
                        cell=cell_name(ws.title, cell.row, cell.column),
                        message="a formula without a saved result: open and save the file in "
                                "a spreadsheet program, or paste the values"))
                value = cached
            cells.append(value)
        rows.append(tuple(cells))
    merged = tuple(str(r) for r in ws.merged_cells.ranges)
    return Grid(name=ws.title, rows=tuple(rows), merged=merged), problems


def _sheet(wb: Any, name: str) -> Any | None:
    for ws in wb.worksheets:
        if ws.title.strip().casefold() == name.casefold():
            return ws
    return None


def read_xlsx(path: str | Path) -> SOPDefinition:
    """Read an SOP workbook (sheet Langkah, or the first sheet; Pelaksana and Identitas when
    present). Raises :class:`SheetError` listing every problem with its cell."""
    openpyxl = require_openpyxl()
    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path)
    except (OSError, KeyError, ValueError) as error:
        raise SheetError(str(path), [SheetFinding(cell="(file)", message=f"cannot read it as "
                                                  f"an .xlsx workbook: {error}")]) from None
    except Exception as error:  # zipfile.BadZipFile and openpyxl's own parse errors
        raise SheetError(str(path), [SheetFinding(cell="(file)", message=f"not an .xlsx "
                                                  f"workbook ({type(error).__name__})")]) \
            from None
    has_formula = any(c.data_type == "f" for ws in wb.worksheets for r in ws.iter_rows()
                      for c in r)
    values = openpyxl.load_workbook(path, data_only=True) if has_formula else None
    steps_ws = _sheet(wb, STEP_SHEET) or wb.worksheets[0]
    problems: list[SheetFinding] = []
    grids: dict[str, Grid | None] = {}
    for key, ws in (("steps", steps_ws), ("lanes", _sheet(wb, LANE_SHEET)),
                    ("identity", _sheet(wb, IDENTITY_SHEET))):
        if ws is None or (key != "steps" and ws is steps_ws):
            grids[key] = None
            continue
        grid, found = _grid(ws, values)
        grids[key] = grid
        problems.extend(found)
    steps = grids["steps"]
    assert steps is not None
    try:
        definition = definition_from_grids(str(path), steps, lanes=grids["lanes"],
                                           identity=grids["identity"], default_name=path.stem)
    except SheetError as error:
        raise SheetError(str(path), [*problems, *error.findings]) from None
    if problems:
        raise SheetError(str(path), problems)
    return definition


def read_csv(path: str | Path) -> SOPDefinition:
    """Read the steps table from a CSV file (comma or semicolon, UTF-8 with or without BOM,
    or Windows-1252). The lanes are the Pelaksana columns; the SOP's name is the file's."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SheetError(str(path), [SheetFinding(cell="(file)", message=f"cannot read: "
                                                  f"{error.strerror}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = [tuple(r) for r in csv.reader(io.StringIO(text, newline=""),
                                             delimiter=delimiter)]
    except csv.Error as error:
        raise SheetError(str(path), [SheetFinding(cell="(file)", message=f"not a CSV table: "
                                                  f"{error}")]) from None
    grid = Grid(name=path.name, rows=tuple(rows))
    return definition_from_grids(str(path), grid, default_name=path.stem)


def read_sheet(path: str | Path) -> SOPDefinition:
    """Read an SOP table from ``.xlsx`` or ``.csv`` (the suffix decides)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".csv":
        return read_csv(path)
    raise ValueError(f"{path}: cannot read {suffix or 'a file without suffix'!r}; give an "
                     ".xlsx or .csv file")
