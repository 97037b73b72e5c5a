"""Validation: small pure rules over a definition and its compiled graph.

Each rule has a stable code (``E…`` errors, ``W…`` warnings), a name, and produces findings
that name the rule, the offending elements and where they were written. All rules run; the
report lists every finding at once. Structural rules are linear in the size of the graph.
The rules and a failing example of each are documented in ``docs/validation.md``.
"""

from __future__ import annotations

import difflib
import enum
import functools
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from sopflow.graph import END_PREFIX, START_NODE, SOPGraph
from sopflow.model import END, START, SOPDefinition, SourceLocation, Step, StepKind
from sopflow.waktu import MAX_WAKTU_DAYS, Basis, Waktu

__all__ = [
    "RULES",
    "Finding",
    "Report",
    "Rule",
    "SOPValidationError",
    "Severity",
    "validate",
]


class Severity(enum.Enum):
    """An error makes the SOP unusable; a warning breaks the guideline's advice."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen(kw_only=True, slots=True)
class Finding:
    """One thing wrong with an SOP: which rule, how bad, what and where."""

    code: str
    rule: str
    severity: Severity
    message: str
    element: str | None = None
    location: SourceLocation | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.severity.value} {self.code} [{self.rule}] {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data (what ``sopflow validate --format json`` prints)."""
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "element": self.element,
            "file": self.location.file if self.location else None,
            "line": self.location.line if self.location else None,
        }


@attrs.frozen(kw_only=True, slots=True)
class Report:
    """Every finding of one SOP, errors first, each group in the order it was written."""

    sop: str
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings of severity error, in report order."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings of severity warning, in report order."""
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def __str__(self) -> str:
        head = (
            f"SOP {self.sop!r}: {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
        )
        return "\n".join([head, *(f"  {f}" for f in self.findings)])

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: counts, status and every finding."""
        return {
            "sop": self.sop,
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.to_dict() for f in self.findings],
        }


class SOPValidationError(ValueError):
    """Raised by strict compilation: carries the report and lists every error in its text."""

    def __init__(self, report: Report) -> None:
        self.report = report
        lines = [f"SOP {report.sop!r} has {len(report.errors)} error(s):"]
        lines += [f"  {f}" for f in report.errors]
        super().__init__("\n".join(lines))


class _Context:
    """What every rule reads: the definition, its graph, and look-ups computed once."""

    def __init__(self, definition: SOPDefinition, graph: SOPGraph) -> None:
        self.definition = definition
        self.graph = graph
        self.rows: dict[str, int] = {}
        for row, step in enumerate(definition.steps, start=1):
            self.rows.setdefault(step.id, row)
        # (row, step), skipping rows whose id repeats an earlier one
        self.unique = tuple(
            (row, step)
            for row, step in enumerate(definition.steps, start=1)
            if self.rows[step.id] == row
        )
        self.ends = [n for n in graph.nodes if str(n).startswith(END_PREFIX)]

    @functools.cached_property
    def reached(self) -> set[str]:
        """Nodes reachable from the start."""
        if START_NODE not in self.graph:
            return set()
        return _reachable(self.graph, [START_NODE], reverse=False)

    @functools.cached_property
    def finishing(self) -> set[str]:
        """Nodes from which an end can be reached."""
        return _reachable(self.graph, self.ends, reverse=True)


RuleFunc = Callable[[_Context], Iterable[Finding]]


@attrs.frozen(kw_only=True, slots=True)
class Rule:
    """A validation rule: stable code, short name, severity and a one-line summary."""

    code: str
    name: str
    severity: Severity
    summary: str
    check: RuleFunc = attrs.field(repr=False)

    def finding(
        self, message: str, element: str | None, location: SourceLocation | None
    ) -> Finding:
        return Finding(
            code=self.code,
            rule=self.name,
            severity=self.severity,
            message=message,
            element=element,
            location=location,
        )


def _clip(text: str, limit: int = 50) -> str:
    """A user's text short enough to quote in a one-line message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _step_name(step: Step, row: int) -> str:
    return f"step {row} {step.id!r} ({_clip(step.text)!r})"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


# -- errors -------------------------------------------------------------------------------------


def _no_start(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    if not ctx.definition.steps:
        yield rule.finding(
            "the SOP has no steps, so there is nothing for the start (Mulai) to lead to",
            None,
            ctx.definition.location,
        )


def _no_end(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    if ctx.definition.steps and not ctx.ends:
        yield rule.finding(
            f"no step leads to the end ({ctx.definition.labels.end}): the last row has no "
            "way out and no exit goes to END",
            None,
            ctx.definition.location,
        )


def _unknown_step(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    ids = ctx.rows.keys()
    start = ctx.definition.start
    if start is not None and start not in ids:
        yield rule.finding(
            f"the start leads to unknown step {start!r}{_did_you_mean(start, ids)}",
            start,
            ctx.definition.location,
        )
    for row, step in ctx.unique:
        for exit_ in step.exits:
            if exit_.target in (END, START) or exit_.target in ids:
                continue
            via = f" (exit {exit_.label!r})" if exit_.label else ""
            yield rule.finding(
                f"{_step_name(step, row)} goes{via} to unknown step {exit_.target!r}"
                f"{_did_you_mean(exit_.target, ids)}",
                step.id,
                exit_.location or step.location,
            )


def _unknown_actor(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    names = [a.name for a in ctx.definition.actors]
    known = set(names)
    for row, step in ctx.unique:
        for name in step.actors:
            if name not in known:
                yield rule.finding(
                    f"{_step_name(step, row)} is done by unknown actor {name!r}"
                    f"{_did_you_mean(name, names)}",
                    step.id,
                    step.location,
                )


def _no_actor(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if not step.actors:
            yield rule.finding(
                f"{_step_name(step, row)} has no actor: every row sits in a Pelaksana lane",
                step.id,
                step.location,
            )


def _decision_exits(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if step.kind is StepKind.DECISION and len(step.exits) < 2:
            have = ", ".join(repr(e.label) for e in step.exits) or "none"
            yield rule.finding(
                f"decision {_step_name(step, row)} has {len(step.exits)} exit(s) ({have}); "
                f"a decision needs two or more, e.g. yes= and no=",
                step.id,
                step.location,
            )


def _reachable(graph: SOPGraph, sources: Iterable[str], reverse: bool) -> set[str]:
    """Breadth-first search over successors (or predecessors): linear time."""
    neighbours = graph.pred if reverse else graph.succ
    seen = set(sources)
    queue = deque(seen)
    while queue:
        node = queue.popleft()
        for other in neighbours[node]:
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return seen


def _unreachable(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    if START_NODE not in ctx.graph:
        return
    seen = ctx.reached
    for row, step in ctx.unique:
        if step.id not in seen:
            yield rule.finding(
                f"{_step_name(step, row)} cannot be reached from the start "
                f"({ctx.definition.labels.start})",
                step.id,
                step.location,
            )


def _no_way_out(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    if not ctx.ends or START_NODE not in ctx.graph:
        return  # no end at all is reported once, by E002
    reached, finishing = ctx.reached, ctx.finishing
    for row, step in ctx.unique:
        if step.id in reached and step.id not in finishing:
            yield rule.finding(
                f"from {_step_name(step, row)} no end ({ctx.definition.labels.end}) can be "
                "reached: a dead end or a loop with no way out",
                step.id,
                step.location,
            )


_REQUIRED_IDENTITY = (
    ("number", "Nomor SOP"),
    ("name", "Nama SOP"),
    ("created", "Tanggal Pembuatan"),
    ("effective", "Tanggal Efektif"),
    ("approved_by", "Disahkan oleh"),
)


def _missing_identity(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    identity = ctx.definition.identity
    for field, label in _REQUIRED_IDENTITY:
        value = getattr(identity, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            yield rule.finding(
                f"required identity field {label} ({field}=) is missing",
                field,
                ctx.definition.location,
            )


def _unreadable_waktu(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        waktu: Waktu = ctx.graph.nodes[step.id]["waktu"]
        if step.time.strip() and not waktu.readable:
            yield rule.finding(
                f"the Waktu {_clip(step.time)!r} of {_step_name(step, row)} cannot be read; "
                "write a number and a unit, e.g. '15 menit', '2 jam', '1-3 hari kerja'",
                step.id,
                step.location,
            )


def _waktu_too_long(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        waktu: Waktu = ctx.graph.nodes[step.id]["waktu"]
        if waktu.readable and waktu.too_long:
            yield rule.finding(
                f"the Waktu {_clip(step.time)!r} of {_step_name(step, row)} is longer than "
                f"{MAX_WAKTU_DAYS:,} days (100 years), the longest sopflow schedules "
                "(sopflow.waktu.MAX_WAKTU_DAYS); check the number and the unit",
                step.id,
                step.location,
            )


def _duplicate_id(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in enumerate(ctx.definition.steps, start=1):
        first = ctx.rows[step.id]
        if first != row:
            yield rule.finding(
                f"step {row} reuses the id {step.id!r} of step {first}; ids must be unique",
                step.id,
                step.location,
            )


def _duplicate_actor(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    seen: set[str] = set()
    for actor in ctx.definition.actors:
        if actor.name in seen:
            yield rule.finding(
                f"actor {actor.name!r} is declared twice", actor.name, actor.location
            )
        seen.add(actor.name)


def _duplicate_label(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        labels = [e.label for e in step.exits if e.label]
        for label in sorted({lb for lb in labels if labels.count(lb) > 1}):
            yield rule.finding(
                f"{_step_name(step, row)} has two exits labelled {label!r}",
                step.id,
                step.location,
            )


def _empty_text(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if not step.text.strip():
            yield rule.finding(
                f"step {row} {step.id!r} has no Kegiatan text", step.id, step.location
            )


# -- warnings ----------------------------------------------------------------------------------

# Indonesian active verbs carry the meN- prefix (me-, mem-, men-, meng-, meny-) or ber-;
# a few base verbs are written bare, as an imperative.
_BASE_VERBS = frozenset(
    [
        "ajukan", "arsipkan", "buat", "catat", "cek", "cetak", "isi", "kirim", "periksa",
        "rekap", "sampaikan", "serahkan", "susun", "tandatangani", "teliti", "terima",
        "unggah", "unduh", "input", "upload",
    ]
)
_WORD = re.compile(r"[A-Za-z]+")


def _verb_first(text: str) -> bool:
    match = _WORD.match(text.strip())
    if not match:
        return False
    word = match.group(0).lower()
    return (word.startswith("me") and len(word) > 4) or (
        word.startswith("ber") and len(word) > 5
    ) or word in _BASE_VERBS


def _not_verb_first(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    # The actor "in the sentence" is its subject: a lane name that opens the text, or the
    # agent of a passive ("... oleh Kasubbag"). A lane named as the object ("mengarahkan
    # pengguna layanan") is fine. Names may end in ")" so no \b: look-arounds instead.
    by_lower = {a.name.lower(): a.name for a in ctx.definition.actors if a.name.strip()}
    names = sorted(by_lower, key=len, reverse=True)  # longest first: "Kepala Bagian" wins
    pattern = (
        re.compile(
            r"(?:^\s*|\boleh\s+)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)",
            re.IGNORECASE,
        )
        if names
        else None
    )
    for row, step in ctx.unique:
        if not step.text.strip():
            continue
        if not _verb_first(step.text) and not (
            step.kind is StepKind.DECISION and _is_question(step.text)
        ):
            first = step.text.split()[0]
            yield rule.finding(
                f"{_step_name(step, row)} does not start with a verb ({first!r}); write the "
                "activity verb first, without a subject (e.g. 'Memeriksa ...')",
                step.id,
                step.location,
            )
        match = pattern.search(step.text) if pattern is not None else None
        if match is not None:
            name = by_lower[match.group(1).lower()]
            yield rule.finding(
                f"{_step_name(step, row)} names the actor {name!r} in its text; the actor "
                "belongs in the lane, not in the sentence",
                step.id,
                step.location,
            )


_QUESTION_WORDS = frozenset({"apakah", "apa", "bagaimana", "berapa", "siapa", "kapan", "mana"})


def _is_question(text: str) -> bool:
    text = text.strip()
    return text.endswith("?") or text.split()[0].lower() in _QUESTION_WORDS


def _not_question(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if step.kind is not StepKind.DECISION or not step.text.strip():
            continue
        if _is_question(step.text):
            continue
        diamond = f" (the diamond asks {step.question!r})" if step.question else ""
        yield rule.finding(
            f"decision {_step_name(step, row)} is not phrased as a question{diamond}; "
            "write it as one, e.g. 'Apakah ... sudah sesuai?'",
            step.id,
            step.location,
        )


def _joint(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if len(step.actors) > 1:
            yield rule.finding(
                f"{_step_name(step, row)} is a joint activity of {len(step.actors)} actors "
                f"({', '.join(step.actors)}); the guideline prefers one actor per step",
                step.id,
                step.location,
            )


def _dates_order(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    identity = ctx.definition.identity
    if identity.created is None:
        return
    for field, label in (("effective", "Tanggal Efektif"), ("revised", "Tanggal Revisi")):
        value = getattr(identity, field)
        if value is not None and value < identity.created:
            yield rule.finding(
                f"{label} {value.isoformat()} is before Tanggal Pembuatan "
                f"{identity.created.isoformat()}",
                field,
                ctx.definition.location,
            )


def _bare_hari(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    reading = "working days" if ctx.definition.bare_hari is Basis.WORKING else "calendar days"
    for row, step in ctx.unique:
        waktu: Waktu = ctx.graph.nodes[step.id]["waktu"]
        if waktu.readable and waktu.bare_hari:
            yield rule.finding(
                f"the Waktu {_clip(step.time)!r} of {_step_name(step, row)} says bare 'hari', "
                f"read as {reading}; write 'hari kerja' or 'hari kalender' to be unambiguous",
                step.id,
                step.location,
            )


#: How far a Waktu may stand from both its neighbours before it is "out of line".
OUT_OF_LINE_FACTOR = 10.0
_CALENDAR_TO_WORKING = (5 / 7) * (7.5 / 24)


def _scale(waktu: Waktu) -> float | None:
    """A rough working-minute size of a Waktu, only for comparing neighbours."""
    if not waktu.readable:
        return None
    low, high = waktu.minutes()
    mid = (low + high) / 2
    if waktu.basis is Basis.CALENDAR:
        mid *= _CALENDAR_TO_WORKING
    return mid if mid > 0 else None


def _out_of_line(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    sizes: dict[int, float | None] = {}  # by id(): compile shares one Waktu per distinct text
    timed = []
    for row, step in ctx.unique:
        waktu = ctx.graph.nodes[step.id]["waktu"]
        key = id(waktu)
        if key not in sizes:
            sizes[key] = _scale(waktu)
        size = sizes[key]
        if size is not None:
            timed.append((row, step, size))
    factor = OUT_OF_LINE_FACTOR
    for i, (row, step, size) in enumerate(timed):
        # Both neighbours; at either end of the table, the two nearest on the one side.
        if 0 < i < len(timed) - 1:
            neighbours = [timed[i - 1], timed[i + 1]]
        else:
            neighbours = timed[1:3] if i == 0 else timed[-3:-1]
        if len(neighbours) < 2:
            continue
        ratios = [size / other for _, _, other in neighbours]
        if all(r >= factor for r in ratios) or all(r <= 1 / factor for r in ratios):
            side = "longer" if ratios[0] > 1 else "shorter"
            around = " and ".join(repr(s.time) for _, s, _ in neighbours)
            yield rule.finding(
                f"the Waktu {_clip(step.time)!r} of {_step_name(step, row)} is over "
                f"{factor:g} times {side} than its neighbours ({around}); check it",
                step.id,
                step.location,
            )


_DRAFT = re.compile(r"\b(draft|draf|konsep|rancangan)\b", re.IGNORECASE)


def _draft_output(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    last = {source for end in ctx.ends for source in ctx.graph.pred[end]}
    for row, step in ctx.unique:
        if step.id in last and _DRAFT.search(step.output):
            yield rule.finding(
                f"{_step_name(step, row)} ends the procedure but its output {step.output!r} "
                "is still a draft",
                step.id,
                step.location,
            )


def _empty_inputs(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if not any(i.strip() for i in step.inputs):
            yield rule.finding(
                f"{_step_name(step, row)} has no Kelengkapan (inputs=)", step.id, step.location
            )


def _empty_output(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if not step.output.strip():
            yield rule.finding(
                f"{_step_name(step, row)} has no Output (output=)", step.id, step.location
            )


def _empty_waktu(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if not step.time.strip():
            yield rule.finding(
                f"{_step_name(step, row)} has no Waktu (time=); the Mutu Baku needs a time "
                "standard",
                step.id,
                step.location,
            )


#: More lanes than this no longer fit a landscape page readably.
MAX_LANES = 8


def _too_many_lanes(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    count = len(ctx.definition.actors)
    if count > MAX_LANES:
        yield rule.finding(
            f"the SOP has {count} lanes; more than {MAX_LANES} do not fit a landscape page "
            "readably",
            None,
            ctx.definition.location,
        )


def _unlabelled_exit(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if step.kind is not StepKind.DECISION:
            continue
        for exit_ in step.exits:
            if not (exit_.label and exit_.label.strip()):
                yield rule.finding(
                    f"decision {_step_name(step, row)} has an unlabelled exit to "
                    f"{exit_.target!r}; label every exit (e.g. Ya/Tidak)",
                    step.id,
                    exit_.location or step.location,
                )


def _unused_actor(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    used = {name for step in ctx.definition.steps for name in step.actors}
    for actor in ctx.definition.actors:
        if actor.name not in used:
            yield rule.finding(
                f"actor {actor.name!r} has a lane but no step", actor.name, actor.location
            )


_OPTIONAL_IDENTITY = (
    ("unit", "the unit's names"),
    ("legal_basis", "Dasar Hukum"),
    ("qualifications", "Kualifikasi Pelaksana"),
    ("related", "Keterkaitan"),
    ("equipment", "Peralatan/Perlengkapan"),
    ("warning", "Peringatan"),
    ("records", "Pencatatan dan Pendataan"),
)


def _empty_identity(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    identity = ctx.definition.identity
    for field, label in _OPTIONAL_IDENTITY:
        value = getattr(identity, field)
        empty = not value.strip() if isinstance(value, str) else not any(v.strip() for v in value)
        if empty:
            yield rule.finding(
                f"identity field {label} ({field}=) is empty", field, ctx.definition.location
            )


def _rule(
    code: str, name: str, severity: Severity, summary: str, check: Callable[..., Any]
) -> Rule:
    def bound(ctx: _Context) -> Iterable[Finding]:
        return check(rule, ctx)  # type: ignore[no-any-return]

    rule = Rule(code=code, name=name, severity=severity, summary=summary, check=bound)
    return rule


_E, _W = Severity.ERROR, Severity.WARNING

#: Every rule, in report order. Codes are stable: new rules get new codes.
RULES: tuple[Rule, ...] = (
    _rule("E001", "no-start", _E, "the SOP has no step, so no start", _no_start),
    _rule("E002", "no-end", _E, "no step leads to the end (Selesai)", _no_end),
    _rule("E003", "unknown-step", _E, "an exit or the start names an unknown step", _unknown_step),
    _rule("E004", "unknown-actor", _E, "a step is done by an undeclared actor", _unknown_actor),
    _rule("E005", "no-actor", _E, "a step has no actor", _no_actor),
    _rule("E006", "decision-exits", _E, "a decision has fewer than two exits", _decision_exits),
    _rule("E007", "unreachable", _E, "a step cannot be reached from the start", _unreachable),
    _rule("E008", "no-way-out", _E, "from a step no end can be reached", _no_way_out),
    _rule("E009", "missing-identity", _E, "a required identity field is missing",
          _missing_identity),
    _rule("E010", "unreadable-waktu", _E, "a Waktu cannot be read", _unreadable_waktu),
    _rule("E011", "duplicate-step", _E, "two steps share an id", _duplicate_id),
    _rule("E012", "duplicate-actor", _E, "an actor is declared twice", _duplicate_actor),
    _rule("E013", "duplicate-label", _E, "two exits of a decision share a label",
          _duplicate_label),
    _rule("E014", "empty-text", _E, "a step has no Kegiatan text", _empty_text),
    _rule("E015", "waktu-too-long", _E, "a Waktu is longer than 100 years", _waktu_too_long),
    _rule("W101", "not-verb-first", _W, "an activity does not start with a verb or names its actor",
          _not_verb_first),
    _rule("W102", "not-a-question", _W, "a decision row is not phrased as a question",
          _not_question),
    _rule("W103", "joint-activity", _W, "a step has more than one actor", _joint),
    _rule("W104", "dates-order", _W, "Tanggal Efektif or Revisi before Tanggal Pembuatan",
          _dates_order),
    _rule("W105", "bare-hari", _W, "a Waktu uses bare 'hari'", _bare_hari),
    _rule("W106", "waktu-out-of-line", _W, "a Waktu is far out of line with both neighbours",
          _out_of_line),
    _rule("W107", "draft-output", _W, "a step that ends the SOP still outputs a draft",
          _draft_output),
    _rule("W108", "empty-kelengkapan", _W, "a step has no Kelengkapan", _empty_inputs),
    _rule("W109", "empty-output", _W, "a step has no Output", _empty_output),
    _rule("W110", "empty-waktu", _W, "a step has no Waktu", _empty_waktu),
    _rule("W111", "too-many-lanes", _W, f"more than {MAX_LANES} lanes", _too_many_lanes),
    _rule("W112", "unlabelled-exit", _W, "a decision exit has no label", _unlabelled_exit),
    _rule("W113", "unused-actor", _W, "an actor has no step", _unused_actor),
    _rule("W114", "empty-identity", _W, "an optional identity field is empty", _empty_identity),
)


def validate(definition: SOPDefinition, graph: SOPGraph | None = None) -> Report:
    """Run every rule on ``definition`` (compiling its graph if not given)."""
    if graph is None:
        from sopflow.graph import compile_graph

        graph = compile_graph(definition)
    ctx = _Context(definition, graph)
    findings = [finding for rule in RULES for finding in rule.check(ctx)]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    return Report(sop=definition.identity.name, findings=(*errors, *warnings))
