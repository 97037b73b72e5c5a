"""Exchange SOPs with other tools: a versioned JSON format, BPMN 2.0 XML and DOT text.

Nothing here imports a third-party library: JSON and XML come from the standard library, so
a web form or a database can hand sopflow a definition without extra dependencies.
"""

from __future__ import annotations

from sopflow.interchange.bpmn import to_bpmn
from sopflow.interchange.dot import to_dot
from sopflow.interchange.json_format import (
    FORMAT,
    JSONFormatError,
    dumps,
    from_dict,
    load,
    loads,
    schema,
    to_dict,
)

__all__ = [
    "FORMAT",
    "JSONFormatError",
    "dumps",
    "from_dict",
    "load",
    "loads",
    "schema",
    "to_bpmn",
    "to_dict",
    "to_dot",
]
