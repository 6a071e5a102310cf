"""The report's bar charts: one description (data, labels, colour, accessible title and description) and one
SVG renderer. The dashboard shows the SVG inline, the PDF embeds the same SVG, the XLSX builds a native chart
from the same series (service/reports/xlsx.py) — one path, so the three outputs cannot disagree.

The SVG is built as an element tree, so labels (asset titles, unit names) are escaped by construction; it
has no script and no inline style (the pages' CSP), only presentation attributes a stylesheet may override."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.i18n import ui_text

WIDTH = 400  # about the width it is shown at, so 14-unit text stays readable
BAR_HEIGHT = 14
LABEL_HEIGHT = 18  # each label sits above its bar, full width: long Vietnamese names fit on phones
ROW = LABEL_HEIGHT + BAR_HEIGHT + 10
TOP = 4
VALUE_ROOM = 70  # right of the longest bar, for its value
MAX_BARS = 10
MAX_LABEL = 52
BAR_COLOUR = "#0c4a8c"  # the brand blue (web/static/app.css --brand)
TEXT_COLOUR = "#1a1a1a"


def number(value: float) -> str:
    """Vietnamese number style: 1.234 and 12,5."""
    if float(value).is_integer():
        return f"{value:,.0f}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


@dataclass(frozen=True)
class Chart:
    """Horizontal bars, largest first: what every output draws."""

    key: str  # stable, for element ids and sheet rows
    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str = ""
    colour: str = BAR_COLOUR

    @property
    def empty(self) -> bool:
        return not self.values

    @property
    def description(self) -> str:
        """Every bar in words, for screen readers (and anyone who wants the figures)."""
        return "; ".join(f"{label}: {number(v)}{self.unit}" for label, v in zip(self.labels, self.values, strict=True))

    @property
    def height(self) -> int:
        return TOP * 2 + len(self.values) * ROW


def bar_chart(key: str, title: str, items: list[tuple[str, float]], *, unit: str = "") -> Chart:
    """The non-zero items, largest first, at most MAX_BARS, labels cut to MAX_LABEL characters."""
    rows = sorted(((label, float(v)) for label, v in items if v), key=lambda kv: -kv[1])[:MAX_BARS]
    labels = tuple(label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…" for label, _ in rows)
    return Chart(key, title, labels, tuple(v for _, v in rows), unit)


def _used(row: dict[str, Any]) -> int:
    return int(row.get("download", 0)) + int(row.get("api_pull", 0))


def report_charts(report: dict[str, Any], lang: str = "vi", channel: Callable[[str], str] = str) -> list[Chart]:
    """The charts of a report (service/reports/service.py's dict), titled in `lang`; `channel` names a channel
    code in words where the caller knows the vocabulary."""
    products, usage = report["products"], report["usage"]
    reach = [(ui_text(f"org_kind_{r['kind']}", lang), r["share_pct"] or 0) for r in report["reach"]["by_org_kind"]]
    targets = [(f"{x['code']} — {x['label']}", x["progress_pct"] or 0) for x in report.get("plan_targets", [])]
    return [
        bar_chart("uploads-kind", ui_text("chart_products_kind", lang),
                  [(p["label"], p["count"]) for p in products["by_kind"]]),
        bar_chart("uploads-topic", ui_text("chart_products_topic", lang),
                  [(p["label"], p["count"]) for p in products["by_topic"]]),
        bar_chart("downloads-channel", ui_text("chart_usage_channel", lang),
                  [(channel(c["channel"]), _used(c)) for c in usage["by_channel"]]),
        bar_chart("downloads-unit", ui_text("chart_usage_unit", lang),
                  [(u["name"], _used(u)) for u in usage["by_unit"]]),
        bar_chart("reach-kind", ui_text("chart_reach", lang), reach, unit="%"),
        bar_chart("top-assets", ui_text("chart_top_assets", lang),
                  [(a["title"], a["count"]) for a in report["top_assets"]]),
        bar_chart("plan-targets", ui_text("chart_plan_targets", lang), targets, unit="%"),
    ]


def svg(chart: Chart, *, font: str = "sans-serif") -> str:
    """The chart as an SVG document: role="img" named by its <title>, described by its <desc> (the figures).
    `font` is the font-family the text asks for (the PDF names its embedded font; pages restyle it)."""
    ids = f"chart-{chart.key}"
    root = ET.Element("svg", {"viewBox": f"0 0 {WIDTH} {chart.height}", "width": str(WIDTH),
                              "height": str(chart.height), "role": "img", "aria-labelledby": f"{ids}-title",
                              "aria-describedby": f"{ids}-desc", "xmlns": "http://www.w3.org/2000/svg"})
    ET.SubElement(root, "title", {"id": f"{ids}-title"}).text = chart.title
    ET.SubElement(root, "desc", {"id": f"{ids}-desc"}).text = chart.description
    top = max(chart.values, default=0.0) or 1.0
    text = {"font-family": font, "font-size": "14", "fill": TEXT_COLOUR}
    for i, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        y = TOP + i * ROW
        width = max(2, round((WIDTH - VALUE_ROOM) * value / top))
        group = ET.SubElement(root, "g")
        ET.SubElement(group, "text", {"x": "0", "y": str(y + 13), "class": "chart-label", **text}).text = label
        ET.SubElement(group, "rect", {"x": "0", "y": str(y + LABEL_HEIGHT), "width": str(width),
                                      "height": str(BAR_HEIGHT), "rx": "2", "class": "chart-bar",
                                      "fill": chart.colour})
        ET.SubElement(group, "text", {"x": str(width + 6), "y": str(y + LABEL_HEIGHT + 12), "class": "chart-value",
                                      **text}).text = f"{number(value)}{chart.unit}"
    return ET.tostring(root, encoding="unicode")
