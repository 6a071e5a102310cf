"""Reporting periods: "2026-H1", "2026-H2" (six-month reports) and "2026" (year-end), in UTC+7 days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from service.core.errors import KhoError
from service.models.base import VN


@dataclass(frozen=True)
class Period:
    label: str
    kind: str  # "half" | "year"
    start: datetime
    end: datetime  # exclusive


def parse_period(label: str) -> Period:
    m = re.fullmatch(r"(\d{4})(?:-H([12]))?", label.strip())
    if not m:
        raise KhoError("report_bad_period", status=422, period=label)
    year, half = int(m.group(1)), m.group(2)
    if half is None:
        return Period(label, "year", datetime(year, 1, 1, tzinfo=VN), datetime(year + 1, 1, 1, tzinfo=VN))
    start = datetime(year, 1 if half == "1" else 7, 1, tzinfo=VN)
    end = datetime(year, 7, 1, tzinfo=VN) if half == "1" else datetime(year + 1, 1, 1, tzinfo=VN)
    return Period(label, "half", start, end)


def current_half(now: datetime) -> str:
    local = now.astimezone(VN)
    return f"{local.year}-H{1 if local.month <= 6 else 2}"
