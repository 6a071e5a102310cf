"""Fixtures for the storage contract: one `store` fixture parametrised over LocalStore and S3Store."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storage.base import ObjectStore
from storage.local import TMP_DIR, LocalStore
from storage.s3 import S3Store
from storage.signing import UrlSigner
from tests.storage.s3server import S3Server, S3ServerError, start_s3_server

MiB = 1024 * 1024
TEST_PART_SIZE = 5 * MiB  # the S3 minimum, so multipart uploads happen with modest test data
SIGNING_SECRET = "test-signing-secret"
BASE_URL = "http://kho.test"


def require_or_skip(condition: bool, reason: str) -> None:
    """Skip when a service is missing, but fail under KHO_TEST_REQUIRE_SERVICES=1 (CI)."""
    if condition:
        return
    if os.environ.get("KHO_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def start_or_skip() -> S3Server:
    try:
        return start_s3_server()
    except S3ServerError as exc:
        require_or_skip(False, f"S3 test server unavailable: {exc}")
        raise  # unreachable: require_or_skip always raises here


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    server = start_or_skip()
    yield server
    server.stop()


def make_s3_store(server: S3Server, bucket: str | None = None, **options: object) -> S3Store:
    settings: dict[str, object] = {"part_size": TEST_PART_SIZE, "connect_timeout": 2.0, "read_timeout": 30.0}
    settings.update(options)
    return S3Store(
        server.endpoint,
        server.access_key,
        server.secret_key,
        bucket or f"kho-test-{uuid.uuid4().hex[:16]}",
        **settings,  # type: ignore[arg-type]
    )


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    """A fresh, empty store: a LocalStore under tmp_path, or an S3Store on its own new bucket."""
    if request.param == "local":
        return LocalStore(tmp_path / "objects", url_signer=UrlSigner(SIGNING_SECRET, BASE_URL))
    server: S3Server = request.getfixturevalue("s3_server")
    return make_s3_store(server)


def _local_leftovers(store: LocalStore) -> list[str]:
    return sorted(os.listdir(store.root / TMP_DIR))


def _s3_leftovers(store: S3Store) -> list[str]:
    """Ask the server itself (through boto3, not the client under test) for incomplete uploads."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=store.endpoint_url,
        aws_access_key_id="x",
        aws_secret_access_key="x",
        region_name="us-east-1",
    )
    uploads = client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", [])
    return sorted(f"{u['Key']}#{u['UploadId']}" for u in uploads)


@pytest.fixture
def leftovers() -> Callable[[ObjectStore], list[str]]:
    """Temp files (local) or incomplete multipart uploads (S3) that a store has left behind."""

    def check(store: ObjectStore) -> list[str]:
        if isinstance(store, LocalStore):
            return _local_leftovers(store)
        assert isinstance(store, S3Store)
        return _s3_leftovers(store)

    return check
