"""KHO_S3_PUBLIC_ENDPOINT: links handed to clients carry the public host (a CDN or reverse proxy in front
of the S3 server), while the service keeps talking to KHO_S3_ENDPOINT."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qsl, quote, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import Factory, Stack
from tests.service.assets.media import png
from tests.service.assets.test_renditions import run_processing
from tests.service.assets.test_upload import upload

PUBLIC = "https://cdn.example.vn"


def test_signed_links_use_the_public_host(client: TestClient, factory: Factory, stack: Stack) -> None:
    if stack.name != "postgres-s3":
        pytest.skip("presigned S3 links only: the local folder signs with KHO_BASE_URL")
    from service.core import runtime

    settings = runtime.get_settings().model_copy()
    settings.storage = settings.storage.model_copy(update={"s3_public_endpoint": PUBLIC})
    runtime.install(runtime.Runtime.build(settings))
    try:
        headers = factory.headers("producer")
        status, asset = upload(client, headers, png(size=(900, 700)))
        assert status == 201
        body = run_processing(client, headers, asset["id"])  # the worker stores through the internal endpoint
        rendition = next(r for p in body["profiles"] for r in p["renditions"] if r["media_type"] == "image/jpeg")
        signed = urlsplit(rendition["signed_url"])
        assert f"{signed.scheme}://{signed.netloc}" == PUBLIC
        assert signed.path.startswith(f"/{settings.storage.s3_bucket}/renditions/")
        assert settings.storage.s3_endpoint not in rendition["signed_url"]
        assert _signature_valid(rendition["signed_url"], "cdn.example.vn", settings.storage.s3_secret_key)
        s3 = settings.storage
        assert not _signature_valid(rendition["signed_url"], s3.s3_endpoint, s3.s3_secret_key)
        # Bucket, key and parameters are those of the real object (the test server does not check signatures).
        fetched = httpx.get(f"http://{settings.storage.s3_endpoint}{signed.path}?{signed.query}")
        assert fetched.status_code == 200, fetched.text
        direct = client.get(rendition["download_url"], headers=headers)
        assert fetched.content == direct.content and len(direct.content) == rendition["size"]
    finally:
        runtime.install(runtime.Runtime.build())  # the stack's own, from its environment


def _signature_valid(url: str, host: str, secret: str) -> bool:
    """AWS Signature V4 of a presigned GET, recomputed here from the specification (not by minio)."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    given = dict(params)["X-Amz-Signature"]
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
                     for k, v in sorted(params) if k != "X-Amz-Signature")
    canonical = "\n".join(["GET", parts.path, query, f"host:{host}", "", "host", "UNSIGNED-PAYLOAD"])
    amz_date = dict(params)["X-Amz-Date"]
    scope = dict(params)["X-Amz-Credential"].split("/", 1)[1]
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for piece in scope.split("/"):
        key = hmac.new(key, piece.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), given)
