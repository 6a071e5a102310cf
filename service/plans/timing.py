"""The "Thời gian" column of a plan's task table, parsed into a due date or a recurrence.

Forms met in the seed plans: "Tháng 01/2026", "Quý I/2026", "Năm 2026", "Hàng năm" / "Hằng năm",
"Thường xuyên", "Theo kế hoạch", "Theo giai đoạn"; plus the usual administrative variants ("Quý IV
năm 2026", "6 tháng đầu năm 2026", "Trước ngày 30/6/2026", "Định kỳ hằng năm", a bare "15/3/2026").
A recurring task is due at the end of each plan year; a continuous one has no due date.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
RECURRENCES = ("yearly", "continuous", "as_planned", "per_phase")


@dataclass(frozen=True)
class Timing:
    due_on: date | None
    recurrence: str | None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip().lower()
    return re.sub(r"\s+", " ", text.replace("hằng", "hàng"))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _dated(t: str, plan_year: int | None) -> Timing | None:
    m = re.search(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?", t)
    if m and (m.group(3) or plan_year) and ("ngày" in t or re.fullmatch(r"[^\d]*\d{1,2}/\d{1,2}/\d{4}", t)):
        return Timing(date(int(m.group(3) or plan_year or 0), int(m.group(2)), int(m.group(1))), None)
    m = re.fullmatch(r"(?:trong )?tháng (\d{1,2})(?:/| năm )(\d{4})", t)
    if m:
        return Timing(_month_end(int(m.group(2)), int(m.group(1))), None)
    m = re.fullmatch(r"(?:trong )?quý ([iv]+|\d)(?:/| năm )(\d{4})", t)
    if m:
        quarter = ROMAN.get(m.group(1)) or (int(m.group(1)) if m.group(1).isdigit() else 0)
        if 1 <= quarter <= 4:
            return Timing(_month_end(int(m.group(2)), 3 * quarter), None)
    m = re.fullmatch(r"(?:0?6|sáu) tháng (đầu|cuối) năm (\d{4})", t)
    if m:
        return Timing(_month_end(int(m.group(2)), 6 if m.group(1) == "đầu" else 12), None)
    m = re.fullmatch(r"(?:trong )?năm (\d{4})", t)
    if m:
        return Timing(date(int(m.group(1)), 12, 31), None)
    return None


def parse_timing(text: str, plan_year: int | None = None) -> Timing | None:
    """None when the text is not a form we know (the import reports the row instead of guessing)."""
    t = _fold(text)
    if not t:
        return None
    dated = _dated(t, plan_year)
    if dated:
        return dated
    year_end = date(plan_year, 12, 31) if plan_year else None
    if t in ("hàng năm", "định kỳ hàng năm", "hàng năm học"):
        return Timing(year_end, "yearly")
    if t in ("thường xuyên", "thường xuyên, liên tục", "liên tục"):
        return Timing(None, "continuous")
    if t in ("theo kế hoạch", "theo kế hoạch được duyệt"):
        return Timing(None, "as_planned")
    if t in ("theo giai đoạn", "theo từng giai đoạn"):
        return Timing(None, "per_phase")
    return None
