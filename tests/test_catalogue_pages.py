"""The site's HTML shows any SOP text exactly as written and never as markup (fuzzed)."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sopflow._xmltext import xml_safe
from sopflow.catalogue.links import CatalogueEntry, resolve_links
from sopflow.catalogue.pages import SitePage, index_page, render_page, sop_page
from sopflow.catalogue.review import ReviewSetting, review_of

#: the tags the site itself writes; anything else would have come from an SOP file
SITE_TAGS = {"html", "head", "meta", "title", "link", "body", "header", "nav", "a", "main",
             "footer", "script", "h1", "h2", "p", "span", "section", "table", "thead",
             "tbody", "tr", "th", "td", "ol", "ul", "li", "em", "br", "code", "figure",
             "img", "figcaption", "form", "label", "input", "select", "option", "div"}

ADDRESS = re.compile(r"(\.\./)?[a-z0-9][a-z0-9/.-]*")

markup_text = st.text(st.sampled_from(list("<>&\"'/=;:\\ ab\u00e9\x0b")) | st.characters(
    codec="utf-8"), min_size=1, max_size=30).filter(lambda s: s.strip() == s and s.strip())


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.text.setdefault(self.stack[-1], []).append(data)


def _page(name: str, other: str) -> SitePage:
    record: dict[str, Any] = {
        "slug": "x", "name": name, "number": other, "unit": [other, name],
        "created": "2025-01-02", "revised": None, "effective": "2025-01-02",
        "approved_by": {"position": name, "name": other, "nip": other},
        "legal_basis": [name, other], "qualifications": [other], "related": [other, name],
        "equipment": [name], "warning": other, "records": [other], "source": name,
        "downloads": {"json": "x/x.json", "pdf": None, "bpmn": None}, "pages": ["x/b.svg"],
    }
    report = {"errors": 1, "warnings": 0, "findings": [
        {"severity": "error", "code": "E1", "rule": other, "message": name, "line": 3}]}
    links = resolve_links([CatalogueEntry(id="x", name=name, number=other,
                                          related=(other, name))])
    return SitePage(record=record, report=report, links=links, names={"x": name},
                    review=review_of({"effective": date(2025, 1, 2)}, ReviewSetting(),
                                     date(2026, 1, 1)), problem=other)


@given(markup_text, markup_text)
def test_sop_page_and_index_show_text_literally(name: str, other: str) -> None:
    page = _page(name, other)
    for body in (sop_page(page), index_page([page], [{"file": name, "line": 2,
                                                      "message": other}], other)):
        document = render_page(title=name, body=body, root="", site_title=other,
                               version="0", built=other)
        parser = Collect()
        parser.feed(document)
        assert {tag for tag, _ in parser.tags} <= SITE_TAGS
        for tag, attrs in parser.tags:
            assert not any(key.startswith("on") for key in attrs), (tag, attrs)
            for key in ("href", "src"):
                value = attrs.get(key)
                # only the site's own addresses, made of slugs: never text from the SOP
                assert value is None or value == "data:," or ADDRESS.fullmatch(value), value
        assert xml_safe(name) in "".join(parser.text.get("title", []))
    parser = Collect()
    parser.feed(sop_page(page))
    assert "".join(parser.text["h1"]) == xml_safe(name)
