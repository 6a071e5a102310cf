"""S3Store behaviour beyond the shared contract: outages, timeouts, buckets, leftover uploads."""

from __future__ import annotations

import http.server
import io
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import boto3
import pytest
from minio.error import S3Error, ServerError

from storage.base import ObjectNotFound, StorageError, StorageFull, StorageUnavailable
from storage.s3 import S3Store, map_error
from tests.storage.conftest import make_s3_store, start_or_skip
from tests.storage.s3server import S3Server


def server_view(store: S3Store) -> object:
    """An independent client (boto3) for checking what the server really holds."""
    return boto3.client(
        "s3",
        endpoint_url=store.endpoint_url,
        aws_access_key_id="x",
        aws_secret_access_key="x",
        region_name="us-east-1",
    )


@pytest.fixture
def own_server() -> Iterator[S3Server]:
    """A private server this test may stop without disturbing the others."""
    server = start_or_skip()
    yield server
    server.stop()


def test_bucket_is_created_on_first_use(s3_server: S3Server) -> None:
    store = make_s3_store(s3_server, bucket="kho-created-lazily")
    client = server_view(store)
    names = [b["Name"] for b in client.list_buckets()["Buckets"]]  # type: ignore[attr-defined]
    assert "kho-created-lazily" not in names  # constructing the store does no network I/O
    store.put("x", io.BytesIO(b"1"))
    client.head_bucket(Bucket="kho-created-lazily")  # type: ignore[attr-defined]
    assert make_s3_store(s3_server, bucket="kho-created-lazily").exists("x")  # existing bucket reused


def test_missing_bucket_without_create_is_unavailable(s3_server: S3Server) -> None:
    store = make_s3_store(s3_server, bucket="kho-never-created", create_bucket=False)
    with pytest.raises(StorageUnavailable):
        store.health()


def test_content_type_is_stored(s3_server: S3Server) -> None:
    store = make_s3_store(s3_server)
    store.put("a/poster.png", io.BytesIO(b"\x89PNG"), content_type="image/png")
    head = server_view(store).head_object(Bucket=store.bucket, Key="a/poster.png")  # type: ignore[attr-defined]
    assert head["ContentType"] == "image/png"


def test_endpoint_may_be_a_url(s3_server: S3Server) -> None:
    store = S3Store(
        f"http://{s3_server.endpoint}", s3_server.access_key, s3_server.secret_key, "kho-url-form"
    )
    store.put("k", io.BytesIO(b"v"))
    assert store.endpoint_url == f"http://{s3_server.endpoint}"
    assert store.stat("k").size == 1


def test_public_endpoint_is_used_for_presigned_urls(s3_server: S3Server) -> None:
    store = make_s3_store(s3_server, public_endpoint="https://files.kho.example.vn")
    url = store.download_url("a/b.mp4", expires=timedelta(minutes=1), filename="Bài giảng.mp4")
    assert url.startswith("https://files.kho.example.vn/")
    assert "response-content-disposition=attachment" in url


def test_part_size_below_s3_minimum_is_rejected(s3_server: S3Server) -> None:
    with pytest.raises(ValueError):
        make_s3_store(s3_server, part_size=1024 * 1024)


def _raises_unavailable_quickly(action: Callable[[], object], within: float = 10.0) -> None:
    started = time.monotonic()
    with pytest.raises(StorageUnavailable):
        action()
    assert time.monotonic() - started < within


def test_stopped_server_raises_storage_unavailable(own_server: S3Server) -> None:
    store = make_s3_store(own_server, connect_timeout=1.0, read_timeout=2.0, retries=1)
    store.put("k/a", io.BytesIO(b"a"))
    reader = store.open("k/a")
    own_server.stop()
    for action in (
        store.health,
        lambda: store.stat("k/a"),
        lambda: store.exists("k/a"),
        lambda: store.open("k/a"),
        lambda: store.put("k/b", io.BytesIO(b"b")),
        lambda: list(store.list("k/")),
        lambda: store.delete("k/a"),
        lambda: store.delete_prefix("k/"),
        lambda: store.sweep_incomplete(timedelta(0)),
    ):
        try:
            _raises_unavailable_quickly(action)
        except BaseException as exc:
            raise AssertionError(f"{action}: {exc!r}") from exc
    reader.close()
    # Presigning is offline: it still works for a known region, and fails nothing.
    assert store.download_url("k/a", expires=timedelta(minutes=1)).startswith(store.endpoint_url)


def test_hanging_server_times_out_as_unavailable() -> None:
    """A server that accepts connections but never answers must not hang the caller."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # the kernel completes handshakes; nobody ever reads or replies
        port = listener.getsockname()[1]
        store = S3Store(f"127.0.0.1:{port}", "k", "secret", "kho-hang", read_timeout=0.5, retries=0)
        _raises_unavailable_quickly(store.health, within=5.0)


def test_sweep_aborts_only_old_incomplete_uploads(s3_server: S3Server) -> None:
    store = make_s3_store(s3_server)
    store.health()
    client = server_view(store)
    client.create_multipart_upload(Bucket=store.bucket, Key="crashed/upload.bin")  # type: ignore[attr-defined]
    # moto reports every upload as initiated in 2010, so "young" is modelled with a huge age limit.
    assert store.sweep_incomplete(timedelta(days=365 * 60)) == 0
    assert len(client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", [])) == 1  # type: ignore[attr-defined]
    assert store.sweep_incomplete(timedelta(hours=1)) == 1
    assert client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", []) == []  # type: ignore[attr-defined]


class _FakeResponse:
    status = 500
    headers: dict[str, str] = {}
    data = b""


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("NoSuchKey", ObjectNotFound),
        ("XMinioStorageFull", StorageFull),
        ("QuotaExceeded", StorageFull),
        ("SlowDown", StorageUnavailable),
        ("InvalidAccessKeyId", StorageUnavailable),
        ("MalformedXML", StorageError),
    ],
)
def test_s3_error_codes_map_to_storage_errors(code: str, expected: type[StorageError]) -> None:
    error = S3Error(_FakeResponse(), code, "message", "/b/k", "req", "host")  # type: ignore[arg-type]
    assert type(map_error(error, "op")) is expected


def test_server_errors_map_to_unavailable_or_full() -> None:
    assert type(map_error(ServerError("boom", 503), "op")) is StorageUnavailable
    assert type(map_error(ServerError("full", 507), "op")) is StorageFull


def test_server_start_failure_skips_or_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.storage import s3server

    monkeypatch.setattr(s3server.sys, "executable", "/nonexistent/python")
    with pytest.raises(s3server.S3ServerError):
        s3server.start_s3_server()
    monkeypatch.delenv("KHO_TEST_REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception):
        start_or_skip()
    monkeypatch.setenv("KHO_TEST_REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception):
        start_or_skip()


class _NoLifecycleHandler(http.server.BaseHTTPRequestHandler):
    """An S3 server without lifecycle support: the bucket exists, lifecycle calls answer NotImplemented."""

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:  # noqa: N802 - the http.server naming
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _refuse(self) -> None:
        body = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NotImplemented</Code>'
                b"<Message>A header you provided implies functionality that is not implemented</Message>"
                b"<Resource>/b</Resource><RequestId>1</RequestId><HostId>h</HostId></Error>")
        self.send_response(501)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = _refuse  # noqa: N815


def test_a_server_refusing_lifecycle_rules_is_not_an_error(caplog: pytest.LogCaptureFixture) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NoLifecycleHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        store = S3Store(f"127.0.0.1:{server.server_address[1]}", "k", "secret", "kho-old-server",
                        region="us-east-1", retries=0)
        assert store.expire_incomplete_uploads(1) is False
        assert "refused a lifecycle rule" in caplog.text and "NotImplemented" in caplog.text
    finally:
        server.shutdown()
        server.server_close()


def test_lifecycle_rule_is_added_beside_existing_rules_once(s3_server: S3Server) -> None:
    store = make_s3_store(s3_server)
    store.health()
    client = server_view(store)
    client.put_bucket_lifecycle_configuration(  # type: ignore[attr-defined]
        Bucket=store.bucket, LifecycleConfiguration={"Rules": [
            {"ID": "ops-expire-exports", "Status": "Enabled", "Filter": {"Prefix": "exports/"},
             "Expiration": {"Days": 30}}]})
    assert store.expire_incomplete_uploads(1) is True
    assert store.expire_incomplete_uploads(1) is True
    rules = client.get_bucket_lifecycle_configuration(Bucket=store.bucket)["Rules"]  # type: ignore[attr-defined]
    assert sorted(r["ID"] for r in rules) == ["kho-abort-incomplete-uploads", "ops-expire-exports"]
    ours = next(r for r in rules if r["ID"] == "kho-abort-incomplete-uploads")
    assert ours["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
