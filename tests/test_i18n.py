"""Every message in English and Bahasa Indonesia; rule codes the same in both."""

from __future__ import annotations

import re
import string
from typing import Any

import pytest
from hypothesis import given, settings
from strategies import build, sop_specs
from test_validate import CASES

from sopflow.cli import main
from sopflow.i18n import CATALOGUE, LANGUAGES, language, message

_ENGLISH_ONLY = ("step ", "does not", "the SOP", "cannot", "has no", "is a ", "e.g.")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_catalogue_has_every_message_in_both_languages() -> None:
    for key, texts in CATALOGUE.items():
        assert set(texts) == set(LANGUAGES), key
        assert _fields(texts["en"]) == _fields(texts["id"]), key
        assert texts["en"] != texts["id"], key


@pytest.mark.parametrize(("code", "build_sop", "english", "element"), CASES,
                         ids=[f"{c[0]}-{c[1].__name__}" for c in CASES])
def test_every_rule_speaks_both(code: str, build_sop: Any, english: str,
                                element: str | None) -> None:
    findings = [f for f in build_sop().validate().findings if f.code == code]
    assert findings
    for f in findings:
        assert f.text("en") == f.message == english
        indonesian = f.text("id")
        assert indonesian and indonesian != english
        assert not any(word in indonesian for word in _ENGLISH_ONLY), indonesian


@settings(max_examples=60)
@given(sop_specs(max_steps=8))
def test_random_sops_findings_all_have_indonesian(spec: dict[str, Any]) -> None:
    report = build(spec).compile(strict=False).report
    for f in report.findings:
        assert f.indonesian and f.indonesian != f.message, f
    text = report.text("id")
    assert "galat" in text and "peringatan" in text
    for f in report.findings:
        word = {"error": "galat", "warning": "peringatan"}[f.severity.value]
        assert f"{word} {f.code} [{f.rule}] {f.indonesian}" in text


def test_language_from_option_and_locale() -> None:
    assert language("id") == "id" and language("en", {"LANG": "id_ID.UTF-8"}) == "en"
    assert language(None, {"LANG": "id_ID.UTF-8"}) == "id"
    assert language(None, {"LC_ALL": "C.UTF-8", "LANG": "id_ID.UTF-8"}) == "en"
    assert language(None, {}) == "en"
    with pytest.raises(ValueError, match="one of en, id"):
        language("fr")
    assert message("summary", "id", sop="X", errors=1, warnings=2) == \
        "SOP 'X': 1 galat, 2 peringatan"


def test_cli_lang_id(capsys: pytest.CaptureFixture[str], tmp_path: Any,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    monkeypatch.chdir(tmp_path)
    example = str(Path(__file__).resolve().parent.parent / "examples" / "izin_cuti.py")
    assert main(["--lang", "id", "validate", example]) == 0
    out = capsys.readouterr().out
    assert "peringatan W103 [joint-activity]" in out and "adalah kegiatan bersama" in out
    assert "0 galat, 1 peringatan: BAIK" in out
    assert main(["--lang", "en", "validate", example]) == 0
    assert "0 error(s), 1 warning(s): OK" in capsys.readouterr().out


def test_cli_messages_have_both_languages_and_are_translated() -> None:
    from sopflow.i18n import CLI_MESSAGES, translate

    for pattern, indonesian in CLI_MESSAGES:
        assert pattern and indonesian and pattern != indonesian
        names = set(re.compile(pattern).groupindex)
        assert _fields(indonesian) == names, pattern
    assert translate("sopflow export: out.bpmn: already exists; use --force to overwrite it",
                     "id") == "sopflow export: out.bpmn: sudah ada; pakai --force untuk menimpanya"
    assert translate("wrote x.pdf", "en") == "wrote x.pdf"
    assert translate("some text no pattern knows", "id") == "some text no pattern knows"


def test_cli_messages_in_indonesian(tmp_path: Any, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    monkeypatch.chdir(tmp_path)
    example = str(Path(__file__).resolve().parent.parent / "examples" / "izin_cuti.py")
    target = str(tmp_path / "x.json")
    assert main(["--lang", "id", "export", example, "--to", "json", "-o", target]) == 0
    assert f"menulis {target}" in capsys.readouterr().err
    assert main(["--lang", "id", "export", example, "--to", "json", "-o", target]) == 2
    assert "sudah ada; pakai --force untuk menimpanya" in capsys.readouterr().err
    assert main(["--lang", "id", "export", "nope.py", "--to", "json"]) == 2
    assert "nope.py: berkas tidak ada" in capsys.readouterr().err
    assert main(["--lang", "id", "new", "Surat Masuk"]) == 0
    assert "sunting berkas itu, lalu jalankan" in capsys.readouterr().err
