"""Report charts as PNG bytes (matplotlib, Agg backend; DejaVu Sans carries every Vietnamese glyph)."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from transcoding.fonts import font_path  # noqa: E402


def _bar(labels: list[str], values: list[float], title: str, horizontal: bool = False) -> bytes:
    from matplotlib import font_manager  # matplotlib loads on the first chart, not at start-up

    prop = font_manager.FontProperties(fname=str(font_path()))
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=110)
    try:
        if horizontal:
            ax.barh(labels[::-1], values[::-1], color="#0c4a8c")
        else:
            ax.bar(labels, values, color="#0c4a8c")
        ax.set_title(title, fontproperties=prop, fontsize=12)
        for label in ax.get_xticklabels() + ax.get_yticklabels():
            label.set_fontproperties(prop)
            label.set_fontsize(8)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)


def report_charts(report: dict[str, Any]) -> list[bytes]:
    charts = []
    kinds = report["products"]["by_kind"]
    if kinds:
        charts.append(_bar([k["label"] for k in kinds], [k["count"] for k in kinds], "Sản phẩm theo loại"))
    channels = report["usage"]["by_channel"]
    if channels:
        charts.append(_bar([c["channel"] for c in channels],
                           [c.get("download", 0) + c.get("api_pull", 0) for c in channels],
                           "Lượt tải và lấy qua API theo kênh"))
    units = report["usage"]["by_unit"][:10]
    if units:
        charts.append(_bar([u["name"][:40] for u in units], [u.get("download", 0) + u.get("api_pull", 0)
                                                             for u in units],
                           "10 đơn vị sử dụng nhiều nhất", horizontal=True))
    targets = report.get("plan_targets", [])
    if targets:
        charts.append(_bar([t["code"] for t in targets], [t["progress_pct"] or 0 for t in targets],
                           "Tỷ lệ thực hiện chỉ tiêu (%)", horizontal=True))
    return charts
