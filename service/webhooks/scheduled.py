"""Retries: the sweeper (every minute) sends whatever has become due."""

from __future__ import annotations

from service.webhooks.delivery import deliver_due


def deliver_due_webhooks() -> None:
    deliver_due()
