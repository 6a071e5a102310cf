"""export_qa: writes the chosen export formats of a Q&A set and describes each file as a RenditionOutput."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from transcoding.qa.cardlayout import SIZE
from transcoding.qa.cards import layout_cards, render_card
from transcoding.qa.exporters_contest import write_contest
from transcoding.qa.exporters_docx import write_docx
from transcoding.qa.exporters_pdf import PAGES, write_pdf
from transcoding.qa.exporters_quiz import write_gift, write_moodle
from transcoding.qa.exporters_table import write_csv, write_json, write_xlsx
from transcoding.qa.exporters_web import write_html
from transcoding.qa.model import QaSet
from transcoding.types import ProgressFn, RenditionOutput, no_progress

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Writer = Callable[[QaSet, Path], None]
# profile: (file name, variant, media type, writer)
_SINGLE: dict[str, tuple[str, str, str, Writer]] = {
    "qa-json": ("qa.json", "json", "application/json", write_json),
    "qa-csv": ("qa.csv", "csv", "text/csv; charset=utf-8", write_csv),
    "qa-xlsx": ("qa.xlsx", "xlsx", XLSX, write_xlsx),
    "qa-docx": ("qa.docx", "docx", DOCX, write_docx),
    "qa-html": ("qa.html", "html", "text/html; charset=utf-8", write_html),
    "qa-moodle": ("qa-moodle.xml", "moodle-xml", "application/xml", write_moodle),
    "qa-gift": ("qa-gift.txt", "gift", "text/plain; charset=utf-8", write_gift),
}
EXPORT_FORMATS: tuple[str, ...] = (*_SINGLE, "qa-pdf", "qa-cards", "qa-contest")


def _pdf(qa: QaSet, out_dir: Path, progress: ProgressFn) -> list[RenditionOutput]:
    outputs = []
    for index, variant in enumerate(PAGES):
        path = out_dir / f"qa-{variant}.pdf"
        write_pdf(qa, path, variant)
        outputs.append(RenditionOutput(path, "qa-pdf", variant, "application/pdf"))
        progress((index + 1) / len(PAGES))
    return outputs


def _cards(qa: QaSet, out_dir: Path, progress: ProgressFn) -> list[RenditionOutput]:
    folder = out_dir / "cards"
    folder.mkdir(exist_ok=True)
    cards = layout_cards(qa)
    outputs = []
    for index, card in enumerate(cards, 1):
        path = folder / f"{card.variant}.png"
        render_card(card, path)
        outputs.append(RenditionOutput(path, "qa-cards", card.variant, "image/png", width=SIZE, height=SIZE))
        progress(index / len(cards))
    return outputs


def _contest(qa: QaSet, out_dir: Path) -> list[RenditionOutput]:
    folder = out_dir / "contest"
    folder.mkdir(exist_ok=True)
    return [RenditionOutput(path, "qa-contest", variant, DOCX) for path, variant in write_contest(qa, folder)]


def _one(qa: QaSet, fmt: str, out_dir: Path, progress: ProgressFn) -> list[RenditionOutput]:
    if fmt == "qa-pdf":
        return _pdf(qa, out_dir, progress)
    if fmt == "qa-cards":
        return _cards(qa, out_dir, progress)
    if fmt == "qa-contest":
        return _contest(qa, out_dir)
    name, variant, media_type, writer = _SINGLE[fmt]
    writer(qa, out_dir / name)
    extra = {"items": len(qa.items)} if fmt == "qa-gift" else {}
    return [RenditionOutput(out_dir / name, fmt, variant, media_type, extra=extra)]


def export_qa(
    qa: QaSet, out_dir: Path, formats: list[str] | None = None, *, progress: ProgressFn = no_progress
) -> list[RenditionOutput]:
    """Writes each requested profile (all of EXPORT_FORMATS by default) under out_dir."""
    chosen = list(EXPORT_FORMATS) if formats is None else formats
    unknown = [f for f in chosen if f not in EXPORT_FORMATS]
    if unknown:
        raise ValueError(f"unknown Q&A export format(s): {', '.join(unknown)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs: list[RenditionOutput] = []
    for index, fmt in enumerate(chosen):

        def part(fraction: float, index: int = index) -> None:
            progress((index + min(max(fraction, 0.0), 1.0)) / len(chosen))

        outputs.extend(_one(qa, fmt, out_dir, part))
        part(1.0)
    return outputs
