"""The SOP as a spreadsheet: round trips through .xlsx and .csv, and bad sheets named by cell."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sopfactory import new_sop, step_kwargs
from strategies import build, sop_specs

from sopflow import END
from sopflow.cli import main
from sopflow.interchange.sheet import SheetError
from sopflow.interchange.xlsx import (
    read_csv,
    read_sheet,
    read_xlsx,
    write_csv,
    write_template,
    write_xlsx,
)
from sopflow.model import Actor, Exit, Identity, Labels, Signatory, SOPDefinition, StepKind
from sopflow.waktu import Basis

# Text a cell holds exactly: no control characters (a spreadsheet cannot store them) and no
# carriage returns (XML turns them into line feeds).
_CHARS = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\r")
_LINE = st.text(_CHARS, min_size=1, max_size=20).filter(lambda t: t.strip() == t and t != "-")
_CELL = st.text(st.one_of(_CHARS, st.just("\n")), max_size=30)
_ITEMS = st.lists(_LINE, max_size=3).map(tuple)
_DATE = st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2060, 12, 31)))
_OPTIONAL = st.one_of(st.none(), _LINE)


@st.composite
def definitions(draw: st.DrawFn) -> SOPDefinition:
    """A random SOP (flow from tests/strategies.py) with random words in every cell."""
    base = build(draw(sop_specs(max_steps=8, max_lanes=4))).definition()
    actors = tuple(Actor(name=f"{draw(_LINE)} {k}", note=draw(st.one_of(st.just(""), _LINE)))
                   for k in range(len(base.actors)))
    rename = {a.name: b.name for a, b in zip(base.actors, actors, strict=True)}
    labels = Labels(yes=draw(_LINE), no=draw(_LINE), start="Mulai", end="Selesai")
    steps = []
    for step in base.steps:
        lanes = [rename[a] for a in step.actors]
        if len(actors) > 1 and draw(st.booleans()):  # a joint step, main lane not first
            lanes = [*lanes, *draw(st.lists(st.sampled_from([a.name for a in actors]),
                                            max_size=2, unique=True))]
            lanes = list(dict.fromkeys(lanes))
        exits = tuple(attrs.evolve(e, label=draw(st.one_of(st.none(), _LINE)))
                      if step.kind is StepKind.DECISION else e for e in step.exits)
        steps.append(attrs.evolve(
            step, text=draw(_CELL), actors=tuple(lanes), exits=exits,
            question=draw(_OPTIONAL) if step.kind is StepKind.DECISION else None,
            inputs=draw(_ITEMS), time=draw(_CELL), output=draw(_CELL), note=draw(_CELL)))
    signer = draw(st.one_of(st.none(), st.builds(Signatory, position=_LINE, name=_OPTIONAL,
                                                 nip=_OPTIONAL)))
    identity = Identity(
        name=draw(_CELL), number=draw(_OPTIONAL), unit=draw(_ITEMS), created=draw(_DATE),
        revised=draw(_DATE), effective=draw(_DATE), approved_by=signer,
        legal_basis=draw(_ITEMS), qualifications=draw(_ITEMS), related=draw(_ITEMS),
        equipment=draw(_ITEMS), warning=draw(_CELL), records=draw(_ITEMS))
    return SOPDefinition(identity=identity, actors=actors, steps=tuple(steps), labels=labels,
                         start=draw(st.sampled_from([None, steps[0].id])) if steps else None,
                         bare_hari=draw(st.sampled_from(list(Basis))))


def _strip_locations(d: SOPDefinition) -> dict[str, Any]:
    from sopflow.interchange.json_format import to_dict

    return to_dict(d)


@settings(max_examples=40)
@given(definitions())
def test_xlsx_round_trip_is_lossless(tmp_path_factory: pytest.TempPathFactory,
                                     definition: SOPDefinition) -> None:
    path = tmp_path_factory.mktemp("x") / "sop.xlsx"
    write_xlsx(definition, path)
    back = read_xlsx(path)
    assert _strip_locations(back) == _strip_locations(definition)
    assert back == definition


@settings(max_examples=30)
@given(definitions(), st.sampled_from([",", ";"]))
def test_csv_round_trip_keeps_every_step(tmp_path_factory: pytest.TempPathFactory,
                                         definition: SOPDefinition, sep: str) -> None:
    path = tmp_path_factory.mktemp("c") / "sop.csv"
    write_csv(definition, path, delimiter=sep)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    back = read_csv(path)
    assert back.steps == definition.steps
    # a CSV holds only the steps table: the lanes are its columns (those that act)
    used = {a for s in definition.steps for a in s.actors}
    assert {a.name for a in back.actors} == {a.name for a in definition.actors} | used


def test_activity_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    sop = new_sop()
    staf = sop.actor("Staf")
    sop.step("=HYPERLINK(\"http://example.invalid\",\"klik\")", by=staf, then=END,
             **step_kwargs())
    definition = sop.definition()
    write_xlsx(definition, tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "f.xlsx")["Langkah"]
    assert ws["C2"].data_type == "s"
    assert read_xlsx(tmp_path / "f.xlsx").steps[0].text == definition.steps[0].text


def _sheet(tmp_path: Path, rows: list[list[Any]], *, lanes: list[str] | None = None,
           name: str = "bad.xlsx") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Langkah"
    for row in rows:
        ws.append(row)
    if lanes is not None:
        lane_ws = wb.create_sheet("Pelaksana")
        lane_ws.append(["Pelaksana", "Catatan"])
        for lane in lanes:
            lane_ws.append([lane, ""])
    path = tmp_path / name
    wb.save(path)
    return path


HEADER = ["No", "Kegiatan", "Jenis", "Staf", "Kepala", "Waktu", "Keluar"]


def test_table_first_sheet_reads_with_defaults(tmp_path: Path) -> None:
    path = _sheet(tmp_path, [
        HEADER,
        [1, "Menerima berkas", "Proses", "x", None, "15 menit", None],
        [2, "Apakah berkas lengkap?", "Keputusan", None, "x", "30 menit", "Ya: 4; Tidak: 3"],
        [3, "Mengembalikan berkas", None, "x", None, "10 menit", "Selesai"],
        [4, "Memproses", None, "x", "x", "1 jam", None],
    ])
    d = read_xlsx(path)
    assert [a.name for a in d.actors] == ["Staf", "Kepala"]
    assert [s.id for s in d.steps] == ["s1", "s2", "s3", "s4"]
    assert d.steps[0].exits == (Exit(label=None, target="s2"),)
    assert d.steps[1].exits == (Exit(label="Ya", target="s4"), Exit(label="Tidak", target="s3"))
    assert d.steps[2].exits == (Exit(label=None, target=END),)
    assert d.steps[3].exits == (Exit(label=None, target=END),)  # last row: Selesai
    assert d.steps[3].actors == ("Staf", "Kepala")
    assert d.identity.name == "bad"  # the file's name when there is no Identitas sheet
    assert str(d.steps[1].location) == f"{path}[Langkah]:3"


def _findings(path: Path) -> list[str]:
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    return [str(f) for f in caught.value.findings]


def test_merged_cells_are_named(tmp_path: Path) -> None:
    path = _sheet(tmp_path, [HEADER, [1, "A", None, "x", None, "1 jam", None],
                             [2, "B", None, "x", None, "1 jam", None]])
    wb = openpyxl.load_workbook(path)
    wb["Langkah"].merge_cells("B2:B3")
    wb.save(path)
    assert any(f.startswith("Langkah!B2:B3: merged cells") for f in _findings(path))


def test_missing_header_is_named(tmp_path: Path) -> None:
    path = _sheet(tmp_path, [["No", "Uraian", "Staf"], [1, "A", "x"]])
    found = _findings(path)
    assert len(found) == 1 and found[0].startswith("Langkah!1: missing header 'Kegiatan'")


def test_unknown_lane_and_text_in_number_cell_are_named(tmp_path: Path) -> None:
    path = _sheet(tmp_path, [
        HEADER,
        [1, "Menerima berkas", None, "x", None, "15 menit", None],
        ["dua", "Memeriksa", "Kotak", None, "x", "1 jam", "Ya: 9"],
    ], lanes=["Staf"])
    found = _findings(path)
    assert "Langkah!E1: unknown Pelaksana 'Kepala'" in "\n".join(found)
    assert any(f.startswith("Langkah!A3: 'dua' is not a number") for f in found)
    assert any(f.startswith("Langkah!C3: unknown kind 'Kotak'") for f in found)
    assert any(f.startswith("Langkah!G3: exit 'Ya: 9'") for f in found)


def test_value_under_an_empty_header_and_duplicate_ids(tmp_path: Path) -> None:
    path = _sheet(tmp_path, [
        ["ID", "Kegiatan", "Staf", None],
        ["a", "Satu", "x", "lost?"],
        ["a", "Dua", "x", None],
    ])
    found = _findings(path)
    assert any(f.startswith("Langkah!D2: a value in a column without a header") for f in found)
    assert any(f.startswith("Langkah!A3: ID 'a' again") for f in found)


def test_formula_without_saved_value_is_named(tmp_path: Path) -> None:
    path = _sheet(tmp_path, [HEADER, ["=1+0", "A", None, "x", None, "1 jam", None]])
    assert any(f.startswith("Langkah!A2: a formula without a saved result")
               for f in _findings(path))


def test_identity_date_that_is_not_a_date_is_named(tmp_path: Path) -> None:
    path = _sheet(tmp_path, [HEADER, [1, "A", None, "x", None, "1 jam", None]])
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("Identitas")
    ws.append(["Nama SOP", "Uji"])
    ws.append(["Tanggal Efektif", "besok"])
    ws.append(["Tanggal Pembuatan", "20 Januari 2025"])
    ws.append(["NIP", 197001011990031001])
    wb.save(path)
    found = _findings(path)
    assert any(f.startswith("Identitas!B2: 'besok' is not a date") for f in found)
    assert any(f.startswith("Identitas!B4: a long number") for f in found)


def test_csv_with_semicolons_and_windows_letters(tmp_path: Path) -> None:
    path = tmp_path / "langkah.csv"
    path.write_bytes("No;Kegiatan;Staf\r\n1;Menerima berkas pemohon (Rp 5.000) \u2013 café;x\r\n"
                     .encode("cp1252"))
    d = read_csv(path)
    assert d.steps[0].text == "Menerima berkas pemohon (Rp 5.000) \u2013 café"
    bad = tmp_path / "bad.csv"
    bad.write_text("No,Kegiatan,Staf\n1,A,x\nx,B,x\n", encoding="utf-8")
    assert _findings(bad) == ["bad.csv!A3: 'x' is not a number: the No column holds the row "
                              "number"]


def test_template_has_drop_down_lists_and_reads_back_empty(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", name="Pengajuan Cuti", lanes=("Staf", "Kepala"))
    wb = openpyxl.load_workbook(path)
    rules = {str(v.sqref): v.formula1 for v in wb["Langkah"].data_validations.dataValidation}
    assert rules["D2:D200"] == '"Proses,Keputusan"'
    assert rules["E1:F1"] == "Pelaksana!$A$2:$A$100"  # lane names from the Pelaksana sheet
    assert rules["E2:F200"].startswith('"x,')
    d = read_xlsx(path)
    assert d.identity.name == "Pengajuan Cuti" and d.steps == ()
    assert [a.name for a in d.actors] == ["Staf", "Kepala"]


# -- the command line ---------------------------------------------------------------------------


def _example(tmp_path: Path) -> Path:
    from sopflow.interchange.json_format import dumps

    sop = new_sop("SOP Contoh")
    staf = sop.actor("Staf")
    kepala = sop.actor("Kepala")
    sop.step("Menerima berkas", by=staf, **step_kwargs())
    sop.decision("Apakah lengkap?", by=kepala, yes="proses", no=END, **step_kwargs())
    sop.step("Memproses", id="proses", by=[staf, kepala], then=END, **step_kwargs())
    path = tmp_path / "sop.json"
    path.write_text(dumps(sop.definition()), encoding="utf-8")
    return path


def test_cli_export_import_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _example(tmp_path)
    out = tmp_path / "sop.xlsx"
    assert main(["export", str(source), "--to", "xlsx", "-o", str(out)]) == 0
    assert main(["export", str(source), "--to", "xlsx", "-o", str(out)]) == 2  # no overwrite
    back = tmp_path / "back.json"
    assert main(["import", str(out), "-o", str(back)]) == 0
    assert json.loads(back.read_text("utf-8")) == json.loads(source.read_text("utf-8"))
    capsys.readouterr()
    assert main(["export", str(source), "--to", "csv", "--separator", ";"]) == 0
    assert capsys.readouterr().out.startswith("No;ID;Kegiatan;Jenis;Staf;Kepala;")
    assert main(["export", str(source), "--to", "xlsx"]) == 2  # a workbook needs -o


def test_cli_import_of_a_bad_sheet_exits_2_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _sheet(tmp_path, [HEADER, ["satu", "A", None, "x", None, "1 jam", None]])
    target = tmp_path / "out.json"
    assert main(["import", str(path), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "Langkah!A2: 'satu' is not a number" in err and "Traceback" not in err
    assert not target.exists()
    assert main(["import", str(tmp_path / "nope.xlsx")]) == 2
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip")
    assert main(["import", str(tmp_path / "junk.xlsx")]) == 2
    assert "not an .xlsx workbook" in capsys.readouterr().err


def test_cli_new_xlsx_writes_a_template(tmp_path: Path) -> None:
    target = tmp_path / "cuti.xlsx"
    assert main(["new", "Pengajuan Cuti", "-o", str(target)]) == 0
    assert read_xlsx(target).identity.name == "Pengajuan Cuti"
    assert main(["new", "Pengajuan Cuti", "-o", str(target)]) == 2  # never overwrites


def test_csv_text_export_matches_file(tmp_path: Path) -> None:
    definition = _example_definition()
    text = write_csv(definition, tmp_path / "a.csv")
    assert (tmp_path / "a.csv").read_bytes() == b"\xef\xbb\xbf" + text.encode("utf-8")
    assert io.StringIO(text).readline().startswith("No,ID,Kegiatan")


def _example_definition() -> SOPDefinition:
    sop = new_sop()
    sop.step("Menerima", by=sop.actor("Staf"), then=END, **step_kwargs())
    return sop.definition()


_VALUES = st.one_of(st.none(), st.text(_CHARS, max_size=8), st.integers(-5, 30),
                    st.floats(allow_nan=False, allow_infinity=False, width=32),
                    st.sampled_from(["x", "1", "Proses", "Keputusan", "Ya: 2", "Selesai", "-",
                                     "s1", "2025-01-20", "Kegiatan", "No", "Keluar", "ID"]))


@settings(max_examples=150)
@given(st.lists(st.lists(_VALUES, max_size=8), max_size=8),
       st.lists(st.lists(_VALUES, max_size=4), max_size=5),
       st.lists(st.lists(_VALUES, max_size=3), max_size=4))
def test_any_grid_reads_or_names_its_problems(steps: list[list[Any]],
                                              identity: list[list[Any]],
                                              lanes: list[list[Any]]) -> None:
    from sopflow.interchange.sheet import Grid, definition_from_grids

    def grid(name: str, rows: list[list[Any]]) -> Grid:
        return Grid(name=name, rows=tuple(tuple(r) for r in rows))

    header = [["No", "Kegiatan", "A", "Keluar"]]
    for rows in (steps, header + steps):
        try:
            d = definition_from_grids("f.xlsx", grid("Langkah", rows),
                                      identity=grid("Identitas", identity),
                                      lanes=grid("Pelaksana", lanes) if lanes else None)
        except SheetError as error:
            assert error.findings and all(f.cell and f.message for f in error.findings)
        else:
            assert isinstance(d, SOPDefinition)


def test_a_lane_named_like_a_column_is_refused_by_name(tmp_path: Path) -> None:
    sop = new_sop()
    sop.step("Menerima", by=sop.actor("Output"), then=END, **step_kwargs())
    with pytest.raises(ValueError, match="'Output' cannot be a column header"):
        write_xlsx(sop.definition(), tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_commands_take_a_sheet_directly_and_findings_name_its_rows(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _sheet(tmp_path, [
        HEADER,
        [1, "Menerima berkas", None, "x", None, "15 menit", None],
        [2, "Memproses", None, None, "x", "kapan-kapan", "Selesai"],
    ], name="langkah.xlsx")
    assert main(["validate", str(path)]) == 1  # an unreadable Waktu is an error
    out = capsys.readouterr().out
    assert f"{path}[Langkah]:3: error" in out
    bad = _sheet(tmp_path, [HEADER, ["satu", "A", None, "x", None, "1 jam", None]])
    assert main(["validate", str(bad)]) == 2
    assert "Langkah!A2: 'satu' is not a number" in capsys.readouterr().out
