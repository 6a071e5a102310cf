"""Objects in an S3 bucket through the `minio` client (MinIO in compose, any S3 server at scale).

Uploads of unknown or large size are streamed as multipart uploads, one part in memory at a time;
minio aborts the multipart upload when anything fails, so no incomplete upload is left behind.
"""

from __future__ import annotations

import builtins
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self
from urllib.parse import urlsplit

import certifi
import urllib3
from minio import Minio
from minio.commonconfig import ENABLED, Filter
from minio.deleteobjects import DeleteObject
from minio.error import InvalidResponseError, S3Error, ServerError
from minio.helpers import MIN_PART_SIZE
from minio.lifecycleconfig import AbortIncompleteMultipartUpload, LifecycleConfig, Rule
from urllib3.connectionpool import ConnectionPool
from urllib3.util import Retry, Timeout

from storage.base import (
    EmptyReader,
    InvalidKey,
    MiB,
    ObjectNotFound,
    ObjectReader,
    ObjectStat,
    StorageError,
    StorageFull,
    StorageUnavailable,
    check_expiry,
    check_range,
    validate_key,
    validate_prefix,
)
from storage.http import content_disposition
from storage.s3_stream import UploadStream

_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchObject"})
_FULL_CODES = frozenset(
    {"XMinioStorageFull", "QuotaExceeded", "XMinioAdminBucketQuotaExceeded", "EntityTooLarge"}
)
# Wrong credentials or a misconfigured server make storage unusable just like an outage.
_UNAVAILABLE_CODES = frozenset(
    {
        "SlowDown",
        "ServiceUnavailable",
        "InternalError",
        "XMinioServerNotInitialized",
        "AccessDenied",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "NoSuchBucket",  # deleted behind our back: a configuration outage, not a missing object
    }
)
PRESIGN_MAX = timedelta(days=7)
LIFECYCLE_RULE_ID = "kho-abort-incomplete-uploads"
_MAX_LISTING_PAGES = 100
log = logging.getLogger("kho.storage")  # the S3 limit for SigV4 presigned URLs


def map_error(exc: Exception, what: str) -> StorageError:
    """Translate a minio/urllib3 failure into the storage error the service answers with."""
    if isinstance(exc, S3Error):
        if exc.code in _NOT_FOUND_CODES:
            return ObjectNotFound(what)
        if exc.code in _FULL_CODES:
            return StorageFull(f"{what}: {exc.code}: {exc.message}")
        if exc.code in _UNAVAILABLE_CODES:
            return StorageUnavailable(f"{what}: {exc.code}: {exc.message}")
        return StorageError(f"{what}: {exc.code}: {exc.message}")
    if isinstance(exc, ServerError):
        if exc.status_code == 507:
            return StorageFull(f"{what}: {exc}")
        return StorageUnavailable(f"{what}: {exc}")
    if isinstance(exc, InvalidResponseError | urllib3.exceptions.HTTPError | ConnectionError):
        return StorageUnavailable(f"{what}: {type(exc).__name__}: {exc}")
    return StorageError(f"{what}: {exc}")


_TRANSLATED = (S3Error, ServerError, InvalidResponseError, urllib3.exceptions.HTTPError, ConnectionError)


@contextmanager
def _translate(what: str) -> Iterator[None]:
    try:
        yield
    except _TRANSLATED as exc:
        raise map_error(exc, what) from exc


class _ResponseReader(ObjectReader):
    def __init__(
        self, key: str, response: urllib3.BaseHTTPResponse, *, offset: int, length: int, total_size: int
    ) -> None:
        super().__init__(key, offset=offset, length=length, total_size=total_size)
        self._response = response

    def _read(self, n: int) -> bytes:
        with _translate(f"read {self.key!r}"):
            return self._response.read(n)

    def _close(self) -> None:
        self._response.close()
        self._response.release_conn()


def _parse_endpoint(endpoint: str, secure: bool) -> tuple[str, bool]:
    """Accept both minio's `host:port` and a URL such as `https://s3.example.vn`."""
    if "://" in endpoint:
        parts = urlsplit(endpoint)
        return parts.netloc, parts.scheme == "https"
    return endpoint, secure


class _FailFastRetry(Retry):
    """Retries refused connections, a kept-alive connection the server dropped (after its restart) and 5xx
    answers, but not a read that timed out: on a hung server that would only multiply the wait, and jobs and
    clients retry on their own schedule."""

    def increment(self, method: str | None = None, url: str | None = None,
                  response: urllib3.BaseHTTPResponse | None = None, error: Exception | None = None,
                  _pool: ConnectionPool | None = None, _stacktrace: TracebackType | None = None) -> Self:
        if isinstance(error, urllib3.exceptions.ReadTimeoutError):
            raise error
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _http_client(connect_timeout: float, read_timeout: float, retries: int, pool: int) -> urllib3.PoolManager:
    # minio's default (5 min timeouts, 5 retries) turns an outage into a hung request.
    return urllib3.PoolManager(
        timeout=Timeout(connect=connect_timeout, read=read_timeout),
        maxsize=pool,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
        retries=_FailFastRetry(total=retries, backoff_factor=0.2, status_forcelist=(500, 502, 503, 504)),
    )


class S3Store:
    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        *,
        secure: bool = False,
        region: str | None = None,
        part_size: int = 16 * MiB,
        parallel_uploads: int = 1,
        connect_timeout: float = 3.0,
        read_timeout: float = 20.0,
        retries: int = 1,
        probe_timeout: float = 1.0,
        max_connections: int = 50,
        public_endpoint: str | None = None,
        create_bucket: bool = True,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes (S3 minimum)")
        host, secure = _parse_endpoint(endpoint, secure)
        # One kept-alive connection per concurrent caller: the API serves requests on up to 40 threads
        # (anyio's default), and a pool smaller than that discards and reopens connections under load.
        http = _http_client(connect_timeout, read_timeout, retries, max(max_connections, 2 * parallel_uploads))
        self.bucket = bucket
        self.endpoint_url = f"{'https' if secure else 'http'}://{host}"
        self.part_size = part_size
        self.parallel_uploads = parallel_uploads
        self.create_bucket = create_bucket
        self.client = Minio(host, access_key, secret_key, secure=secure, region=region, http_client=http)
        # Readiness probes must answer within a load balancer's patience: short timeouts, no retries.
        self._probe = Minio(host, access_key, secret_key, secure=secure, region=region,
                            http_client=_http_client(probe_timeout, probe_timeout, 0, 4))
        # Presigned URLs embed the host they were signed for; browsers may need a public name
        # (e.g. https://files.example.vn) for a server the API reaches as http://minio:9000.
        self._presigner = self.client
        if public_endpoint:
            pub_host, pub_secure = _parse_endpoint(public_endpoint, secure)
            # An explicit region keeps presigning offline (no GetBucketLocation on the public name).
            self._presigner = Minio(
                pub_host, access_key, secret_key, secure=pub_secure, region=region or "us-east-1"
            )
        self._bucket_ready = False
        self._bucket_lock = threading.Lock()

    # -- bucket -------------------------------------------------------------------------------

    def _ensure_bucket(self) -> None:
        """Create the bucket on first use (not in __init__, so the app starts while S3 is down)."""
        if self._bucket_ready:
            return
        with self._bucket_lock, _translate(f"bucket {self.bucket!r}"):
            if self._bucket_ready:
                return
            if not self.client.bucket_exists(self.bucket):
                if not self.create_bucket:
                    raise StorageUnavailable(f"bucket {self.bucket!r} does not exist")
                try:
                    self.client.make_bucket(self.bucket)
                except S3Error as exc:
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise
            self._bucket_ready = True

    # -- writing ------------------------------------------------------------------------------

    def put(
        self,
        key: str,
        stream: BinaryIO,
        *,
        size: int | None = None,
        content_type: str = "application/octet-stream",
    ) -> ObjectStat:
        validate_key(key)
        if size is not None and size < 0:
            raise ValueError("size must be >= 0")
        self._ensure_bucket()
        upload = UploadStream(stream, size)
        upload.check_empty()
        try:
            with _translate(f"put {key!r}"):
                self.client.put_object(
                    self.bucket,
                    key,
                    upload,  # type: ignore[arg-type]  # minio only needs .read(n)
                    length=-1 if size is None else size,
                    content_type=content_type,
                    part_size=self.part_size,
                    num_parallel_uploads=self.parallel_uploads,
                )
        except BaseException:
            # The caller's own error (client gone, size limit, …) wins over whatever minio raised
            # on top of it; minio has already aborted the multipart upload at this point.
            upload.reraise_source_error()
            raise
        return self.stat(key)

    def put_file(self, key: str, path: Path, *, content_type: str = "application/octet-stream") -> ObjectStat:
        with open(path, "rb") as f:
            return self.put(key, f, size=os.fstat(f.fileno()).st_size, content_type=content_type)

    # -- reading ------------------------------------------------------------------------------

    def open(self, key: str, *, offset: int = 0, length: int | None = None) -> ObjectReader:
        validate_key(key)
        check_range(offset, length)
        if length == 0:  # minio would send no Range header at all for (0, 0)
            return EmptyReader(key, offset=offset, total_size=self.stat(key).size)
        self._ensure_bucket()
        try:
            with _translate(f"open {key!r}"):
                response = self.client.get_object(self.bucket, key, offset=offset, length=length or 0)
        except StorageError as exc:
            cause = exc.__cause__
            if isinstance(cause, S3Error) and cause.code == "InvalidRange":
                return EmptyReader(key, offset=offset, total_size=self.stat(key).size)
            raise
        span = int(response.headers.get("Content-Length", "0"))
        content_range = response.headers.get("Content-Range")  # "bytes 5-10/11"
        if (offset or length) and not content_range:
            # A server that ignores Range would hand us the whole object labelled as a slice.
            response.close()
            response.release_conn()
            raise StorageError(f"open {key!r}: the server ignored the Range request")
        total = int(content_range.rsplit("/", 1)[1]) if content_range else span
        return _ResponseReader(key, response, offset=offset, length=span, total_size=total)

    def stat(self, key: str) -> ObjectStat:
        validate_key(key)
        self._ensure_bucket()
        with _translate(f"stat {key!r}"):
            obj = self.client.stat_object(self.bucket, key)
        modified = obj.last_modified or datetime.now(UTC)
        return ObjectStat(key, obj.size or 0, modified.astimezone(UTC), obj.etag)

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except ObjectNotFound:
            return False
        return True

    def list(self, prefix: str = "") -> Iterator[ObjectStat]:
        validate_prefix(prefix)  # eagerly, not at the first next()
        self._ensure_bucket()
        return self._list(prefix)

    def _list(self, prefix: str) -> Iterator[ObjectStat]:
        with _translate(f"list {prefix!r}"):
            for obj in self.client.list_objects(self.bucket, prefix=prefix or None, recursive=True):
                if obj.is_dir or obj.object_name is None:
                    continue
                modified = (obj.last_modified or datetime.now(UTC)).astimezone(UTC)
                yield ObjectStat(obj.object_name, obj.size or 0, modified, obj.etag)

    # -- deleting -----------------------------------------------------------------------------

    def delete(self, key: str) -> None:
        validate_key(key)
        self._ensure_bucket()
        with _translate(f"delete {key!r}"):
            self.client.remove_object(self.bucket, key)  # S3 DELETE is already idempotent

    def delete_prefix(self, prefix: str) -> int:
        if not validate_prefix(prefix):
            raise InvalidKey("delete_prefix needs a non-empty prefix")
        keys = [item.key for item in self.list(prefix)]
        with _translate(f"delete prefix {prefix!r}"):
            errors = builtins.list(self.client.remove_objects(self.bucket, (DeleteObject(k) for k in keys)))
        if errors:
            raise StorageError(f"delete prefix {prefix!r}: {len(errors)} objects not deleted: {errors[0]}")
        return len(keys)

    # -- URLs, health, housekeeping -----------------------------------------------------------

    def download_url(
        self,
        key: str,
        *,
        expires: timedelta,
        filename: str | None = None,
        content_type: str | None = None,
        method: str = "GET",
    ) -> str:
        validate_key(key)
        check_expiry(expires, PRESIGN_MAX)
        headers: dict[str, str | builtins.list[str] | tuple[str]] = {}
        if filename is not None:
            headers["response-content-disposition"] = content_disposition(filename)
        if content_type is not None:
            headers["response-content-type"] = content_type
        with _translate(f"presign {key!r}"):
            return self._presigner.get_presigned_url(
                method, self.bucket, key, expires=expires, response_headers=headers or None
            )

    def health(self) -> None:
        """One real round trip every time, on the probe client: a hung server fails within its timeout."""
        try:
            with _translate(f"bucket {self.bucket!r}"):
                if not self._probe.bucket_exists(self.bucket) and not self.create_bucket:
                    raise StorageUnavailable(f"bucket {self.bucket!r} does not exist")
            self._ensure_bucket()  # creates a missing bucket (cached after the first success)
        except StorageUnavailable:
            raise
        except StorageError as exc:
            raise StorageUnavailable(str(exc)) from exc

    def sweep_incomplete(self, older_than: timedelta, prefix: str = "") -> int:
        """Abort multipart uploads older than `older_than` (left by a crash or a failed abort)."""
        validate_prefix(prefix)
        self._ensure_bucket()
        cutoff = datetime.now(UTC) - older_than
        aborted = 0
        key_marker: str | None = None
        # minio 7.2 has no public API for this; these two calls are its own internals. Pages are
        # followed by key only (minio drops NextUploadIdMarker), bounded so an odd server cannot loop us.
        with _translate("sweep incomplete uploads"):
            for _ in range(_MAX_LISTING_PAGES):
                result = self.client._list_multipart_uploads(
                    self.bucket, prefix=prefix or None, key_marker=key_marker
                )
                for upload in result.uploads:
                    started = upload.initiated_time
                    if upload.upload_id and started is not None and started < cutoff:
                        self.client._abort_multipart_upload(self.bucket, upload.object_name, upload.upload_id)
                        aborted += 1
                if not result.is_truncated or not result.next_key_marker:
                    break
                key_marker = result.next_key_marker
        return aborted

    def expire_incomplete_uploads(self, after_days: int) -> bool:
        """Add an AbortIncompleteMultipartUpload rule to the bucket's lifecycle (keeping its other
        rules), so the server itself aborts what no sweep reached. False if the server refuses."""
        self._ensure_bucket()
        try:
            with _translate("bucket lifecycle"):
                config = self.client.get_bucket_lifecycle(self.bucket)
                rules = builtins.list(config.rules) if config else []
                if any(rule.rule_id == LIFECYCLE_RULE_ID for rule in rules):
                    return True
                rules.append(Rule(ENABLED, rule_filter=Filter(prefix=""), rule_id=LIFECYCLE_RULE_ID,
                                  abort_incomplete_multipart_upload=AbortIncompleteMultipartUpload(after_days)))
                self.client.set_bucket_lifecycle(self.bucket, LifecycleConfig(rules))
        except StorageError as exc:
            # NotImplemented (a server without lifecycle), AccessDenied (a key without the right on a
            # shared bucket), MalformedXML …: an answer, not an outage; the sweep aborts uploads anyway.
            if not isinstance(exc.__cause__, S3Error):
                raise
            log.warning("the S3 server refused a lifecycle rule: %s", exc)
            return False
        return True
