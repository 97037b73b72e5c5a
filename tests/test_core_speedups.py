"""The core's fast paths give exactly what the plain code they replaced gave."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import _target, build, sop_specs

from sopflow import SOP
from sopflow._fastbuild import trusted_constructor
from sopflow._textcheck import (
    TextError,
    _step_plain_texts,
    _step_texts,
    check_definition,
    definition_texts,
    text_problem,
)
from sopflow.dsl import NEXT
from sopflow.model import END, Exit, Step, StepKind


def expected_steps(spec: dict[str, Any], rows: int) -> list[Step]:
    """The first ``rows`` steps of ``spec`` as the plain attrs constructors build them (with
    their converters and validators), every NEXT resolved to the next row's id (the end
    after the last): what definition() must return, written without the DSL."""
    labels = ["Ya", "Tidak", "Lainnya"]
    specs = spec["steps"][:rows]
    out = []
    for row, item in enumerate(specs):
        following = f"s{row + 2}" if row + 1 < len(specs) else END
        if item["kind"] == "decision":
            pairs = [(labels[k], _target(t)) for k, t in enumerate(item["exits"])]
        else:
            then = _target(item["then"])
            pairs = [] if then is None else [(None, then)]
        out.append(Step(
            id=f"s{row + 1}",
            text=(f"Apakah langkah {item['i'] + 1} sesuai?" if item["kind"] == "decision"
                  else f"Memproses langkah {item['i'] + 1}"),
            kind=StepKind(item["kind"]),
            actors=[f"Pelaksana {item['lane'] + 1}"],
            exits=tuple(Exit(label=label, target=following if t == NEXT else t)
                        for label, t in pairs),
            inputs=["Berkas"], time="15 menit", output="Hasil",
        ))
    return out


def assert_same_steps(got: tuple[Step, ...], want: list[Step]) -> None:
    assert list(got) == want
    for g, w in zip(got, want, strict=True):
        assert type(g) is Step
        assert hash(g) == hash(w)
        assert {k: v for k, v in attrs.asdict(g, recurse=False).items() if k != "location"} \
            == {k: v for k, v in attrs.asdict(w, recurse=False).items() if k != "location"}
        assert all(type(e) is Exit for e in g.exits)
        # every row and exit remembers the line that wrote it
        assert g.location is not None
        assert g.location.file.endswith(("strategies.py", "test_core_speedups.py"))
        assert all(e.location == g.location for e in g.exits)


@settings(max_examples=60, deadline=None)
@given(sop_specs(max_steps=15), st.data())
def test_definition_resolves_next_exactly_as_the_plain_constructors(
        spec: dict[str, Any], data: st.DataObject) -> None:
    # A definition taken half way must not change when rows are written after it, and the
    # final one must be what a fresh SOP gives.
    half = data.draw(st.integers(0, len(spec["steps"])))
    partial = {**spec, "steps": spec["steps"][:half]}
    sop = build(partial)
    early = sop.definition()
    assert_same_steps(early.steps, expected_steps(spec, half))
    _write_rows(sop, {**spec, "steps": spec["steps"][half:]})
    assert_same_steps(sop.definition().steps, expected_steps(spec, len(spec["steps"])))
    assert_same_steps(early.steps, expected_steps(spec, half))
    assert_same_steps(build(spec).definition().steps, expected_steps(spec, len(spec["steps"])))


def _write_rows(sop: SOP, spec: dict[str, Any]) -> None:
    """The rows of ``spec`` written on an SOP that has its lanes already."""
    actors = {a.name: a for a in sop._actors}
    labels = ["Ya", "Tidak", "Lainnya"]
    for item in spec["steps"]:
        by = actors[f"Pelaksana {item['lane'] + 1}"]
        kwargs: dict[str, Any] = dict(inputs=["Berkas"], time="15 menit", output="Hasil")
        if item["kind"] == "decision":
            sop.decision(f"Apakah langkah {item['i'] + 1} sesuai?", by=by,
                         exits=[(labels[k], _target(t)) for k, t in enumerate(item["exits"])],
                         **kwargs)
        else:
            sop.step(f"Memproses langkah {item['i'] + 1}", by=by, then=_target(item["then"]),
                     **kwargs)


def test_rows_written_by_a_loop_share_one_location_and_keep_their_lines() -> None:
    sop = build({"lanes": 1, "steps": []})
    lane = sop._actors[0]
    for i in range(3):
        sop.step(f"Memproses {i}", by=lane, **_MUTU)
    sop.step("Memeriksa", by=lane, **_MUTU); sop.step("Mencatat", by=lane, **_MUTU)  # noqa: E702
    steps = sop.definition().steps
    lines = [s.location.line for s in steps if s.location is not None]
    assert lines[0] == lines[1] == lines[2] and lines[3] == lines[4] == lines[0] + 1
    assert steps[0].location is steps[2].location
    assert all(s.location is not None and s.location.file == __file__ for s in steps)


_MUTU: dict[str, Any] = dict(inputs=["Berkas"], time="15 menit", output="Hasil")


@attrs.frozen(kw_only=True, slots=True)
class _Sample:
    """Every kind of field a trusted constructor must treat as attrs does."""

    plain: str
    converted: tuple[str, ...] = attrs.field(converter=tuple)
    checked: int = attrs.field(default=1, validator=attrs.validators.instance_of(int))
    made: list[int] = attrs.Factory(list)
    from_self: int = attrs.Factory(lambda self: self.checked + 1, takes_self=True)
    later: str = attrs.field(default="x", converter=str.upper)


@settings(max_examples=80, deadline=None)
@given(st.text(), st.lists(st.text(), max_size=3), st.integers(), st.text())
def test_trusted_constructor_equals_the_class_for_checked_values(
        plain: str, items: list[str], number: int, later: str) -> None:
    build_all = trusted_constructor(_Sample, frozenset({"plain", "converted"}))
    # trusted fields are stored as given: the caller has converted them already
    got = build_all(plain=plain, converted=tuple(items), checked=number, later=later)
    want = _Sample(plain=plain, converted=items, checked=number, later=later)
    assert got == want
    assert got.later == later.upper()  # untrusted: its converter still runs
    assert got.from_self == number + 1 and got.made == [] and got.made is not want.made
    with pytest.raises(TypeError):
        build_all(plain=plain, converted=(), checked="1")  # untrusted: its validator runs
    with pytest.raises(TypeError):
        build_all(converted=())  # a field without a default is still required
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        got.plain = "y"  # type: ignore[misc]


@settings(max_examples=60, deadline=None)
@given(sop_specs(max_steps=10))
def test_trusted_step_and_exit_equal_the_plain_constructors(spec: dict[str, Any]) -> None:
    step_of = trusted_constructor(Step, frozenset(f.name for f in attrs.fields(Step)))
    exit_of = trusted_constructor(Exit, frozenset(f.name for f in attrs.fields(Exit)))
    for step in build(spec).definition().steps:
        values = {f.name: getattr(step, f.name) for f in attrs.fields(Step)}
        exits = tuple(exit_of(label=e.label, target=e.target, location=e.location)
                      for e in step.exits)
        got, want = step_of(**{**values, "exits": exits}), Step(**values)
        assert got == want and hash(got) == hash(want) and got.location == want.location
        assert attrs.asdict(got) == attrs.asdict(want)


_BAD = st.sampled_from(["", "\x00", "\x07", "\x1b[31m", "\ud800", "\ufffe", "\x85"])


@settings(max_examples=80, deadline=None)
@given(sop_specs(max_steps=8), st.data())
def test_one_search_finds_the_first_bad_text_the_field_by_field_search_finds(
        spec: dict[str, Any], data: st.DataObject) -> None:
    definition = build(spec).definition()
    steps = list(definition.steps)
    # spoil some texts of some steps (or none): the error must name the same first field
    for row in data.draw(st.lists(st.integers(0, len(steps) - 1), max_size=2)):
        field = data.draw(st.sampled_from(["text", "time", "output", "note", "question"]))
        bad = "Memeriksa " + data.draw(_BAD)
        steps[row] = attrs.evolve(steps[row], **{field: bad})
    spoiled = attrs.evolve(definition, steps=tuple(steps))
    for step in spoiled.steps:
        plain: list[str] = []
        _step_plain_texts(step, plain)
        assert plain == [text for _, text, _ in _step_texts(step)]
    expected = None
    for field, text, _where in definition_texts(spoiled):
        if text_problem(text) is not None:
            expected = field
            break
    if expected is None:
        check_definition(spoiled)
    else:
        with pytest.raises(TextError) as caught:
            check_definition(spoiled)
        assert caught.value.field == expected


def test_an_sop_under_construction_still_pickles_and_continues() -> None:
    import pickle

    sop = build({"lanes": 1, "steps": [{"kind": "process", "lane": 0, "then": ("next",),
                                        "i": 0}]})
    copy = pickle.loads(pickle.dumps(sop))
    for each in (sop, copy):
        each.step("Mencatat hasil", by=each._actors[0], **_MUTU)
    assert copy.definition() == sop.definition()
    assert [e.target for e in copy.definition().steps[0].exits] == ["s2"]


class _Word(str):
    """A str subclass: an SOP keeps it as given."""


def test_rows_share_equal_tuples_of_plain_strings_only() -> None:
    sop = build({"lanes": 2, "steps": []})
    one, two = sop._actors
    for by, inputs in ((one, ["Berkas"]), (one, ("Berkas",)), (two, ["Berkas"]),
                       (one, [_Word("Berkas")]), ([one, two], ["Berkas", "Surat"])):
        sop.step("Memeriksa", by=by, inputs=inputs, time="15 menit", output="Hasil")
    steps = sop.definition().steps
    assert [s.inputs for s in steps] == [("Berkas",)] * 4 + [("Berkas", "Surat")]
    assert steps[0].inputs is steps[1].inputs is steps[2].inputs
    assert steps[0].actors is steps[1].actors is steps[3].actors
    assert type(steps[3].inputs[0]) is _Word
    assert steps[4].actors == ("Pelaksana 1", "Pelaksana 2")
