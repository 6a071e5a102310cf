"""Preview that tells the truth, in Debian Chromium: the video page fetches only its poster before play
(< 300 kB) and then plays; the podcast plays and its waveform scrubs; the reviewer decides in one form
confirmed by a dialog, then sees a flash; the producer uploads a replacement from the web and the reviewer
sees the diff; error pages are Vietnamese for browsers and problem+json for API clients; axe-core finds
no violation of any impact on these pages at 390 and 1366 px."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import AXE, Live, shoot
from tests.browser.test_browser_flow import new_page, sign_in
from tests.support import require_or_skip

PAGES: dict[str, str] = {}  # name → path, for the accessibility sweep at the end
BEFORE_PLAY_LIMIT = 300 * 1024


def _token(email: str) -> str:
    from service.auth import repository as auth_repo
    from service.auth import service as auth_service
    from service.core.db import unit_of_work

    with unit_of_work() as session:
        user = auth_repo.user_by_email(session, email)
        assert user is not None
        return auth_service.issue_token(session, user).token


def _api(live: Live, email: str) -> httpx.Client:
    return httpx.Client(base_url=live.base, headers={"Authorization": f"Bearer {_token(email)}"}, timeout=60)


def _ffmpeg(*args: str) -> None:
    ffmpeg = shutil.which("ffmpeg")
    require_or_skip(ffmpeg is not None, "ffmpeg is not installed")
    subprocess.run([ffmpeg or "ffmpeg", "-v", "error", "-y", *args], check=True, timeout=120)


def _upload(api: httpx.Client, path: Path, media_type: str, meta: dict[str, Any]) -> str:
    r = api.post("/api/v1/assets", files={"file": (path.name, path.read_bytes(), media_type)},
                 data={"metadata": json.dumps(meta, ensure_ascii=False)})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _wait_ready(api: httpx.Client, asset_id: str, *profiles: str) -> None:
    deadline = time.monotonic() + 400
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = api.get(f"/api/v1/assets/{asset_id}/renditions").json()
        status = {p["profile"]: p["status"] for p in body.get("profiles", [])}
        if all(status.get(name) == "ready" for name in profiles) and body.get("job_status") in (
                "succeeded", "failed"):
            return
        time.sleep(0.3)
    raise AssertionError(f"renditions {profiles} did not appear in time: {body}")


@pytest.fixture(scope="module")
def video_id(live: Live, tmp_path_factory: pytest.TempPathFactory) -> str:
    clip = tmp_path_factory.mktemp("video") / "le-khai-giang.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=size=640x360:rate=25", "-f", "lavfi", "-i",
            f"sine=frequency={500 + os.getpid() % 200}", "-t", "6", "-c:v", "libx264", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-shortest", str(clip))
    with _api(live, live.producer.email) as api:
        asset_id = _upload(api, clip, "video/mp4", {"kind": "video", "title": "Lễ khai giảng năm học mới",
                                                    "language": "vi", "summary": "Video lễ khai giảng"})
        _wait_ready(api, asset_id, "web-hls", "web-mp4")
    return asset_id


def test_video_page_loads_only_the_poster_then_plays(browser: Any, live: Live, video_id: str) -> None:
    page = new_page(browser, live)
    sign_in(page, live.producer.email, live.producer.password)
    finished: list[Any] = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(f"/tai-nguyen/{video_id}")
    page.wait_for_load_state("networkidle")
    sizes = [(r.url, r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]) for r in finished]
    total = sum(size for _, size in sizes)
    assert total < BEFORE_PLAY_LIMIT, sizes
    assert any("/static/app.css" in url for url, _ in sizes) and total > 5000, sizes  # the count saw the page
    urls = [url for url, _ in sizes]
    assert not any("/tep/hls/" in u or "hls" in u.rsplit("/", 1)[-1] or u.endswith(".mp4") for u in urls), urls
    assert page.locator("video.player").get_attribute("preload") == "none"
    shoot(page, "30-video-before-play")
    PAGES["video"] = f"/tai-nguyen/{video_id}"

    page.click("[data-play]")
    page.wait_for_function("() => document.querySelector('video.player').currentTime > 0.5", timeout=60000)
    assert page.csp_violations == []
    page.context.close()


def test_audio_is_visible_plays_and_the_waveform_scrubs(browser: Any, live: Live, tmp_path: Path) -> None:
    sound = tmp_path / "ban-tin-giao-duc.wav"
    _ffmpeg("-f", "lavfi", "-i", f"sine=frequency={220 + os.getpid() % 300}:sample_rate=44100", "-t", "20",
            str(sound))
    with _api(live, live.producer.email) as api:
        asset_id = _upload(api, sound, "audio/wav", {"kind": "podcast", "title": "Bản tin giáo dục tuần này",
                                                     "language": "vi"})
        _wait_ready(api, asset_id, "podcast")
    page = new_page(browser, live)
    sign_in(page, live.producer.email, live.producer.password)
    page.goto(f"/tai-nguyen/{asset_id}")
    box = page.locator("audio.player").bounding_box()
    assert box is not None and box["height"] >= 40 and box["width"] > 200  # was 0 px tall
    wave = page.locator("[data-wave]")
    wave_box = wave.bounding_box()
    assert wave_box is not None and wave_box["height"] > 40
    wave.click(position={"x": wave_box["width"] * 0.5, "y": wave_box["height"] / 2})  # jump to the middle
    page.wait_for_function("() => { const a = document.querySelector('audio.player');"
                           " return a.duration > 0 && a.currentTime > a.duration * 0.4; }", timeout=30000)
    start = page.evaluate("() => document.querySelector('audio.player').currentTime")
    page.wait_for_function(f"() => document.querySelector('audio.player').currentTime > {start} + 0.5",
                           timeout=30000)
    assert int(wave.get_attribute("aria-valuenow") or 0) >= 40
    shoot(page, "31-audio")
    PAGES["audio"] = f"/tai-nguyen/{asset_id}"
    assert page.csp_violations == []
    page.context.close()


def _infographic(live: Live, folder: Path, title: str) -> str:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 900), (250, 244, 230))
    ImageDraw.Draw(img).rectangle((30, 30, 570, 160), fill=(180, 30, 30))
    img.putpixel((2, 2), tuple(os.urandom(3)))
    path = folder / "tuyen-sinh.png"
    img.save(path)
    with _api(live, live.producer.email) as api:
        asset_id = _upload(api, path, "image/png", {
            "kind": "infographic", "title": title, "language": "vi", "summary": "Lịch tuyển sinh lớp 10",
            "alt_text": "Infographic nền kem, tiêu đề đỏ về lịch tuyển sinh.", "audiences": ["nha-giao"]})
        _wait_ready(api, asset_id, "web-image")
        r = api.post(f"/api/v1/assets/{asset_id}/submit", json={})
        assert r.status_code == 200, r.text
    return asset_id


def test_review_decision_is_confirmed_then_flashed_and_a_new_version_is_diffed(
        browser: Any, live: Live, tmp_path: Path) -> None:
    asset_id = _infographic(live, tmp_path, "Tuyển sinh lớp 10 năm học mới")
    reviewer = new_page(browser, live)
    sign_in(reviewer, live.reviewer.email, live.reviewer.password)
    reviewer.goto(f"/duyet/{asset_id}")
    assert "Phiên bản đầu tiên" in reviewer.content() and "v1 → v1" not in reviewer.content()
    assert reviewer.locator(".renditions li").count() >= 3
    natural = reviewer.evaluate("() => { const i = document.querySelector('.preview img.hero');"
                                " return [i.naturalWidth, i.naturalHeight]; }")
    assert natural[1] > natural[0]  # the portrait image whole, not a square crop
    shoot(reviewer, "32-review-first-version")
    PAGES["review"] = f"/duyet/{asset_id}"

    reviewer.check("#decision-request_changes")
    reviewer.click("#decision-form button[type=submit]")
    assert not reviewer.locator("#confirm-decision").is_visible()  # no reason: the form says so first
    reviewer.fill("#reason", "Tiêu đề cần nêu rõ thành phố.")
    reviewer.click("#decision-form button[type=submit]")
    dialog = reviewer.locator("#confirm-decision")
    assert dialog.is_visible() and "Yêu cầu sửa" in dialog.inner_text()
    dialog.locator("[data-cancel]").click()  # going back sends nothing
    assert not dialog.is_visible() and reviewer.url.endswith(f"/duyet/{asset_id}")
    reviewer.click("#decision-form button[type=submit]")
    dialog.locator("[data-confirm-yes]").click()
    reviewer.wait_for_url("**/duyet")
    assert "Đã gửi yêu cầu sửa" in reviewer.locator("#flash").inner_text()

    producer = new_page(browser, live)
    sign_in(producer, live.producer.email, live.producer.password)
    producer.goto(f"/tai-nguyen/{asset_id}")
    note = producer.locator(".review-note")
    assert "Tiêu đề cần nêu rõ thành phố." in note.inner_text()
    assert note.bounding_box()["y"] < producer.locator("section.preview").bounding_box()["y"]  # type: ignore[index]
    note.locator("a", has_text="phiên bản mới").click()
    producer.wait_for_url("**/phien-ban-moi")
    PAGES["new-version"] = f"/tai-nguyen/{asset_id}/phien-ban-moi"
    shoot(producer, "33-new-version")
    from PIL import Image

    replacement = tmp_path / "tuyen-sinh-v2.png"
    Image.new("RGB", (600, 900), (230, 244, 250)).save(replacement)
    producer.fill("#nv-title", "Tuyển sinh lớp 10 năm học mới tại thành phố Huế")
    producer.set_input_files("#nv-file", str(replacement))
    producer.click("form[action*='phien-ban-moi'] button[type=submit]")
    producer.wait_for_url(f"**/tai-nguyen/{asset_id}")
    assert "phiên bản 2" in producer.locator("#flash").inner_text()
    with _api(live, live.producer.email) as api:
        _wait_ready(api, asset_id, "web-image")
    producer.goto(f"/tai-nguyen/{asset_id}")
    producer.click("form[action$='/gui-duyet'] button")
    producer.wait_for_url(f"**/tai-nguyen/{asset_id}")
    assert "Đã gửi duyệt" in producer.locator("#flash").inner_text()
    producer.context.close()

    reviewer.goto(f"/duyet/{asset_id}")
    assert "Thay đổi từ phiên bản 1 sang 2" in reviewer.content()
    assert reviewer.locator(".side-by-side img").count() == 2
    assert "tại thành phố Huế" in reviewer.locator(".text-diff ins").first.inner_text()
    shoot(reviewer, "34-review-diff")
    assert reviewer.csp_violations == []
    reviewer.context.close()


def test_error_pages_for_people_and_problems_for_programs(browser: Any, live: Live) -> None:
    page = new_page(browser, live)
    response = page.goto("/duong-dan-go-sai")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy trang" and "{" not in page.locator("main").inner_text()
    shoot(page, "35-error-404")
    sign_in(page, live.staff.email, live.staff.password)
    page.goto("/tai-nguyen/khong-co")
    assert "Không tìm thấy trang" in page.content() and "form" not in page.locator("main").inner_text()
    response = page.goto("/quan-tri")
    assert response is not None and response.status == 403
    assert "Bạn không có quyền xem trang này" in page.locator("h1").inner_text()
    api = page.request.get("/duong-dan-go-sai", headers={"Accept": "application/json"})
    assert api.status == 404 and api.headers["content-type"] == "application/problem+json"
    PAGES["error"] = "/duong-dan-go-sai"
    page.context.close()


def test_no_accessibility_violations_or_overflow_on_these_pages(browser: Any, live: Live) -> None:
    require_or_skip(AXE.exists(), f"axe-core is not installed ({AXE})")
    require_or_skip(bool(PAGES), "the pages above did not run")
    problems: dict[str, list[str]] = {}
    for account, names in ((live.producer, ("video", "audio", "new-version", "error")),
                           (live.reviewer, ("review",))):
        page = new_page(browser, live, bypass_csp=True)  # axe is injected as an inline script
        sign_in(page, account.email, account.password)
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            for name in names:
                if name not in PAGES:
                    continue
                page.goto(PAGES[name])
                overflow = page.evaluate("() => document.documentElement.scrollWidth"
                                         " - document.documentElement.clientWidth")
                if overflow > 0:
                    problems.setdefault(f"{name}@{width}", []).append(f"horizontal overflow {overflow}px")
                page.add_script_tag(path=str(AXE))
                result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
                bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
                       for v in result["violations"]]
                if bad:
                    problems.setdefault(f"{name}@{width}", []).extend(bad)
        page.context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
