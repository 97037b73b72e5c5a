"""sopflow: government Standard Operating Procedures (SOP AP) as code.

Write an SOP with :class:`SOP` (it reads like the official Permenpan RB 35/2012 table),
compile it to a validated :class:`Procedure` (a networkx graph every consumer reads), then
render, run or simulate it.

``import sopflow`` stays light: modules that need networkx or heavier libraries load on
first use of the names they provide.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sopflow.document import DocumentStyle
from sopflow.dsl import NEXT, SOP, StepRef
from sopflow.model import (
    END,
    START,
    Actor,
    Exit,
    Identity,
    Labels,
    Revision,
    Signatory,
    SOPDefinition,
    SourceLocation,
    Step,
    StepKind,
)
from sopflow.waktu import Basis, TimeUnit, Waktu, WaktuKind, parse_waktu

if TYPE_CHECKING:
    from sopflow.graph import compile_graph
    from sopflow.procedure import Procedure, compile_definition
    from sopflow.runtime import (
        ActorNotAllowedError,
        ConcurrentModificationError,
        Event,
        EventKind,
        ExecutionError,
        Executor,
        FakeClock,
        Instance,
        InstanceStateError,
        InstanceStatus,
        InvalidAnswerError,
        MemoryStore,
        MonitoringReport,
        SQLiteStore,
        StepNotActiveError,
        Store,
        monitor,
    )
    from sopflow.simulate import (
        Analysis,
        CasesResult,
        OverloadWarning,
        SimulationError,
        SimulationResult,
        analyse,
        offered_load,
        simulate_cases,
        simulate_lead_time,
    )
    from sopflow.validate import (
        RULES,
        Finding,
        Report,
        Rule,
        Severity,
        SOPValidationError,
        validate,
    )

__version__ = "0.1.0"

# Names whose modules import networkx (or heavier): loaded on first access.
_LAZY: dict[str, str] = {
    "compile_graph": "sopflow.graph",
    "Procedure": "sopflow.procedure",
    "compile_definition": "sopflow.procedure",
    "RULES": "sopflow.validate",
    "Finding": "sopflow.validate",
    "Report": "sopflow.validate",
    "Rule": "sopflow.validate",
    "Severity": "sopflow.validate",
    "SOPValidationError": "sopflow.validate",
    "validate": "sopflow.validate",
    "ActorNotAllowedError": "sopflow.runtime",
    "ConcurrentModificationError": "sopflow.runtime",
    "Event": "sopflow.runtime",
    "EventKind": "sopflow.runtime",
    "ExecutionError": "sopflow.runtime",
    "Executor": "sopflow.runtime",
    "FakeClock": "sopflow.runtime",
    "Instance": "sopflow.runtime",
    "InstanceStateError": "sopflow.runtime",
    "InvalidAnswerError": "sopflow.runtime",
    "MemoryStore": "sopflow.runtime",
    "MonitoringReport": "sopflow.runtime",
    "SQLiteStore": "sopflow.runtime",
    "InstanceStatus": "sopflow.runtime",
    "StepNotActiveError": "sopflow.runtime",
    "Store": "sopflow.runtime",
    "monitor": "sopflow.runtime",
    "Analysis": "sopflow.simulate",
    "CasesResult": "sopflow.simulate",
    "OverloadWarning": "sopflow.simulate",
    "SimulationError": "sopflow.simulate",
    "SimulationResult": "sopflow.simulate",
    "analyse": "sopflow.simulate",
    "offered_load": "sopflow.simulate",
    "simulate_cases": "sopflow.simulate",
    "simulate_lead_time": "sopflow.simulate",
}

__all__ = [
    "END",
    "NEXT",
    "RULES",
    "SOP",
    "START",
    "Actor",
    "ActorNotAllowedError",
    "Analysis",
    "Basis",
    "CasesResult",
    "ConcurrentModificationError",
    "DocumentStyle",
    "Event",
    "EventKind",
    "ExecutionError",
    "Executor",
    "Exit",
    "FakeClock",
    "Finding",
    "Identity",
    "Instance",
    "InstanceStateError",
    "InstanceStatus",
    "InvalidAnswerError",
    "Labels",
    "MemoryStore",
    "MonitoringReport",
    "OverloadWarning",
    "Procedure",
    "Report",
    "Revision",
    "Rule",
    "SOPDefinition",
    "SOPValidationError",
    "SQLiteStore",
    "Severity",
    "Signatory",
    "SimulationError",
    "SimulationResult",
    "SourceLocation",
    "Step",
    "StepKind",
    "StepNotActiveError",
    "StepRef",
    "Store",
    "TimeUnit",
    "Waktu",
    "WaktuKind",
    "__version__",
    "analyse",
    "compile_definition",
    "compile_graph",
    "monitor",
    "offered_load",
    "parse_waktu",
    "simulate_cases",
    "simulate_lead_time",
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sopflow' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
