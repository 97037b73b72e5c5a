"""The Permenpan monitoring and evaluation forms as .xlsx, and the monitoring CSV for Excel."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from test_runtime import MONDAY, reference_procedure

from sopflow.interchange.forms import (
    EVALUATION_COLUMNS,
    EVALUATION_CRITERIA,
    evaluation_xlsx,
    monitoring_xlsx,
)
from sopflow.runtime import BAIK, MONITORING_COLUMNS, TIDAK_BAIK, Executor, FakeClock, monitor
from sopflow.runtime.monitoring import MonitoringReport


def _report() -> tuple[MonitoringReport, Executor]:
    clock = FakeClock(MONDAY)
    ex = Executor(reference_procedure(), clock=clock)
    for n in range(3):
        ex.start(f"i{n}")
        for step in ("s1", "s2"):
            clock.advance(minutes=25 if (step == "s1" and n < 2) else 10)
            ex.complete(f"i{n}", step, by="P")
    return monitor(ex), ex


def _table(ws: object, header: tuple[str, ...]) -> tuple[int, list[list[object]]]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]  # type: ignore[attr-defined]
    start = next(i for i, r in enumerate(rows) if tuple(r[:len(header)]) == header)
    body = []
    for r in rows[start + 1:]:
        if r[0] is None:
            break
        body.append(r[:len(header)])
    return start + 1, body


def test_monitoring_form_holds_the_computed_table(tmp_path: Path) -> None:
    report, ex = _report()
    path = monitoring_xlsx(report, tmp_path / "monitoring.xlsx",
                           definition=ex.procedure.definition, period="Semester I 2025",
                           assessor="Budi")
    ws = openpyxl.load_workbook(path).active
    header_row, body = _table(ws, MONITORING_COLUMNS)
    table = report.table(assessor="Budi")
    assert body == [[row.no, row.prosedur, row.penilaian, row.catatan, row.tindakan, "Budi"]
                    for row in table.rows]
    assert body[0][2] == TIDAK_BAIK
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    lists = [v for v in ws.data_validations.dataValidation]
    assert lists and BAIK in lists[0].formula1
    words = " ".join(str(c) for r in ws.iter_rows(values_only=True) for c in r if c)
    assert "Semester I 2025" in words and ex.procedure.definition.identity.number in words


def test_evaluation_form_lists_the_seven_criteria(tmp_path: Path) -> None:
    procedure = reference_procedure()
    path = evaluation_xlsx(procedure.definition, tmp_path / "evaluasi.xlsx",
                           answers={2: (False, "Istilah sulit", "Sederhanakan")},
                           evaluator="Sari")
    ws = openpyxl.load_workbook(path).active
    _, body = _table(ws, EVALUATION_COLUMNS)
    assert [r[1] for r in body] == list(EVALUATION_CRITERIA) and len(body) == 7
    assert body[1][2:] == ["Tidak", "Istilah sulit", "Sederhanakan"]
    assert body[0][2] is None
    with pytest.raises(ValueError, match="1 to 7"):
        evaluation_xlsx(procedure.definition, tmp_path / "x.xlsx", answers={8: (True, "", "")})
    assert not (tmp_path / "x.xlsx").exists()


def test_monitoring_csv_for_excel_in_indonesia(tmp_path: Path) -> None:
    report, _ = _report()
    text = report.table().to_csv(tmp_path / "m.csv", delimiter=";")
    data = (tmp_path / "m.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data[3:].decode("utf-8") == text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert tuple(rows[0]) == MONITORING_COLUMNS and len(rows) == 1 + len(report.steps)
    report.table().to_csv(tmp_path / "plain.csv", bom=False)
    assert (tmp_path / "plain.csv").read_bytes().startswith(b"No,")
