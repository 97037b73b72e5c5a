"""Fonts, text measurement and painting: real glyphs on a machine without fonts or `dot`."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopflow.render import fonts
from sopflow.render.geometry import Line, Page, Rect, Shape, TextBox, paper
from sopflow.render.paint import render_page, write_pages

SRC = Path(__file__).resolve().parents[1] / "src"


def _page(number: int = 1, text: str = "Mengumpulkan data laporan") -> Page:
    w, h = paper("A4").landscape()
    return Page(
        width=w, height=h, number=number,
        lines=(Line(points=((40, 40), (w - 40, 40))),),
        texts=(TextBox(rect=Rect(x=50, y=60, w=300, h=12), lines=(text,), size=10),
               TextBox(rect=Rect(x=20, y=h - 20, w=w - 40, h=12), lines=("kaki",), size=7),
               TextBox(rect=Rect(x=w - 60, y=h - 40, w=58, h=12), lines=("kanan",), size=7,
                       align="right")),
        shapes=(Shape(kind="process", rect=Rect(x=400, y=60, w=50, h=22)),
                Shape(kind="terminator", rect=Rect(x=400, y=100, w=44, h=15), text="Mulai")),
    )


def test_the_font_ships_with_its_licence() -> None:
    folder = fonts.font_dir()
    assert (folder / "LiberationSans-Regular.ttf").is_file()
    assert (folder / "LiberationSans-Bold.ttf").is_file()
    assert "SIL OPEN FONT LICENSE" in (folder / "LICENSE-OFL.txt").read_text()


def test_measured_widths_follow_the_font() -> None:
    m = fonts.metrics()
    assert m.width("", 10) == 0
    assert m.width("iiii", 10) < m.width("MMMM", 10)
    assert m.width("Mengumpulkan", 20) == pytest.approx(2 * m.width("Mengumpulkan", 10))
    assert fonts.metrics(True).width("Mengumpulkan", 10) > m.width("Mengumpulkan", 10)


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("abcdefghij klmnopqrstuvwxyz/.-"), max_size=200),
    width=st.floats(min_value=20, max_value=300),
)
def test_wrapped_lines_fit_their_cell_and_keep_every_word(text: str, width: float) -> None:
    m = fonts.metrics()
    lines = m.wrap(text, width, 8)
    assert all(m.width(line, 8) * fonts.WRAP_RESERVE <= width + 1e-6 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_explicit_newlines_are_kept() -> None:
    assert fonts.metrics().wrap("Jika ya\nJika tidak", 500, 8) == ("Jika ya", "Jika tidak")


def test_svg_parses_and_carries_the_text() -> None:
    svg = render_page(_page(), "svg").decode()
    root = ET.fromstring(svg)
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Mengumpulkan data laporan" in texts and "Mulai" in texts


def test_png_has_the_page_size_at_the_asked_dpi() -> None:
    data = render_page(_page(), "png", dpi=100)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    w, h = paper("A4").landscape()
    assert width == pytest.approx(w * 100 / 72, abs=2)
    assert height == pytest.approx(h * 100 / 72, abs=2)


def test_pdf_has_one_page_per_page(tmp_path: Path) -> None:
    from pypdf import PdfReader

    (out,) = write_pages([_page(1), _page(2), _page(3, "Merekap laporan")], tmp_path / "d.pdf")
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    assert "Merekap laporan" in reader.pages[2].extract_text()


def test_svg_and_png_write_one_file_per_page(tmp_path: Path) -> None:
    paths = write_pages([_page(1), _page(2)], tmp_path / "sop.svg")
    assert [p.name for p in paths] == ["sop-1.svg", "sop-2.svg"]
    assert all(p.is_file() for p in paths)
    (single,) = write_pages([_page(1)], tmp_path / "one.png", dpi=50)
    assert single.name == "one.png"


def test_unknown_format_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.pdf, \.svg or \.png"):
        write_pages([_page()], tmp_path / "sop.jpg")
    with pytest.raises(ValueError, match="unsupported output format"):
        render_page(_page(), "gif")


_SCRIPT = textwrap.dedent(
    """
    import io, shutil, sys
    assert shutil.which("dot") is None, "dot must not be on PATH for this test"
    from pypdf import PdfReader
    from sopflow.render.geometry import Page, Rect, TextBox
    page = Page(width=300, height=100, number=1, texts=(
        TextBox(rect=Rect(x=10, y=10, w=250, h=12), lines=("Mengumpulkan data laporan",),
                size=10),))
    if sys.argv[1] == "sopflow":
        from sopflow.render.paint import render_page
        pdf = render_page(page, "pdf")
    else:  # bare pygraphviz, without the shipped font configuration
        import pygraphviz as pgv
        g = pgv.AGraph()
        g.add_node("t", label="Mengumpulkan data laporan", shape="plaintext", pos="100,50!")
        g.layout(prog="nop2")
        pdf = g.draw(format="pdf")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    fonts = b"LiberationSans" in pdf
    print("TEXT=" + repr(text) + " FONT=" + str(fonts))
    """
)


def _run_without_fonts(tmp_path: Path, mode: str) -> str:
    empty = tmp_path / "empty-fonts.conf"
    empty.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n')
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    env = {
        "PATH": str(bindir),  # no `dot`, no system tools
        "HOME": str(tmp_path),
        "FONTCONFIG_FILE": str(empty),
        "PYTHONPATH": os.pathsep.join([str(SRC), *sys.path]),
        "TMPDIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, mode], env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_renders_real_text_without_system_fonts_or_dot(tmp_path: Path) -> None:
    out = _run_without_fonts(tmp_path, "sopflow")
    assert "Mengumpulkan data laporan" in out and "FONT=True" in out


def test_without_the_shipped_font_the_same_render_loses_its_text(tmp_path: Path) -> None:
    """The control: with no font configured, Graphviz paints boxes and the PDF has no text,
    so the test above would catch a renderer that stopped using the shipped font."""
    out = _run_without_fonts(tmp_path, "bare")
    assert "Mengumpulkan" not in out and "FONT=False" in out


def test_fontconfig_file_is_written_once_and_selected(tmp_path: Path) -> None:
    env: dict[str, str] = {}
    saved = os.environ.get("FONTCONFIG_FILE")
    try:
        conf = fonts.configure_fontconfig(tmp_path, env)
        assert os.environ["FONTCONFIG_FILE"] == str(conf)
        text = conf.read_text()
        assert f"<dir>{fonts.font_dir()}</dir>" in text
        assert fonts.configure_fontconfig(tmp_path, {"FONTCONFIG_FILE": str(conf)}) == conf
    finally:
        if saved is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = saved


def test_graphviz_stderr_filter_drops_only_fontconfig_noise() -> None:
    code = (
        "import os\n"
        "from sopflow.render.fonts import graphviz_stderr_filtered\n"
        "with graphviz_stderr_filtered():\n"
        "    os.write(2, b'Fontconfig warning: \"/usr/share/fontconfig/conf.avail/05-reset-dirs-"
        "sample.conf\", line 6: unknown element \"reset-dirs\"\\n')\n"
        "    os.write(2, b'Warning: a real Graphviz message\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={**os.environ, "PYTHONPATH": str(SRC)})
    assert result.stderr == "Warning: a real Graphviz message\n"
