"""The producer taps the infographic's headline, sees every channel's crop move, saves, and the crops are
re-made; the page's arithmetic agrees with the server's; axe finds nothing at 390 and 1366 px."""

from __future__ import annotations

import io
import json
import random
import time
from typing import Any

from tests.browser.conftest import AXE as NPM_AXE
from tests.browser.conftest import Live, shoot
from tests.browser.test_browser_flow import new_page, sign_in
from tests.service.assets.media import meta, multipart
from tests.support import require_or_skip
from tests.transcoding.headline_fixture import portrait_infographic
from transcoding.image.geometry import cover_box
from transcoding.types import FocalPoint

# npm puts axe-core under node_modules/; a checkout may hold it one level up (as this repository does).
AXE = NPM_AXE if NPM_AXE.exists() else NPM_AXE.parents[2] / "axe-core" / "axe.min.js"


def _upload(page: Any) -> str:
    page.goto("/tai-len")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    buf = io.BytesIO()
    portrait_infographic((540, 1350)).save(buf, "PNG")
    body, ctype = multipart(meta("infographic", title="Đột phá giáo dục", alt_text="Đột phá giáo dục"),
                            "dot-pha.png", buf.getvalue())
    r = page.request.post("/api/v1/assets", data=body, headers={"Content-Type": ctype, "X-CSRF-Token": token})
    assert r.status == 201, r.text()
    return str(r.json()["id"])


def _wait_job(page: Any, job_id: str, deadline_s: float = 240) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        job = page.request.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            assert job["status"] == "succeeded", job
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"job {job_id} did not finish")


def _crop_ids(page: Any, asset_id: str) -> dict[str, str]:
    body = page.request.get(f"/api/v1/assets/{asset_id}/renditions").json()
    return {f"{p['profile']}/{r['spec']}": r["id"] for p in body["profiles"] for r in p["renditions"]}


def _axe(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]]


def test_tap_the_headline_preview_save_and_the_crops_are_re_made(browser: Any, live: Live) -> None:
    require_or_skip(AXE.exists(), f"axe-core is not installed ({AXE})")
    page = new_page(browser, live, bypass_csp=True)  # axe is injected as an inline script
    sign_in(page, live.producer.email, live.producer.password)
    asset_id = _upload(page)
    _wait_job(page, page.request.get(f"/api/v1/assets/{asset_id}/renditions").json()["job_id"])
    before = _crop_ids(page, asset_id)

    page.goto(f"/tai-nguyen/{asset_id}")
    page.get_by_role("link", name="Chỉnh điểm chính và xem khung cắt").click()
    page.wait_for_url(f"**/tai-nguyen/{asset_id}/diem-chinh")
    picture = page.locator(".focal-picture")
    picture.wait_for()
    page.wait_for_function("document.querySelector('.focal-picture').naturalWidth > 0")
    story = page.locator('.crop-frame[data-key="vertical/story-1080x1920"]')
    # The server's boxes for the saved point and the page's own agree.
    for frame in page.locator(".crop-frame").all():
        server = [float(v) for v in frame.get_attribute("data-server-box").split(",")]
        client = [float(v) for v in frame.get_attribute("data-box").split(",")]
        assert max(abs(a - b) for a, b in zip(server, client, strict=True)) < 1e-5

    # Tap near the bottom of the picture: the 9:16 story slides down, the readout and sliders follow.
    first_box = story.get_attribute("data-box")
    box = picture.bounding_box()
    page.locator(".focal-stage").click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.95})
    assert story.get_attribute("data-box") != first_box
    assert float(story.get_attribute("data-box").split(",")[3]) > 0.999  # reaches the bottom edge
    assert abs(float(page.locator("#focal-y").input_value()) - 95) < 1.5
    # Arrow keys move it too (keyboard users): up by 1 % per press.
    page.locator(".focal-stage").focus()
    page.keyboard.press("ArrowUp")
    assert abs(float(page.locator("#focal-y").input_value()) - 94) < 1.5
    # Then tap the headline at the top and save.
    page.locator(".focal-stage").click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.08})
    assert float(story.get_attribute("data-box").split(",")[1]) == 0.0
    shoot(page, "focal-page")
    assert not _axe(page), _axe(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert not _axe(page)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Lưu và làm lại ảnh cắt").click()
    page.wait_for_url("**/diem-chinh?saved=1*")
    assert "Đã lưu điểm chính" in page.locator("#ket-qua").inner_text()
    job_id = page.locator("#ket-qua [data-job]").get_attribute("data-job")
    _wait_job(page, job_id)
    after = _crop_ids(page, asset_id)
    for key in ("zalo-oa/cover-16x9", "web-image/thumb-320", "vertical/story-1080x1920"):
        assert after[key] != before[key], key
    assert after["web-image/jpeg-1600"] == before["web-image/jpeg-1600"]  # not a crop: untouched

    # The same arithmetic on both sides, for many pictures, shapes and points.
    rng = random.Random(71)
    cases = [(rng.randint(1, 9000), rng.randint(1, 9000), rng.randint(1, 4000), rng.randint(1, 4000),
              rng.random(), rng.random()) for _ in range(300)]
    cases += [(1080, 2700, 1280, 720, 0.5, 0.1), (409, 500, 320, 320, 1.0, 1.0), (7, 3, 1, 1, 0.0, 0.0)]
    got = page.evaluate("cases => cases.map(c => window.KhoFocal.coverBox(...c))", cases)
    for case, js in zip(cases, got, strict=True):
        py = cover_box((case[0], case[1]), (case[2], case[3]), FocalPoint(case[4], case[5]))
        assert list(py) == js, json.dumps([case, py, js])

    # The asset page's channel downloads: no axe violations at both widths either.
    page.goto(f"/tai-nguyen/{asset_id}")
    page.locator("#kenh-tiktok summary").click()
    assert page.locator("#kenh-tiktok .channel-file a").is_visible()
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert not _axe(page), (width, _axe(page))
    shoot(page, "asset-downloads")
    page.context.close()
