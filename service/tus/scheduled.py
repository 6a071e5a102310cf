"""Expired partial uploads are removed by the worker's sweeper (every minute)."""

from __future__ import annotations

from service.core.runtime import Runtime
from service.tus import service as tus


def remove_expired_uploads(rt: Runtime) -> None:
    tus.expire(rt)
