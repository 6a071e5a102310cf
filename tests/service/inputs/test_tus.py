"""tus 1.0 resumable uploads, driven by the real tuspy client against a live uvicorn."""

from __future__ import annotations

import base64
import hashlib
import socket
import time

import httpx
import pytest
from tusclient import client as tus_client
from tusclient.exceptions import TusCommunicationError

from service.core.runtime import current
from tests.conftest import Factory
from tests.live import LiveServer
from tests.service.assets.leftovers import count_assets, stored_keys
from tests.service.assets.media import meta
from tests.service.inputs.tusmedia import TUS, head, noisy_png, offset_of, tus_metadata

CHUNK = 64 * 1024


def uploader(server: LiveServer, headers: dict[str, str], content: bytes, *, url: str | None = None,
             filename: str = "Ảnh tải lên tiếp tục.png", meta_json: str | None = None) -> object:
    import io

    client = tus_client.TusClient(f"{server.url}/api/v1/uploads/", headers=headers)
    return client.uploader(file_stream=io.BytesIO(content), chunk_size=CHUNK, url=url, upload_checksum=True,
                           metadata={"filename": filename, "metadata": meta_json or meta()})


def asset_of(url: str, headers: dict[str, str]) -> str:
    r = head(url, headers)
    assert r.status_code == 200 and "kho-asset-id" in r.headers, r.headers
    return r.headers["kho-asset-id"]


def staging_files() -> list[str]:
    """Staged tus objects in the object store (no API host keeps any on its disk)."""
    from service.core.runtime import get_store
    from service.tus.staging import STAGING_ROOT

    return sorted(s.key for s in get_store().list(STAGING_ROOT))


def test_options_announces_the_protocol(live: LiveServer) -> None:
    r = httpx.options(f"{live.url}/api/v1/uploads/")
    assert r.status_code == 204
    assert r.headers["tus-version"] == "1.0.0" and r.headers["tus-resumable"] == "1.0.0"
    assert set(r.headers["tus-extension"].split(",")) == {
        "creation", "creation-with-upload", "checksum", "termination", "expiration"}
    assert r.headers["tus-checksum-algorithm"] == "sha1"


def test_upload_with_tuspy_enters_the_ingest_path(live: LiveServer, factory: Factory) -> None:
    headers = factory.headers("producer")
    content = noisy_png()
    up = uploader(live, headers, content)
    up.upload()  # type: ignore[attr-defined]
    asset_id = asset_of(up.url, headers)  # type: ignore[attr-defined]
    r = httpx.get(f"{live.url}/api/v1/assets/{asset_id}", headers=headers)
    assert r.status_code == 200
    body = r.json()
    assert body["current_version"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["current_version"]["original_filename"] == "Ảnh tải lên tiếp tục.png"
    assert body["topics"] == ["y-nghia-quan-diem"] and body["status"] == "draft"
    original = httpx.get(f"{live.url}/api/v1/assets/{asset_id}/original", headers=headers)
    assert original.content == content
    from service.core.db import unit_of_work
    from service.jobs import repository as jobs_repo

    with unit_of_work() as session:
        assert [j.kind for j in jobs_repo.jobs_of_asset(session, __import__("uuid").UUID(asset_id))] == ["process"]
    upload_hex = __import__("uuid").UUID(up.url.rsplit("/", 1)[1]).hex  # type: ignore[attr-defined]
    assert not any(upload_hex in key for key in staging_files())
    # The same bytes again: the dedup of the direct upload path answers.
    again = uploader(live, headers, content)
    with pytest.raises(TusCommunicationError) as err:
        again.upload()  # type: ignore[attr-defined]
    assert err.value.status_code == 409


def _interrupt(server: LiveServer, url: str, headers: dict[str, str], offset: int, data: bytes) -> None:
    """Send a PATCH that promises `len(data)` bytes, deliver half, and vanish."""
    path = url.split(str(server.port), 1)[1]
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall((f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {headers['Authorization']}\r\n"
                   f"Tus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\n"
                   f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(data)}\r\n\r\n"
                   ).encode() + data[: len(data) // 2])
        time.sleep(0.3)


def test_upload_interrupted_several_times_resumes(live: LiveServer, factory: Factory) -> None:
    headers = factory.headers("producer")
    content = noisy_png(420)
    up = uploader(live, headers, content)
    up.upload(stop_at=CHUNK)  # type: ignore[attr-defined]
    url: str = up.url  # type: ignore[attr-defined]
    for _ in range(3):
        committed = offset_of(url, headers)
        _interrupt(live, url, headers, committed, content[committed:committed + CHUNK])
        deadline = time.monotonic() + 10
        while offset_of(url, headers) != committed and time.monotonic() < deadline:
            time.sleep(0.1)
        assert offset_of(url, headers) == committed  # a half chunk is never counted
        resumed = uploader(live, headers, content, url=url)
        assert resumed.offset == committed  # type: ignore[attr-defined]
        resumed.upload(stop_at=committed + 2 * CHUNK)  # type: ignore[attr-defined]
    uploader(live, headers, content, url=url).upload()  # type: ignore[attr-defined]
    asset_id = asset_of(url, headers)
    r = httpx.get(f"{live.url}/api/v1/assets/{asset_id}/original", headers=headers)
    assert hashlib.sha256(r.content).hexdigest() == hashlib.sha256(content).hexdigest()


def test_api_restart_during_upload(stack: object, factory: Factory) -> None:
    headers = factory.headers("producer")
    content = noisy_png(400)
    server = LiveServer().start()
    try:
        up = uploader(server, headers, content)
        up.upload(stop_at=3 * CHUNK)  # type: ignore[attr-defined]
        url: str = up.url  # type: ignore[attr-defined]
    finally:
        server.stop()
    with pytest.raises(httpx.ConnectError):
        offset_of(url, headers)
    restarted = LiveServer(server.port).start()
    try:
        resumed = uploader(restarted, headers, content, url=url)
        assert resumed.offset == 3 * CHUNK  # type: ignore[attr-defined]
        resumed.upload()  # type: ignore[attr-defined]
        asset_id = asset_of(url, headers)
        r = httpx.get(f"{restarted.url}/api/v1/assets/{asset_id}/original", headers=headers)
        assert r.content == content
    finally:
        restarted.stop()


def _patch(server: LiveServer, url: str, headers: dict[str, str], offset: int, data: bytes,
           checksum: bytes | None = None) -> httpx.Response:
    extra = {"Upload-Checksum": "sha1 " + base64.b64encode(checksum).decode()} if checksum else {}
    return httpx.patch(url, content=data, headers={**headers, **TUS, **extra, "Upload-Offset": str(offset),
                                                    "Content-Type": "application/offset+octet-stream"})


def _create(server: LiveServer, headers: dict[str, str], length: int, body: bytes = b"",
            meta_json: str | None = None) -> httpx.Response:
    extra = {"Content-Type": "application/offset+octet-stream"} if body else {}
    return httpx.post(f"{server.url}/api/v1/uploads/", content=body, headers={
        **headers, **TUS, **extra, "Upload-Length": str(length),
        "Upload-Metadata": tus_metadata({"filename": "a.png", "metadata": meta_json or meta()})})


def test_offset_mismatch_409_and_checksum_mismatch_460(live: LiveServer, factory: Factory) -> None:
    headers = factory.headers("producer")
    content = noisy_png(200)
    r = _create(live, headers, len(content), body=content[:1000])  # creation-with-upload
    assert r.status_code == 201 and r.headers["upload-offset"] == "1000"
    assert "upload-expires" in r.headers
    url = live.url + r.headers["location"]
    r = _patch(live, url, headers, 500, content[500:2000])
    assert r.status_code == 409 and r.headers["upload-offset"] == "1000"
    assert r.headers["content-type"].startswith("application/problem+json")
    bad = hashlib.sha1(b"something else").digest()
    r = _patch(live, url, headers, 1000, content[1000:5000], checksum=bad)
    assert r.status_code == 460 and r.json()["code"] == "tus_checksum_mismatch"
    assert offset_of(url, headers) == 1000  # the chunk was discarded
    good = hashlib.sha1(content[1000:]).digest()
    r = _patch(live, url, headers, 1000, content[1000:], checksum=good)
    assert r.status_code == 204 and r.headers["upload-offset"] == str(len(content))
    assert "kho-asset-id" in r.headers
    r = _patch(live, url, headers, len(content), b"x")
    assert r.status_code == 409  # finished


def test_protocol_errors(live: LiveServer, factory: Factory) -> None:
    headers = factory.headers("producer")
    base = f"{live.url}/api/v1/uploads/"
    r = httpx.post(base, headers={**headers, "Tus-Resumable": "0.2.2", "Upload-Length": "10"})
    assert r.status_code == 412 and r.headers["tus-version"] == "1.0.0"
    r = httpx.post(base, headers={**headers, **TUS, "Upload-Length": "-4"})
    assert r.status_code == 400
    r = httpx.post(base, headers={**headers, **TUS, "Upload-Length": "10", "Upload-Metadata": "filename !!!"})
    assert r.status_code == 400 and r.json()["code"] == "tus_bad_header"
    r = _create(live, headers, 10, meta_json='{"kind": "infographic"}')
    assert r.status_code == 422 and r.json()["code"] == "malformed_metadata"
    r = _create(live, headers, 10, meta_json=meta(topics=["khong-co"]))
    assert r.status_code == 422 and r.json()["code"] == "unknown_term"
    r = _create(live, headers, 10**12)
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    r = httpx.post(base, headers={**TUS, "Upload-Length": "10"})
    assert r.status_code == 401
    r = _create(live, factory.headers("staff"), 10)
    assert r.status_code == 403


def test_other_users_cannot_see_or_write_an_upload(live: LiveServer, factory: Factory) -> None:
    owner = factory.headers("producer")
    other = factory.headers("producer")
    r = _create(live, owner, 5000)
    url = live.url + r.headers["location"]
    assert head(url, other).status_code == 404
    assert _patch(live, url, other, 0, b"\x89PNG").status_code == 404
    assert httpx.delete(url, headers={**other, **TUS}).status_code == 404


def test_executable_refused_as_soon_as_its_first_bytes_arrive(live: LiveServer, factory: Factory) -> None:
    headers = factory.headers("producer")
    payload = b"MZ\x90\x00" + b"\x00" * 200_000
    before = staging_files()
    r = _create(live, headers, len(payload))
    url = live.url + r.headers["location"]
    r = _patch(live, url, headers, 0, payload[:100_000])
    assert r.status_code == 415 and r.json()["code"] == "executable_content"
    assert head(url, headers).status_code == 404  # the upload is gone with its staging file
    assert staging_files() == before


def test_termination_and_expiry(live: LiveServer, factory: Factory) -> None:
    from datetime import timedelta

    from service.models.base import utcnow
    from service.tus import service as tus

    headers = factory.headers("producer")
    content = noisy_png(120)
    r = _create(live, headers, len(content), body=content[:100])
    url = live.url + r.headers["location"]
    before = set(staging_files())
    assert before
    assert httpx.delete(url, headers={**headers, **TUS}).status_code == 204
    assert head(url, headers).status_code == 404
    r = _create(live, headers, len(content), body=content[:100])
    url = live.url + r.headers["location"]
    rows, keys = count_assets(), stored_keys()
    assert tus.expire(current(), utcnow()) == 0  # not yet
    assert head(url, headers).status_code == 200
    assert tus.expire(current(), utcnow() + timedelta(days=2)) >= 1
    assert head(url, headers).status_code == 404
    assert staging_files() == []  # every partial upload expired, older tests' ones too
    assert (count_assets(), stored_keys()) == (rows, keys)
