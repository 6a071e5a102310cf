"""Process-wide side-effect adapters built from settings: object store, search index, job queue.
Tests reset them with `reset()` after changing settings."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from service.config import get_settings
from storage.base import ObjectStore


@cache
def get_store() -> ObjectStore:
    from storage.factory import make_store
    from storage.signing import UrlSigner

    s = get_settings()
    if s.storage == "s3":
        return make_store("s3", endpoint=s.s3_endpoint, access_key=s.s3_access_key, secret_key=s.s3_secret_key,
                          bucket=s.s3_bucket, secure=s.s3_secure, region=s.s3_region)
    return make_store("local", root=s.objects_root, url_signer=UrlSigner(s.secret_key, s.base_url))


def download_ttl() -> timedelta:
    return timedelta(seconds=get_settings().download_url_ttl_seconds)


def reset() -> None:
    from service import db

    get_settings.cache_clear()
    get_store.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
