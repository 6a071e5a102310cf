"""Captions through the API on both stacks: strict refusals naming the line, upload in two languages,
the processing job packaging them (read back with ffprobe and the m3u8 parser), transcript, search."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import m3u8
import pytest

from tests.service.assets.test_renditions import run_processing
from tests.service.assets.test_search_api import drain, publish
from tests.service.languages.test_caption_media import HMN
from tests.service.workflow.wf_support import Flow, Tree, problem
from tests.transcoding.av_media import probe_json
from tests.web.conftest import another, sign_in
from transcoding.tools import ffmpeg_path

VI_SRT = "1\n00:00:00,200 --> 00:00:01,000\nChào mừng thầy cô\n\n2\n00:00:01,000 --> 00:00:01,800\nĐổi mới giáo dục\n"


def _clip(tmp: Path) -> bytes:
    out = tmp / "clip.mp4"
    subprocess.run([ffmpeg_path() or "ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc2=size=320x180:rate=25:duration=2", "-f", "lavfi", "-i",
                    "sine=frequency=500:sample_rate=48000:duration=2", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-metadata", f"comment={uuid.uuid4()}",
                    str(out)], check=True, timeout=120)
    return out.read_bytes()


def _send(flow: Flow, headers: dict[str, str], asset_id: str, language: str, raw: bytes, name: str = "c.srt"):
    return flow.client.post(f"/api/v1/assets/{asset_id}/captions", headers=headers,
                            data={"language": language}, files={"file": (name, raw, "application/x-subrip")})


def test_caption_files_are_refused_with_the_line(flow: Flow, tree: Tree, tmp_path: Path) -> None:
    h = tree.h["producer"]
    video = flow.upload(h, kind="video", content=_clip(tmp_path), title="Video phụ đề lỗi")
    overlapping = "WEBVTT\n\n00:01.000 --> 00:03.000\nMột\n\n00:02.500 --> 00:04.000\nHai\n".encode()
    body = problem(_send(flow, h, video, "vi", overlapping, "c.vtt"), 422, "caption_invalid")
    assert body["line"] == 6 and "dòng 6" in body["detail"] and "line 6" in body["detail_en"]
    bad_time = "1\n00:00:01,000 --> 00:00:2,000\nMột\n".encode()
    assert problem(_send(flow, h, video, "vi", bad_time), 422, "caption_invalid")["line"] == 2
    latin1 = b"1\n00:00:01,000 --> 00:00:02,000\nTh\xe2y c\xf4\n"
    assert "UTF-8" in problem(_send(flow, h, video, "vi", latin1), 422, "caption_invalid")["detail"]
    problem(_send(flow, h, video, "qya", VI_SRT.encode()), 422, "language_unsupported")
    image = flow.upload(h)
    problem(_send(flow, h, image, "vi", VI_SRT.encode()), 422, "caption_not_media")
    problem(_send(flow, tree.h["other_producer"], video, "vi", VI_SRT.encode()), 404)
    assert flow.get(h, f"/api/v1/assets/{video}/captions").json() == []  # nothing half-written


@pytest.mark.slow
def test_captions_survive_upload_packaging_transcript_and_search(flow: Flow, tree: Tree, tmp_path: Path) -> None:
    h = tree.h["producer"]
    video = flow.upload(h, kind="video", content=_clip(tmp_path), title="Video có phụ đề", language="vi")
    r = _send(flow, h, video, "vi", VI_SRT.encode())
    assert r.status_code == 201, r.text
    assert r.json()["cues"] == 2 and r.json()["label_vi"] == "Tiếng Việt"
    assert _send(flow, h, video, "hmn", HMN.encode()).status_code == 201
    listed = {c["language"]: c for c in flow.get(h, f"/api/v1/assets/{video}/captions").json()}
    assert set(listed) == {"vi", "hmn"}
    vtt = flow.client.get(listed["vi"]["url"], headers=h)
    assert vtt.headers["content-type"].startswith("text/vtt")
    assert vtt.text.startswith("WEBVTT\n\n00:00:00.200 --> 00:00:01.000\nChào mừng thầy cô")

    body = run_processing(flow.client, h, video)
    by_profile = {p["profile"]: p["renditions"] for p in body["profiles"]}
    mp4 = next(r for r in by_profile["web-mp4"] if r["media_type"] == "video/mp4")
    (tmp_path / "web.mp4").write_bytes(flow.client.get(mp4["download_url"], headers=h).content)
    streams = probe_json(tmp_path / "web.mp4")["streams"]
    assert sorted((s["codec_name"], s["tags"]["language"]) for s in streams if s["codec_type"] == "subtitle") == [
        ("mov_text", "hmn"), ("mov_text", "vie")]
    master_row = next(r for r in by_profile["web-hls"] if r["variant"] == "master")
    master = m3u8.loads(flow.client.get(master_row["download_url"], headers=h).text)
    assert {(m.type, m.group_id, m.language) for m in master.media} == {("SUBTITLES", "subs", "vi"),
                                                                       ("SUBTITLES", "subs", "hmn")}
    vertical = next(r for r in by_profile["vertical"] if r["media_type"] == "video/mp4")
    (tmp_path / "vertical.mp4").write_bytes(flow.client.get(vertical["download_url"], headers=h).content)
    assert not [s for s in probe_json(tmp_path / "vertical.mp4")["streams"] if s["codec_type"] == "subtitle"]

    web = another(flow.client)
    sign_in(web, flow.factory, "producer", tree.codes["dept"])
    page = web.get(f"/tai-nguyen/{video}/loi-thoai")
    assert page.status_code == 200
    assert "<li>Hmôngz: Txưz kiv đuô ntơưv</li>" in page.text and "<li>Chào mừng thầy cô</li>" in page.text
    asset_page = web.get(f"/tai-nguyen/{video}").text
    assert 'srclang="hmn" label="Tiếng Hmông"' in asset_page and 'srclang="vi" label="Tiếng Việt"' in asset_page
    assert f'href="/tai-nguyen/{video}/loi-thoai"' in asset_page

    publish(video)
    drain()
    hits = flow.get(tree.h["staff"], "/api/v1/search", q="Txưz kiv đuô").json()["items"]
    assert video in [x["asset"]["id"] for x in hits], json.dumps(hits)[:500]


def test_a_podcast_caption_is_its_transcript(flow: Flow, tree: Tree) -> None:
    from tests.service.publication.helpers import mp3

    h = tree.h["producer"]
    podcast = flow.upload(h, kind="podcast", content=mp3() + uuid.uuid4().bytes, title="Podcast có lời thoại")
    r = _send(flow, h, podcast, "vi", VI_SRT.encode())
    assert r.status_code == 201, r.text
    from service.core.db import unit_of_work
    from service.models import Asset, Version

    with unit_of_work() as session:
        asset = session.get(Asset, uuid.UUID(podcast))
        assert asset is not None and asset.current_version_id is not None
        version = session.get(Version, asset.current_version_id)
        assert version is not None and version.caption_key and version.caption_key.endswith(".vtt")
    vtt = flow.client.get(f"/api/v1/assets/{podcast}/captions/vi.vtt", headers=h).text
    assert "Đổi mới giáo dục" in vtt


def test_the_transcript_page_takes_caption_files(flow: Flow, tree: Tree) -> None:
    from tests.service.publication.helpers import mp3
    from tests.web.conftest import csrf_from

    podcast = flow.upload(tree.h["producer"], kind="podcast", content=mp3() + uuid.uuid4().bytes, title="Podcast")
    web = another(flow.client)
    sign_in(web, flow.factory, "producer", tree.codes["dept"])
    page = web.get(f"/tai-nguyen/{podcast}/loi-thoai")
    assert 'name="language"' in page.text and 'value="hmn"' in page.text
    token = csrf_from(page.text)
    r = web.post(f"/tai-nguyen/{podcast}/loi-thoai", data={"csrf_token": token, "language": "hmn"},
                 files={"file": ("hmn.srt", HMN.encode(), "application/x-subrip")}, follow_redirects=True)
    assert r.status_code == 200 and "<li>Hmôngz: Txưz kiv đuô ntơưv</li>" in r.text
    bad = b"1\n00:00:01,000 --> 00:00:00,500\nSai\n"
    r = web.post(f"/tai-nguyen/{podcast}/loi-thoai", data={"csrf_token": token, "language": "vi"},
                 files={"file": ("vi.srt", bad, "application/x-subrip")})
    assert r.status_code == 422 and "dòng 2" in r.text
    staff = another(flow.client)
    sign_in(staff, flow.factory, "staff")
    assert staff.get(f"/tai-nguyen/{podcast}/loi-thoai").status_code == 404  # a draft is not theirs to see


@pytest.mark.slow  # encodes and packages a real video
def test_captions_follow_a_metadata_revision_and_a_replacement_keeps_shared_files(flow: Flow, tree: Tree) -> None:
    from service.core.db import unit_of_work
    from service.core.runtime import get_store
    from service.languages import repository as language_repo
    from service.models import Asset
    from tests.service.publication.helpers import mp3

    h = tree.h
    podcast = flow.upload(h["producer"], kind="podcast", content=mp3() + uuid.uuid4().bytes, title="Podcast bản 1")
    assert _send(flow, h["producer"], podcast, "vi", VI_SRT.encode()).status_code == 201
    flow.ok(h["producer"], podcast, "submit")
    flow.ok(h["reviewer"], podcast, "approve")
    r = flow.client.patch(f"/api/v1/assets/{podcast}", json={"title": "Podcast bản 2"}, headers=h["producer"])
    assert r.status_code == 200, r.text
    flow.ok(h["producer"], podcast, "submit")
    flow.ok(h["reviewer"], podcast, "approve")
    with unit_of_work() as session:
        asset = session.get(Asset, uuid.UUID(podcast))
        assert asset is not None and asset.title == "Podcast bản 2" and asset.current_version_id
        [caption] = language_repo.captions_of(session, asset.current_version_id)
        shared_key = caption.object_key
    assert "Chào mừng thầy cô" in flow.client.get(f"/api/v1/assets/{podcast}/captions/vi.vtt", headers=h["staff"]).text

    replacement = VI_SRT.replace("Chào mừng thầy cô", "Kính chào thầy cô").encode()
    assert _send(flow, h["producer"], podcast, "vi", replacement).status_code == 201
    assert "Kính chào" in flow.client.get(f"/api/v1/assets/{podcast}/captions/vi.vtt", headers=h["staff"]).text
    assert get_store().exists(shared_key)  # version 1 still points at it
