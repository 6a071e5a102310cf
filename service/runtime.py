"""Process-wide side-effect adapters built from settings: object store, search index, job queue.
Tests reset them with `reset()` after changing settings."""

from __future__ import annotations

from datetime import timedelta

from search.protocol import SearchIndex
from service.config import get_settings
from service.once import once
from storage.base import ObjectStore


@once
def get_store() -> ObjectStore:
    from storage.factory import make_store
    from storage.signing import UrlSigner

    s = get_settings()
    if s.storage == "s3":
        return make_store("s3", endpoint=s.s3_endpoint, access_key=s.s3_access_key, secret_key=s.s3_secret_key,
                          bucket=s.s3_bucket, secure=s.s3_secure, region=s.s3_region,
                          public_endpoint=s.s3_public_endpoint or None,
                          connect_timeout=s.s3_connect_timeout, read_timeout=s.s3_read_timeout, retries=s.s3_retries,
                          probe_timeout=s.s3_probe_timeout)
    return make_store("local", root=s.objects_root, url_signer=UrlSigner(s.secret_key, s.base_url))


def download_ttl() -> timedelta:
    return timedelta(seconds=get_settings().download_url_ttl_seconds)


def reset() -> None:
    """Forget every adapter and setting derived from the environment (tests change it between stacks)."""
    from service import db
    from service.ops.ratelimit import get_limiter
    from service.ops.settings import get_ops_settings

    reset_search()
    get_settings.cache_clear()
    get_store.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
    get_ops_settings.cache_clear()
    get_limiter.cache_clear()


_search_writer = False  # this process writes the search index (kho run, kho worker, kho reindex)


def claim_search_writer() -> SearchIndex:
    """Open the search index as its writer now, so a second writer of one embedded index fails at start
    with `search.writer_lock.IndexBusy` (naming KHO_SEARCH=postgres) instead of retrying for minutes."""
    global _search_writer
    if not _search_writer:
        _search_writer = True
        reset_search()
    return get_search_index()


@once
def get_search_index() -> SearchIndex:
    from search.factory import make_index

    s = get_settings()
    if s.search == "meilisearch":
        return make_index("meilisearch", meili_url=s.meili_url, meili_key=s.meili_key or None)
    if s.search == "postgres":
        return make_index("postgres", database_url=s.db_url)
    s.search_dir.mkdir(parents=True, exist_ok=True)
    return make_index("embedded", path=s.search_dir, shards=s.search_shards, writer=_search_writer)


def reset_search() -> None:
    if get_search_index.built:
        get_search_index().close()
    get_search_index.cache_clear()
