"""Repairs: re-dispatch lost jobs, remove orphan objects (stored bytes no row refers to) older than an hour."""

from __future__ import annotations

from datetime import timedelta

from service.assets import repository as assets_repo
from service.db import unit_of_work
from service.jobs import service as jobs
from service.models.base import utcnow
from service.runtime import get_store

ORPHAN_AGE = timedelta(hours=1)
PREFIXES = ("originals/", "renditions/", "captions/")


def remove_orphans(min_age: timedelta = ORPHAN_AGE) -> list[str]:
    """Objects younger than `min_age` may belong to an upload still in flight, so they are left alone."""
    store = get_store()
    with unit_of_work() as session:
        known = assets_repo.all_object_keys(session)
    cutoff = utcnow() - min_age
    removed = []
    for prefix in PREFIXES:
        for stat in store.list(prefix):
            if stat.key not in known and stat.modified < cutoff:
                store.delete(stat.key)
                removed.append(stat.key)
    return removed


def sweep_all() -> dict[str, int]:
    with unit_of_work() as session:
        redispatched = jobs.sweep(session)
    # Temp files of the local store / incomplete multipart uploads on S3 left by a crashed process.
    stale_parts = get_store().sweep_incomplete(ORPHAN_AGE)
    return {"jobs_redispatched": len(redispatched), "orphans_removed": len(remove_orphans()),
            "incomplete_uploads_removed": stale_parts}
