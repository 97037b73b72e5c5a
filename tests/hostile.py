"""Hostile text for SOP files: hypothesis strategies and the checks every output must pass.

Used by ``tests/test_fuzz_untrusted.py`` (small profile in CI) and by
``benchmarks/fuzz_untrusted.py`` (many examples, counted per kind, run by hand). A hostile
SOP is the small valid SOP below with one text field replaced: Graphviz markup (HTML-like
labels with images and links), escape sequences, entities, quotes, XML breakers, control
characters, lone surrogates, very long words, or any Unicode at all.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from hypothesis import strategies as st

from sopflow._textcheck import text_problem

SVG = "{http://www.w3.org/2000/svg}"

# What an attacker (or an unlucky copy and paste) puts into a text field.
MARKUP = (
    "<<TABLE><TR><TD><IMG SRC='/etc/passwd'/></TD></TR></TABLE>>",
    "<<TABLE HREF='javascript:alert(1)'><TR><TD>klik</TD></TR></TABLE>>",
    "<IMG SRC='/tmp/x.png'/>",
    "<b>tebal</b>",
    "<",
    ">",
    "<>",
    "]]>",
    "<!-- -->",
    "<?xml version='1.0'?>",
    "&amp;",
    "&lt;",
    "&#38;",
    "&#x41;",
    "&nbsp;",
    "&",
    "\\N",
    "\\G",
    "\\E",
    "\\H",
    "\\T",
    "\\L",
    "\\n",
    "\\l",
    "\\r",
    "\\",
    '"',
    "'",
    '\\"',
    "{",
    "}",
    ";",
    "label=x",
    "URL=\"https://example.org\"",
    "%s%n",
    "✓",
    "①",
    "😀",
    "\u202e",
    "\u200b",
    "\ufeff",
)
_CONTROL_CODES = (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85, 0x9F)
CONTROLS = (*(chr(c) for c in _CONTROL_CODES), "\ud800", "\udfff", "\ufffe", "\uffff")

KINDS = ("markup", "control", "long-word", "unicode")


def hostile_text(kind: str) -> st.SearchStrategy[str]:
    """Text of one kind: markup and escapes, with control characters, one long word, or any
    Unicode at all (surrogates and controls included)."""
    plain = st.text(st.sampled_from("abcdeXYZ 0123456789.,-/"), max_size=12)
    if kind == "markup":
        pieces = st.one_of(st.sampled_from(MARKUP), plain)
        return st.lists(pieces, min_size=1, max_size=6).map("".join)
    if kind == "control":
        pieces = st.one_of(st.sampled_from(CONTROLS), st.sampled_from(MARKUP), plain)
        return st.lists(pieces, min_size=1, max_size=6).map("".join).filter(
            lambda t: text_problem(t) is not None)
    if kind == "long-word":
        alphabet = st.sampled_from("abcdefghijklmnopqrstuvwxyzWM/._-&<>\\é✓")
        return st.text(alphabet, min_size=60, max_size=400)
    if kind == "unicode":
        return st.text(st.characters(), min_size=1, max_size=40)
    raise ValueError(kind)


any_hostile_text = st.sampled_from(KINDS).flatmap(hostile_text)

#: Fields a hostile text can go into (JSON path pieces), each drawn as written.
FIELDS = (
    ("identity", "name"),
    ("identity", "unit", 0),
    ("identity", "legal_basis", 0),
    ("identity", "warning"),
    ("identity", "records", 0),
    ("identity", "approved_by", "position"),
    ("actors", 0, "name"),
    ("steps", 0, "id"),
    ("steps", 0, "text"),
    ("steps", 0, "inputs", 0),
    ("steps", 0, "output"),
    ("steps", 0, "note"),
    ("steps", 1, "text"),
    ("steps", 1, "question"),
    ("steps", 1, "exits", 1, "label"),
    ("labels", "start"),
)


def base_document() -> dict[str, Any]:
    """A small valid SOP (two lanes, a decision with a loop) as a ``sopflow/1`` document."""
    from sopfactory import new_sop, step_kwargs

    from sopflow.interchange.json_format import to_dict

    sop = new_sop("SOP Uji Teks")
    staf, kepala = sop.actor("Staf"), sop.actor("Kepala")
    sop.step("Menerima berkas", by=staf, **step_kwargs(note="catatan"))
    sop.decision("Apakah berkas lengkap?", question="Lengkap?", by=kepala,
                 exits={"Ya": "@end", "Tidak": "s1"}, **step_kwargs())
    return to_dict(sop.definition())


def with_text(document: dict[str, Any], field: tuple[Any, ...], text: str) -> dict[str, Any]:
    """A copy of ``document`` with ``text`` at ``field``; an actor keeps its steps."""
    doc = json.loads(json.dumps(document))
    target = doc
    for key in field[:-1]:
        target = target[key]
    old = target[field[-1]]
    target[field[-1]] = text
    if field[0] == "actors":
        for step in doc["steps"]:
            step["actors"] = [text if a == old else a for a in step["actors"]]
    if field[-1] == "id":
        for step in doc["steps"]:
            for ex in step["exits"]:
                ex["target"] = text if ex["target"] == old else ex["target"]
    return doc


def json_text(document: dict[str, Any]) -> str:
    """The JSON file a stranger would send (lone surrogates written as ``\\ud800`` escapes)."""
    return json.dumps(document, ensure_ascii=True, indent=2)


def squeeze(text: str) -> str:
    """``text`` without white space: wrapping may break lines anywhere between words."""
    return "".join(text.split())


def shown(text: str) -> str:
    """What the renderers draw for ``text``: glyphs the font lacks become the box."""
    from sopflow.render import fonts

    return fonts.metrics().drawable(text)[0]


def check_svg(svg: str | bytes, expected: str | None = None) -> str:
    """The SVG is well-formed XML with no image and no link; return its text, joined.

    With ``expected``, that text must appear literally (white space aside).
    """
    root = ET.fromstring(svg)
    tags = {element.tag for element in root.iter()}
    assert f"{SVG}image" not in tags, "an image reached the SVG"
    assert f"{SVG}a" not in tags, "a link reached the SVG"
    for element in root.iter():
        for name in element.attrib:
            assert not name.endswith("href"), f"a link attribute {name} reached the SVG"
    drawn = "".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    if expected is not None:
        assert shown(squeeze(expected)) in squeeze(drawn), (expected, drawn[:500])
    return drawn
