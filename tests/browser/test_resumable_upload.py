"""The upload page's tus client on a weak connection: a PATCH lost on the way is retried from the server's
offset, and after a reload choosing the same file again resumes the upload instead of starting over."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PIL import Image

from tests.browser.conftest import Live
from tests.browser.test_browser_flow import new_page, sign_in


def noisy_png(path: Path, size: int = 320) -> Path:
    """Random pixels: about 300 KB, so five 64 KiB PATCHes, and unique per run (duplicates are refused)."""
    Image.frombytes("RGB", (size, size), os.urandom(size * size * 3)).save(path)
    return path


def choose(page: Any, path: Path, title: str) -> None:
    page.set_input_files("#files", [str(path)])
    page.fill("#f0-title", title)
    page.fill("#f0-alt_text", "Ảnh thử tải lên khi mạng chập chờn.")


def asset_of(page: Any) -> str:
    link = page.locator(".row-status a").first
    link.wait_for(timeout=60000)
    return str(link.get_attribute("href")).rsplit("/", 1)[-1]


def test_a_lost_chunk_is_retried_from_the_server_offset(browser: Any, live: Live, tmp_path: Path) -> None:
    image = noisy_png(tmp_path / "mang-yeu.png")
    page = new_page(browser, live)
    sign_in(page, live.producer.email, live.producer.password)
    page.goto("/tai-len")
    patches: list[str] = []
    dropped: list[str] = []

    def flaky(route: Any) -> None:
        request = route.request
        if request.method == "PATCH":
            patches.append(request.headers.get("upload-offset", ""))
            if len(patches) == 2:  # the second chunk never reaches the server
                dropped.append(patches[-1])
                route.abort("connectionreset")
                return
        route.continue_()

    page.route("**/api/v1/uploads/**", flaky)
    choose(page, image, "Thử mất kết nối giữa chừng")
    page.click("#upload-start")
    asset_id = asset_of(page)
    assert dropped == ["65536"], (dropped, patches)
    assert patches.count("65536") == 2, patches  # the lost chunk was sent again from the same offset
    offsets = [int(o) for o in patches]
    assert offsets == sorted(offsets) and offsets[-1] >= image.stat().st_size - 64 * 1024, offsets
    response = page.request.get(f"/api/v1/assets/{asset_id}/original")
    assert response.ok and response.body() == image.read_bytes()
    page.context.close()


def test_reloading_and_choosing_the_file_again_resumes(browser: Any, live: Live, tmp_path: Path) -> None:
    image = noisy_png(tmp_path / "tiep-tuc.png")
    page = new_page(browser, live)
    sign_in(page, live.producer.email, live.producer.password)
    page.goto("/tai-len")
    page.route("**/api/v1/uploads/*", lambda route: route.abort("internetdisconnected")
               if route.request.method == "PATCH" and route.request.headers.get("upload-offset") != "0"
               else route.continue_())
    choose(page, image, "Thử tải tiếp sau khi tải lại trang")
    page.click("#upload-start")
    # The first chunk is in; the connection is gone before the second: wait for the retry note, then leave.
    page.wait_for_function("() => document.querySelector('.row-status').textContent.includes('thử lại')")
    stored = page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('kho-tus:'))")
    assert len(stored) == 1
    page.unroute("**/api/v1/uploads/*")
    page.reload()
    sent: list[tuple[str, str]] = []
    page.on("request", lambda r: sent.append((r.method, r.headers.get("upload-offset", "")))
            if "/api/v1/uploads" in r.url else None)
    choose(page, image, "Thử tải tiếp sau khi tải lại trang")
    page.click("#upload-start")
    asset_id = asset_of(page)
    assert sent[0] == ("HEAD", ""), sent  # it asked where the upload stood rather than creating a new one
    assert not any(method == "POST" for method, _ in sent), sent
    assert [o for m, o in sent if m == "PATCH"][0] == "65536", sent
    response = page.request.get(f"/api/v1/assets/{asset_id}/original")
    assert response.ok and response.body() == image.read_bytes()
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('kho-tus:')).length") == 0
    page.context.close()


def test_a_refused_upload_says_why_and_is_forgotten(browser: Any, live: Live, tmp_path: Path) -> None:
    """The same bytes twice: the second upload is refused as a duplicate when its last byte arrives; the row
    says so and the page forgets that upload (choosing the file again would start afresh)."""
    image = noisy_png(tmp_path / "trung-lap.png", size=120)
    page = new_page(browser, live)
    sign_in(page, live.producer.email, live.producer.password)
    page.goto("/tai-len")
    choose(page, image, "Bản đầu tiên")
    page.click("#upload-start")
    first = asset_of(page)
    page.goto("/tai-len")
    choose(page, image, "Bản trùng lặp")
    page.click("#upload-start")
    note = page.locator(".row-status.error")
    note.wait_for(timeout=60000)
    text = note.inner_text()
    assert text.startswith("Bị từ chối") and "đã có trong kho" in text and first in text, text
    row = page.locator(".file-row").first
    assert row.get_attribute("data-state") == "refused"
    assert row.locator("progress").is_hidden()  # a refused file shows no (full) bar, only the reason
    assert row.locator(".remove-row").is_visible()  # and can be taken off the list
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('kho-tus:')).length") == 0
    page.context.close()
