"""The HTML of the e-SOP site: index, one page per SOP, the catalogue map.

Every text that comes from an SOP file goes through :func:`e` (``html.escape`` with quotes),
in element content and in attribute values alike; addresses in the pages are only the site's
own relative paths, made from slugs (``[a-z0-9-]``), never anything written in an SOP.
"""

from __future__ import annotations

import html
import string
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from importlib import resources
from typing import Any

import attrs

from sopflow._xmltext import xml_safe
from sopflow.catalogue.links import Link, LinkTable, Unresolved
from sopflow.catalogue.review import Review, ReviewStatus

__all__ = ["SitePage", "e", "index_page", "map_page", "render_page", "search_text", "sop_page"]

STATUS_LABELS = {"valid": "Valid", "peringatan": "Ada peringatan", "kesalahan": "Ada kesalahan"}
SEVERITY_LABELS = {"error": "Kesalahan", "warning": "Peringatan"}


def e(text: object) -> str:
    """``text`` escaped for HTML content and attribute values (and XML-safe characters)."""
    return html.escape(xml_safe(str(text)), quote=True)


def search_text(*parts: str) -> str:
    """The folded text the index's search matches against (as ``fold`` in site.js)."""
    text = unicodedata.normalize("NFKD", " ".join(parts))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _date(value: str | None) -> str:
    from sopflow.render.identity import format_date

    return format_date(date.fromisoformat(value)) if value else "-"


@attrs.frozen(kw_only=True)
class SitePage:
    """What one SOP's page needs beyond its record: status, review, links, referrers."""

    record: dict[str, Any]
    report: dict[str, Any]
    review: Review
    links: LinkTable
    names: dict[str, str]  # slug -> SOP name, for link texts
    problem: str | None = None

    @property
    def slug(self) -> str:
        return str(self.record["slug"])

    @property
    def status(self) -> str:
        if self.report["errors"]:
            return "kesalahan"
        return "peringatan" if self.report["warnings"] else "valid"


def render_page(*, title: str, body: str, root: str, site_title: str, version: str,
                built: str) -> str:
    """A whole HTML document around ``body`` (already HTML); ``root`` is "" or "../"."""
    text = resources.files("sopflow.catalogue").joinpath("templates/page.html").read_text(
        encoding="utf-8")
    return string.Template(text).substitute(title=e(title), body=body, root=root,
                                            site_title=e(site_title), version=e(version),
                                            built=e(built))


def _badge(kind: str, text: str) -> str:
    return f'<span class="badge {e(kind.replace(" ", "-"))}">{e(text)}</span>'


def _review_badge(review: Review) -> str:
    text = review.status.label
    if review.due is not None:
        text += f" · {_date(review.due.isoformat())}"
    return _badge(review.status.value, text)


# -- index ---------------------------------------------------------------------------------


def _options(values: Iterable[tuple[str, str]], everything: str) -> str:
    items = [f'<option value="">{e(everything)}</option>']
    items += [f'<option value="{e(v)}">{e(label)}</option>' for v, label in values]
    return "".join(items)


def _unit(record: dict[str, Any]) -> str:
    units = record.get("unit") or []
    return str(units[-1]) if units else "-"


def _index_row(page: SitePage) -> str:
    r = page.record
    unit = _unit(r)
    search = search_text(r["name"], r.get("number") or "", " ".join(r.get("unit") or []),
                         r.get("source", ""))
    return (
        f'<tr data-search="{e(search)}" data-unit="{e(unit)}" data-status="{page.status}" '
        f'data-review="{e(page.review.status.value)}">'
        f'<td>{e(r.get("number") or "-")}</td>'
        f'<td><a href="sop/{page.slug}.html">{e(r["name"] or "(tanpa nama)")}</a></td>'
        f"<td>{e(unit)}</td><td>{e(_date(r.get('effective')))}</td>"
        f"<td>{_badge(page.status, STATUS_LABELS[page.status])}</td>"
        f"<td>{_review_badge(page.review)}</td></tr>"
    )


def index_page(pages: Sequence[SitePage], load_errors: Sequence[dict[str, Any]],
               cycle_note: str) -> str:
    """The body of index.html: summary, search and filters, the table of SOPs."""
    units = sorted({_unit(p.record) for p in pages})
    counts = {s: sum(p.status == s for p in pages) for s in STATUS_LABELS}
    due = {s: sum(p.review.status is s for p in pages) for s in ReviewStatus}
    lead = (f"{len(pages)} SOP · {counts['valid']} valid, {counts['peringatan']} dengan "
            f"peringatan, {counts['kesalahan']} dengan kesalahan · "
            f"{due[ReviewStatus.OVERDUE]} terlambat dievaluasi, "
            f"{due[ReviewStatus.DUE_SOON]} segera dievaluasi")
    filters = (
        '<form class="filters" role="search" id="saring">'
        '<label>Cari<input type="search" id="cari" placeholder="Nama, nomor atau unit SOP" '
        'autocomplete="off"></label>'
        f'<label>Unit<select id="saring-unit">{_options(((u, u) for u in units), "Semua unit")}'
        "</select></label>"
        f'<label>Status validasi<select id="saring-status">'
        f'{_options(STATUS_LABELS.items(), "Semua status")}</select></label>'
        f'<label>Evaluasi<select id="saring-evaluasi">'
        f'{_options(((s.value, s.label) for s in ReviewStatus), "Semua")}</select></label>'
        "</form>"
    )
    rows = "\n".join(_index_row(p) for p in pages)
    table = (
        f'<p class="count" id="jumlah" aria-live="polite">Menampilkan {len(pages)} dari '
        f"{len(pages)} SOP</p>"
        '<table id="daftar-sop"><thead><tr><th>Nomor</th><th>Nama SOP</th><th>Unit</th>'
        "<th>Tanggal Efektif</th><th>Validasi</th><th>Evaluasi</th></tr></thead>"
        f"<tbody>\n{rows}\n</tbody></table>"
        '<p id="tidak-ada" hidden>Tidak ada SOP yang cocok dengan pencarian.</p>'
    )
    body = [f"<h1>Daftar SOP</h1><p class=\"lead\">{e(lead)}</p>", filters, table,
            f'<p class="muted">{e(cycle_note)}</p>']
    if load_errors:
        items = "".join(f"<li><code>{e(err['file'])}</code>"
                        f"{':' + e(err['line']) if err.get('line') else ''}: "
                        f"{e(err['message'])}</li>" for err in load_errors)
        body.append(f'<h2>Berkas yang tidak dapat dimuat</h2><ul class="notice">{items}</ul>')
    return "\n".join(body)


# -- one SOP -------------------------------------------------------------------------------


def _list(items: Sequence[str]) -> str:
    if not items:
        return "-"
    if len(items) == 1:
        return e(items[0])
    return "<ol>" + "".join(f"<li>{e(item)}</li>" for item in items) + "</ol>"


def _related(page: SitePage) -> str:
    items = page.record.get("related") or []
    if not items:
        return "-"
    out = []
    for text in items:
        found = page.links.resolution(page.slug, text)
        if isinstance(found, Link):
            out.append(f'<li><a class="keterkaitan" href="{found.target}.html">{e(text)}</a>'
                       "</li>")
        elif isinstance(found, Unresolved):
            out.append(f'<li class="unresolved">{e(text)} <em>({_why(found)})</em></li>')
        else:
            out.append(f"<li>{e(text)}</li>")
    return "<ol>" + "".join(out) + "</ol>"


def _why(item: Unresolved) -> str:
    return "lebih dari satu SOP cocok" if item.candidates else "tidak ada di katalog"


def _signatory(value: dict[str, Any] | None) -> str:
    if not value:
        return "-"
    parts = [e(value.get("position") or "")]
    if value.get("name"):
        parts.append(e(value["name"]))
    if value.get("nip"):
        parts.append("NIP. " + e(value["nip"]))
    return "<br>".join(parts)


def _identity(page: SitePage) -> str:
    r = page.record
    rows = [
        ("Nomor SOP", e(r.get("number") or "-")),
        ("Nama SOP", e(r["name"] or "-")),
        ("Unit", "<br>".join(e(u) for u in r.get("unit") or []) or "-"),
        ("Tanggal Pembuatan", e(_date(r.get("created")))),
        ("Tanggal Revisi", e(_date(r.get("revised")))),
        ("Tanggal Efektif", e(_date(r.get("effective")))),
        ("Disahkan oleh", _signatory(r.get("approved_by"))),
        ("Dasar Hukum", _list(r.get("legal_basis") or [])),
        ("Kualifikasi Pelaksana", _list(r.get("qualifications") or [])),
        ("Keterkaitan", _related(page)),
        ("Peralatan/Perlengkapan", _list(r.get("equipment") or [])),
        ("Peringatan", e(r.get("warning") or "-")),
        ("Pencatatan dan Pendataan", _list(r.get("records") or [])),
    ]
    cells = "".join(f"<tr><th scope=\"row\">{e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<section id="identitas"><h2>Identitas SOP</h2><table class="identity">{cells}' \
           "</table></section>"


def _downloads(page: SitePage) -> str:
    files = page.record.get("downloads") or {}
    names = [("pdf", "Dokumen SOP (PDF)"), ("json", "Definisi (JSON sopflow/1)"),
             ("bpmn", "Proses (BPMN 2.0)")]
    items = []
    for key, label in names:
        path = files.get(key)
        if path:
            items.append(f'<li><a href="{e(path)}" download>{e(label)}</a></li>')
        elif key == "bpmn" and page.report["errors"]:
            items.append(f"<li><span>{e(label)}: tidak tersedia, SOP masih memiliki "
                         "kesalahan</span></li>")
    return f'<section id="unduh"><h2>Unduh</h2><ul class="downloads">{"".join(items)}</ul>' \
           "</section>"


def _flowchart(page: SitePage) -> str:
    images = page.record.get("pages") or []
    name = page.record["name"]
    if not images:
        why = page.record.get("flowchart_problem") or page.problem or "tidak ada halaman"
        body = f'<p class="notice">Bagan alir tidak dapat digambar: {e(why)}</p>'
    else:
        body = "".join(
            f'<figure class="page"><img class="bagan" src="{e(src)}" loading="lazy" '
            f'alt="{e(f"Bagan alir {name}, halaman {k}")}">'
            f"<figcaption>Halaman {k} dari {len(images)}</figcaption></figure>"
            for k, src in enumerate(images, start=1))
    return f'<section id="bagan"><h2>Bagan alir</h2>{body}</section>'


def _findings(page: SitePage) -> str:
    findings = page.report["findings"]
    if not findings:
        return '<section id="validasi"><h2>Hasil validasi</h2><p>Tidak ada temuan: SOP ' \
               "memenuhi semua aturan validasi.</p></section>"
    rows = "".join(
        f'<tr><td class="severity-{e(f["severity"])}">'
        f'{e(SEVERITY_LABELS.get(f["severity"], f["severity"]))}</td>'
        f"<td><code>{e(f['code'])}</code> {e(f['rule'])}</td><td>{e(f['message'])}</td>"
        f"<td>{e('baris ' + str(f['line']) if f.get('line') else '-')}</td></tr>"
        for f in findings)
    head = (f"{page.report['errors']} kesalahan, {page.report['warnings']} peringatan")
    return (f'<section id="validasi"><h2>Hasil validasi</h2><p>{e(head)}</p>'
            "<table><thead><tr><th>Tingkat</th><th>Aturan</th><th>Temuan</th><th>Letak</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></section>")


def _review(page: SitePage) -> str:
    review = page.review
    if review.due is None:
        text = ("SOP ini belum memiliki tanggal (pembuatan, efektif atau revisi), sehingga "
                "jadwal evaluasinya tidak dapat dihitung.")
    else:
        basis = _date(review.basis.isoformat() if review.basis else None)
        text = (f"Evaluasi setiap {review.cycle_months} bulan, dihitung dari tanggal "
                f"{review.basis_field} ({basis}). Evaluasi berikutnya: "
                f"{_date(review.due.isoformat())}.")
    return (f'<section id="evaluasi"><h2>Evaluasi</h2><p>{_review_badge(review)}</p>'
            f"<p>{e(text)}</p></section>")


def _referrers(page: SitePage) -> str:
    incoming = page.links.incoming(page.slug)
    sources = list(dict.fromkeys(link.source for link in incoming if link.source != page.slug))
    if not sources:
        return ""
    items = "".join(f'<li><a href="{s}.html">{e(page.names.get(s, s))}</a></li>'
                    for s in sources)
    return f'<section id="dirujuk"><h2>Dirujuk oleh</h2><ul>{items}</ul></section>'


def sop_page(page: SitePage) -> str:
    """The body of ``sop/<slug>.html``."""
    r = page.record
    head = (f'<nav class="crumbs"><a href="../index.html">Daftar SOP</a> &rsaquo; '
            f'{e(r.get("number") or "")}</nav><h1>{e(r["name"] or "(tanpa nama)")}</h1>'
            f"<p>{_badge(page.status, STATUS_LABELS[page.status])} "
            f"{_review_badge(page.review)}</p>")
    problem = f'<p class="notice">{e(page.problem)}</p>' if page.problem else ""
    source = f'<p class="muted">Berkas sumber: <code>{e(r.get("source", ""))}</code></p>'
    return "\n".join([head, problem, _identity(page), _downloads(page), _flowchart(page),
                      _findings(page), _review(page), _referrers(page), source])


# -- catalogue map -------------------------------------------------------------------------


def map_page(svg: str, pages: Sequence[SitePage], links: LinkTable) -> str:
    """The body of peta.html: the map (inline SVG made by Graphviz) and unresolved entries."""
    names = {p.slug: p.record["name"] for p in pages}
    lead = (f"{len(links.links)} keterkaitan antar-SOP dari {len(pages)} SOP. Klik sebuah SOP "
            "untuk membuka halamannya.")
    body = [f"<h1>Peta keterkaitan SOP</h1><p class=\"lead\">{e(lead)}</p>",
            f'<div class="map" id="peta">{svg}</div>']
    if links.unresolved:
        items = "".join(
            f'<li><a href="sop/{u.source}.html">{e(names.get(u.source, u.source))}</a>: '
            f"{e(u.text)} <em>({_why(u)})</em></li>" for u in links.unresolved)
        body.append(f'<h2>Keterkaitan yang tidak ditemukan</h2><ul class="unresolved" '
                    f'id="tidak-ditemukan">{items}</ul>')
    return "\n".join(body)
