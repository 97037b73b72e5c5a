"""One test per validation rule: a failing example, its exact message, its location."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import attrs
import pytest
import sopfactory
from sopfactory import identity, new_sop, step_kwargs

from sopflow import END, RULES, SOP, START, Severity, SOPValidationError
from sopflow.model import Exit, SOPDefinition
from sopflow.validate import Finding

OK = step_kwargs()


def _only(sop: SOP, code: str) -> list[Finding]:
    report = sop.validate()
    return [f for f in report.findings if f.code == code]


def case_no_start() -> SOP:
    return new_sop()


def case_no_end() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **OK)
    sop.step("Memeriksa berkas", by=a, then=None, **OK)
    return sop


def case_unknown_step() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.decision("Apakah berkas lengkap?", by=a, yes="arsip", no="perbaikan", **OK)
    sop.step("Memperbaiki berkas", id="perbaikan", by=a, then=END, **OK)
    sop.step("Mengarsipkan berkas", id="arsipkan", by=a, **OK)
    return sop


def case_unknown_actor() -> SOP:
    sop = new_sop()
    sop.actor("Sekretaris")
    sop.step("Menerima berkas", by="Sekertaris", **OK)
    return sop


def case_no_actor() -> SOP:
    sop = new_sop()
    sop.actor("Staf")
    sop.step("Menerima berkas", by=[], **OK)
    return sop


def case_decision_exits() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.decision("Apakah berkas lengkap?", by=a, yes="s2", **OK)
    sop.step("Mengarsipkan berkas", by=a, **OK)
    return sop


def case_unreachable() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, then=END, **OK)
    sop.step("Mengarsipkan berkas", by=a, **OK)
    return sop


def case_no_way_out() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **OK)
    sop.decision("Apakah berkas lengkap?", by=a, yes=END, no="s3", **OK)
    sop.step("Menunggu berkas", by=a, then="s3", **OK)  # waits forever
    return sop


def case_missing_identity() -> SOP:
    sop = new_sop(number=None)
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **OK)
    return sop


def case_unreadable_waktu() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **step_kwargs(time="kapan-kapan"))
    return sop


def case_no_time_standard() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **step_kwargs(time="Sesuai kebutuhan"))
    return sop


def case_duplicate_step() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Menerima berkas", id="x", by=a, **OK)
    sop.step("Memeriksa berkas", id="x", by=a, **OK)
    return sop


def case_duplicate_actor() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **OK)
    return sop


def case_duplicate_label() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.decision("Apakah lengkap?", by=a, exits=[("Ya", "s2"), ("Ya", END)], **OK)
    sop.step("Mengarsipkan berkas", by=a, **OK)
    return sop


def case_empty_text() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("  ", by=a, **OK)
    return sop


def case_waktu_too_long() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Mengarsipkan berkas", by=a, **{**OK, "time": "9999 tahun"})
    return sop


def case_not_verb_first() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Pemeriksaan berkas", by=a, **OK)
    return sop


def case_names_actor() -> SOP:
    sop = new_sop()
    a = sop.actor("Resepsionis")
    sop.step("Menerima tamu oleh resepsionis", by=a, **OK)
    return sop


def case_not_question() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.decision("Memeriksa berkas", by=a, question="Lengkap?", yes="s2", no=END, **OK)
    sop.step("Mengarsipkan berkas", by=a, **OK)
    return sop


def case_joint() -> SOP:
    sop = new_sop()
    a, b = sop.actor("Staf"), sop.actor("Kepala")
    sop.step("Menandatangani berkas", by=[a, b], **OK)
    return sop


def case_dates_order() -> SOP:
    sop = new_sop(effective=date(2025, 1, 1))
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **OK)
    return sop


def case_bare_hari() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **step_kwargs(time="2 hari"))
    return sop


def case_out_of_line() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    for text, time in [
        ("Menerima", "30 menit"),
        ("Memeriksa", "2 menit"),
        ("Mengirim", "40 menit"),
    ]:
        sop.step(f"{text} berkas", by=a, **step_kwargs(time=time))
    return sop


def case_draft_output() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Menyusun laporan", by=a, **step_kwargs(output="Draft laporan"))
    return sop


def case_empty_inputs() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **step_kwargs(inputs=[]))
    return sop


def case_empty_output() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **step_kwargs(output=""))
    return sop


def case_empty_waktu() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **step_kwargs(time=""))
    return sop


def case_too_many_lanes() -> SOP:
    sop = new_sop()
    actors = [sop.actor(f"Pelaksana {i}") for i in range(9)]
    for i, actor in enumerate(actors):
        sop.step(f"Memeriksa berkas bagian {i}", by=actor, **OK)
    return sop


def case_unlabelled_exit() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.decision("Apakah lengkap?", by=a, exits={"Lengkap": "s2", None: END}, **OK)
    sop.step("Mengarsipkan berkas", by=a, **OK)
    return sop


def case_unused_actor() -> SOP:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.actor("Kepala")
    sop.step("Menerima berkas", by=a, **OK)
    return sop


def case_starts_with_actor() -> SOP:
    sop = new_sop()
    a = sop.actor("Resepsionis")
    sop.step("Resepsionis menerima tamu", by=a, **OK)
    return sop


class _ProcessWithTwoExits(SOP):
    """The DSL writes one exit per process; imported SOPs (JSON, PDF) can carry two."""

    def definition(self) -> SOPDefinition:
        d = super().definition()
        first = d.steps[0]
        extra = Exit(label=None, target=END)
        return attrs.evolve(d, steps=(attrs.evolve(first, exits=(*first.exits, extra)),
                                      *d.steps[1:]))


def case_process_branches() -> SOP:
    sop = _ProcessWithTwoExits("SOP Uji", **identity())
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **OK)
    sop.step("Mengarsipkan berkas", by=a, **OK)
    return sop


def case_empty_identity() -> SOP:
    sop = new_sop(related=[])
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **OK)
    return sop


# (code, builder, index of the finding among that code's findings, exact message, element)
CASES: list[tuple[str, Callable[[], SOP], str, str | None]] = [
    (
        "E001",
        case_no_start,
        "the SOP has no steps, so there is nothing for the start (Mulai) to lead to",
        None,
    ),
    (
        "E002",
        case_no_end,
        "no step leads to the end (Selesai): the last row has no way out and no exit goes to END",
        None,
    ),
    (
        "E003",
        case_unknown_step,
        "step 1 's1' ('Apakah berkas lengkap?') goes (exit 'Ya') to unknown step 'arsip'; "
        "did you mean 'arsipkan'?",
        "s1",
    ),
    (
        "E004",
        case_unknown_actor,
        "step 1 's1' ('Menerima berkas') is done by unknown actor 'Sekertaris'; "
        "did you mean 'Sekretaris'?",
        "s1",
    ),
    (
        "E005",
        case_no_actor,
        "step 1 's1' ('Menerima berkas') has no actor: every row sits in a Pelaksana lane",
        "s1",
    ),
    (
        "E006",
        case_decision_exits,
        "decision step 1 's1' ('Apakah berkas lengkap?') has 1 exit(s) ('Ya'); a decision needs "
        "two or more, e.g. yes= and no=",
        "s1",
    ),
    (
        "E007",
        case_unreachable,
        "step 2 's2' ('Mengarsipkan berkas') cannot be reached from the start (Mulai)",
        "s2",
    ),
    (
        "E008",
        case_no_way_out,
        "from step 3 's3' ('Menunggu berkas') no end (Selesai) can be reached: a dead end or a "
        "loop with no way out",
        "s3",
    ),
    (
        "E009",
        case_missing_identity,
        "required identity field Nomor SOP (number=) is missing",
        "number",
    ),
    (
        "E010",
        case_unreadable_waktu,
        "the Waktu 'kapan-kapan' of step 1 's1' ('Menerima berkas') cannot be read; write e.g. "
        "'15 menit', '1-3 hari kerja', '2 menit/berkas', 'Segera', 'Triwulanan' or "
        "'Sesuai kebutuhan'",
        "s1",
    ),
    ("E011", case_duplicate_step, "step 2 reuses the id 'x' of step 1; ids must be unique", "x"),
    ("E012", case_duplicate_actor, "actor 'Staf' is declared twice", "Staf"),
    (
        "E013",
        case_duplicate_label,
        "step 1 's1' ('Apakah lengkap?') has two exits labelled 'Ya'",
        "s1",
    ),
    ("E014", case_empty_text, "step 1 's1' has no Kegiatan text", "s1"),
    (
        "E015",
        case_waktu_too_long,
        "the Waktu '9999 tahun' of step 1 's1' ('Mengarsipkan berkas') is longer than 36,500 "
        "days (100 years), the longest sopflow schedules (sopflow.waktu.MAX_WAKTU_DAYS); check "
        "the number and the unit",
        "s1",
    ),
    (
        "W101",
        case_not_verb_first,
        "step 1 's1' ('Pemeriksaan berkas') does not start with a verb ('Pemeriksaan'); write the "
        "activity verb first, without a subject (e.g. 'Memeriksa ...')",
        "s1",
    ),
    (
        "W101",
        case_names_actor,
        "step 1 's1' ('Menerima tamu oleh resepsionis') names the actor 'Resepsionis' in its "
        "text; the actor belongs in the lane, not in the sentence",
        "s1",
    ),
    (
        "W102",
        case_not_question,
        "decision step 1 's1' ('Memeriksa berkas') is not phrased as a question (the diamond "
        "asks 'Lengkap?'); write it as one, e.g. 'Apakah ... sudah sesuai?'",
        "s1",
    ),
    (
        "W103",
        case_joint,
        "step 1 's1' ('Menandatangani berkas') is a joint activity of 2 actors (Staf, Kepala); "
        "the guideline prefers one actor per step",
        "s1",
    ),
    (
        "W104",
        case_dates_order,
        "Tanggal Efektif 2025-01-01 is before Tanggal Pembuatan 2025-01-20",
        "effective",
    ),
    (
        "W105",
        case_bare_hari,
        "the Waktu '2 hari' of step 1 's1' ('Menerima berkas') says bare 'hari', read as working "
        "days; write 'hari kerja' or 'hari kalender', or say how the SOP reads it "
        "(bare_hari='working' or 'calendar')",
        "s1",
    ),
    (
        "W106",
        case_out_of_line,
        "the Waktu '2 menit' of step 2 's2' ('Memeriksa berkas') is over 10 times shorter than "
        "its neighbours of the same kind ('30 menit' and '40 menit'); check it",
        "s2",
    ),
    (
        "W107",
        case_draft_output,
        "step 1 's1' ('Menyusun laporan') ends the procedure but its output 'Draft laporan' is "
        "still a draft",
        "s1",
    ),
    (
        "W108",
        case_empty_inputs,
        "step 1 's1' ('Menerima berkas') has no Kelengkapan (inputs=)",
        "s1",
    ),
    ("W109", case_empty_output, "step 1 's1' ('Menerima berkas') has no Output (output=)", "s1"),
    (
        "W110",
        case_empty_waktu,
        "step 1 's1' ('Menerima berkas') has no Waktu (time=); the Mutu Baku needs a time standard",
        "s1",
    ),
    (
        "W111",
        case_too_many_lanes,
        "the SOP has 9 lanes; more than 8 do not fit a landscape page readably",
        None,
    ),
    (
        "W112",
        case_unlabelled_exit,
        "decision step 1 's1' ('Apakah lengkap?') has an unlabelled exit to '@end'; label every "
        "exit (e.g. Ya/Tidak)",
        "s1",
    ),
    ("W113", case_unused_actor, "actor 'Kepala' has a lane but no step", "Kepala"),
    ("W114", case_empty_identity, "identity field Keterkaitan (related=) is empty", "related"),
    (
        "W115",
        case_no_time_standard,
        "the Waktu 'Sesuai kebutuhan' of step 1 's1' ('Menerima berkas') sets no time standard, "
        "not how long it takes: the simulator counts the step as taking no time unless given a "
        "duration, and the executor sets it no due time",
        "s1",
    ),
    (
        "W101",
        case_starts_with_actor,
        "step 1 's1' ('Resepsionis menerima tamu') starts with its actor 'Resepsionis'; the "
        "actor belongs in the lane: start with the activity verb (e.g. 'Memeriksa ...')",
        "s1",
    ),
    (
        "W116",
        case_process_branches,
        "step 1 's1' ('Menerima berkas') is a process with 2 exits ('s2', '@end'); only a "
        "decision branches: make it a decision with a label on each exit, or keep one exit",
        "s1",
    ),
]


def test_every_rule_has_a_case() -> None:
    assert {code for code, *_ in CASES} == {rule.code for rule in RULES}


@pytest.mark.parametrize(
    ("code", "build", "message", "element"), CASES, ids=[f"{c[0]}-{c[1].__name__}" for c in CASES]
)
def test_rule_message(
    code: str, build: Callable[[], SOP], message: str, element: str | None
) -> None:
    sop = build()
    findings = _only(sop, code)
    assert [f.message for f in findings] == [message]
    finding = findings[0]
    assert finding.element == element
    rule = next(r for r in RULES if r.code == code)
    assert finding.rule == rule.name
    assert finding.severity is (Severity.ERROR if code.startswith("E") else Severity.WARNING)
    # Every finding points into this test file, at the DSL call that wrote the element.
    # (SOP-level findings point at the SOP(...) call, made in the sopfactory helper.)
    assert finding.location is not None
    assert finding.location.file in (__file__, sopfactory.__file__)
    assert finding.location.line > 0


def test_location_is_the_line_of_the_dsl_call() -> None:
    sop = new_sop()
    a = sop.actor("Staf")
    line = _line() + 1
    sop.step("Menerima berkas", by=a, **step_kwargs(time="kapan-kapan"))
    (finding,) = _only(sop, "E010")
    assert finding.location is not None and finding.location.line == line
    assert str(finding).startswith(f"{__file__}:{line}: error E010 [unreadable-waktu] ")


def _line() -> int:
    import inspect

    frame = inspect.currentframe()
    assert frame is not None and frame.f_back is not None
    return frame.f_back.f_lineno


def test_all_findings_reported_at_once_and_strict_compile_raises_listing_them() -> None:
    sop = new_sop(number=None)
    sop.actor("Staf")
    sop.step("Menerima berkas", by="Stf", **step_kwargs(time="?"))
    sop.decision("Apakah lengkap?", by="Staf", yes="nope", **OK)
    with pytest.raises(SOPValidationError) as caught:
        sop.compile()
    report = caught.value.report
    assert {"E003", "E004", "E006", "E009", "E010"} <= set(report.codes())
    text = str(caught.value)
    for finding in report.errors:
        assert str(finding) in text
    # A non-strict compile returns the same report with the procedure.
    procedure = sop.compile(strict=False)
    assert procedure.report.codes() == report.codes()


def test_clean_sop_has_no_findings() -> None:
    sop = new_sop()
    a, b = sop.actor("Staf"), sop.actor("Kepala")
    sop.step("Menerima berkas", by=a, **OK)
    sop.decision("Apakah berkas lengkap?", by=b, yes="s4", no="s3", **OK)
    sop.step("Melengkapi berkas", by=a, then="s2", **OK)
    sop.step("Mengarsipkan berkas", by=a, **OK)
    report = sop.validate()
    assert report.findings == ()
    assert report.ok
    assert sop.compile().report.ok


def test_loop_into_start_is_allowed() -> None:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Mengajukan permohonan", by=a, **OK)
    sop.decision("Apakah sudah sesuai?", by=a, yes=END, no=START, **OK)
    procedure = sop.compile()
    assert procedure.graph.has_edge("s2", "start")
    assert procedure.graph.edges["s2", "start"]["back"] is True


def test_several_ends_are_allowed() -> None:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.decision("Apakah berkas lengkap?", by=a, yes="s2", no=END, **OK)
    sop.step("Memproses berkas", by=a, **OK)
    procedure = sop.compile()
    assert sorted(procedure.ends) == ["end:s1", "end:s2"]


def test_report_to_dict_is_plain_data() -> None:
    report = case_unknown_actor().validate()
    data = report.to_dict()
    assert data["ok"] is False and data["errors"] == 1
    assert data["findings"][0]["code"] == "E004"
    assert data["findings"][0]["file"] == __file__
