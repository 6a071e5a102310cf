"""Retries: the sweeper (every minute) sends whatever has become due."""

from __future__ import annotations

from service.scheduled import scheduled
from service.webhooks.delivery import deliver_due


@scheduled
def deliver_due_webhooks() -> None:
    deliver_due()
