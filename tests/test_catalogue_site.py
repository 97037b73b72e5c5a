"""The e-SOP site in a real browser (Debian's Chromium through Playwright), from file:// and
from a web server: the list, search and filters, each SOP's page, links, the map."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from services import CHROMIUM_ARGS, chromium_path
from sopfactory import UNITS, catalogue_name, new_sop, step_kwargs, write_catalogue

from sopflow.catalogue.site import SiteResult, build_site
from sopflow.interchange.json_format import dumps

COUNT = 12
HOSTILE = '<script>window.__pwned = 1</script> SOP "Jahat" & \\N'
HOSTILE_STEP = "<img src=x onerror=\"window.__pwned = 2\"> Menerima berkas"


def _write_odd_sops(root: Path) -> None:
    """An SOP whose every text is markup, and one with a validation error."""
    sop = new_sop(HOSTILE, number="<b>999</b>/X", unit=("<i>INSTANSI</i>", "<u>UNIT</u>"),
                  related=["<a href='javascript:alert(1)'>x</a>", catalogue_name(0)],
                  warning="</td></tr></table><script>window.__pwned = 3</script>")
    staf = sop.actor("<script>window.__pwned = 4</script>")
    sop.step(HOSTILE_STEP, by=staf, **step_kwargs(output="<svg onload=alert(1)>"))
    sop.step("Mengarsipkan berkas", by=staf, **step_kwargs())
    (root / "jahat.json").write_text(dumps(sop.definition()), encoding="utf-8")
    broken = new_sop("SOP Dengan Kesalahan", number="777/SALAH")
    staf = broken.actor("Staf")
    broken.step("Menerima berkas", by=staf, then="tidak_ada", **step_kwargs())
    (root / "salah.json").write_text(dumps(broken.definition()), encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteResult:
    root = tmp_path_factory.mktemp("katalog")
    write_catalogue(root, COUNT)
    _write_odd_sops(root)
    return build_site([str(root)], tmp_path_factory.mktemp("out") / "situs", workers=2,
                      today=date(2026, 6, 1))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page that records console errors, page errors and failed requests; none allowed."""
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    # a load the page itself cancels by moving on (net::ERR_ABORTED) is no fault of the site
    page.on("requestfailed", lambda r: None if "ERR_ABORTED" in str(r.failure)
            else problems.append(f"failed: {r.url} ({r.failure})"))
    yield page
    context.close()
    assert problems == []


def url(site: SiteResult, path: str = "index.html") -> str:
    return (site.out / path).as_uri()


def visible_rows(page: Any) -> list[str]:
    return page.locator("#daftar-sop tbody tr:visible td:nth-child(2)").all_inner_texts()


def test_index_lists_every_sop(site: SiteResult, page: Any) -> None:
    page.goto(url(site))
    names = visible_rows(page)
    assert len(names) == COUNT + 2
    assert set(names) >= {catalogue_name(k) for k in range(COUNT)}
    assert HOSTILE.strip() in [n.strip() for n in names]  # drawn literally, not run
    assert page.locator("#jumlah").inner_text() == f"Menampilkan {COUNT + 2} dari {COUNT + 2} SOP"
    assert page.evaluate("window.__pwned") is None


def test_search_and_filters_narrow_the_list(site: SiteResult, page: Any) -> None:
    page.goto(url(site))
    page.fill("#cari", catalogue_name(7).upper())
    assert visible_rows(page) == [catalogue_name(7)]
    page.fill("#cari", "007/bps")  # the Nomor, in other case
    assert visible_rows(page) == [catalogue_name(7)]
    page.fill("#cari", "tidak ada yang seperti ini")
    assert visible_rows(page) == [] and page.locator("#tidak-ada").is_visible()
    page.fill("#cari", "")
    page.select_option("#saring-unit", UNITS[1])
    expected = {catalogue_name(k) for k in range(COUNT) if k % len(UNITS) == 1}
    assert set(visible_rows(page)) == expected
    page.select_option("#saring-unit", "")
    page.select_option("#saring-status", "kesalahan")
    assert visible_rows(page) == ["SOP Dengan Kesalahan"]
    page.select_option("#saring-status", "")
    page.select_option("#saring-evaluasi", "berlaku")
    shown = visible_rows(page)
    assert shown and all(page.locator(f"tr:has-text('{n}') .badge.berlaku").count() == 1
                         for n in shown[:3])


def test_each_sop_page_shows_its_flowchart_and_downloads(site: SiteResult, page: Any) -> None:
    pages = sorted((site.out / "sop").glob("*.html"))
    assert len(pages) == COUNT + 2
    for html_file in pages:
        page.goto(html_file.as_uri())
        images = page.locator("img.bagan")
        assert images.count() >= 1, html_file.name
        if html_file.stem == "salah":  # drawn, but no BPMN for an SOP with errors
            assert page.locator("a[href$='.bpmn']").count() == 0
            assert "tidak tersedia" in page.locator("#unduh").inner_text()
            assert page.locator("#validasi .severity-error").count() >= 1
            continue
        for k in range(images.count()):
            loaded = images.nth(k).evaluate("img => img.complete && img.naturalWidth > 0")
            assert loaded, f"{html_file.name}: flowchart page {k + 1} did not load"
        links = page.locator("#unduh a").evaluate_all("as => as.map(a => a.href)")
        assert {Path(h).suffix for h in links} == {".pdf", ".json", ".bpmn"}
        for href in links:
            assert Path(href.removeprefix("file://")).stat().st_size > 0


def test_keterkaitan_links_land_on_the_right_page(site: SiteResult, page: Any) -> None:
    for k in (0, 1, 5):
        page.goto(url(site, f"sop/{sorted_slug(site, k)}.html"))
        links = page.locator("a.keterkaitan")
        assert links.count() == 2  # by name and by Nomor; the third entry is unresolved
        assert page.locator("#identitas .unresolved").count() == 1
        links.first.click()
        assert page.locator("h1").inner_text() == catalogue_name((k + 1) % COUNT)
        page.go_back()
        links.nth(1).click()
        assert page.locator("h1").inner_text() == catalogue_name((k * 7 + 3) % COUNT)


def sorted_slug(site: SiteResult, k: int) -> str:
    unit = UNITS[k % len(UNITS)].lower().replace(" ", "-")
    return f"{unit}-sop-{k:03d}"


def test_hostile_text_is_shown_literally(site: SiteResult, page: Any) -> None:
    page.goto(url(site, "sop/jahat.html"))
    assert page.locator("h1").inner_text().strip() == HOSTILE.strip()
    identity = page.locator("#identitas").inner_text()
    assert "<b>999</b>/X" in identity and "<u>UNIT</u>" in identity
    assert "</td></tr></table><script>window.__pwned = 3</script>" in identity
    # the one entry that names a real SOP is a link; the markup one is text
    assert page.locator("a.keterkaitan").inner_text() == catalogue_name(0)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("script").evaluate_all("ss => ss.map(s => s.getAttribute('src'))") \
        == ["../assets/site.js"]
    svg = (site.out / "sop" / "jahat" / "bagan-1.svg").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror" in svg and "<img" not in svg and "<script" not in svg


def test_catalogue_map_links_to_sop_pages(site: SiteResult, page: Any) -> None:
    page.goto(url(site, "peta.html"))
    nodes = page.locator("#peta svg a")
    assert nodes.count() == COUNT + 1  # every generated SOP, and the hostile one's link
    assert page.locator("#tidak-ditemukan li").count() == len(site.links.unresolved)
    page.locator("#peta svg a").first.click()
    assert "/sop/" in page.url and page.locator("#identitas").count() == 1


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_works_from_a_web_server(site: SiteResult, page: Any) -> None:
    handler = functools.partial(_QuietHandler, directory=str(site.out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        page.goto(base + "index.html")
        page.fill("#cari", catalogue_name(3))
        assert visible_rows(page) == [catalogue_name(3)]
        page.locator("#daftar-sop tbody tr:visible a").click()
        assert page.locator("img.bagan").first.evaluate("img => img.naturalWidth > 0")
    finally:
        server.shutdown()
        server.server_close()


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_pages_hold_no_markup_from_sop_files(site: SiteResult) -> None:
    """Every page parsed: only the site's own tags, scripts and addresses appear."""
    for path in site.out.rglob("*.html"):
        parser = _Markup()
        parser.feed(path.read_text(encoding="utf-8"))
        tags = {tag for tag, _ in parser.tags}
        assert not tags & {"b", "i", "u", "iframe", "object", "embed"}, path.name
        assert [a.get("src") for t, a in parser.tags if t == "script"] in (
            [f"{'../' if path.parent.name == 'sop' else ''}assets/site.js"],)
        for tag, attrs in parser.tags:
            for name, value in attrs.items():
                assert not name.startswith("on"), f"{path.name}: <{tag} {name}>"
                if name in ("href", "src") and value:
                    assert not value.startswith(("javascript:", "http:", "https:", "//"))
