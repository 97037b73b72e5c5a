"""Refuse characters that cannot be shown in an SOP's text, naming the field and where.

A control character (NUL, a bell, an escape sequence, a vertical tab pasted from a word
processor), a lone UTF-16 surrogate or one of XML's non-characters cannot be drawn, ends a C
string early in Graphviz, and makes SVG, BPMN and XES output that no XML parser reads. Such
text is refused when the SOP is loaded (JSON) or written (DSL), with the field and line, so
that the author sees it where it is; tab, line feed and carriage return are allowed (white
space and line breaks). The renderers still replace any that reach them by other routes
(:mod:`sopflow._gvtext`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sopflow.model import SOPDefinition, SourceLocation, Step

__all__ = ["TextError", "check_definition", "definition_texts", "text_problem"]

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class TextError(ValueError):
    """A text field holding a character sopflow refuses; ``location`` is where it was written."""

    def __init__(self, message: str, *, field: str, location: SourceLocation | None) -> None:
        self.message = message
        self.field = field
        self.location = location
        where = f"{location}: " if location is not None else ""
        super().__init__(f"{where}{field}: {message}")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be used (the first bad character and its position), or None."""
    match = _FORBIDDEN.search(text)
    if match is None:
        return None
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate (half of a UTF-16 pair)"
    elif code in (0xFFFE, 0xFFFF):
        kind = "a Unicode non-character"
    else:
        kind = "a control character"
    return (f"contains {kind}, U+{code:04X}, at character {match.start() + 1}; such "
            "characters cannot be drawn or written to XML: remove it (tab and line breaks are "
            "allowed)")


def definition_texts(
    definition: SOPDefinition,
) -> Iterator[tuple[str, str, SourceLocation | None]]:
    """Every text of ``definition`` as (field name, text, where it was written)."""
    yield from _head_texts(definition)
    for step in definition.steps:
        yield from _step_texts(step)


def _head_texts(
    definition: SOPDefinition,
) -> Iterator[tuple[str, str, SourceLocation | None]]:
    """The texts of ``definition`` outside its steps (identity, labels, actors)."""
    ident = definition.identity
    top = definition.location
    yield "name", ident.name, top
    if ident.number is not None:
        yield "number", ident.number, top
    for field in ("unit", "legal_basis", "qualifications", "related", "equipment", "records"):
        for k, value in enumerate(getattr(ident, field)):
            yield f"{field}[{k}]", value, top
    yield "warning", ident.warning, top
    for k, revision in enumerate(ident.revisions):
        yield f"revisions[{k}].number", revision.number, top
        yield f"revisions[{k}].changes", revision.changes, top
    signatory = ident.approved_by
    if signatory is not None:
        for field in ("position", "name", "nip"):
            value = getattr(signatory, field)
            if value is not None:
                yield f"approved_by.{field}", value, top
    for field in ("yes", "no", "start", "end"):
        yield f"labels.{field}", getattr(definition.labels, field), top
    for actor in definition.actors:
        yield "actor name", actor.name, actor.location
        yield f"note of actor {actor.name!r}", actor.note, actor.location


def _step_texts(step: Step) -> Iterator[tuple[str, str, SourceLocation | None]]:
    # keep in step with _step_plain_texts (tests/test_core_speedups.py compares the two)
    where = step.location
    yield "step id", step.id, where
    for field in ("text", "question", "time", "output", "note"):
        value = getattr(step, field)
        if value is not None:
            yield f"{field} of step {step.id!r}", value, where
    for k, value in enumerate(step.inputs):
        yield f"inputs[{k}] of step {step.id!r}", value, where
    for k, value in enumerate(step.actors):
        yield f"actors[{k}] of step {step.id!r}", value, where
    for ex in step.exits:
        if ex.label is not None:
            yield f"exit label of step {step.id!r}", ex.label, ex.location or where
        yield f"exit target of step {step.id!r}", ex.target, ex.location or where


def _step_plain_texts(step: Step, into: list[str]) -> None:
    """The texts :func:`_step_texts` yields, in its order, without naming them (the names
    are only needed for an error, and formatting them cost more than the search)."""
    into.append(step.id)
    for value in (step.text, step.question, step.time, step.output, step.note):
        if value is not None:
            into.append(value)
    into += step.inputs
    into += step.actors
    for ex in step.exits:
        if ex.label is not None:
            into.append(ex.label)
        into.append(ex.target)


def check_definition(definition: SOPDefinition) -> None:
    """Raise :class:`TextError` for the first text holding a refused character."""
    # One search over every text joined by a line feed (an allowed character, so the join
    # adds no match); only when it finds something are the texts named and searched one by one.
    texts = [text for _, text, _ in _head_texts(definition)]
    for step in definition.steps:
        _step_plain_texts(step, texts)
    if _FORBIDDEN.search("\n".join(texts)) is None:
        return
    for field, text, where in definition_texts(definition):
        problem = text_problem(text)
        if problem is not None:
            raise TextError(problem, field=field, location=where)
