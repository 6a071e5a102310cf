"""Uploads become platform renditions through the real job path (queue-less here: the job runs inline)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from service.core.runtime import current
from tests.conftest import Factory
from tests.service.assets.media import meta, png
from tests.service.assets.test_upload import upload


def run_processing(client: TestClient, headers: dict[str, str], asset_id: str) -> dict:
    from service.core.runtime import current
    from service.jobs.runner import run_job

    body = client.get(f"/api/v1/assets/{asset_id}/renditions", headers=headers).json()
    assert run_job(current(), body["job_id"]) == "succeeded", client.get(f"/api/v1/jobs/{body['job_id']}",
                                                                         headers=headers).json()
    return client.get(f"/api/v1/assets/{asset_id}/renditions", headers=headers).json()


@pytest.mark.slow
def test_infographic_renditions_for_every_image_profile(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    _, asset = upload(client, headers, png(size=(1600, 2000)))
    before = client.get(f"/api/v1/assets/{asset['id']}/renditions", headers=headers).json()
    assert {p["status"] for p in before["profiles"]} == {"processing"}
    body = run_processing(client, headers, asset["id"])
    statuses = {p["profile"]: p["status"] for p in body["profiles"]}
    assert {"web-image", "facebook-feed", "zalo-oa", "print", "signage"} <= set(statuses)
    assert set(statuses.values()) == {"ready"}, statuses
    job = client.get(f"/api/v1/jobs/{body['job_id']}", headers=headers).json()
    assert job["status"] == "succeeded" and job["progress"] == 1.0

    zalo = next(p for p in body["profiles"] if p["profile"] == "zalo-oa")["renditions"]
    jpeg = next(r for r in zalo if r["media_type"] == "image/jpeg")
    assert jpeg["size"] <= 1_000_000
    r = client.get(jpeg["download_url"], headers=headers)
    assert r.status_code == 200 and len(r.content) == jpeg["size"]
    with Image.open(io.BytesIO(r.content)) as im:
        assert im.format == "JPEG" and (im.width, im.height) == (jpeg["width"], jpeg["height"])
    part = client.get(jpeg["download_url"], headers={**headers, "Range": "bytes=0-99"})
    assert part.status_code == 206 and part.content == r.content[:100]

    web = next(p for p in body["profiles"] if p["profile"] == "web-image")["renditions"]
    assert max(w["width"] for w in web) <= 1600  # never upscaled


@pytest.mark.slow
def test_regenerate_replaces_renditions_without_leaving_old_files(client: TestClient, factory: Factory) -> None:
    from service.core.runtime import get_store

    headers = factory.headers("producer")
    _, asset = upload(client, headers, png(size=(800, 600)))
    first = run_processing(client, headers, asset["id"])
    old_ids = {r["id"] for p in first["profiles"] if p["profile"] == "web-image" for r in p["renditions"]}
    r = client.post(f"/api/v1/assets/{asset['id']}/renditions:regenerate", json={"profiles": ["web-image"]},
                    headers=headers)
    assert r.status_code == 202, r.json()
    assert client.post(f"/api/v1/assets/{asset['id']}/renditions:regenerate", json={},
                       headers=headers).status_code == 409  # already queued
    second = run_processing(client, headers, asset["id"])
    new = [r for p in second["profiles"] if p["profile"] == "web-image" for r in p["renditions"]]
    assert new and not (old_ids & {r["id"] for r in new})
    keys = {s.key for s in get_store().list("renditions/")}
    version = first["version_id"].replace("-", "")
    assert len([k for k in keys if "/web-image/" in k and version in k]) == len(new)  # old files deleted
    bad = client.post(f"/api/v1/assets/{asset['id']}/renditions:regenerate", json={"profiles": ["nope"]},
                      headers=headers)
    assert bad.status_code == 422


def _clip(tmp: Path) -> bytes:
    from transcoding.tools import ffmpeg_path

    out = tmp / "clip.mp4"
    subprocess.run([ffmpeg_path() or "ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc2=size=640x360:rate=25:duration=2", "-f", "lavfi", "-i",
                    "sine=frequency=500:sample_rate=48000:duration=2", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(out)], check=True, timeout=120)
    return out.read_bytes()


@pytest.mark.slow
def test_video_renditions(client: TestClient, factory: Factory, tmp_path: Path) -> None:
    headers = factory.headers("producer")
    status, asset = upload(client, headers, _clip(tmp_path), filename="clip.mp4",
                           meta_json=meta("video", title="Video thử"))
    assert status == 201, asset
    body = run_processing(client, headers, asset["id"])
    ready = {p["profile"] for p in body["profiles"] if p["status"] == "ready"}
    assert {"web-hls", "web-mp4", "youtube", "vertical", "zalo-oa", "tv-broadcast", "loudspeaker"} <= ready, body
    hls = next(p for p in body["profiles"] if p["profile"] == "web-hls")["renditions"]
    assert all((r["height"] or 0) <= 360 for r in hls)  # never upscaled above the 360p source
    _assert_hls_files_stored(asset["id"])
    vertical = next(p for p in body["profiles"] if p["profile"] == "vertical")["renditions"][0]
    assert (vertical["width"], vertical["height"]) == (1080, 1920) or vertical["width"] < vertical["height"]


def _assert_hls_files_stored(asset_id: str) -> None:
    """Every playlist and segment of the HLS set is stored, and the orphan sweep keeps them."""
    import uuid as uuid_mod
    from datetime import timedelta

    from sqlalchemy import select

    from service.assets.rendition_files import stored_keys
    from service.core.db import unit_of_work
    from service.core.runtime import get_store
    from service.models import Asset, Rendition
    from service.worker.maintenance import remove_orphans

    with unit_of_work() as session:
        asset = session.get(Asset, uuid_mod.UUID(asset_id))
        assert asset is not None
        rows = list(session.scalars(select(Rendition).where(Rendition.version_id == asset.current_version_id,
                                                            Rendition.profile == "web-hls")))
        keys = [k for r in rows for k in stored_keys(r.object_key, r.extra)]
    master = next(r for r in rows if r.variant == "master")
    assert len(keys) > 3  # master, rung playlists, init and media segments
    remove_orphans(current(), min_age=timedelta(seconds=-1))
    store = get_store()
    assert all(store.exists(k) for k in keys)
    playlist = b"".join(store.open(master.object_key).iter_chunks()).decode()
    assert "#EXT-X-STREAM-INF" in playlist
