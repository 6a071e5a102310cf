"""The HLS file route on a real transcoded video, the dashboard's server-side SVG charts and kits."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.workflow.wf_support import process_latest
from tests.support import require_or_skip
from tests.web.conftest import another, csrf_from, sign_in, upload_as


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    require_or_skip(shutil.which("ffmpeg") is not None, "ffmpeg is not installed")
    out = tmp_path_factory.mktemp("clip") / "clip.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=25", "-f", "lavfi",
                    "-i", "sine=frequency=440", "-t", "4", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
                    "-shortest", str(out)], check=True, timeout=60)
    return out.read_bytes()


def _make_hls_only(asset_id: str) -> None:
    """Runs the real processing job, limited to the web-hls profile (keeps the test small)."""
    from service.core.db import unit_of_work
    from service.core.runtime import current
    from service.jobs import repository as jobs_repo
    from service.jobs import service as jobs
    from service.jobs.runner import run_job
    from service.models import Asset, Version

    with unit_of_work() as session:
        asset = session.get(Asset, uuid.UUID(asset_id))
        assert asset is not None and asset.current_version_id is not None
        version = session.get(Version, asset.current_version_id)
        assert version is not None
        job = jobs_repo.get(session, jobs.process_job_id(version.id))
        assert job is not None
        jobs.cancel(session, job)
        jobs.enqueue_processing(session, asset, version, profiles=["web-hls"], restart=True)
        job_id = job.id
    status = run_job(current(), job_id)
    with unit_of_work() as session:
        done = jobs_repo.get(session, job_id)
        assert status == "succeeded", (done.error, done.error_code) if done else None


def test_hls_files_through_the_page_route(client: TestClient, factory: Factory, clip: bytes) -> None:
    org = factory.org()
    sign_in(client, factory, "producer", org)
    asset_id = upload_as(client, "Video Ngày Nhà giáo", "video", filename="video.mp4", content=clip,
                         urgent=False)
    _make_hls_only(asset_id)
    listing = client.get(f"/api/v1/assets/{asset_id}/renditions").json()
    hls = next(p for p in listing["profiles"] if p["profile"] == "web-hls")["renditions"]
    master = next(r for r in hls if r["variant"].endswith("master"))
    base = f"/tep/hls/{asset_id}/{master['id']}/"

    r = client.get(base + "master.m3u8")
    assert r.status_code == 200 and r.text.startswith("#EXTM3U")
    assert r.headers["content-type"].startswith("application/vnd.apple.mpegurl")
    assert "private" in r.headers["cache-control"]
    rung = next(line for line in r.text.splitlines() if line and not line.startswith("#"))
    playlist = client.get(base + rung)
    assert playlist.status_code == 200 and "#EXT-X-MAP:URI=\"init.mp4\"" in playlist.text
    init_url = base + rung.rsplit("/", 1)[0] + "/init.mp4"

    for bad in ("%2e%2e/%2e%2e/x", "a/%2e%2e/%2e%2e/master.m3u8", "web-hls/master.m3u8", "nope.m3u8", ".hidden"):
        assert client.get(base + bad).status_code == 404, bad
    assert client.get(base + "../master.m3u8").status_code in (404, 422)  # the client already folds the dots
    stranger = another(client)
    sign_in(stranger, factory, "staff", factory.org())
    assert stranger.get(base + "master.m3u8").status_code == 404  # a draft of another unit
    assert another(client).get(base + "master.m3u8", follow_redirects=False).status_code == 303

    init = client.get(init_url, headers={"Range": "bytes=0-7"})
    assert init.status_code == 206 and init.content[4:8] == b"ftyp" and init.headers["content-type"] == "video/mp4"
    segment = next(line for line in playlist.text.splitlines() if line and not line.startswith("#"))
    media = client.get(base + rung.rsplit("/", 1)[0] + "/" + segment)
    assert media.status_code == 200 and len(media.content) > 1000
    page = client.get(f"/tai-nguyen/{asset_id}")
    assert f'data-hls="{base}master.m3u8"' in page.text and "/static/vendor/hls.light.min.js" in page.text

    _delete_stored(hls, rung.rsplit("/", 1)[0] + "/init.mp4")  # a set missing a file is not offered
    assert client.get(init_url).status_code == 404
    assert "data-hls" not in client.get(f"/tai-nguyen/{asset_id}").text


def _delete_stored(hls: list[dict], suffix: str) -> None:
    from service.assets.rendition_files import companion_key
    from service.core.db import unit_of_work
    from service.core.runtime import get_store
    from service.models import Rendition

    owner = next(r for r in hls if any(f.endswith("/" + suffix) for f in r["extra"].get("files", [])))
    rel = next(f for f in owner["extra"]["files"] if f.endswith("/" + suffix))
    with unit_of_work() as session:
        row = session.get(Rendition, uuid.UUID(owner["id"]))
        assert row is not None
        key = companion_key(row.object_key, row.extra, rel)
    assert key is not None
    get_store().delete(key)


def test_dashboard_draws_svg_charts_for_reviewers(client: TestClient, factory: Factory) -> None:
    province = factory.org("province")
    producer = client
    sign_in(producer, factory, "producer", province)
    title = '<script>alert("bao-cao")</script> Infographic'
    asset_id = upload_as(producer, title)
    token = csrf_from(producer.get("/cua-toi").text)
    producer.post(f"/tai-nguyen/{asset_id}/gui-duyet", data={"csrf_token": token})
    reviewer = another(client)
    sign_in(reviewer, factory, "reviewer", province)
    assert process_latest(asset_id) == "succeeded"  # renditions first: publication waits for them
    reviewer.post(f"/duyet/{asset_id}/approve", data={"csrf_token": csrf_from(reviewer.get("/duyet").text)})
    staff = another(client)
    sign_in(staff, factory, "staff", factory.org("school", province))
    assert staff.get(f"/api/v1/assets/{asset_id}/original").status_code == 200
    assert staff.get("/bao-cao").status_code == 403 and 'href="/bao-cao"' not in staff.get("/").text

    page = reviewer.get("/bao-cao")
    assert page.status_code == 200, page.text[:300]
    assert page.text.count('<svg viewBox="0 0 400') >= 3 and 'role="img"' in page.text
    # The title is text in the chart (escaped by the SVG's element tree, which leaves quotes in text as is).
    assert '&lt;script&gt;alert("bao-cao")&lt;/script&gt;' in page.text and "<script>alert" not in page.text
    top = page.text.split('id="chart-top-assets-desc"', 1)[1].split("</desc>", 1)[0]
    assert ": 1" in top
    # The SVG is an image named by its own <title> (the chart's title), as the PDF embeds it too.
    svg = re.search(r'<svg [^>]*aria-labelledby="chart-top-assets-title"[^>]*>', page.text)
    assert svg is not None and 'role="img"' in svg.group()
    assert '<title id="chart-top-assets-title">Tài nguyên được tải nhiều nhất</title>' in page.text
    assert "style=" not in page.text  # the strict CSP forbids inline styles
    assert reviewer.get("/bao-cao?ky=2026-H3").status_code == 422
    assert re.search(r'href="/api/v1/reports/[^"]+format=xlsx"', page.text)


def test_kits_page_builds_a_collection(client: TestClient, factory: Factory) -> None:
    province = factory.org("province")
    sign_in(client, factory, "producer", province)
    asset_id = upload_as(client, "Áp phích cho bộ sưu tập")
    client.post(f"/tai-nguyen/{asset_id}/gui-duyet", data={"csrf_token": csrf_from(client.get("/cua-toi").text)})
    reviewer = another(client)
    sign_in(reviewer, factory, "reviewer", province)
    assert process_latest(asset_id) == "succeeded"  # renditions first: publication waits for them
    reviewer.post(f"/duyet/{asset_id}/approve", data={"csrf_token": csrf_from(reviewer.get("/duyet").text)})
    page = client.get("/bo-suu-tap")
    assert f'value="{asset_id}"' in page.text
    form = {"title": "Ngày Nhà giáo <20/11>", "asset": [asset_id], f"profile-{asset_id}": "",
            "csrf_token": csrf_from(page.text)}
    assert client.post("/bo-suu-tap", data={**form, "csrf_token": "x"}).status_code == 403
    r = client.post("/bo-suu-tap", data=form, follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/bo-suu-tap")
    assert "Ngày Nhà giáo &lt;20/11&gt;" in page.text
    zip_link = re.search(r'href="(/api/v1/kits/[a-z0-9-]+\.zip)"', page.text)
    assert zip_link
    archive = client.get(zip_link.group(1))
    assert archive.status_code == 200 and archive.content[:2] == b"PK"
