"""tus 1.0 header parsing and the headers every response carries."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from service.core.errors import KhoError

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,checksum,termination,expiration"
CHECKSUM_ALGORITHMS = "sha1"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
MAX_METADATA_CHARS = 64 * 1024


class TusError(KhoError):
    """A protocol error; always answered with Tus-Resumable so clients recognise the server."""

    def __init__(self, code: str, *, status: int, headers: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(code, status=status, headers={"Tus-Resumable": TUS_VERSION, **(headers or {})}, **params)


def check_version(value: str | None) -> None:
    if value != TUS_VERSION:
        raise TusError("tus_version", status=412, headers={"Tus-Version": TUS_VERSION})


def parse_int(name: str, value: str | None) -> int:
    if value is None or not value.strip().isdigit() or len(value.strip()) > 19:
        raise TusError("tus_bad_header", status=400, reason=f"{name} must be a non-negative integer")
    return int(value.strip())


def parse_metadata(value: str | None) -> dict[str, str]:
    """`key base64value,key2 base64value2` → {key: decoded UTF-8 text}."""
    if not value:
        return {}
    if len(value) > MAX_METADATA_CHARS:
        raise TusError("tus_bad_header", status=400, reason="Upload-Metadata is too long")
    result: dict[str, str] = {}
    for pair in value.split(","):
        key, _, encoded = pair.strip().partition(" ")
        if not key or " " in encoded.strip() or key in result:
            raise TusError("tus_bad_header", status=400, reason="malformed Upload-Metadata")
        try:
            result[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise TusError("tus_bad_header", status=400, reason=f"metadata '{key[:40]}' is not base64 UTF-8") from None
    return result


def parse_checksum(value: str | None) -> bytes | None:
    """`sha1 <base64 digest>` → the raw digest (None when the client sent no checksum)."""
    if value is None:
        return None
    algorithm, _, encoded = value.strip().partition(" ")
    if algorithm.lower() != "sha1":
        raise TusError("tus_checksum_algorithm", status=400)
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise TusError("tus_bad_header", status=400, reason="Upload-Checksum is not base64") from None
    if len(digest) != 20:
        raise TusError("tus_bad_header", status=400, reason="a sha1 digest has 20 bytes")
    return digest


def expires_header(at: datetime) -> str:
    return format_datetime(at, usegmt=True)
