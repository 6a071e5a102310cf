"""Request size limits and per-user / per-key rate limits, decided before the route runs."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from starlette.datastructures import Headers

from service.core.config import Settings
from service.core.errors import PayloadTooLarge

MiB = 1024 * 1024
EXEMPT = ("/healthz", "/readyz", "/metrics")


class RequestTooLarge(PayloadTooLarge):
    """Raised from the body reader when a body without Content-Length passes the limit."""

    code = "request_too_large"


def is_upload(path: str) -> bool:
    """Paths whose bodies are files: direct uploads, new versions, tus chunks, import ZIPs."""
    if path in ("/api/v1/assets", "/api/v1/assets/") or path.startswith(("/api/v1/uploads", "/api/v1/imports")):
        return True
    return path.startswith("/api/v1/assets/") and path.rstrip("/").endswith("/versions")


def body_limit(path: str, ops: Settings, max_upload: int) -> int:
    if path.startswith("/api/v1/imports"):
        return ops.limits.max_import_bytes
    if is_upload(path):
        return max_upload + MiB  # room for multipart framing and metadata around the largest file
    return ops.limits.max_body_bytes


def declared_length(headers: Headers) -> int | None:
    raw = headers.get("content-length")
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw)


class IdentityCache:
    """Remembers which user or API client a credential belonged to, so later requests with the same
    credential draw from that principal's bucket (one bucket per user, whatever token it uses)."""

    def __init__(self, size: int = 50_000) -> None:
        self._items: OrderedDict[str, tuple[str, int | None]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, credential: str) -> tuple[str, int | None] | None:
        with self._lock:
            found = self._items.get(credential)
            if found:
                self._items.move_to_end(credential)
            return found

    def put(self, credential: str, identity: str, limit: int | None) -> None:
        with self._lock:
            self._items[credential] = (identity, limit)
            self._items.move_to_end(credential)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def credential_of(headers: Headers) -> tuple[str, str] | None:
    """(hashed credential, "user" | "key") from the bearer token or the session cookie."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    token = value.strip() if scheme.lower() == "bearer" else ""
    if not token:
        for part in headers.get("cookie", "").split(";"):
            name, _, cookie = part.strip().partition("=")
            if name == "kho_session" and cookie:
                token = cookie
    if not token:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()[:32]
    return digest, "user" if token.startswith("kho_u_") or scheme.lower() != "bearer" else "key"


def bucket_for(headers: Headers, client_host: str, identities: IdentityCache, ops: Settings
               ) -> tuple[str, int, str]:
    """(bucket key, per-minute limit, scope label) of this request."""
    found = credential_of(headers)
    if found is None:
        return f"ip:{client_host}", ops.rate_limit.anonymous_per_minute, "anonymous"
    digest, kind = found
    limit = ops.rate_limit.user_per_minute if kind == "user" else ops.rate_limit.key_per_minute
    known = identities.get(digest)
    if known is None:
        return f"cred:{digest}", limit, kind
    identity, own_limit = known
    # A newsroom key carries its own contracted limit; the global one is only the ceiling.
    return identity, min(limit, own_limit) if own_limit else limit, kind
