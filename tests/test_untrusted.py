"""SOP files from strangers: refused clearly or drawn literally; outputs atomic; work bounded.

One test per promise of ``docs/security.md``; the random search over hostile text is in
``tests/test_fuzz_untrusted.py``.
"""

from __future__ import annotations

import json
import os
import re
import stat
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hostile import base_document, check_svg, json_text, with_text
from hypothesis import given
from hypothesis import strategies as st
from sopfactory import new_sop, step_kwargs

import sopflow
from sopflow import cli
from sopflow._atomic import write_atomic
from sopflow._gvtext import DOT_CHUNK, dot_quote, label
from sopflow.interchange.json_format import JSONFormatError, loads
from sopflow.procedure import compile_definition

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "pengumpulan_data_kinerja.py")
BASE = base_document()
HTML = "<<TABLE><TR><TD><IMG SRC='/etc/hostname'/></TD></TR></TABLE>>"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# -- Graphviz text ---------------------------------------------------------------------------


@given(st.text())
def test_a_label_is_never_html_and_keeps_every_character(text: str) -> None:
    made = label(text)
    assert not made.endswith(">")
    assert "\x00" not in made
    # every backslash in the label starts one of our own escapes
    i = 0
    while i < len(made):
        if made[i] == "\\":
            assert made[i + 1] in '\\n"', made
            i += 2
        else:
            i += 1


def test_a_label_longer_than_graphviz_reads_is_split_and_read_back() -> None:
    import pygraphviz as pgv

    text = ("é\\N&amp;\"" * 4000)[:20_000]
    quoted = dot_quote(text)
    assert quoted.count('" + "') == len(text) // DOT_CHUNK - 1  # ten pieces
    graph = pgv.AGraph(string=f"digraph {{ a [label={quoted}]; }}")
    stored = graph.get_node("a").attr["label"]
    assert len(stored) > 16_384
    graph.layout(prog="dot")
    check_svg(graph.draw(format="svg"), text)


def test_html_labels_images_and_links_are_drawn_as_text(tmp_path: Path) -> None:
    from sopflow.render import procedure_svg, render_document

    doc = with_text(BASE, ("steps", 1, "question"), HTML)
    doc = with_text(doc, ("steps", 0, "text"), "A &amp; B \\N \\G <a href='javascript:x'>x</a>")
    procedure = compile_definition(loads(json_text(doc)))
    for svg in render_document(procedure, tmp_path / "doc.svg"):
        check_svg(svg.read_text(encoding="utf-8"))
    drawn = check_svg(procedure_svg(procedure), HTML)
    assert "A &amp; B \\N \\G" in drawn


def test_glyphs_missing_from_the_font_are_a_box_with_a_warning() -> None:
    from sopflow.render import fonts

    face = fonts.metrics()
    shown, missing = face.drawable("Selesai ✓ ① 😀")
    assert shown == "Selesai □ □ □" and missing == {"✓", "①", "😀"}
    # the box is no wider than what measuring assumed for the missing glyph: never spills
    assert face.width(fonts.MISSING_MARK, 9) <= face.width("✓", 9)
    with pytest.warns(fonts.MissingGlyphWarning, match=r"U\+2713 '✓'"):
        fonts.warn_missing(missing, "page 1")


# -- wrapping ----------------------------------------------------------------------------------


@given(st.text(st.sampled_from("aW il/-.x✓ \n"), max_size=300), st.floats(-20, 300),
       st.sampled_from([7.0, 9.0, 10.0]))
def test_wrapping_keeps_every_word_and_fits_every_line(text: str, width: float,
                                                       size: float) -> None:
    from sopflow.render import fonts

    face = fonts.metrics()
    lines = face.wrap(text, width, size)
    assert "".join("".join(lines).split()) == "".join(text.split())
    # a cell too narrow (or of negative width, as a zero-width column minus its padding)
    # still gets one character a line: no error, and no empty line inside a paragraph
    assert len(lines) == len(text.split("\n")) or all(
        line.strip() for para in text.split("\n") if para.strip()
        for line in face.wrap(para, width, size))
    for line in lines:
        assert len(line) <= 1 or face.width(line, size) <= width / fonts.WRAP_RESERVE + 1e-9


@given(st.text(st.sampled_from("aW.il/✓-"), min_size=400, max_size=1500), st.floats(5, 300))
def test_a_long_word_is_cut_into_pieces_that_fit(word: str, width: float) -> None:
    from sopflow.render import fonts

    face = fonts.metrics()
    lines = face.wrap(word, width, 9.0)
    assert "".join(lines) == word
    assert all(len(line) == 1 or face.width(line, 9.0) <= width / fonts.WRAP_RESERVE + 1e-9
               for line in lines)


def test_a_one_megabyte_word_wraps() -> None:
    from sopflow.render import fonts

    lines = fonts.metrics().wrap("a" * 1_000_000, 150, 9)
    assert sum(map(len, lines)) == 1_000_000 and len(lines) > 1000


# -- loading -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "path", "message"),
    [
        (json_text(with_text(BASE, ("steps", 0, "text"), "a\x07b")), "$.steps[0].text",
         "control character, U+0007"),
        (json_text(with_text(BASE, ("steps", 0, "text"), "a\x00b")), "$.steps[0].text",
         "control character, U+0000"),
        (json_text(with_text(BASE, ("identity", "name"), "\ud800")), "$.identity.name",
         "lone surrogate"),
        (json_text(with_text(BASE, ("steps", 0, "id"), " ")), "$.steps[0].id",
         "must not be blank"),
        (json_text(BASE).replace('"kind": "process",', '"kind": "process", "kind": "x",'),
         "$.steps[0].kind", "duplicate key 'kind'"),
        (re.sub(r'"bare_hari": [^,\n]+', '"bare_hari": ' + "9" * 5000, json_text(BASE)),
         "$.bare_hari", "a number of 5000 digits"),
    ],
    ids=["bell", "nul", "surrogate", "blank-id", "duplicate-key", "huge-integer"],
)
def test_bad_json_is_refused_with_its_path(source: str, path: str, message: str,
                                           tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(JSONFormatError) as caught:
        loads(source, file="sop.json")
    assert caught.value.path == path and message in caught.value.message
    file = tmp_path / "sop.json"
    file.write_text(source, encoding="utf-8")
    code, _, err = run(["export", str(file), "--to", "dot"], capsys)
    assert code == cli.EXIT_USAGE and path in err and "Traceback" not in err


def test_the_dsl_refuses_control_characters_and_blank_ids_where_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "sop.py"
    file.write_text(
        "from sopfactory import new_sop, step_kwargs\n"
        "sop = new_sop()\n"
        "staf = sop.actor('Staf')\n"
        "sop.step('Menerima\\x1bberkas', by=staf, **step_kwargs())\n",
        encoding="utf-8",
    )
    code, out, _ = run(["validate", str(file)], capsys)
    assert code == cli.EXIT_USAGE
    assert f"{file}:4: error: text of step 's1': contains a control character, U+001B" in out
    sop = new_sop()
    with pytest.raises(ValueError, match="step id must not be blank"):
        sop.step("Menerima berkas", id="  ", by=sop.actor("Staf"), **step_kwargs())


# -- outputs -----------------------------------------------------------------------------------


def test_a_failed_write_leaves_the_previous_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "sop.json"
    target.write_text("previous", encoding="utf-8")
    target.chmod(0o640)

    def full_disk(*_: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, "new content")
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["sop.json"]  # no temporary file left
    monkeypatch.undo()
    write_atomic(target, "new content")
    assert target.read_text(encoding="utf-8") == "new content"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # permissions kept


def test_export_onto_its_own_input_works(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "sop.json"
    assert run(["export", EXAMPLE, "--to", "json", "-o", str(file)], capsys)[0] == 0
    before = file.read_text(encoding="utf-8")
    code, _, err = run(["export", str(file), "--to", "json", "-o", str(file)], capsys)
    assert code == cli.EXIT_USAGE and "use --force" in err
    assert run(["export", str(file), "--to", "json", "-o", str(file), "--force"], capsys)[0] == 0
    assert file.read_text(encoding="utf-8") == before


def test_render_treats_an_existing_output_like_export_and_removes_stale_pages(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sop.svg"
    code, _, _ = run(["render", EXAMPLE, "-o", str(out)], capsys)
    pages = sorted(tmp_path.glob("sop-*.svg"))
    assert code == 0 and len(pages) >= 2
    stale = tmp_path / f"sop-{len(pages) + 1}.svg"
    stale.write_text("from a longer render", encoding="utf-8")
    code, _, err = run(["render", EXAMPLE, "-o", str(out)], capsys)
    assert code == cli.EXIT_USAGE and "already exists; use --force" in err
    code, _, _ = run(["render", EXAMPLE, "-o", str(out), "--force"], capsys)
    assert code == 0 and not stale.exists()
    assert sorted(tmp_path.glob("sop-*.svg")) == pages
    (tmp_path / "one.pdf").write_text("old", encoding="utf-8")
    code, _, err = run(["render", EXAMPLE, "-o", str(tmp_path / "one.pdf")], capsys)
    assert code == cli.EXIT_USAGE and (tmp_path / "one.pdf").read_text() == "old"


def test_dash_writes_one_file_to_standard_output(capsysbinary: pytest.CaptureFixture[bytes]
                                                 ) -> None:
    assert cli.main(["render", EXAMPLE, "-o", "-"]) == 0
    out, _ = capsysbinary.readouterr()
    assert out.startswith(b"%PDF-")
    assert cli.main(["render", EXAMPLE, "-o", "-", "--format", "svg",
                     "--view", "flowchart"]) == 0
    out, _ = capsysbinary.readouterr()
    ET.fromstring(out)
    assert cli.main(["render", EXAMPLE, "-o", "-", "--format", "svg"]) == cli.EXIT_USAGE
    _, err = capsysbinary.readouterr()
    assert b"standard output takes one file" in err
    assert cli.main(["export", EXAMPLE, "--to", "json", "-o", "-"]) == 0
    out, _ = capsysbinary.readouterr()
    assert json.loads(out)["format"] == "sopflow/1"
    assert not Path("-").exists()


def test_bad_output_names_and_dates_are_input_errors(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    long_name = str(tmp_path / ("a" * 300 + ".pdf"))
    for argv in (["render", EXAMPLE, "-o", long_name],
                 ["export", EXAMPLE, "--to", "json", "-o", long_name[:-4] + ".json"],
                 ["simulate", EXAMPLE, "-n", "20", "--start", "9999-12-31"]):
        code, _, err = run(argv, capsys)
        assert code == cli.EXIT_USAGE, (argv, err)
        assert "internal error" not in err


# -- bounded work ------------------------------------------------------------------------------


def _loop_sop(stay: float) -> Any:
    sop = new_sop()
    staf = sop.actor("Staf")
    sop.step("Menerima berkas", by=staf, **step_kwargs())
    sop.decision("Apakah berkas lengkap?", question="Lengkap?", by=staf,
                 exits={"Ya": "@end", "Tidak": "s1"}, **step_kwargs())
    return sop.compile(), {"s2": {"Ya": 1 - stay, "Tidak": stay}}


def test_a_loop_that_almost_never_exits_is_refused_naming_it() -> None:
    from sopflow.simulate import simulate_lead_time
    from sopflow.simulate.chain import SimulationError

    procedure, branches = _loop_sop(0.99999)
    with pytest.raises(SimulationError, match=r"200,000 steps on average .* loop through "
                                              r"step\(s\) 's1', 's2'"):
        simulate_lead_time(procedure, replications=100, branches=branches, rng=1)


def test_a_run_stops_at_its_hop_and_time_budgets() -> None:
    from sopflow.simulate.chain import SimulationError, build_chain
    from sopflow.simulate.montecarlo import make_rng, run_paths

    procedure, branches = _loop_sop(0.9)
    chain = build_chain(procedure, branches=branches)
    with pytest.raises(SimulationError, match=r"after 50 laps .*'s1', 's2'"):
        run_paths(chain, 1000, make_rng(1), max_hops=50)
    with pytest.raises(SimulationError, match=r"after 0 seconds \(max_seconds\)"):
        run_paths(chain, 1000, make_rng(1), max_seconds=0.0)
    assert run_paths(chain, 1000, make_rng(1)).hops < 1000  # within budget: runs as before


def test_names_starting_with_percent_are_plain_graphviz_names() -> None:
    # cgraph reads "%..." as an anonymous object's internal id: it must stay a plain name
    from sopflow.render.flowchart import procedure_svg

    sop = sopflow.SOP("%s SOP", number="1")
    staf = sop.actor("%Staf")
    sop.step("Memeriksa berkas", id="%s%n", by=staf)
    sop.step("Mengarsipkan berkas", id="%d", by=staf)
    procedure = sop.compile(strict=False)
    svg = procedure_svg(procedure)  # the swimlane view names no Graphviz object after an id
    ET.fromstring(svg)
    assert "%s SOP" in svg and "%Staf" in svg
    from sopflow.render.flowchart import flowchart_graph

    g = flowchart_graph(procedure.graph)  # the earlier dot view does
    g.layout(prog="dot")
    svg = g.draw(format="svg").decode("utf-8")
    ET.fromstring(svg)
    assert "%s%n" in svg and "%d" in svg and "%Staf" in svg
