"""The S3 server dies during a multipart upload: 503 problem, no row, no half object; a retry succeeds
once storage is back."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from tests.faults.conftest import assets_and_keys, producer_headers, reset_runtime, service_env, streamed_upload
from tests.live import LiveServer
from tests.service.assets.media import png
from tests.support import require_or_skip, wait_until

pytestmark = pytest.mark.slow
MiB = 1024 * 1024


def _s3_env(server: object) -> dict[str, str]:
    return {"KHO_STORAGE": "s3", "KHO_S3_ENDPOINT": server.endpoint,  # type: ignore[attr-defined]
            "KHO_S3_ACCESS_KEY": server.access_key, "KHO_S3_SECRET_KEY": server.secret_key,  # type: ignore
            "KHO_S3_BUCKET": "kho-faults"}


def _multipart_uploads(server: object) -> int:
    """Incomplete multipart uploads in the bucket, asked of the S3 server itself (not the store under test)."""
    import boto3

    client = boto3.client("s3", endpoint_url=f"http://{server.endpoint}",  # type: ignore[attr-defined]
                          aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    return len(client.list_multipart_uploads(Bucket="kho-faults").get("Uploads", []))


def test_s3_dies_mid_multipart_upload(tmp_path: Path) -> None:
    import os

    from tests.storage.s3server import S3ServerError, start_s3_server

    try:
        s3 = start_s3_server()
    except S3ServerError as exc:
        require_or_skip(False, f"S3 test server unavailable: {exc}")
        raise
    replacement = None
    with service_env(tmp_path / "var", **_s3_env(s3)):
        headers = producer_headers()
        server = LiveServer().start()
        try:
            before_rows = assets_and_keys()[0]
            content = png(size=(320, 240))
            total = 40 * MiB  # above the 16 MiB part size: the store is in a multipart upload
            paused = threading.Event()
            body, ctype, length = streamed_upload(content, total, pause=3.0, paused=paused)
            result: dict[str, httpx.Response] = {}

            def send() -> None:
                result["r"] = httpx.post(f"{server.url}/api/v1/assets", content=body,
                                         headers={**headers, "Content-Type": ctype, "Content-Length": str(length)},
                                         timeout=120)

            sender = threading.Thread(target=send)
            sender.start()
            assert paused.wait(60), "the upload never reached its pause"  # half the bytes are sent
            wait_until(lambda: _multipart_uploads(s3), 30, "the store to be inside a multipart upload")
            s3.stop()  # SIGKILL: an outage, mid multipart upload
            sender.join(timeout=150)
            r = result["r"]
            assert r.status_code == 503, r.text
            assert r.json()["code"] == "storage_unavailable"
            assert httpx.get(f"{server.url}/readyz").json()["checks"]["storage"].startswith("error")
        finally:
            server.stop()
        # Storage comes back (a fresh server: moto keeps objects in memory), the API restarts on it.
        replacement = start_s3_server()
        os.environ.update(_s3_env(replacement))
        reset_runtime()
        server = LiveServer().start()
        try:
            assert assets_and_keys() == (before_rows, set())  # no row; nothing stored
            body, ctype, length = streamed_upload(content, total, pause=0)
            r = httpx.post(f"{server.url}/api/v1/assets", content=body,
                           headers={**headers, "Content-Type": ctype, "Content-Length": str(length)}, timeout=120)
            assert r.status_code == 201, r.text
            assert r.json()["current_version"]["size"] == total
        finally:
            server.stop()
    if replacement:
        replacement.stop()
