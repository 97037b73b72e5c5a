"""The `document` section: an agency's printing conventions carried in the SOP file."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopflow import SOP
from sopflow.document import (
    COLUMN_LABEL_KEYS,
    CONNECTOR_STYLES,
    IDENTITY_LABEL_KEYS,
    PAPER_NAMES,
    DocumentStyle,
)
from sopflow.interchange.json_format import JSONFormatError, dumps, from_dict, loads, to_dict
from sopflow.render import ColumnLabels, IdentityLabels, document_pages
from sopflow.render.geometry import PAPERS


def small_sop(**document: Any) -> SOP:
    sop = SOP("SOP Uji", number="1/UJI", document=document or None)
    staf = sop.actor("Staf")
    sop.step("Memeriksa berkas", by=staf, time="15 menit")
    sop.step("Mengarsipkan berkas", by=staf, time="Sesuai kebutuhan")
    return sop


def test_the_core_knows_every_renamable_word_of_the_renderer() -> None:
    assert set(COLUMN_LABEL_KEYS) == {f.name for f in attrs.fields(ColumnLabels)}
    assert set(IDENTITY_LABEL_KEYS) == {f.name for f in attrs.fields(IdentityLabels)}
    assert {p.upper() for p in PAPER_NAMES} == set(PAPERS)


texts = st.text(st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff"),
                max_size=20)  # text a JSON SOP may hold (no control characters)
styles = st.builds(
    DocumentStyle,
    paper=st.none() | st.sampled_from(PAPER_NAMES),
    repeat_header=st.none() | st.booleans(),
    page_numbers=st.none() | st.booleans(),
    column_numbers=st.none() | st.booleans(),
    connectors=st.none() | st.sampled_from(CONNECTOR_STYLES),
    footer=st.none() | texts,
    empty_cell=st.none() | texts,
    start_own_row=st.none() | st.booleans(),
    table_below_identity=st.none() | st.booleans(),
    column_labels=st.dictionaries(st.sampled_from(COLUMN_LABEL_KEYS), texts),
    identity_labels=st.dictionaries(st.sampled_from(IDENTITY_LABEL_KEYS), texts),
)


@given(style=styles)
def test_the_document_section_round_trips_through_json(style: DocumentStyle) -> None:
    definition = attrs.evolve(small_sop().definition(), document=style)
    text = dumps(definition)
    assert loads(text).document == style
    assert json.loads(text)["document"] == style.settings()


def test_old_files_without_a_document_section_still_load() -> None:
    data = to_dict(small_sop().definition())
    del data["document"]
    assert from_dict(data).document == DocumentStyle()


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        ({"papr": "A4"}, "$.document.papr", "unknown key 'papr'"),
        ({"paper": "B5"}, "$.document", "unknown paper 'B5'; use one of: A4, F4, Letter, Legal"),
        ({"repeat_header": "yes"}, "$.document.repeat_header", "expected true or false"),
        ({"footer": 3}, "$.document.footer", "expected a string"),
        ({"column_labels": {"uraian": "Uraian"}}, "$.document",
         "unknown column label 'uraian'; use one of: no, kegiatan"),
        ({"column_labels": ["Uraian"]}, "$.document.column_labels", "expected an object"),
        ({"identity_labels": {"effective": 1}}, "$.document.identity_labels.effective",
         "expected a string"),
        ({"connectors": "numbers"}, "$.document", "unknown connector style 'numbers'"),
        ({"logo": "/etc/passwd"}, "$.document.logo", "unknown key 'logo'"),
    ],
)
def test_a_bad_document_section_names_its_json_path(document: dict[str, Any], path: str,
                                                    message: str) -> None:
    data = to_dict(small_sop().definition())
    data["document"] = document
    with pytest.raises(JSONFormatError) as info:
        from_dict(data)
    assert info.value.path == path
    assert message in str(info.value)


def test_the_dsl_says_which_setting_it_does_not_know() -> None:
    with pytest.raises(TypeError, match=r"no setting 'repeat_headers'; did you mean "
                                        r"'repeat_header'\? valid settings: paper, "):
        SOP("SOP Uji", document={"repeat_headers": False})
    with pytest.raises(ValueError, match=r"unknown column label 'uraian'"):
        SOP("SOP Uji", document={"column_labels": {"uraian": "Uraian"}})


def _texts(pages: list[Any]) -> set[str]:
    return {line for page in pages for box in page.texts for line in box.lines}


def test_the_renderer_prints_the_agency_conventions() -> None:
    plain = document_pages(small_sop().compile(strict=False))
    styled_sop = small_sop(paper="Legal", page_numbers=False, column_numbers=False,
                           column_labels={"kegiatan": "Uraian Kegiatan", "keterangan": "Ket"},
                           identity_labels={"effective": "Tanggal Pengesahan"},
                           footer="Dokumen ini telah ditandatangani secara elektronik")
    styled = document_pages(styled_sop.compile(strict=False))
    assert (plain[0].width, plain[0].height) == PAPERS["A4"].landscape()
    assert (styled[0].width, styled[0].height) == PAPERS["LEGAL"].landscape()
    assert {"Kegiatan", "Keterangan", "(1)", "- 2 -"} <= _texts(plain)
    words = _texts(styled)
    assert {"Uraian Kegiatan", "Ket", "Tanggal Pengesahan"} <= words
    assert "(1)" not in words and "- 2 -" not in words and "Kegiatan" not in words
    assert any("ditandatangani secara elektronik" in w for w in words)
    # What the caller says explicitly wins over the SOP file.
    a4 = document_pages(styled_sop.compile(strict=False), paper="A4", page_numbers=True)
    assert (a4[0].width, a4[0].height) == PAPERS["A4"].landscape()
    assert "- 2 -" in _texts(a4)
