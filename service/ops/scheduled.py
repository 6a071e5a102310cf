"""The worker's storage sweep (no manual `kho sweep` needed); it paces itself, the sweeper calls it every minute."""

from __future__ import annotations

from service.maintenance import StorageSweep
from service.scheduled import scheduled


@scheduled
def sweep_storage() -> None:
    StorageSweep.run_when_due()
