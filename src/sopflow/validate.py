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
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from sopflow.graph import START_NODE, SOPGraph, ends, table_rows
from sopflow.model import (
    END,
    START,
    SOPDefinition,
    SourceLocation,
    Step,
    StepKind,
    identity_label,
    required_identity_fields,
)
from sopflow.waktu import (
    MAX_WAKTU_DAYS,
    WORKING_DAY_HOURS,
    WORKING_WEEK_DAYS,
    Basis,
    TimeUnit,
    Waktu,
    WaktuKind,
)

__all__ = [
    "DRAWING_BLOCKERS",
    "RULES",
    "RUN_BLOCKERS",
    "Finding",
    "Report",
    "Rule",
    "SOPValidationError",
    "Severity",
    "blocks_drawing",
    "check_acceptance",
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
    accepted: str | None = None  # the reason, when the SOP or configuration accepts it
    indonesian: str = ""  # the message in Bahasa Indonesia

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``: ``"en"`` (English) or ``"id"`` (Bahasa Indonesia)."""
        return self.indonesian if lang == "id" and self.indonesian else self.message

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        kind = "accepted" if self.accepted is not None else self.severity.value
        why = f" (accepted: {self.accepted})" if self.accepted is not None else ""
        return f"{where}{kind} {self.code} [{self.rule}] {self.message}{why}"

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
            "accepted": self.accepted,
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
        """The findings of severity warning not accepted, in report order."""
        return tuple(f for f in self.findings
                     if f.severity is Severity.WARNING and f.accepted is None)

    @property
    def accepted(self) -> tuple[Finding, ...]:
        """The warnings accepted in the SOP or the configuration, each with its reason."""
        return tuple(f for f in self.findings if f.accepted is not None)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def summary(self, lang: str = "en") -> str:
        """One line: the SOP's name and how many errors, warnings and accepted warnings."""
        from sopflow.i18n import message

        head = message("summary", lang, sop=self.sop, errors=len(self.errors),
                       warnings=len(self.warnings))
        if self.accepted:
            head += message("summary-accepted", lang, accepted=len(self.accepted))
        return head

    def text(self, lang: str = "en") -> str:
        """The report in ``lang`` ("en" or "id"): the summary, then one line per finding."""
        from sopflow.i18n import message

        lines = [self.summary(lang)]
        for f in self.findings:
            where = f"{f.location}: " if f.location else ""
            kind = message("accepted" if f.accepted is not None else f.severity.value, lang)
            why = (message("accepted-because", lang, reason=f.accepted)
                   if f.accepted is not None else "")
            lines.append(f"  {where}{kind} {f.code} [{f.rule}] {f.text(lang)}{why}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text("en")

    def to_pandas(self) -> Any:
        """The findings as a ``pandas.DataFrame`` (kind, code, rule, element, where,
        message); pandas is an optional extra."""
        from sopflow.notebook import REPORT_COLUMNS, report_rows, to_frame

        return to_frame(REPORT_COLUMNS, report_rows(self))

    def _repr_html_(self) -> str:
        from sopflow.notebook import REPORT_COLUMNS, html_table, report_rows

        return html_table(REPORT_COLUMNS, report_rows(self), self.summary())

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: counts, status and every finding."""
        return {
            "sop": self.sop,
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "accepted": len(self.accepted),
            "findings": [f.to_dict() for f in self.findings],
        }


class SOPValidationError(ValueError):
    """Raised by strict compilation: carries the report and lists every error in its text."""

    def __init__(self, report: Report) -> None:
        self.report = report
        lines = [f"SOP {report.sop!r} has {len(report.errors)} error(s):"]
        lines += [f"  {f}" for f in report.errors]
        super().__init__("\n".join(lines))


#: The rules that read a step's parsed Waktu (see _Context.waktu_rows).
_WAKTU_CODES = ("E010", "E015", "W105", "W106", "W115")


def _waktu_codes(waktu: Waktu) -> tuple[str, ...]:
    """The Waktu rules that may report a step with this Waktu (a superset: each rule checks
    its whole condition again on the rows it is given)."""
    codes = []
    if not waktu.understood:
        codes.append("E010")
    if waktu.readable:
        if waktu.too_long:
            codes.append("E015")
        if waktu.bare_hari:
            codes.append("W105")
        codes.append("W106")
    if waktu.kind in (WaktuKind.NO_STANDARD, WaktuKind.CADENCE):
        codes.append("W115")
    return tuple(codes)


class _Context:
    """What every rule reads: the definition, its graph, and look-ups computed once."""

    def __init__(self, definition: SOPDefinition, graph: SOPGraph) -> None:
        self.definition = definition
        self.graph = graph
        # the graph holds each id once, in the first row that uses it
        table = table_rows(graph)
        self.rows: dict[str, int] = {step: data["row"] for step, data in table}
        # (row, step) in row order, skipping rows whose id repeats an earlier one
        steps = definition.steps
        self.unique = tuple([(data["row"], steps[data["row"] - 1]) for _, data in table])
        self.ends = list(ends(graph))

    @functools.cached_property
    def reached(self) -> set[str]:
        """Nodes reachable from the start."""
        if START_NODE not in self.graph:
            return set()
        return _reachable(self.graph, [START_NODE], reverse=False)

    @functools.cached_property
    def waktu(self) -> dict[str, Waktu]:
        """Each step's parsed Waktu, read from the graph once for the rules that need it."""
        found: dict[str, Waktu] = {}
        for node, data in self.graph.nodes(data=True):
            waktu = data.get("waktu")
            if isinstance(waktu, Waktu):
                found[node] = waktu
        return found

    @functools.cached_property
    def waktu_rows(self) -> dict[str, list[tuple[int, Step, Waktu]]]:
        """One pass for the rules that read the Waktu: for each of them, the rows (with
        their Waktu) it may report, in row order; each rule still checks its own condition.
        Compile shares one Waktu per distinct text, so the facts of each are found once.
        ``"W106"`` holds the readable ones; :meth:`waktu_sizes` their size and kind."""
        waktu_of, facts = self.waktu, self._waktu_facts
        flagged: dict[str, list[tuple[int, Step, Waktu]]] = {code: [] for code in _WAKTU_CODES}
        for row, step in self.unique:
            waktu = waktu_of[step.id]
            codes = facts.get(id(waktu))
            if codes is None:
                codes = facts[id(waktu)] = _waktu_codes(waktu)
            for code in codes:
                flagged[code].append((row, step, waktu))
        return flagged

    @functools.cached_property
    def _waktu_facts(self) -> dict[int, tuple[str, ...]]:
        # by id(): the Waktu objects live in the graph as long as this context
        return {}

    @functools.cached_property
    def finishing(self) -> set[str]:
        """Nodes from which an end can be reached."""
        return _reachable(self.graph, self.ends, reverse=True)


RuleFunc = Callable[[_Context], Iterable[Finding]]


@attrs.frozen(kw_only=True, slots=True)
class Rule:
    """A validation rule: stable code, short name, severity and a one-line summary.

    ``blocks_run``: a finding of this rule makes the flow impossible to run (the executor
    refuses such a procedure); other errors flaw the document, not the flow.
    ``blocks_drawing``: a finding of this rule makes the drawing unfaithful (an arrow or a row
    would be missing), so `sopflow render` refuses; other findings are drawn as written.
    """

    code: str
    name: str
    severity: Severity
    summary: str
    check: RuleFunc = attrs.field(repr=False)
    blocks_run: bool = False
    blocks_drawing: bool = False

    def finding(
        self, message: str, element: str | None, location: SourceLocation | None,
        indonesian: str,
    ) -> Finding:
        """A finding of this rule; every message is written in English and Indonesian."""
        return Finding(
            code=self.code,
            rule=self.name,
            severity=self.severity,
            message=message,
            element=element,
            location=location,
            indonesian=indonesian,
        )


def _clip(text: str, limit: int = 50) -> str:
    """A user's text short enough to quote in a one-line message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _step_name(step: Step, row: int) -> str:
    return f"step {row} {step.id!r} ({_clip(step.text)!r})"


def _langkah(step: Step, row: int) -> str:
    return f"langkah {row} {step.id!r} ({_clip(step.text)!r})"


def _did_you_mean(word: str, choices: Iterable[str], lang: str = "en") -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        return ""
    return f"; maksud Anda {close[0]!r}?" if lang == "id" else f"; did you mean {close[0]!r}?"


# -- errors -------------------------------------------------------------------------------------


def _no_start(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    if not ctx.definition.steps:
        yield rule.finding(
            "the SOP has no steps, so there is nothing for the start (Mulai) to lead to",
            None,
            ctx.definition.location,
            "SOP tidak memiliki langkah, jadi tidak ada yang dituju dari Mulai",
        )


def _no_end(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    if ctx.definition.steps and not ctx.ends:
        yield rule.finding(
            f"no step leads to the end ({ctx.definition.labels.end}): the last row has no "
            "way out and no exit goes to END",
            None,
            ctx.definition.location,
            f"tidak ada langkah yang menuju akhir ({ctx.definition.labels.end}): baris terakhir "
            "tidak memiliki jalan keluar dan tidak ada keluaran ke END",
        )


def _unknown_step(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    ids = ctx.rows.keys()
    start = ctx.definition.start
    if start is not None and start not in ids:
        yield rule.finding(
            f"the start leads to unknown step {start!r}{_did_you_mean(start, ids)}",
            start,
            ctx.definition.location,
            f"Mulai menuju langkah yang tidak dikenal {start!r}"
            f"{_did_you_mean(start, ids, 'id')}",
        )
    for row, step in ctx.unique:
        for exit_ in step.exits:
            if exit_.target in (END, START) or exit_.target in ids:
                continue
            via = f" (exit {exit_.label!r})" if exit_.label else ""
            lewat = f" (keluaran {exit_.label!r})" if exit_.label else ""
            yield rule.finding(
                f"{_step_name(step, row)} goes{via} to unknown step {exit_.target!r}"
                f"{_did_you_mean(exit_.target, ids)}",
                step.id,
                exit_.location or step.location,
                f"{_langkah(step, row)} menuju{lewat} langkah yang tidak dikenal "
                f"{exit_.target!r}{_did_you_mean(exit_.target, ids, 'id')}",
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
                    f"{_langkah(step, row)} dilaksanakan oleh pelaksana yang tidak dikenal "
                    f"{name!r}{_did_you_mean(name, names, 'id')}",
                )


def _no_actor(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if not step.actors:
            yield rule.finding(
                f"{_step_name(step, row)} has no actor: every row sits in a Pelaksana lane",
                step.id,
                step.location,
                f"{_langkah(step, row)} tidak memiliki pelaksana: setiap baris berada di kolom "
                "seorang Pelaksana",
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
                f"keputusan {_langkah(step, row)} memiliki {len(step.exits)} keluaran "
                f"({have.replace('none', 'tidak ada')}); keputusan memerlukan dua keluaran atau "
                "lebih, misalnya yes= dan no=",
            )


def _reachable(graph: SOPGraph, sources: Iterable[str], reverse: bool) -> set[str]:
    """Search over successors (or predecessors): linear time."""
    # the plain adjacency dicts: networkx's views cost microseconds per lookup
    neighbours: dict[str, dict[str, Any]] = (
        graph._pred if reverse else graph._succ)  # type: ignore[attr-defined]
    seen = set(sources)
    stack = list(seen)  # depth first: the order does not matter, only the set
    push, pop, mark = stack.append, stack.pop, seen.add
    while stack:
        for other in neighbours[pop()]:
            if other not in seen:
                mark(other)
                push(other)
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
                f"{_langkah(step, row)} tidak dapat dicapai dari awal "
                f"({ctx.definition.labels.start})",
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
                f"dari {_langkah(step, row)} tidak ada akhir ({ctx.definition.labels.end}) yang "
                "dapat dicapai: jalan buntu atau perulangan tanpa jalan keluar",
            )


#: Required identity fields in the order E009 reports them (the rows of the identity page's
#: header first); which fields are required, and their names, live on ``Identity``'s fields.
_REQUIRED_ORDER = ("number", "name", "created", "effective", "approved_by")
_REQUIRED_IDENTITY = tuple(
    (field, identity_label(field))
    for field in sorted(required_identity_fields(), key=_REQUIRED_ORDER.index)
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
                f"isian identitas wajib {label} ({field}=) belum diisi",
            )


def _unreadable_waktu(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step, waktu in ctx.waktu_rows["E010"]:
        if step.time.strip() and not waktu.understood:
            yield rule.finding(
                f"the Waktu {_clip(step.time)!r} of {_step_name(step, row)} cannot be read; "
                "write e.g. '15 menit', '1-3 hari kerja', '2 menit/berkas', 'Segera', "
                "'Triwulanan' or 'Sesuai kebutuhan'",
                step.id,
                step.location,
                f"Waktu {_clip(step.time)!r} pada {_langkah(step, row)} tidak dapat dibaca; "
                "tulis misalnya '15 menit', '1-3 hari kerja', '2 menit/berkas', 'Segera', "
                "'Triwulanan' atau 'Sesuai kebutuhan'",
            )


def _no_time_standard(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step, waktu in ctx.waktu_rows["W115"]:
        if waktu.kind not in (WaktuKind.NO_STANDARD, WaktuKind.CADENCE):
            continue
        cadence = waktu.kind is WaktuKind.CADENCE
        what = "says how often the step happens" if cadence else "sets no time standard"
        apa = "menyatakan seberapa sering langkah dilakukan" if cadence \
            else "tidak menetapkan standar waktu"
        yield rule.finding(
            f"the Waktu {_clip(step.time)!r} of {_step_name(step, row)} {what}, not how "
            "long it takes: the simulator counts the step as taking no time unless given "
            "a duration, and the executor sets it no due time",
            step.id,
            step.location,
            f"Waktu {_clip(step.time)!r} pada {_langkah(step, row)} {apa}, bukan lamanya: "
            "simulasi menghitung langkah ini tanpa waktu kecuali diberi durasi, dan eksekutor "
            "tidak memberinya batas waktu",
        )


def _waktu_too_long(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step, waktu in ctx.waktu_rows["E015"]:
        if waktu.readable and waktu.too_long:
            yield rule.finding(
                f"the Waktu {_clip(step.time)!r} of {_step_name(step, row)} is longer than "
                f"{MAX_WAKTU_DAYS:,} days (100 years), the longest sopflow schedules "
                "(sopflow.waktu.MAX_WAKTU_DAYS); check the number and the unit",
                step.id,
                step.location,
                f"Waktu {_clip(step.time)!r} pada {_langkah(step, row)} lebih dari "
                f"{MAX_WAKTU_DAYS:,} hari (100 tahun), batas terpanjang sopflow; periksa angka "
                "dan satuannya",
            )


def _duplicate_id(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in enumerate(ctx.definition.steps, start=1):
        first = ctx.rows[step.id]
        if first != row:
            yield rule.finding(
                f"step {row} reuses the id {step.id!r} of step {first}; ids must be unique",
                step.id,
                step.location,
                f"langkah {row} memakai lagi id {step.id!r} milik langkah {first}; id harus unik",
            )


def _duplicate_actor(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    seen: set[str] = set()
    for actor in ctx.definition.actors:
        if actor.name in seen:
            yield rule.finding(
                f"actor {actor.name!r} is declared twice", actor.name, actor.location,
                f"pelaksana {actor.name!r} dideklarasikan dua kali",
            )
        seen.add(actor.name)


def _duplicate_label(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if len(step.exits) < 2:
            continue  # one exit cannot repeat a label
        labels = [e.label for e in step.exits if e.label]
        for label in sorted({lb for lb in labels if labels.count(lb) > 1}):
            yield rule.finding(
                f"{_step_name(step, row)} has two exits labelled {label!r}",
                step.id,
                step.location,
                f"{_langkah(step, row)} memiliki dua keluaran berlabel {label!r}",
            )


def _empty_text(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if not step.text.strip():
            yield rule.finding(
                f"step {row} {step.id!r} has no Kegiatan text", step.id, step.location,
                f"langkah {row} {step.id!r} tidak memiliki teks Kegiatan",
            )


# -- warnings ----------------------------------------------------------------------------------

# Indonesian active verbs carry the meN- prefix (me-, mem-, men-, meng-, meny-) or ber-;
# a few base verbs are written bare, as an imperative. A loan word keeps its hyphen after the
# prefix ("Meng-upload", "Meng-input"). A word ending in -nya is a noun made from a verb
# ("Berakhirnya", "Diterimanya"), and an English word is not an Indonesian verb ("Upload").
_BASE_VERBS = frozenset(
    [
        "ajukan", "arsipkan", "buat", "catat", "cek", "cetak", "isi", "kirim", "periksa",
        "rekap", "sampaikan", "serahkan", "susun", "tandatangani", "teliti", "terima",
        "unggah", "unduh", "input",
    ]
)
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def _verb_first(text: str) -> bool:
    match = _WORD.match(text.strip())
    if not match:
        return False
    word = match.group(0).lower()
    if word.endswith("nya") and "-" not in word:
        return False
    return (word.startswith("me") and len(word) > 4) or (
        word.startswith("ber") and len(word) > 5
    ) or word in _BASE_VERBS


def _actor_pattern(ctx: _Context) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    # The actor "in the sentence" is its subject: a lane name that opens the text, or the
    # agent of a passive ("... oleh Kasubbag"). A lane named as the object ("mengarahkan
    # pengguna layanan") is fine. Names may end in ")" so no \b: look-arounds instead.
    by_lower = {a.name.lower(): a.name for a in ctx.definition.actors if a.name.strip()}
    names = sorted(by_lower, key=len, reverse=True)  # longest first: "Kepala Bagian" wins
    if not names:
        return None, by_lower
    pattern = re.compile(
        r"(?:^\s*|\boleh\s+)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)",
        re.IGNORECASE,
    )
    return pattern, by_lower


def _not_verb_first(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    # One finding per row: a row that opens with its actor ("Pengguna layanan membuat ...")
    # is one problem (a subject written before the verb), not two.
    pattern, by_lower = _actor_pattern(ctx)
    # _verb_first reads a word that lies within the text's first white-space separated
    # token, so its answer is remembered per token (real SOPs reuse a few dozen verbs)
    verbs: dict[str, bool] = {}
    for row, step in ctx.unique:
        if not step.text.strip():
            continue
        first = step.text.split(None, 1)[0]
        verb = verbs.get(first)
        if verb is None:
            verb = verbs[first] = _verb_first(step.text)
        no_verb = not verb and not (
            step.kind is StepKind.DECISION and _is_question(step.text)
        )
        match = pattern.search(step.text) if pattern is not None else None
        actor = by_lower[match.group(1).lower()] if match is not None else None
        if actor is not None and match is not None and match.start(1) == len(
            step.text) - len(step.text.lstrip()):
            message = (f"{_step_name(step, row)} starts with its actor {actor!r}; the actor "
                       "belongs in the lane: start with the activity verb (e.g. 'Memeriksa ...')")
            pesan = (f"{_langkah(step, row)} diawali pelaksananya {actor!r}; pelaksana cukup di "
                     "kolomnya: awali dengan kata kerja kegiatan (misalnya 'Memeriksa ...')")
        elif actor is not None:
            first = step.text.split()[0]
            also = f", and it does not start with a verb ({first!r})" if no_verb else ""
            juga = f", dan tidak diawali kata kerja ({first!r})" if no_verb else ""
            message = (f"{_step_name(step, row)} names the actor {actor!r} in its text"
                       f"{also}; the actor belongs in the lane, not in the sentence")
            pesan = (f"{_langkah(step, row)} menyebut pelaksana {actor!r} dalam teksnya{juga}; "
                     "pelaksana cukup di kolomnya, tidak di dalam kalimat")
        elif no_verb:
            first = step.text.split()[0]
            message = (f"{_step_name(step, row)} does not start with a verb ({first!r}); write "
                       "the activity verb first, without a subject (e.g. 'Memeriksa ...')")
            pesan = (f"{_langkah(step, row)} tidak diawali kata kerja ({first!r}); tulis kata "
                     "kerja kegiatan lebih dulu, tanpa subjek (misalnya 'Memeriksa ...')")
        else:
            continue
        yield rule.finding(message, step.id, step.location, pesan)


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
        belah = f" (belah ketupatnya bertanya {step.question!r})" if step.question else ""
        yield rule.finding(
            f"decision {_step_name(step, row)} is not phrased as a question{diamond}; "
            "write it as one, e.g. 'Apakah ... sudah sesuai?'",
            step.id,
            step.location,
            f"keputusan {_langkah(step, row)} tidak dirumuskan sebagai pertanyaan{belah}; "
            "tulislah sebagai pertanyaan, misalnya 'Apakah ... sudah sesuai?'",
        )


def _joint(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if len(step.actors) > 1:
            yield rule.finding(
                f"{_step_name(step, row)} is a joint activity of {len(step.actors)} actors "
                f"({', '.join(step.actors)}); the guideline prefers one actor per step",
                step.id,
                step.location,
                f"{_langkah(step, row)} adalah kegiatan bersama {len(step.actors)} pelaksana "
                f"({', '.join(step.actors)}); pedoman menganjurkan satu pelaksana per langkah",
            )


def _dates_order(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    identity = ctx.definition.identity
    if identity.created is None:
        return
    for field in ("effective", "revised"):
        value = getattr(identity, field)
        if value is not None and value < identity.created:
            yield rule.finding(
                f"{identity_label(field)} {value.isoformat()} is before "
                f"{identity_label('created')} "
                f"{identity.created.isoformat()}",
                field,
                ctx.definition.location,
                f"{identity_label(field)} {value.isoformat()} lebih awal dari "
                f"{identity_label('created')} "
                f"{identity.created.isoformat()}",
            )


def _bare_hari(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    if ctx.definition.bare_hari is not None:
        return  # the SOP says how it reads a bare "hari": nothing is ambiguous
    for row, step, waktu in ctx.waktu_rows["W105"]:
        if waktu.readable and waktu.bare_hari:
            yield rule.finding(
                f"the Waktu {_clip(step.time)!r} of {_step_name(step, row)} says bare 'hari', "
                "read as working days; write 'hari kerja' or 'hari kalender', or say how the "
                "SOP reads it (bare_hari='working' or 'calendar')",
                step.id,
                step.location,
                f"Waktu {_clip(step.time)!r} pada {_langkah(step, row)} memakai 'hari' saja, "
                "dibaca sebagai hari kerja; tulis 'hari kerja' atau 'hari kalender', atau "
                "nyatakan cara SOP membacanya (bare_hari='working' atau 'calendar')",
            )


#: How far a Waktu may stand from both its neighbours before it is "out of line".
OUT_OF_LINE_FACTOR = 10.0
_CALENDAR_TO_WORKING = (WORKING_WEEK_DAYS / 7) * (WORKING_DAY_HOURS / 24)


def _scale(waktu: Waktu) -> float | None:
    """A rough working-minute size of a Waktu, only for comparing neighbours."""
    if not waktu.readable:
        return None
    low, high = waktu.minutes()
    mid = (low + high) / 2
    if waktu.basis is Basis.CALENDAR:
        mid *= _CALENDAR_TO_WORKING
    return mid if mid > 0 else None


def _in_days(waktu: Waktu) -> bool:
    """Days, weeks, months, years: a span the work waits through, where minutes and hours
    are the time someone works. Real SOPs mix the two on purpose (a 5-minute rating after a
    3-day wait; a 1-2 day repair among 30-minute checks), so each is compared only with its
    own kind."""
    return waktu.unit is not None and waktu.unit not in (TimeUnit.SECOND, TimeUnit.MINUTE,
                                                         TimeUnit.HOUR)


def _out_of_line(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    # by id(): compile shares one Waktu per distinct text
    sizes: dict[int, tuple[float | None, bool]] = {}
    timed: dict[bool, list[tuple[int, Step, float]]] = {False: [], True: []}
    for row, step, waktu in ctx.waktu_rows["W106"]:  # the readable ones, in row order
        key = id(waktu)
        known = sizes.get(key)
        if known is None:
            known = sizes[key] = (_scale(waktu), _in_days(waktu))
        size, in_days = known
        if size is not None:
            timed[in_days].append((row, step, size))
    found = [pair for kind in timed.values() for pair in _outliers(rule, kind)]
    for _row, finding in sorted(found, key=lambda pair: pair[0]):
        yield finding


def _outliers(rule: Rule, timed: list[tuple[int, Step, float]]
              ) -> Iterator[tuple[int, Finding]]:
    factor = OUT_OF_LINE_FACTOR
    high, low, last = factor, 1 / factor, len(timed) - 1
    for i, (row, step, size) in enumerate(timed):
        # Both neighbours; at either end of the table, the two nearest on the one side.
        if 0 < i < last:
            # the common case, without building lists: within the factor of one neighbour
            before, after = size / timed[i - 1][2], size / timed[i + 1][2]
            if not ((before >= high and after >= high) or (before <= low and after <= low)):
                continue
            neighbours = [timed[i - 1], timed[i + 1]]
        else:
            neighbours = timed[1:3] if i == 0 else timed[-3:-1]
        if len(neighbours) < 2:
            continue
        ratios = [size / other for _, _, other in neighbours]
        if all(r >= factor for r in ratios) or all(r <= 1 / factor for r in ratios):
            side = "longer" if ratios[0] > 1 else "shorter"
            sisi = "lebih lama" if ratios[0] > 1 else "lebih singkat"
            around = " and ".join(repr(s.time) for _, s, _ in neighbours)
            sekitar = " dan ".join(repr(s.time) for _, s, _ in neighbours)
            yield row, rule.finding(
                f"the Waktu {_clip(step.time)!r} of {_step_name(step, row)} is over "
                f"{factor:g} times {side} than its neighbours of the same kind ({around}); "
                "check it",
                step.id,
                step.location,
                f"Waktu {_clip(step.time)!r} pada {_langkah(step, row)} lebih dari {factor:g} "
                f"kali {sisi} daripada tetangganya yang sejenis ({sekitar}); periksa kembali",
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
                f"{_langkah(step, row)} mengakhiri prosedur tetapi outputnya {step.output!r} "
                "masih berupa draf",
            )


def _empty_inputs(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        for item in step.inputs:  # a plain loop: any() with a generator costs more
            if item.strip():
                break
        else:
            yield rule.finding(
                f"{_step_name(step, row)} has no Kelengkapan (inputs=)", step.id, step.location,
                f"{_langkah(step, row)} tidak memiliki Kelengkapan (inputs=)",
            )


def _empty_output(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if not step.output.strip():
            yield rule.finding(
                f"{_step_name(step, row)} has no Output (output=)", step.id, step.location,
                f"{_langkah(step, row)} tidak memiliki Output (output=)",
            )


def _empty_waktu(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if not step.time.strip():
            yield rule.finding(
                f"{_step_name(step, row)} has no Waktu (time=); the Mutu Baku needs a time "
                "standard",
                step.id,
                step.location,
                f"{_langkah(step, row)} tidak memiliki Waktu (time=); Mutu Baku memerlukan "
                "standar waktu",
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
            f"SOP memiliki {count} kolom pelaksana; lebih dari {MAX_LANES} tidak muat dengan "
            "jelas di halaman lanskap",
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
                    f"keputusan {_langkah(step, row)} memiliki keluaran tanpa label ke "
                    f"{exit_.target!r}; beri label pada setiap keluaran (misalnya Ya/Tidak)",
                )


def _process_branches(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    for row, step in ctx.unique:
        if step.kind is StepKind.PROCESS and len(step.exits) > 1:
            targets = ", ".join(repr(e.target) for e in step.exits)
            yield rule.finding(
                f"{_step_name(step, row)} is a process with {len(step.exits)} exits "
                f"({targets}); only a decision branches: make it a decision with a label "
                "on each exit, or keep one exit",
                step.id,
                step.location,
                f"{_langkah(step, row)} adalah proses dengan {len(step.exits)} keluaran "
                f"({targets}); hanya keputusan yang bercabang: jadikan keputusan dengan label "
                "pada setiap keluaran, atau sisakan satu keluaran",
            )


def _unused_actor(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    used = {name for step in ctx.definition.steps for name in step.actors}
    for actor in ctx.definition.actors:
        if actor.name not in used:
            yield rule.finding(
                f"actor {actor.name!r} has a lane but no step", actor.name, actor.location,
                f"pelaksana {actor.name!r} memiliki kolom tetapi tidak memiliki langkah",
            )


#: Identity fields of text that W114 warns about when empty (the dates may be blank).
_OPTIONAL_IDENTITY = tuple(
    (field, identity_label(field))
    for field in ("unit", "legal_basis", "qualifications", "related", "equipment", "warning",
                  "records")
)


_LABEL_ID = {"the unit's names": "nama unit"}


def _empty_identity(rule: Rule, ctx: _Context) -> Iterator[Finding]:
    identity = ctx.definition.identity
    for field, label in _OPTIONAL_IDENTITY:
        value = getattr(identity, field)
        empty = not value.strip() if isinstance(value, str) else not any(v.strip() for v in value)
        if empty:
            yield rule.finding(
                f"identity field {label} ({field}=) is empty", field, ctx.definition.location,
                f"isian identitas {_LABEL_ID.get(label, label)} ({field}=) kosong",
            )


def _rule(
    code: str, name: str, severity: Severity, summary: str, check: Callable[..., Any],
    **facts: bool,
) -> Rule:
    """A rule bound to its check; ``facts`` are ``blocks_run`` and ``blocks_drawing``."""
    def bound(ctx: _Context) -> Iterable[Finding]:
        return check(rule, ctx)  # type: ignore[no-any-return]

    rule = Rule(code=code, name=name, severity=severity, summary=summary, check=bound,
                **facts)
    return rule


_E, _W = Severity.ERROR, Severity.WARNING

#: Every rule, in report order. Codes are stable: new rules get new codes.
RULES: tuple[Rule, ...] = (
    _rule("E001", "no-start", _E, "the SOP has no step, so no start", _no_start, blocks_run=True,
          blocks_drawing=True),
    _rule("E002", "no-end", _E, "no step leads to the end (Selesai)", _no_end, blocks_run=True),
    _rule("E003", "unknown-step", _E, "an exit or the start names an unknown step", _unknown_step,
          blocks_run=True,
          blocks_drawing=True),
    _rule("E004", "unknown-actor", _E, "a step is done by an undeclared actor", _unknown_actor,
          blocks_run=True,
          blocks_drawing=True),
    _rule("E005", "no-actor", _E, "a step has no actor", _no_actor, blocks_run=True,
          blocks_drawing=True),
    _rule("E006", "decision-exits", _E, "a decision has fewer than two exits", _decision_exits,
          blocks_run=True),
    _rule("E007", "unreachable", _E, "a step cannot be reached from the start", _unreachable),
    _rule("E008", "no-way-out", _E, "from a step no end can be reached", _no_way_out,
          blocks_run=True),
    _rule("E009", "missing-identity", _E, "a required identity field is missing",
          _missing_identity),
    _rule("E010", "unreadable-waktu", _E, "a Waktu cannot be read", _unreadable_waktu),
    _rule("E011", "duplicate-step", _E, "two steps share an id", _duplicate_id, blocks_run=True,
          blocks_drawing=True),
    _rule("E012", "duplicate-actor", _E, "an actor is declared twice", _duplicate_actor,
          blocks_drawing=True),
    _rule("E013", "duplicate-label", _E, "two exits of a decision share a label",
          _duplicate_label, blocks_run=True),
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
    _rule("W115", "no-time-standard", _W,
          "a Waktu sets no duration ('Sesuai kebutuhan', a cadence)", _no_time_standard),
    _rule("W116", "process-branches", _W, "a process step has more than one exit",
          _process_branches),
)


#: Codes of the rules whose findings make a flow impossible to run (``Rule.blocks_run``).
RUN_BLOCKERS = frozenset(rule.code for rule in RULES if rule.blocks_run)


def _rules(ignore: Iterable[str]) -> tuple[Rule, ...]:
    """RULES without those named (by code or name) in ``ignore``; an unknown one is an error."""
    skip = set(ignore)
    known = {rule.code for rule in RULES} | {rule.name for rule in RULES}
    unknown = sorted(skip - known)
    if unknown:
        raise ValueError(f"unknown validation rule(s) {', '.join(map(repr, unknown))}: "
                         "name rules by code (W103) or name (joint-activity)")
    return tuple(r for r in RULES if r.code not in skip and r.name not in skip)


#: Codes of the rules whose findings make a drawing unfaithful (``Rule.blocks_drawing``):
#: no step, an exit to an unknown step (its arrow would be missing), a step outside every
#: lane, ids or actors that are not unique. Every other finding (an unreadable Waktu, a missing
#: identity field, a dead end) is drawn exactly as written.
DRAWING_BLOCKERS = frozenset(rule.code for rule in RULES if rule.blocks_drawing)


def blocks_drawing(report: Report) -> tuple[Finding, ...]:
    """The findings of ``report`` that stop the SOP from being drawn faithfully."""
    return tuple(f for f in report.errors if f.code in DRAWING_BLOCKERS)


def check_acceptance(code: object, reason: object) -> str | None:
    """Why ``code: reason`` cannot accept a warning (None when it can): only warning codes,
    each with a reason a reader can check."""
    warnings = [r.code for r in RULES if r.severity is Severity.WARNING]
    if not isinstance(code, str) or code not in warnings:
        if isinstance(code, str) and any(r.code == code for r in RULES):
            return f"{code} is an error; only warnings (W...) can be accepted"
        hint = _did_you_mean(str(code), warnings)
        return f"unknown warning code {code!r}{hint} (one of {', '.join(warnings)})"
    if not isinstance(reason, str) or not reason.strip():
        return f"{code} needs a reason, e.g. 'as printed in the signed SOP', got {reason!r}"
    return None


def _accepting(definition: SOPDefinition, extra: dict[str, str]
               ) -> Callable[[Finding], str | None]:
    whole = {**extra, **{a.code: a.reason for a in definition.accept}}
    per_step = {s.id: {a.code: a.reason for a in s.accept} for s in definition.steps if s.accept}

    def reason(finding: Finding) -> str | None:
        if finding.severity is not Severity.WARNING:
            return None
        own = per_step.get(finding.element or "", {})
        return own.get(finding.code, whole.get(finding.code))

    return reason


def validate(definition: SOPDefinition, graph: SOPGraph | None = None, *,
             ignore: Iterable[str] = (), accept: dict[str, str] | None = None) -> Report:
    """Run every rule on ``definition`` (compiling its graph if not given), except those
    named in ``ignore`` by code or name (``ignore=["W103"]`` drops joint-activity findings).

    Warnings accepted in the SOP (``accept=`` of the SOP or of a step) or by ``accept``
    (code -> reason, e.g. from the configuration) stay in the report, marked accepted.
    """
    rules = _rules(ignore)
    if graph is None:
        from sopflow.graph import compile_graph

        graph = compile_graph(definition)
    ctx = _Context(definition, graph)
    findings = [finding for rule in rules for finding in rule.check(ctx)]
    reason = _accepting(definition, dict(accept or {}))
    findings = [f if (why := reason(f)) is None else attrs.evolve(f, accepted=why)
                for f in findings]
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    return Report(sop=definition.identity.name, findings=(*errors, *warnings))
