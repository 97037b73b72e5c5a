"""The core's fast paths give exactly what the plain code they replaced gave."""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import given, settings
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
