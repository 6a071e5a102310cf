"""Codes said in words on pages: report periods ("2026-H2"), usage channels ("zalo-oa", "zalo-group") and
report metrics. Labels come from the channel vocabulary and the platform profiles where they exist."""

from __future__ import annotations

import re
from collections.abc import Callable

from web.present import Labels, profile_labels

_PERIOD = re.compile(r"^(\d{4})(?:-H([12]))?$")
USE_CHANNELS = {  # evidence-only channels (service/plans/evidence.py) with no vocabulary term
    "zalo-group": ("Nhóm Zalo", "Zalo group"), "school-assembly": ("Chào cờ, sinh hoạt dưới cờ", "School assembly"),
}
METRICS = {
    "products": ("Số sản phẩm", "Products"), "reach_pct": ("Tỷ lệ đơn vị được phủ (%)", "Units reached (%)"),
    "downloads": ("Lượt tải", "Downloads"), "api_pulls": ("Lượt lấy qua API", "API pulls"),
}


def period_label(code: str, lang: str) -> str:
    """2026-H2 → "6 tháng cuối năm 2026"; 2026 → "Năm 2026"; anything else as given."""
    match = _PERIOD.match(code or "")
    if not match:
        return code
    year, half = match.groups()
    if half is None:
        return f"Năm {year}" if lang == "vi" else f"Year {year}"
    if lang == "vi":
        return f"6 tháng {'đầu' if half == '1' else 'cuối'} năm {year}"
    return f"{'First' if half == '1' else 'Second'} half of {year}"


def channel_namer(labels: Labels) -> Callable[[str], str]:
    """A channel code in words: the vocabulary's label, else the profile's, else the evidence channels'."""
    profiles = profile_labels(labels.lang)

    def name(code: str) -> str:
        label = labels.of("channel", code)
        if label != code:
            return label
        if code in profiles:
            return profiles[code][0]
        if code in USE_CHANNELS:
            vi, en = USE_CHANNELS[code]
            return vi if labels.lang == "vi" else en
        return code

    return name


def metric_label(code: str, lang: str) -> str:
    vi_en = METRICS.get(code)
    return (vi_en[0] if lang == "vi" else vi_en[1]) if vi_en else code
