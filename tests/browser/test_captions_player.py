"""Captions in the player, in Debian Chromium: a published video with Vietnamese and Hmông captions, played
through hls.js (native HLS switched off), lists the subtitle tracks hls.js read from the master playlist."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from tests.browser.conftest import Live
from tests.browser.test_browser_flow import new_page, sign_in
from tests.service.assets.test_search_api import publish
from tests.support import require_or_skip

VI = "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nChào mừng Ngày Nhà giáo Việt Nam\n"
HMN = "1\n00:00:00,000 --> 00:00:03,000\nHmôngz: Txưz kiv đuô ntơưv\n"


def _token(email: str) -> str:
    from service.auth import repository as auth_repo
    from service.auth import service as auth_service
    from service.core.db import unit_of_work

    with unit_of_work() as session:
        user = auth_repo.user_by_email(session, email)
        assert user is not None
        return auth_service.issue_token(session, user).token


def _job_done(api: httpx.Client, asset_id: str) -> None:
    deadline = time.monotonic() + 300
    body: dict[str, object] = {}
    while time.monotonic() < deadline:
        body = api.get(f"/api/v1/assets/{asset_id}/renditions").json()
        if body.get("job_status") in ("succeeded", "failed"):
            return
        time.sleep(0.3)
    raise AssertionError(f"the processing job did not finish in time: {body}")


def _captioned_video(live: Live, folder: Path) -> str:
    ffmpeg = shutil.which("ffmpeg")
    require_or_skip(ffmpeg is not None, "ffmpeg is not installed")
    clip = folder / "phu-de.mp4"
    subprocess.run([ffmpeg or "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=25",
                    "-f", "lavfi", "-i", f"sine=frequency={300 + os.getpid() % 300}", "-t", "4", "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(clip)], check=True, timeout=60)
    headers = {"Authorization": f"Bearer {_token(live.producer.email)}"}
    with httpx.Client(base_url=live.base, headers=headers, timeout=60) as api:
        r = api.post("/api/v1/assets", files={"file": ("phu-de.mp4", clip.read_bytes(), "video/mp4")},
                     data={"metadata": '{"kind": "video", "title": "Video có phụ đề hai thứ tiếng", "language": "vi"}'})
        assert r.status_code == 201, r.text
        asset_id = str(r.json()["id"])
        for lang, text in (("vi", VI), ("hmn", HMN)):
            r = api.post(f"/api/v1/assets/{asset_id}/captions", data={"language": lang},
                         files={"file": (f"c.{lang}.vtt", text.encode(), "text/vtt")})
            assert r.status_code == 201, r.text
        # A caption restarts a finished processing job, but one added while the job already runs is not
        # packaged (the running job is left as it is). The test used to count on the worker's idle backoff
        # (up to 10 s) to post both before the upload's run began; now the HLS set is made again once that
        # run is over, with both captions stored.
        _job_done(api, asset_id)
        r = api.post(f"/api/v1/assets/{asset_id}/renditions:regenerate", json={"profiles": ["web-hls"]})
        assert r.status_code == 202, r.text
        # The regenerated set replaces the first one (new rendition rows): a page opened before the job ends
        # would name the old master. The job is queued from the 202 on, so this waits for the new set.
        _job_done(api, asset_id)
        body = api.get(f"/api/v1/assets/{asset_id}/renditions").json()
        assert body["job_status"] == "succeeded", body
        hls = next((p for p in body["profiles"] if p["profile"] == "web-hls"), None)
        assert hls and hls["status"] == "ready", body
        assert {"captions-vi", "captions-hmn"} <= {r["variant"] for r in hls["renditions"]}, body
    publish(asset_id)
    return asset_id


def test_hls_js_lists_the_subtitle_tracks(browser: Any, live: Live, tmp_path: Path) -> None:
    asset_id = _captioned_video(live, tmp_path)
    page = new_page(browser, live)
    page.add_init_script("const orig = HTMLMediaElement.prototype.canPlayType;"
                         "HTMLMediaElement.prototype.canPlayType = function (t) {"
                         " return /mpegurl/i.test(t) ? '' : orig.call(this, t); };")
    sign_in(page, live.staff.email, live.staff.password)
    page.goto(f"/tai-nguyen/{asset_id}")
    assert page.locator("script[src='/static/vendor/hls.min.js']").count() == 0  # loaded on play, not before
    page.click("[data-play]")
    page.wait_for_function("() => !!window.Hls")
    assert page.locator("script[src='/static/vendor/hls.min.js']").count() == 1
    page.wait_for_function("() => document.querySelector('video.player').currentSrc.startsWith('blob:')",
                           timeout=30000)
    # hls.js names its text tracks after the master's NAME attributes (the languages' own names); the page's
    # <track> elements ("Tiếng Hmông") are gone once hls.js has them.
    page.wait_for_function("() => Array.from(document.querySelector('video.player').textTracks)"
                           ".map(t => t.label).includes('Lus Hmoob')", timeout=30000)
    tracks = page.evaluate("() => Array.from(document.querySelector('video.player').textTracks)"
                           ".map(t => [t.label, t.language, t.kind])")
    assert sorted(tracks) == [["Lus Hmoob", "hmn", "subtitles"], ["Tiếng Việt", "vi", "subtitles"]], tracks
    assert page.csp_violations == []
    page.context.close()
