"""The one chart description and its SVG: what the dashboard shows inline and the PDF embeds."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from service.reports.charts import MAX_BARS, bar_chart, svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def test_bars_are_the_non_zero_items_largest_first_and_at_most_ten() -> None:
    chart = bar_chart("k", "Tiêu đề", [(f"Đơn vị {i}", i) for i in range(15)])
    assert len(chart.values) == MAX_BARS and chart.values[0] == 14 and 0 not in chart.values
    assert chart.labels[0] == "Đơn vị 14"
    assert bar_chart("k", "Trống", [("a", 0)]).empty


def test_the_svg_is_an_image_named_by_its_title_and_described_by_its_figures() -> None:
    chart = bar_chart("reach", "Tỷ lệ bao phủ", [("Trường học", 12.5), ('<b>"Sở"</b> & Phòng', 1234)], unit="%")
    markup = svg(chart)
    root = ET.fromstring(markup)
    assert root.get("role") == "img"
    title = root.find(f"svg:title[@id='{root.get('aria-labelledby')}']", NS)
    desc = root.find(f"svg:desc[@id='{root.get('aria-describedby')}']", NS)
    assert title is not None and title.text == "Tỷ lệ bao phủ"
    assert desc is not None and desc.text == '<b>"Sở"</b> & Phòng: 1.234%; Trường học: 12,5%'
    assert "<b>" not in markup and "&lt;b&gt;" in markup  # a label is text, never markup
    assert "style=" not in markup and "<script" not in markup
    widths = [int(r.get("width", "0")) for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert widths[0] > widths[1] > 0
