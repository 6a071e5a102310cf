"""Repairs: re-dispatch lost jobs, remove orphan objects (stored bytes no row refers to) older than an hour,
abort crashed multipart uploads, remove abandoned job work folders. The worker runs the storage part on
its own cadence (`service/ops/scheduled.py`); `kho sweep` runs everything at once."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from service.assets import repository as assets_repo
from service.core.db import unit_of_work
from service.core.runtime import Runtime
from service.jobs import service as jobs
from service.jobs import workdir
from service.models.base import utcnow
from service.tus import service as tus
from storage.base import ObjectStore, StorageError

log = logging.getLogger("kho.maintenance")
ORPHAN_AGE = timedelta(hours=1)
PREFIXES = ("originals/", "renditions/", "captions/")
# The S3 server itself aborts what the sweep missed (its lifecycle rules count in whole days).
LIFECYCLE_ABORT_DAYS = 1


def remove_orphans(rt: Runtime, min_age: timedelta | None = None) -> list[str]:
    """Objects younger than `min_age` (default ORPHAN_AGE) may belong to an upload still in flight, so
    they are left alone."""
    min_age = ORPHAN_AGE if min_age is None else min_age
    store = rt.store
    with unit_of_work(rt.sessionmaker) as session:
        known = assets_repo.all_object_keys(session)
    cutoff = utcnow() - min_age
    removed = []
    for prefix in PREFIXES:
        for stat in store.list(prefix):
            if stat.key not in known and stat.modified < cutoff:
                store.delete(stat.key)
                removed.append(stat.key)
    return removed


class _LifecycleRule:
    """Set once per process: the rule lives on the bucket, asking again every sweep is wasted I/O."""

    done = False

    @classmethod
    def ensure(cls, store: ObjectStore) -> None:
        if not cls.done:
            cls.done = True
            if not store.expire_incomplete_uploads(LIFECYCLE_ABORT_DAYS):
                log.info("no lifecycle rule for incomplete uploads: the scheduled sweep aborts them")


def sweep_storage(rt: Runtime) -> dict[str, int]:
    """Everything that leaks bytes: crashed multipart uploads, orphan objects, expired tus uploads with
    their staged parts, abandoned job work folders."""
    store = rt.store
    _LifecycleRule.ensure(store)
    return {"incomplete_uploads_removed": store.sweep_incomplete(ORPHAN_AGE),
            "orphans_removed": len(remove_orphans(rt)), "tus_uploads_removed": tus.expire(rt),
            "work_folders_removed": workdir.remove_stale(rt.settings.tmp_dir)}


class StorageSweep:
    """The worker's storage sweep, at most once per `storage_sweep_interval_seconds` in this process."""

    _lock = threading.Lock()
    _last = float("-inf")

    @classmethod
    def run_when_due(cls, rt: Runtime) -> dict[str, int] | None:
        with cls._lock:
            now = time.monotonic()
            if now - cls._last < rt.settings.storage.sweep_interval_seconds:
                return None
            cls._last = now
        try:
            result = sweep_storage(rt)
        except StorageError as exc:  # an outage: try again next interval
            log.warning("storage sweep failed", extra={"error": str(exc)})
            return None
        log.info("storage sweep", extra=result)
        return result


def sweep_all(rt: Runtime) -> dict[str, int]:
    with unit_of_work(rt.sessionmaker) as session:
        redispatched = jobs.sweep(session)
    return {"jobs_redispatched": len(redispatched), **sweep_storage(rt)}
