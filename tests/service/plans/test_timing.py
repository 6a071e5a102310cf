"""Every "Thời gian" form found in the seed plans (and the usual variants) parses to a due date or a recurrence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from service.plans.timing import Timing, parse_timing

SEEDS = Path("/work/shared/seeds")


@pytest.mark.parametrize(("text", "expected"), [
    ("Tháng 01/2026", Timing(date(2026, 1, 31), None)),
    ("Tháng 2/2028", Timing(date(2028, 2, 29), None)),
    ("Quý I/2026", Timing(date(2026, 3, 31), None)),
    ("Quý IV năm 2026", Timing(date(2026, 12, 31), None)),
    ("quý 2/2026", Timing(date(2026, 6, 30), None)),
    ("Năm 2026", Timing(date(2026, 12, 31), None)),
    ("Hàng năm", Timing(date(2026, 12, 31), "yearly")),
    ("Hằng năm", Timing(date(2026, 12, 31), "yearly")),
    ("Định kỳ hằng năm", Timing(date(2026, 12, 31), "yearly")),
    ("Thường xuyên", Timing(None, "continuous")),
    ("Thường xuyên.", None),  # punctuation is not silently dropped: the import reports it
    ("Theo kế hoạch", Timing(None, "as_planned")),
    ("Theo giai đoạn", Timing(None, "per_phase")),
    ("6 tháng đầu năm 2026", Timing(date(2026, 6, 30), None)),
    ("Trước ngày 30/6/2026", Timing(date(2026, 6, 30), None)),
    ("15/3/2026", Timing(date(2026, 3, 15), None)),
    ("  tháng   01/2026 ", Timing(date(2026, 1, 31), None)),
    ("Quý V/2026", None),
    ("", None),
    ("sớm nhất có thể", None),
])
def test_forms(text: str, expected: Timing | None) -> None:
    assert parse_timing(text, plan_year=2026) == expected


def test_yearly_without_a_plan_year_has_no_due_date() -> None:
    assert parse_timing("Hàng năm") == Timing(None, "yearly")


def test_every_form_in_the_seed_plans_is_understood() -> None:
    """The Ministry appendix's last column and the Quảng Ngãi "Thời gian thực hiện:" lines."""
    if not SEEDS.exists():
        pytest.skip("seed plans are not on this machine")
    forms: set[str] = set()
    for path in SEEDS.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = line.split("\t")
            if len(cells) == 6 and cells[0].strip().isdigit():
                forms.add(cells[5].strip())
            if "Thời gian thực hiện" in line:
                forms.add(line.split(":")[-1].strip().rstrip(".").strip("*").strip())
    assert {"Tháng 01/2026", "Hàng năm", "Quý I/2026", "Thường xuyên", "Năm 2026"} <= forms
    assert [f for f in forms if parse_timing(f, 2026) is None] == []
