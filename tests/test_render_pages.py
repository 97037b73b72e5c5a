"""Explicit page breaks, the first and last steps drawn as the capsules, and the revision
history: in the model, sopflow/1, the DSL and the drawn document."""

from __future__ import annotations

import datetime
import json
from typing import Any

import attrs
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from sopfactory import new_sop
from strategies import build, sop_specs

from sopflow import SOP, Revision
from sopflow.dsl import DefinitionTypeError
from sopflow.graph import START_NODE, end_node
from sopflow.importers.draft_py import draft_source
from sopflow.interchange.json_format import JSONFormatError, dumps, loads, to_dict
from sopflow.procedure import compile_definition
from sopflow.render import LayoutError, LayoutOptions
from sopflow.render.document import document_pages
from sopflow.render.identity import layout_identity
from sopflow.render.layout import layout_flowchart
from sopflow.render.pagination import forced_breaks

_TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789<>&/\"'.,-", min_size=1,
                max_size=60).map(str.strip).filter(bool)
_REVISION = st.builds(
    Revision,
    date=st.none() | st.dates(min_value=datetime.date(1990, 1, 1),
                              max_value=datetime.date(2100, 12, 31)),
    number=_TEXT, changes=_TEXT,
)


def _with_breaks(spec: dict[str, Any], breaks: set[int]) -> Any:
    definition = build(spec).definition()
    steps = tuple(attrs.evolve(s, page_break=k in breaks) for k, s in enumerate(definition.steps))
    return compile_definition(attrs.evolve(definition, steps=steps), strict=False)


def _pages(proc: Any, **options: Any) -> list[Any]:
    try:
        return layout_flowchart(proc.graph, LayoutOptions(**options))
    except LayoutError:  # a documented refusal (too many lanes, a crowded page break)
        assume(False)
        raise  # pragma: no cover


# --------------------------------------------------------------------------- page breaks
@settings(max_examples=40, deadline=None)
@given(spec=sop_specs(max_steps=10, max_lanes=3), data=st.data(),
       own_row=st.booleans())
def test_each_break_step_starts_a_page_and_no_page_is_empty(spec: dict[str, Any],
                                                             data: st.DataObject,
                                                             own_row: bool) -> None:
    n = len(spec["steps"])
    breaks = data.draw(st.sets(st.integers(0, n - 1)))
    pages = _pages(_with_breaks(spec, breaks), start_own_row=own_row)
    firsts = [p.rows[0] for p in pages if p.rows]
    assert all(p.rows for p in pages)  # never an empty page
    for k in breaks - {0}:
        assert k + 1 in firsts, (sorted(breaks), firsts)  # rows are numbered from 1
    # a break is only ever where asked or where the page is full: never more pages than
    # the breaks plus the pages the same rows take without them
    plain = _pages(_with_breaks(spec, set()), start_own_row=own_row)
    assert len(pages) <= len(plain) + len(breaks - {0})


def test_break_before_the_first_row_and_repeated_breaks_make_no_empty_page() -> None:
    sop = new_sop()
    a = sop.actor("Staf")
    for k in range(4):
        sop.step(f"Langkah {k + 1}", by=a, inputs="Berkas", time="5 menit", output="Hasil",
                 page_break=True)
    pages = layout_flowchart(sop.compile(strict=False).graph)
    assert [p.rows for p in pages] == [(1,), (2,), (3,), (4,)]
    # the connector pairs of the forced breaks are lettered as natural ones
    assert [c.letter for c in pages[0].connectors] == ["A"]
    assert sorted(c.letter for c in pages[1].connectors) == ["A", "B"]


def test_a_break_on_the_first_step_keeps_the_table_off_the_identity_page() -> None:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Satu", by=a, inputs="Berkas", time="5 menit", output="Hasil")
    sop.step("Dua", by=a, inputs="Berkas", time="5 menit", output="Hasil")
    shared = document_pages(sop.compile(strict=False), table_below_identity=True)
    assert len(shared) == 1
    sop2 = new_sop()
    b = sop2.actor("Staf")
    sop2.step("Satu", by=b, inputs="Berkas", time="5 menit", output="Hasil", page_break=True)
    sop2.step("Dua", by=b, inputs="Berkas", time="5 menit", output="Hasil")
    apart = document_pages(sop2.compile(strict=False), table_below_identity=True)
    assert [p.kind for p in apart] == ["identity", "flowchart"]


def test_forced_breaks_ignore_the_first_row() -> None:
    assert forced_breaks([]) == []


# --------------------------------------------------------------------------- terminators
@settings(max_examples=40, deadline=None)
@given(spec=sop_specs(max_steps=8, max_lanes=3),
       style=st.sampled_from(["steps", "first", "last"]))
@example(spec={"lanes": 1, "steps": [{"kind": "process", "lane": 0, "then": ("end",), "i": 0}]},
         style="last")  # one step, both first and last
def test_terminators_as_steps(spec: dict[str, Any], style: str) -> None:
    proc = build(spec).compile(strict=False)
    pages = _pages(proc, terminators=style)
    shapes = [s for p in pages for s in p.shapes]
    graph = proc.graph
    steps = [n for n, d in sorted(graph.nodes(data=True), key=lambda x: x[1]["row"])
             if d["kind"] in ("process", "decision")]
    first, last = steps[0], steps[-1]
    first_ok = (style != "last" and graph.nodes[first]["kind"] == "process"
                and list(graph.in_edges(START_NODE)) == []
                and list(graph.out_edges(START_NODE)) == [(START_NODE, first)])
    last_ok = (style != "first" and graph.nodes[last]["kind"] == "process"
               and list(graph.out_edges(last)) == [(last, end_node(last))])
    drawn = {s.node for s in shapes}
    capsule_nodes = {s.node for s in shapes if s.kind == "terminator"}
    # where the flow allows it, no Mulai (Selesai) capsule: the step's own box is one
    assert (START_NODE not in drawn) == first_ok
    # (a one-step SOP's step is also its last: with "last" it is the end capsule)
    assert (first in capsule_nodes) == (first_ok or (first == last and last_ok))
    if last_ok:
        assert end_node(last) not in drawn and last in capsule_nodes
    allowed = {first} if first_ok else set()
    allowed |= {last} if last_ok else set()
    for s in shapes:
        if s.kind == "terminator" and s.node in steps:
            assert s.node in allowed and s.text == ""  # empty, like a process box
            assert s.cell is not None
            assert s.cell.x <= s.rect.x and s.rect.right <= s.cell.x + s.cell.w
    # the separate style keeps both capsules
    plain = _pages(proc)
    assert START_NODE in {s.node for p in plain for s in p.shapes}


@pytest.mark.parametrize(("name", "style", "capsules"), [
    # the signed bps-346 draws its first and last steps as the capsules
    ("bps_346", "steps", ["s1", "s8"]),
    # the signed bps-040 has a separate start capsule and its last step as the end capsule
    ("bps_040", "last", ["s10", "start"]),
    # bps-052 loops back to its start capsule: it stays
    ("bps_052", "steps", ["start"]),
])
def test_corpus_terminators_as_signed(name: str, style: str, capsules: list[str]) -> None:
    import corpus_sops

    proc = getattr(corpus_sops, name)().compile(strict=False)
    pages = layout_flowchart(proc.graph, LayoutOptions(terminators=style))
    assert sorted(s.node for p in pages for s in p.shapes if s.kind == "terminator") == capsules


def test_terminators_from_the_document_section_and_refused_by_name() -> None:
    sop = new_sop()
    sop.document = attrs.evolve(sop.document, terminators="steps")
    a = sop.actor("Staf")
    sop.step("Satu", by=a, inputs="Berkas", time="5 menit", output="Hasil")
    sop.step("Dua", by=a, inputs="Berkas", time="5 menit", output="Hasil")
    pages = document_pages(sop.compile(strict=False))
    kinds = [(s.node, s.kind) for p in pages for s in p.shapes]
    assert sorted(kinds) == [("s1", "terminator"), ("s2", "terminator")]
    with pytest.raises(JSONFormatError, match=r"\$\.document.*terminator style"):
        data = json.loads(dumps(sop.definition()))
        data["document"]["terminators"] = "both"
        loads(json.dumps(data))


# --------------------------------------------------------------------------- revisions
@settings(max_examples=50, deadline=None)
@given(revisions=st.lists(_REVISION, max_size=5), breaks=st.lists(st.booleans(), min_size=2,
                                                                  max_size=2))
def test_revisions_and_breaks_round_trip_through_json_and_dsl(revisions: list[Revision],
                                                               breaks: list[bool]) -> None:
    sop = SOP("SOP Uji", revisions=[(r.date, r.number, r.changes) for r in revisions])
    a = sop.actor("Staf")
    sop.step("Satu", by=a, page_break=breaks[0])
    sop.decision("Dua", by=a, yes="s1", no=None, exits={"Lain": "s1"}, page_break=breaks[1])
    definition = sop.definition()
    assert definition.identity.revisions == tuple(revisions)
    assert [s.page_break for s in definition.steps] == breaks
    assert loads(dumps(definition)) == definition
    # and through DSL source (what `sopflow import` writes), run again
    namespace: dict[str, Any] = {}
    exec(compile(draft_source(definition, [], "uji.pdf"), "uji.py", "exec"), namespace)
    again = namespace["sop"].definition()
    assert again.identity.revisions == tuple(revisions)
    assert [s.page_break for s in again.steps] == breaks


@settings(max_examples=15, deadline=None)
@given(revisions=st.lists(_REVISION, min_size=1, max_size=12), below=st.booleans())
def test_revisions_are_drawn_literally_and_never_overlap_the_table(
        revisions: list[Revision], below: bool) -> None:
    sop = new_sop()
    sop.identity = attrs.evolve(sop.identity, revisions=tuple(revisions))
    a = sop.actor("Staf")
    sop.step("Satu", by=a, inputs="Berkas", time="5 menit", output="Hasil")
    proc = sop.compile(strict=False)
    pages = document_pages(proc, table_below_identity=below)
    identity = layout_identity(proc.definition, LayoutOptions(table_below_identity=below))
    drawn = "".join(line for p in identity for t in p.texts for line in t.lines).replace(" ", "")
    for r in revisions:  # in the identity part, whole and as written
        assert r.changes.replace(" ", "") in drawn
        assert r.number.replace(" ", "") in drawn
    assert "RiwayatRevisi:" in drawn
    # the identity part (revision table included) ends above the flowchart table
    bottom = max(y for line in identity[-1].lines for _, y in line.points)
    shared = pages[len(identity) - 1]
    assert all(s.rect.y > bottom for s in shared.shapes)
    assert all(p.kind == "flowchart" for p in pages[len(identity):])


def test_revision_labels_are_overridable() -> None:
    sop = new_sop()
    sop.identity = attrs.evolve(sop.identity, revisions=(Revision(number="01", changes="x"),))
    sop.document = attrs.evolve(sop.document, identity_labels={
        "revisions": "Catatan Perubahan", "revision_changes": "Isi"})
    a = sop.actor("Staf")
    sop.step("Satu", by=a, inputs="Berkas", time="5 menit", output="Hasil")
    words = {line for p in document_pages(sop.compile(strict=False)) for t in p.texts
             for line in t.lines}
    assert {"Catatan Perubahan:", "Isi", "Tanggal"} <= words
    assert "Riwayat Revisi:" not in words


def test_old_files_without_the_new_keys_still_load() -> None:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Satu", by=a)
    data = to_dict(sop.definition())
    del data["identity"]["revisions"]
    for step in data["steps"]:
        del step["page_break"]
    definition = loads(json.dumps(data))
    assert definition.identity.revisions == ()
    assert not definition.steps[0].page_break


@pytest.mark.parametrize(("patch", "where"), [
    (lambda d: d["identity"].__setitem__("revisions", {}), r"\$\.identity\.revisions"),
    (lambda d: d["identity"].__setitem__("revisions", [{"date": "2024-13-01"}]),
     r"\$\.identity\.revisions\[0\]\.date"),
    (lambda d: d["identity"].__setitem__("revisions", [{"nomor": "1"}]),
     r"\$\.identity\.revisions\[0\]\.nomor"),
    (lambda d: d["identity"].__setitem__("revisions", [{"changes": 3}]),
     r"\$\.identity\.revisions\[0\]\.changes"),
    (lambda d: d["steps"][0].__setitem__("page_break", "ya"), r"\$\.steps\[0\]\.page_break"),
])
def test_bad_json_is_refused_with_its_path(patch: Any, where: str) -> None:
    sop = new_sop()
    a = sop.actor("Staf")
    sop.step("Satu", by=a)
    data = to_dict(sop.definition())
    patch(data)
    text = json.dumps(data, indent=2)
    with pytest.raises(JSONFormatError, match=where) as info:
        loads(text, file="sop.json")
    assert "sop.json" in str(info.value)


def test_bad_dsl_is_refused_at_its_line() -> None:
    with pytest.raises(DefinitionTypeError, match=r"test_render_pages\.py:\d+: revisions="):
        SOP("x", revisions="01")
    with pytest.raises(DefinitionTypeError, match=r"test_render_pages\.py:\d+: revisions="):
        SOP("x", revisions=[("2024-01-01", "01", "awal")])
    sop = SOP("x")
    a = sop.actor("Staf")
    with pytest.raises(DefinitionTypeError, match=r"test_render_pages\.py:\d+: page_break="):
        sop.step("Satu", by=a, page_break="ya")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- CLI and Word
def _two_step_json(tmp_path: Any, **identity: Any) -> Any:
    sop = new_sop()
    sop.identity = attrs.evolve(sop.identity, **identity)
    a = sop.actor("Staf")
    sop.step("Satu", by=a, inputs="Berkas", time="5 menit", output="Hasil")
    sop.step("Dua", by=a, inputs="Berkas", time="5 menit", output="Hasil")
    path = tmp_path / "sop.json"
    path.write_text(dumps(sop.definition()), encoding="utf-8")
    return path


def test_cli_terminators_flag(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader

    from sopflow.cli import main

    path = _two_step_json(tmp_path)
    texts = {}
    for style in ("separate", "steps"):
        pdf = tmp_path / f"{style}.pdf"
        assert main(["render", str(path), "-o", str(pdf), "--terminators", style]) in (0, 1)
        texts[style] = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Mulai" in texts["separate"] and "Selesai" in texts["separate"]
    assert "Mulai" not in texts["steps"] and "Selesai" not in texts["steps"]
    assert main(["render", str(path), "-o", str(tmp_path / "x.pdf"), "--terminators",
                 "both"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_word_file_lists_the_revisions(tmp_path: Any) -> None:
    pytest.importorskip("docx")
    import docx

    from sopflow.render.docx import render_docx

    sop = new_sop()
    sop.identity = attrs.evolve(sop.identity, revisions=(
        Revision(date=datetime.date(2024, 3, 1), number="01", changes="Awal <b>&</b>"),
        Revision(number="02", changes="Pelaksana diganti")))
    a = sop.actor("Staf")
    sop.step("Satu", by=a, inputs="Berkas", time="5 menit", output="Hasil")
    out = tmp_path / "sop.docx"
    render_docx(sop.compile(strict=False), out)
    cells = [c.text for t in docx.Document(str(out)).tables for r in t.rows for c in r.cells]
    for text in ("Riwayat Revisi:", "1 Maret 2024", "01", "Awal <b>&</b>", "02",
                 "Pelaksana diganti", "Uraian Perubahan"):
        assert text in cells
