"""A fixed set of SOPs and the exact geometry of their document pages, to pin the layout.

The layout engine is refactored now and then without meaning to change a single point on a
page. This module names a fixed set of cases (the reference SOP and the other examples, the
four corpus SOPs, the hand-built test graphs, and a few dozen random SOPs drawn with fixed
seeds, several under non-default options) and turns each one's ``document_pages`` (or the
layout error it raises) into canonical JSON. ``tests/test_layout_golden.py`` compares the
SHA-256 of each case with ``tests/data/layout_golden.json``.

Rewrite the pinned hashes (only when a change to the geometry is meant)::

    PYTHONPATH=src python tests/layout_golden.py --write
    PYTHONPATH=src python tests/layout_golden.py --dump DIR   # full JSON per case, to diff
"""

from __future__ import annotations

import hashlib
import json
import random
import runpy
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GOLDEN = HERE / "data" / "layout_golden.json"
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


def _spec(rng: random.Random, n_max: int, lanes_max: int) -> dict[str, Any]:
    """A spec in the shape of :func:`strategies.sop_specs`, drawn from ``rng``."""
    n = rng.randint(1, n_max)
    lanes = rng.randint(1, lanes_max)

    def target(allow_none: bool) -> tuple[Any, ...]:
        options: list[tuple[Any, ...]] = [("next",), ("step", rng.randint(0, n - 1)), ("end",),
                                          ("start",)]
        weights = [6, 3, 1, 1]
        if allow_none:
            options.append(("none",))
            weights.append(1)
        return rng.choices(options, weights)[0]

    steps = []
    for i in range(n):
        lane = rng.randint(0, lanes - 1)
        if rng.random() < 0.35:
            exits = [target(False) for _ in range(rng.randint(2, 3))]
            steps.append({"kind": "decision", "lane": lane, "exits": exits, "i": i})
        else:
            steps.append({"kind": "process", "lane": lane, "then": target(True), "i": i})
    return {"lanes": lanes, "steps": steps}


#: Options some random cases are laid out with (the rest use the defaults).
_VARIANTS: tuple[dict[str, Any], ...] = (
    {},
    {"start_own_row": True},
    {"paper": "F4", "landscape": False},
    {"repeat_header": False, "page_numbers": False, "column_numbers": False},
    {"lettered_connectors": False, "footer": "Dokumen ini ditandatangani secara elektronik",
     "empty_cell": "-"},
    {"paper": "Letter", "font_size": 9.0},
)


#: Seeds of crowded random SOPs (found by trying seeds from 1000 on) that take each retry.
_STRESS = (1029, 1049, 1084, 1101, 1305, 1317, 1324, 1336, 1307, 1334, 1310, 1312)


def cases() -> Iterator[tuple[str, Callable[[], Any], dict[str, Any]]]:
    """(name, a function returning a compiled procedure or a graph, layout options)."""
    from corpus_sops import all_corpus
    from strategies import build

    for name in ("pengumpulan_data_kinerja", "izin_cuti"):
        path = ROOT / "examples" / f"{name}.py"
        yield (f"example:{name}", lambda path=path: runpy.run_path(str(path))["sop"].compile(),
               {})
    yield ("example:pengumpulan_data_kinerja:start_own_row",
           lambda: runpy.run_path(str(ROOT / "examples" / "pengumpulan_data_kinerja.py"))[
               "sop"].compile(), {"start_own_row": True})
    for name, sop in all_corpus().items():
        yield (f"corpus:{name}", lambda sop=sop: sop.compile(strict=False), {})
        yield (f"corpus:{name}:f4", lambda sop=sop: sop.compile(strict=False),
               {"paper": "F4", "repeat_header": False})
        yield (f"corpus:{name}:letter-logo", lambda sop=sop: sop.compile(strict=False),
               {"paper": "Letter", "landscape": False, "logo": "logo.png", "footer": "TTE",
                "font_size": 10.0})
    import test_render_graphs as graphs

    for name in ("reference_graph", "decisions_graph"):
        yield (f"graph:{name}", getattr(graphs, name), {})
    for seed in range(36):
        rng = random.Random(seed)
        big = seed % 4 == 3
        spec = _spec(rng, 40 if big else 12, 6 if big else 4)
        variant = _VARIANTS[seed % len(_VARIANTS)]
        yield (f"random:{seed}", lambda spec=spec: build(spec).compile(strict=False), variant)
    # crowded SOPs that take the layout's retries: a wider room after compromised routes,
    # pages broken early where fewer arrows cross, both, and too many crossings to draw
    for seed in _STRESS:
        rng = random.Random(seed)
        spec = _spec(rng, 30, rng.choice([1, 2, 3, 6]))
        yield (f"stress:{seed}", lambda spec=spec: build(spec).compile(strict=False), {})


#: fields added after the digests were pinned: left out while empty (their default), so a new
#: opt-in feature leaves the pinned geometry of every existing case as it was
_NEW_EMPTY_FIELDS = frozenset({"marks"})


def _plain(value: Any) -> Any:
    if attrs.has(type(value)):
        return {"@": type(value).__name__,
                **{f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))
                   if not (f.name in _NEW_EMPTY_FIELDS and getattr(value, f.name) == ())}}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return repr(value)  # exact: the refactor must not move anything by one ulp
    return value


def geometry(make: Callable[[], Any], options: dict[str, Any]) -> Any:
    """Every page as plain data, or the message of the layout error it raises."""
    from sopflow.render import LayoutOptions, document_pages
    from sopflow.render.layout import layout_flowchart

    target = make()
    try:
        if hasattr(target, "definition"):
            pages = document_pages(target, **options)
        else:
            pages = layout_flowchart(target, LayoutOptions(**options))
    except ValueError as exc:
        return {"error": str(exc)}
    return [_plain(p) for p in pages]


def digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def compute() -> dict[str, str]:
    return {name: digest(geometry(make, opts)) for name, make, opts in cases()}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--write"]:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n")
        return 0
    if argv[:1] == ["--dump"]:
        out = Path(argv[1])
        out.mkdir(parents=True, exist_ok=True)
        for name, make, opts in cases():
            (out / (name.replace(":", "_") + ".json")).write_text(
                json.dumps(geometry(make, opts), indent=1, sort_keys=True, ensure_ascii=False))
        return 0
    pinned = json.loads(GOLDEN.read_text())
    now = compute()
    bad = sorted(k for k in pinned.keys() | now.keys() if pinned.get(k) != now.get(k))
    print("\n".join(bad) or f"all {len(now)} cases identical")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
