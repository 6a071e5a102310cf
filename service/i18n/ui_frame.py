"""Strings of the page frame and shared components (compact menu, filter sheet, upload states): (vi, en)."""

from __future__ import annotations

UI: dict[str, tuple[str, str]] = {
    "menu": ("Menu", "Menu"),
    "close": ("Đóng", "Close"),
    "show_filters": ("Bộ lọc", "Filters"),
    "filters_active": ("{n} đang chọn", "{n} selected"),
    "see_results": ("Xem kết quả", "See results"),
}
