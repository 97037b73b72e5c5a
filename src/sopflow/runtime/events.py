"""Export the audit log: CSV (every event) and XES (IEEE 1849-2016, for process mining).

XES holds one trace per instance (``concept:name`` = case id) and one event per step
lifecycle transition: ``start`` when a step became active (the Mutu Baku clock starts; the
runtime does not learn when someone picked the work up), ``complete`` when it was done,
``suspend``/``resume`` and ``pi_abort`` (instance cancelled) on the step that was active,
``reassign`` when a migration moved the active step to another SOP revision (with
``sopflow:revision``, the new revision's fingerprint, and the migration's note).
Instance-level records (started, finished, overdue notices) stay in the CSV only.
Standard extensions used: Concept, Lifecycle, Time, Org (``org:resource`` = the person,
``org:role`` = the step's actor(s)).

Both exports write timezone-aware timestamps (pm4py reads a time without offset as UTC, hours
off for WIB, WITA and WIT): a naive time is wall-clock time in ``tz``, the calendar's zone
(the machine's local zone when None, as the default clock's naive times are). Activity names
have their commas replaced by semicolons (pm4py joins activity names with commas to compare
prefixes, so a comma inside a name skews precision); XES keeps the text as written in
``sopflow:text``. The recipe for process mining is in ``docs/howto-process-mining.md``.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import datetime, tzinfo
from os import PathLike
from typing import IO

from sopflow._xmltext import xml_safe
from sopflow.runtime.state import Event

__all__ = ["CSV_COLUMNS", "XES_NAMESPACE", "events_to_csv", "events_to_xes", "safe_activity"]

CSV_COLUMNS = (
    "case_id", "seq", "event", "activity", "step_id", "lifecycle", "timestamp", "actor",
    "person", "visit", "answer", "note", "inputs_present", "output", "version",
)
XES_NAMESPACE = "http://www.xes-standard.org/"

_EXTENSIONS = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Org", "org", "http://www.xes-standard.org/org.xesext"),
)


def _zone(tz: str | tzinfo | None) -> tzinfo | None:
    if tz is None or isinstance(tz, tzinfo):
        return tz
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"tz: {tz!r} is not a known time zone") from None


def _aware(moment: datetime, zone: tzinfo | None) -> datetime:
    """``moment`` with its UTC offset: naive times are wall-clock times in ``zone``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=zone) if zone is not None else moment.astimezone()
    return moment.astimezone(zone) if zone is not None else moment


def safe_activity(name: str) -> str:
    """An activity name pm4py compares correctly: commas become semicolons."""
    return name.replace(",", ";")


def _csv_row(e: Event, zone: tzinfo | None) -> list[str]:
    return [
        e.instance_id, str(e.seq), e.kind.value, safe_activity(e.activity or ""),
        e.step_id or "", e.lifecycle or "", _aware(e.timestamp, zone).isoformat(),
        " + ".join(e.actors), e.person or "",
        "" if e.visit is None else str(e.visit), e.answer or "", e.note,
        "" if e.inputs_present is None else json.dumps(list(e.inputs_present),
                                                        ensure_ascii=False),
        e.output or "", str(e.version),
    ]


def events_to_csv(
    events: Iterable[Event], target: str | PathLike[str] | IO[str] | None = None,
    *, tz: str | tzinfo | None = None,
) -> str:
    """Write every event as a CSV row (header :data:`CSV_COLUMNS`); returns the text, and
    writes it to ``target`` (a path or an open text file) when given. ``tz``: the zone of
    naive timestamps (pass the calendar's ``tz``; None: the machine's local zone)."""
    zone = _zone(tz)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(e, zone) for e in events)
    text = buffer.getvalue()
    _write(text, target)
    return text


def _xes_time(moment: datetime, zone: tzinfo | None) -> str:
    # xs:dateTime with milliseconds and the UTC offset
    return _aware(moment, zone).isoformat(timespec="milliseconds")


def _attr(parent: ET.Element, tag: str, key: str, value: str) -> None:
    ET.SubElement(parent, tag, key=key, value=value)


def events_to_xes(
    events: Iterable[Event],
    target: str | PathLike[str] | IO[str] | None = None,
    *,
    log_name: str = "sopflow",
    tz: str | tzinfo | None = None,
) -> str:
    """Write the step lifecycle events as an XES log, one trace per instance; returns the XML
    text and writes it to ``target`` when given. ``tz``: the zone of naive timestamps (pass
    the calendar's ``tz``; None: the machine's local zone)."""
    zone = _zone(tz)
    log = ET.Element("log", {
        "xes.version": "1849-2016", "xes.features": "nested-attributes",
        "xmlns": XES_NAMESPACE,
    })
    for name, prefix, uri in _EXTENSIONS:
        ET.SubElement(log, "extension", name=name, prefix=prefix, uri=uri)
    trace_globals = ET.SubElement(log, "global", scope="trace")
    _attr(trace_globals, "string", "concept:name", "__INVALID__")
    event_globals = ET.SubElement(log, "global", scope="event")
    _attr(event_globals, "string", "concept:name", "__INVALID__")
    _attr(event_globals, "string", "lifecycle:transition", "complete")
    _attr(event_globals, "date", "time:timestamp", "1970-01-01T00:00:00.000+00:00")
    ET.SubElement(log, "classifier", name="Activity", keys="concept:name")
    ET.SubElement(log, "classifier", name="Activity and lifecycle",
                  keys="concept:name lifecycle:transition")
    _attr(log, "string", "concept:name", log_name)
    _attr(log, "string", "lifecycle:model", "standard")

    traces: dict[str, ET.Element] = {}
    for e in events:
        if e.lifecycle is None or e.step_id is None:
            continue
        trace = traces.get(e.instance_id)
        if trace is None:
            trace = traces[e.instance_id] = ET.SubElement(log, "trace")
            _attr(trace, "string", "concept:name", e.instance_id)
        node = ET.SubElement(trace, "event")
        _attr(node, "string", "concept:name", safe_activity(e.activity or e.step_id))
        _attr(node, "string", "lifecycle:transition", e.lifecycle)
        _attr(node, "date", "time:timestamp", _xes_time(e.timestamp, zone))
        if e.activity and "," in e.activity:
            _attr(node, "string", "sopflow:text", e.activity)
        if e.person:
            _attr(node, "string", "org:resource", e.person)
        if e.actors:
            _attr(node, "string", "org:role", " + ".join(e.actors))
        _attr(node, "string", "step_id", e.step_id)
        if e.visit is not None:
            ET.SubElement(node, "int", key="visit", value=str(e.visit))
        if e.answer is not None:
            _attr(node, "string", "answer", e.answer)
        if e.note:
            _attr(node, "string", "note", e.note)
        if e.revision is not None:
            _attr(node, "string", "sopflow:revision", e.revision)
    ET.indent(log)
    body = xml_safe(ET.tostring(log, encoding="unicode"))
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
    _write(text, target)
    return text


def _write(text: str, target: str | PathLike[str] | IO[str] | None) -> None:
    from sopflow.runtime._files import write_text

    write_text(text, target)
