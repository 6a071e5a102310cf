"""The bell: its unread count changes after an event, at a phone and an office-PC width (Debian Chromium)."""

from __future__ import annotations

import os
import time
from typing import Any

import httpx
import pytest

from tests.browser.conftest import Live
from tests.browser.test_browser_flow import new_page, sign_in
from tests.service.assets.media import meta, multipart, png

pytestmark = pytest.mark.browser


def _token(live: Live, email: str, password: str) -> dict[str, str]:
    r = httpx.post(f"{live.base}/api/v1/auth/token", json={"email": email, "password": password}, timeout=20)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _bell(page: Any) -> int:
    return int(page.get_attribute(".bell .count", "data-unread"))


@pytest.mark.parametrize("width", [390, 1366])
def test_bell_counts_a_new_comment(browser: Any, live: Live, width: int) -> None:
    producer = _token(live, live.producer.email, live.producer.password)
    reviewer = _token(live, live.reviewer.email, live.reviewer.password)
    body, ctype = multipart(meta("infographic", title=f"Áp phích chuông {width}", alt_text="Áp phích"), "a.png",
                            png(seed=int.from_bytes(os.urandom(4), "big")))
    r = httpx.post(f"{live.base}/api/v1/assets", content=body, headers={**producer, "Content-Type": ctype},
                   timeout=60)
    assert r.status_code == 201, r.text
    asset_id = r.json()["id"]

    page = new_page(browser, live)
    page.set_viewport_size({"width": width, "height": 844 if width < 500 else 900})
    sign_in(page, live.producer.email, live.producer.password)
    page.goto("/thong-bao")
    before = _bell(page)
    assert page.is_visible(".bell")
    box = page.locator(".bell").bounding_box()
    assert box and box["height"] >= 44 and box["x"] + box["width"] <= width  # a tap target, on screen

    r = httpx.post(f"{live.base}/api/v1/assets/{asset_id}/comments", headers=reviewer, timeout=20,
                   json={"body": "Đề nghị sửa lại tiêu đề"})
    assert r.status_code in (200, 201), r.text
    deadline = time.monotonic() + 30
    count = before
    while count == before and time.monotonic() < deadline:  # the worker's outbox pump makes the notice
        time.sleep(0.1)
        page.reload()
        count = _bell(page)
    assert count == before + 1
    assert "Bình luận mới về: Áp phích chuông" in page.inner_text("main")
    page.click("form[action='/thong-bao/da-doc'] button")
    page.wait_for_url("**/thong-bao")
    assert _bell(page) == 0
    page.context.close()
