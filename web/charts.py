"""Bar charts for the dashboard as geometry for an inline SVG template (no script, CSP-safe).

Labels and values reach the page through the autoescaping template, never through string building."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 400  # about the width it is shown at, so 14-unit text stays readable
BAR_HEIGHT = 14
LABEL_HEIGHT = 18  # each label sits above its bar, full width: long Vietnamese names fit on phones
ROW = LABEL_HEIGHT + BAR_HEIGHT + 10
TOP = 4
MAX_BARS = 10
MAX_LABEL = 52


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown
    y: int  # top of the label line; the bar starts LABEL_HEIGHT below
    width: int


@dataclass(frozen=True)
class BarChart:
    key: str  # for ids
    title: str
    bars: list[Bar]
    width: int
    height: int
    unit: str = ""
    label_height: int = LABEL_HEIGHT
    bar_height: int = BAR_HEIGHT

    @property
    def empty(self) -> bool:
        return not self.bars


def _fmt(value: float) -> str:
    """Vietnamese number style: 1.234 and 12,5."""
    if float(value).is_integer():
        return f"{value:,.0f}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def bar_chart(key: str, title: str, items: list[tuple[str, float]], *, unit: str = "") -> BarChart:
    """Horizontal bars, longest first, scaled to the largest value; at most MAX_BARS rows."""
    rows = sorted(((label, float(v)) for label, v in items if v), key=lambda kv: -kv[1])[:MAX_BARS]
    top = max((v for _, v in rows), default=0.0) or 1.0
    room = WIDTH - 70
    bars = [Bar(label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…", v, _fmt(v), TOP + i * ROW,
                max(2, round(room * v / top)))
            for i, (label, v) in enumerate(rows)]
    return BarChart(key, title, bars, WIDTH, TOP * 2 + len(bars) * ROW, unit)
