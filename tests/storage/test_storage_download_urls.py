"""Time-limited download URLs: fetched over HTTP for S3, token round trip for LocalStore."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from storage.base import ObjectStore
from storage.http import content_disposition
from storage.local import LocalStore
from storage.signing import SignatureExpired, UrlSigner
from tests.storage.conftest import BASE_URL, SIGNING_SECRET

KEY = "renditions/3f/a2/4b1e0c2e/web-mp4.mp4"
VIETNAMESE_NAME = "Ngày Nhà giáo Việt Nam 20-11 — Đà Nẵng.mp4"


def filename_star(value: str) -> str:
    """The RFC 5987 `filename*` value, decoded as a browser does (it wins over `filename`)."""
    match = re.search(r"filename\*=UTF-8''([^;\s]+)", value)
    assert match, value
    return unquote(match.group(1), encoding="utf-8", errors="strict")


def fetch_or_verify(store: ObjectStore, url: str) -> tuple[bytes, dict[str, str]]:
    """S3: GET the presigned URL. Local: verify the token and serve it as the service route would."""
    if isinstance(store, LocalStore):
        assert store.url_signer is not None
        assert url.startswith(BASE_URL + "/objects/")
        signed = store.url_signer.verify(unquote(urlsplit(url).path.rsplit("/", 1)[1]))
        headers = {}
        if signed.filename is not None:
            headers["content-disposition"] = content_disposition(signed.filename)
        if signed.content_type is not None:
            headers["content-type"] = signed.content_type
        with store.open(signed.key) as reader:
            return reader.read(), headers
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200, response.text
    return response.content, dict(response.headers)


def test_download_url_serves_bytes_with_vietnamese_file_name(store: ObjectStore) -> None:
    data = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 10
    store.put(KEY, io.BytesIO(data), content_type="application/octet-stream")
    url = store.download_url(
        KEY, expires=timedelta(minutes=10), filename=VIETNAMESE_NAME, content_type="video/mp4"
    )
    body, headers = fetch_or_verify(store, url)
    assert body == data
    assert headers["content-type"] == "video/mp4"
    disposition = headers["content-disposition"]
    assert disposition == content_disposition(VIETNAMESE_NAME)
    assert disposition.startswith("attachment; ")
    assert 'filename="Ngay Nha giao Viet Nam 20-11 _ Da Nang.mp4"' in disposition
    assert filename_star(disposition) == unicodedata.normalize("NFC", VIETNAMESE_NAME)


def test_download_url_without_file_name(store: ObjectStore) -> None:
    store.put(KEY, io.BytesIO(b"plain"))
    body, headers = fetch_or_verify(store, store.download_url(KEY, expires=timedelta(seconds=30)))
    assert body == b"plain"
    assert "content-disposition" not in headers


@pytest.mark.parametrize("expires", [timedelta(0), timedelta(seconds=-1)])
def test_download_url_needs_a_positive_expiry(store: ObjectStore, expires: timedelta) -> None:
    with pytest.raises(ValueError):
        store.download_url(KEY, expires=expires)


def test_local_download_url_expires(tmp_path: Path) -> None:
    now = [1_800_000_000.0]
    signer = UrlSigner(SIGNING_SECRET, BASE_URL, clock=lambda: now[0])
    store = LocalStore(tmp_path / "objects", url_signer=signer)
    store.put(KEY, io.BytesIO(b"x"))
    url = store.download_url(KEY, expires=timedelta(minutes=5), filename=VIETNAMESE_NAME)
    token = unquote(url.rsplit("/", 1)[1])
    now[0] += 299
    signed = signer.verify(token)
    assert (signed.key, signed.filename, signed.content_type) == (KEY, VIETNAMESE_NAME, None)
    assert signed.expires_at.timestamp() == 1_800_000_300
    now[0] += 1
    with pytest.raises(SignatureExpired):
        signer.verify(token)


def test_s3_presigned_url_expires(s3_server: object) -> None:
    from tests.storage.conftest import make_s3_store

    store = make_s3_store(s3_server)  # type: ignore[arg-type]
    store.put(KEY, io.BytesIO(b"x"))
    url = store.download_url(KEY, expires=timedelta(seconds=1))
    # moto checks neither signatures nor expiry, so assert what a real S3 server enforces.
    assert "X-Amz-Expires=1&" in url
    assert "X-Amz-Signature=" in url
    with pytest.raises(ValueError):
        store.download_url(KEY, expires=timedelta(days=7, seconds=1))  # the SigV4 maximum
