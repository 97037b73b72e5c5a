"""The review of an imported draft: a text report and one picture per flowchart page.

A person checks a draft by looking at the original page with what was read drawn over it:
symbols outlined in blue, arrows read end to end in green, inferred ones in orange,
unresolved ones in red, row numbers in the margin. The report lists the same arrows with their
marks, weakest first, and every notice (empty pages, picture tables, missing fields).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sopflow.importers.base import Mark
from sopflow.importers.pdf import PdfImport
from sopflow.importers.pdf_source import PdfSource

__all__ = ["review_dict", "review_pictures", "review_report"]

_COLOURS = {Mark.READ: (0, 150, 0), Mark.INFERRED: (240, 140, 0), Mark.UNRESOLVED: (220, 0, 0)}
_SCALE = 1.5


def review_dict(result: PdfImport) -> dict[str, Any]:
    """The review as JSON-ready data (the ``.review.json`` sidecar)."""
    counts = {m.value: sum(1 for a in result.arrows if a.mark == m) for m in Mark}
    return {
        "format": "sopflow-import-review/1",
        "source": str(result.source),
        "pages": result.page_count,
        "flowchart_pages": [p.table.page for p in result.pages],
        "rows": len(result.definition.steps),
        "symbols": _symbols_by_row(result),
        "lanes": [a.name for a in result.definition.actors],
        "arrows": counts,
        "arrow_marks": [a.to_dict() for a in result.arrows],
        "notices": [n.to_dict() for n in result.notices],
    }


def _symbols_by_row(result: PdfImport) -> list[dict[str, Any]]:
    """Per printed row: its page and the kind of symbol drawn in each lane, left to right."""
    names = [a.name for a in result.definition.actors]
    rows: list[dict[str, Any]] = []
    for page in result.pages:
        for index in range(len(page.table.rows)):
            drawn = sorted((s for s in page.symbols if s.row == index and s.lane >= 0),
                           key=lambda s: s.x0)
            rows.append({
                "row": page.row_offset + index + 1,
                "page": page.table.page,
                "symbols": [{"lane": names[s.lane] if s.lane < len(names) else s.lane,
                             "kind": s.kind} for s in drawn],
            })
    return rows


def review_report(result: PdfImport) -> str:
    """A plain-text report: what was read, and what to check first."""
    d = result.definition
    lines = [f"Import of {result.source}", f"  Nama SOP: {d.identity.name or '(not found)'}",
             f"  Nomor: {d.identity.number or '(not found)'}",
             f"  {len(d.steps)} rows, {len(d.actors)} lanes: "
             + ", ".join(a.name for a in d.actors),
             f"  flowchart pages: {', '.join(str(p.table.page) for p in result.pages)}"]
    order = {Mark.UNRESOLVED: 0, Mark.INFERRED: 1, Mark.READ: 2}
    lines.append("Arrows (check unresolved and inferred ones first):")
    for a in sorted(result.arrows, key=lambda a: (order[a.mark], a.source or 0)):
        where = f"page {a.region.page}" if a.region else ""
        label = f" [{a.label}]" if a.label else ""
        note = f": {a.note}" if a.note else ""
        lines.append(f"  {a.mark.value:10} row {a.source} -> {a.target}{label} {where}{note}")
    if result.notices:
        lines.append("Notices:")
        lines += [f"  page {n.page}: {n.severity}: {n.message}" for n in result.notices]
    return "\n".join(lines) + "\n"


def review_pictures(result: PdfImport, folder: str | Path, stem: str) -> list[Path]:
    """One PNG per flowchart page, ``stem-page-N.png`` in ``folder``; returns the paths."""
    from PIL import ImageDraw

    folder = Path(folder)
    written: list[Path] = []
    with PdfSource(result.source) as source:
        for page in result.pages:
            number = page.table.page
            image = source.render_color(number, _SCALE)
            draw = ImageDraw.Draw(image)
            _legend(draw)
            for s in page.symbols:
                draw.rectangle(_box(s.x0, s.y0, s.x1, s.y1), outline=(0, 70, 220), width=2)
            for row_index, row in enumerate(page.table.rows):
                draw.text((page.table.box[0] * _SCALE - 16, row.y0 * _SCALE + 2),
                          str(page.row_offset + row_index + 1), fill=(0, 70, 220))
            for arrow in result.arrows:
                if arrow.region is None or arrow.region.page != number:
                    continue
                colour = _COLOURS[arrow.mark]
                pts = arrow.path
                for (ax, ay), (bx, by) in zip(pts[::2], pts[1::2], strict=False):
                    draw.line([(ax * _SCALE, ay * _SCALE), (bx * _SCALE, by * _SCALE)],
                              fill=colour, width=3)
                if not pts:
                    r = arrow.region
                    draw.rectangle(_box(r.x0, r.y0, r.x1, r.y1), outline=colour, width=2)
            target = folder / f"{stem}-page-{number}.png"
            tmp = target.with_name(target.name + ".tmp")
            image.save(tmp, format="PNG")
            tmp.replace(target)
            written.append(target)
    return written


def _legend(draw: Any) -> None:
    """What the colours mean, in the top-left corner."""
    x = 8
    for text, colour in (("symbols", (0, 70, 220)), ("read", _COLOURS[Mark.READ]),
                         ("inferred", _COLOURS[Mark.INFERRED]),
                         ("unresolved", _COLOURS[Mark.UNRESOLVED])):
        draw.rectangle((x, 8, x + 14, 18), fill=colour)
        draw.text((x + 18, 7), text, fill=colour)
        x += 30 + 7 * len(text)


def _box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    return (x0 * _SCALE, y0 * _SCALE, x1 * _SCALE, y1 * _SCALE)
