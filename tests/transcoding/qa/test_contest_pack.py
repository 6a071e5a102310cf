"""The printable contest pack, read back with python-docx: question sheets carry no answers, each key
matches its own sheet, variants are shuffled differently, a choice naming the others keeps its place."""

from __future__ import annotations

import re
from pathlib import Path

import docx

from transcoding.qa import QaItem, QaSet, RichText, export_qa
from transcoding.qa.exporters_contest import VARIANTS

ITEMS = tuple(
    QaItem(f"Câu hỏi số {n} về Nghị quyết 71?", RichText.from_plain(f"Giải thích {n}"),
           choices=(f"Phương án đúng {n}", f"Sai một {n}", f"Sai hai {n}", f"Sai ba {n}"), correct=0)
    for n in range(1, 9)
) + (
    QaItem("Chọn ý đúng về nhà giáo?", RichText.from_plain("Cả ba ý đều đúng."),
           choices=("Được tôn vinh", "Được đãi ngộ", "Được bảo vệ", "Cả A, B và C đều đúng"), correct=3),
    QaItem("Nêu ba giải pháp đột phá của Nghị quyết 71-NQ/TW.", RichText.from_plain("Mô hình trả lời mẫu XYZ.")),
)
QA = QaSet("Hội thi tìm hiểu Nghị quyết 71-NQ/TW", "Sở GDĐT", ITEMS)


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def _sheet(path: Path) -> list[tuple[str, list[str]]]:
    """[(question, [choice texts in printed order])]"""
    out: list[tuple[str, list[str]]] = []
    for text in _paragraphs(path):
        if m := re.match(r"^Câu \d+\. (.*)$", text):
            out.append((m.group(1), []))
        elif (m := re.match(r"^([A-H])\. (.*)$", text)) and out:
            out[-1][1].append(m.group(2))
    return out


def _key(path: Path) -> list[tuple[int, str, int]]:
    table = docx.Document(str(path)).tables[0]
    return [(int(r.cells[0].text), r.cells[1].text, int(r.cells[2].text)) for r in table.rows[1:]]


def test_contest_pack_sheets_keys_and_variants(tmp_path: Path) -> None:
    outputs = export_qa(QA, tmp_path, ["qa-contest"])
    by_variant = {o.variant: o.path for o in outputs}
    assert set(by_variant) == {f"{kind}-{v}" for v in VARIANTS for kind in ("de", "dap-an")}
    orders = []
    for v in VARIANTS:
        sheet_path, key_path = by_variant[f"de-{v}"], by_variant[f"dap-an-{v}"]
        text = "\n".join(_paragraphs(sheet_path))
        assert f"Mã đề: {v}" in text
        for item in ITEMS:  # no answer, explanation or model answer on the question sheet
            assert item.answer.to_plain_text() not in text
        assert "Đáp án" not in text and "Giải thích" not in text
        assert docx.Document(str(sheet_path)).core_properties.title == f"{QA.title} — Đề {v}"
        sheet, key = _sheet(sheet_path), _key(key_path)
        assert len(sheet) == len(key) == len(ITEMS)
        orders.append([q for q, _ in sheet])
        for (question, choices), (number, answer, original) in zip(sheet, key, strict=True):
            item = ITEMS[original - 1]
            assert question == item.question and sorted(choices) == sorted(item.choices)
            if item.correct is None:
                assert answer == "Tự luận" and item.answer.to_plain_text() in "\n".join(_paragraphs(key_path))
            else:
                assert choices["ABCDEFGH".index(answer)] == item.choices[item.correct], (v, number)
            if item.choices and item.choices[-1].startswith("Cả A, B"):
                assert choices[-1] == item.choices[-1]  # still "D": it names A, B and C
    assert len({tuple(o) for o in orders}) == len(VARIANTS)  # each variant has its own order
    again = export_qa(QA, tmp_path / "again", ["qa-contest"])
    assert [_sheet(o.path) for o in again] == [_sheet(o.path) for o in outputs]  # reproducible
