"""The core's fast paths give exactly what the plain code they replaced gave."""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import build, sop_specs

from sopflow.dsl import NEXT
from sopflow.model import END


def evolved_steps(sop: Any) -> list[Any]:
    """What definition() returned before: every NEXT exit resolved with attrs.evolve."""
    rows = sop._steps
    out = []
    for row, step in enumerate(rows):
        following = rows[row + 1].id if row + 1 < len(rows) else END
        if any(e.target == NEXT for e in step.exits):
            step = attrs.evolve(step, exits=tuple(
                attrs.evolve(e, target=following) if e.target == NEXT else e
                for e in step.exits))
        out.append(step)
    return out


@settings(max_examples=60, deadline=None)
@given(sop_specs(max_steps=15))
def test_definition_copies_steps_exactly_as_attrs_evolve_did(spec: dict[str, Any]) -> None:
    sop = build(spec)
    steps = sop.definition().steps
    expected = evolved_steps(sop)
    assert list(steps) == expected
    for got, want in zip(steps, expected, strict=True):
        assert attrs.asdict(got) == attrs.asdict(want)
        assert got.location == want.location
        assert [e.location for e in got.exits] == [e.location for e in want.exits]
        assert hash(got) == hash(want)


def old_out_of_line(ctx: Any) -> list[str]:
    """The out-of-line Waktu rule as it was written before (lists per step): the oracle."""
    from sopflow.validate import OUT_OF_LINE_FACTOR, _scale

    timed = []
    for row, step in ctx.unique:
        size = _scale(ctx.graph.nodes[step.id]["waktu"])
        if size is not None:
            timed.append((row, step, size))
    found = []
    factor = OUT_OF_LINE_FACTOR
    for i, (_, step, size) in enumerate(timed):
        if 0 < i < len(timed) - 1:
            neighbours = [timed[i - 1], timed[i + 1]]
        else:
            neighbours = timed[1:3] if i == 0 else timed[-3:-1]
        if len(neighbours) < 2:
            continue
        ratios = [size / other for _, _, other in neighbours]
        if all(r >= factor for r in ratios) or all(r <= 1 / factor for r in ratios):
            found.append(step.id)
    return found


_TIMES = ["15 menit", "1 jam", "2 hari kerja", "-", "1 - 3 hari", "5 menit", "2 minggu",
          "sesuai jadwal", "30 menit", "1 bulan"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(_TIMES), min_size=1, max_size=12))
def test_out_of_line_rule_finds_what_the_list_based_version_found(times: list[str]) -> None:
    from sopfactory import new_sop

    from sopflow.procedure import compile_definition
    from sopflow.validate import RULES, _Context, _out_of_line

    sop = new_sop()
    actor = sop.actor("Pelaksana")
    for i, time in enumerate(times):
        sop.step(f"Memproses berkas {i}", by=actor, inputs=["Berkas"], time=time,
                 output="Hasil", then=END if i == len(times) - 1 else NEXT)
    procedure = compile_definition(sop.definition(), strict=False)
    ctx = _Context(procedure.definition, procedure.graph)
    (rule,) = [r for r in RULES if r.code == "W106"]
    assert [f.element for f in _out_of_line(rule, ctx)] == old_out_of_line(ctx)
