"""The compiled graph as an absorbing Markov chain: states, branch probabilities, durations.

Every simulator in this package (exact, Monte Carlo, many cases) reads this one model, so they
agree on what a step is, where it may go next and how long it takes.

* States are the steps reachable from the start (row order); "start" itself takes no time and
  leads to the first step, so an exit back to the start goes to the first step.
* Absorbing states are the end capsules (``"end:<step id>"``).
* A process step goes to its one successor. A decision's exits get the probabilities the user
  gives per exit label (``branches={"s7": {"Ya": 0.8, "Tidak": 0.2}}``); a decision without
  them takes each exit with equal probability, and the model records a warning saying so.
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections import deque
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from sopflow.graph import START_NODE, NodeKind, is_end, is_step
from sopflow.simulate.durations import (
    DurationSpec,
    RangeShape,
    Resolved,
    from_waktu,
    resolve_spec,
)
from sopflow.waktu import WORKING_DAY_HOURS, WORKING_WEEK_DAYS, Basis, WaktuKind, parse_waktu

_NO_DURATION = (WaktuKind.NO_STANDARD, WaktuKind.CADENCE)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from sopflow.procedure import Procedure

__all__ = ["Branches", "Chain", "SimulationError", "build_chain"]

Branches: TypeAlias = Mapping[
    str, Mapping[str, float] | Mapping[str | None, float] | Mapping[None, float]
]
"""Branch probabilities: ``{decision step id: {exit label: probability}}`` (label None for an
unlabelled exit)."""


class SimulationError(ValueError):
    """The procedure cannot be simulated as given (names the step and the reason)."""


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _step_name(nodes: Mapping[str, Any], node: str) -> str:
    data = nodes[node]
    text = data.get("text", "")
    short = text if len(text) <= 50 else text[:47] + "..."
    return f"step {data.get('row', '?')} {node!r} ({short!r})"


@attrs.frozen(kw_only=True, eq=False)
class Chain:
    """The procedure as a Markov chain with a duration per state (all times working minutes)."""

    name: str
    states: tuple[str, ...]  # step ids, transient
    ends: tuple[str, ...]  # end node ids, absorbing
    initial: int  # index of the first step
    # transitions: for each state, its targets (index < n: a state; n + k: end k) and probs
    targets: tuple[tuple[int, ...], ...]
    probs: tuple[tuple[float, ...], ...]
    dists: tuple[Resolved, ...]
    lanes: tuple[tuple[str, ...], ...]  # actors doing each state
    actors: tuple[str, ...]  # every actor, in lane order
    calendar_steps: tuple[str, ...]  # states whose Waktu counts calendar time
    warnings: tuple[str, ...]
    working_day_hours: float

    @property
    def n(self) -> int:
        return len(self.states)

    def index(self, step: str) -> int:
        return self.states.index(step)

    def means(self) -> npt.NDArray[np.float64]:
        import numpy as np

        return np.asarray([d.mean for d in self.dists], dtype=np.float64)

    def variances(self) -> npt.NDArray[np.float64]:
        import numpy as np

        return np.asarray([d.variance for d in self.dists], dtype=np.float64)

    def edges(self) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp],
                             npt.NDArray[np.float64]]:
        """Every transition as three flat arrays: source state, target (index < n: a state;
        n + k: end k) and probability; the form the sparse solver and the samplers read."""
        import numpy as np

        n = self.n
        counts = np.fromiter(map(len, self.targets), dtype=np.intp, count=n)
        total = int(counts.sum())
        source = np.repeat(np.arange(n, dtype=np.intp), counts)
        target = np.fromiter(itertools.chain.from_iterable(self.targets), dtype=np.intp,
                             count=total)
        prob = np.fromiter(itertools.chain.from_iterable(self.probs), dtype=np.float64,
                           count=total)
        return source, target, prob

    def on_cycle(self) -> tuple[bool, ...]:
        """Whether each state lies on a cycle (can be visited more than once)."""
        import networkx as nx

        g: nx.DiGraph[int] = nx.DiGraph()
        g.add_nodes_from(range(self.n))
        for i, ts in enumerate(self.targets):
            g.add_edges_from((i, t) for t in ts if t < self.n)
        cyclic = [False] * self.n
        for comp in nx.strongly_connected_components(g):
            if len(comp) > 1:
                for i in comp:
                    cyclic[i] = True
            else:
                (i,) = comp
                cyclic[i] = g.has_edge(i, i)
        return tuple(cyclic)


def build_chain(
    procedure: Procedure,
    *,
    branches: Branches | None = None,
    durations: Mapping[str, DurationSpec] | None = None,
    range_shape: RangeShape = "uniform",
    working_day_hours: float = WORKING_DAY_HOURS,
    working_days_per_week: float = WORKING_WEEK_DAYS,
) -> Chain:
    """Read ``procedure`` into a :class:`Chain`; raises :class:`SimulationError` naming the
    step for anything that makes the timing undefined."""
    from sopflow.procedure import require_procedure

    require_procedure(procedure, "simulation")
    if range_shape not in ("uniform", "triangular", "pert"):
        raise ValueError(
            f"range_shape must be 'uniform', 'triangular' or 'pert', got {range_shape!r}"
        )
    if not (math.isfinite(working_day_hours) and working_day_hours > 0):
        raise ValueError(f"working_day_hours must be positive, got {working_day_hours!r}")
    if not (math.isfinite(working_days_per_week) and 0 < working_days_per_week <= 7):
        raise ValueError(f"working_days_per_week must be in (0, 7], got {working_days_per_week!r}")
    graph = procedure.graph
    branches = dict(branches or {})
    durations = dict(durations or {})
    for key, where in ((branches, "branches"), (durations, "durations")):
        for step_id in key:
            if step_id not in graph or not is_step(graph, step_id):
                step_ids = [s.id for s in procedure.steps if s.id in graph]
                raise SimulationError(
                    f"{where}: unknown step {step_id!r}{_did_you_mean(step_id, step_ids)}"
                )
    if START_NODE not in graph or not graph.succ[START_NODE]:
        raise SimulationError(f"SOP {procedure.name!r} has no start (no steps): nothing to time")
    (first,) = graph.succ[START_NODE]
    # plain dicts: networkx's views cost a few microseconds per lookup
    nodes: dict[str, Any] = dict(graph.nodes)
    adjacency: dict[str, Any] = dict(graph.adjacency())
    warnings: list[str] = []

    def edge_probs(node: str) -> dict[str, float]:
        """Successor node -> probability, following exits to "start" to the first step."""
        out: dict[str, float] = {}
        succ = adjacency[node]
        if not succ:
            raise SimulationError(f"{_step_name(nodes, node)} has no exit: the flow stops there")
        kind = nodes[node]["kind"]
        given: Mapping[Any, float] | None = branches.get(node)
        if kind != NodeKind.DECISION:
            if given is not None:
                raise SimulationError(
                    f"branches: {_step_name(nodes, node)} is not a decision, so it has no"
                    " branch probabilities"
                )
            ((target, _),) = succ.items()
            return {first if target == START_NODE else target: 1.0}
        labels = [(lab, t) for t, e in succ.items() for lab in e["labels"]]
        if given is None:
            p = 1.0 / len(labels)
            listed = ", ".join(f"{lab or '(unlabelled)'} {p:.3g}" for lab, _ in labels)
            warnings.append(
                f"no branch probabilities for decision {_step_name(nodes, node)}: each exit"
                f" taken with equal probability ({listed}); set them with branches="
                f"{{{node!r}: {{label: probability}}}}"
            )
            chosen = {lab: p for lab, _ in labels}
        else:
            names = [lab for lab, _ in labels]
            unknown = [lab for lab in given if lab not in names]
            missing = [lab for lab in names if lab not in given]
            if unknown or missing:
                parts = []
                if unknown:
                    shown = [str(u) for u in unknown]
                    hint = _did_you_mean(shown[0], [str(x) for x in names])
                    parts.append(f"unknown exit label(s) {shown}{hint}")
                if missing:
                    parts.append(f"no probability for exit(s) {missing}")
                raise SimulationError(
                    f"branches: decision {_step_name(nodes, node)}: " + "; ".join(parts)
                    + f" (its exits: {names})"
                )
            for lab, p in given.items():
                if not (isinstance(p, int | float) and math.isfinite(p) and 0 <= p <= 1):
                    raise SimulationError(
                        f"branches: decision {_step_name(nodes, node)}: exit {lab!r} has"
                        f" probability {p!r}; need a number in [0, 1]"
                    )
            total = math.fsum(given.values())
            if abs(total - 1.0) > 1e-9:
                raise SimulationError(
                    f"branches: decision {_step_name(nodes, node)}: probabilities sum to"
                    f" {total:.12g}, not 1"
                )
            chosen = {lab: float(p) for lab, p in given.items()}
        for lab, target in labels:
            t = first if target == START_NODE else target
            out[t] = out.get(t, 0.0) + chosen[lab]
        return {t: p for t, p in out.items() if p > 0}

    # States reachable from the first step through exits of positive probability.
    succ_probs: dict[str, dict[str, float]] = {}
    order: list[str] = []
    queue = deque([first])
    seen = {first}
    while queue:
        node = queue.popleft()
        order.append(node)
        succ_probs[node] = edge_probs(node)
        for t in succ_probs[node]:
            if t not in seen and not is_end(t):
                seen.add(t)
                queue.append(t)
    # Each reachable state must reach an end with positive probability.
    preds: dict[str, list[str]] = {}
    for node, succ in succ_probs.items():
        for t in succ:
            preds.setdefault(t, []).append(node)
    live: set[str] = set()
    stack = [t for t in preds if is_end(t)]
    while stack:
        t = stack.pop()
        for p in preds.get(t, ()):
            if p not in live:
                live.add(p)
                stack.append(p)
    trapped = [node for node in order if node not in live]
    if trapped:
        named = ", ".join(_step_name(nodes, n) for n in sorted(trapped, key=_row(nodes)))
        raise SimulationError(
            f"SOP {procedure.name!r}: the flow can enter a loop with no way out (with the given"
            f" branch probabilities it never reaches {procedure.definition.labels.end}): {named}"
        )
    states = sorted(order, key=_row(nodes))
    ends = sorted({t for s in succ_probs.values() for t in s if is_end(t)},
                  key=_row(nodes))
    index = {s: i for i, s in enumerate(states)}
    index.update({e: len(states) + k for k, e in enumerate(ends)})

    dists: list[Resolved] = []
    calendar_steps: list[str] = []
    bare_hari = procedure.definition.bare_hari_basis
    # steps share their Waktu objects (compile parses each text once): resolve each once
    resolved: dict[int, Resolved] = {}
    for node in states:
        spec = durations.get(node)
        if spec is None and id(nodes[node]["waktu"]) in resolved:
            dists.append(resolved[id(nodes[node]["waktu"])])
            if nodes[node]["waktu"].basis is Basis.CALENDAR:
                calendar_steps.append(node)
            continue
        where = _step_name(nodes, node)
        if spec is None or isinstance(spec, str):
            waktu = nodes[node]["waktu"] if spec is None else parse_waktu(
                spec, bare_hari=bare_hari)
            if spec is not None and not waktu.readable:
                raise SimulationError(f"durations: {where}: cannot read the Waktu {spec!r}")
            try:
                dist = from_waktu(waktu, where=where, range_shape=range_shape,
                                  working_day_hours=working_day_hours,
                                  working_days_per_week=working_days_per_week)
            except ValueError as error:
                raise SimulationError(str(error)) from None
            if waktu.basis is Basis.CALENDAR:
                calendar_steps.append(node)
            if spec is None:
                resolved[id(waktu)] = dist
        else:
            try:
                dist = resolve_spec(spec, where=f"durations: {where}",
                                    working_day_hours=working_day_hours)
            except ValueError as error:
                raise SimulationError(str(error)) from None
        dists.append(dist)
    no_duration = [node for node in states if node not in durations
                   and graph.nodes[node]["waktu"].kind in _NO_DURATION]
    if no_duration:
        warnings.append(
            "no duration in the SOP for "
            + ", ".join(f"{_step_name(graph.nodes, s)} ({graph.nodes[s]['waktu'].text!r})"
                        for s in no_duration)
            + ": counted as taking no time; give durations={...} for a better figure"
        )
    if calendar_steps:
        per_day = working_days_per_week * working_day_hours * 60 / 7
        warnings.append(
            "calendar-time Waktu converted to working time at the working week's average rate"
            f" (1 calendar day = {per_day:.1f} working minutes; holidays not removed): "
            + ", ".join(f"{s} ({nodes[s]['waktu'].text!r})" for s in calendar_steps)
        )
    actors = tuple(procedure.graph.graph.get("lanes", ()))
    lanes = tuple(tuple(nodes[s]["lanes"]) for s in states)
    extra = [a for ls in lanes for a in ls if a not in actors]
    actors = actors + tuple(dict.fromkeys(extra))
    return Chain(
        name=procedure.name,
        states=tuple(states),
        ends=tuple(ends),
        initial=index[first],
        targets=tuple(tuple(index[t] for t in succ_probs[s]) for s in states),
        probs=tuple(_exact_sum(tuple(succ_probs[s].values())) for s in states),
        dists=tuple(dists),
        lanes=lanes,
        actors=actors,
        calendar_steps=tuple(calendar_steps),
        warnings=tuple(warnings),
        working_day_hours=working_day_hours,
    )


def _row(nodes: Mapping[str, Any]) -> Any:
    def key(node: str) -> tuple[int, str]:
        return (int(nodes[node].get("row", 0)), node)

    return key


def _exact_sum(ps: tuple[float, ...]) -> tuple[float, ...]:
    """Renormalise so the probabilities sum to 1 as closely as floats allow."""
    if len(ps) == 1:
        return (1.0,)
    total = math.fsum(ps)
    return tuple(p / total for p in ps)
