"""Bar charts for the dashboard as geometry for an inline SVG template (no script, CSP-safe).

Labels and values reach the page through the autoescaping template, never through string building."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 230
BAR_HEIGHT = 22
GAP = 8
TOP = 8
MAX_BARS = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    key: str  # for ids
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    unit: str = ""

    @property
    def empty(self) -> bool:
        return not self.bars


def _fmt(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".") if float(value).is_integer() else f"{value:,.1f}".replace(".", ",")


def bar_chart(key: str, title: str, items: list[tuple[str, float]], *, unit: str = "") -> BarChart:
    """Horizontal bars, longest first, scaled to the largest value; at most MAX_BARS rows."""
    rows = sorted(((label, float(v)) for label, v in items if v), key=lambda kv: -kv[1])[:MAX_BARS]
    top = max((v for _, v in rows), default=0.0) or 1.0
    room = WIDTH - LABEL_WIDTH - 70
    bars = [Bar(label if len(label) <= 38 else label[:37] + "…", v, _fmt(v), TOP + i * (BAR_HEIGHT + GAP),
                max(2, round(room * v / top)))
            for i, (label, v) in enumerate(rows)]
    height = TOP * 2 + len(bars) * (BAR_HEIGHT + GAP)
    return BarChart(key, title, bars, WIDTH, height, LABEL_WIDTH, unit)
