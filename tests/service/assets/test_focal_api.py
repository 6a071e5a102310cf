"""The focal point through the JSON API (GET/PUT /api/v1/assets/{id}/focal-point): the same service as the
focal point page, so the same permission, audit and crops-only re-render; errors as problem+json in vi and en."""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import Factory
from tests.service.assets.test_renditions import run_processing
from tests.service.assets.test_upload import upload

CROPS = {("zalo-oa", "cover-16x9"), ("web-image", "thumb-320"), ("vertical", "story-1080x1920"),
         ("facebook-feed", "1200x630")}


def _gradient(size: tuple[int, int]) -> bytes:
    """A picture whose every row differs (top dark, bottom light), so a crop that moves changes its bytes; a
    flat colour would give the same crop wherever the focal point is."""
    width, height = size
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    img.putpixel((0, 0), tuple(os.urandom(3)))  # bytes nobody else uploaded
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _problem(r, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["detail"] and body["detail_en"]
    return dict(body)


def _ids(body: dict) -> dict[tuple[str, str], dict]:
    return {(p["profile"], r["spec"]): r for p in body["profiles"] for r in p["renditions"]}


@pytest.mark.slow
def test_focal_point_api(client: TestClient, factory: Factory) -> None:
    from sqlalchemy import select

    from service.core.db import unit_of_work
    from service.core.runtime import current
    from service.jobs.runner import run_job
    from service.models import AuditEntry

    org = factory.org()
    producer = factory.headers("producer", org)
    status, asset = upload(client, producer, _gradient((600, 1500)))
    assert status == 201, asset
    asset_id = asset["id"]
    first = run_processing(client, producer, asset_id)
    path = f"/api/v1/assets/{asset_id}/focal-point"

    got = client.get(path, headers=producer)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["source"] == "auto" and body["version_number"] == 1 and body["job_id"] is None
    assert {(c["profile"], c["spec"]) for c in body["crops"]} == CROPS
    assert all(c["label_vi"] and c["width"] > 0 for c in body["crops"])

    for bad in ({"x": 1.5, "y": 0.5}, {"x": -0.01, "y": 0}, {"x": "giữa", "y": 0.5}, {"x": 0.5},
                {"x": 0.5, "y": 0.5, "z": 1}, {"x": None, "y": 0.5}):
        problem = _problem(client.put(path, json=bad, headers=producer), 422)
        assert problem["code"] == "validation_failed"
        assert "không hợp lệ" in problem["detail"] and "Invalid input" in problem["detail_en"], problem
    for role in ("reviewer", "staff"):  # the same organisation, but not a producer: the page refuses them too
        _problem(client.put(path, json={"x": 0.3, "y": 0.9}, headers=factory.headers(role, org)), 403)
    _problem(client.put(path, json={"x": 0.3, "y": 0.9}, headers=factory.headers("producer")), 404)  # a draft
    assert client.put(path, json={"x": 0.3, "y": 0.9}).status_code == 401

    r = client.put(path, json={"x": 0.3, "y": 0.9}, headers=producer)
    assert r.status_code == 200, r.text
    saved = r.json()
    assert (saved["x"], saved["y"], saved["source"]) == (0.3, 0.9, "manual")
    assert saved["job_id"] == f"focal:{first['version_id']}:1" and saved["job_status"] == "queued"
    with unit_of_work() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.target_id == str(uuid.UUID(asset_id)),
                                                         AuditEntry.action == "asset.focal_set")).one()
        assert entry.data["x"] == 0.3 and entry.data["y"] == 0.9

    before = _ids(first)
    old_bytes = {k: hashlib.sha256(client.get(before[k]["download_url"], headers=producer).content).hexdigest()
                 for k in CROPS}
    assert run_job(current(), saved["job_id"]) == "succeeded"
    after = _ids(client.get(f"/api/v1/assets/{asset_id}/renditions", headers=producer).json())
    assert set(after) == set(before)
    for key in before:
        assert (after[key]["id"] != before[key]["id"]) == (key in CROPS), key
    for key in CROPS:  # re-cut around the new point: other bytes
        new = client.get(after[key]["download_url"], headers=producer)
        assert new.status_code == 200
        assert hashlib.sha256(new.content).hexdigest() != old_bytes[key], key
    now = client.get(path, headers=producer).json()
    assert (now["x"], now["y"], now["source"], now["job_status"]) == (0.3, 0.9, "manual", "succeeded")
    assert client.get(f"/api/v1/assets/{asset_id}", headers=producer).json()["focal_x"] == 0.3


@pytest.mark.slow
def test_focal_point_api_is_documented_and_refuses_kinds_without_crops(client: TestClient, factory: Factory,
                                                                      tmp_path: Path) -> None:
    spec = client.get("/openapi.json").json()
    operations = spec["paths"]["/api/v1/assets/{asset_id}/focal-point"]
    assert {"get", "put"} <= set(operations)
    assert "422" in operations["put"]["responses"] and "403" in operations["put"]["responses"]
    body_ref = operations["put"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    focal_in = spec["components"]["schemas"][body_ref.rsplit("/", 1)[-1]]
    assert focal_in["properties"]["x"]["maximum"] == 1 and focal_in["properties"]["y"]["minimum"] == 0

    from tests.service.assets.media import meta
    from tests.transcoding.test_office import make_docx

    producer = factory.headers("producer")
    content = make_docx(tmp_path / "thong-cao.docx").read_bytes()
    status, asset = upload(client, producer, content, filename="thong-cao.docx", meta_json=meta("document"))
    assert status == 201, asset
    path = f"/api/v1/assets/{asset['id']}/focal-point"
    assert client.get(path, headers=producer).json()["crops"] == []
    _problem(client.put(path, json={"x": 0.5, "y": 0.5}, headers=producer), 422)
