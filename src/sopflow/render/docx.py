"""The official SOP AP document as an editable Word file (.docx), page for page like the PDF.

Agencies draft, correct and sign SOPs in Word, so every text stays a Word text: the identity
page is a Word table of its fields, and each flowchart page is a Word table whose No, Kegiatan
and Mutu Baku cells hold the step's words. Only the lanes' drawing (symbols and arrows) is a
picture, cut per table row out of the page sopflow draws for the PDF, and every row has the
exact height the PDF gives it, so the drawing stays aligned with its rows and the pages break
where the PDF's do.

The geometry comes from the public layout (:func:`sopflow.render.document_pages`): the table
rules of each page give the column and row edges; nothing here re-implements the layout.
python-docx (MIT) and Pillow are the ``office`` extra.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from sopflow._atomic import atomic_path
from sopflow.render.document import document_pages
from sopflow.render.geometry import Page
from sopflow.render.identity import IdentityLabels, format_date
from sopflow.render.layout import LayoutOptions

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table, _Cell

    from sopflow.model import SOPDefinition, Step

__all__ = ["INSTALL_HINT", "TableGeometry", "render_docx", "table_geometry"]

INSTALL_HINT = "pip install 'sopflow[office]'"
#: The font Word writes with: Arial, which the shipped Liberation Sans matches metric for
#: metric (LibreOffice maps one onto the other), so text wraps as in the PDF.
FONT = "Arial"
_TWIP = 20  # twips per point
_EMU = 12700  # EMU per point
_RULE = 6  # border width in eighths of a point (0.75 pt, the PDF's rules)


def _docx() -> Any:
    try:
        import docx
    except ImportError as error:
        raise ImportError(f"Word files need python-docx: {INSTALL_HINT}",
                          name="docx") from error
    return docx


# -- geometry read off a laid-out page ------------------------------------------------------


@attrs.frozen(kw_only=True)
class TableGeometry:
    """Where a flowchart page's table is: column edges, header bands and body row edges.

    ``columns`` are the x of every vertical rule (No, Kegiatan, the lanes, the Mutu Baku
    columns, Keterangan, right edge); ``header`` the y edges of the header's bands (empty on
    a page without header); ``body`` the y edges of the body rows; ``bottom`` the lowest
    point drawn in the lanes (below ``body[-1]`` when off-page connectors hang under it).
    """

    columns: tuple[float, ...]
    header: tuple[float, ...]
    group: float | None  # y of the rule under "Pelaksana" / "Mutu Baku"
    body: tuple[float, ...]
    bottom: float
    n_lanes: int

    @property
    def lanes(self) -> tuple[float, float]:
        return self.columns[2], self.columns[2 + self.n_lanes]


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 0.01


def table_geometry(page: Page, n_lanes: int) -> TableGeometry:
    """Read a flowchart page's table from its rules (ValueError if it has no such table)."""
    rules = [ln for ln in page.lines if ln.role == "rule" and len(ln.points) == 2]
    xs = sorted({round(a[0], 3) for a, b in (ln.points for ln in rules) if _close(a[0], b[0])})
    if len(xs) != n_lanes + 7:
        raise ValueError(f"page {page.number}: expected {n_lanes + 7} column rules, found "
                         f"{len(xs)}")
    left, right = xs[0], xs[-1]
    full = sorted({round(a[1], 3) for a, b in (ln.points for ln in rules)
                   if _close(a[1], b[1]) and _close(min(a[0], b[0]), left)
                   and _close(max(a[0], b[0]), right)})
    partial = [a[1] for a, b in (ln.points for ln in rules)
               if _close(a[1], b[1]) and not _close(max(a[0], b[0]) - min(a[0], b[0]),
                                                    right - left)]
    head_bottom = max((t.rect.bottom for t in page.texts if t.role == "header"), default=None)
    if head_bottom is None:
        header: tuple[float, ...] = ()
        body = tuple(full)
    else:
        body = tuple(y for y in full if y >= head_bottom - 0.01)
        group_rule = [round(y, 3) for y in partial if y < body[0]]
        header = (*sorted({*(y for y in full if y < body[0]), *group_rule}), body[0])
    drawn = [s.rect.bottom for s in page.all_shapes()]
    drawn += [p[1] for a in page.arrows for p in a.points]
    drawn += [t.rect.bottom for t in page.texts if t.role == "label"]
    return TableGeometry(columns=tuple(xs), header=header,
                         group=min(partial) if header and partial else None, body=body,
                         bottom=max([body[-1], *drawn]), n_lanes=n_lanes)


# -- small OOXML helpers ----------------------------------------------------------------------


def _el(tag: str, **attrs_: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for key, value in attrs_.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _set(parent: Any, child: Any) -> None:
    """Replace ``parent``'s child of the same tag with ``child``."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    parent.append(child)


def _table_props(table: Table, widths_twips: Sequence[int], pad: tuple[int, int] = (0, 80),
                 ) -> None:
    tbl_pr = table._tbl.tblPr
    _set(tbl_pr, _el("w:tblW", w=str(sum(widths_twips)), type="dxa"))
    # compatibility mode 14 (python-docx's template) puts the table's edge one cell margin
    # left of tblInd: indent by that margin so the border sits on the page margin, as in the PDF
    _set(tbl_pr, _el("w:tblInd", w=str(pad[1]), type="dxa"))
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="single", sz=str(_RULE), space="0",
                           color="000000"))
    _set(tbl_pr, borders)
    _set(tbl_pr, _el("w:tblLayout", type="fixed"))
    margins = _el("w:tblCellMar")
    for side, value in (("top", pad[0]), ("left", pad[1]), ("bottom", pad[0]),
                        ("right", pad[1])):
        margins.append(_el(f"w:{side}", w=str(value), type="dxa"))
    _set(tbl_pr, margins)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(grid[0].tag), widths_twips, strict=True):
        col.set(col.tag.replace("gridCol", "w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_twips, strict=True):
            _set(cell._tc.get_or_add_tcPr(), _el("w:tcW", w=str(width), type="dxa"))


def _cell_props(cell: _Cell, *, fill: str | None = None, no_margin: bool = False,
                valign: str = "center", no_borders: Sequence[str] = ()) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    if no_borders:
        borders = _el("w:tcBorders")
        for side in no_borders:
            borders.append(_el(f"w:{side}", val="nil"))
        _set(tc_pr, borders)
    if fill:
        _set(tc_pr, _el("w:shd", val="clear", color="auto", fill=fill))
    if no_margin:
        margins = _el("w:tcMar")
        for side in ("top", "left", "bottom", "right"):
            margins.append(_el(f"w:{side}", w="0", type="dxa"))
        _set(tc_pr, margins)
    _set(tc_pr, _el("w:vAlign", val=valign))


def _at(table: Table, row: int, col: int) -> _Cell:
    """The cell at a grid position; python-docx's ``table.cell`` rebuilds the whole grid on
    every call, a row's cells only that row."""
    return table.rows[row].cells[col]


def _row_height(table: Table, index: int, twips: int, exact: bool = True) -> None:
    tr_pr = table.rows[index]._tr.get_or_add_trPr()
    _set(tr_pr, _el("w:trHeight", val=str(twips), hRule="exact" if exact else "atLeast"))
    _set(tr_pr, _el("w:cantSplit"))


def _edges(values: Sequence[float]) -> list[int]:
    """Sizes in twips between consecutive edges, rounded so that the sizes add up exactly."""
    marks = [round(v * _TWIP) for v in values]
    return [b - a for a, b in itertools.pairwise(marks)]


def _write(cell: _Cell, text: str | Sequence[str], size: float, *, bold: bool = False,
           align: str = "left", numbered: bool = False) -> None:
    """Put text in a cell as Word paragraphs (one per item); text is data, written as is."""
    items = [text] if isinstance(text, str) else list(text) or [""]
    if numbered:
        _numbered(cell, cell.paragraphs[0], items, size)
        return
    for k, item in enumerate(items):
        para = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
        _write_para(cell, para, item, size, bold=bold, align=align)


def _tiny_paragraph(doc: DocxDocument) -> Any:
    """A 1-pt paragraph: Word needs one between two tables and at the end of a document."""
    return _make_tiny(doc.add_paragraph())


def _make_tiny(para: Any) -> Any:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    fmt = para.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1)
    para.add_run("").font.size = Pt(1)
    return para


# -- the identity page ----------------------------------------------------------------------


def _identity_table(doc: DocxDocument, definition: SOPDefinition, opts: LayoutOptions,
                    width: float) -> None:
    from docx.shared import Pt

    ident = definition.identity
    labels: IdentityLabels = opts.identity_labels
    size = opts.font_size + 1
    widths = _edges([0.0, width * 0.5, width * 0.5 + width * 0.5 * 0.32, width])
    signer = ident.approved_by
    top_rows: list[tuple[str, list[tuple[str, bool, float]]]] = [
        (labels.number, [(ident.number or "-", False, 0.0)]),
        (labels.created, [(format_date(ident.created), False, 0.0)]),
        (labels.revised, [(format_date(ident.revised), False, 0.0)]),
        (labels.effective, [(format_date(ident.effective), False, 0.0)]),
        (labels.approved_by, [(signer.position if signer else "-", False, 0.0)] + (
            [(signer.name or " ", True, 42.0),
             (f"NIP. {signer.nip}" if signer.nip else "NIP. ", False, 0.0)]
            if signer is not None else [])),
        (labels.name, [(ident.name or "-", True, 0.0)]),
    ]
    grid = [
        ((labels.legal_basis, ident.legal_basis), (labels.qualifications, ident.qualifications)),
        ((labels.related, ident.related), (labels.equipment, ident.equipment)),
        ((labels.warning, (ident.warning,) if ident.warning else ()),
         (labels.records, ident.records)),
    ]
    table = doc.add_table(rows=len(top_rows) + len(grid), cols=3)
    _table_props(table, widths, pad=(100, 100))
    for k, (label, values) in enumerate(top_rows):
        _write(_at(table, k, 1), label, size, bold=True)
        cell = _at(table, k, 2)
        for j, (text, bold, gap) in enumerate(values):
            if j:
                cell.add_paragraph()
            _write_para(cell, cell.paragraphs[-1], text, size, bold=bold, gap=gap)
        for col in (1, 2):
            _cell_props(_at(table, k, col), valign="top")
    unit = _at(table, 0, 0).merge(_at(table, len(top_rows) - 1, 0))
    _cell_props(unit)
    if opts.logo:
        para = unit.paragraphs[0]
        para.alignment = 1
        para.add_run().add_picture(str(opts.logo), height=Pt(60))
        unit.add_paragraph()
    for j, name in enumerate(ident.unit):
        para = unit.paragraphs[-1] if j == 0 and not opts.logo else unit.add_paragraph()
        _write_para(unit, para, name, size + 1, bold=True, align="center")
    for k, ((l_head, l_items), (r_head, r_items)) in enumerate(grid, start=len(top_rows)):
        right = _at(table, k, 1).merge(_at(table, k, 2))
        for cell, head, items in ((_at(table, k, 0), l_head, l_items), (right, r_head, r_items)):
            _write_para(cell, cell.paragraphs[0], f"{head}:", size, bold=True)
            _numbered(cell, cell.add_paragraph(), list(items) or ["-"], size)
            _cell_props(cell, valign="top")
    if ident.revisions:
        _revision_table(doc, definition, opts, width)


def _revision_table(doc: DocxDocument, definition: SOPDefinition, opts: LayoutOptions,
                    width: float) -> None:
    """The revision history ("Riwayat Revisi") as its own Word table below the identity
    grid: a title row, the column names, one row per revision (Word breaks it across pages
    and repeats nothing: the PDF repeats the heading)."""
    labels: IdentityLabels = opts.identity_labels
    size = opts.font_size + 1
    revisions = definition.identity.revisions
    shares = (0.0, 0.05, 0.19, 0.31, 1.0)  # as the PDF's columns (render/identity.py)
    table = doc.add_table(rows=2 + len(revisions), cols=4)
    _table_props(table, _edges([width * f for f in shares]), pad=(100, 100))
    title = _at(table, 0, 0).merge(_at(table, 0, 3))
    _write_para(title, title.paragraphs[0], f"{labels.revisions}:", size, bold=True)
    names = (opts.labels.no, labels.revision_date, labels.revision_number,
             labels.revision_changes)
    for col, name in enumerate(names):
        _write(_at(table, 1, col), name, size, bold=True)
    for k, rev in enumerate(revisions, start=2):
        values = (f"{k - 1}.", format_date(rev.date), rev.number or "-", rev.changes or "-")
        for col, text in enumerate(values):
            _write(_at(table, k, col), text, size)
            _cell_props(_at(table, k, col), valign="top")


def _write_para(cell: _Cell, para: Any, text: str, size: float, *, bold: bool = False,
                gap: float = 0.0, align: str = "left") -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    fmt = para.paragraph_format
    fmt.space_before = Pt(gap)
    fmt.space_after = Pt(0)
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER if align == "center" else WD_ALIGN_PARAGRAPH.LEFT
    lines = text.split("\n")
    for j, line in enumerate(lines):
        run = para.add_run(line)
        run.font.name = FONT
        run.font.size = Pt(size)
        run.font.bold = bold
        if j < len(lines) - 1:
            run.add_break()
    _ = cell


def _numbered(cell: _Cell, first: Any, items: list[str], size: float) -> None:
    from docx.shared import Pt

    number_w = Pt(size * 0.56 * (len(str(len(items))) + 1) + 2)
    for k, item in enumerate(items or [""]):
        para = first if k == 0 else cell.add_paragraph()
        text = item
        if len(items) > 1:
            fmt = para.paragraph_format
            fmt.left_indent = number_w
            fmt.first_line_indent = -number_w
            fmt.tab_stops.add_tab_stop(number_w)
            text = f"{k + 1}.\t{item}"
        _write_para(cell, para, text, size)


# -- flowchart pages ------------------------------------------------------------------------


def _page_png(page: Page, dpi: float) -> Any:
    from PIL import Image

    from sopflow.render.paint import render_page

    # the drawing is black on white: grey levels keep its anti-aliasing in a third of the bytes
    return Image.open(io.BytesIO(render_page(page, "png", dpi))).convert("L")


def _slice(image: Any, box: tuple[float, float, float, float], dpi: float) -> io.BytesIO:
    """The part of the page picture inside ``box`` (points: left, top, right, bottom)."""
    scale = dpi / 72.0
    left, top, right, bottom = (round(v * scale) for v in box)
    out = io.BytesIO()
    image.crop((left, top, right, bottom)).save(out, format="PNG")
    out.seek(0)
    return out


def _picture(cell: _Cell, data: io.BytesIO, width_twips: int, height_twips: int) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Emu, Pt

    para = cell.paragraphs[0]
    fmt = para.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    run = para.add_run()
    run.font.size = Pt(1)
    shape = run.add_picture(data, width=Emu(width_twips * 635), height=Emu(height_twips * 635))
    for side in ("distT", "distB", "distL", "distR"):  # LibreOffice's default is 0.125 in
        shape._inline.set(side, "0")
    _cell_props(cell, no_margin=True, valign="top")


def _header_rows(table: Table, geo: TableGeometry, opts: LayoutOptions,
                 lanes: Sequence[str]) -> int:
    """Fill the header bands; returns how many table rows they take."""
    labels = opts.labels
    size = opts.header_font_size
    n = geo.n_lanes
    bands = len(geo.header) - 1
    if bands <= 0:  # a page without header (repeat_header=False)
        return 0
    last = 1 + n + 3 + 1  # index of Keterangan
    names_row = 1 if bands >= 2 else 0
    group_span = [(0, labels.no), (1, labels.kegiatan), (last, labels.keterangan)]
    for col, text in group_span:
        cell = _at(table, 0, col).merge(_at(table, names_row, col)) if names_row else \
            _at(table, 0, col)
        _write(cell, text, size, bold=True, align="center")
    pel = _at(table, 0, 2).merge(_at(table, 0, 1 + n))
    _write(pel, labels.pelaksana, size, bold=True, align="center")
    mutu = _at(table, 0, 2 + n).merge(_at(table, 0, 4 + n))
    _write(mutu, labels.mutu_baku, size, bold=True, align="center")
    if names_row:
        for k, name in enumerate([*lanes, labels.kelengkapan, labels.waktu, labels.output]):
            _write(_at(table, names_row, 2 + k), name, size, bold=True, align="center")
    for r in range(names_row + 1):
        for cell in table.rows[r].cells:
            _cell_props(cell, fill="E6E6E6")
    if bands >= 3:
        for col in range(len(geo.columns) - 1):
            _write(_at(table, 2, col), f"({col + 1})", size - 1, align="center")
    return bands


def _step_cells(table: Table, row: int, step: Step, opts: LayoutOptions, number: int,
                n_lanes: int) -> None:
    size = opts.font_size
    blank = opts.empty_cell
    inputs = [i for i in step.inputs if i] or ([blank] if blank else [])
    cells = table.rows[row].cells
    _write(cells[0], str(number), size, align="center")
    _write(cells[1], step.text, size)
    base = 2 + n_lanes
    _write(cells[base], inputs, size, numbered=True)
    _write(cells[base + 1], step.time or blank, size, align="center")
    _write(cells[base + 2], step.output or blank, size)
    _write(cells[base + 3], step.note or blank, size, align="left" if step.note else "center")


def _flowchart_table(doc: DocxDocument, page: Page, geo: TableGeometry, opts: LayoutOptions,
                     definition: SOPDefinition, dpi: float, first_on_new_page: bool) -> None:
    lanes = [a.name for a in definition.actors]
    n = geo.n_lanes
    header_bands = max(0, len(geo.header) - 1)
    bodies = len(geo.body) - 1
    band = geo.bottom > geo.body[-1] + 0.5
    table = doc.add_table(rows=header_bands + bodies + (1 if band else 0), cols=n + 6)
    widths = _edges([geo.columns[0], *geo.columns[1:]])
    _table_props(table, widths)
    for k, twips in enumerate(_edges(geo.header)):
        _row_height(table, k, twips)
    _header_rows(table, geo, opts, lanes)
    image = _page_png(page, dpi)
    lane_left, lane_right = geo.lanes
    lane_w = sum(widths[2:2 + n])
    edges = list(geo.body) + ([geo.bottom + 1.0] if band else [])
    heights = _edges(edges)
    steps_by_row = {k: s for k, s in enumerate(definition.steps, start=1)}
    numbers = _row_numbers(page, geo)
    for k, twips in enumerate(heights):
        row = header_bands + k
        _row_height(table, row, twips)
        lanes_cell = _at(table, row, 2).merge(_at(table, row, 1 + n))
        box = (lane_left, edges[k], lane_right, edges[k + 1])
        _picture(lanes_cell, _slice(image, box, dpi), lane_w, twips)
        number = numbers.get(k)
        if number is not None and number in steps_by_row:
            _step_cells(table, row, steps_by_row[number], opts, number, n)
        for col in (0, 1, 2 + n, 3 + n, 4 + n, 5 + n):
            if k < bodies:
                _cell_props(table.rows[row].cells[col])
            else:  # the band under the table holding off-page connectors: no rules
                _cell_props(table.rows[row].cells[col],
                            no_borders=("left", "right", "bottom", "insideV"))
    if band:
        _cell_props(_at(table, header_bands + bodies, 2), no_margin=True, valign="top",
                    no_borders=("left", "right", "bottom"))
    if first_on_new_page:
        _at(table, 0, 0).paragraphs[0].paragraph_format.page_break_before = True


def _row_numbers(page: Page, geo: TableGeometry) -> dict[int, int]:
    """Which step row each body band holds, read from the No column's text."""
    found: dict[int, int] = {}
    left, right = geo.columns[0], geo.columns[1]
    for text in page.texts:
        if text.role != "cell" or not text.lines or not text.lines[0].strip().isdigit():
            continue
        if not (left - 0.1 <= text.rect.x and text.rect.right <= right + 0.1):
            continue
        for k in range(len(geo.body) - 1):
            if geo.body[k] <= text.rect.cy <= geo.body[k + 1]:
                found[k] = int(text.lines[0])
    return found


# -- the document ---------------------------------------------------------------------------


def _section(section: Any, page: Page, *, top: float, bottom: float, left: float,
             right: float) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    section.orientation = WD_ORIENT.LANDSCAPE if page.width > page.height else \
        WD_ORIENT.PORTRAIT
    section.page_width = Pt(page.width)
    section.page_height = Pt(page.height)
    section.top_margin = Pt(top)
    section.bottom_margin = Pt(bottom)
    section.left_margin = Pt(left)
    section.right_margin = Pt(right)


def _page_number_header(section: Any, opts: LayoutOptions, first_number: int,
                        distance: float) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section.header.is_linked_to_previous = False
    section.header_distance = Pt(distance)
    para = section.header.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = para.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    # a PAGE field with a cached result (the first number), for viewers that do not update
    parts: list[Any] = ["- ", ("begin",), "PAGE", ("separate",), str(first_number), ("end",),
                        " -"]
    for part in parts:
        run = para.add_run()
        run.font.name = FONT
        run.font.size = Pt(opts.font_size)
        if isinstance(part, tuple):
            run._r.append(_el("w:fldChar", fldCharType=part[0]))
        elif part == "PAGE":
            instr = _el("w:instrText")
            instr.text = " PAGE "
            run._r.append(instr)
        else:
            run.text = part
    _set(section._sectPr, _el("w:pgNumType", start=str(first_number)))


def _footer(section: Any, opts: LayoutOptions) -> None:
    from docx.shared import Pt

    section.footer.is_linked_to_previous = False
    if opts.footer:
        section.footer_distance = Pt(opts.margin - 4 - 8)
        para = section.footer.paragraphs[0]
        run = para.add_run(opts.footer)
        run.font.name = FONT
        run.font.size = Pt(6.5)


def _normal_style(doc: DocxDocument, size: float) -> None:
    """Arial, no paragraph spacing: a paragraph mark in the template's Calibri 11 would make
    every line taller than the PDF's."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal: Any = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(size)
    fonts = normal.element.rPr.rFonts
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _options(options: LayoutOptions | None, paper: str, overrides: dict[str, Any]
             ) -> LayoutOptions:
    base = options or LayoutOptions()
    return attrs.evolve(base, paper=paper, **overrides)


def render_docx(
    procedure: Any,
    path: str | Path,
    *,
    paper: str = "A4",
    dpi: float = 200.0,
    options: LayoutOptions | None = None,
    **overrides: Any,
) -> list[Path]:
    """Write the official SOP AP document of a compiled ``procedure`` as a Word file.

    The same pages as :func:`sopflow.render.render_document` (``paper``, ``options`` and
    keyword overrides mean the same); ``dpi`` is the resolution of the lanes' pictures.
    Returns ``[path]``. Needs the ``office`` extra (python-docx, Pillow).
    """
    docx = _docx()
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise ValueError(f"{str(path)!r}: a Word file name must end in .docx")
    # Word keeps the table on pages of its own (a section break after the identity part)
    overrides = {**overrides, "table_below_identity": False}
    pages = document_pages(procedure, options, paper=paper, **overrides)
    opts = _options(options, paper, overrides)
    definition = procedure.definition
    n_lanes = len(procedure.graph.graph.get("lanes", ()))
    doc = docx.Document()
    _normal_style(doc, opts.font_size)
    identity = [p for p in pages if p.kind == "identity"]
    flow = [p for p in pages if p.kind == "flowchart"]
    first = identity[0] if identity else flow[0]
    width = first.width - 2 * opts.margin
    section = doc.sections[0]
    # the identity grid gets the PDF's room (its layout stops 12 pt higher with a footer),
    # less 2 pt for the 1-pt paragraph that carries the section break
    bottom = opts.margin + (12.0 if opts.footer else 0.0) - 2.0 if identity else opts.margin / 2
    _section(section, first, top=opts.margin, bottom=bottom, left=opts.margin,
             right=opts.margin)
    _footer(section, opts)
    if identity:
        # the PDF may set the identity smaller to keep it on one page: so does Word
        body = min((t.size for t in identity[0].texts), default=opts.font_size + 1)
        _identity_table(doc, definition, attrs.evolve(opts, font_size=body - 1), width)
    geos = [table_geometry(p, n_lanes) for p in flow]
    if flow:
        from docx.enum.section import WD_SECTION

        if identity:
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            _make_tiny(doc.paragraphs[-1])  # the paragraph that now ends the identity part
        top = min(g.header[0] if g.header else g.body[0] for g in geos)
        _section(section, flow[0], top=top, bottom=opts.margin / 2, left=geos[0].columns[0],
                 right=flow[0].width - geos[0].columns[-1])
        _footer(section, opts)
        if opts.page_numbers:
            _page_number_header(section, opts, flow[0].number, max(4.0, top - 14))
        for k, (page, geo) in enumerate(zip(flow, geos, strict=True)):
            if k:
                _tiny_paragraph(doc)
            _flowchart_table(doc, page, geo, opts, definition, dpi, first_on_new_page=k > 0)
    _tiny_paragraph(doc)
    with atomic_path(path) as temp:
        doc.save(str(temp))
    return [path]
