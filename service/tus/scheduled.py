"""Expired partial uploads are removed by the worker's sweeper (every minute)."""

from __future__ import annotations

from service.scheduled import scheduled
from service.tus import service as tus


@scheduled
def remove_expired_uploads() -> None:
    tus.expire()
