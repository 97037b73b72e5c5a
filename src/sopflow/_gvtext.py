"""User text made safe for Graphviz: always drawn literally, never read as markup.

Graphviz reads meaning into label text in several ways, and an SOP's text is data that
somebody else may have written:

* a label that starts with ``<`` and ends with ``>`` is an HTML-like label (pygraphviz's
  ``agsafeset_label``): it can pull a local image file into the output (``<IMG SRC=...>``)
  and make links in an SVG (``HREF``);
* ``\\N``, ``\\G``, ``\\E``, ``\\H``, ``\\T`` and ``\\L`` are replaced by the node's, graph's or
  edge's names, ``\\n``/``\\l``/``\\r`` break lines, any other ``\\x`` drops the backslash;
* ``&amp;``, ``&lt;``, ``&#38;`` ... are decoded as HTML entities in plain labels too;
* a NUL ends the C string early, and other control characters make an SVG that is not XML;
* the DOT reader refuses a quoted string longer than 16,384 bytes.

Every label therefore goes through :func:`label` (painting) or :func:`dot_quote` (DOT text):
backslashes and ampersands escaped, every line ended by an explicit line break (so no label
ever ends with ``>``), control characters shown as U+FFFD. The escaping is undone by Graphviz
itself, so what is drawn is exactly the text as written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["DOT_CHUNK", "REPLACEMENT", "dot_quote", "label", "name", "visible"]

#: What a character that cannot be drawn (a control character, a lone surrogate) becomes.
REPLACEMENT = "\ufffd"
#: Longest piece of a DOT string, in characters: escaped and UTF-8 encoded it stays well
#: under the 16,384 bytes Graphviz's scanner accepts in one quoted string (longer text is
#: written as ``"..." + "..."``, which DOT joins).
DOT_CHUNK = 2000

# C0 and C1 controls except tab, newline and carriage return (treated as white space and line
# breaks), DEL, lone surrogates and the two non-characters XML forbids.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ENDS = {"left": "\\l", "center": "\\n", "right": "\\r"}

Align = Literal["left", "center", "right"]


def visible(text: str) -> str:
    """``text`` with each character that cannot be drawn replaced by U+FFFD."""
    return _INVISIBLE.sub(REPLACEMENT, text)


def name(text: str) -> str:
    """A Graphviz object name (graph, node) for ``text``, safe in SVG ``<title>`` elements.

    Graphviz writes names into the SVG escaping ``&`` only when it does not start something
    that looks like an entity, so ``&nbsp;`` would reach the SVG as an entity XML does not
    define; written as ``&amp;nbsp;`` it shows as typed. Control characters become U+FFFD.
    """
    safe = visible(text).replace("&", "&amp;")
    # cgraph takes a name starting with "%" for an anonymous object's internal id (and then
    # has no name for it): a zero-width space in front keeps it a plain name that looks the same
    return "\u200b" + safe if safe.startswith("%") else safe


def _escape(text: str) -> str:
    clean = visible(text).replace("\t", " ")
    return clean.replace("\\", "\\\\").replace("&", "&amp;").replace('"', '\\"')


def label(lines: str | Iterable[str], align: Align = "center") -> str:
    """A Graphviz label that draws ``lines`` literally, each ended by an ``align`` break.

    A string is split at its line breaks (``\\n``, ``\\r\\n``, ``\\r``). The result never
    starts an HTML-like label (it always ends with a line-break escape, never ``>``), never
    contains an escape sequence Graphviz would expand, and no entity Graphviz would decode.
    An empty text gives an empty label.
    """
    if isinstance(lines, str):
        lines = lines.replace("\r\n", "\n").replace("\r", "\n").split("\n") if lines else []
    end = _ENDS[align]
    parts = []
    for line in lines:
        for piece in line.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            parts.append(_escape(piece) + end)
    return "".join(parts)


def _dot_piece(text: str, literal: bool) -> str:
    clean = visible(text).replace("\\", "\\\\").replace('"', '\\"')
    if literal:
        clean = clean.replace("&", "&amp;")
    return '"' + clean.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n") + '"'


def dot_quote(text: str, *, literal: bool = True) -> str:
    """A DOT string for ``text``: quoted, escaped, and split into ``"..." + "..."`` pieces
    short enough for Graphviz's reader.

    With ``literal`` (labels, and names: see :func:`name`) ampersands are escaped too, so
    that Graphviz draws ``&amp;`` as written and never writes an undefined entity into an SVG;
    ``literal=False`` keeps them. Text starting with ``<`` is quoted like any other: in DOT
    only an unquoted ``<...>`` is an HTML-like label.
    """
    # cut at a "\r\n" would turn one line break into two: keep such pairs together
    text = text.replace("\r\n", "\n")
    if len(text) <= DOT_CHUNK:
        return _dot_piece(text, literal)
    return " + ".join(_dot_piece(text[i:i + DOT_CHUNK], literal)
                      for i in range(0, len(text), DOT_CHUNK))
