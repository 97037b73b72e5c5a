"""Notebook displays (``_repr_html_``) and ``to_pandas()`` of results people look at."""

from __future__ import annotations

import html
import runpy
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

import sopflow
from sopflow.notebook import PANDAS_HINT, EventTable
from sopflow.runtime import Executor, FakeClock, monitor

ROOT = Path(__file__).resolve().parent.parent


def reference() -> sopflow.Procedure:
    sop = runpy.run_path(str(ROOT / "examples" / "pengumpulan_data_kinerja.py"))["sop"]
    return sop.compile()


def run(procedure: sopflow.Procedure) -> Executor:
    clock = FakeClock(datetime(2025, 4, 14, 8, 0))
    ex = Executor(procedure, clock=clock)
    for case in ("a", "b"):
        ex.start(case)
        while not ex.get(case).finished:
            clock.advance(minutes=45)
            (item,) = ex.work_items(case)
            ex.complete(case, item.step_id, by="Budi",
                        answer=item.answers[0] if item.answers else None)
    return ex


def test_report_shows_as_a_table_and_converts() -> None:
    sop = sopflow.SOP("<b>SOP</b> & co")
    staf = sop.actor("Staf")
    sop.step("<script>alert(1)</script> Pengisian", by=staf,
             accept={"W101": "as signed"})
    report = sop.validate()
    page = report._repr_html_()
    assert "<script>" not in page and html.escape("<script>alert(1)</script>") in page
    assert page.count("<tr>") == len(report.findings) + 1
    frame = report.to_pandas()
    assert list(frame.columns) == ["kind", "code", "rule", "element", "where", "message"]
    assert len(frame) == len(report.findings)
    assert "accepted" in set(frame["kind"]) and set(frame["code"]) == set(report.codes())


def test_simulation_results_show_their_summary() -> None:
    procedure = reference()
    analysis = sopflow.analyse(procedure)
    page = analysis._repr_html_()
    assert page.startswith("<pre>") and html.escape(analysis.summary()) in page
    # plots inline, not only in files
    assert page.count('src="data:image/png;base64,') == 1  # an analysis has a workload plot
    result = sopflow.simulate_lead_time(procedure, replications=500, rng=1)
    page = result._repr_html_()
    assert page.count('src="data:image/png;base64,') == 2
    assert 'alt="lead time"' in page and 'alt="workload"' in page


def test_monitoring_and_events() -> None:
    procedure = reference()
    ex = run(procedure)
    report = monitor(ex, at=datetime(2025, 4, 30, 8, 0))
    frame = report.to_pandas()
    assert list(frame["step_id"]) == [s.id for s in procedure.steps]
    assert "<table>" in report._repr_html_()
    table = report.table()
    assert len(table.to_pandas()) == len(table.rows)
    assert table.title in html.unescape(table._repr_html_())
    events = EventTable(ex.events())
    frame = events.to_pandas()
    assert len(frame) == len(list(ex.events())) and list(frame["case_id"].unique()) == ["a", "b"]
    assert pd.api.types.is_datetime64_any_dtype(frame["timestamp"])
    assert f"{len(events)} events" in events._repr_html_()


def test_to_pandas_without_pandas_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def no_pandas(name: str, *args: object, **kwargs: object) -> object:
        if name == "pandas":
            raise ImportError("no pandas")
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match="pip install"):
        sopflow.SOP("X").validate().to_pandas()
    assert "sopflow[pandas]" in PANDAS_HINT
