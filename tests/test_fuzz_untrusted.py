"""Fuzz: an SOP file from a stranger, with hostile text in any field, through every output.

Each example puts one hostile text (Graphviz markup, escapes, entities, control characters,
lone surrogates, long words, any Unicode; see ``tests/hostile.py``) into one field of a small
valid JSON SOP, then checks: loading refuses exactly the texts with characters sopflow refuses
(exit 2 from the CLI, with the JSON path), everything else is drawn literally in the official
document and the compact view (well-formed SVG, no image, no link), and the DOT and BPMN
exports read back. The CI profile runs a few examples per test; a long run by hand:

    HYPOTHESIS_PROFILE=dev SOPFLOW_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz_untrusted.py
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hostile import (
    FIELDS,
    KINDS,
    any_hostile_text,
    base_document,
    check_svg,
    hostile_text,
    json_text,
    squeeze,
    with_text,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopflow import cli
from sopflow._textcheck import text_problem
from sopflow.interchange.json_format import JSONFormatError, loads
from sopflow.procedure import compile_definition

_DEFAULT = 300 if os.environ.get("HYPOTHESIS_PROFILE") == "dev" else 15
EXAMPLES = int(os.environ.get("SOPFLOW_FUZZ_EXAMPLES", _DEFAULT))
fuzz = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
BASE = base_document()
pytestmark = pytest.mark.filterwarnings("ignore::sopflow.render.fonts.MissingGlyphWarning")
# fields that must not be blank (the loader refuses a blank actor name)
NONBLANK = {("actors", 0, "name"), ("steps", 0, "id")}
# fields the compact view and the DOT export show (the Mutu Baku and identity are not shown)
DRAWN_IN_GRAPHS = {("identity", "name"), ("actors", 0, "name"), ("steps", 0, "text"),
                   ("steps", 1, "text"), ("steps", 1, "question"),
                   ("steps", 1, "exits", 1, "label")}


def _refused(field: tuple[Any, ...], text: str) -> bool:
    if field[-1] == "id" and (text.startswith("@") or ":" in text):
        return True
    return text_problem(text) is not None or (field in NONBLANK and not text.strip())


def _load(field: tuple[Any, ...], text: str) -> Any:
    """Load the hostile document; None when the loader refuses it (as it must)."""
    source = json_text(with_text(BASE, field, text))
    try:
        definition = loads(source, file="sop.json")
    except JSONFormatError as error:
        assert _refused(field, text), error
        assert error.path.startswith("$."), error  # says where
        return None
    assert not _refused(field, text), f"{text!r} in {field} was accepted"
    return compile_definition(definition, strict=False)


@fuzz
@given(field=st.sampled_from(FIELDS), text=any_hostile_text)
def test_json_load_refuses_exactly_the_undrawable_texts(field: tuple[Any, ...], text: str,
                                                        tmp_path_factory: Any) -> None:
    procedure = _load(field, text)
    path: Path = tmp_path_factory.mktemp("fuzz") / "sop.json"
    path.write_text(json_text(with_text(BASE, field, text)), encoding="utf-8")
    code = cli.main(["validate", str(path)])
    if procedure is None:
        assert code == cli.EXIT_USAGE
    else:
        assert code in (cli.EXIT_OK, cli.EXIT_ERRORS)
        assert _field_value(procedure.definition, field) == text  # loaded as written


def _field_value(definition: Any, field: tuple[Any, ...]) -> Any:
    from sopflow.interchange.json_format import to_dict

    value: Any = to_dict(definition)
    for key in field:
        value = value[key]
    return value


@fuzz
@given(field=st.sampled_from(FIELDS), text=any_hostile_text)
def test_the_official_document_draws_text_literally(field: tuple[Any, ...], text: str) -> None:
    from sopflow.render import LayoutError, document_pages
    from sopflow.render.paint import render_page

    procedure = _load(field, text)
    if procedure is None:
        return
    try:
        pages = document_pages(procedure)
    except LayoutError:
        return  # a clear "shorten its text" error, not a drawing
    drawn = "".join(check_svg(render_page(page, "svg")) for page in pages)
    if field[-1] != "id":  # ids are names, not shown in the document
        assert _shown(squeeze(text)) in squeeze(drawn)


def _shown(text: str) -> str:
    from hostile import shown

    return shown(text)


@fuzz
@given(field=st.sampled_from(FIELDS), text=any_hostile_text)
def test_the_compact_view_draws_text_literally(field: tuple[Any, ...], text: str) -> None:
    from sopflow.render import procedure_svg

    procedure = _load(field, text)
    if procedure is None:
        return
    drawn = check_svg(procedure_svg(procedure))
    if field in DRAWN_IN_GRAPHS:
        assert _shown(squeeze(text)) in squeeze(drawn)


@fuzz
@given(field=st.sampled_from(FIELDS), text=any_hostile_text)
def test_dot_and_bpmn_exports_read_back(field: tuple[Any, ...], text: str) -> None:
    import pygraphviz as pgv

    from sopflow.interchange.bpmn import to_bpmn
    from sopflow.interchange.dot import to_dot

    procedure = _load(field, text)
    if procedure is None:
        return
    graph = pgv.AGraph(string=to_dot(procedure))  # Graphviz reads it back
    graph.layout(prog="dot")
    drawn = check_svg(graph.draw(format="svg"))
    if field in DRAWN_IN_GRAPHS:
        assert squeeze(text) in squeeze(drawn)
    if procedure.report.ok:
        root = ET.fromstring(to_bpmn(procedure).encode("utf-8"))
        assert root.tag.endswith("definitions")


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_hostile_text_is_generated(kind: str) -> None:
    """The strategies make what they say (so a test above cannot pass by never trying)."""
    seen: list[str] = []

    @settings(max_examples=20, database=None)
    @given(hostile_text(kind))
    def collect(text: str) -> None:
        seen.append(text)

    collect()
    assert seen
    if kind == "control":
        assert all(text_problem(t) for t in seen)
    if kind == "long-word":
        assert all(len(t) >= 60 for t in seen)
