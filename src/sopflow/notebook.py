"""Jupyter displays and pandas tables for sopflow's results.

Reports, simulation results, monitoring tables and event logs show as HTML tables in a
notebook (``_repr_html_``) and convert to a ``pandas.DataFrame`` with ``to_pandas()`` where a
table is their natural form. pandas is an optional extra (``pip install "sopflow[pandas]"``);
without it ``to_pandas()`` says how to install it. Every text from an SOP is escaped: it is
shown as written, never read as markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sopflow.runtime.state import Event

__all__ = ["EventTable", "html_table", "to_frame"]

#: What ``to_pandas()`` says when pandas is missing.
PANDAS_HINT = 'to_pandas() needs pandas: pip install "sopflow[pandas]"'


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value)


def html_table(columns: Sequence[str], rows: Iterable[Sequence[object]],
               caption: str = "", notes: Sequence[str] = ()) -> str:
    """An HTML table (escaped cells) with an optional caption and notes under it."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>"
        for row in rows
    )
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    extra = "".join(f"<p>{html.escape(n)}</p>" for n in notes)
    return (f'<div class="sopflow"><table>{title}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{extra}</div>")


def to_frame(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Any:
    """A ``pandas.DataFrame`` of ``rows``; ImportError with the install hint without pandas."""
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ImportError(PANDAS_HINT) from None
    return pd.DataFrame([list(r) for r in rows], columns=list(columns))


_EVENT_COLUMNS = ("case_id", "seq", "event", "activity", "step_id", "lifecycle", "timestamp",
                  "actor", "person", "visit", "answer", "note")


class EventTable:
    """An event log (``executor.events()``) as a table: ``EventTable(events)`` shows in a
    notebook and converts with :meth:`to_pandas` (one row per event, in order)."""

    def __init__(self, events: Iterable[Event]) -> None:
        self.events = tuple(events)

    def __len__(self) -> int:
        return len(self.events)

    def __repr__(self) -> str:
        return f"<EventTable: {len(self.events)} events>"

    def rows(self) -> list[tuple[object, ...]]:
        """Each event's cells, in :data:`_EVENT_COLUMNS` order."""
        return [(e.instance_id, e.seq, e.kind.value, e.activity, e.step_id, e.lifecycle,
                 e.timestamp, " + ".join(e.actors), e.person, e.visit, e.answer, e.note)
                for e in self.events]

    def to_pandas(self) -> Any:
        """One row per event; ``timestamp`` as pandas datetimes."""
        frame = to_frame(_EVENT_COLUMNS, self.rows())
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        frame["timestamp"] = pd.to_datetime(frame["timestamp"])
        return frame

    def _repr_html_(self) -> str:
        shown = self.rows()[:200]
        more = [f"... and {len(self.events) - 200} more events"] if len(self.events) > 200 else []
        return html_table(_EVENT_COLUMNS, shown, f"{len(self.events)} events", more)


def report_rows(report: Any) -> list[tuple[object, ...]]:
    """A validation report's findings as (kind, code, rule, element, where, message)."""
    return [("accepted" if f.accepted is not None else f.severity.value, f.code, f.rule,
             f.element, str(f.location) if f.location else "", f.message)
            for f in report.findings]


REPORT_COLUMNS = ("kind", "code", "rule", "element", "where", "message")
