"""The JSON format sopflow/1: lossless round trip, published schema, located errors."""

from __future__ import annotations

import json
import re
import runpy
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import build, sop_specs

import sopflow
from sopflow.interchange import json_format
from sopflow.interchange.json_format import FORMAT, JSONFormatError, dumps, loads, schema, to_dict
from sopflow.model import EXIT_SIDES, Acceptance, Identity, Labels, Signatory, SOPDefinition
from sopflow.validate import RULES
from sopflow.waktu import Basis

ROOT = Path(__file__).resolve().parent.parent
# The examples that define an SOP (others run, simulate or render them).
EXAMPLES = sorted(
    p for p in (ROOT / "examples").glob("*.py") if "\nsop = SOP(" in p.read_text(encoding="utf-8")
)
VALIDATOR = jsonschema.Draft202012Validator(schema())

# Identity and Mutu Baku text as people type it: Indonesian words, punctuation, quotes,
# newlines, non-Latin letters. Lone surrogates are not text a UTF-8 file can hold; control
# characters other than tab and line breaks are refused on load (see docs/security.md).
text = st.text(st.one_of(st.characters(blacklist_categories=("Cs", "Cc")),
                         st.sampled_from("\t\n\r")), max_size=40)
texts = st.lists(text, max_size=3).map(tuple)
dates = st.one_of(st.none(), st.dates(min_value=date(1, 1, 1)))
# Accepted warnings: a known warning code each, with a reason as people write it.
accepts = st.dictionaries(
    st.sampled_from([r.code for r in RULES if r.code.startswith("W")]),
    text.filter(str.strip), max_size=2,
).map(lambda d: tuple(Acceptance(code=c, reason=r) for c, r in d.items()))


@st.composite
def definitions(draw: st.DrawFn) -> SOPDefinition:
    definition = build(draw(sop_specs())).definition()
    signatory = draw(st.one_of(st.none(), st.builds(
        Signatory, position=text, name=st.one_of(st.none(), text),
        nip=st.one_of(st.none(), text))))
    identity = Identity(
        unit=draw(texts), number=draw(st.one_of(st.none(), text)), created=draw(dates),
        revised=draw(dates), effective=draw(dates), approved_by=signatory, name=draw(text),
        legal_basis=draw(texts), qualifications=draw(texts), related=draw(texts),
        equipment=draw(texts), warning=draw(text), records=draw(texts),
    )
    lanes = [a.name for a in definition.actors]
    steps = tuple(
        attrs.evolve(
            step, text=draw(text), inputs=draw(texts), time=draw(text), output=draw(text),
            note=draw(text), accept=draw(accepts),
            question=draw(st.one_of(st.none(), text)) if step.kind.value == "decision" else None,
            actors=tuple(draw(st.lists(st.sampled_from(lanes), min_size=1, max_size=2))),
            exits=tuple(attrs.evolve(e, side=draw(st.sampled_from([None, *EXIT_SIDES])))
                        for e in step.exits),
        )
        for step in definition.steps
    )
    steps = tuple(attrs.evolve(s, enter=draw(st.sampled_from([None, *s.actors])),
                               leave=draw(st.sampled_from([None, *s.actors]))) for s in steps)
    return attrs.evolve(
        definition, identity=identity, steps=steps,
        labels=draw(st.builds(Labels, yes=text, no=text, start=text, end=text)),
        bare_hari=draw(st.sampled_from([*Basis, None])), accept=draw(accepts),
        start=draw(st.one_of(st.none(), st.sampled_from([s.id for s in steps]))),
    )


@given(definitions())
def test_definition_json_definition_is_lossless(definition: SOPDefinition) -> None:
    text = dumps(definition)
    again = loads(text)
    assert again == definition
    assert dumps(again) == text
    VALIDATOR.validate(json.loads(text))  # what we write is what we publish


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_round_trip_and_keep_their_findings(example: Path, tmp_path: Path) -> None:
    definition = runpy.run_path(str(example))["sop"].definition()
    path = tmp_path / "sop.json"
    json_format.dump(definition, path)
    loaded = json_format.load(path)
    assert loaded == definition
    before = sopflow.compile_definition(definition, strict=False).report
    after = sopflow.compile_definition(loaded, strict=False).report
    assert [(f.code, f.message) for f in after.findings] == \
        [(f.code, f.message) for f in before.findings]
    # Findings point into the JSON file, at the step's own line.
    lines = path.read_text(encoding="utf-8").splitlines()
    for step in loaded.steps:
        assert step.location is not None and step.location.file == str(path)
        assert lines[step.location.line - 1].strip() == "{"
        assert f'"id": {json.dumps(step.id)}' in lines[step.location.line]


def test_loading_never_runs_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    payload = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    document = {
        "format": FORMAT,
        "identity": {"name": payload},
        "actors": [{"name": payload}],
        "steps": [{"id": "s1", "kind": "process", "text": payload, "actors": [payload],
                   "time": payload, "exits": [{"label": None, "target": "@end"}]}],
    }
    definition = loads(json.dumps(document))
    sopflow.compile_definition(definition, strict=False)
    assert definition.name == payload and not marker.exists()


def _doc(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": FORMAT,
        "identity": {"name": "SOP Uji", "created": "2025-01-20"},
        "actors": [{"name": "Staf"}],
        "steps": [{"id": "s1", "kind": "process", "text": "Memeriksa", "actors": ["Staf"],
                   "exits": [{"label": None, "target": "@end"}]}],
    }
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = document
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is _DELETE:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return document


_DELETE = object()

BAD: list[tuple[dict[str, Any], str, str]] = [
    (_doc(format="sopflow/2"), "$.format", "unsupported format version 'sopflow/2'"),
    (_doc(format=_DELETE), "$.format", "not a sopflow definition"),
    (_doc(identity=_DELETE), "$", "missing required key 'identity'"),
    (_doc(extra=1), "$.extra", "unknown key 'extra'"),
    (_doc(identity__name=5), "$.identity.name", "expected a string, got a number"),
    (_doc(identity__created="20-01-2025"), "$.identity.created", "expected a date as YYYY-MM-DD"),
    (_doc(identity__created="2025-02-30"), "$.identity.created", "not a valid date"),
    (_doc(identity__unit="BKD"), "$.identity.unit", "expected an array of strings"),
    (_doc(identity__approved_by={"name": "Budi"}), "$.identity.approved_by",
     "missing required key 'position'"),
    (_doc(actors__0={"name": ""}), "$.actors[0].name", "must not be empty"),
    (_doc(steps__0__kind="loop"), "$.steps[0].kind", "expected one of"),
    (_doc(steps__0__id="@x"), "$.steps[0].id", "must be non-empty, not start with '@'"),
    (_doc(steps__0__actors=["Staf", 3]), "$.steps[0].actors[1]", "expected a string"),
    (_doc(steps__0__exits=[{"label": "Ya"}]), "$.steps[0].exits[0]",
     "missing required key 'target'"),
    (_doc(steps__0__exits=[{"target": ""}]), "$.steps[0].exits[0].target", "must not be empty"),
    (_doc(steps__0__exits=[{"target": "@end", "side": "up"}]), "$.steps[0].exits[0].side",
     "expected one of ['left', 'right', 'bottom'] or null"),
    (_doc(steps__0__leave=3), "$.steps[0].leave", "expected a string"),
    (_doc(bare_hari="weekday"), "$.bare_hari", "expected one of ['working', 'calendar']"),
    (_doc(labels={"ya": "Ya"}), "$.labels.ya", "unknown key 'ya'"),
    (_doc(steps={}), "$.steps", "expected an array, got an object"),
]


@pytest.mark.parametrize(("document", "path", "message"), BAD, ids=[b[1] for b in BAD])
def test_invalid_documents_name_the_json_path(document: dict[str, Any], path: str,
                                              message: str) -> None:
    with pytest.raises(JSONFormatError) as caught:
        loads(json.dumps(document, indent=2), file="sop.json")
    assert caught.value.path == path
    assert message in caught.value.message
    assert str(caught.value).startswith("sop.json")


@pytest.mark.parametrize(("document", "path", "message"), BAD, ids=[b[1] for b in BAD])
def test_the_published_schema_rejects_the_same_documents(
    document: dict[str, Any], path: str, message: str
) -> None:
    if path == "$.identity.created" and "valid date" in message:
        pytest.skip("the schema checks the date's shape, not the calendar")
    assert not VALIDATOR.is_valid(document), path


def test_a_minimal_document_uses_the_documented_defaults() -> None:
    definition = loads(json.dumps(_doc()))
    assert definition.labels == Labels() and definition.bare_hari is None
    assert definition.start is None and definition.steps[0].time == ""
    VALIDATOR.validate(_doc())


def test_syntax_errors_give_the_line() -> None:
    with pytest.raises(JSONFormatError) as caught:
        loads('{\n  "format": "sopflow/1",\n  "steps": [,]\n}', file="x.json")
    assert caught.value.line == 3 and str(caught.value).startswith("x.json:3: $: not valid JSON")


def test_structure_errors_inside_a_step_give_its_line() -> None:
    text = json.dumps(_doc(steps__0__kind="loop"), indent=2)
    with pytest.raises(JSONFormatError) as caught:
        loads(text, file="x.json")
    assert caught.value.line is not None
    assert text.splitlines()[caught.value.line] .strip() == '"id": "s1",'


def test_schema_is_package_data_and_matches_the_docs() -> None:
    packaged = Path(json_format.__file__).with_name(json_format.SCHEMA_FILE)
    assert json.loads(packaged.read_text(encoding="utf-8")) == schema()
    assert schema()["properties"]["format"]["const"] == FORMAT
    docs = (ROOT / "docs" / "json-format.md").read_text(encoding="utf-8")
    assert json_format.SCHEMA_FILE in docs and f'"format": "{FORMAT}"' in docs


def test_the_documented_example_is_valid() -> None:
    page = (ROOT / "docs" / "json-format.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```json\n(.*?)```", page, re.DOTALL)
    VALIDATOR.validate(json.loads(example))
    report = sopflow.compile_definition(loads(example), strict=False).report
    assert report.ok and not report.warnings, report


def test_to_dict_covers_every_model_field() -> None:
    """A new field in the model must reach the format (or this test says so)."""
    definition = runpy.run_path(str(ROOT / "examples" / "izin_cuti.py"))["sop"].definition()
    data = to_dict(definition)
    located = {"location"}
    assert set(data) - {"format"} == {f.name for f in attrs.fields(SOPDefinition)} - located
    assert set(data["identity"]) == {f.name for f in attrs.fields(Identity)}
    step_fields = {f.name for f in attrs.fields(type(definition.steps[0]))} - located
    assert set(data["steps"][0]) == step_fields
