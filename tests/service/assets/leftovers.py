"""Read-only views of what the service left behind, for 'nothing half-written' assertions."""

from __future__ import annotations

from service.assets import repository
from service.core.db import unit_of_work
from service.core.runtime import get_store


def count_assets() -> int:
    with unit_of_work() as session:
        return repository.count_all(session)


def stored_keys() -> set[str]:
    return {s.key for s in get_store().list("originals/")}
