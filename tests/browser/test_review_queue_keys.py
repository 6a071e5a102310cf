"""The reviewer of a published asset's pending version sees that version's picture (not the live one), and
steps through the review queue with → and ←, in Debian Chromium; the page passes the checks every page gets
(no sideways scroll, zero axe-core violations, 44 px targets) at 1366 and 390 px."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from tests.browser.conftest import Live, inspect_page
from tests.browser.test_browser_flow import new_page, sign_in
from tests.browser.test_players_review import _api

RED, BLUE = (200, 30, 30), (30, 60, 200)


def _png(colour: tuple[int, int, int], path: Path) -> Path:
    img = Image.new("RGB", (600, 800), colour)
    img.putpixel((2, 2), tuple(os.urandom(3)))  # bytes nobody else uploaded
    img.save(path)
    return path


def _ready(api: httpx.Client, path: str) -> None:
    deadline = time.monotonic() + 300
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = api.get(path).json()
        if body.get("job_status") in ("succeeded", "failed"):
            assert body["job_status"] == "succeeded", body
            return
        time.sleep(0.2)
    raise AssertionError(f"{path} not processed in time: {body}")


def _upload(api: httpx.Client, path: Path, title: str) -> str:
    meta = {"kind": "infographic", "title": title, "language": "vi", "summary": "Tóm tắt", "alt_text": title,
            "audiences": ["nha-giao"]}
    r = api.post("/api/v1/assets", files={"file": (path.name, path.read_bytes(), "image/png")},
                 data={"metadata": json.dumps(meta, ensure_ascii=False)})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _centre(content: bytes) -> tuple[int, ...]:
    img = Image.open(io.BytesIO(content)).convert("RGB")
    return tuple(img.getpixel((img.width // 2, img.height // 2)))  # type: ignore[arg-type]


def _near(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return all(abs(x - y) < 40 for x, y in zip(a, b, strict=True))


def test_pending_version_preview_and_queue_keys(browser: Any, live: Live, tmp_path: Path) -> None:
    with _api(live, live.producer.email) as producer, _api(live, live.reviewer.email) as reviewer_api:
        revised = _upload(producer, _png(RED, tmp_path / "do.png"), "Lịch thi đỏ")
        _ready(producer, f"/api/v1/assets/{revised}/renditions")
        assert producer.post(f"/api/v1/assets/{revised}/submit", json={}).status_code == 200
        r = reviewer_api.post(f"/api/v1/assets/{revised}/approve", json={})
        assert r.status_code == 200 and r.json()["status"] == "published", r.text
        blue = _png(BLUE, tmp_path / "xanh.png")
        r = producer.post(f"/api/v1/assets/{revised}/versions", files={"file": (blue.name, blue.read_bytes(),
                                                                              "image/png")})
        assert r.status_code == 201, r.text
        _ready(producer, f"/api/v1/assets/{revised}/versions/2/renditions")
        assert producer.post(f"/api/v1/assets/{revised}/submit", json={}).status_code == 200
        other = _upload(producer, _png((240, 240, 230), tmp_path / "kem.png"), "Tin khác chờ duyệt")
        assert producer.post(f"/api/v1/assets/{other}/submit", json={}).status_code == 200
        queue = [i["asset_id"] for i in reviewer_api.get("/api/v1/review-queue").json()]
    assert revised in queue and other in queue

    page = new_page(browser, live)
    sign_in(page, live.reviewer.email, live.reviewer.password)
    page.goto(f"/duyet/{revised}")
    hero = page.locator(".preview img.hero")
    assert _near(_centre(page.request.get(hero.get_attribute("src") or "").body()), BLUE)  # version 2's
    inspect_page(page, "36-review-pending-version")

    at = queue.index(revised)
    if at + 1 < len(queue):
        page.locator("h1").click()  # the keys belong to the page, not to a field
        page.keyboard.press("ArrowRight")
        page.wait_for_url(f"**/duyet/{queue[at + 1]}")
        page.keyboard.press("ArrowLeft")
        page.wait_for_url(f"**/duyet/{revised}")
    if at > 0:
        page.keyboard.press("ArrowLeft")
        page.wait_for_url(f"**/duyet/{queue[at - 1]}")
        page.go_back()
    page.goto(f"/duyet/{revised}")
    page.fill("#reason", "→ trong ô lý do")
    page.keyboard.press("ArrowRight")  # inside a field the arrow moves the caret, never the page
    assert page.url.endswith(f"/duyet/{revised}")
    assert page.csp_violations == []
    page.context.close()
