"""Time-driven work run by the worker's sweeper every minute (embargo release, expiry, retries, reminders),
listed here in the order it runs. Each entry paces itself (e.g. the storage sweep runs when due)."""

from __future__ import annotations

from collections.abc import Callable

from service.core.runtime import Runtime
from service.notifications import scheduled as notifications
from service.tus import scheduled as tus
from service.webhooks import scheduled as webhooks
from service.worker.maintenance import StorageSweep
from service.workflow import scheduled as workflow

# Each is handed the runtime the sweeper runs with.
SCHEDULED: tuple[Callable[[Runtime], object], ...] = (
    notifications.send_due_email,
    notifications.send_digests,
    notifications.remind_urgent_reviews,
    notifications.remind_deadlines,
    StorageSweep.run_when_due,
    tus.remove_expired_uploads,
    webhooks.deliver_due_webhooks,
    workflow.embargo_and_expiry,
)


def run_scheduled(rt: Runtime) -> None:
    for fn in SCHEDULED:
        fn(rt)
