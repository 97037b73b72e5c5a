"""The DSL as a user writes it: rows flow down, references resolve, mistakes point home."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest
from sopfactory import new_sop, step_kwargs

import sopflow
from sopflow import END, NEXT, SOP, START, StepKind

OK = step_kwargs()
ROOT = Path(__file__).resolve().parent.parent


def _here() -> int:
    frame = inspect.currentframe()
    assert frame is not None and frame.f_back is not None
    return frame.f_back.f_lineno


def test_rows_flow_to_the_next_row_and_the_last_to_the_end() -> None:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, **OK)
    sop.step("Mengarsipkan berkas", by=a, **OK)
    steps = sop.definition().steps
    assert [e.target for e in steps[0].exits] == ["s2"]
    assert [e.target for e in steps[1].exits] == [END]
    graph = sop.compile().graph
    assert list(graph.successors("start")) == ["s1"]
    assert list(graph.successors("s2")) == ["end:s2"]
    assert graph.nodes["end:s2"]["kind"] == "end"
    assert graph.nodes["end:s2"]["text"] == "Selesai"
    assert graph.nodes["start"]["text"] == "Mulai"


def test_forward_references_by_id_and_back_references_by_handle() -> None:
    sop = new_sop()
    a, b = sop.actor("Staf"), sop.actor("Kepala")
    first = sop.step("Menerima berkas", by=a, **OK)
    sop.decision("Apakah berkas lengkap?", by=b, yes="arsip", no=first, **OK)
    sop.step("Mengarsipkan berkas", id="arsip", by=a, **OK)
    graph = sop.compile().graph
    assert graph.edges["s2", "arsip"]["label"] == "Ya"
    assert graph.edges["s2", "s1"]["label"] == "Tidak"
    assert graph.edges["s2", "s1"]["back"] is True
    assert graph.edges["s2", "arsip"]["back"] is False
    assert graph.nodes["s2"]["kind"] == StepKind.DECISION.value


def test_yes_and_no_use_the_sops_own_words() -> None:
    sop = new_sop(labels=sopflow.Labels(yes="Setuju", no="Tidak Setuju", end="Selesai."))
    a = sop.actor("Staf")
    sop.decision("Apakah disetujui?", by=a, yes=NEXT, no=END, **OK)
    sop.step("Mengarsipkan berkas", by=a, **OK)
    step = sop.definition().steps[0]
    assert [(e.label, e.target) for e in step.exits] == [("Setuju", "s2"), ("Tidak Setuju", END)]


def test_other_labels_and_unlabelled_exits() -> None:
    sop = new_sop()
    a = sop.actor("Teknisi")
    sop.decision(
        "Apakah ada garansi?",
        by=a,
        exits={"Ada garansi": "vendor", "Rusak Ringan": NEXT, None: START},
        **OK,
    )
    sop.step("Memperbaiki kerusakan ringan", by=a, then=END, **OK)
    sop.step("Mengirim ke vendor", id="vendor", by=a, **OK)
    exits = sop.definition().steps[0].exits
    assert [(e.label, e.target) for e in exits] == [
        ("Ada garansi", "vendor"),
        ("Rusak Ringan", "s2"),
        (None, START),
    ]
    codes = sop.validate().codes()
    assert "W112" in codes and not any(c.startswith("E") for c in codes)


def test_joint_activity() -> None:
    sop = new_sop()
    a, b = sop.actor("Pegawai"), sop.actor("Admin")
    sop.step("Mengajukan tiket permohonan", by=[a, "Admin"], **OK)
    node = sop.compile(strict=False).graph.nodes["s1"]
    assert node["lanes"] == ("Pegawai", "Admin")
    assert node["lane"] == "Pegawai"
    del b


def test_two_sops_in_one_module_do_not_leak() -> None:
    one, two = new_sop("Satu"), new_sop("Dua")
    x = one.actor("Staf")
    two.actor("Kepala")
    one.step("Menerima berkas", by=x, **OK)
    assert len(two.definition().steps) == 0
    assert [a.name for a in two.definition().actors] == ["Kepala"]
    assert len(one.definition().steps) == 1


def test_a_step_handle_of_another_sop_is_refused_where_it_is_used() -> None:
    one, two = new_sop("Satu"), new_sop("Dua")
    ref = one.step("Menerima berkas", by=one.actor("Staf"), **OK)
    line = _here() + 2
    with pytest.raises(ValueError) as caught:
        two.step("Memeriksa berkas", by=two.actor("Staf"), then=ref, **OK)
    assert str(caught.value) == (
        f"{__file__}:{line}: step 's1' belongs to another SOP; refer to steps of 'Dua' only"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.step(42, by="Staf"), "the Kegiatan text must be a string, got 42"),
        (lambda s: s.step("Menerima", by=7), "by= must be an actor, its name or a list, got 7"),
        (lambda s: s.step("Menerima", by="Staf", time=15),
         "Waktu must be the text as printed (e.g. '15 menit'), got 15"),
        (lambda s: s.step("Menerima", by="Staf", id="@x"),
         "step id must be a non-empty string without '@' at the start and without ':', got '@x'"),
        (lambda s: s.step("Menerima", by="Staf", then=3),
         "a target must be a step id, a step handle, NEXT, END or START, got 3"),
        (lambda s: s.decision("Apakah?", by="Staf", exits=[("Ya",)]),
         "exits must map labels to targets or be (label, target) pairs, got ('Ya',)"),
        (lambda s: s.actor(""), "an actor needs a non-empty name, got ''"),
    ],
)
def test_wrong_types_fail_at_the_call_with_file_and_line(call, message) -> None:  # type: ignore[no-untyped-def]
    sop = new_sop()
    with pytest.raises(TypeError) as caught:
        call(sop)
    text = str(caught.value)
    assert text.endswith(message)
    assert text.startswith(__file__ + ":")


def test_built_in_a_loop_from_data() -> None:
    rows = [
        ("Menerima berkas", "Staf", "5 menit"),
        ("Memeriksa berkas", "Kepala", "10 menit"),
        ("Mengarsipkan berkas", "Staf", "5 menit"),
    ]
    sop = new_sop()
    for name in dict.fromkeys(lane for _, lane, _ in rows):
        sop.actor(name)
    for text, lane, time in rows:
        sop.step(text, by=lane, **step_kwargs(time=time))
    procedure = sop.compile()
    assert [procedure.graph.nodes[s.id]["waktu"].text for s in procedure.steps] == [
        "5 menit", "10 menit", "5 menit"
    ]
    # Each step remembers the line inside the loop that wrote it.
    assert len({s.location for s in procedure.steps}) == 1


def test_start_at_another_step() -> None:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Menerima berkas", by=a, then=END, **OK)
    sop.step("Memeriksa berkas", by=a, **OK)
    sop.start_at("s2")
    procedure = sop.compile(strict=False)
    assert list(procedure.graph.successors("start")) == ["s2"]
    assert procedure.report.codes() == ["E007"]


def test_definition_is_frozen_and_equal_when_written_twice() -> None:
    def write() -> SOP:
        sop = new_sop()
        a = sop.actor("Staf")
        sop.step("Menerima berkas", by=a, **OK)
        return sop

    one, two = write().definition(), write().definition()
    assert one == two  # locations do not take part in equality
    with pytest.raises(AttributeError):
        one.steps[0].text = "x"  # type: ignore[misc]


def test_reference_example_prints_summary_and_report() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "pengumpulan_data_kinerja.py")],
        capture_output=True, text=True, check=True, timeout=120,
    )
    out = result.stdout
    assert "SOP 'Pengumpulan Data Kinerja' (Nomor 800/06/Sekr.7/BKD)" in out
    assert "7. [s7] Menyusun laporan kinerja tahunan" in out
    assert "-> Ya: final, Tidak: sosialisasi" in out
    assert "0 error(s), 7 warning(s)" in out
    for code in ("W102", "W105", "W106", "W107"):
        assert code in out


def test_reference_sop_findings() -> None:
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import pengumpulan_data_kinerja as ref
    finally:
        sys.path.pop(0)
    report = ref.sop.validate()
    assert [(f.code, f.element) for f in report.findings] == [
        ("W102", "s7"),
        ("W105", "s6"), ("W105", "s7"), ("W105", "final"),
        ("W106", "s3"), ("W106", "s7"),
        ("W107", "final"),
    ]
