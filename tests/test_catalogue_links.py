"""Keterkaitan resolution (name or Nomor, prefixes, case) and the catalogue map's escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopflow.catalogue.links import (
    CatalogueEntry,
    Link,
    catalogue_map_svg,
    match_key,
    number_key,
    resolve_links,
)

ENTRIES = [
    CatalogueEntry(id="a", name="SOP Penyusunan Laporan Tahunan", number="800/01/UMUM",
                   related=("Pengadaan Barang", "sop  penyusunan LAPORAN tahunan.",
                            "Nomor 800/02/UMUM", "-", "Tidak ada", "SOP Hilang")),
    CatalogueEntry(id="b", name="Pengadaan Barang", number="800/02/UMUM",
                   related=("SOP Penyusunan Laporan Tahunan", "Rapat")),
    CatalogueEntry(id="c", name="Rapat", number=None, related=()),
    CatalogueEntry(id="d", name="rapat", number="9/X", related=()),
]


def test_names_and_numbers_resolve_whatever_the_prefix_and_case() -> None:
    table = resolve_links(ENTRIES)
    assert table.outgoing("a") == [
        Link(source="a", target="b", text="Pengadaan Barang"),
        Link(source="a", target="a", text="sop  penyusunan LAPORAN tahunan."),
        Link(source="a", target="b", text="Nomor 800/02/UMUM"),
    ]
    assert [link.source for link in table.incoming("a")] == ["a", "b"]


def test_unknown_and_ambiguous_entries_are_listed_and_nothing_is_not_an_entry() -> None:
    table = resolve_links(ENTRIES)
    unresolved = {(u.source, u.text): u.candidates for u in table.unresolved}
    # "Rapat" names two SOPs ("Rapat" and "rapat"): ambiguous, with both candidates
    assert unresolved == {("a", "SOP Hilang"): (), ("b", "Rapat"): ("c", "d")}
    assert table.resolution("a", "-") is None


@pytest.mark.parametrize(("text", "key"), [
    ("SOP Pelayanan Data", "pelayanan data"),
    ("  sop:  Pelayanan   DATA. ", "pelayanan data"),
    ("Standar Operasional Prosedur Pelayanan Data", "pelayanan data"),
    ("\u201cSOP Pelayanan Data\u201d", "pelayanan data"),
    ("Sopir Dinas", "sopir dinas"),  # "sop" only as a word of its own
])
def test_match_key(text: str, key: str) -> None:
    assert match_key(text) == key


def test_number_key_ignores_nomor_and_spaces() -> None:
    assert number_key("Nomor 800 / 01 / UMUM") == number_key("800/01/umum") == "800/01/umum"
    assert number_key("SOP No. 12/A") == "12/a"


names = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")),
                min_size=1, max_size=40).filter(lambda s: match_key(s) not in ("", "-"))


def _variant(name: str, upper: bool, prefix: bool, spaces: bool) -> str:
    text = name.upper() if upper else name
    text = "  ".join(text.split()) if spaces else text
    return f"SOP {text}" if prefix else text


@given(st.lists(names, min_size=1, max_size=8, unique_by=match_key), st.data())
def test_every_written_variant_of_a_name_finds_that_sop(names_: list[str],
                                                        data: st.DataObject) -> None:
    """Oracle: an entry written as any SOP's name (upper case, "SOP " prefix, doubled
    spaces) resolves to exactly that SOP when no other SOP shares its key."""
    k = data.draw(st.integers(0, len(names_) - 1))
    written = _variant(names_[k], data.draw(st.booleans()), data.draw(st.booleans()),
                       data.draw(st.booleans()))
    entries = [CatalogueEntry(id=f"s{i}", name=n, related=()) for i, n in enumerate(names_)]
    entries.append(CatalogueEntry(id="src", name="\x00 sumber", related=(written,)))
    table = resolve_links(entries)
    if match_key(written) != match_key(names_[k]):  # upper() can change a key (e.g. "ß")
        return
    assert [link.target for link in table.links] == [f"s{k}"]


HOSTILE = ['<script>alert("x")</script>', "a & b \\N \\G", "<b>tebal</b>", "\x0bvt", "é ü 漢"]


@pytest.mark.parametrize("name", HOSTILE)
def test_map_draws_names_literally_and_links_only_to_given_addresses(name: str) -> None:
    entries = [CatalogueEntry(id="x", name=name, number=name, related=("Lain",)),
               CatalogueEntry(id="y", name="Lain", number=None, related=())]
    table = resolve_links(entries)
    svg = catalogue_map_svg(entries, table, lambda slug: f"sop/{slug}.html")
    root = ET.fromstring(svg)  # well-formed, whatever the name held
    ns = {"s": "http://www.w3.org/2000/svg", "x": "http://www.w3.org/1999/xlink"}
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    shown = name.replace("\x0b", "\ufffd")
    assert shown in texts  # the name, as written, is one line of its box
    assert not root.findall(".//s:script", ns)
    hrefs = {a.get("{http://www.w3.org/1999/xlink}href") for a in root.iter(
        "{http://www.w3.org/2000/svg}a")}
    assert hrefs == {"sop/x.html", "sop/y.html"}
