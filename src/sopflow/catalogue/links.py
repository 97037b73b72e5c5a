"""Keterkaitan between SOPs: resolve each entry to an SOP of the catalogue, draw the map.

An entry names another SOP by its name or its Nomor, written by hand: "SOP Penyusunan
Laporan Tahunan", "sop penyusunan laporan tahunan.", "Nomor 800/01/UMUM". Matching ignores
case, spacing, quotes and a leading "SOP" (or "Standar Operasional Prosedur") and "Nomor";
the Nomor is tried first (it is meant to be unique), then the name. An entry that matches no
SOP, or more than one, is listed as unresolved. Entries that say there is nothing ("-",
"Tidak ada") are not links and not errors.

The catalogue map (which SOP refers to which) is laid out by Graphviz ``dot``; every text in
it is escaped (HTML-like labels with entities), so an SOP name is drawn exactly as written.
"""

from __future__ import annotations

import html
import re
import textwrap
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence

import attrs

from sopflow._xmltext import xml_safe

__all__ = [
    "CatalogueEntry",
    "Link",
    "LinkTable",
    "Unresolved",
    "catalogue_map_svg",
    "match_key",
    "number_key",
    "resolve_links",
]

_PREFIX = re.compile(r"^(?:sop|standar operasional prosedur)(?:\b|(?=\d))[\s.:\-\u2013]*")
_NOMOR = re.compile(r"^(?:nomor|no\.?)(?:\s+|(?=\d))[\s.:]*")
_QUOTES = re.compile("[\"'`\u2018\u2019\u201c\u201d]")
#: above this many SOPs on the map, a force-directed layout replaces dot's ranked one
DOT_LIMIT = 80
_TRIM = " .,;:-\u2013\u2014"
_NOTHING = frozenset({"", "-", "tidak ada", "belum ada", "n/a", "nihil", "tidak"})


def match_key(text: str) -> str:
    """The comparable form of an SOP name: case-folded, single-spaced, no "SOP" prefix."""
    key = unicodedata.normalize("NFKC", text).casefold()
    key = _QUOTES.sub("", key)
    key = " ".join(key.split()).strip(_TRIM)
    key = _PREFIX.sub("", key)
    return key.strip(_TRIM)


def number_key(text: str) -> str:
    """The comparable form of a Nomor: as :func:`match_key`, no "Nomor", no spaces."""
    key = _NOMOR.sub("", match_key(text))
    return "".join(key.split())


@attrs.frozen(kw_only=True)
class CatalogueEntry:
    """What link resolution needs of one SOP: a unique id, its name, Nomor and Keterkaitan."""

    id: str
    name: str
    number: str | None = None
    related: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Link:
    """Entry ``text`` of SOP ``source``'s Keterkaitan names SOP ``target``."""

    source: str
    target: str
    text: str


@attrs.frozen(kw_only=True)
class Unresolved:
    """An entry that names no SOP of the catalogue (``candidates`` empty) or several."""

    source: str
    text: str
    candidates: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class LinkTable:
    """Every resolved link and every unresolved entry, in catalogue and entry order."""

    links: tuple[Link, ...]
    unresolved: tuple[Unresolved, ...]

    def outgoing(self, source: str) -> list[Link]:
        return [link for link in self.links if link.source == source]

    def incoming(self, target: str) -> list[Link]:
        return [link for link in self.links if link.target == target]

    def resolution(self, source: str, text: str) -> Link | Unresolved | None:
        """What became of one entry (None for an entry that says "nothing")."""
        for link in self.links:
            if link.source == source and link.text == text:
                return link
        for item in self.unresolved:
            if item.source == source and item.text == text:
                return item
        return None


def _index(entries: Sequence[CatalogueEntry]) -> tuple[dict[str, list[str]],
                                                         dict[str, list[str]]]:
    numbers: dict[str, list[str]] = defaultdict(list)
    names: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        if entry.number and number_key(entry.number):
            numbers[number_key(entry.number)].append(entry.id)
        if match_key(entry.name):
            names[match_key(entry.name)].append(entry.id)
    return numbers, names


def resolve_links(entries: Sequence[CatalogueEntry]) -> LinkTable:
    """Resolve every Keterkaitan entry of every SOP against the whole catalogue."""
    numbers, names = _index(entries)
    links: list[Link] = []
    unresolved: list[Unresolved] = []
    for entry in entries:
        for text in entry.related:
            if match_key(text) in _NOTHING:
                continue
            found = numbers.get(number_key(text)) or names.get(match_key(text)) or []
            targets = list(dict.fromkeys(found))
            if len(targets) == 1:
                links.append(Link(source=entry.id, target=targets[0], text=text))
            else:
                unresolved.append(Unresolved(source=entry.id, text=text,
                                             candidates=tuple(targets)))
    return LinkTable(links=tuple(links), unresolved=tuple(unresolved))


def _html(text: str) -> str:
    """Text for a Graphviz HTML-like label: entities for markup, and a doubled backslash,
    which Graphviz would otherwise read as an escape (``\\N`` = the node's name; an
    entity does not help, it is expanded first)."""
    return html.escape(xml_safe(text), quote=True).replace("\\", "\\\\")


def _label(entry: CatalogueEntry) -> str:
    """A Graphviz HTML-like label: the escaped name, wrapped, and the Nomor in small type."""
    lines = textwrap.wrap(xml_safe(entry.name), 32) or ["(tanpa nama)"]
    parts = "<br/>".join(_html(line) for line in lines[:4])
    if len(lines) > 4:
        parts += "…"
    if entry.number:
        parts += f'<br/><font point-size="8">{_html(entry.number)}</font>'
    return f"<{parts}>"


def catalogue_map_svg(entries: Sequence[CatalogueEntry], table: LinkTable,
                      href: Callable[[str], str], *, all_sops: bool = False) -> str:
    """The catalogue map as SVG text: an SOP per box, an arrow per Keterkaitan link.

    Only SOPs that take part in a link are drawn unless ``all_sops``. Up to
    :data:`DOT_LIMIT` SOPs are ranked by ``dot``; larger maps use ``neato`` with straight
    arrows, since ``dot`` takes minutes on hundreds of linked SOPs. ``href(id)`` gives the
    (relative) address each box links to. Returns an ``<svg>`` element without XML prolog,
    ready to place in an HTML page.
    """
    import pygraphviz as pgv  # type: ignore[import-untyped]

    from sopflow.render import fonts

    fonts.configure_fontconfig()
    linked = {link.source for link in table.links} | {link.target for link in table.links}
    g = pgv.AGraph(directed=True, strict=False, name="peta")
    g.graph_attr.update(rankdir="TB", nodesep="0.25", ranksep="0.5", bgcolor="white",
                        fontname=fonts.REGULAR)
    g.node_attr.update(shape="box", style="rounded,filled", fillcolor="#eef3fb",
                       color="#36598c", fontname=fonts.REGULAR, fontsize="10",
                       margin="0.12,0.06", target="_top")
    g.edge_attr.update(color="#36598c", arrowsize="0.7")
    ids = {}
    for k, entry in enumerate(entries):
        if all_sops or entry.id in linked:
            ids[entry.id] = f"n{k}"
            g.add_node(f"n{k}", label=_label(entry), URL=href(entry.id),
                       tooltip="Buka halaman SOP", id=f"peta-n{k}")
    for link in table.links:
        if link.source != link.target and link.source in ids and link.target in ids:
            g.add_edge(ids[link.source], ids[link.target])
    if not ids:
        g.add_node("kosong", label="<Belum ada keterkaitan antar-SOP>", shape="plaintext")
    engine = "dot"
    if len(ids) > DOT_LIMIT:
        # dot's ranking and routing grow far faster than the graph (a 350-SOP catalogue with
        # two links each took minutes); a force layout with straight arrows takes seconds
        engine = "neato"
        g.graph_attr.update(overlap="scale", splines="false", sep="+6")
    with fonts.graphviz_stderr_filtered():
        g.layout(prog=engine)
        data: bytes = g.draw(format="svg")
    text = data.decode("utf-8")
    return text[text.index("<svg"):]
