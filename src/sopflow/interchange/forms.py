"""The Permenpan RB 35/2012 forms as formatted Excel workbooks: monitoring and evaluation.

The monitoring form ("Monitoring Pelaksanaan SOP AP", every six months) is filled from what
:func:`sopflow.runtime.monitor` measured; the evaluation form (at least yearly) lists the
guideline's seven criteria with a Ya/Tidak choice and room for notes. Both are meant to be
printed and initialled, so they carry the SOP's identity, a signature block and print set-up
(landscape A4, the table header repeated on every page). openpyxl is the ``office`` extra.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sopflow._atomic import atomic_path
from sopflow.interchange.xlsx import put_cell, require_openpyxl

if TYPE_CHECKING:
    from sopflow.model import SOPDefinition
    from sopflow.runtime.monitoring import MonitoringReport, MonitoringTable

__all__ = [
    "EVALUATION_COLUMNS",
    "EVALUATION_CRITERIA",
    "evaluation_xlsx",
    "monitoring_xlsx",
]

#: The seven criteria of the SOP AP evaluation (Permenpan RB 35/2012), in its order.
EVALUATION_CRITERIA = (
    "Mampu mendorong peningkatan kinerja",
    "Mudah dipahami",
    "Mudah dilaksanakan",
    "Semua orang dapat menjalankan perannya masing-masing",
    "Mampu mengatasi permasalahan yang berkaitan dengan proses",
    "Mampu menjawab kebutuhan peningkatan kinerja organisasi",
    "Sinergi satu dengan lainnya",
)
EVALUATION_COLUMNS = ("No", "Kriteria penilaian", "Penilaian (Ya/Tidak)",
                      "Catatan hasil penilaian", "Tindakan yang harus diambil")
_ANSWERS = {True: "Ya", False: "Tidak", None: ""}


class _Form:
    """One form sheet being written: title, identity block, table and signature."""

    def __init__(self, title: str) -> None:
        from openpyxl.styles import Border, Side

        self.wb = require_openpyxl().Workbook()
        self.ws = self.wb.active
        self.ws.title = title[:31]
        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.row = 1

    def heading(self, text: str, width: int) -> None:
        from openpyxl.styles import Alignment, Font

        cell = put_cell(self.ws, self.row, 1, text)
        cell.font = Font(bold=True, size=12)
        cell.alignment = Alignment(horizontal="center")
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row,
                            end_column=width)
        self.row += 2

    def fields(self, items: Sequence[tuple[str, str]], width: int) -> None:
        from openpyxl.styles import Alignment, Font

        for label, value in items:
            put_cell(self.ws, self.row, 1, label).font = Font(bold=True)
            self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row,
                                end_column=2)
            cell = put_cell(self.ws, self.row, 3, f": {value}")
            cell.alignment = Alignment(wrap_text=False)
            self.ws.merge_cells(start_row=self.row, start_column=3, end_row=self.row,
                                end_column=width)
            self.row += 1
        self.row += 1

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]],
              widths: Sequence[float], centered: Sequence[int] = ()) -> tuple[int, int]:
        """Write the bordered table; returns its first and last body row."""
        from openpyxl.styles import Alignment, Font, PatternFill

        from sopflow.interchange.sheet import column_letter

        fill = PatternFill("solid", fgColor="E6E6E6")
        head = self.row
        for c, text in enumerate(headers, start=1):
            cell = put_cell(self.ws, head, c, text)
            cell.font = Font(bold=True)
            cell.fill = fill
            cell.border = self.border
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for r, values in enumerate(rows, start=head + 1):
            for c, value in enumerate(values, start=1):
                cell = put_cell(self.ws, r, c, value)
                cell.border = self.border
                cell.alignment = Alignment(
                    vertical="top", wrap_text=True,
                    horizontal="center" if c in centered else "left")
        for c, width in enumerate(widths, start=1):
            self.ws.column_dimensions[column_letter(c)].width = width
        self.ws.print_title_rows = f"{head}:{head}"
        self.row = head + len(rows) + 2
        return head + 1, head + len(rows)

    def choice(self, column: int, first: int, last: int, options: Sequence[str]) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        from sopflow.interchange.sheet import column_letter

        if last < first:
            return
        valid = DataValidation(type="list", formula1='"' + ",".join(options) + '"',
                               allow_blank=True)
        letter = column_letter(column)
        valid.add(f"{letter}{first}:{letter}{last}")
        self.ws.add_data_validation(valid)

    def signature(self, column: int, place_date: str, role: str, name: str) -> None:
        for k, text in enumerate((place_date, role, "", "", "", name or "(.................)")):
            put_cell(self.ws, self.row + k, column, text)

    def save(self, path: str | Path) -> Path:
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        path = Path(path)
        with atomic_path(path) as temp:
            self.wb.save(temp)
        return path


def _identity_fields(definition: SOPDefinition | None, name: str) -> list[tuple[str, str]]:
    if definition is None:
        return [("Nama SOP", name)]
    ident = definition.identity
    return [("Nama SOP", ident.name or name), ("Nomor SOP", ident.number or "-"),
            ("Unit kerja", " / ".join(ident.unit) or "-")]


def monitoring_xlsx(
    report: MonitoringReport | MonitoringTable,
    path: str | Path,
    *,
    definition: SOPDefinition | None = None,
    period: str = "",
    assessor: str = "",
    tolerance: float = 0.0,
) -> Path:
    """Write the "Monitoring Pelaksanaan SOP AP" form of ``report`` (what :func:`monitor`
    returned, or a table from its ``.table()``) as a formatted workbook.

    ``definition`` adds Nomor and unit to the heading; ``period`` (e.g. "Semester I 2025")
    names the monitoring period; ``assessor`` signs the form and fills Paraf penilai.
    """
    from sopflow.runtime.monitoring import BAIK, MONITORING_COLUMNS, TIDAK_BAIK, MonitoringTable

    if isinstance(report, MonitoringTable):
        table, name = report, report.title
    else:
        table = report.table(tolerance=tolerance, assessor=assessor)
        name = report.procedure
    form = _Form("Monitoring")
    width = len(MONITORING_COLUMNS)
    form.heading("MONITORING PELAKSANAAN SOP ADMINISTRASI PEMERINTAHAN", width)
    fields = _identity_fields(definition, name)
    fields.append(("Periode", period or table.title.rsplit("(", 1)[-1].rstrip(")")))
    form.fields(fields, width)
    rows = [[row.no, row.prosedur, row.penilaian, row.catatan, row.tindakan, row.paraf]
            for row in table.rows]
    first, last = form.table(MONITORING_COLUMNS, rows, (6, 40, 22, 48, 44, 12),
                             centered=(1, 3, 6))
    form.choice(3, first, last, (BAIK, TIDAK_BAIK, "-"))
    form.signature(5, f"Tanggal: {date.today():%d-%m-%Y}", "Penilai,", assessor)
    return form.save(path)


def evaluation_xlsx(
    definition: SOPDefinition,
    path: str | Path,
    *,
    answers: Mapping[int, tuple[bool | None, str, str]] | None = None,
    evaluator: str = "",
    period: str = "",
) -> Path:
    """Write the evaluation form of ``definition``: the seven criteria, a Ya/Tidak choice
    (a drop-down list), notes and actions. ``answers`` pre-fills criteria by number (1-7):
    ``{2: (False, "istilah teknis", "sederhanakan uraian")}``."""
    answers = dict(answers or {})
    unknown = sorted(k for k in answers if not 1 <= k <= len(EVALUATION_CRITERIA))
    if unknown:
        raise ValueError(f"criteria are numbered 1 to {len(EVALUATION_CRITERIA)}; got "
                         f"{unknown}")
    form = _Form("Evaluasi")
    width = len(EVALUATION_COLUMNS)
    form.heading("EVALUASI PENERAPAN SOP ADMINISTRASI PEMERINTAHAN", width)
    fields = _identity_fields(definition, definition.identity.name)
    fields.append(("Periode", period or "-"))
    form.fields(fields, width)
    rows = []
    for k, criterion in enumerate(EVALUATION_CRITERIA, start=1):
        answer, note, action = answers.get(k, (None, "", ""))
        rows.append([k, criterion, _ANSWERS[answer], note, action])
    first, last = form.table(EVALUATION_COLUMNS, rows, (6, 52, 18, 48, 44), centered=(1, 3))
    form.choice(3, first, last, ("Ya", "Tidak"))
    form.signature(4, f"Tanggal: {date.today():%d-%m-%Y}", "Evaluator,", evaluator)
    return form.save(path)
