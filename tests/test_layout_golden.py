"""The geometry of every page of a fixed set of SOPs is exactly what it was when pinned.

A refactor of the layout engine must not move a single point: see ``tests/layout_golden.py``
for the cases and how to re-pin them when a change to the geometry is meant.
"""

from __future__ import annotations

import json

import pytest
from layout_golden import GOLDEN, cases, digest, geometry

_PINNED: dict[str, str] = json.loads(GOLDEN.read_text())
_CASES = list(cases())


def test_every_case_is_pinned() -> None:
    assert sorted(name for name, _, _ in _CASES) == sorted(_PINNED)


@pytest.mark.parametrize(("name", "make", "options"), _CASES, ids=[c[0] for c in _CASES])
def test_geometry_is_unchanged(name: str, make: object, options: dict[str, object]) -> None:
    assert digest(geometry(make, options)) == _PINNED[name]  # type: ignore[arg-type]
