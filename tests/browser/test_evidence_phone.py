"""A school's staff member records evidence from a phone (390 px wide, Chromium): the form fits the screen, a
screenshot is attached from the file picker, and the record appears with its figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import Live
from tests.browser.test_browser_flow import sign_in


def test_evidence_form_on_a_phone(browser: Any, live: Live, media_dir: Path) -> None:
    context = browser.new_context(base_url=live.base, viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20000)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, live.staff.email, live.staff.password)
    page.click(".menu-toggle")  # the compact menu opens on a phone
    page.click("a[href='/minh-chung']")
    page.wait_for_url("**/minh-chung")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    page.select_option("#ev-channel", "zalo-group")
    page.fill("#ev-views", "87")
    page.fill("#ev-url", "https://zalo.me/g/lop5a")
    page.fill("#ev-note", "Chia sẻ infographic Nghị quyết 71 vào nhóm phụ huynh lớp 5A")
    page.set_input_files("#ev-image", str(media_dir / "nghi-quyet-71.png"))
    page.click("form[action='/minh-chung'] button[type=submit]")
    page.wait_for_url("**/minh-chung?saved=true")
    assert page.locator("[role=status]").inner_text() == "Đã ghi nhận minh chứng."
    entry = page.locator("main ul.plain li").first.inner_text()
    assert "Nhóm Zalo" in entry and "zalo-group" not in entry and "87" in entry and "Chờ xem xét" in entry
    assert violations == []
    context.close()
