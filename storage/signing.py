"""Signed, time-limited download URLs for stores that cannot presign (LocalStore).

The service exposes `GET {path}{token}`; it calls `UrlSigner.verify(token)` and streams the object.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from itsdangerous import BadData, URLSafeTimedSerializer

from storage.base import InvalidKey, check_expiry, validate_key

_SALT = "kho.storage.download-url.v1"


class InvalidSignature(Exception):
    """The token was tampered with, made with another secret, or is malformed (answer 403)."""


class SignatureExpired(InvalidSignature):
    """The token is genuine but its expiry has passed (answer 403 or 410)."""


@dataclass(frozen=True)
class SignedObject:
    key: str
    filename: str | None
    content_type: str | None
    expires_at: datetime  # timezone-aware UTC


class UrlSigner:
    def __init__(
        self,
        secret: str,
        base_url: str,
        path: str = "/objects/",
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not secret:
            raise ValueError("UrlSigner needs a non-empty secret")
        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT)
        self._prefix = base_url.rstrip("/") + "/" + path.strip("/") + "/"
        self._clock = clock

    def sign_token(
        self,
        key: str,
        expires: timedelta,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> str:
        validate_key(key)
        check_expiry(expires, maximum=timedelta(days=366))
        expires_at = int(self._clock() + expires.total_seconds())
        payload = {"k": key, "e": expires_at, "f": filename, "t": content_type}
        return self._serializer.dumps(payload)

    def sign(
        self,
        key: str,
        expires: timedelta,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> str:
        """The full URL: `{base_url}{path}{token}`."""
        token = self.sign_token(key, expires, filename, content_type)
        return self._prefix + quote(token, safe="")

    def verify(self, token: str) -> SignedObject:
        try:
            payload = self._serializer.loads(token)
        except BadData as exc:
            raise InvalidSignature("download link is invalid") from exc
        try:
            key, expires_at = payload["k"], payload["e"]
            filename, content_type = payload.get("f"), payload.get("t")
            validate_key(key)
        except (KeyError, TypeError, InvalidKey) as exc:
            raise InvalidSignature("download link payload is malformed") from exc
        if self._clock() >= expires_at:
            raise SignatureExpired("download link has expired")
        return SignedObject(key, filename, content_type, datetime.fromtimestamp(expires_at, UTC))
