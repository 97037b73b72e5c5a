"""``sopflow site DIR -o OUT``: a static e-SOP site for a whole catalogue of SOPs.

The site is plain files: ``index.html`` (the list, with search and filters in a little
JavaScript), ``sop/<slug>.html`` per SOP (identity, flowchart, downloads, validation, review,
Keterkaitan as links), ``peta.html`` (the catalogue map) and ``assets/``. Every address is
relative, nothing is fetched, so it works from ``file://``, from any web server and offline.

The work per SOP (compile, lay out, paint the flowchart pages as SVG, the document as PDF,
export JSON and BPMN) runs in parallel worker processes through :mod:`.batch`; the pages that
need the whole catalogue (links, map, index) are written afterwards in the main process. The
site is built in a hidden temp folder beside OUT and renamed into place at the end, so OUT is
never half-written; a previous site there is replaced, any other folder is refused.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from sopflow.catalogue.batch import BatchResult, Progress, SOPResult, Task, run_batch
from sopflow.catalogue.discover import MARKER, SOPFile, find_sop_files
from sopflow.catalogue.links import CatalogueEntry, LinkTable, catalogue_map_svg, resolve_links
from sopflow.catalogue.review import CatalogueConfig, config_for, review_of
from sopflow.loader import LoadedSOP, split_spec

__all__ = ["SiteError", "SiteResult", "build_site", "build_sop_assets", "slug_for"]


class SiteError(ValueError):
    """The site cannot be built as asked (no SOP files, OUT is not ours to replace, ...)."""


@attrs.frozen(kw_only=True)
class SiteResult:
    """What was built: the batch's results, the resolved links, and where the site is."""

    out: Path
    batch: BatchResult
    links: LinkTable
    pages: int
    notes: tuple[str, ...] = ()


# -- per SOP, in a worker process -----------------------------------------------------------


def slug_for(stem: str) -> str:
    """A file-name-safe, URL-safe slug (``[a-z0-9-]``) from an output stem."""
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "sop"


#: the shipped font's names as Graphviz writes them, and what a browser without that font
#: should use instead: Arial and Helvetica have Liberation Sans's metrics, so text still fits
_FONTS = {
    b'font-family="Liberation Sans Bold"':
        b'font-family="Liberation Sans,Arial,Helvetica,sans-serif" font-weight="bold"',
    b'font-family="Liberation Sans"':
        b'font-family="Liberation Sans,Arial,Helvetica,sans-serif"',
}


def _font_fallback(svg: bytes) -> bytes:
    """The SVG with generic fallbacks after the shipped font (an ``<img>`` loads no font)."""
    for name, fallback in _FONTS.items():
        svg = svg.replace(name, fallback)
    return svg


def _paint(page: Any, formats: tuple[str, ...]) -> list[bytes]:
    """One page painted in several formats from one Graphviz graph (laid out once)."""
    from sopflow.render import fonts
    from sopflow.render.paint import page_graph

    graph = page_graph(page)
    graph.graph_attr["dpi"] = "72"
    with fonts.graphviz_stderr_filtered():
        return [graph.draw(format=fmt) for fmt in formats]


def _flowchart_and_pdf(procedure: Any, folder: Path, slug: str,
                       pdf: bool) -> tuple[list[str], str | None]:
    """Paint the flowchart table pages as SVG and, when asked, the whole document as PDF.

    The document is laid out once; each table page is painted once for both formats.
    """
    from sopflow.catalogue._files import write_atomic
    from sopflow.render.identity import layout_identity
    from sopflow.render.layout import LayoutOptions, layout_flowchart
    from sopflow.render.paint import _merge_pdfs

    options = LayoutOptions()
    identity = layout_identity(procedure.definition, options) if pdf else []
    table = layout_flowchart(procedure.graph, attrs.evolve(
        options, first_page_number=options.first_page_number + len(identity)))
    formats = ("svg", "pdf") if pdf else ("svg",)
    documents = [_paint(page, ("pdf",))[0] for page in identity]
    images = []
    for k, page in enumerate(table, start=1):
        painted = _paint(page, formats)
        write_atomic(folder / f"bagan-{k}.svg", _font_fallback(painted[0]))
        images.append(f"{slug}/bagan-{k}.svg")
        documents.extend(painted[1:])
    if not pdf:
        return images, None
    write_atomic(folder / f"{slug}.pdf", _merge_pdfs(documents))
    return images, f"{slug}/{slug}.pdf"


def build_sop_assets(item: LoadedSOP, procedure: Any, stem: str,
                     options: dict[str, Any]) -> tuple[list[Path], dict[str, Any]]:
    """Write one SOP's files into the site (``sop/<slug>/``) and return its record."""
    from sopflow.catalogue._files import write_atomic
    from sopflow.interchange.json_format import dumps

    base = options["slugs"][split_spec(item.source)[0]]
    # "--" never occurs in a file slug, so "file--variable" cannot meet another file's slug
    several = item.variable is not None and stem.endswith(f".{item.variable}")
    slug = f"{base}--{slug_for(item.variable or '')}" if several else base
    folder = Path(options["dir"]) / "sop" / slug
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / f"{slug}.json", dumps(item.definition))
    downloads: dict[str, str | None] = {"json": f"{slug}/{slug}.json", "pdf": None,
                                        "bpmn": None}
    if procedure.report.ok:
        from sopflow.interchange.bpmn import to_bpmn

        write_atomic(folder / f"{slug}.bpmn", to_bpmn(procedure))
        downloads["bpmn"] = f"{slug}/{slug}.bpmn"
    record: dict[str, Any] = {"slug": slug, "downloads": downloads, "pages": [],
                              "flowchart_problem": None}
    try:
        record["pages"], downloads["pdf"] = _flowchart_and_pdf(procedure, folder, slug,
                                                               bool(options.get("pdf", True)))
    except (ValueError, TypeError, KeyError) as error:
        # an SOP with errors (an exit to an unknown step, ...) may not be drawable
        record["flowchart_problem"] = f"{type(error).__name__}: {error}"
    return [folder], record


# -- the whole site, in the main process ----------------------------------------------------


def _file_slugs(files: Sequence[SOPFile]) -> dict[str, str]:
    """A unique slug per file path (``-2``, ``-3`` ... when two names fold to the same)."""
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for file in files:
        path = split_spec(file.spec)[0]
        base = slug_for(file.relative.rsplit(".", 1)[0])
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        slugs[path] = slug
    return slugs


def _check_target(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists() and not force:
        raise SiteError(f"{out}: a folder that is not a sopflow site and not empty; choose "
                        "another OUT, or use --force to replace it")


def _entries(sops: Sequence[SOPResult]) -> list[CatalogueEntry]:
    return [CatalogueEntry(id=s.record["slug"], name=s.name, number=s.record.get("number"),
                           related=tuple(s.record.get("related") or ())) for s in sops]


def _copy_assets(site: Path) -> None:
    assets = site / "assets"
    assets.mkdir()
    static = resources.files("sopflow.catalogue").joinpath("static")
    for name in ("site.css", "site.js"):
        (assets / name).write_text(static.joinpath(name).read_text(encoding="utf-8"),
                                   encoding="utf-8")


def _write_pages(site: Path, batch: BatchResult, config: CatalogueConfig, today: date,
                 title: str) -> LinkTable:
    from sopflow import __version__
    from sopflow.catalogue import pages as html

    sops = [s for s in batch.sops if s.record.get("slug")]
    entries = _entries(sops)
    links = resolve_links(entries)
    names = {s.record["slug"]: s.name for s in sops}
    site_pages = []
    for sop in sops:
        setting, _ = config.setting_for(sop.name, sop.record.get("number"))
        dates = {k: date.fromisoformat(v) if v else None
                 for k in ("created", "revised", "effective")
                 for v in [sop.record.get(k)]}
        site_pages.append(html.SitePage(record=sop.record, report=sop.report,
                                        review=review_of(dates, setting, today), links=links,
                                        names=names, problem=sop.problem))
    common = {"site_title": title, "version": __version__,
              "built": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")}
    for page in site_pages:
        text = html.render_page(title=f"{page.record['name']} · {title}",
                                body=html.sop_page(page), root="../", **common)
        (site / "sop" / f"{page.slug}.html").write_text(text, encoding="utf-8")
    note = (f"Evaluasi SOP dijadwalkan setiap {config.default.cycle_months} bulan sejak "
            "tanggal terakhirnya (revisi, efektif, atau pembuatan), kecuali diatur lain dalam "
            f"sopflow-catalogue.toml; \"segera\" berarti dalam {config.default.soon_days} hari.")
    load_errors = [f.load_error for f in batch.files if f.load_error is not None]
    load_errors += [{"file": f.file.spec, "line": None, "message": f"internal error: {f.crash}"}
                    for f in batch.files if f.crash is not None]
    (site / "index.html").write_text(html.render_page(
        title=title, body=html.index_page(site_pages, load_errors, note), root="", **common),
        encoding="utf-8")
    svg = catalogue_map_svg(entries, links, lambda slug: f"sop/{slug}.html")
    (site / "peta.html").write_text(html.render_page(
        title=f"Peta keterkaitan · {title}", body=html.map_page(svg, site_pages, links),
        root="", **common), encoding="utf-8")
    return links


def _swap_in(tmp: Path, out: Path) -> None:
    """Replace ``out`` with the finished ``tmp`` by renames (the old site removed after)."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old."))
        os.replace(out, old / "site")
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_site(specs: Sequence[str], out: str | Path, *, pdf: bool = True,
               workers: int | None = None, progress: Progress | None = None,
               today: date | None = None, title: str = "Katalog SOP",
               force: bool = False) -> SiteResult:
    """Build the e-SOP site of the SOP files in ``specs`` (files and folders) into ``out``."""
    out = Path(out).resolve()
    missing = [spec for spec in specs if not os.path.exists(split_spec(spec)[0])]
    if missing:
        raise SiteError(f"{missing[0]}: no such file or folder")
    files = find_sop_files(specs)
    if not files:
        raise SiteError("no SOP files (.py or .json) found in " + ", ".join(specs))
    _check_target(out, force)
    config = config_for(specs)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.build."))
    try:
        (tmp / "sop").mkdir()
        task = Task(kind="site", options={"dir": str(tmp), "pdf": pdf,
                                          "slugs": _file_slugs(files)})
        batch = run_batch(files, task, workers=workers, progress=progress)
        links = _write_pages(tmp, batch, config, today or date.today(), title)
        _copy_assets(tmp)
        (tmp / MARKER).write_text("sopflow e-SOP site; `sopflow site` may replace this "
                                  "folder\n", encoding="utf-8")
        tmp.chmod(0o755)
        _swap_in(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise
    unmatched = config.unmatched([(s.name, s.record.get("number")) for s in batch.sops])
    notes = tuple(f"{config.source}: review setting {key!r} matches no SOP (by Nomor or name)"
                  for key in unmatched)
    return SiteResult(out=out, batch=batch, links=links, pages=len(batch.sops), notes=notes)
