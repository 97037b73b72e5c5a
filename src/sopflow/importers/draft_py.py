"""Write a draft definition as a DSL file (.py), with the review marks as comments.

Every text is written as a Python string literal (``repr``), so what was read from a document
stays data: nothing in it can become code.
"""

from __future__ import annotations

from collections.abc import Sequence

from sopflow.importers.base import ArrowMark, Mark
from sopflow.model import SOPDefinition, Step, StepKind

__all__ = ["draft_source"]


def _lit(value: object) -> str:
    """A Python literal; a long list or tuple one item per line (readable, easy to edit)."""
    text = repr(value)
    if isinstance(value, (list, tuple)) and len(text) > 70 and value:
        opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
        items = "".join(f"        {item!r},\n" for item in value)
        return f"{opening}\n{items}    {closing}"
    return text


def _target(target: str) -> str:
    if target == "@end":
        return "END"
    if target == "@start":
        return "START"
    return repr(target)


def draft_source(definition: SOPDefinition, arrows: Sequence[ArrowMark], source: str) -> str:
    """The source of a .py file defining ``sop`` as read, marks as comments."""
    i = definition.identity
    signatory = "None"
    if i.approved_by is not None:
        a = i.approved_by
        signatory = (f"Signatory(position={_lit(a.position)}, name={_lit(a.name)}, "
                     f"nip={_lit(a.nip)})")
    out = [
        f'"""Draft imported from {source!r} by `sopflow import`: check it against the PDF."""',
        "",
        "from __future__ import annotations",
        "",
        "from datetime import date",
        "",
        "from sopflow import END, SOP, START, Signatory  # noqa: F401",
        "",
        "sop = SOP(",
        f"    {_lit(i.name or 'SOP tanpa nama')},",
        f"    number={_lit(i.number)},",
        f"    unit={_lit(tuple(i.unit))},",
        f"    created={_date(i.created)},",
        f"    revised={_date(i.revised)},",
        f"    effective={_date(i.effective)},",
        f"    approved_by={signatory},",
        f"    legal_basis={_lit(list(i.legal_basis))},",
        f"    qualifications={_lit(list(i.qualifications))},",
        f"    related={_lit(list(i.related))},",
        f"    equipment={_lit(list(i.equipment))},",
        f"    warning={_lit(i.warning)},",
        f"    records={_lit(list(i.records))},",
        *([f"    revisions={_revisions(definition)},"] if i.revisions else []),
        ")",
    ]
    names = {}
    for k, actor in enumerate(definition.actors):
        names[actor.name] = f"lane{k + 1}"
        out.append(f"lane{k + 1} = sop.actor({_lit(actor.name)})")
    out.append("")
    for n, step in enumerate(definition.steps, start=1):
        out.extend(_comments(n, arrows))
        out.extend(_step(step, names))
    out.append("")
    return "\n".join(out)


def _revisions(definition: SOPDefinition) -> str:
    """The revision history as a list of (date, number, changes) tuples."""
    items = "".join(f"        ({_date(r.date)}, {r.number!r}, {r.changes!r}),\n"
                    for r in definition.identity.revisions)
    return f"[\n{items}    ]"


def _date(value: object) -> str:
    if value is None:
        return "None"
    return f"date({value.year}, {value.month}, {value.day})"  # type: ignore[attr-defined]


def _comments(row: int, arrows: Sequence[ArrowMark]) -> list[str]:
    lines = []
    for a in arrows:
        if a.source != row and not (a.source is None and a.target == row):
            continue
        where = f" (page {a.region.page})" if a.region else ""
        label = f" {a.label!r}" if a.label else ""
        note = f": {a.note}" if a.note else ""
        text = f"# {a.mark.value.upper()}{where}: row {a.source} -> {a.target}{label}{note}"
        lines.append(text.replace("\n", " "))
        if a.mark == Mark.UNRESOLVED:
            lines.append("#   ^ not in the draft: check the page and add the exit by hand")
    return lines


def _step(step: Step, names: dict[str, str]) -> list[str]:
    by = ", ".join(names.get(a, repr(a)) for a in step.actors)
    by = f"[{by}]" if len(step.actors) > 1 else by
    common = [f"    by={by},", f"    id={_lit(step.id)},", f"    inputs={_lit(list(step.inputs))},",
              f"    time={_lit(step.time)},", f"    output={_lit(step.output)},",
              f"    note={_lit(step.note)},"]
    if step.page_break:
        common.append("    page_break=True,")
    if step.kind == StepKind.DECISION:
        pairs = ", ".join(f"({_lit(e.label)}, {_target(e.target)})" for e in step.exits)
        return ["sop.decision(", f"    {_lit(step.text)},", *common,
                f"    exits=[{pairs}],", ")"]
    then = _target(step.exits[0].target) if step.exits else "None"
    return ["sop.step(", f"    {_lit(step.text)},", *common, f"    then={then},", ")"]
