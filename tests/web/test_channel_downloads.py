"""Downloads by channel on the asset page, and the focal point page: save, re-make only the crops, no
object left behind."""

from __future__ import annotations

import html
import re
import uuid

from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.assets.media import png
from tests.web.conftest import csrf_from, sign_in, upload_as
from transcoding.channels import channels

JARGON = ("jpeg-1600", "thumb-320", "cover-16x9", "webp-800", "story-1080x1920")


def _process(web: TestClient, asset_id: str) -> dict:
    from service.core.runtime import current
    from service.jobs.runner import run_job

    body = web.get(f"/api/v1/assets/{asset_id}/renditions").json()
    assert run_job(current(), body["job_id"]) == "succeeded"
    return web.get(f"/api/v1/assets/{asset_id}/renditions").json()


def _section(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end)]


def test_the_channel_mapping_is_data_checked_against_the_profiles() -> None:
    codes = [c.code for c in channels()]
    assert codes == ["zalo-oa", "facebook", "tiktok", "youtube", "website", "loudspeaker", "print", "tv"]
    assert {c.code for c in channels() if c.social} == {"zalo-oa", "facebook", "tiktok", "youtube"}


def test_asset_page_offers_one_file_per_channel_with_words_not_jargon(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "producer")
    asset_id = upload_as(client, "Infographic chuyển đổi số", content=png(size=(900, 1400)), tags=["chuyển đổi số"])
    body = _process(client, asset_id)
    by_spec = {(p["profile"], r["spec"]): r for p in body["profiles"] for r in p["renditions"]}
    page = client.get(f"/tai-nguyen/{asset_id}").text
    downloads = _section(page, 'id="dl-heading"', 'id="meta-heading"')
    assert "Đăng ở đâu?" in downloads and "Tất cả các bản" in downloads
    for label in ("Zalo OA", "Facebook", "TikTok", "Trang web", "In ấn", "Truyền hình"):
        assert f"<summary>{label}</summary>" in downloads
    assert "<summary>YouTube</summary>" not in downloads  # no YouTube file for a picture
    panels = dict(re.findall(r'id="kenh-([a-z-]+)".*?<a class="button primary" href="([^"]+)"', downloads, re.S))
    expected = {"zalo-oa": ("zalo-oa", "jpeg"), "facebook": ("facebook-feed", "1080x1350"),
                "tiktok": ("vertical", "story-1080x1920"), "website": ("web-image", "jpeg-1600"),
                "print": ("print", "pdf-300ppi"), "tv": ("signage", "1920x1080")}
    for code, key in expected.items():
        assert html.unescape(panels[code]).split("?")[0] == by_spec[key]["download_url"].split("?")[0], code
    zalo = by_spec[("zalo-oa", "jpeg")]
    assert f"Ảnh JPEG · {zalo['width']}×{zalo['height']} · " in downloads
    assert "Ảnh trọn vẹn dưới 1 MB, đăng bài trên Zalo OA" in downloads
    for word in JARGON:
        assert word not in html.unescape(re.sub(r'href="[^"]*"', "", downloads)), word
    captions = re.findall(r'<textarea id="caption-([a-z-]+)" readonly rows="5">(.*?)</textarea>', downloads, re.S)
    assert {c for c, _ in captions} == {"zalo-oa", "facebook", "tiktok"}
    text = html.unescape(captions[0][1])
    assert text.startswith("Infographic chuyển đổi số") and "#NghiQuyet71" in text and "#ChuyenDoiSo" in text
    assert f"/tai-nguyen/{asset_id}" in text
    assert 'data-copy="caption-zalo-oa"' in downloads and 'data-copy="embed"' in downloads
    every = {r["id"] for p in body["profiles"] for r in p["renditions"]
             if r["media_type"] != "application/vnd.apple.mpegurl"}
    assert len(re.findall(r'<li><a href="[^"]+" download>', downloads)) == len(every)
    assert f'href="/tai-nguyen/{asset_id}/diem-chinh"' in downloads  # the producer may move the focal point


def test_staff_see_channels_but_not_the_focal_link(client: TestClient, factory: Factory) -> None:
    sign_in(client, factory, "producer")
    asset_id = upload_as(client, "Áp phích", content=png(size=(400, 600)))
    _process(client, asset_id)
    assert client.get(f"/tai-nguyen/{asset_id}/diem-chinh").status_code == 200
    from service.core.db import unit_of_work
    from service.models import Asset

    with unit_of_work() as session:  # published, so staff may see it
        asset = session.get(Asset, uuid.UUID(asset_id))
        assert asset is not None
        asset.status = "published"
    staff = TestClient(client.app, raise_server_exceptions=False)
    sign_in(staff, factory, "staff")
    page = staff.get(f"/tai-nguyen/{asset_id}").text
    assert "Đăng ở đâu?" in page and "/diem-chinh" not in page
    assert staff.get(f"/tai-nguyen/{asset_id}/diem-chinh").status_code in (403, 404)


def test_saving_the_focal_point_re_makes_only_the_crops(client: TestClient, factory: Factory) -> None:
    from service.core.db import unit_of_work
    from service.core.runtime import current, get_store
    from service.jobs.runner import run_job
    from service.models import Version

    sign_in(client, factory, "producer")
    asset_id = upload_as(client, "Tiêu đề lớn", content=png(size=(600, 1500)))
    first = _process(client, asset_id)
    before = {(p["profile"], r["spec"]): r["id"] for p in first["profiles"] for r in p["renditions"]}
    page = client.get(f"/tai-nguyen/{asset_id}/diem-chinh")
    assert page.status_code == 200
    frames = re.findall(r'data-key="([^"]+)" data-server-box="([^"]*)"', page.text)
    assert {k for k, _ in frames} == {"zalo-oa/cover-16x9", "web-image/thumb-320", "vertical/story-1080x1920",
                                      "facebook-feed/1200x630"}
    r = client.post(f"/tai-nguyen/{asset_id}/diem-chinh", data={"x": "30", "y": "90",
                                                                "csrf_token": csrf_from(page.text)},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    version_id = uuid.UUID(first["version_id"])
    with unit_of_work() as session:
        version = session.get(Version, version_id)
        assert version is not None
        assert (version.focal_x, version.focal_y, version.focal_source, version.focal_revision) == (
            0.3, 0.9, "manual", 1)
    saved = client.get(f"/tai-nguyen/{asset_id}/diem-chinh?saved=1").text
    assert "Đã lưu điểm chính" in saved and f'data-job="focal:{version_id}:1"' in saved
    # The 9:16 story of a 600×1500 picture: with y = 90 % it sits at the bottom edge.
    story = dict(frames)["vertical/story-1080x1920"]
    assert story and dict(re.findall(r'data-key="([^"]+)" data-server-box="([^"]*)"', saved)
                          )["vertical/story-1080x1920"] != story
    assert run_job(current(), f"focal:{version_id}:1") == "succeeded"
    after_body = client.get(f"/api/v1/assets/{asset_id}/renditions").json()
    after = {(p["profile"], r["spec"]): r["id"] for p in after_body["profiles"] for r in p["renditions"]}
    crops = {("zalo-oa", "cover-16x9"), ("web-image", "thumb-320"), ("vertical", "story-1080x1920"),
             ("facebook-feed", "1200x630")}
    assert set(after) == set(before)
    for key in before:
        assert (after[key] != before[key]) == (key in crops), key
    keys = {s.key for s in get_store().list("renditions/") if version_id.hex in s.key}
    recorded = {r["object_key"] for p in after_body["profiles"] for r in p["renditions"] if "object_key" in r}
    with unit_of_work() as session:
        from service.renditions import repository as rendition_repository

        rows = rendition_repository.of_version(session, version_id)
        assert keys == {row.object_key for row in rows}  # old crops deleted, nothing orphaned
    assert recorded <= keys
    bad = client.post(f"/tai-nguyen/{asset_id}/diem-chinh", data={"x": "130", "y": "0",
                                                                  "csrf_token": csrf_from(page.text)})
    assert bad.status_code == 422
