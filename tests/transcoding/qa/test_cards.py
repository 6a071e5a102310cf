"""Cards: long Vietnamese answers stay inside the safe area, at a legible size, with no missing glyphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from tests.transcoding.qa.samples import LONG_ANSWER, TONES, TONES_UPPER
from transcoding.fonts import font_path
from transcoding.qa import QaItem, QaSet, RichText, export_qa
from transcoding.qa.cardlayout import SAFE, SIZE, font
from transcoding.qa.cards import BACKGROUND, MIN_SIZES, Card, layout_cards
from transcoding.qa.glyphs import cmap

LONG_SET = QaSet(
    title="Bộ câu hỏi rất dài về ĐỔI MỚI CĂN BẢN, TOÀN DIỆN GIÁO DỤC VÀ ĐÀO TẠO " * 3,
    organisation="Ủy ban nhân dân tỉnh Thừa Thiên Huế — Sở Giáo dục và Đào tạo — Phòng Giáo dục Trung học "
    * 2,
    items=(
        QaItem(
            question="Ý nghĩa của Nghị quyết 71-NQ/TW đối với ngành giáo dục Đắk Lắk, Đắk Nông là gì? "
            + TONES,
            answer=RichText.from_plain(LONG_ANSWER + "\n" + LONG_ANSWER),
            source="Nghị quyết 71-NQ/TW ngày 22/8/2025 của Bộ Chính trị, mục II.3, tiểu mục 3.1 đến 3.4 " * 3,
        ),
        QaItem(
            question="Chọn đáp án đúng: " + TONES_UPPER,
            choices=(TONES[:60], TONES[60:120], "Không có đáp án nào đúng", "Tất cả " + TONES_UPPER[:40]),
            correct=1,
            answer=RichText.from_markdown(
                "- "
                + LONG_ANSWER[:300]
                + "\n- https://moet.gov.vn/"
                + "rat-dai-" * 30
                + "\n1. **Đậm** và thường"
            ),
        ),
        QaItem(question="Ngắn?", answer=RichText.from_plain("Đúng.")),
    ),
)


def _ink_box(seg_x: int, seg_y: int, text: str, weight: str, size: int) -> tuple[int, int, int, int]:
    left, top, right, bottom = font(weight, size).getbbox(text)  # anchor "la", like the renderer
    return seg_x + left, seg_y + top, seg_x + right, seg_y + bottom


@pytest.fixture(scope="module")
def cards() -> list[Card]:
    return layout_cards(LONG_SET)


def test_long_answer_is_at_least_600_characters() -> None:
    answer = LONG_SET.items[0].answer.to_plain_text()
    assert len(answer) >= 600
    assert all(ch in answer for ch in TONES.split()), "every tone mark and đ/Đ"


def test_every_line_inside_safe_area(cards: list[Card]) -> None:
    for card in cards:
        assert card.segments, card.variant
        for seg in card.segments:
            x0, y0, x1, y1 = _ink_box(seg.x, seg.y, seg.text, seg.weight, seg.size)
            assert SAFE[0] <= x0 and x1 <= SAFE[2], (card.variant, seg.text, x0, x1)
            assert SAFE[1] <= y0 and y1 <= SAFE[3], (card.variant, seg.text, y0, y1)
        for x0, y0, x1, y1 in card.rules:
            assert SAFE[0] <= x0 <= x1 <= SAFE[2] and SAFE[1] <= y0 <= y1 <= SAFE[3]


def test_lines_do_not_overlap(cards: list[Card]) -> None:
    for card in cards:
        rows: dict[int, list[tuple[int, int]]] = {}
        for seg in card.segments:
            x0, _, x1, _ = _ink_box(seg.x, seg.y, seg.text, seg.weight, seg.size)
            rows.setdefault(seg.y, []).append((x0, x1))
        for spans in rows.values():
            spans.sort()
            assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), card.variant


def _glyph_pixels(char: str, weight: str) -> bytes:
    image = Image.new("L", (80, 80))
    ImageDraw.Draw(image).text((10, 10), char, font=font(weight, 40), fill=255)
    return image.tobytes()


def test_font_covers_every_character(cards: list[Card]) -> None:
    seen: dict[str, set[str]] = {"regular": set(), "bold": set()}
    for card in cards:
        for seg in card.segments:
            codes = cmap(font_path(seg.weight))
            missing = {ch for ch in seg.text if ord(ch) not in codes}
            assert not missing, (card.variant, missing)
            seen[seg.weight].update(seg.text)
    assert {"đ", "Đ", "ỵ", "Ỵ", "ữ", "Ữ"} <= seen["regular"]
    for weight, chars in seen.items():
        tofu = _glyph_pixels("\U000f0000", weight)  # private-use plane: drawn with .notdef
        boxes = sorted(ch for ch in chars if not ch.isspace() and _glyph_pixels(ch, weight) == tofu)
        assert not boxes, (weight, boxes)


def test_long_answers_continue_instead_of_shrinking(cards: list[Card]) -> None:
    variants = [c.variant for c in cards]
    assert variants[0] == "cover"
    assert "card-001-2" in variants, variants
    assert "card-003" in variants and "card-003-2" not in variants
    body_sizes = {
        s.size for c in cards if c.variant.startswith("card-001") for s in c.segments if s.size > 28
    }
    assert min(body_sizes) >= MIN_SIZES[1]
    text = " ".join(s.text for c in cards if c.variant.startswith("card-001") for s in c.segments)
    assert "Bảng chữ:" in text and "QUẢN TRỊ." in text  # nothing lost between cards


def test_short_item_uses_largest_size(cards: list[Card]) -> None:
    card = next(c for c in cards if c.variant == "card-003")
    assert max(s.size for s in card.segments) == 56


def test_png_margins_are_empty(tmp_path: Path) -> None:
    outputs = export_qa(LONG_SET, tmp_path, ["qa-cards"])
    assert len(outputs) >= 5
    for output in outputs:
        assert output.width == output.height == SIZE and output.media_type == "image/png"
        with Image.open(output.path) as image:
            assert image.size == (SIZE, SIZE)
            rgb = image.convert("RGB")
            for box in (
                (0, 0, SIZE, SAFE[1]),
                (0, SAFE[3], SIZE, SIZE),
                (0, 0, SAFE[0], SIZE),
                (SAFE[2], 0, SIZE, SIZE),
            ):
                colours = rgb.crop(box).getcolors(maxcolors=4)
                assert colours is not None and [c for _, c in colours] == [BACKGROUND], (output.variant, box)
            inside = rgb.crop(SAFE).getcolors(maxcolors=1_000_000)
            assert inside is not None and len(inside) > 2, "text was drawn"
