"""Upload, read back, range requests and every bad-input case of the foundation issue."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Factory
from tests.service.assets.media import meta, multipart, png


def upload(client: TestClient, headers: dict[str, str], content: bytes, *, filename: str = "anh.png",
           meta_json: str | None = None, meta_first: bool = True) -> tuple[int, dict]:
    body, ctype = multipart(meta_json or meta(), filename, content, meta_first=meta_first)
    r = client.post("/api/v1/assets", content=body, headers={**headers, "Content-Type": ctype})
    return r.status_code, r.json()


def assert_problem(status: int, body: dict, expected_status: int, code: str) -> None:
    assert status == expected_status, body
    assert body["code"] == code
    assert body["status"] == expected_status
    assert body["detail"] and body["detail_en"] and body["detail"] != body["detail_en"]


def test_upload_download_identical_bytes(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    content = png()
    status, body = upload(client, headers, content, filename="Ảnh Nghị quyết 71 đột phá.png")
    assert status == 201, body
    assert body["kind"] == "infographic" and body["status"] == "draft"
    assert body["current_version"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["current_version"]["media_type"] == "image/png"
    assert body["topics"] == ["y-nghia-quan-diem"]

    r = client.get(f"/api/v1/assets/{body['id']}/original", headers=headers)
    assert r.status_code == 200
    assert hashlib.sha256(r.content).hexdigest() == hashlib.sha256(content).hexdigest()
    assert r.headers["content-type"] == "image/png"
    disposition = r.headers["content-disposition"]
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Ảnh Nghị quyết 71 đột phá.png"


def test_range_requests(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    content = png(size=(300, 200))
    _, body = upload(client, headers, content)
    url = f"/api/v1/assets/{body['id']}/original"
    r = client.get(url, headers={**headers, "Range": "bytes=10-99"})
    assert r.status_code == 206
    assert r.content == content[10:100]
    assert r.headers["content-range"] == f"bytes 10-99/{len(content)}"
    r = client.get(url, headers={**headers, "Range": "bytes=-20"})
    assert r.status_code == 206 and r.content == content[-20:]
    r = client.get(url, headers={**headers, "Range": f"bytes={len(content) + 5}-"})
    assert r.status_code == 416
    assert r.headers["content-type"].startswith("application/problem+json")
    r = client.get(url, headers={**headers, "If-None-Match": f'"{hashlib.sha256(content).hexdigest()}"'})
    assert r.status_code == 304


def test_duplicate_file_answers_409_with_existing_id(client: TestClient, factory: Factory) -> None:
    headers = factory.headers("producer")
    content = png()
    _, first = upload(client, headers, content)
    status, body = upload(client, headers, content, filename="again.png")
    assert_problem(status, body, 409, "duplicate_file")
    assert body["asset_id"] == first["id"]


@pytest.mark.parametrize(("content", "filename", "meta_json", "status", "code"), [
    (b"", "empty.png", None, 400, "empty_file"),
    (b"\x00\x01\x02\x03 random binary \xff\xfe" * 10, "x.png", None, 415, "unsupported_type"),
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "virus.jpg", None, 415, "executable_content"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "photo.png", None, 415, "executable_content"),
    (b"#!/bin/sh\nrm -rf /\n", "clip.mp4", None, 415, "executable_content"),
    (b"<script>alert(1)</script>", "poster.svg", None, 415, "executable_content"),
    (None, "anh.png", meta("video", title="Video"), 415, "kind_mismatch"),
    (None, "anh.png", "{not json", 422, "malformed_metadata"),
    (None, "anh.png", json.dumps({"kind": "infographic"}), 422, "malformed_metadata"),
    (None, "anh.png", meta(kind="hologram"), 422, "malformed_metadata"),
    (None, "anh.png", meta(topics=["khong-ton-tai"]), 422, "unknown_term"),
    (None, "anh.png", meta(publish_at="2026-12-01T00:00:00"), 422, "malformed_metadata"),
])
def test_bad_input_is_a_problem_and_leaves_nothing(client: TestClient, factory: Factory, stack: object,
                                                   content: bytes | None, filename: str, meta_json: str | None,
                                                   status: int, code: str) -> None:
    from tests.service.assets.leftovers import count_assets, stored_keys

    headers = factory.headers("producer")
    before_rows, before_keys = count_assets(), stored_keys()
    got_status, body = upload(client, headers, png() if content is None else content, filename=filename,
                              meta_json=meta_json)
    assert_problem(got_status, body, status, code)
    assert count_assets() == before_rows
    assert stored_keys() == before_keys


def test_metadata_after_file_is_validated_too(client: TestClient, factory: Factory) -> None:
    from tests.service.assets.leftovers import stored_keys

    headers = factory.headers("producer")
    before = stored_keys()
    status, body = upload(client, headers, png(), meta_json=meta("video"), meta_first=False)
    assert_problem(status, body, 415, "kind_mismatch")
    assert stored_keys() == before
    status, body = upload(client, headers, png(), meta_first=False)
    assert status == 201, body


def test_size_limit_stops_reading(client: TestClient, factory: Factory, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.core.runtime import get_settings
    from tests.service.assets.leftovers import stored_keys

    settings = get_settings()
    monkeypatch.setitem(settings.limits.upload_limits, "infographic", 100_000)
    headers = factory.headers("producer")
    before = stored_keys()
    big = png(size=(1000, 1000)) + b"\x00" * 200_000  # trailing bytes after IEND still count
    status, body = upload(client, headers, big)
    assert_problem(status, body, 413, "too_large")
    assert stored_keys() == before


def test_authentication_and_roles(client: TestClient, factory: Factory) -> None:
    r = client.get("/api/v1/assets")
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"
    r = client.get("/api/v1/assets", headers={"Authorization": "Bearer kho_u_forged"})
    assert r.status_code == 401
    status, body = upload(client, factory.headers("staff"), png())
    assert_problem(status, body, 403, "forbidden")
    assert client.get("/healthz").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_list_detail_patch_delete(client: TestClient, factory: Factory) -> None:
    org = factory.org()
    headers = factory.headers("producer", org)
    ids = [upload(client, headers, png())[1]["id"] for _ in range(3)]
    r = client.get("/api/v1/assets", params={"limit": 2}, headers=headers)
    page1 = r.json()
    assert r.status_code == 200 and len(page1["items"]) == 2 and page1["next_cursor"]
    page2 = client.get("/api/v1/assets", params={"limit": 2, "cursor": page1["next_cursor"]}, headers=headers).json()
    seen = [a["id"] for a in page1["items"] + page2["items"]]
    assert set(ids) <= set(seen) and len(seen) == len(set(seen))

    r = client.patch(f"/api/v1/assets/{ids[0]}", json={"title": "Tiêu đề mới", "tags": ["  Nghị Quyết 71 "]},
                     headers=headers)
    assert r.status_code == 200 and r.json()["title"] == "Tiêu đề mới" and r.json()["tags"] == ["nghị quyết 71"]
    r = client.patch(f"/api/v1/assets/{ids[0]}", json={"levels": ["lop-13"]}, headers=headers)
    assert r.status_code == 422 and r.json()["code"] == "unknown_term"

    other = factory.headers("producer")  # another organisation's producer sees nothing of these drafts
    assert client.get(f"/api/v1/assets/{ids[1]}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/assets/{ids[1]}", headers=other).status_code == 404
    staff = factory.headers("staff", org)
    assert client.get(f"/api/v1/assets/{ids[1]}", headers=staff).status_code == 404

    assert client.delete(f"/api/v1/assets/{ids[1]}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/assets/{ids[1]}", headers=headers).status_code == 404
