"""Retries: the sweeper (every minute) sends whatever has become due."""

from __future__ import annotations

from service.core.runtime import Runtime
from service.webhooks.delivery import deliver_due


def deliver_due_webhooks(rt: Runtime) -> None:
    deliver_due(rt)
