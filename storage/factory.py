"""Build the configured ObjectStore from settings (`KHO_STORAGE=local|s3`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storage.base import ObjectStore
from storage.local import LocalStore
from storage.s3 import S3Store
from storage.signing import UrlSigner


def make_store(kind: str, **settings: Any) -> ObjectStore:
    """`make_store("local", root=..., url_signer=...)` or `make_store("s3", endpoint=..., ...)`.

    For "local", instead of `url_signer` you may pass `signing_secret` and `base_url` (and
    optionally `signing_path`) and the signer is built here. For "s3" the settings are the
    keyword arguments of S3Store. Unknown settings raise TypeError rather than being ignored.
    """
    if kind == "local":
        signer = settings.pop("url_signer", None)
        secret = settings.pop("signing_secret", None)
        base_url = settings.pop("base_url", None)
        path = settings.pop("signing_path", "/objects/")
        if signer is None and secret and base_url:
            signer = UrlSigner(secret, base_url, path)
        root = settings.pop("root")
        if settings:
            raise TypeError(f"unknown LocalStore settings: {sorted(settings)}")
        return LocalStore(Path(root), url_signer=signer)
    if kind == "s3":
        return S3Store(**settings)
    raise ValueError(f"unknown storage kind {kind!r} (expected 'local' or 's3')")
