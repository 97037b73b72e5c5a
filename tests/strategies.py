"""Hypothesis strategies that write random SOPs through the DSL, as a user would.

A spec is plain data (so hypothesis can shrink it and tests can replay it); :func:`build`
turns it into an :class:`~sopflow.SOP`. Steps branch forward and back, loop into the start,
end early, or stop with no way out.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from sopfactory import new_sop

from sopflow import END, NEXT, SOP, START

# A target in a spec: ("step", index) | ("next",) | ("end",) | ("start",) | ("none",)
Target = tuple[Any, ...]


@st.composite
def sop_specs(
    draw: st.DrawFn,
    max_steps: int = 12,
    max_lanes: int = 4,
    dead_ends: bool = True,
) -> dict[str, Any]:
    n = draw(st.integers(1, max_steps))
    lanes = draw(st.integers(1, max_lanes))

    def target(allow_none: bool) -> st.SearchStrategy[Target]:
        options: list[st.SearchStrategy[Target]] = [
            st.just(("next",)),
            st.tuples(st.just("step"), st.integers(0, n - 1)),
            st.just(("end",)),
            st.just(("start",)),
        ]
        if allow_none:
            options.append(st.just(("none",)))
        return st.one_of(*options)

    steps = []
    for i in range(n):
        decision = draw(st.booleans())
        lane = draw(st.integers(0, lanes - 1))
        if decision:
            exits = draw(st.lists(target(False), min_size=2, max_size=3))
            steps.append({"kind": "decision", "lane": lane, "exits": exits, "i": i})
        else:
            then = draw(target(dead_ends))
            steps.append({"kind": "process", "lane": lane, "then": then, "i": i})
    return {"lanes": lanes, "steps": steps}


def _target(t: Target) -> Any:
    kind = t[0]
    if kind == "next":
        return NEXT
    if kind == "end":
        return END
    if kind == "start":
        return START
    if kind == "none":
        return None
    return f"s{t[1] + 1}"


def build(spec: dict[str, Any], lane_names: list[str] | None = None) -> SOP:
    """The SOP of ``spec``; its lanes named ``lane_names`` when given (one per lane)."""
    sop = new_sop("SOP Acak")
    names = lane_names or [f"Pelaksana {k + 1}" for k in range(spec["lanes"])]
    actors = [sop.actor(names[k]) for k in range(spec["lanes"])]
    for step in spec["steps"]:
        kwargs = dict(inputs=["Berkas"], time="15 menit", output="Hasil")
        if step["kind"] == "decision":
            labels = ["Ya", "Tidak", "Lainnya"]
            sop.decision(
                f"Apakah langkah {step['i'] + 1} sesuai?",
                by=actors[step["lane"]],
                exits=[(labels[k], _target(t)) for k, t in enumerate(step["exits"])],
                **kwargs,
            )
        else:
            sop.step(
                f"Memproses langkah {step['i'] + 1}",
                by=actors[step["lane"]],
                then=_target(step["then"]),
                **kwargs,
            )
    return sop
