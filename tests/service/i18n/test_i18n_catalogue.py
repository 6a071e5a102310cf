"""The gettext catalogues, read with Babel's own .po/.mo readers (an implementation independent of the app's
`gettext` lookups): every id the code names is in both languages, translated, NFC, with the same
placeholders; the compiled .mo says what the .po says; a translator's edit reaches the output."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po

import service.i18n as i18n
from service.core.errors import KhoError, NotFound

ROOT = Path(__file__).resolve().parents[3]
LOCALES = ROOT / "service" / "i18n" / "locale"
PLACEHOLDER = re.compile(r"\{(\w+)[^{}]*\}")


def _po(lang: str, base: Path = LOCALES) -> Catalog:
    with (base / lang / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=lang)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The ids the code and the templates name, by the project's own extraction command (pybabel extract)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(["bash", "scripts/i18n.sh", "extract", str(pot)], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as fp:
        return read_po(fp)


def _ids(catalogue: Catalog) -> set[str]:
    return {str(m.id) for m in catalogue if m.id}


def test_extraction_finds_the_ids_of_templates_python_and_marks(extracted: Catalog) -> None:
    where = {str(m.id): {path for path, _ in m.locations} for m in extracted if m.id}
    assert any(p.startswith("web/templates/") for p in where["nav_search"])  # Jinja2: t('nav_search')
    assert "service/workflow/gate.py" in where["publication_blocked_reason"]  # Python: ui_text(...)
    assert "service/i18n/composed.py" in where["status_draft"]  # composed at run time, marked N_()
    assert len(where) > 600


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_id_the_code_names_is_translated_in_the_catalogue(extracted: Catalog, lang: str) -> None:
    catalogue = _po(lang)
    missing = sorted(_ids(extracted) - _ids(catalogue))
    assert not missing, f"ids used in the code but missing from {lang}.po: {missing}"
    unused = sorted(_ids(catalogue) - _ids(extracted))
    assert not unused, f"ids of {lang}.po named nowhere in the code (remove, or mark with N_): {unused}"
    fuzzy = sorted(str(m.id) for m in catalogue if m.id and m.fuzzy)
    empty = sorted(str(m.id) for m in catalogue if m.id and not str(m.string).strip())
    assert not fuzzy and not empty, (fuzzy, empty)


def _placeholders(text: str, lang: str) -> set[str]:
    """The names a text formats; "{reason_vi}" and "{reason_en}" are one parameter said in each language."""
    return {name.removesuffix(f"_{lang}") for name in PLACEHOLDER.findall(text)}


def test_vietnamese_is_nfc_and_both_languages_take_the_same_placeholders() -> None:
    vi, en = _po("vi"), _po("en")
    for message in vi:
        if not message.id:
            continue
        text = str(message.string)
        assert unicodedata.normalize("NFC", text) == text, message.id
        english = en.get(message.id)
        assert english is not None
        assert _placeholders(text, "vi") == _placeholders(str(english.string), "en"), message.id


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_compiled_catalogue_says_what_the_po_says(lang: str) -> None:
    """A stale .mo (a .po edited, not compiled) would show old texts: bootstrap.sh compiles on every run."""
    with (LOCALES / lang / "LC_MESSAGES" / "messages.mo").open("rb") as fp:
        compiled = {str(m.id): str(m.string) for m in read_mo(fp) if m.id}
    assert compiled == {str(m.id): str(m.string) for m in _po(lang) if m.id}


def test_a_problem_reads_right_in_vietnamese_and_english() -> None:
    body = NotFound(what="tài nguyên / asset").to_problem("/api/v1/assets/9")
    assert body["detail"] == body["title"] == "Không tìm thấy tài nguyên / asset."
    assert body["detail_en"] == "tài nguyên / asset not found."
    assert body["code"] == "not_found" and body["status"] == 404
    limited = KhoError("rate_limited", status=429, seconds=30).to_problem()
    assert limited["detail"] == "Quá nhiều yêu cầu, thử lại sau 30 giây."
    assert limited["detail_en"] == "Too many requests, retry in 30 s."
    unknown = KhoError("no_such_code").to_problem()  # an id no catalogue has: the internal error's words
    assert unknown["detail_en"] == "Internal error, please try again later."


@pytest.fixture()
def own_locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the catalogues the runtime reads instead of the repository's, for this test only."""
    copy = tmp_path / "locale"
    shutil.copytree(LOCALES, copy)
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    i18n.catalogue.cache_clear()
    yield copy
    i18n.catalogue.cache_clear()


def test_editing_a_po_and_compiling_changes_what_the_app_says(own_locales: Path) -> None:
    before = i18n.ui_text("notify_published", "vi", title="Áp phích")
    vi = _po("vi", own_locales)
    vi["notify_published"].string = "Đã lên sóng: {title}"
    with (own_locales / "vi" / "LC_MESSAGES" / "messages.po").open("wb") as fp:
        write_po(fp, vi)
    pybabel = shutil.which("pybabel", path=str(ROOT / ".venv" / "bin")) or "pybabel"
    subprocess.run([pybabel, "--quiet", "compile", "-d", str(own_locales), "-D", "messages"], check=True)
    i18n.catalogue.cache_clear()
    assert before == "Tài nguyên của bạn đã được đăng: Áp phích"
    assert i18n.ui_text("notify_published", "vi", title="Áp phích") == "Đã lên sóng: Áp phích"
    assert i18n.ui_text("notify_published", "en", title="Poster") == "Your asset is published: Poster"
